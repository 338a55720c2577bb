//! The log a service works against: the embedded `EventLog` (`casetrack serve`) or a `RemoteLog` client of the
//! `casetrack eventlog` process. An enum, not a trait: two variants are all there will be, and callers hold a
//! plain value.

use casetrack_eventlog::{
    AppendResult, Direction, EventLog, LogError, MAX_READ_BATCH, RecordedEvent, RemoteLog,
    StreamWrite,
};

/// The most events one case stream may hold before reading it is refused: a bound on the memory a command
/// uses (a case has tens of events; this is far beyond any real one).
pub const MAX_CASE_EVENTS: usize = 10_000;

#[derive(Clone)]
pub enum CaseLog {
    Embedded(EventLog),
    Remote(RemoteLog),
}

impl CaseLog {
    /// Every event of `stream`, in revision order; empty when the stream does not exist.
    pub async fn read_stream(&self, stream: &str) -> Result<Vec<RecordedEvent>, LogError> {
        let mut events = Vec::new();
        loop {
            let from = events.len() as u64;
            let batch = self
                .read_stream_batch(stream, from, Direction::Forward, MAX_READ_BATCH)
                .await?;
            let done = batch.len() < MAX_READ_BATCH;
            events.extend(batch);
            if events.len() > MAX_CASE_EVENTS {
                return Err(LogError::TooLarge {
                    field: "stream",
                    limit: MAX_CASE_EVENTS,
                    actual: events.len(),
                });
            }
            if done {
                return Ok(events);
            }
        }
    }

    /// The last event of `stream`, if the stream exists.
    pub async fn read_last(&self, stream: &str) -> Result<Option<RecordedEvent>, LogError> {
        Ok(self
            .read_stream_batch(stream, u64::MAX, Direction::Backward, 1)
            .await?
            .pop())
    }

    async fn read_stream_batch(
        &self,
        stream: &str,
        from: u64,
        direction: Direction,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        match self {
            CaseLog::Embedded(log) => log.read_stream(stream, from, direction, max),
            CaseLog::Remote(log) => log.read_stream(stream, from, direction, max).await,
        }
    }

    /// Events of streams in `category` from `from_position`, at most `max`.
    pub async fn read_by_category(
        &self,
        category: &str,
        from_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        match self {
            CaseLog::Embedded(log) => log.read_by_category(category, from_position, max),
            CaseLog::Remote(log) => log.read_by_category(category, from_position, max).await,
        }
    }

    /// An atomic append to several streams, each with its expected revision.
    pub async fn append_multi(
        &self,
        writes: Vec<StreamWrite>,
    ) -> Result<Vec<AppendResult>, LogError> {
        match self {
            CaseLog::Embedded(log) => log.append_multi(writes).await,
            CaseLog::Remote(log) => log.append_multi(writes).await,
        }
    }

    /// The position the next committed event will get.
    pub async fn next_position(&self) -> Result<u64, LogError> {
        match self {
            CaseLog::Embedded(log) => Ok(log.next_position()),
            CaseLog::Remote(log) => log.next_position().await,
        }
    }
}
