//! The log's vocabulary: what a caller appends, what the log records, and what an append returns.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the caller believes about the stream before its append; a mismatch writes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpectedRevision {
    /// No check at all.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must have at least one event.
    StreamExists,
    /// The stream's last event must be at exactly this revision.
    Exact(u64),
}

impl ExpectedRevision {
    /// Whether a stream whose last event is at `actual` (`None`: no stream) satisfies this expectation.
    pub fn accepts(self, actual: Option<u64>) -> bool {
        match self {
            ExpectedRevision::Any => true,
            ExpectedRevision::NoStream => actual.is_none(),
            ExpectedRevision::StreamExists => actual.is_some(),
            ExpectedRevision::Exact(revision) => actual == Some(revision),
        }
    }
}

impl fmt::Display for ExpectedRevision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedRevision::Any => f.write_str("any"),
            ExpectedRevision::NoStream => f.write_str("no stream"),
            ExpectedRevision::StreamExists => f.write_str("stream exists"),
            ExpectedRevision::Exact(revision) => write!(f, "{revision}"),
        }
    }
}

/// Caller-supplied context carried with every event. `agency` is the relay's partition key for NATS subjects;
/// the log stores it and never interprets it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub actor: Option<String>,
    pub source_system: Option<String>,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    pub agency: Option<String>,
}

/// An event as a caller proposes it. `event_id` is the idempotency key for the life of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub data: serde_json::Value,
    pub metadata: Metadata,
}

/// An event as the log committed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub stream: String,
    pub revision: u64,
    pub position: u64,
    pub recorded_at: DateTime<Utc>,
    pub data: serde_json::Value,
    pub metadata: Metadata,
    /// sha256(previous event's hash || this event's stored body); the first event chains to all zeroes.
    #[serde(with = "hex_hash")]
    pub hash: [u8; 32],
}

/// Where an append landed. Positions are inclusive; `next_revision` is the revision the stream's next event gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendResult {
    pub stream: String,
    pub first_revision: u64,
    pub next_revision: u64,
    pub first_position: u64,
    pub last_position: u64,
}

/// One stream's part of an atomic multi-stream append.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamWrite {
    pub stream: String,
    pub expected: ExpectedRevision,
    pub events: Vec<NewEvent>,
}

/// Which way `read_stream` walks from its starting revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// The category of a stream: its name before the first '-' (`hotline-<uuid>` → `hotline`); a name without '-'
/// is its own category.
pub fn category_of(stream: &str) -> &str {
    stream
        .split_once('-')
        .map_or(stream, |(category, _)| category)
}

/// The hex form of a record hash, shared by `RecordedEvent` and `VerifyReport`.
pub(crate) mod hex_hash {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(hash: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(hash))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut hash = [0u8; 32];
        hex::decode_to_slice(&text, &mut hash).map_err(D::Error::custom)?;
        Ok(hash)
    }
}
