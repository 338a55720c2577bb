//! Pipelined group commit: the two threads that write the log.
//!
//! Appenders put requests on a bounded queue and wait for their reply. The *stager* takes each request in queue
//! order and stages it (`append.rs`) into the group being filled, against the tentative stream heads, event ids and
//! chain head — those of the group whose write is still running included. The *committer* takes the filled group
//! as soon as the write before it has returned, writes it as ONE WriteBatch with `sync = true`, and only then
//! publishes the new head, records the witness, broadcasts the events and acknowledges the group's appends. So
//! the next group is staged while the current one syncs, and the number of events per fsync — and throughput —
//! grows with the number of concurrent appenders.
//!
//! The two meet in one slot (`Handoff`): one group is being written while the next is filled, never more. A
//! pipeline of depth one keeps the disk busy and bounds what a failed write has to refuse: the staged state is
//! at most one group ahead of the disk, and groups are written and acknowledged in log order. A failed write
//! stops both threads for good (`Handoff::fail`): the group, the group staged on top of it, everything queued
//! and every later append are refused — nothing staged against a group that failed is ever acknowledged. The
//! process that owns the log exits and its restart recovers from disk.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use rocksdb::WriteOptions;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::append::{Group, Sealed, StreamHeads};
use crate::error::LogError;
use crate::event::{AppendResult, RecordedEvent, StreamWrite};
use crate::fault::WriteFault;
use crate::keys::{self, Head};
use crate::store::Store;
use crate::witness::Witness;

/// Append requests waiting for the writer; a full queue makes appenders wait (backpressure), never drops.
pub const APPEND_QUEUE_CAPACITY: usize = 1024;
/// The stager stops adding requests to a group once it holds this many events, and waits for the committer.
pub const MAX_GROUP_EVENTS: usize = 4096;

pub type Reply = oneshot::Sender<Result<Vec<AppendResult>, LogError>>;

pub struct AppendRequest {
    pub payload: Payload,
    pub reply: Reply,
}

/// What an append request carries: new events, or events this log recorded before and lost (`refeed.rs`).
pub enum Payload {
    New(Vec<StreamWrite>),
    Recorded(Vec<RecordedEvent>),
}

impl AppendRequest {
    fn event_count(&self) -> usize {
        match &self.payload {
            Payload::New(writes) => writes.iter().map(|write| write.events.len()).sum(),
            Payload::Recorded(events) => events.len(),
        }
    }
}

/// What the writer publishes to readers and subscribers.
pub struct Shared {
    /// The number of committed (fsynced) events; readers never look past it.
    pub committed: AtomicU64,
    /// Every committed group, in order, for live subscribers.
    pub live: broadcast::Sender<Arc<[RecordedEvent]>>,
    /// WriteBatches written with sync = true, for the benchmark's events-per-fsync figure.
    pub fsyncs: AtomicU64,
    /// Set once, with the reason, when a write failed and the writer stopped.
    pub stopped: watch::Sender<Option<String>>,
}

type Verdict = Result<Vec<AppendResult>, LogError>;

/// Starts the committer beside this thread, stages every request of `queue` until it closes (every `EventLog`
/// handle is gone) or a write fails, and returns once the committer has written what was staged.
pub fn run(
    store: Arc<Store>,
    shared: Arc<Shared>,
    head: Head,
    witness: Witness,
    mut queue: mpsc::Receiver<AppendRequest>,
    fault: WriteFault,
) {
    let handoff = Handoff::new(head);
    let mut committer = Committer::new(&store, &shared, head, witness, fault);
    std::thread::scope(|scope| {
        let committing = std::thread::Builder::new()
            .name("eventlog-committer".into())
            .spawn_scoped(scope, || committer.run(&handoff));
        if let Err(error) = committing {
            // Without a committer nothing could ever be acknowledged: stop as a failed write would.
            let reason = format!("could not start the committer: {error}");
            handoff.fail(&shared, &reason, Vec::new());
        }
        let _guard = FailOnPanic {
            handoff: &handoff,
            shared: &shared,
        };
        while let Some(request) = queue.blocking_recv() {
            crate::metrics::queue_depth(queue.len());
            if let Err(reason) = handoff.stage(&store, request) {
                refuse_queued(&reason, &mut queue);
                return;
            }
        }
        handoff.close();
    });
}

/// After a failed write the queue is closed, so later appends are refused at once, and what it holds is refused.
fn refuse_queued(reason: &str, queue: &mut mpsc::Receiver<AppendRequest>) {
    queue.close();
    while let Ok(request) = queue.try_recv() {
        refuse(reason, request.reply);
    }
}

fn refuse(reason: &str, reply: Reply) {
    // An appender that gave up waiting needs no answer.
    let _ = reply.send(Err(LogError::WriterStopped {
        reason: reason.to_owned(),
    }));
}

/// The slot where the stager fills the next group and the committer takes it.
struct Handoff {
    slot: Mutex<Slot>,
    /// Signalled whenever the slot changes: a request staged, a group taken, the queue closed, a write failed.
    changed: Condvar,
}

struct Slot {
    /// The group being filled, on top of the group being written.
    filling: Group,
    /// The stream-head cache the stager looks heads up in.
    heads: StreamHeads,
    /// The verdict on every request staged into `filling`, in queue order; sent once the group is written.
    replies: Vec<(Reply, Verdict)>,
    /// Set when the queue closed: the committer writes what is left and ends.
    closed: bool,
    /// Set, with the reason, when a write failed: nothing more is written or acknowledged.
    failed: Option<String>,
}

/// A group taken by the committer, with the verdicts it answers once written.
struct Taken {
    sealed: Sealed,
    replies: Vec<(Reply, Verdict)>,
}

impl Handoff {
    fn new(head: Head) -> Handoff {
        Handoff {
            slot: Mutex::new(Slot {
                filling: Group::new(head),
                heads: StreamHeads::new(),
                replies: Vec::new(),
                closed: false,
                failed: None,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Slot> {
        // A poisoned slot means the other writer thread panicked mid-update: nothing it holds can be trusted.
        self.slot
            .lock()
            .expect("the other event log writer thread panicked")
    }

    fn wait<'a>(&self, slot: MutexGuard<'a, Slot>) -> MutexGuard<'a, Slot> {
        self.changed
            .wait(slot)
            .expect("the other event log writer thread panicked")
    }

    /// Stages one request into the group being filled, waiting while that group is full. After a failed write
    /// the request is refused and the reason returned. Staging holds the slot: the committer needs it only to
    /// take the group, so it waits at most for one request's staging, while the stager never sees a group half
    /// taken.
    fn stage(&self, store: &Store, request: AppendRequest) -> Result<(), String> {
        let mut guard = self.lock();
        while guard.failed.is_none()
            && !guard.filling.events.is_empty()
            && guard.filling.events.len() + request.event_count() > MAX_GROUP_EVENTS
        {
            guard = self.wait(guard);
        }
        if let Some(reason) = guard.failed.clone() {
            drop(guard);
            refuse(&reason, request.reply);
            return Err(reason);
        }
        let slot = &mut *guard;
        let verdict = match request.payload {
            Payload::New(writes) => slot.filling.stage(&mut slot.heads, store, writes),
            Payload::Recorded(events) => {
                slot.filling.stage_recorded(&mut slot.heads, store, events)
            }
        };
        slot.replies.push((request.reply, verdict));
        self.changed.notify_all();
        Ok(())
    }

    /// The next group to write, once one is staged; `None` once the queue closed and everything is taken, or a
    /// write failed. Called only after the write of the group taken before it returned successfully.
    fn take(&self) -> Option<Taken> {
        let mut guard = self.lock();
        while guard.replies.is_empty() && !guard.closed && guard.failed.is_none() {
            guard = self.wait(guard);
        }
        if guard.replies.is_empty() || guard.failed.is_some() {
            return None;
        }
        let slot = &mut *guard;
        let taken = Taken {
            sealed: slot.filling.seal(&mut slot.heads),
            replies: std::mem::take(&mut slot.replies),
        };
        // The stager may be waiting for room in a full group.
        self.changed.notify_all();
        Some(taken)
    }

    fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// After a failed synced write nothing staged can be trusted (after a failed fsync the page cache may already
    /// have dropped the dirty pages, so retrying could acknowledge writes that are not on disk, and the group
    /// being filled was staged on top of the failed one): the writer stops. `replies` (the failed group's) and
    /// everything staged are refused, the stager refuses whatever comes after, and `stopped` tells the process,
    /// which exits so that a restart recovers the log from disk.
    fn fail(&self, shared: &Shared, reason: &str, replies: Vec<(Reply, Verdict)>) {
        tracing::error!(
            reason,
            "event log write failed; the writer stops and refuses every append"
        );
        shared.stopped.send_replace(Some(reason.to_owned()));
        let staged = {
            // Also when the other thread panicked holding the slot: refusing is all that is left to do.
            let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            slot.failed = Some(reason.to_owned());
            std::mem::take(&mut slot.replies)
        };
        self.changed.notify_all();
        for (reply, _) in replies.into_iter().chain(staged) {
            refuse(reason, reply);
        }
    }
}

/// The committer's state: what it writes to and the head of everything written so far.
struct Committer<'a> {
    store: &'a Store,
    shared: &'a Shared,
    head: Head,
    witness: Witness,
    fault: WriteFault,
    sync: WriteOptions,
}

impl<'a> Committer<'a> {
    fn new(
        store: &'a Store,
        shared: &'a Shared,
        head: Head,
        witness: Witness,
        fault: WriteFault,
    ) -> Committer<'a> {
        let mut sync = WriteOptions::default();
        sync.set_sync(true);
        Committer {
            store,
            shared,
            head,
            witness,
            fault,
            sync,
        }
    }

    /// Writes and acknowledges every group the stager fills, in order, until the queue closes or a write fails.
    fn run(&mut self, handoff: &Handoff) {
        let _guard = FailOnPanic {
            handoff,
            shared: self.shared,
        };
        while let Some(taken) = handoff.take() {
            if !self.finish(handoff, taken) {
                return;
            }
        }
        // The queue closed (or the stager stopped): the witness is made durable for what was written.
        if let Err(error) = self.witness.flush() {
            tracing::error!(%error, "could not fsync the head witness on stop");
        }
    }

    /// Writes a taken group and answers its appends; on a failed write stops the writer and says so (`false`).
    fn finish(&mut self, handoff: &Handoff, taken: Taken) -> bool {
        if let Err(reason) = self.write(taken.sealed, &taken.replies) {
            handoff.fail(self.shared, &reason, taken.replies);
            return false;
        }
        for (reply, verdict) in taken.replies {
            // The appender may have given up waiting; its events are committed all the same.
            let _ = reply.send(verdict);
        }
        true
    }

    /// Writes one group with `sync = true` and publishes it: the committed head, the witness, the live broadcast.
    /// A group whose requests all failed or were retries has nothing to write; its verdicts still wait for the
    /// group before it, which the retries may point into.
    fn write(&mut self, mut sealed: Sealed, replies: &[(Reply, Verdict)]) -> Result<(), String> {
        assert_eq!(
            sealed.start, self.head,
            "groups are written in log order, each on top of the one before"
        );
        if sealed.events.is_empty() {
            return Ok(());
        }
        if self.fault.fires() {
            return Err("injected write failure".to_owned());
        }
        commit(self.store, &self.sync, &mut sealed).map_err(|error| error.to_string())?;
        assert_eq!(
            sealed.head.next_position,
            self.head.next_position + sealed.events.len() as u64
        );
        self.head = sealed.head;
        // Before the acknowledgements, so the witness covers every acknowledged event. A failure leaves the
        // witness behind the log, which is safe; it is retried with the next group.
        if let Err(error) = self.witness.record(&self.head) {
            tracing::error!(%error, "could not update the head witness");
        }
        self.shared
            .committed
            .store(self.head.next_position, Ordering::Release);
        self.shared.fsyncs.fetch_add(1, Ordering::Relaxed);
        let acknowledged = replies.iter().filter(|(_, verdict)| verdict.is_ok());
        crate::metrics::group_committed(acknowledged.count(), sealed.events.len());
        // No receivers is fine: nobody is subscribed live right now.
        let _ = self.shared.live.send(Arc::from(sealed.events));
        Ok(())
    }
}

/// Stops the writer if either thread panics (a broken invariant), so that the other does not wait for it forever
/// and appenders are refused instead of hanging.
struct FailOnPanic<'a> {
    handoff: &'a Handoff,
    shared: &'a Shared,
}

impl Drop for FailOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.handoff.fail(
                self.shared,
                "an event log writer thread panicked",
                Vec::new(),
            );
        }
    }
}

fn commit(store: &Store, sync: &WriteOptions, sealed: &mut Sealed) -> Result<(), rocksdb::Error> {
    let mut batch = std::mem::take(&mut sealed.batch);
    batch.put_cf(
        store.cf(keys::CF_META),
        keys::META_HEAD,
        sealed.head.encode(),
    );
    let started = std::time::Instant::now();
    let written = store.db.write_opt(batch, sync);
    crate::metrics::fsync_took(started.elapsed());
    written
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::event::{ExpectedRevision, NewEvent};
    use crate::store::Mode;

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Store,
        shared: Shared,
        head: Head,
        witness: Witness,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path(), Mode::Writer).expect("open");
        let head = store.recover_head().expect("head");
        let witness = crate::witness::take_over(dir.path(), &store, &head).expect("witness");
        let shared = Shared {
            committed: AtomicU64::new(head.next_position),
            live: broadcast::channel(1).0,
            fsyncs: AtomicU64::new(0),
            stopped: watch::channel(None).0,
        };
        Fixture {
            _dir: dir,
            store,
            shared,
            head,
            witness,
        }
    }

    fn request(
        stream: &str,
        expected: ExpectedRevision,
        event_id: Uuid,
    ) -> (AppendRequest, oneshot::Receiver<Verdict>) {
        let (reply, response) = oneshot::channel();
        let event = NewEvent {
            event_id,
            event_type: "E".into(),
            data: serde_json::json!({}),
            metadata: Default::default(),
        };
        let write = StreamWrite {
            stream: stream.into(),
            expected,
            events: vec![event],
        };
        let payload = Payload::New(vec![write]);
        (AppendRequest { payload, reply }, response)
    }

    fn answer(response: &mut oneshot::Receiver<Verdict>) -> Option<Verdict> {
        response.try_recv().ok()
    }

    #[test]
    fn the_next_group_is_staged_on_the_group_being_written_and_answered_after_it() {
        let f = fixture();
        let handoff = Handoff::new(f.head);
        let mut committer = Committer::new(
            &f.store,
            &f.shared,
            f.head,
            f.witness,
            WriteFault::after(None),
        );
        let id = Uuid::new_v4();
        let (first, mut first_response) = request("s", ExpectedRevision::NoStream, id);
        handoff.stage(&f.store, first).expect("staged");
        let writing = handoff.take().expect("group 1");
        // Staged while group 1 is being written: on its stream head, and a retry of its event found.
        let (next, mut next_response) = request("s", ExpectedRevision::Exact(0), Uuid::new_v4());
        let (retry, mut retry_response) = request("s", ExpectedRevision::NoStream, id);
        handoff.stage(&f.store, next).expect("staged");
        handoff.stage(&f.store, retry).expect("staged");
        assert!(committer.finish(&handoff, writing));
        assert_eq!(
            answer(&mut first_response).expect("answered").expect("ok")[0].first_position,
            0
        );
        assert!(
            answer(&mut next_response).is_none(),
            "not answered before its group is written"
        );
        assert!(committer.finish(&handoff, handoff.take().expect("group 2")));
        let next = answer(&mut next_response).expect("answered").expect("ok");
        assert_eq!((next[0].first_revision, next[0].first_position), (1, 1));
        let retry = answer(&mut retry_response)
            .expect("answered")
            .expect("the retry");
        assert_eq!((retry[0].first_revision, retry[0].first_position), (0, 0));
        assert_eq!(f.shared.committed.load(Ordering::Acquire), 2);
    }

    #[test]
    fn a_failed_write_refuses_the_group_staged_on_top_of_it_and_everything_after() {
        let f = fixture();
        let handoff = Handoff::new(f.head);
        let fault = WriteFault::after(Some(1));
        let mut committer = Committer::new(&f.store, &f.shared, f.head, f.witness, fault);
        let (first, mut first_response) = request("s", ExpectedRevision::NoStream, Uuid::new_v4());
        handoff.stage(&f.store, first).expect("staged");
        assert!(committer.finish(&handoff, handoff.take().expect("group 1")));
        assert!(answer(&mut first_response).expect("answered").is_ok());

        let (failing, mut failing_response) =
            request("s", ExpectedRevision::Exact(0), Uuid::new_v4());
        handoff.stage(&f.store, failing).expect("staged");
        let writing = handoff.take().expect("group 2");
        let (staged, mut staged_response) =
            request("s", ExpectedRevision::Exact(1), Uuid::new_v4());
        handoff
            .stage(&f.store, staged)
            .expect("staged on group 2 while it is written");
        assert!(
            !committer.finish(&handoff, writing),
            "the write of group 2 fails"
        );

        let refused =
            |verdict: Option<Verdict>| matches!(verdict, Some(Err(LogError::WriterStopped { .. })));
        assert!(
            refused(answer(&mut failing_response)),
            "the failed group is refused"
        );
        assert!(
            refused(answer(&mut staged_response)),
            "the group staged on it is refused"
        );
        let (later, mut later_response) = request("t", ExpectedRevision::Any, Uuid::new_v4());
        assert!(handoff.stage(&f.store, later).is_err(), "the stager stops");
        assert!(
            refused(answer(&mut later_response)),
            "later appends are refused"
        );
        assert!(handoff.take().is_none(), "nothing more is written");
        assert_eq!(f.shared.committed.load(Ordering::Acquire), 1);
        assert!(f.shared.stopped.borrow().is_some());
    }
}
