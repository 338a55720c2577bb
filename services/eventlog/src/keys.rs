//! The on-disk layout: one RocksDB database, one column family per concern. Every append writes all of them in
//! ONE WriteBatch, so an index can never disagree with the records it points at.
//!
//! | column family  | key                                   | value                                            |
//! |----------------|---------------------------------------|--------------------------------------------------|
//! | `events`       | position (u64 BE)                     | record: crc32 BE (4) · chain hash (32) · JSON body (see `chain.rs`) |
//! | `event_ids`    | event id (16 raw UUID bytes)          | position (u64 BE) · revision (u64 BE) · stream (UTF-8) |
//! | `streams`      | stream (UTF-8) · 0x00 · revision (BE) | position (u64 BE)                                |
//! | `stream_heads` | stream (UTF-8)                        | revision of the stream's last event (u64 BE)     |
//! | `by_type`      | event type · 0x00 · position (BE)     | empty                                            |
//! | `by_category`  | category · 0x00 · position (BE)       | empty                                            |
//! | `meta`         | `format`                              | `FORMAT` (checked on open)                       |
//! | `meta`         | `head`                                | next position (u64 BE) · last chain hash (32)    |
//! | `meta`         | `witness`                             | `1`: this log keeps a head witness file          |
//!
//! Beside the column families, the file `CASETRACK-HEAD-WITNESS` in the same directory records the committed
//! head independently of RocksDB (`witness.rs`).
//!
//! Big-endian integers make RocksDB's byte order the numeric order, so range scans walk positions and revisions in
//! order. Names never contain 0x00 (validated on append), so `name · 0x00` is an exact prefix for one name.

pub const CF_EVENTS: &str = "events";
pub const CF_EVENT_IDS: &str = "event_ids";
pub const CF_STREAMS: &str = "streams";
pub const CF_STREAM_HEADS: &str = "stream_heads";
pub const CF_BY_TYPE: &str = "by_type";
pub const CF_BY_CATEGORY: &str = "by_category";
pub const CF_META: &str = "meta";

pub const ALL_CFS: [&str; 7] = [
    CF_EVENTS,
    CF_EVENT_IDS,
    CF_STREAMS,
    CF_STREAM_HEADS,
    CF_BY_TYPE,
    CF_BY_CATEGORY,
    CF_META,
];

pub const META_FORMAT: &[u8] = b"format";
pub const META_HEAD: &[u8] = b"head";
/// Present once the log has a head witness file (`witness.rs`); a missing witness file is then a refusal.
pub const META_WITNESS: &[u8] = b"witness";
/// Bumped on any incompatible change to this layout.
pub const FORMAT: &[u8] = b"casetrack-eventlog/1";

const NAME_SEPARATOR: u8 = 0x00;

pub fn position_key(position: u64) -> [u8; 8] {
    position.to_be_bytes()
}

pub fn decode_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?))
}

/// `name · 0x00`: the prefix shared by every key of one stream, type or category.
pub fn name_prefix(name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 9);
    key.extend_from_slice(name.as_bytes());
    key.push(NAME_SEPARATOR);
    key
}

/// `name · 0x00 · n (BE)`: a stream revision key or a type/category position key.
pub fn name_key(name: &str, n: u64) -> Vec<u8> {
    let mut key = name_prefix(name);
    key.extend_from_slice(&n.to_be_bytes());
    key
}

/// The number after the prefix of a `name_key`.
pub fn name_key_suffix(key: &[u8], prefix_len: usize) -> Option<u64> {
    decode_u64(key.get(prefix_len..)?)
}

/// Where an event id was stored: enough to answer an idempotent retry without reading the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventIdEntry {
    pub position: u64,
    pub revision: u64,
    pub stream: String,
}

impl EventIdEntry {
    pub fn encode(&self) -> Vec<u8> {
        let mut value = Vec::with_capacity(16 + self.stream.len());
        value.extend_from_slice(&self.position.to_be_bytes());
        value.extend_from_slice(&self.revision.to_be_bytes());
        value.extend_from_slice(self.stream.as_bytes());
        value
    }

    pub fn decode(value: &[u8]) -> Option<EventIdEntry> {
        Some(EventIdEntry {
            position: decode_u64(value)?,
            revision: decode_u64(value.get(8..)?)?,
            stream: String::from_utf8(value.get(16..)?.to_vec()).ok()?,
        })
    }
}

/// The `meta/head` value: how many events are committed and the hash of the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub next_position: u64,
    pub last_hash: [u8; 32],
}

impl Head {
    pub const EMPTY: Head = Head {
        next_position: 0,
        last_hash: [0; 32],
    };

    pub fn encode(&self) -> [u8; 40] {
        let mut value = [0u8; 40];
        value[..8].copy_from_slice(&self.next_position.to_be_bytes());
        value[8..].copy_from_slice(&self.last_hash);
        value
    }

    pub fn decode(value: &[u8]) -> Option<Head> {
        if value.len() != 40 {
            return None;
        }
        Some(Head {
            next_position: decode_u64(value)?,
            last_hash: value[8..].try_into().ok()?,
        })
    }
}
