//! The index half of `verify`: every event against its five index entries (`check_event`, run by the record
//! walk), and every index entry against the event it names (`check_indexes`). Together they prove each index
//! holds exactly the entries the records imply, so a damaged, missing or extra entry is named by position and
//! stream.

use rocksdb::IteratorMode;

use crate::chain::{self, BreakKind};
use crate::error::LogError;
use crate::event::{RecordedEvent, category_of};
use crate::keys::{self, EventIdEntry};
use crate::store::Store;
use crate::verify::{Findings, Snapshot};

/// What one event's index checks found: (kind, column family, detail).
type EventProblems = Vec<(BreakKind, &'static str, String)>;

/// Reads one index value; an unreadable entry (a damaged block) is a problem of this event.
fn get(
    store: &Store,
    snapshot: &Snapshot<'_>,
    cf: &'static str,
    key: &[u8],
    problems: &mut EventProblems,
) -> Option<Option<Vec<u8>>> {
    match snapshot.get_cf(store.cf(cf), key) {
        Ok(value) => Some(value),
        Err(error) => {
            let detail = format!("index entry is unreadable: {error}");
            problems.push((BreakKind::Unreadable, cf, detail));
            None
        }
    }
}

/// Checks that every index entry `event` implies is present and says what the event says.
pub fn check_event(
    store: &Store,
    snapshot: &Snapshot<'_>,
    event: &RecordedEvent,
    findings: &mut Findings,
) -> Result<(), LogError> {
    let mut problems = EventProblems::new();
    let p = &mut problems;
    let index = BreakKind::Index;
    let expected_id = EventIdEntry {
        position: event.position,
        revision: event.revision,
        stream: event.stream.clone(),
    };
    let id = get(
        store,
        snapshot,
        keys::CF_EVENT_IDS,
        event.event_id.as_bytes(),
        p,
    );
    match id.map(|value| value.map(|value| EventIdEntry::decode(&value))) {
        Some(None) => p.push((
            index,
            keys::CF_EVENT_IDS,
            format!("event id {} is not indexed", event.event_id),
        )),
        Some(Some(entry)) if entry.as_ref() != Some(&expected_id) => p.push((
            index,
            keys::CF_EVENT_IDS,
            format!("event id {} is indexed as {entry:?}", event.event_id),
        )),
        _ => {}
    }
    let revision = event.revision;
    match get(
        store,
        snapshot,
        keys::CF_STREAMS,
        &keys::name_key(&event.stream, revision),
        p,
    ) {
        Some(None) => p.push((
            index,
            keys::CF_STREAMS,
            format!("revision {revision} is not indexed"),
        )),
        Some(Some(value))
            if value.len() != 8 || keys::decode_u64(&value) != Some(event.position) =>
        {
            p.push((
                index,
                keys::CF_STREAMS,
                format!("revision {revision} is indexed at {value:?}"),
            ))
        }
        _ => {}
    }
    if revision > 0 {
        let previous = keys::name_key(&event.stream, revision - 1);
        if let Some(None) = get(store, snapshot, keys::CF_STREAMS, &previous, p) {
            p.push((
                index,
                keys::CF_STREAMS,
                format!("revision {revision} has no predecessor"),
            ));
        }
    }
    let type_key = keys::name_key(&event.event_type, event.position);
    if let Some(None) = get(store, snapshot, keys::CF_BY_TYPE, &type_key, p) {
        p.push((
            index,
            keys::CF_BY_TYPE,
            format!("type {:?} is not indexed", event.event_type),
        ));
    }
    let category = category_of(&event.stream);
    if let Some(None) = get(
        store,
        snapshot,
        keys::CF_BY_CATEGORY,
        &keys::name_key(category, event.position),
        p,
    ) {
        p.push((
            index,
            keys::CF_BY_CATEGORY,
            format!("category {category:?} is not indexed"),
        ));
    }
    let head = get(
        store,
        snapshot,
        keys::CF_STREAM_HEADS,
        event.stream.as_bytes(),
        p,
    );
    match head.map(|value| value.and_then(|value| keys::decode_u64(&value))) {
        Some(Some(head)) if head >= revision => {}
        Some(head) => p.push((
            BreakKind::StreamHead,
            keys::CF_STREAM_HEADS,
            format!("stream head {head:?} is behind revision {revision}"),
        )),
        None => {}
    }
    let positions = Some((event.position, event.position));
    for (kind, cf, detail) in problems {
        findings.add(kind, cf, positions, Some(&event.stream), detail);
    }
    Ok(())
}

/// Walks every index column family and checks each entry against the event it names.
pub fn check_indexes(
    store: &Store,
    snapshot: &Snapshot<'_>,
    findings: &mut Findings,
) -> Result<(), LogError> {
    for cf in [
        keys::CF_EVENT_IDS,
        keys::CF_STREAMS,
        keys::CF_STREAM_HEADS,
        keys::CF_BY_TYPE,
        keys::CF_BY_CATEGORY,
    ] {
        let mut last_key: Option<Vec<u8>> = None;
        for item in snapshot.iterator_cf(store.cf(cf), IteratorMode::Start) {
            let (key, value) = match item {
                Ok(item) => item,
                Err(error) => {
                    // The events' own checks already named each event whose entry sits in the damaged block.
                    let detail = format!("entries after key {last_key:?} are unreadable: {error}");
                    findings.add(BreakKind::Unreadable, cf, None, None, detail);
                    break;
                }
            };
            check_entry(store, snapshot, cf, &key, &value, findings);
            last_key = Some(key.to_vec());
        }
    }
    Ok(())
}

/// What one index entry claims: the position of an event and what that event must be.
struct Claim {
    position: u64,
    stream: Option<String>,
    revision: Option<u64>,
    event_id: Option<[u8; 16]>,
    event_type: Option<String>,
    category: Option<String>,
}

fn check_entry(
    store: &Store,
    snapshot: &Snapshot<'_>,
    cf: &'static str,
    key: &[u8],
    value: &[u8],
    findings: &mut Findings,
) {
    if cf == keys::CF_STREAM_HEADS {
        return check_stream_head(store, snapshot, key, value, findings);
    }
    let Some(claim) = parse_claim(cf, key, value) else {
        let detail = format!("malformed entry: key {key:?}, value {value:?}");
        findings.add(BreakKind::Index, cf, None, None, detail);
        return;
    };
    let position = claim.position;
    let record = snapshot.get_cf(store.cf(keys::CF_EVENTS), keys::position_key(position));
    let event = match record {
        Ok(Some(record)) => match chain::decode_record(position, &record) {
            Ok(event) => event,
            Err(_) => return, // a damaged record: the walk over the records reported it
        },
        Ok(None) => {
            let detail = format!("entry {key:?} names position {position}, which has no record");
            let stream = claim.stream.as_deref();
            findings.add(
                BreakKind::Index,
                cf,
                Some((position, position)),
                stream,
                detail,
            );
            return;
        }
        Err(_) => return, // unreadable record: reported by the walk
    };
    let agrees = claim.stream.as_ref().is_none_or(|s| *s == event.stream)
        && claim.revision.is_none_or(|r| r == event.revision)
        && claim
            .event_id
            .is_none_or(|id| id == *event.event_id.as_bytes())
        && claim
            .event_type
            .as_ref()
            .is_none_or(|t| *t == event.event_type)
        && claim
            .category
            .as_ref()
            .is_none_or(|c| c == category_of(&event.stream));
    if !agrees {
        let detail = format!("entry {key:?} does not match the event at position {position}");
        findings.add(
            BreakKind::Index,
            cf,
            Some((position, position)),
            Some(&event.stream),
            detail,
        );
    }
}

/// Splits `name · 0x00 · n (BE)` into its name and number.
fn split_name_key(key: &[u8]) -> Option<(String, u64)> {
    let split = key.len().checked_sub(9)?;
    if key[split] != 0 {
        return None;
    }
    let name = String::from_utf8(key[..split].to_vec()).ok()?;
    Some((name, keys::decode_u64(&key[split + 1..])?))
}

fn parse_claim(cf: &'static str, key: &[u8], value: &[u8]) -> Option<Claim> {
    let mut claim = Claim {
        position: 0,
        stream: None,
        revision: None,
        event_id: None,
        event_type: None,
        category: None,
    };
    match cf {
        keys::CF_EVENT_IDS => {
            let entry = EventIdEntry::decode(value)?;
            claim.event_id = Some(key.try_into().ok()?);
            (claim.position, claim.revision, claim.stream) =
                (entry.position, Some(entry.revision), Some(entry.stream));
        }
        keys::CF_STREAMS => {
            let (stream, revision) = split_name_key(key)?;
            claim.position = keys::decode_u64(value).filter(|_| value.len() == 8)?;
            (claim.stream, claim.revision) = (Some(stream), Some(revision));
        }
        keys::CF_BY_TYPE | keys::CF_BY_CATEGORY => {
            let (name, position) = split_name_key(key)?;
            if !value.is_empty() {
                return None;
            }
            claim.position = position;
            if cf == keys::CF_BY_TYPE {
                claim.event_type = Some(name);
            } else {
                claim.category = Some(name);
            }
        }
        _ => return None,
    }
    Some(claim)
}

/// A stream head names the stream's last revision: that revision is indexed and the next one is not.
fn check_stream_head(
    store: &Store,
    snapshot: &Snapshot<'_>,
    key: &[u8],
    value: &[u8],
    findings: &mut Findings,
) {
    let cf = keys::CF_STREAM_HEADS;
    let (Ok(stream), Some(revision)) = (std::str::from_utf8(key), keys::decode_u64(value)) else {
        let detail = format!("malformed stream head: key {key:?}, value {value:?}");
        findings.add(BreakKind::Index, cf, None, None, detail);
        return;
    };
    let streams = store.cf(keys::CF_STREAMS);
    let last = snapshot.get_cf(streams, keys::name_key(stream, revision));
    let next = snapshot.get_cf(streams, keys::name_key(stream, revision + 1));
    let position = last
        .as_ref()
        .ok()
        .and_then(|v| v.as_ref())
        .and_then(|v| keys::decode_u64(v));
    match (last, next) {
        (Ok(Some(_)), Ok(None)) => {}
        (Err(_), _) | (_, Err(_)) => {} // unreadable stream index: reported by the events' checks
        _ => {
            let detail =
                format!("stream head says revision {revision}, which is not the stream's last");
            findings.add(
                BreakKind::StreamHead,
                cf,
                position.map(|p| (p, p)),
                Some(stream),
                detail,
            );
        }
    }
}
