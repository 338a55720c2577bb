//! Re-feeding: appending events this log recorded before and lost, so that a log restored from a backup can be
//! brought back to where it was from another copy of its events (the relay's JetStream stream).
//!
//! A re-fed event is not a new event: it keeps its position, revision, recorded time and hash. The writer
//! re-serialises its body exactly as `append.rs` did, seals it onto the log's head and accepts it only if the
//! hash it gets is the hash the event carries — so a re-fed log is byte for byte the chain it was, and anything
//! that does not link (a gap, a reordering, an edit, an event from another log) is refused, not appended.

use std::collections::HashMap;

use crate::append::{Group, Staged, StreamHeads, validate_name, validate_stream_name};
use crate::chain::{self, BodyRef};
use crate::error::LogError;
use crate::event::{AppendResult, RecordedEvent};
use crate::keys::Head;
use crate::store::Store;

/// Most events in one re-feed request; the same bound as an ordinary append, for the same reason (one request
/// must not monopolise the writer).
pub const MAX_REFEED_BATCH: usize = crate::append::MAX_EVENTS_PER_APPEND;

/// Everything about a re-feed request that can be checked without the log's state.
pub fn validate(events: &[RecordedEvent]) -> Result<(), LogError> {
    if events.is_empty() || events.len() > MAX_REFEED_BATCH {
        return Err(LogError::TooLarge {
            field: "re-fed events (1 or more)",
            limit: MAX_REFEED_BATCH,
            actual: events.len(),
        });
    }
    for event in events {
        validate_stream_name(&event.stream)?;
        validate_name("event_type", &event.event_type)?;
    }
    Ok(())
}

impl Group {
    /// Stages re-fed events (already validated) on top of this group, all or nothing.
    pub fn stage_recorded(
        &mut self,
        heads: &mut StreamHeads,
        store: &Store,
        events: Vec<RecordedEvent>,
    ) -> Result<Vec<AppendResult>, LogError> {
        let mut staged = Staged {
            head: self.head,
            events: Vec::with_capacity(events.len()),
            records: Vec::with_capacity(events.len()),
            bytes: 0,
        };
        // Stream heads as of the events staged so far in this request.
        let mut staged_heads: HashMap<String, u64> = HashMap::new();
        let mut results = Vec::with_capacity(events.len());
        for event in events {
            let refused = |reason: String| LogError::RefeedBreak {
                position: event.position,
                event_id: event.event_id,
                reason,
            };
            if event.position != staged.head.next_position {
                return Err(refused(format!(
                    "the log's next position is {}",
                    staged.head.next_position
                )));
            }
            if let Some(entry) = self.stored_id(store, &event.event_id)? {
                return Err(refused(format!(
                    "the log already holds this event id at position {}",
                    entry.position
                )));
            }
            if staged.events.iter().any(|e| e.event_id == event.event_id) {
                return Err(refused("the event id appears twice in this batch".into()));
            }
            let actual = match staged_heads.get(&event.stream) {
                Some(revision) => Some(*revision),
                None => self.head_of(heads, store, &event.stream)?,
            };
            let next_revision = actual.map_or(0, |revision| revision + 1);
            if event.revision != next_revision {
                return Err(refused(format!(
                    "stream {:?} is at revision {next_revision} next, the event has {}",
                    event.stream, event.revision
                )));
            }
            let record = seal_recorded(&staged.head, &event).map_err(refused)?;
            staged_heads.insert(event.stream.clone(), event.revision);
            staged.head = Head {
                next_position: event.position + 1,
                last_hash: event.hash,
            };
            staged.bytes += record.len();
            staged.records.push(record);
            results.push(AppendResult {
                stream: event.stream.clone(),
                first_revision: event.revision,
                next_revision: event.revision + 1,
                first_position: event.position,
                last_position: event.position,
            });
            staged.events.push(event);
        }
        self.absorb(store, staged);
        Ok(results)
    }
}

/// The stored record of `event` chained onto `head`, if its hash is the one the event carries.
fn seal_recorded(head: &Head, event: &RecordedEvent) -> Result<Vec<u8>, String> {
    let body = serde_json::to_vec(&BodyRef {
        event_id: event.event_id,
        event_type: &event.event_type,
        stream: &event.stream,
        revision: event.revision,
        position: event.position,
        recorded_at: event.recorded_at,
        data: &event.data,
        metadata: &event.metadata,
    })
    .map_err(|error| format!("its body does not serialise: {error}"))?;
    let (hash, record) = chain::seal(&head.last_hash, &body);
    if hash != event.hash {
        return Err(format!(
            "it does not link to the log's head: chained onto hash {} it hashes to {}, but it carries {} (a \
             gap, a reordering, an altered event or another log's event)",
            hex::encode(head.last_hash),
            hex::encode(hash),
            hex::encode(event.hash)
        ));
    }
    Ok(record)
}
