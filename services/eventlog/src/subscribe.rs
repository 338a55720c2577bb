//! Catch-up subscriptions to the whole log.
//!
//! A subscription first reads the backlog from RocksDB in bounded batches on tokio's blocking pool, pulled
//! only as fast as the subscriber consumes (backpressure). At the committed head it subscribes to the
//! writer's broadcast of committed groups, re-checks the head to close the race with a group committed in
//! between, says `CaughtUp`, and from then on delivers live groups. Both paths deliver by position and skip
//! anything below the cursor, so the switch has no gap and no duplicate. The broadcast is bounded: the writer
//! never waits for a slow subscriber; one that falls `SUBSCRIPTION_BUFFER` groups behind gets `FellBehind`
//! with the position to resume from, and the subscription ends.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::error::LogError;
use crate::event::RecordedEvent;
use crate::log::on_blocking_pool;
use crate::{Inner, read};

/// Committed groups a live subscriber may have unread before it is told it fell behind.
pub const SUBSCRIPTION_BUFFER: usize = 256;
/// Events a catching-up subscription reads from RocksDB at a time.
pub const CATCH_UP_BATCH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "nearly every message is an Event; boxing it would cost an allocation per event for nothing"
)]
pub enum SubscriptionMessage {
    Event(RecordedEvent),
    /// Every event committed so far has been delivered; `position` is the next one to come.
    CaughtUp {
        position: u64,
    },
    /// The subscriber did not keep up and the subscription has ended; subscribe again from `resume_from`.
    FellBehind {
        resume_from: u64,
    },
}

enum State {
    /// Reading the backlog; `live` is set once the cursor reached the head, just before going live.
    CatchingUp {
        live: Option<broadcast::Receiver<Arc<[RecordedEvent]>>>,
    },
    Live(broadcast::Receiver<Arc<[RecordedEvent]>>),
    Ended,
}

pub struct Subscription {
    inner: Arc<Inner>,
    /// The position of the next event to deliver.
    cursor: u64,
    /// Read or received but not yet delivered, contiguous from `cursor`.
    pending: VecDeque<RecordedEvent>,
    state: State,
}

impl Subscription {
    pub(crate) fn new(inner: Arc<Inner>, from_position: u64) -> Subscription {
        Subscription {
            inner,
            cursor: from_position,
            pending: VecDeque::new(),
            state: State::CatchingUp { live: None },
        }
    }

    /// The next message; `None` once the subscription has ended (after `FellBehind`).
    pub async fn next(&mut self) -> Option<Result<SubscriptionMessage, LogError>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                assert_eq!(
                    event.position, self.cursor,
                    "a subscription delivers gaplessly"
                );
                self.cursor += 1;
                return Some(Ok(SubscriptionMessage::Event(event)));
            }
            match &mut self.state {
                State::Ended => return None,
                State::CatchingUp { live } => {
                    let committed = self.inner.shared.committed.load(Ordering::Acquire);
                    if self.cursor < committed {
                        let batch = match read_backlog(&self.inner, self.cursor, committed).await {
                            Ok(batch) => batch,
                            Err(error) => {
                                self.state = State::Ended;
                                return Some(Err(error));
                            }
                        };
                        assert!(
                            !batch.is_empty(),
                            "committed events below the head are readable"
                        );
                        self.pending.extend(batch);
                        continue;
                    }
                    match live.take() {
                        // Subscribe first, then look at the head again: a group committed in between is then
                        // either below the new head (read from RocksDB) or in the receiver (or both; deduped).
                        None => *live = Some(self.inner.shared.live.subscribe()),
                        Some(receiver) => {
                            self.state = State::Live(receiver);
                            return Some(Ok(SubscriptionMessage::CaughtUp {
                                position: self.cursor,
                            }));
                        }
                    }
                }
                State::Live(receiver) => match receiver.recv().await {
                    Ok(group) => {
                        for event in group.iter() {
                            let expected = self.cursor + self.pending.len() as u64;
                            if event.position < expected {
                                continue; // already delivered from the backlog
                            }
                            if event.position > expected {
                                // Cannot happen with the subscribe-then-recheck order above; recover by
                                // reading the gap from RocksDB rather than ever skipping an event.
                                tracing::warn!(
                                    expected,
                                    got = event.position,
                                    "subscription gap; catching up"
                                );
                                self.state = State::CatchingUp { live: None };
                                break;
                            }
                            self.pending.push_back(event.clone());
                        }
                    }
                    Err(RecvError::Lagged(_)) => {
                        self.state = State::Ended;
                        return Some(Ok(SubscriptionMessage::FellBehind {
                            resume_from: self.cursor,
                        }));
                    }
                    Err(RecvError::Closed) => self.state = State::Ended,
                },
            }
        }
    }

    /// The subscription as a `futures::Stream`.
    pub fn into_stream(
        self,
    ) -> impl Stream<Item = Result<SubscriptionMessage, LogError>> + Send + 'static {
        futures::stream::unfold(self, |mut subscription| async move {
            subscription
                .next()
                .await
                .map(|message| (message, subscription))
        })
    }
}

/// The next backlog batch from `cursor`, read on tokio's blocking pool so a catching-up subscriber
/// never stalls the async worker it is polled on. Dropping the future loses nothing: the cursor only
/// moves once the batch is delivered.
async fn read_backlog(
    inner: &Arc<Inner>,
    cursor: u64,
    committed: u64,
) -> Result<Vec<RecordedEvent>, LogError> {
    let inner = Arc::clone(inner);
    on_blocking_pool(move || read::read_all(&inner.store, committed, cursor, CATCH_UP_BATCH)).await
}
