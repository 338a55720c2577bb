//! The relay: committed events from the log to the bus, in log order, resuming from a durable checkpoint.
//!
//! Nothing reaches the bus before it is committed, because the relay reads only the committed log. After a
//! crash it resumes from its checkpoint, which trails what it published by at most one batch; the repeats it
//! then publishes carry the same message id (the event id) and JetStream drops them, so consumers see every
//! event once in effect, in log order.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use casetrack_eventlog::{Log, SubscriptionMessage};
use futures::StreamExt;

use crate::bus::Bus;
use crate::checkpoint::Checkpoint;
use crate::error::BusError;

/// Most events published between two checkpoint writes: bounds both the fsyncs per event and the repeats
/// after a crash (which must stay inside JetStream's duplicate window to be dropped).
pub const RELAY_BATCH_MAX: u64 = 256;

/// When the log goes quiet for this long with events published but not yet checkpointed, the checkpoint is
/// written anyway, so a live trickle of events is never left unrecorded for long.
pub const RELAY_IDLE_FLUSH: Duration = Duration::from_millis(100);

/// Publishes the log to a bus, wherever the log lives (the embedded `EventLog` or a `RemoteLog`).
pub struct Relay {
    log: Arc<dyn Log>,
    bus: Bus,
    checkpoint: Checkpoint,
    /// The next position to publish; ahead of the checkpoint by the events published since the last write.
    next_position: u64,
    batch_max: u64,
}

impl Relay {
    /// Open the relay whose checkpoint lives in `data_dir` (a fresh directory starts at position 0).
    pub async fn open(log: Arc<dyn Log>, bus: Bus, data_dir: &Path) -> Result<Relay, BusError> {
        let checkpoint = Checkpoint::open(data_dir, 0)?;
        let log_head = log.next_position().await?;
        if checkpoint.next_position() > log_head {
            return Err(BusError::CheckpointAheadOfLog {
                checkpoint: checkpoint.next_position(),
                log_head,
            });
        }
        Ok(Relay {
            log,
            bus,
            next_position: checkpoint.next_position(),
            checkpoint,
            batch_max: RELAY_BATCH_MAX,
        })
    }

    /// Write the checkpoint after at most `batch` events instead of [`RELAY_BATCH_MAX`] (tests of the crash
    /// path use a small batch to get a checkpoint in the middle of a run).
    pub fn with_batch(mut self, batch: u64) -> Relay {
        assert!(
            (1..=RELAY_BATCH_MAX).contains(&batch),
            "relay batch {batch} outside 1..={RELAY_BATCH_MAX}"
        );
        self.batch_max = batch;
        self
    }

    /// The next log position to publish.
    pub fn next_position(&self) -> u64 {
        self.next_position
    }

    /// The position durably recorded: where a restarted relay would resume.
    pub fn checkpointed_position(&self) -> u64 {
        self.checkpoint.next_position()
    }

    /// Relay forever (following the live log). Returns only on an error, or `Ok` when the log shuts down; the
    /// caller restarts it with [`Relay::open`], which resumes from the checkpoint.
    pub async fn run(&mut self) -> Result<(), BusError> {
        self.relay(u64::MAX).await
    }

    /// Relay until every position below `stop_at` is published, then return WITHOUT writing the checkpoint
    /// for the events since its last batch: dropping the relay right after is exactly a crash at that point,
    /// deterministically. Call [`Relay::persist`] for a clean stop.
    pub async fn run_until(&mut self, stop_at: u64) -> Result<(), BusError> {
        self.relay(stop_at).await
    }

    /// Durably record everything published so far.
    pub fn persist(&mut self) -> Result<(), BusError> {
        if self.checkpoint.next_position() < self.next_position {
            self.checkpoint.store(self.next_position)?;
        }
        Ok(())
    }

    async fn relay(&mut self, stop_at: u64) -> Result<(), BusError> {
        if self.next_position >= stop_at {
            return Ok(());
        }
        let mut subscription = self.log.subscribe_all(self.next_position).await?;
        while self.next_position < stop_at {
            let message = if self.checkpoint.next_position() < self.next_position {
                match tokio::time::timeout(RELAY_IDLE_FLUSH, subscription.next()).await {
                    Ok(message) => message,
                    Err(_idle) => {
                        self.persist()?;
                        continue;
                    }
                }
            } else {
                subscription.next().await
            };
            match message {
                None => {
                    self.persist()?;
                    return Ok(());
                }
                Some(Err(error)) => return Err(error.into()),
                Some(Ok(SubscriptionMessage::Event(event))) => {
                    // Positions are gapless and the subscription starts where we asked: anything else means
                    // the log or the subscription is broken, and publishing on would reorder or skip events.
                    assert_eq!(
                        event.position, self.next_position,
                        "relay expected log position {} next, got {}",
                        self.next_position, event.position
                    );
                    self.bus.publish(&event).await?;
                    self.next_position += 1;
                    if self.next_position - self.checkpoint.next_position() >= self.batch_max {
                        self.persist()?;
                    }
                }
                Some(Ok(SubscriptionMessage::CaughtUp { .. })) => self.persist()?,
                Some(Ok(SubscriptionMessage::FellBehind { .. })) => {
                    // The log dropped us from its live feed; pick up again from exactly what we published.
                    tracing::warn!(
                        position = self.next_position,
                        "relay fell behind the live log; resubscribing"
                    );
                    subscription = self.log.subscribe_all(self.next_position).await?;
                }
            }
        }
        Ok(())
    }
}
