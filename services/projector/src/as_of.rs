//! Reports as of a past log position or instant, or as of a business date. A position the store has folded is
//! answered from its ranges (`as_of_view.rs`); [`fold_to`] folds the log up to a position into a `MemoryKv` by
//! the same fold the projector commits to RocksDB, for a position beyond the store's checkpoint; [`fold_dated`]
//! folds, the same way, only the events dated on or before a business date.

use casetrack_domain::time::local_date;
use casetrack_eventlog::RecordedEvent;
use casetrack_reporting::PublishedReport;
use chrono::{DateTime, NaiveDate, Utc};

use crate::case::Fact;
use crate::case_cache::CaseCache;
use crate::error::ProjectorError;
use crate::fold::{FOLD_BATCH, decode_recorded, fold_batch};
use crate::kv::MemoryKv;
use crate::model::ReadModel;
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
    let head = log.next_position()?;
    if upto > head {
        return Err(ProjectorError::AsOfBeyondHead {
            requested: upto,
            head,
        });
    }
    let mut kv = MemoryKv::default();
    let mut cache = CaseCache::default();
    let mut from = 0;
    while from < upto {
        let events = log.read_all(from, FOLD_BATCH.min((upto - from) as usize))?;
        let Some(last) = events.last() else { break };
        let next = last.position + 1;
        let kept: Vec<RecordedEvent> = events.into_iter().filter(|e| keep(e)).collect();
        for run in kept.chunk_by(|a, b| a.position + 1 == b.position) {
            let folded = fold_batch(&kv, &cache, &[(model, run[0].position)], run)?;
            kv.apply(folded.writes);
            cache.absorb(folded.cases);
        }
        from = next;
    }
    Ok(kv)
}
