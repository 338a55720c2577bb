//! A gapless feed of the log for a process that does not hold it (`casetrack reporting`): live events from
//! the relay's JetStream stream ([`NatsBus::live`]), checked to arrive at consecutive log positions, and
//! back-filled from the log itself (over gRPC) on first start, after a gap, and for a rebuild from position 0.
//! [`NatsFeedSource`] makes it an [`EventSource`] of the subscriber primitive: the consumer keeps its own
//! checkpoint and the feed is opened there, so NATS holds no state for it.

use std::collections::VecDeque;
use std::sync::Arc;

use casetrack_eventlog::{Log, LogError, LogStream, RecordedEvent, SubscriptionMessage};
use futures::StreamExt;
use futures::stream;

use crate::error::BusError;
use crate::failure::Failure;
use crate::nats::{NatsBus, NatsLive};
use crate::subscriber::EventSource;

/// Most events one batch of the feed holds (one read of the log, one fold).
pub const FEED_BATCH: usize = 1024;

/// The log from a position on, in order and without holes, whatever NATS delivers or drops.
pub struct LogFeed {
    log: Arc<dyn Log>,
    live: NatsLive,
    /// Live events received but not yet handed out.
    pending: VecDeque<RecordedEvent>,
    next_position: u64,
    /// Reading the log instead of the live stream, until a read comes back short (caught up).
    backfilling: bool,
}

impl LogFeed {
    /// The feed from `from`: subscribes to live events first, then back-fills from the log, so every event
    /// committed after the back-fill's last read is among the live ones.
    pub async fn open(log: Arc<dyn Log>, nats: &NatsBus, from: u64) -> Result<LogFeed, BusError> {
        let live = nats.live().await?;
        Ok(LogFeed {
            log,
            live,
            pending: VecDeque::new(),
            next_position: from,
            backfilling: true,
        })
    }

    /// The next log position the feed hands out.
    pub fn next_position(&self) -> u64 {
        self.next_position
    }

    /// The next events, at consecutive positions from [`LogFeed::next_position`], at most [`FEED_BATCH`].
    pub async fn next_batch(&mut self) -> Result<Vec<RecordedEvent>, BusError> {
        loop {
            if self.backfilling {
                // The subscriber checks that these continue gaplessly from its checkpoint too.
                let events = self.log.read_all(self.next_position, FEED_BATCH).await?;
                self.backfilling = events.len() == FEED_BATCH;
                if let Some(last) = events.last() {
                    self.next_position = last.position + 1;
                    return Ok(events);
                }
                continue;
            }
            if self.pending.is_empty() {
                self.pending.extend(self.live.next_chunk(FEED_BATCH).await?);
            }
            // Repeats and what the back-fill already handed out.
            while self
                .pending
                .front()
                .is_some_and(|e| e.position < self.next_position)
            {
                self.pending.pop_front();
            }
            match self.pending.front() {
                None => continue,
                Some(event) if event.position > self.next_position => {
                    tracing::warn!(
                        expected = self.next_position,
                        got = event.position,
                        "live events skip log positions; back-filling from the log"
                    );
                    self.backfilling = true;
                }
                Some(_) => return Ok(self.take_consecutive()),
            }
        }
    }

    /// The pending events at consecutive positions from `next_position`, at most [`FEED_BATCH`].
    fn take_consecutive(&mut self) -> Vec<RecordedEvent> {
        let run = self
            .pending
            .iter()
            .zip(self.next_position..)
            .take_while(|(event, position)| event.position == *position)
            .count()
            .min(FEED_BATCH);
        self.next_position += run as u64;
        self.pending.drain(..run).collect()
    }
}

/// [`LogFeed`] as a subscriber's source: the events in order, `CaughtUp` when a back-fill has read the log to
/// its end. Cheap to clone.
#[derive(Clone)]
pub struct NatsFeedSource {
    log: Arc<dyn Log>,
    nats: NatsBus,
}

impl NatsFeedSource {
    /// Live events from `nats`, back-filled from `log`.
    pub fn new(log: Arc<dyn Log>, nats: NatsBus) -> NatsFeedSource {
        NatsFeedSource { log, nats }
    }
}

impl EventSource for NatsFeedSource {
    async fn subscribe(&self, from_position: u64) -> Result<LogStream, Failure> {
        let feed = LogFeed::open(Arc::clone(&self.log), &self.nats, from_position).await?;
        let batches = stream::unfold(feed, |mut feed| async move {
            let backfilling = feed.backfilling;
            let messages = match feed.next_batch().await {
                Ok(events) => {
                    let mut messages: Vec<_> = events
                        .into_iter()
                        .map(|event| Ok(SubscriptionMessage::Event(event)))
                        .collect();
                    if backfilling && !feed.backfilling {
                        messages.push(Ok(SubscriptionMessage::CaughtUp {
                            position: feed.next_position,
                        }));
                    }
                    messages
                }
                Err(error) => vec![Err(as_log_error(error))],
            };
            Some((stream::iter(messages), feed))
        });
        Ok(batches.flatten().boxed())
    }
}

/// A source's stream speaks `LogError`. NATS unreachable is, like the EventLog process unreachable, a
/// transient failure (`Unavailable`): the subscriber is restarted and the feed opened again from the checkpoint.
fn as_log_error(error: BusError) -> LogError {
    match error {
        BusError::Log(error) => error,
        other => LogError::Remote {
            code: tonic::Code::Unavailable,
            message: other.to_string(),
        },
    }
}
