//! `verify`: checks everything the log stores, as of one RocksDB snapshot (so it runs beside a live writer):
//! every record's key, crc, position and place in the hash chain; every index entry against its event and every
//! event against its index entries (`verify_index.rs`); the stream heads; the head marker; and the head witness.
//! Damage is reported as log positions and streams, not as files: an unreadable table block is probed position by
//! position to name exactly which events it held.

use rocksdb::{Direction as ScanDirection, IteratorMode, SnapshotWithThreadMode};
use serde::Serialize;

use crate::chain::{self, BreakKind, GENESIS_HASH};
use crate::error::LogError;
use crate::keys::{self, Head};
use crate::store::Store;
use crate::verify_index;

/// Most problems a report lists; the rest are only counted (`problems_total`), so a wrecked log cannot make
/// `verify` exhaust memory.
pub const MAX_REPORTED_PROBLEMS: usize = 1000;

pub type Snapshot<'a> = SnapshotWithThreadMode<'a, rocksdb::DB>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub position: u64,
    #[serde(serialize_with = "serialize_kind")]
    pub kind: BreakKind,
    pub detail: String,
}

fn serialize_kind<S: serde::Serializer>(
    kind: &BreakKind,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.as_str())
}

/// One thing found wrong, located in the log's own terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(serialize_with = "serialize_kind")]
    pub kind: BreakKind,
    /// The column family where it was found (`witness` for the head witness file).
    pub column_family: &'static str,
    /// The log positions affected (first and last, inclusive), when known.
    pub positions: Option<(u64, u64)>,
    /// The stream affected, when known.
    pub stream: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Records that verified before the first break (all of them when there is none).
    pub events_checked: u64,
    /// Hash of the last verified record.
    #[serde(serialize_with = "crate::event::hex_hash::serialize")]
    pub last_hash: [u8; 32],
    /// The first break in the records and the hash chain.
    pub first_break: Option<ChainBreak>,
    /// How many events the head witness vouches for, when the log has one.
    pub witnessed: Option<u64>,
    /// Everything found wrong, records and indexes alike, up to `MAX_REPORTED_PROBLEMS`.
    pub problems: Vec<Problem>,
    pub problems_total: u64,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none() && self.problems_total == 0
    }

    /// Marks a report made from the salvage view of a log whose strict open failed: the log is not intact, and
    /// the refusal is the first thing the operator reads.
    pub fn refuse_open(&mut self, detail: String) {
        self.problems.insert(
            0,
            Problem {
                kind: BreakKind::Unreadable,
                column_family: "wal",
                positions: None,
                stream: None,
                detail: format!(
                    "the write-ahead log is damaged, so the log does not open; this report covers what is \
                     readable up to the damage: {detail}"
                ),
            },
        );
        self.problems.truncate(MAX_REPORTED_PROBLEMS);
        self.problems_total += 1;
    }

    pub fn last_hash_hex(&self) -> String {
        hex::encode(self.last_hash)
    }
}

/// Collects problems while the checks run.
pub struct Findings {
    pub problems: Vec<Problem>,
    pub total: u64,
}

impl Findings {
    pub fn add(
        &mut self,
        kind: BreakKind,
        column_family: &'static str,
        positions: Option<(u64, u64)>,
        stream: Option<&str>,
        detail: String,
    ) {
        self.total += 1;
        if self.problems.len() < MAX_REPORTED_PROBLEMS {
            self.problems.push(Problem {
                kind,
                column_family,
                positions,
                stream: stream.map(str::to_string),
                detail,
            });
        }
    }

    fn at(&mut self, kind: BreakKind, position: u64, detail: String) {
        self.add(
            kind,
            keys::CF_EVENTS,
            Some((position, position)),
            None,
            detail,
        );
    }
}

/// What the walk over the records learned: the verified prefix and where the records end.
struct Walk {
    /// Records verified from position 0 before the first break.
    prefix: u64,
    prefix_hash: [u8; 32],
    first_break: Option<ChainBreak>,
    /// One past the highest position with a record (readable or not).
    end: u64,
    /// The hash of the record at `end - 1`, when it was readable.
    end_hash: Option<[u8; 32]>,
}

/// Verifies the log as of one snapshot; `witnessed` is the head witness, read before the snapshot was taken so
/// that a live writer can only have moved the log past it.
pub fn verify(store: &Store, witnessed: Option<Head>) -> Result<VerifyReport, LogError> {
    let snapshot = store.db.snapshot();
    let mut findings = Findings {
        problems: Vec::new(),
        total: 0,
    };
    let head = read_head(store, &snapshot, &mut findings)?;
    let walk = walk_records(
        store,
        &snapshot,
        head.map_or(0, |h| h.next_position),
        &mut findings,
    )?;
    if let Some(head) = head {
        check_head(&walk, &head, &mut findings);
    }
    if let Some(witnessed) = witnessed {
        check_witness(store, &snapshot, &walk, &witnessed, &mut findings)?;
    }
    verify_index::check_indexes(store, &snapshot, &mut findings)?;
    Ok(VerifyReport {
        events_checked: walk.prefix,
        last_hash: walk.prefix_hash,
        first_break: walk.first_break,
        witnessed: witnessed.map(|w| w.next_position),
        problems: findings.problems,
        problems_total: findings.total,
    })
}

fn read_head(
    store: &Store,
    snapshot: &Snapshot<'_>,
    findings: &mut Findings,
) -> Result<Option<Head>, LogError> {
    let value = match snapshot.get_cf(store.cf(keys::CF_META), keys::META_HEAD) {
        Ok(value) => value,
        Err(error) => {
            let detail = format!("head marker is unreadable: {error}");
            findings.add(BreakKind::Unreadable, keys::CF_META, None, None, detail);
            return Ok(None);
        }
    };
    match value.map(|value| Head::decode(&value)) {
        None => Ok(Some(Head::EMPTY)),
        Some(Some(head)) => Ok(Some(head)),
        Some(None) => {
            let detail = "head marker is malformed".to_string();
            findings.add(BreakKind::Head, keys::CF_META, None, None, detail);
            Ok(None)
        }
    }
}

/// Walks every record in position order. An unreadable stretch (a damaged table block) is probed position by
/// position up to `head_next`, reported as the positions it held, and the walk resumes after it.
fn walk_records(
    store: &Store,
    snapshot: &Snapshot<'_>,
    head_next: u64,
    findings: &mut Findings,
) -> Result<Walk, LogError> {
    let mut walk = Walk {
        prefix: 0,
        prefix_hash: GENESIS_HASH,
        first_break: None,
        end: 0,
        end_hash: None,
    };
    let mut expected = 0u64;
    let mut prev_hash = Some(GENESIS_HASH);
    'resume: loop {
        let start = keys::position_key(expected);
        let mode = IteratorMode::From(&start, ScanDirection::Forward);
        for item in snapshot.iterator_cf(store.cf(keys::CF_EVENTS), mode) {
            let (key, record) = match item {
                Ok(item) => item,
                Err(error) => {
                    let resume = skip_unreadable(store, snapshot, expected, head_next);
                    let detail = format!("records are unreadable: {error}");
                    findings.add(
                        BreakKind::Unreadable,
                        keys::CF_EVENTS,
                        Some((expected, resume - 1)),
                        None,
                        detail.clone(),
                    );
                    walk.note_break(expected, BreakKind::Unreadable, detail);
                    walk.end = resume;
                    walk.end_hash = None;
                    (expected, prev_hash) = (resume, None);
                    if resume >= head_next {
                        break 'resume;
                    }
                    continue 'resume;
                }
            };
            let Some(position) = keys::decode_u64(&key).filter(|_| key.len() == 8) else {
                let detail = format!("malformed event key {key:?} after position {expected}");
                findings.at(BreakKind::Position, expected, detail.clone());
                walk.note_break(expected, BreakKind::Position, detail);
                continue;
            };
            if position != expected {
                let detail = format!(
                    "records of positions {expected}..={} are missing",
                    position - 1
                );
                findings.add(
                    BreakKind::Position,
                    keys::CF_EVENTS,
                    Some((expected, position - 1)),
                    None,
                    detail.clone(),
                );
                walk.note_break(expected, BreakKind::Position, detail);
                prev_hash = None;
            }
            prev_hash = check_record(
                store, snapshot, position, &record, prev_hash, findings, &mut walk,
            )?;
            expected = position + 1;
            walk.end = expected;
            walk.end_hash = prev_hash;
        }
        break;
    }
    Ok(walk)
}

impl Walk {
    fn note_break(&mut self, position: u64, kind: BreakKind, detail: String) {
        if self.first_break.is_none() {
            self.first_break = Some(ChainBreak {
                position,
                kind,
                detail,
            });
        }
    }
}

/// The first readable position at or after `from` (or `head_next` if none is), found by point reads, which
/// fail only for the damaged block's own keys.
fn skip_unreadable(store: &Store, snapshot: &Snapshot<'_>, from: u64, head_next: u64) -> u64 {
    let events = store.cf(keys::CF_EVENTS);
    (from + 1..head_next.max(from + 1))
        .find(|position| {
            snapshot
                .get_cf(events, keys::position_key(*position))
                .is_ok()
        })
        .unwrap_or(head_next.max(from + 1))
}

/// Checks one record: crc, hash chain (when the previous record was readable), body; then its index entries.
/// Returns its hash for the next record's chain check, `None` when it cannot be trusted.
fn check_record(
    store: &Store,
    snapshot: &Snapshot<'_>,
    position: u64,
    record: &[u8],
    prev_hash: Option<[u8; 32]>,
    findings: &mut Findings,
    walk: &mut Walk,
) -> Result<Option<[u8; 32]>, LogError> {
    let unsealed = match chain::unseal(record) {
        Ok(unsealed) => unsealed,
        Err(kind) => {
            let detail = "crc32 does not match".to_string();
            findings.at(kind, position, detail.clone());
            walk.note_break(position, kind, detail);
            return Ok(None);
        }
    };
    let hash = unsealed.hash;
    if let Some(prev_hash) = prev_hash
        && !chain::follows(&prev_hash, &unsealed)
    {
        let detail = "hash does not follow from the previous hash and this body".to_string();
        findings.at(BreakKind::HashChain, position, detail.clone());
        walk.note_break(position, BreakKind::HashChain, detail);
    }
    match chain::decode_record(position, record) {
        Ok(event) => verify_index::check_event(store, snapshot, &event, findings)?,
        Err(error) => {
            findings.at(BreakKind::Decode, position, error.to_string());
            walk.note_break(position, BreakKind::Decode, error.to_string());
        }
    }
    if walk.first_break.is_none() {
        walk.prefix = position + 1;
        walk.prefix_hash = hash;
    }
    Ok(Some(hash))
}

/// Records past the marker, or a marker past the records: either way something was added or removed.
fn check_head(walk: &Walk, head: &Head, findings: &mut Findings) {
    if walk.end != head.next_position {
        let detail = format!(
            "head marker counts {} events, records end at {}",
            head.next_position, walk.end
        );
        let first = walk.end.min(head.next_position);
        let last = walk.end.max(head.next_position).saturating_sub(1);
        findings.add(
            BreakKind::Head,
            keys::CF_META,
            Some((first, last)),
            None,
            detail,
        );
    } else if walk.end_hash.is_some_and(|hash| hash != head.last_hash) {
        let position = walk.end.saturating_sub(1);
        let detail = "head marker's hash differs from the last record's".to_string();
        findings.add(
            BreakKind::Head,
            keys::CF_META,
            Some((position, position)),
            None,
            detail,
        );
    }
}

/// The log must reach the witnessed head and hold the witnessed hash there.
fn check_witness(
    store: &Store,
    snapshot: &Snapshot<'_>,
    walk: &Walk,
    witnessed: &Head,
    findings: &mut Findings,
) -> Result<(), LogError> {
    let Some(last) = witnessed.next_position.checked_sub(1) else {
        return Ok(());
    };
    if walk.end < witnessed.next_position {
        let detail = format!(
            "the head witness records {} committed events but the records end at {}: positions {}..={last} \
             are missing",
            witnessed.next_position, walk.end, walk.end
        );
        findings.add(
            BreakKind::Witness,
            "witness",
            Some((walk.end, last)),
            None,
            detail,
        );
        return Ok(());
    }
    let record = snapshot.get_cf(store.cf(keys::CF_EVENTS), keys::position_key(last));
    let hash = match record {
        Ok(Some(record)) => chain::unseal(&record).ok().map(|unsealed| unsealed.hash),
        _ => None, // missing or unreadable: already reported by the walk
    };
    if hash.is_some_and(|hash| hash != witnessed.last_hash) {
        let detail =
            "the witnessed record has another hash: the log was rewritten or replaced".to_string();
        findings.add(
            BreakKind::Witness,
            "witness",
            Some((last, last)),
            None,
            detail,
        );
    }
    Ok(())
}
