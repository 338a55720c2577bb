//! What an append must satisfy, and how one append request becomes records: input validation (run by the
//! caller, before queueing), then — inside the single writer — idempotency by event id, the expected-revision
//! check and sealing each event into the hash chain.
//!
//! Every request is staged all-or-nothing against the tentative state of its commit group, so a failing
//! request leaves no trace in the group's WriteBatch.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use rocksdb::WriteBatch;
use uuid::Uuid;

use crate::chain::{self, BodyRef};
use crate::error::LogError;
use crate::event::{AppendResult, RecordedEvent, StreamWrite, category_of};
use crate::keys::{self, EventIdEntry, Head};
use crate::store::Store;

/// Largest stored event (its JSON body: data, metadata, names) in bytes.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;
/// Most events in one append (summed over the streams of a multi-stream append).
pub const MAX_EVENTS_PER_APPEND: usize = 1000;
/// Largest total body size of one append in bytes, so one request cannot monopolise the writer.
pub const MAX_APPEND_BYTES: usize = 16 * 1024 * 1024;
/// Longest stream name in bytes.
pub const MAX_STREAM_NAME_LEN: usize = 256;
/// Longest event type (and category) name in bytes.
pub const MAX_EVENT_TYPE_LEN: usize = 128;

/// Checks a stream name: non-empty, bounded, and free of control characters (0x00 separates index keys).
pub fn validate_stream_name(stream: &str) -> Result<(), LogError> {
    let invalid = |reason| {
        Err(LogError::InvalidStreamName {
            stream: stream.to_string(),
            reason,
        })
    };
    if stream.is_empty() {
        return invalid("must not be empty");
    }
    if stream.len() > MAX_STREAM_NAME_LEN {
        return Err(LogError::TooLarge {
            field: "stream",
            limit: MAX_STREAM_NAME_LEN,
            actual: stream.len(),
        });
    }
    if stream.chars().any(char::is_control) {
        return invalid("must not contain control characters");
    }
    Ok(())
}

/// Checks an event type or category name (`field` says which): non-empty, bounded, no control characters.
pub fn validate_name(field: &'static str, value: &str) -> Result<(), LogError> {
    let invalid = |reason| {
        Err(LogError::InvalidName {
            field,
            value: value.to_string(),
            reason,
        })
    };
    if value.is_empty() {
        return invalid("must not be empty");
    }
    if value.len() > MAX_EVENT_TYPE_LEN {
        return Err(LogError::TooLarge {
            field,
            limit: MAX_EVENT_TYPE_LEN,
            actual: value.len(),
        });
    }
    if value.chars().any(char::is_control) {
        return invalid("must not contain control characters");
    }
    Ok(())
}

/// Everything about an append request that can be checked without the log's state.
pub fn validate_writes(writes: &[StreamWrite]) -> Result<(), LogError> {
    if writes.is_empty() {
        return Err(LogError::InvalidArgument {
            field: "writes",
            reason: "must not be empty".into(),
        });
    }
    let total: usize = writes.iter().map(|write| write.events.len()).sum();
    if total > MAX_EVENTS_PER_APPEND {
        return Err(LogError::TooLarge {
            field: "events",
            limit: MAX_EVENTS_PER_APPEND,
            actual: total,
        });
    }
    let mut streams = HashSet::with_capacity(writes.len());
    let mut event_ids = HashSet::with_capacity(total);
    for write in writes {
        validate_stream_name(&write.stream)?;
        if !streams.insert(write.stream.as_str()) {
            return Err(LogError::StreamWrittenTwice {
                stream: write.stream.clone(),
            });
        }
        if write.events.is_empty() {
            return Err(LogError::NoEvents {
                stream: write.stream.clone(),
            });
        }
        for event in &write.events {
            validate_name("event_type", &event.event_type)?;
            if !event_ids.insert(event.event_id) {
                return Err(LogError::DuplicateEventIdInAppend {
                    event_id: event.event_id,
                });
            }
        }
    }
    Ok(())
}

/// The last revision of every stream the writer has touched or looked up since it started; a cache of the
/// `stream_heads` column family, which is the truth.
pub struct StreamHeads {
    cache: HashMap<String, u64>,
}

/// Bounds the head cache's memory; past it the cache is simply emptied and refilled from RocksDB on demand.
const STREAM_HEAD_CACHE_CAPACITY: usize = 100_000;

impl StreamHeads {
    pub fn new() -> StreamHeads {
        StreamHeads {
            cache: HashMap::new(),
        }
    }

    fn get(&mut self, store: &Store, stream: &str) -> Result<Option<u64>, LogError> {
        if let Some(revision) = self.cache.get(stream) {
            return Ok(Some(*revision));
        }
        let Some(value) = store
            .db
            .get_cf(store.cf(keys::CF_STREAM_HEADS), stream.as_bytes())?
        else {
            return Ok(None);
        };
        let revision = keys::decode_u64(&value).ok_or(LogError::Corrupt {
            position: 0,
            reason: format!("malformed head of stream {stream:?}"),
        })?;
        self.insert(stream.to_string(), revision);
        Ok(Some(revision))
    }

    fn insert(&mut self, stream: String, revision: u64) {
        if self.cache.len() >= STREAM_HEAD_CACHE_CAPACITY {
            self.cache.clear();
        }
        self.cache.insert(stream, revision);
    }

    /// Makes a written group's heads the new truth.
    fn commit(&mut self, heads: HashMap<String, u64>) {
        for (stream, revision) in heads {
            self.insert(stream, revision);
        }
    }
}

/// The tentative state of one commit group: everything staged so far, not yet written.
pub struct Group {
    /// Where this group starts: the end of the group written before it.
    start: Head,
    pub head: Head,
    heads: HashMap<String, u64>,
    ids: HashMap<Uuid, EventIdEntry>,
    /// The stream heads and event ids of the group before this one, whose synced write may still be running
    /// while this one is staged (`writer.rs`): RocksDB may not have them yet, so they are looked up here first.
    syncing: Option<Written>,
    pub batch: WriteBatch,
    pub events: Vec<RecordedEvent>,
}

/// What a group staged that later groups must see before RocksDB does.
struct Written {
    heads: HashMap<String, u64>,
    ids: HashMap<Uuid, EventIdEntry>,
}

/// A group taken for its write: its WriteBatch and events, and the heads it goes from and to.
pub struct Sealed {
    pub start: Head,
    pub head: Head,
    pub batch: WriteBatch,
    pub events: Vec<RecordedEvent>,
}

impl Group {
    pub fn new(head: Head) -> Group {
        Group {
            start: head,
            head,
            heads: HashMap::new(),
            ids: HashMap::new(),
            syncing: None,
            batch: WriteBatch::default(),
            events: Vec::new(),
        }
    }

    /// Takes this group for its write and goes on as the next group, staged on top of it. Called only once the
    /// write of the group before has returned successfully: its stream heads, readable from RocksDB now, become
    /// the head cache's truth, while this group's stay visible here until it is written in turn.
    pub fn seal(&mut self, heads: &mut StreamHeads) -> Sealed {
        let staged = Written {
            heads: std::mem::take(&mut self.heads),
            ids: std::mem::take(&mut self.ids),
        };
        if let Some(written) = self.syncing.replace(staged) {
            heads.commit(written.heads);
        }
        Sealed {
            start: std::mem::replace(&mut self.start, self.head),
            head: self.head,
            batch: std::mem::take(&mut self.batch),
            events: std::mem::take(&mut self.events),
        }
    }

    pub(crate) fn head_of(
        &self,
        heads: &mut StreamHeads,
        store: &Store,
        stream: &str,
    ) -> Result<Option<u64>, LogError> {
        let syncing = self.syncing.as_ref().map(|written| &written.heads);
        match self.heads.get(stream).or_else(|| syncing?.get(stream)) {
            Some(revision) => Ok(Some(*revision)),
            None => heads.get(store, stream),
        }
    }

    pub(crate) fn stored_id(
        &self,
        store: &Store,
        event_id: &Uuid,
    ) -> Result<Option<EventIdEntry>, LogError> {
        let mut stored = self.stored_ids(store, std::slice::from_ref(event_id))?;
        Ok(stored.pop().flatten())
    }

    /// Where each of `event_ids` is stored, if anywhere, in order. Ids staged in this group or the one being
    /// written come from memory; the rest — in the common case every id, each new — from ONE batched RocksDB
    /// look-up, in which the memtable's and the table files' bloom filters (`tuning.rs`) answer an absent id
    /// without a disk read. Every id ever appended is either in memory here or in RocksDB, so an old retry is
    /// found too.
    fn stored_ids(
        &self,
        store: &Store,
        event_ids: &[Uuid],
    ) -> Result<Vec<Option<EventIdEntry>>, LogError> {
        let syncing = self.syncing.as_ref().map(|written| &written.ids);
        let mut stored: Vec<Option<EventIdEntry>> = event_ids
            .iter()
            .map(|id| self.ids.get(id).or_else(|| syncing?.get(id)).cloned())
            .collect();
        let missing: Vec<usize> = (0..event_ids.len())
            .filter(|&index| stored[index].is_none())
            .collect();
        let lookups = missing.iter().map(|&index| event_ids[index].as_bytes());
        let found = store
            .db
            .batched_multi_get_cf(store.cf(keys::CF_EVENT_IDS), lookups, false);
        for (index, value) in missing.into_iter().zip(found) {
            let Some(value) = value? else { continue };
            let entry = EventIdEntry::decode(&value).ok_or_else(|| LogError::Corrupt {
                position: 0,
                reason: format!("malformed index entry for event id {}", event_ids[index]),
            })?;
            stored[index] = Some(entry);
        }
        Ok(stored)
    }

    /// Stages one append request (already validated) on top of this group, all or nothing.
    pub fn stage(
        &mut self,
        heads: &mut StreamHeads,
        store: &Store,
        writes: Vec<StreamWrite>,
    ) -> Result<Vec<AppendResult>, LogError> {
        let mut staged = Staged {
            head: self.head,
            events: Vec::new(),
            records: Vec::new(),
            bytes: 0,
        };
        let mut results = Vec::with_capacity(writes.len());
        let recorded_at = Utc::now();
        for write in writes {
            let event_ids: Vec<Uuid> = write.events.iter().map(|event| event.event_id).collect();
            let stored = self.stored_ids(store, &event_ids)?;
            let already_stored = stored.iter().filter(|entry| entry.is_some()).count();
            if already_stored == write.events.len() {
                results.push(idempotent_result(
                    &write,
                    stored.into_iter().flatten().collect(),
                )?);
                continue;
            }
            if already_stored > 0 {
                return Err(LogError::PartialDuplicate {
                    stream: write.stream,
                    already_stored,
                    total: write.events.len(),
                });
            }
            let actual = self.head_of(heads, store, &write.stream)?;
            if !write.expected.accepts(actual) {
                return Err(LogError::WrongExpectedRevision {
                    stream: write.stream,
                    expected: write.expected,
                    actual,
                });
            }
            let first_revision = actual.map_or(0, |revision| revision + 1);
            let first_position = staged.head.next_position;
            for (offset, event) in write.events.into_iter().enumerate() {
                let position = staged.head.next_position;
                let body = serde_json::to_vec(&BodyRef {
                    event_id: event.event_id,
                    event_type: &event.event_type,
                    stream: &write.stream,
                    revision: first_revision + offset as u64,
                    position,
                    recorded_at,
                    data: &event.data,
                    metadata: &event.metadata,
                })
                .map_err(|e| LogError::InvalidArgument {
                    field: "data",
                    reason: e.to_string(),
                })?;
                if body.len() > MAX_EVENT_BYTES {
                    return Err(LogError::TooLarge {
                        field: "event",
                        limit: MAX_EVENT_BYTES,
                        actual: body.len(),
                    });
                }
                staged.bytes += body.len();
                if staged.bytes > MAX_APPEND_BYTES {
                    return Err(LogError::TooLarge {
                        field: "append",
                        limit: MAX_APPEND_BYTES,
                        actual: staged.bytes,
                    });
                }
                let (hash, record) = chain::seal(&staged.head.last_hash, &body);
                staged.head = Head {
                    next_position: position + 1,
                    last_hash: hash,
                };
                staged.records.push(record);
                staged.events.push(RecordedEvent {
                    event_id: event.event_id,
                    event_type: event.event_type,
                    stream: write.stream.clone(),
                    revision: first_revision + offset as u64,
                    position,
                    recorded_at,
                    data: event.data,
                    metadata: event.metadata,
                    hash,
                });
            }
            let count = staged.head.next_position - first_position;
            results.push(AppendResult {
                stream: write.stream,
                first_revision,
                next_revision: first_revision + count,
                first_position,
                last_position: staged.head.next_position - 1,
            });
        }
        self.absorb(store, staged);
        Ok(results)
    }

    /// Adds a fully staged request to the group's WriteBatch: the record and every index, one batch.
    pub(crate) fn absorb(&mut self, store: &Store, staged: Staged) {
        for (event, record) in staged.events.iter().zip(&staged.records) {
            assert_eq!(
                event.position, self.head.next_position,
                "positions are assigned gaplessly"
            );
            let previous = self.heads.get(&event.stream).copied();
            debug_assert!(previous.is_none_or(|revision| revision + 1 == event.revision));
            let position = keys::position_key(event.position);
            self.batch
                .put_cf(store.cf(keys::CF_EVENTS), position, record);
            let entry = EventIdEntry {
                position: event.position,
                revision: event.revision,
                stream: event.stream.clone(),
            };
            self.batch.put_cf(
                store.cf(keys::CF_EVENT_IDS),
                event.event_id.as_bytes(),
                entry.encode(),
            );
            self.ids.insert(event.event_id, entry);
            self.batch.put_cf(
                store.cf(keys::CF_STREAMS),
                keys::name_key(&event.stream, event.revision),
                position,
            );
            self.batch.put_cf(
                store.cf(keys::CF_STREAM_HEADS),
                event.stream.as_bytes(),
                event.revision.to_be_bytes(),
            );
            self.batch.put_cf(
                store.cf(keys::CF_BY_TYPE),
                keys::name_key(&event.event_type, event.position),
                [],
            );
            self.batch.put_cf(
                store.cf(keys::CF_BY_CATEGORY),
                keys::name_key(category_of(&event.stream), event.position),
                [],
            );
            self.heads.insert(event.stream.clone(), event.revision);
            self.head = Head {
                next_position: event.position + 1,
                last_hash: event.hash,
            };
        }
        assert_eq!(
            self.head, staged.head,
            "the staged head is where the absorbed records end"
        );
        self.events.extend(staged.events);
    }
}

pub(crate) struct Staged {
    pub(crate) head: Head,
    pub(crate) events: Vec<RecordedEvent>,
    pub(crate) records: Vec<Vec<u8>>,
    pub(crate) bytes: usize,
}

/// The original result of an append whose events are all stored already, if they are stored in this stream in
/// this order; anything else is not a retry of the same append.
fn idempotent_result(
    write: &StreamWrite,
    stored: Vec<EventIdEntry>,
) -> Result<AppendResult, LogError> {
    let first = &stored[0];
    for (offset, (event, entry)) in write.events.iter().zip(&stored).enumerate() {
        if entry.stream != write.stream || entry.revision != first.revision + offset as u64 {
            return Err(LogError::DuplicateMismatch {
                stream: write.stream.clone(),
                event_id: event.event_id,
                stored_stream: entry.stream.clone(),
                stored_revision: entry.revision,
            });
        }
    }
    let last = &stored[stored.len() - 1];
    Ok(AppendResult {
        stream: write.stream.clone(),
        first_revision: first.revision,
        next_revision: last.revision + 1,
        first_position: first.position,
        last_position: last.position,
    })
}
