//! What a command does after losing a race on a stream: decide again on a fresh read, after a pause that
//! grows with each lost race and is jittered so that the losers of one race do not collide again in lockstep;
//! after [`MAX_CONFLICT_RETRIES`] it gives up with ABORTED naming the stream that was actually contended.

use std::time::Duration;

use crate::error::HandlerError;

/// How many times a command is decided again after losing a race on its streams before it is ABORTED.
pub const MAX_CONFLICT_RETRIES: usize = 8;
/// The pause before the first retry; each further retry doubles it, up to [`MAX_RETRY_PAUSE`].
pub const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(1);
/// The longest pause between two attempts of one command.
pub const MAX_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// The lost races of one command so far.
pub struct Retries {
    lost: usize,
    /// The stream named when the log's error does not say which one it was.
    stream: String,
}

impl Retries {
    /// Retries of a command whose first stream is `stream`.
    pub fn new(stream: &str) -> Retries {
        Retries {
            lost: 0,
            stream: stream.to_owned(),
        }
    }

    /// After a failed append: an error that is no lost race is returned as it is; a lost race waits out the
    /// next pause so the caller can try again, or is `Conflict` naming the contended stream once the retries
    /// are spent.
    pub async fn after(&mut self, error: HandlerError) -> Result<(), HandlerError> {
        if !error.is_conflict() {
            return Err(error);
        }
        self.lost += 1;
        if self.lost >= MAX_CONFLICT_RETRIES {
            return Err(HandlerError::Conflict {
                stream: error
                    .contended_stream()
                    .unwrap_or_else(|| self.stream.clone()),
                attempts: self.lost,
            });
        }
        tokio::time::sleep(pause(self.lost)).await;
        Ok(())
    }
}

/// "Full jitter": a uniformly random pause below the exponential bound of the `lost`-th retry.
fn pause(lost: usize) -> Duration {
    let doubled = FIRST_RETRY_PAUSE.saturating_mul(1 << lost.min(16));
    let bound = doubled.min(MAX_RETRY_PAUSE);
    Duration::from_micros(rand::random_range(0..=bound.as_micros() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_stay_below_their_bound() {
        for lost in 1..MAX_CONFLICT_RETRIES * 4 {
            assert!(pause(lost) <= MAX_RETRY_PAUSE, "{lost}");
        }
        assert!(pause(1) <= FIRST_RETRY_PAUSE * 2);
    }
}
