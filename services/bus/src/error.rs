//! Errors of the bus and the relay: one variant per thing a caller can act on.

use std::path::PathBuf;

/// What went wrong publishing, subscribing or relaying.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The subject filter given to `subscribe` is malformed.
    #[error(
        "invalid subject filter {filter:?}: tokens must be non-empty, without whitespace, wildcards whole"
    )]
    InvalidFilter { filter: String },

    /// The durable consumer name given to `subscribe` is empty or holds '.', '*', '>' or whitespace.
    #[error(
        "invalid durable consumer name {durable:?}: must be non-empty, without '.', '*', '>' or whitespace"
    )]
    InvalidDurableName { durable: String },

    /// An in-process subscriber fell more than the buffer behind: `missed` events were dropped for it. It keeps
    /// receiving from the oldest retained event; to see the missed ones it must re-read the log.
    #[error("subscriber lagged: {missed} events were dropped for it")]
    Lagged { missed: u64 },

    /// The bus was shut down (every publisher dropped, or the NATS consumer went away).
    #[error("bus closed")]
    Closed,

    /// A message on the bus is not a RecordedEvent: someone else published on a casetrack subject.
    #[error("message on {subject:?} is not a recorded event: {source}")]
    Payload {
        subject: String,
        source: serde_json::Error,
    },

    /// Talking to NATS failed (connect, stream or consumer set-up, publish, ack, fetch).
    #[error("nats {operation}: {source}")]
    Nats {
        operation: &'static str,
        source: async_nats::Error,
    },

    /// Reading the committed log failed.
    #[error("event log: {0}")]
    Log(#[from] casetrack_eventlog::LogError),

    /// Reading or writing the relay checkpoint file failed.
    #[error("relay checkpoint {path}: {source}")]
    CheckpointIo {
        path: PathBuf,
        source: std::io::Error,
    },

    /// The relay checkpoint file does not hold a position: corruption, never silently reset to 0 (that would
    /// republish everything, possibly beyond JetStream's duplicate window).
    #[error("relay checkpoint {path} is corrupt: {content:?}")]
    CheckpointCorrupt { path: PathBuf, content: String },

    /// The checkpoint points past the end of the log: the relay's data dir belongs to another log.
    #[error("relay checkpoint {checkpoint} is past the log head {log_head}: wrong data directory?")]
    CheckpointAheadOfLog { checkpoint: u64, log_head: u64 },
}

impl BusError {
    pub(crate) fn nats(operation: &'static str, source: impl Into<async_nats::Error>) -> BusError {
        BusError::Nats {
            operation,
            source: source.into(),
        }
    }
}
