//! The calendar in force, as the queue model folds it: every loaded holiday arrangement (the calendar stream of
//! the log) is kept with its log position, so the deadlines shown are computed under the calendar of that point
//! in the log; and when an arrangement arrives, the open deadlines it moves are recorded (case, old date, new
//! date, the notice) in the same batch.

use casetrack_domain::calendar::Arrangement;
use casetrack_domain::deadline::Clocks;
use casetrack_domain::{AgencyId, Calendar, CaseId, CaseKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::StoredCase;
use crate::error::ProjectorError;
use crate::keys::{key, prefix};
use crate::kv::{KvRead, Overlay};
use crate::model::{ReadModel, parse_json, write_json};
use crate::summary::CaseSummary;

/// Most moved deadlines one query returns; more is an error the caller sees.
pub const MAX_MOVED_ENTRIES: usize = 100_000;

/// An open deadline that a newly loaded arrangement moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedDeadline {
    pub case_id: CaseId,
    pub kind: CaseKind,
    pub tracking_number: String,
    pub agency: Option<AgencyId>,
    /// `None`: no deadline could be computed before (e.g. the year was not covered).
    pub old: Option<NaiveDate>,
    pub new: Option<NaiveDate>,
    /// Why: the notice of the arrangement, and the log position it was loaded at.
    pub notice: String,
    pub position: u64,
}

fn arrangement_key(model: ReadModel, position: u64) -> Vec<u8> {
    // Zero-padded so that key order is log order.
    key(&[model.name(), "cal", &format!("{position:020}")])
}

/// The clocks in force in `kv`: `base` (the embedded calendar and the configured clock rules) amended by every
/// arrangement the queue model has folded, in log order.
pub fn clocks_in(kv: &dyn KvRead, base: &Clocks) -> Result<Clocks, ProjectorError> {
    model_clocks(kv, ReadModel::Queues, base)
}

/// The clocks in force in `kv` by the arrangements `model` has kept (`keep_arrangement`).
pub fn model_clocks(
    kv: &dyn KvRead,
    model: ReadModel,
    base: &Clocks,
) -> Result<Clocks, ProjectorError> {
    let stored = kv.scan_prefix(&prefix(&[model.name(), "cal"]))?;
    let mut arrangements = Vec::with_capacity(stored.len());
    for (k, v) in &stored {
        let (position, arrangement): (u64, Arrangement) = parse_json(k, v)?;
        arrangements.push((position, arrangement));
    }
    let calendar = base
        .calendar
        .with_arrangements(arrangements.iter().map(|(p, a)| (*p, a)))
        .map_err(|source| ProjectorError::Calendar { source })?;
    Ok(Clocks {
        calendar,
        rules: base.rules.clone(),
    })
}

/// Folds one loaded arrangement: keeps it, and records every open case whose deadline it moves.
pub fn apply_arrangement(
    kv: &mut Overlay<'_>,
    position: u64,
    arrangement: &Arrangement,
) -> Result<(), ProjectorError> {
    let base = Clocks::new(embedded()?);
    let before = clocks_in(kv, &base)?;
    keep_arrangement(kv, ReadModel::Queues, position, arrangement);
    let after = clocks_in(kv, &base)?;
    for (k, v) in kv.scan_prefix(&prefix(&["queues", "s"]))? {
        let case = StoredCase::decode(&k, &v)?;
        let summary = CaseSummary::of(&case);
        if !summary.is_open() {
            continue;
        }
        // A deadline that cannot be computed under one calendar counts as none there: the arrangement that
        // makes it computable "moves" it from nothing to a date, which is worth telling.
        let due = |clocks: &Clocks| {
            case.state
                .pending_deadline(clocks)
                .ok()
                .flatten()
                .map(|d| d.due)
        };
        let (old, new) = (due(&before), due(&after));
        if old == new {
            continue;
        }
        let moved = MovedDeadline {
            case_id: case.case_id,
            kind: case.kind,
            tracking_number: summary.tracking_number,
            agency: summary.agency,
            old,
            new,
            notice: arrangement.notice.clone(),
            position,
        };
        let moved_key = key(&[
            "queues",
            "moved",
            &format!("{position:020}"),
            &case.case_id.to_string(),
        ]);
        write_json(kv, moved_key, &moved);
    }
    Ok(())
}

/// Keeps one loaded arrangement in `model`, at its log position, for [`model_clocks`].
pub fn keep_arrangement(
    kv: &mut Overlay<'_>,
    model: ReadModel,
    position: u64,
    arrangement: &Arrangement,
) {
    write_json(
        kv,
        arrangement_key(model, position),
        &(position, arrangement),
    );
}

/// The deadlines moved by loaded arrangements, in log order; only `agency`'s when given.
pub fn moved_deadlines(
    kv: &dyn KvRead,
    agency: Option<&AgencyId>,
) -> Result<Vec<MovedDeadline>, ProjectorError> {
    let stored = kv.scan_prefix(&prefix(&["queues", "moved"]))?;
    let mut out = Vec::new();
    for (k, v) in stored {
        let moved: MovedDeadline = parse_json(&k, &v)?;
        let inside =
            agency.is_none_or(|root| moved.agency.as_ref().is_some_and(|a| a.is_within(root)));
        if inside {
            out.push(moved);
        }
        if out.len() > MAX_MOVED_ENTRIES {
            return Err(ProjectorError::TooMany {
                what: "moved deadlines",
                limit: MAX_MOVED_ENTRIES,
                actual: out.len(),
            });
        }
    }
    Ok(out)
}

/// The calendar compiled into the domain: what every arrangement in the log amends.
fn embedded() -> Result<Calendar, ProjectorError> {
    Calendar::embedded().map_err(|source| ProjectorError::Calendar { source })
}
