//! The audit queue: readers hand records to an [`Auditor`] (a bounded channel, no I/O on the read path), one
//! [`AuditWriter`] appends what has queued up in one append per batch. A read therefore costs no fsync of its
//! own — the batch shares the log's group commit with every other append — and its record is in the log within
//! one append's time. The price is a window: records queued but not yet appended are lost if the process dies
//! (bounded by [`MAX_PENDING_RECORDS`]). The bound is also what makes an outage loud rather than silent: while
//! the writer cannot append (it fails, the supervisor reports it and its services NOT_SERVING and restarts it),
//! records queue up, and once [`MAX_PENDING_RECORDS`] are waiting every read is refused until the log takes
//! them again.

use std::sync::Arc;

use casetrack_auth::Identity;
use casetrack_bus::{Failure, Progress};
use casetrack_eventlog::{ExpectedRevision, Log, NewEvent};
use chrono::Utc;
use tokio::sync::{mpsc, watch};

use crate::record::{AUDIT_STREAM, AuditError, AuditRecord, Read};

/// Records waiting for the writer at most; a read that would queue one more is refused. About a minute of
/// reads at a busy office's peak, and a few megabytes of memory.
pub const MAX_PENDING_RECORDS: usize = 10_000;
/// Records per append at most (the log takes at most `MAX_EVENTS_PER_APPEND` events in one append).
pub const MAX_RECORDS_PER_APPEND: usize = 500;

/// Where reads are recorded; cheap to clone, one per process shared by every service that reads.
#[derive(Clone)]
pub struct Auditor {
    queue: mpsc::Sender<NewEvent>,
}

impl Auditor {
    /// An auditor and the writer that appends its records to `log` (run it under the process's supervisor).
    pub fn new(log: Arc<dyn Log>) -> (Auditor, AuditWriter) {
        let (queue, records) = mpsc::channel(MAX_PENDING_RECORDS);
        let writer = AuditWriter {
            log,
            records,
            pending: Vec::new(),
            progress: watch::Sender::new(Progress::default()),
        };
        (Auditor { queue }, writer)
    }

    /// Record that `identity` read `read`, now. Call it before answering, and refuse the read on an error.
    pub fn record(&self, identity: &Identity, read: Read) -> Result<(), AuditError> {
        let event = AuditRecord::new(identity, read, Utc::now()).to_event()?;
        self.queue.try_send(event).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => {
                tracing::error!(
                    pending = MAX_PENDING_RECORDS,
                    "审计记录积压，读取被拒绝 (audit queue full: the log takes no records)"
                );
                AuditError::Backlog(MAX_PENDING_RECORDS)
            }
            mpsc::error::TrySendError::Closed(_) => AuditError::Stopped,
        })
    }
}

/// Appends queued records to the `audit` stream; a supervised task.
pub struct AuditWriter {
    log: Arc<dyn Log>,
    records: mpsc::Receiver<NewEvent>,
    /// The batch being appended: kept across a failed append, so the retry appends the same events (same
    /// ids: a batch that was committed before its acknowledgement was lost is not stored twice).
    pending: Vec<NewEvent>,
    progress: watch::Sender<Progress>,
}

impl AuditWriter {
    /// Append batches until an append fails.
    pub async fn run(&mut self) -> Result<(), Failure> {
        self.progress.send_modify(|progress| progress.up = true);
        loop {
            if self.pending.is_empty() {
                match self.records.recv().await {
                    Some(event) => self.pending.push(event),
                    // Every auditor is gone: the process is stopping, and nothing more will come.
                    None => return std::future::pending().await,
                }
            }
            while self.pending.len() < MAX_RECORDS_PER_APPEND {
                match self.records.try_recv() {
                    Ok(event) => self.pending.push(event),
                    Err(_) => break,
                }
            }
            self.append().await?;
        }
    }

    async fn append(&mut self) -> Result<(), Failure> {
        let batch = self.pending.clone();
        if let Err(error) = self
            .log
            .append(AUDIT_STREAM, ExpectedRevision::Any, batch)
            .await
        {
            self.progress.send_modify(|progress| progress.up = false);
            tracing::error!(%error, pending = self.pending.len(), "审计记录写入事件日志失败");
            return Err(Failure::from(error));
        }
        let written = self.pending.len() as u64;
        self.pending.clear();
        // The count of records written stands for a checkpoint: the supervisor sees the task move.
        self.progress.send_modify(|progress| {
            progress.checkpoint += written;
            progress.head = progress.checkpoint;
        });
        Ok(())
    }

    /// Where the writer stands; `up` drives health.
    pub fn progress(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }
}
