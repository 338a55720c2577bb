//! Reads: one stream by revision, the whole log by position, and the type and category indexes. Every read stops
//! at the committed head, so no reader ever sees an event before its group is fsynced.

use rocksdb::{Direction as ScanDirection, IteratorMode};

use crate::append::{validate_name, validate_stream_name};
use crate::chain;
use crate::error::LogError;
use crate::event::{Direction, RecordedEvent};
use crate::keys;
use crate::store::Store;

/// Most events one read returns; larger `max` values are refused so one read cannot hold a reader for long.
pub const MAX_READ_BATCH: usize = 4096;

fn check_max(max: usize) -> Result<(), LogError> {
    if max > MAX_READ_BATCH {
        return Err(LogError::TooLarge {
            field: "max",
            limit: MAX_READ_BATCH,
            actual: max,
        });
    }
    Ok(())
}

/// The event at `position` (which must be committed).
fn event_at(store: &Store, position: u64) -> Result<RecordedEvent, LogError> {
    let record = store
        .db
        .get_pinned_cf(store.cf(keys::CF_EVENTS), keys::position_key(position))?
        .ok_or(LogError::Corrupt {
            position,
            reason: "an index points at a missing record".into(),
        })?;
    chain::decode_record(position, &record)
}

pub fn read_all(
    store: &Store,
    committed: u64,
    from: u64,
    max: usize,
) -> Result<Vec<RecordedEvent>, LogError> {
    check_max(max)?;
    let mut events = Vec::new();
    let start = keys::position_key(from);
    let iter = store.db.iterator_cf(
        store.cf(keys::CF_EVENTS),
        IteratorMode::From(&start, ScanDirection::Forward),
    );
    for item in iter {
        if events.len() >= max {
            break;
        }
        let (key, record) = item?;
        let position = keys::decode_u64(&key).ok_or(LogError::Corrupt {
            position: from,
            reason: "malformed event key".into(),
        })?;
        if position >= committed {
            break;
        }
        let expected = from + events.len() as u64;
        if position != expected {
            return Err(LogError::Corrupt {
                position: expected,
                reason: "record is missing".into(),
            });
        }
        events.push(chain::decode_record(position, &record)?);
    }
    Ok(events)
}

pub fn read_stream(
    store: &Store,
    committed: u64,
    stream: &str,
    from_revision: u64,
    direction: Direction,
    max: usize,
) -> Result<Vec<RecordedEvent>, LogError> {
    validate_stream_name(stream)?;
    check_max(max)?;
    let prefix = keys::name_prefix(stream);
    let start = keys::name_key(stream, from_revision);
    let mode = match direction {
        Direction::Forward => IteratorMode::From(&start, ScanDirection::Forward),
        Direction::Backward => IteratorMode::From(&start, ScanDirection::Reverse),
    };
    let mut events = Vec::new();
    for item in store.db.iterator_cf(store.cf(keys::CF_STREAMS), mode) {
        if events.len() >= max {
            break;
        }
        let (key, value) = item?;
        if !key.starts_with(&prefix) {
            break;
        }
        let position = keys::decode_u64(&value).ok_or(LogError::Corrupt {
            position: 0,
            reason: format!("malformed index entry of {stream:?}"),
        })?;
        if position >= committed {
            // The writer's batch is visible a moment before it publishes the head: skip it until then.
            match direction {
                Direction::Forward => break,
                Direction::Backward => continue,
            }
        }
        let event = event_at(store, position)?;
        let revision = keys::name_key_suffix(&key, prefix.len());
        if event.stream != stream || Some(event.revision) != revision {
            return Err(LogError::Corrupt {
                position,
                reason: format!("stream index of {stream:?} is wrong"),
            });
        }
        events.push(event);
    }
    Ok(events)
}

/// A forward read of a `name · 0x00 · position` index (`by_type` or `by_category`).
fn read_index(
    store: &Store,
    committed: u64,
    cf: &'static str,
    name: &str,
    from: u64,
    max: usize,
) -> Result<Vec<RecordedEvent>, LogError> {
    check_max(max)?;
    let prefix = keys::name_prefix(name);
    let start = keys::name_key(name, from);
    let mut events = Vec::new();
    for item in store.db.iterator_cf(
        store.cf(cf),
        IteratorMode::From(&start, ScanDirection::Forward),
    ) {
        if events.len() >= max {
            break;
        }
        let (key, _) = item?;
        if !key.starts_with(&prefix) {
            break;
        }
        let position = keys::name_key_suffix(&key, prefix.len()).ok_or(LogError::Corrupt {
            position: from,
            reason: format!("malformed {cf} key"),
        })?;
        if position >= committed {
            break;
        }
        events.push(event_at(store, position)?);
    }
    Ok(events)
}

pub fn read_by_type(
    store: &Store,
    committed: u64,
    event_type: &str,
    from: u64,
    max: usize,
) -> Result<Vec<RecordedEvent>, LogError> {
    validate_name("event_type", event_type)?;
    let events = read_index(store, committed, keys::CF_BY_TYPE, event_type, from, max)?;
    for event in &events {
        if event.event_type != event_type {
            return Err(LogError::Corrupt {
                position: event.position,
                reason: "type index is wrong".into(),
            });
        }
    }
    Ok(events)
}

pub fn read_by_category(
    store: &Store,
    committed: u64,
    category: &str,
    from: u64,
    max: usize,
) -> Result<Vec<RecordedEvent>, LogError> {
    validate_name("category", category)?;
    let events = read_index(store, committed, keys::CF_BY_CATEGORY, category, from, max)?;
    for event in &events {
        if crate::event::category_of(&event.stream) != category {
            return Err(LogError::Corrupt {
                position: event.position,
                reason: "category index is wrong".into(),
            });
        }
    }
    Ok(events)
}
