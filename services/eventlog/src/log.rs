//! `Log`: the one way code outside this crate reaches the log, whether it runs in this process (`EventLog`) or
//! in another one (`RemoteLog`, over the `casetrack.v1.EventLog` service). Callers hold an `Arc<dyn Log>` and
//! never know which, so the services, the relay and the tests run unchanged in either layout.
//!
//! The methods return boxed futures so the trait stays object-safe: one `Arc<dyn Log>` type, picked once at
//! startup, instead of a type parameter threaded through every service. `EventLog`'s own (synchronous) reads stay
//! for code that owns the log and folds it on a blocking thread (projector, import); through `Log` they run on
//! tokio's blocking pool, so an embedded read never stalls an async worker.

use futures::FutureExt;
use futures::future::{self, BoxFuture};
use futures::stream::{BoxStream, StreamExt};

use crate::EventLog;
use crate::error::LogError;
use crate::event::{
    AppendResult, Direction, ExpectedRevision, NewEvent, RecordedEvent, StreamWrite,
};
use crate::read::MAX_READ_BATCH;
use crate::subscribe::SubscriptionMessage;
use crate::verify::VerifyReport;

/// A catch-up subscription to the whole log: every committed event from the position asked, in order, then
/// `CaughtUp`, then live events. Polling it and dropping the future loses nothing, so it can be awaited with a
/// timeout.
pub type LogStream = BoxStream<'static, Result<SubscriptionMessage, LogError>>;

/// The event log, embedded or remote. Semantics are `EventLog`'s; `RemoteLog` returns the same typed errors.
pub trait Log: Send + Sync {
    /// Appends `events` to `stream` atomically if the stream matches `expected`; returns once fsynced.
    fn append<'a>(
        &'a self,
        stream: &'a str,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> BoxFuture<'a, Result<AppendResult, LogError>>;

    /// Appends to several streams in one atomic, fsynced write; every expectation must hold or nothing is
    /// written. Results are in the order of `writes`.
    fn append_multi(
        &self,
        writes: Vec<StreamWrite>,
    ) -> BoxFuture<'_, Result<Vec<AppendResult>, LogError>>;

    /// Up to `max` events of `stream` from `from_revision` (inclusive); backward from `u64::MAX` reads from the end.
    fn read_stream<'a>(
        &'a self,
        stream: &'a str,
        from_revision: u64,
        direction: Direction,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>>;

    /// Up to `max` events of the whole log from `from_position` (inclusive), in position order.
    fn read_all(
        &self,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'_, Result<Vec<RecordedEvent>, LogError>>;

    /// Up to `max` events of type `event_type` from `from_position` (inclusive), in position order.
    fn read_by_type<'a>(
        &'a self,
        event_type: &'a str,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>>;

    /// Up to `max` events of streams in `category` from `from_position` (inclusive), in position order.
    fn read_by_category<'a>(
        &'a self,
        category: &'a str,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>>;

    /// A catch-up subscription to the whole log from `from_position`.
    fn subscribe_all(&self, from_position: u64) -> BoxFuture<'_, Result<LogStream, LogError>>;

    /// The number of committed events, which is also the position the next event will get.
    fn next_position(&self) -> BoxFuture<'_, Result<u64, LogError>>;

    /// Walks the hash chain and checksums of every committed record.
    fn verify(&self) -> BoxFuture<'_, Result<VerifyReport, LogError>>;

    /// Every event of `stream` in revision order (empty when the stream does not exist), refused with
    /// `TooLarge` past `limit` events: the caller's bound on the memory one stream may take.
    fn read_stream_to_end<'a>(
        &'a self,
        stream: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>> {
        async move {
            let mut events = Vec::new();
            loop {
                let from = events.len() as u64;
                let batch = self
                    .read_stream(stream, from, Direction::Forward, MAX_READ_BATCH)
                    .await?;
                if extend_to_end(&mut events, batch, limit)? {
                    return Ok(events);
                }
            }
        }
        .boxed()
    }

    /// The last event of `stream`, if the stream exists.
    fn read_last<'a>(
        &'a self,
        stream: &'a str,
    ) -> BoxFuture<'a, Result<Option<RecordedEvent>, LogError>> {
        async move {
            Ok(self
                .read_stream(stream, u64::MAX, Direction::Backward, 1)
                .await?
                .pop())
        }
        .boxed()
    }
}

impl Log for EventLog {
    fn append<'a>(
        &'a self,
        stream: &'a str,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> BoxFuture<'a, Result<AppendResult, LogError>> {
        EventLog::append(self, stream, expected, events).boxed()
    }

    fn append_multi(
        &self,
        writes: Vec<StreamWrite>,
    ) -> BoxFuture<'_, Result<Vec<AppendResult>, LogError>> {
        EventLog::append_multi(self, writes).boxed()
    }

    fn read_stream<'a>(
        &'a self,
        stream: &'a str,
        from_revision: u64,
        direction: Direction,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>> {
        let stream = stream.to_owned();
        self.blocking(move |log| log.read_stream(&stream, from_revision, direction, max))
    }

    fn read_all(
        &self,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'_, Result<Vec<RecordedEvent>, LogError>> {
        self.blocking(move |log| log.read_all(from_position, max))
    }

    fn read_by_type<'a>(
        &'a self,
        event_type: &'a str,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>> {
        let event_type = event_type.to_owned();
        self.blocking(move |log| log.read_by_type(&event_type, from_position, max))
    }

    fn read_by_category<'a>(
        &'a self,
        category: &'a str,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>> {
        let category = category.to_owned();
        self.blocking(move |log| log.read_by_category(&category, from_position, max))
    }

    fn subscribe_all(&self, from_position: u64) -> BoxFuture<'_, Result<LogStream, LogError>> {
        let stream = EventLog::subscribe_all(self, from_position)
            .into_stream()
            .boxed();
        future::ready(Ok(stream)).boxed()
    }

    fn next_position(&self) -> BoxFuture<'_, Result<u64, LogError>> {
        future::ready(Ok(EventLog::next_position(self))).boxed()
    }

    fn verify(&self) -> BoxFuture<'_, Result<VerifyReport, LogError>> {
        self.blocking(EventLog::verify)
    }
}

impl EventLog {
    /// Runs a blocking RocksDB call on a handle of this log, on tokio's blocking pool.
    fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&EventLog) -> Result<T, LogError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, LogError>> {
        let log = self.clone();
        on_blocking_pool(move || call(&log)).boxed()
    }
}

/// Runs `call` on tokio's blocking pool, so RocksDB work never stalls the async worker awaiting it.
pub(crate) async fn on_blocking_pool<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, LogError> + Send + 'static,
) -> Result<T, LogError> {
    match tokio::task::spawn_blocking(call).await {
        Ok(result) => result,
        // A panicking call panics the caller, as it would have inline.
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        // Only a runtime shutting down cancels a blocking task.
        Err(_cancelled) => Err(LogError::Closed),
    }
}

/// One step of reading a whole stream in batches of [`MAX_READ_BATCH`]: appends `batch` to `events` and says
/// whether the stream has ended (a short batch); more than `limit` events is an error naming the stream. Shared
/// by every reader of whole streams, async or blocking, so they end and refuse alike.
pub fn extend_to_end(
    events: &mut Vec<RecordedEvent>,
    batch: Vec<RecordedEvent>,
    limit: usize,
) -> Result<bool, LogError> {
    let done = batch.len() < MAX_READ_BATCH;
    events.extend(batch);
    if events.len() > limit {
        return Err(LogError::TooLarge {
            field: "stream",
            limit,
            actual: events.len(),
        });
    }
    Ok(done)
}
