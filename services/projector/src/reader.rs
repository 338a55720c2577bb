//! How the projector reads the log: synchronously, from a blocking thread, whichever process holds the log.
//! The fold and the as-of reports run on blocking threads (RocksDB work), so they read through this trait:
//! the embedded `EventLog` directly, or any `casetrack_eventlog::Log` (the `RemoteLog` of the separate
//! `casetrack reporting` process) through [`BlockingLog`].

use std::sync::Arc;

use casetrack_eventlog::{
    Direction, EventLog, Log, LogError, MAX_READ_BATCH, RecordedEvent, extend_to_end,
};
use tokio::runtime::Handle;

/// Reading the log in position order, blocking the calling thread.
pub trait LogReader: Send + Sync {
    /// Up to `max` events of the whole log from `from_position` (inclusive), in position order.
    fn read_all(&self, from_position: u64, max: usize) -> Result<Vec<RecordedEvent>, LogError>;

    /// The number of committed events: the position the next event will get.
    fn next_position(&self) -> Result<u64, LogError>;

    /// Up to `max` events of `stream` from `from_revision` (inclusive), in revision order.
    fn read_stream(
        &self,
        stream: &str,
        from_revision: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError>;

    /// Every event of `stream` in revision order, refused with `TooLarge` past `limit` events: in batches of
    /// the log's largest read, as `Log::read_stream_to_end` does asynchronously.
    fn read_stream_to_end(
        &self,
        stream: &str,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        let mut events = Vec::new();
        loop {
            let from = events.len() as u64;
            let batch = self.read_stream(stream, from, MAX_READ_BATCH)?;
            if extend_to_end(&mut events, batch, limit)? {
                return Ok(events);
            }
        }
    }
}

impl LogReader for EventLog {
    fn read_all(&self, from_position: u64, max: usize) -> Result<Vec<RecordedEvent>, LogError> {
        EventLog::read_all(self, from_position, max)
    }

    fn next_position(&self) -> Result<u64, LogError> {
        Ok(EventLog::next_position(self))
    }

    fn read_stream(
        &self,
        stream: &str,
        from_revision: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        EventLog::read_stream(self, stream, from_revision, Direction::Forward, max)
    }
}

/// An async [`Log`] read from blocking threads: each call waits on the runtime the log's client lives on.
/// Call it only from a blocking thread (`spawn_blocking`), never from an async worker, where waiting on the
/// runtime would stall it (tokio refuses and panics).
pub struct BlockingLog {
    log: Arc<dyn Log>,
    runtime: Handle,
}

impl BlockingLog {
    /// `log` read on the runtime of the caller (which must be inside one).
    pub fn new(log: Arc<dyn Log>) -> BlockingLog {
        BlockingLog {
            log,
            runtime: Handle::current(),
        }
    }
}

impl LogReader for BlockingLog {
    fn read_all(&self, from_position: u64, max: usize) -> Result<Vec<RecordedEvent>, LogError> {
        self.runtime.block_on(self.log.read_all(from_position, max))
    }

    fn next_position(&self) -> Result<u64, LogError> {
        self.runtime.block_on(self.log.next_position())
    }

    fn read_stream(
        &self,
        stream: &str,
        from_revision: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        self.runtime.block_on(
            self.log
                .read_stream(stream, from_revision, Direction::Forward, max),
        )
    }
}
