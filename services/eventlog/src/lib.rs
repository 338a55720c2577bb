//! casetrack's event log: the one truth every state, deadline and report figure is computed from. An
//! append-only log on RocksDB in which streams (one per case) hold events at gapless revisions and every event
//! has a gapless global position in one total order. Appends are checked against an expected revision, are
//! atomic (also across streams), idempotent by event id for the life of the log, and acknowledged only after
//! an fsync shared by every concurrent appender (group commit, `writer.rs`). Every record is checksummed and
//! hash-chained to the one before (`chain.rs`), so `verify` finds the first edited or damaged position. Reads by
//! stream, position, type and category, and catch-up subscriptions, never see an event before it is committed.
//! `grpc` serves it as the `casetrack.v1.EventLog` service and `remote::RemoteLog` is the matching client; the
//! `Log` trait (`log.rs`), implemented by `EventLog` and `RemoteLog` alike, is how the services and the relay
//! reach the log.
//!
//! Architecture invariant: the only code that opens the RocksDB log for writing, through one writer thread;
//! it knows no case kind — event types and data are opaque JSON to it.

mod append;
mod backup;
mod chain;
mod convert;
mod error;
mod event;
mod fault;
pub mod grpc;
mod guard;
mod keys;
mod log;
pub mod metrics;
mod read;
mod refeed;
pub mod remote;
mod store;
mod subscribe;
pub mod tuning;
mod verify;
mod verify_index;
mod witness;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use tokio::sync::{broadcast, mpsc, oneshot, watch};

pub use append::{
    MAX_APPEND_BYTES, MAX_EVENT_BYTES, MAX_EVENT_TYPE_LEN, MAX_EVENTS_PER_APPEND,
    MAX_STREAM_NAME_LEN,
};
pub use backup::BackupInfo;
pub use chain::BreakKind;
pub use error::LogError;
pub use event::{
    AppendResult, Direction, ExpectedRevision, Metadata, NewEvent, RecordedEvent, StreamWrite,
    category_of,
};
pub use fault::FAIL_WRITE_ENV;
pub use guard::{AppendGuard, Refusal, Unguarded};
/// The RocksDB column families of the log, for tools and tests that open its directory directly.
pub use keys::ALL_CFS as COLUMN_FAMILIES;
pub use log::{Log, LogStream, extend_to_end};
pub use read::MAX_READ_BATCH;
pub use refeed::MAX_REFEED_BATCH;
pub use remote::{BearerToken, RemoteLog};
pub use subscribe::{CATCH_UP_BATCH, SUBSCRIPTION_BUFFER, Subscription, SubscriptionMessage};
pub use verify::{ChainBreak, MAX_REPORTED_PROBLEMS, Problem, VerifyReport};
pub use witness::{WITNESS_FILE, WITNESS_SYNC_INTERVAL};
pub use writer::{APPEND_QUEUE_CAPACITY, MAX_GROUP_EVENTS};

use store::{Mode, Store};
use writer::{AppendRequest, Payload, Shared};

/// A handle on the open log: cheap to clone, shareable across threads and tasks. The log (and its writer
/// thread) closes when the last handle and the last subscription are dropped.
#[derive(Clone)]
pub struct EventLog {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    dir: PathBuf,
    pub(crate) store: Arc<Store>,
    pub(crate) shared: Arc<Shared>,
    queue: Option<mpsc::Sender<AppendRequest>>,
    writer: Option<JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the queue stops the writer after its current group; joining it releases RocksDB's lock, so the
        // same directory can be reopened as soon as the last handle is gone.
        self.queue.take();
        if let Some(writer) = self.writer.take()
            && writer.join().is_err()
        {
            tracing::error!("event log writer thread panicked");
        }
    }
}

impl EventLog {
    /// Opens (or creates) the log in `dir`, checks the head marker against the last record, and starts the
    /// group-commit writer thread.
    pub fn open(dir: &Path) -> Result<EventLog, LogError> {
        let store = Arc::new(Store::open(dir, Mode::Writer)?);
        let head = store.recover_head()?;
        let witness = witness::take_over(dir, &store, &head)?;
        let (live, _) = broadcast::channel(SUBSCRIPTION_BUFFER);
        let shared = Arc::new(Shared {
            committed: AtomicU64::new(head.next_position),
            live,
            fsyncs: AtomicU64::new(0),
            stopped: watch::channel(None).0,
        });
        let fault = fault::WriteFault::from_env();
        let (queue, requests) = mpsc::channel(APPEND_QUEUE_CAPACITY);
        let writer = std::thread::Builder::new()
            .name("eventlog-writer".into())
            .spawn({
                let store = Arc::clone(&store);
                let shared = Arc::clone(&shared);
                move || writer::run(store, shared, head, witness, requests, fault)
            });
        let writer = writer?;
        Ok(EventLog {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                store,
                shared,
                queue: Some(queue),
                writer: Some(writer),
            }),
        })
    }

    /// Appends `events` to `stream` atomically if the stream matches `expected`; returns once fsynced.
    pub async fn append(
        &self,
        stream: &str,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, LogError> {
        let write = StreamWrite {
            stream: stream.to_string(),
            expected,
            events,
        };
        let mut results = self.append_multi(vec![write]).await?;
        assert_eq!(results.len(), 1, "one result per write");
        Ok(results.remove(0))
    }

    /// Appends to several streams in one atomic, fsynced write; every expectation must hold or nothing is
    /// written. Results are in the order of `writes`.
    pub async fn append_multi(
        &self,
        writes: Vec<StreamWrite>,
    ) -> Result<Vec<AppendResult>, LogError> {
        append::validate_writes(&writes)?;
        let count = writes.len();
        let results = self.submit(Payload::New(writes)).await?;
        assert_eq!(results.len(), count, "one result per write");
        Ok(results)
    }

    /// Queues an append for the writer and waits for its verdict.
    async fn submit(&self, payload: Payload) -> Result<Vec<AppendResult>, LogError> {
        let (reply, response) = oneshot::channel();
        let queue = self.inner.queue.as_ref().ok_or(LogError::Closed)?;
        queue
            .send(AppendRequest { payload, reply })
            .await
            .map_err(|_| self.closed())?;
        response.await.map_err(|_| self.closed())?
    }

    /// Why appends are no longer taken: the writer stopped after a failed write, or the log is closing.
    fn closed(&self) -> LogError {
        match self.inner.shared.stopped.borrow().clone() {
            Some(reason) => LogError::WriterStopped { reason },
            None => LogError::Closed,
        }
    }

    /// Completes, with the reason, when the writer stops after a failed write; never while it works. A process
    /// that owns the log waits on it and exits non-zero, so that its supervisor restarts it and the log is
    /// recovered from disk.
    pub async fn writer_stopped(&self) -> String {
        let mut stopped = self.inner.shared.stopped.subscribe();
        // The sender lives in `Shared`, which this handle keeps alive, so waiting cannot fail.
        let reason = stopped
            .wait_for(Option::is_some)
            .await
            .map(|reason| reason.clone().unwrap_or_default());
        reason.unwrap_or_default()
    }

    /// Up to `max` events of `stream` from `from_revision` (inclusive); backward from `u64::MAX` reads from the end.
    pub fn read_stream(
        &self,
        stream: &str,
        from_revision: u64,
        direction: Direction,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        read::read_stream(
            &self.inner.store,
            self.next_position(),
            stream,
            from_revision,
            direction,
            max,
        )
    }

    /// Up to `max` events of the whole log from `from_position` (inclusive), in position order.
    pub fn read_all(&self, from_position: u64, max: usize) -> Result<Vec<RecordedEvent>, LogError> {
        read::read_all(&self.inner.store, self.next_position(), from_position, max)
    }

    /// Up to `max` events of type `event_type` from `from_position` (inclusive), in position order.
    pub fn read_by_type(
        &self,
        event_type: &str,
        from_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        read::read_by_type(
            &self.inner.store,
            self.next_position(),
            event_type,
            from_position,
            max,
        )
    }

    /// Up to `max` events of streams in `category` from `from_position` (inclusive), in position order.
    pub fn read_by_category(
        &self,
        category: &str,
        from_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        read::read_by_category(
            &self.inner.store,
            self.next_position(),
            category,
            from_position,
            max,
        )
    }

    /// A catch-up subscription to the whole log from `from_position`.
    pub fn subscribe_all(&self, from_position: u64) -> Subscription {
        Subscription::new(Arc::clone(&self.inner), from_position)
    }

    /// The number of committed events, which is also the position the next event will get.
    pub fn next_position(&self) -> u64 {
        self.inner.shared.committed.load(Ordering::Acquire)
    }

    /// WriteBatches fsynced since open (for the benchmark's events-per-fsync figure).
    pub fn fsync_count(&self) -> u64 {
        self.inner.shared.fsyncs.load(Ordering::Relaxed)
    }

    /// Checks everything the log stores (`verify.rs`) while the writer keeps appending.
    pub fn verify(&self) -> Result<VerifyReport, LogError> {
        // Read before the snapshot: the writer only ever moves the log past what the witness says.
        let witnessed = witness::read(&self.inner.dir)?;
        verify::verify(&self.inner.store, witnessed)
    }
}

impl EventLog {
    /// Appends events that this log recorded before and lost (re-fed from the relay's copy after a restore),
    /// at exactly their original positions with their original revisions, recorded times and hashes. Each must
    /// link to the log's head: the next position, the next revision of its stream, a new event id, and a hash
    /// that follows from the previous one; otherwise nothing of the request is written (`refeed.rs`).
    pub async fn append_recorded(
        &self,
        events: Vec<RecordedEvent>,
    ) -> Result<Vec<AppendResult>, LogError> {
        refeed::validate(&events)?;
        let count = events.len();
        let results = self.submit(Payload::Recorded(events)).await?;
        assert_eq!(results.len(), count, "one result per re-fed event");
        Ok(results)
    }

    /// Backs up the open log into `to` while appends go on (`backup.rs`), keeping the newest `keep` backups.
    pub fn backup(&self, to: &Path, keep: usize) -> Result<BackupInfo, LogError> {
        backup::create(&self.inner.store, to, self.next_position(), keep)
    }
}

/// The backups in `dir`, oldest first.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupInfo>, LogError> {
    backup::list(dir)
}

/// Restores backup `backup_id` (the newest when `None`) from `from` into the empty directory `to` and verifies
/// it; the report says whether the copy is intact (only then does it get a head witness and open for writing).
pub fn restore(from: &Path, backup_id: Option<u32>, to: &Path) -> Result<VerifyReport, LogError> {
    backup::restore(from, backup_id, to)
}

/// Verifies the log in `dir` without opening it for writing (`casetrack verify`), also while another process
/// appends to it. On a log that a strict open refuses (a damaged write-ahead log), it verifies what RocksDB can
/// still replay, so the report names the positions that are readable and those that are missing.
pub fn verify_dir(dir: &Path) -> Result<VerifyReport, LogError> {
    let witnessed = witness::read(dir)?;
    let (store, refusal) = match Store::open(dir, Mode::ReadOnly) {
        Ok(store) => (store, None),
        Err(LogError::Damaged { detail, .. }) => (Store::open(dir, Mode::Salvage)?, Some(detail)),
        Err(error) => return Err(error),
    };
    let mut report = verify::verify(&store, witnessed)?;
    if let Some(detail) = refusal {
        report.refuse_open(detail);
    }
    Ok(report)
}
