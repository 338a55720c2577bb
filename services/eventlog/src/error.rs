//! Everything an append, read or verify can fail with. Each variant is something a caller can act on; the gRPC
//! status codes for them are chosen in one place, `convert::status_from_error`.

use std::path::PathBuf;

use uuid::Uuid;

use crate::event::ExpectedRevision;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("wrong expected revision on stream {stream:?}: expected {expected}, actual {}", display_actual(*.actual))]
    WrongExpectedRevision {
        stream: String,
        expected: ExpectedRevision,
        /// The revision of the stream's last event, `None` when the stream does not exist.
        actual: Option<u64>,
    },

    #[error(
        "partial duplicate append to stream {stream:?}: {already_stored} of {total} event ids are already stored; \
         re-send exactly the original append or use fresh event ids"
    )]
    PartialDuplicate {
        stream: String,
        already_stored: usize,
        total: usize,
    },

    #[error(
        "event id {event_id} is already stored in stream {stored_stream:?} at revision {stored_revision}, which \
         does not match this append to {stream:?} (an idempotent retry must repeat the same stream and order)"
    )]
    DuplicateMismatch {
        stream: String,
        event_id: Uuid,
        stored_stream: String,
        stored_revision: u64,
    },

    #[error("event id {event_id} appears more than once in one append")]
    DuplicateEventIdInAppend { event_id: Uuid },

    #[error("{field} is too large: {actual} exceeds the limit of {limit}")]
    TooLarge {
        field: &'static str,
        limit: usize,
        actual: usize,
    },

    #[error("invalid stream name {stream:?}: {reason}")]
    InvalidStreamName {
        stream: String,
        reason: &'static str,
    },

    #[error("invalid {field} {value:?}: {reason}")]
    InvalidName {
        field: &'static str,
        value: String,
        reason: &'static str,
    },

    #[error("append to stream {stream:?} carries no events")]
    NoEvents { stream: String },

    #[error("stream {stream:?} appears more than once in one multi-stream append")]
    StreamWrittenTwice { stream: String },

    #[error("invalid {field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },

    #[error("append to stream {stream:?} refused: {reason}")]
    Refused { stream: String, reason: String },

    /// A synced write failed, so the writer stopped: after a failed fsync the page cache cannot be trusted, and
    /// only a restart, which recovers the log from disk, may write again.
    #[error(
        "the event log writer stopped after a failed write ({reason}); restart to recover from disk"
    )]
    WriterStopped { reason: String },

    #[error("storage error: {0}")]
    Storage(#[from] rocksdb::Error),

    #[error("event log is corrupt at position {position}: {reason}")]
    Corrupt { position: u64, reason: String },

    #[error(
        "event log in {dir} is damaged and was NOT opened (nothing was truncated): {detail}; run `casetrack \
         verify` to see what is readable, then restore the latest backup (`casetrack restore`)"
    )]
    Damaged { dir: PathBuf, detail: String },

    #[error(
        "event log ends at position {log_next} but its head witness records {witness_next} committed events: \
         positions {log_next}..={} are missing; the log was NOT opened — restore the latest backup",
        .witness_next - 1
    )]
    BehindWitness { log_next: u64, witness_next: u64 },

    #[error(
        "the event at position {position} does not have the hash the head witness recorded: the log was \
         rewritten or replaced; it was NOT opened"
    )]
    WitnessMismatch { position: u64 },

    #[error(
        "head witness {path} is missing although this log has used one: the log was NOT opened (a restored \
         copy gets its witness from `casetrack restore`)"
    )]
    WitnessMissing { path: PathBuf },

    #[error("head witness {path} is unreadable: {reason}")]
    WitnessUnreadable { path: PathBuf, reason: String },

    #[error("backup in {dir}: {detail}")]
    Backup { dir: PathBuf, detail: String },

    #[error(
        "re-fed event {event_id} cannot be appended at position {position}: {reason}; nothing of this re-feed \
         batch was written"
    )]
    RefeedBreak {
        position: u64,
        event_id: Uuid,
        reason: String,
    },

    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),

    #[error("event log writer has stopped")]
    Closed,

    #[error("remote event log: {code}: {message}")]
    Remote { code: tonic::Code, message: String },
}

fn display_actual(actual: Option<u64>) -> String {
    match actual {
        Some(revision) => revision.to_string(),
        None => "no stream".to_string(),
    }
}
