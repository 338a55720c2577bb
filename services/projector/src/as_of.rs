//! Reports as of a past log position or instant, or as of a business date. A position the store has folded is
//! answered from its ranges (`as_of_view.rs`); [`fold_to`] folds the log up to a position into a `MemoryKv` by
//! the same fold the projector commits to RocksDB, for a position beyond the store's checkpoint; [`fold_dated`]
//! folds, the same way, only the events dated on or before a business date; [`fold_cases`] folds only the
//! streams of the cases a query asks about (the work figures of one agency).

use casetrack_domain::calendar::{CALENDAR_STREAM, MAX_ARRANGEMENTS};
use casetrack_domain::time::local_date;
use casetrack_domain::tracking::locate_number;
use casetrack_domain::{CaseId, MAX_CASE_EVENTS, stream_name};
use casetrack_eventlog::RecordedEvent;
use casetrack_reporting::PublishedReport;
use chrono::{DateTime, NaiveDate, Utc};

use crate::case::{Fact, StoredCase};
use crate::case_cache::CaseCache;
use crate::error::ProjectorError;
use crate::fold::{FOLD_BATCH, decode_recorded, fold_batch};
use crate::kv::{KvRead, MemoryKv};
use crate::model::{ReadModel, state_key};
use crate::reader::LogReader;

/// The point in the log a report is computed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// Everything the projector has folded.
    Latest,
    /// The first `n` events of the log (positions `0..n`): the position the fold has reached.
    Position(u64),
    /// Every event recorded at or before this instant.
    Time(DateTime<Utc>),
    /// The record as its facts date it: every case event whose business date (its `occurred_at`, in China) is
    /// on or before `on`, whatever its log position, among the first `upto` events of the log (`None`: every
    /// event the log holds when the report is computed). Records that date no fact of a case — tracking
    /// numbers, holiday arrangements — count whatever their position.
    Date { on: NaiveDate, upto: Option<u64> },
}

impl AsOf {
    /// The point `published` was computed at: its log position, and its business date when it has one.
    pub fn of_published(published: &PublishedReport) -> AsOf {
        let upto = published.as_of_position;
        match published.as_of_date {
            Some(on) => AsOf::Date {
                on,
                upto: Some(upto),
            },
            None => AsOf::Position(upto),
        }
    }
}

/// The position reached by folding every event recorded at or before `at`.
pub fn position_at_time(log: &dyn LogReader, at: DateTime<Utc>) -> Result<u64, ProjectorError> {
    let head = log.next_position()?;
    let mut from = 0;
    while from < head {
        let events = log.read_all(from, FOLD_BATCH)?;
        let Some(last) = events.last() else { break };
        // The one writer stamps events in position order, so the as-of prefix ends at the first event stamped
        // after `at` (should the wall clock ever step back, later events stay out too: a prefix is what folds).
        if let Some(later) = events.iter().find(|e| e.recorded_at > at) {
            return Ok(later.position);
        }
        from = last.position + 1;
    }
    Ok(from)
}

/// One read model as of position `upto` (events `0..upto`), in memory.
pub fn fold_to(
    log: &dyn LogReader,
    model: ReadModel,
    upto: u64,
) -> Result<MemoryKv, ProjectorError> {
    fold_where(log, model, upto, |_| true)
}

/// One read model over the events `0..upto` (`None`: every event the log holds now) whose business date is on
/// or before `on` (see [`AsOf::Date`]), in memory, with the position it reflects. The domain refuses a case
/// event dated before the case's earlier events, so what is kept of each case is a prefix of its stream, which
/// its fold accepts.
pub fn fold_dated(
    log: &dyn LogReader,
    model: ReadModel,
    on: NaiveDate,
    upto: Option<u64>,
) -> Result<(MemoryKv, u64), ProjectorError> {
    let upto = match upto {
        Some(upto) => upto,
        None => log.next_position()?,
    };
    let kv = fold_where(log, model, upto, |recorded| {
        dated_on_or_before(recorded, on)
    })?;
    Ok((kv, upto))
}

/// Whether `recorded` is in the record as of business date `on`: a case event by the China date of its
/// `occurred_at`; anything else (tracking numbers, arrangements, an event the fold will skip as undecodable)
/// whatever its date, so that it folds as it does in the latest report.
fn dated_on_or_before(recorded: &RecordedEvent, on: NaiveDate) -> bool {
    match decode_recorded(recorded) {
        Ok(Some(Fact::Case(event))) => local_date(event.occurred_at) <= on,
        Ok(Some(Fact::TrackingNumber { .. } | Fact::Arrangement { .. }) | None) | Err(_) => true,
    }
}

/// One read model over the events `0..upto` that `keep` keeps, folded in memory by [`fold_batch`]: each run of
/// consecutive kept positions is one batch, since a batch is gapless.
fn fold_where(
    log: &dyn LogReader,
    model: ReadModel,
    upto: u64,
    keep: impl Fn(&RecordedEvent) -> bool,
) -> Result<MemoryKv, ProjectorError> {
    within_head(log, upto)?;
    let mut kv = MemoryKv::default();
    let mut cache = CaseCache::default();
    let mut from = 0;
    while from < upto {
        let events = log.read_all(from, FOLD_BATCH.min((upto - from) as usize))?;
        let Some(last) = events.last() else { break };
        let next = last.position + 1;
        let kept: Vec<RecordedEvent> = events.into_iter().filter(|e| keep(e)).collect();
        fold_runs(&mut kv, &mut cache, model, &kept)?;
        from = next;
    }
    Ok(kv)
}

/// Refuses a position beyond the log's head: nothing has happened there yet.
fn within_head(log: &dyn LogReader, upto: u64) -> Result<(), ProjectorError> {
    let head = log.next_position()?;
    if upto > head {
        return Err(ProjectorError::AsOfBeyondHead {
            requested: upto,
            head,
        });
    }
    Ok(())
}

/// Folds `events` (in position order, gaps allowed) into `kv` for `model`: each run of consecutive positions
/// is one batch, since a batch is gapless.
fn fold_runs(
    kv: &mut MemoryKv,
    cache: &mut CaseCache,
    model: ReadModel,
    events: &[RecordedEvent],
) -> Result<(), ProjectorError> {
    for run in events.chunk_by(|a, b| a.position + 1 == b.position) {
        let folded = fold_batch(kv, cache, &[(model, run[0].position)], run)?;
        kv.apply(folded.writes);
        cache.absorb(folded.cases);
    }
    Ok(())
}

/// `model` as of position `upto` — and, given `on`, as of that business date too — folded in memory from
/// the streams of `cases` alone, with the holiday arrangements: what [`fold_to`] (or [`fold_dated`]) would
/// hold of those cases, reading a few events per case instead of the whole log. Right because a case's state
/// is a fold of its own stream and its tracking record (which `latest`, the store's state of it, locates),
/// and an arrangement is kept whatever came before it; the other cases are not there, so only a query about
/// these cases may read the result.
pub fn fold_cases(
    log: &dyn LogReader,
    latest: &dyn KvRead,
    model: ReadModel,
    cases: &[CaseId],
    (upto, on): (u64, Option<NaiveDate>),
) -> Result<MemoryKv, ProjectorError> {
    within_head(log, upto)?;
    let before = |events: Vec<RecordedEvent>| -> Vec<RecordedEvent> {
        events
            .into_iter()
            .filter(|e| e.position < upto && on.is_none_or(|on| dated_on_or_before(e, on)))
            .collect()
    };
    let mut kv = MemoryKv::default();
    let mut cache = CaseCache::default();
    let arrangements = log.read_stream_to_end(CALENDAR_STREAM, MAX_ARRANGEMENTS)?;
    fold_runs(&mut kv, &mut cache, model, &before(arrangements))?;
    for &case_id in cases {
        let key = state_key(model, case_id);
        let stored = StoredCase::read(latest, &key)?.ok_or_else(|| ProjectorError::Corrupt {
            key: String::from_utf8_lossy(&key).into_owned(),
            reason: "a filed case has no state".into(),
        })?;
        let mut events =
            log.read_stream_to_end(&stream_name(stored.kind, case_id), MAX_CASE_EVENTS)?;
        if let Some((counter, revision)) = stored.tracking_number.as_deref().and_then(locate_number)
        {
            events.extend(log.read_stream(&counter, revision, 1)?);
        }
        let mut events = before(events);
        events.sort_by_key(|e| e.position);
        fold_runs(&mut kv, &mut cache, model, &events)?;
    }
    Ok(kv)
}
