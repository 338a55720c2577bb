//! Group commit: the one thread that writes the log.
//!
//! Appenders put requests on a bounded queue and wait for their reply. The writer takes the first request,
//! drains whatever else is already queued (up to `MAX_GROUP_EVENTS`), stages each in order against the
//! tentative stream heads, writes ONE WriteBatch with `sync = true`, and only then publishes the new head and
//! acknowledges the whole group. While one fsync runs the next group piles up in the queue, so the number of
//! events per fsync — and throughput — grows with the number of concurrent appenders. A failed write stops
//! the writer for good (`stop`); the process that owns the log exits and its restart recovers from disk.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rocksdb::WriteOptions;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::append::{Group, StreamHeads};
use crate::error::LogError;
use crate::event::{AppendResult, RecordedEvent, StreamWrite};
use crate::fault::WriteFault;
use crate::keys::{self, Head};
use crate::store::Store;
use crate::witness::Witness;

/// Append requests waiting for the writer; a full queue makes appenders wait (backpressure), never drops.
pub const APPEND_QUEUE_CAPACITY: usize = 1024;
/// The writer stops adding requests to a group once it holds this many events.
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

pub fn run(
    store: Arc<Store>,
    shared: Arc<Shared>,
    mut head: Head,
    mut witness: Witness,
    mut queue: mpsc::Receiver<AppendRequest>,
    mut fault: WriteFault,
) {
    let mut heads = StreamHeads::new();
    let mut carried: Option<AppendRequest> = None;
    let mut sync = WriteOptions::default();
    sync.set_sync(true);
    loop {
        let Some(first) = carried.take().or_else(|| queue.blocking_recv()) else {
            // Every EventLog handle is gone: a clean stop leaves the witness durable.
            if let Err(error) = witness.flush() {
                tracing::error!(%error, "could not fsync the head witness on stop");
            }
            return;
        };
        crate::metrics::queue_depth(queue.len());
        let mut group = Group::new(head);
        let mut replies: Vec<(Reply, Result<Vec<AppendResult>, LogError>)> = Vec::new();
        let mut next = Some(first);
        while let Some(request) = next.take() {
            let result = match request.payload {
                Payload::New(writes) => group.stage(&mut heads, &store, writes),
                Payload::Recorded(events) => group.stage_recorded(&mut heads, &store, events),
            };
            replies.push((request.reply, result));
            if group.events.len() >= MAX_GROUP_EVENTS {
                break;
            }
            match queue.try_recv() {
                Ok(request) if group.events.len() + request.event_count() > MAX_GROUP_EVENTS => {
                    carried = Some(request);
                }
                Ok(request) => next = Some(request),
                Err(_) => {}
            }
        }
        if !group.events.is_empty() {
            let written = if fault.fires() {
                Err("injected write failure".to_owned())
            } else {
                commit(&store, &sync, &mut group).map_err(|error| error.to_string())
            };
            match written {
                Ok(()) => {
                    assert_eq!(
                        group.head.next_position,
                        head.next_position + group.events.len() as u64
                    );
                    head = group.head;
                    // Before the acknowledgements, so the witness covers every acknowledged event. A failure
                    // leaves the witness behind the log, which is safe; it is retried with the next group.
                    if let Err(error) = witness.record(&head) {
                        tracing::error!(%error, "could not update the head witness");
                    }
                    heads.commit(std::mem::take(&mut group.heads));
                    shared
                        .committed
                        .store(head.next_position, Ordering::Release);
                    shared.fsyncs.fetch_add(1, Ordering::Relaxed);
                    let acknowledged = replies.iter().filter(|(_, result)| result.is_ok());
                    crate::metrics::group_committed(acknowledged.count(), group.events.len());
                    // No receivers is fine: nobody is subscribed live right now.
                    let _ = shared
                        .live
                        .send(Arc::from(std::mem::take(&mut group.events)));
                }
                Err(reason) => {
                    stop(&shared, &reason, replies, &mut queue);
                    return;
                }
            }
        }
        for (reply, result) in replies {
            // The appender may have given up waiting; its events are committed (or not) all the same.
            let _ = reply.send(result);
        }
    }
}

/// After a failed synced write nothing the writer holds can be trusted (after a failed fsync the page cache
/// may already have dropped the dirty pages, so retrying could acknowledge writes that are not on disk): it
/// stops. The group and everything queued are refused, the queue is closed so later appends are refused too,
/// and `stopped` tells the process, which exits so that a restart recovers the log from disk.
fn stop(
    shared: &Shared,
    reason: &str,
    replies: Vec<(Reply, Result<Vec<AppendResult>, LogError>)>,
    queue: &mut mpsc::Receiver<AppendRequest>,
) {
    tracing::error!(
        reason,
        "event log write failed; the writer stops and refuses every append"
    );
    shared.stopped.send_replace(Some(reason.to_owned()));
    let refused = || LogError::WriterStopped {
        reason: reason.to_owned(),
    };
    queue.close();
    let queued = std::iter::from_fn(|| queue.try_recv().ok()).map(|request| request.reply);
    for reply in replies.into_iter().map(|(reply, _)| reply).chain(queued) {
        // An appender that gave up waiting needs no answer.
        let _ = reply.send(Err(refused()));
    }
}

fn commit(store: &Store, sync: &WriteOptions, group: &mut Group) -> Result<(), rocksdb::Error> {
    let mut batch = std::mem::take(&mut group.batch);
    batch.put_cf(
        store.cf(keys::CF_META),
        keys::META_HEAD,
        group.head.encode(),
    );
    let started = std::time::Instant::now();
    let written = store.db.write_opt(batch, sync);
    crate::metrics::fsync_took(started.elapsed());
    written
}
