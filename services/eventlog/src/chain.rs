//! Tamper evidence: the stored form of one event and the hash chain through all of them.
//!
//! A record is `crc32 (4, BE) · hash (32) · body`, where body is the JSON of the event without its hash and
//! `hash = sha256(previous record's hash || body)`. The crc covers `hash · body` and catches torn or rotted bytes;
//! the chain catches any edit, insertion, deletion or reordering, because the body includes the position. Hashing
//! the stored bytes (not a re-serialisation) keeps verification independent of JSON formatting.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::LogError;
use crate::event::{Metadata, RecordedEvent};

/// The hash the first event chains to.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

const CRC_LEN: usize = 4;
const HASH_LEN: usize = 32;
const HEADER_LEN: usize = CRC_LEN + HASH_LEN;

/// The hashed body of a record, borrowed for writing.
#[derive(Serialize)]
pub struct BodyRef<'a> {
    pub event_id: Uuid,
    pub event_type: &'a str,
    pub stream: &'a str,
    pub revision: u64,
    pub position: u64,
    pub recorded_at: DateTime<Utc>,
    pub data: &'a serde_json::Value,
    pub metadata: &'a Metadata,
}

#[derive(Deserialize)]
struct Body {
    event_id: Uuid,
    event_type: String,
    stream: String,
    revision: u64,
    position: u64,
    recorded_at: DateTime<Utc>,
    data: serde_json::Value,
    metadata: Metadata,
}

/// Frames an encoded body as a record chained to `prev_hash`; returns the record's hash and bytes.
pub fn seal(prev_hash: &[u8; 32], body: &[u8]) -> ([u8; 32], Vec<u8>) {
    let hash = chain_hash(prev_hash, body);
    let mut record = Vec::with_capacity(HEADER_LEN + body.len());
    record.extend_from_slice(&[0; CRC_LEN]);
    record.extend_from_slice(&hash);
    record.extend_from_slice(body);
    let crc = crc32fast::hash(&record[CRC_LEN..]);
    record[..CRC_LEN].copy_from_slice(&crc.to_be_bytes());
    (hash, record)
}

fn chain_hash(prev_hash: &[u8; 32], body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(body);
    hasher.finalize().into()
}

/// Why one record fails verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// The crc32 does not match the bytes: corruption or an edit that did not fix the checksum.
    Checksum,
    /// The hash does not follow from the previous hash and the body: an edit that fixed the checksum.
    HashChain,
    /// The record is missing, or its key or body names another position.
    Position,
    /// The body is not a valid event.
    Decode,
    /// The head marker (count and last hash) disagrees with the records.
    Head,
    /// RocksDB could not read the bytes (a damaged table block or file).
    Unreadable,
    /// An index entry is missing, extra, or disagrees with its event.
    Index,
    /// A stream head does not name its stream's last revision.
    StreamHead,
    /// The log is behind its head witness, or holds another hash where the witness recorded one.
    Witness,
}

impl BreakKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BreakKind::Checksum => "checksum",
            BreakKind::HashChain => "hash_chain",
            BreakKind::Position => "position",
            BreakKind::Decode => "decode",
            BreakKind::Head => "head",
            BreakKind::Unreadable => "unreadable",
            BreakKind::Index => "index",
            BreakKind::StreamHead => "stream_head",
            BreakKind::Witness => "witness",
        }
    }

    pub fn parse(text: &str) -> Option<BreakKind> {
        [
            BreakKind::Checksum,
            BreakKind::HashChain,
            BreakKind::Position,
            BreakKind::Decode,
            BreakKind::Head,
            BreakKind::Unreadable,
            BreakKind::Index,
            BreakKind::StreamHead,
            BreakKind::Witness,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// A record split into its parts, crc already checked.
pub struct Unsealed<'a> {
    pub hash: [u8; 32],
    pub body: &'a [u8],
}

/// Checks the crc and splits a record.
pub fn unseal(record: &[u8]) -> Result<Unsealed<'_>, BreakKind> {
    if record.len() < HEADER_LEN {
        return Err(BreakKind::Checksum);
    }
    let (crc, rest) = record.split_at(CRC_LEN);
    if crc32fast::hash(rest).to_be_bytes() != crc {
        return Err(BreakKind::Checksum);
    }
    let (hash, body) = rest.split_at(HASH_LEN);
    Ok(Unsealed {
        hash: hash.try_into().map_err(|_| BreakKind::Checksum)?,
        body,
    })
}

/// Checks that a crc-valid record follows `prev_hash`.
pub fn follows(prev_hash: &[u8; 32], unsealed: &Unsealed<'_>) -> bool {
    chain_hash(prev_hash, unsealed.body) == unsealed.hash
}

/// Decodes the record stored under `position`, checking its crc and that it names the same position.
pub fn decode_record(position: u64, record: &[u8]) -> Result<RecordedEvent, LogError> {
    let corrupt = |reason: String| LogError::Corrupt { position, reason };
    let unsealed = unseal(record).map_err(|_| corrupt("record checksum mismatch".into()))?;
    let body: Body = serde_json::from_slice(unsealed.body)
        .map_err(|e| corrupt(format!("record body is not a valid event: {e}")))?;
    if body.position != position {
        return Err(corrupt(format!("record names position {}", body.position)));
    }
    Ok(RecordedEvent {
        event_id: body.event_id,
        event_type: body.event_type,
        stream: body.stream,
        revision: body.revision,
        position: body.position,
        recorded_at: body.recorded_at,
        data: body.data,
        metadata: body.metadata,
        hash: unsealed.hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_record_unseals_and_follows_its_predecessor() {
        let (hash, record) = seal(&GENESIS_HASH, b"{\"x\":1}");
        let unsealed = unseal(&record).expect("crc valid");
        assert_eq!(unsealed.hash, hash);
        assert!(follows(&GENESIS_HASH, &unsealed));
        assert!(!follows(&[1; 32], &unsealed));
    }

    #[test]
    fn a_flipped_byte_fails_the_checksum() {
        let (_, mut record) = seal(&GENESIS_HASH, b"{\"x\":1}");
        let last = record.len() - 1;
        record[last] ^= 0x01;
        assert_eq!(unseal(&record).err(), Some(BreakKind::Checksum));
    }
}
