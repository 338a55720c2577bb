//! The one checkpointed subscriber: a named [`Consumer`] fed from an [`EventSource`], every event at least
//! once, in log order, in bounded batches, resuming from the consumer's own durable checkpoint.
//!
//! The consumer owns its checkpoint, so it can keep it where its effects are: a file beside the effects that
//! live elsewhere (the relay's NATS stream, the router's dispatches in the log), or the same RocksDB batch as
//! its read models (the projector). After a crash the batch in flight is handed over again; effects are made
//! idempotent by the consumer (message id = event id, command ids derived from the event). The source is
//! pluggable: the log itself (embedded or over gRPC) or a feed that delivers the same messages.
//!
//! A run ends with the source (`Ok`) or with a [`Failure`]; the caller (the supervisor) runs it again, which
//! resumes from the checkpoint. Positions are checked gapless: a source that skips or reorders is a failure,
//! never a silent loss.

use std::future::Future;
use std::sync::Arc;

use casetrack_eventlog::{Log, LogStream, RecordedEvent, SubscriptionMessage};
use futures::{FutureExt, StreamExt};
use tokio::sync::watch;

use crate::error::BusError;
use crate::failure::Failure;

/// Most events handed to a consumer at once: bounds its memory, the work repeated after a crash (the relay's
/// repeats must stay inside JetStream's duplicate window), and how long a checkpoint can trail.
pub const SUBSCRIBER_BATCH_MAX: usize = 256;

/// A named reaction to the log with its own durable checkpoint.
pub trait Consumer: Send {
    /// Names the consumer in logs and health; also its checkpoint file's name where it has one.
    fn name(&self) -> &str;

    /// The next position this consumer has not handled, as durably recorded.
    fn checkpoint(&mut self) -> impl Future<Output = Result<u64, Failure>> + Send;

    /// Handle `batch` — contiguous events, the first at the checkpoint — and durably advance the checkpoint
    /// past its last event. Effects must be idempotent: a batch that failed, or whose checkpoint write was
    /// lost in a crash, is handed over again.
    fn handle(
        &mut self,
        batch: &[RecordedEvent],
    ) -> impl Future<Output = Result<(), Failure>> + Send;
}

/// Where a subscriber's events come from: every committed event from a position, in order, with `CaughtUp`
/// once the backlog is delivered (the `Log` subscription's messages).
pub trait EventSource: Send + Sync {
    fn subscribe(
        &self,
        from_position: u64,
    ) -> impl Future<Output = Result<LogStream, Failure>> + Send;
}

/// The log itself as a source, embedded or over gRPC. (A named type rather than an impl on `Arc<dyn Log>`:
/// the trait object's lifetime would otherwise defeat the `Send` check of tasks that hold one.)
#[derive(Clone)]
pub struct LogSource(pub Arc<dyn Log>);

impl EventSource for LogSource {
    async fn subscribe(&self, from_position: u64) -> Result<LogStream, Failure> {
        Ok(self.0.subscribe_all(from_position).await?)
    }
}

/// Where a subscriber stands: what it has handled, how far the log is known to reach, and whether its last
/// step succeeded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// The consumer's durable checkpoint: every position below it is handled.
    pub checkpoint: u64,
    /// The log head as last seen by the subscriber (from `CaughtUp` and the events themselves).
    pub head: u64,
    /// Set once a batch was handled or the backlog was caught up; cleared when a run fails.
    pub up: bool,
}

impl Progress {
    /// Events committed but not yet handled, as far as the subscriber knows.
    pub fn lag(&self) -> u64 {
        self.head.saturating_sub(self.checkpoint)
    }
}

/// A consumer bound to a source.
pub struct Subscriber<C, S> {
    consumer: C,
    source: S,
    batch_max: usize,
    progress: watch::Sender<Progress>,
}

impl<C: Consumer, S: EventSource> Subscriber<C, S> {
    pub fn new(consumer: C, source: S) -> Subscriber<C, S> {
        Subscriber {
            consumer,
            source,
            batch_max: SUBSCRIBER_BATCH_MAX,
            progress: watch::Sender::new(Progress::default()),
        }
    }

    /// Hand over at most `batch` events at a time instead of [`SUBSCRIBER_BATCH_MAX`] (tests of the crash path).
    pub fn with_batch(mut self, batch: usize) -> Subscriber<C, S> {
        assert!(
            (1..=SUBSCRIBER_BATCH_MAX).contains(&batch),
            "subscriber batch {batch} outside 1..={SUBSCRIBER_BATCH_MAX}"
        );
        self.batch_max = batch;
        self
    }

    pub fn consumer(&self) -> &C {
        &self.consumer
    }

    /// Where the subscriber stands, updated after every batch: its lag, and whether it is up.
    pub fn progress(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    /// Follow the source from the checkpoint until it ends (`Ok`) or a step fails. Running again resumes
    /// from the checkpoint.
    pub async fn run(&mut self) -> Result<(), Failure> {
        self.run_until(u64::MAX).await
    }

    /// Like [`Subscriber::run`], returning once every position below `stop_at` is handled.
    pub async fn run_until(&mut self, stop_at: u64) -> Result<(), Failure> {
        let result = self.follow(stop_at).await;
        if let Err(failure) = &result {
            tracing::warn!(consumer = self.consumer.name(), %failure, "subscriber stopped");
            self.progress.send_modify(|progress| progress.up = false);
        }
        result
    }

    async fn follow(&mut self, stop_at: u64) -> Result<(), Failure> {
        let mut next = self.consumer.checkpoint().await?;
        self.progress.send_modify(|progress| {
            progress.checkpoint = next;
            progress.head = progress.head.max(next);
        });
        let mut stream = self.source.subscribe(next).await?;
        let mut batch = Vec::with_capacity(self.batch_max);
        while next < stop_at {
            let limit = usize::try_from(stop_at - next)
                .map_or(self.batch_max, |left| left.min(self.batch_max));
            let Some(first) = stream.next().await else {
                return Ok(());
            };
            let received = self.collect(first, &mut stream, next, limit, &mut batch)?;
            if let Some(last) = batch.last() {
                self.consumer.handle(&batch).await?;
                next = last.position + 1;
                batch.clear();
            }
            self.progress.send_modify(|progress| {
                progress.checkpoint = next;
                progress.head = progress.head.max(received.head).max(next);
                progress.up = true;
            });
            if received.fell_behind {
                tracing::warn!(
                    consumer = self.consumer.name(),
                    next,
                    "fell behind the live log; resubscribing"
                );
                stream = self.source.subscribe(next).await?;
            }
        }
        Ok(())
    }

    /// Gather `first` and whatever else the source has ready, up to `limit` events, checking that positions
    /// continue gaplessly from `next`.
    fn collect(
        &self,
        first: Result<SubscriptionMessage, casetrack_eventlog::LogError>,
        stream: &mut LogStream,
        next: u64,
        limit: usize,
        batch: &mut Vec<RecordedEvent>,
    ) -> Result<Received, Failure> {
        let mut received = Received::default();
        let mut message = Some(first);
        while let Some(current) = message.take() {
            match current? {
                SubscriptionMessage::Event(event) => {
                    let expected = next + batch.len() as u64;
                    if event.position != expected {
                        return Err(Failure::fatal(BusError::Gap {
                            consumer: self.consumer.name().to_owned(),
                            expected,
                            got: event.position,
                        }));
                    }
                    received.head = event.position + 1;
                    batch.push(event);
                }
                SubscriptionMessage::CaughtUp { position } => received.head = position,
                SubscriptionMessage::FellBehind { .. } => {
                    received.fell_behind = true;
                    return Ok(received);
                }
            }
            if batch.len() >= limit {
                break;
            }
            // Only what is already there: a batch never waits for more events to fill up.
            message = stream.next().now_or_never().flatten();
        }
        Ok(received)
    }
}

/// What one gathering of messages saw besides the events.
#[derive(Default)]
struct Received {
    /// The log head as far as these messages tell.
    head: u64,
    /// The source dropped the subscriber from its live feed: subscribe again from the checkpoint.
    fell_behind: bool,
}
