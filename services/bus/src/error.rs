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

    /// A subscriber's source delivered another position than the next one: it would skip or reorder events.
    #[error("subscriber {consumer}: expected log position {expected} next, got {got}")]
    Gap {
        consumer: String,
        expected: u64,
        got: u64,
    },

    /// The NATS consumer went away.
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

    /// Reading or writing a subscriber's checkpoint file failed.
    #[error("checkpoint {path}: {source}")]
    CheckpointIo {
        path: PathBuf,
        source: std::io::Error,
    },

    /// A checkpoint file does not hold a position: corruption, never silently reset to 0 (the relay would
    /// republish everything, possibly beyond JetStream's duplicate window).
    #[error("checkpoint {path} is corrupt: {content:?}")]
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
