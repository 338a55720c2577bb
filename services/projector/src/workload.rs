//! The workload model: the cases behind the year-end figures of hotline, proposal and petition work
//! (hotline-report.md), indexed by agency. The fold keeps each case of a kind that can count in them
//! (`ReadModel::follows`: not applications nor challenges) and files it under its agency; a figure is counted
//! when asked, for any year or month, by the domain's `Case::workload` (its dated facts, deadlines under the
//! calendar in force at the model's position) and `work_cells::cells_of`. Figures and drill-down lists are the same computation, so they cannot disagree.

use std::collections::BTreeMap;

use casetrack_domain::CaseId;
use casetrack_domain::deadline::Clocks;
use casetrack_domain::workload::Work;
use casetrack_reporting::is_work_cell;

use crate::agency::validate_agency;
use crate::annual::{AgencyScope, DrillDownEntry};
use crate::calendar::model_clocks;
use crate::case::StoredCase;
use crate::error::ProjectorError;
use crate::keys::{key, prefix, suffix_parts};
use crate::kv::{KvRead, Overlay};
use crate::model::{ReadModel, state_key};
use crate::summary::CaseSummary;
use crate::work_cells::{Period, cells_of};
use crate::work_rules::WorkRules;

/// How the workload model files a case; a store filed otherwise is rebuilt on open.
pub const WORKLOAD_SCHEMA: &str =
    "workload/2 (the kinds that count in the work figures, by agency; figures counted when asked)";

/// Most cases of one agency (with its subtree) one query looks through; more is an error the caller sees.
pub const MAX_WORK_CASES: usize = 1_000_000;

/// One case behind the work figures: its summary (for the drill-down) and its dated facts.
struct WorkCase {
    summary: CaseSummary,
    work: Work,
}

/// The figures of one query: every cell code a case counts in, with its figure. A cell no case counts in is
/// absent (its figure is 0).
pub type WorkFigures = BTreeMap<String, u64>;

/// Files a case under its agency, once it has one.
pub fn index_work(kv: &mut Overlay<'_>, case: &CaseSummary) {
    if let Some(agency) = &case.agency {
        kv.put(
            key(&["workload", "i", agency.as_str(), &case.case_id.to_string()]),
            Vec::new(),
        );
    }
}

/// The figures of `agency` (with its subtree for `AgencyScope::Tree`) in `period`.
pub fn work_figures(
    kv: &dyn KvRead,
    base: &Clocks,
    (agency, scope): (&str, AgencyScope),
    period: &Period,
    rules: &WorkRules,
) -> Result<WorkFigures, ProjectorError> {
    let mut figures = WorkFigures::new();
    for case in work_cases(kv, base, agency, scope)? {
        for (cell, weight) in cells_of(&case.work, period, rules) {
            let figure = figures.entry(cell).or_default();
            *figure = figure.saturating_add(weight);
        }
    }
    Ok(figures)
}

/// The cases behind `cell` of `agency`'s figures in `period`, each with its weight.
pub fn work_drill_down(
    kv: &dyn KvRead,
    base: &Clocks,
    (agency, scope): (&str, AgencyScope),
    period: &Period,
    rules: &WorkRules,
    cell: &str,
) -> Result<Vec<DrillDownEntry>, ProjectorError> {
    known_cell(cell)?;
    let mut out = Vec::new();
    for case in work_cases(kv, base, agency, scope)? {
        let weight: u64 = cells_of(&case.work, period, rules)
            .into_iter()
            .filter(|(c, _)| c == cell)
            .map(|(_, w)| w)
            .sum();
        if weight > 0 {
            out.push(entry(case.summary, cell, weight)?);
        }
    }
    Ok(out)
}

fn known_cell(code: &str) -> Result<(), ProjectorError> {
    if is_work_cell(code) {
        Ok(())
    } else {
        Err(ProjectorError::UnknownCell {
            code: code.to_owned(),
            format: "work figures",
        })
    }
}

fn entry(summary: CaseSummary, cell: &str, weight: u64) -> Result<DrillDownEntry, ProjectorError> {
    let agency = summary.agency.ok_or_else(|| ProjectorError::Corrupt {
        key: summary.case_id.to_string(),
        reason: "a case filed under an agency has none".into(),
    })?;
    Ok(DrillDownEntry {
        case_id: summary.case_id,
        tracking_number: summary.tracking_number,
        kind: summary.kind,
        agency,
        cell: cell.to_owned(),
        applicant_type: summary.applicant_type,
        received_on: summary.received_on,
        decided_on: summary.decided_on,
        outcome: summary.outcome,
        weight,
    })
}

/// The cases of `agency` (and below it, for a tree) that count in the work figures, with their facts under
/// the calendar the model has folded.
fn work_cases(
    kv: &dyn KvRead,
    base: &Clocks,
    agency: &str,
    scope: AgencyScope,
) -> Result<Vec<WorkCase>, ProjectorError> {
    let clocks = model_clocks(kv, ReadModel::Workload, base)?;
    let mut out = Vec::new();
    for case_id in filed_cases(kv, agency, scope)? {
        let state_key = state_key(ReadModel::Workload, case_id);
        let stored = StoredCase::read(kv, &state_key)?
            .ok_or_else(|| corrupt(&state_key, "a filed case has no state"))?;
        if let Some(work) = stored.state.workload(&clocks) {
            out.push(WorkCase {
                summary: CaseSummary::of(&stored),
                work,
            });
        }
    }
    Ok(out)
}

/// The cases filed under `agency` (and below it, for a tree), at most [`MAX_WORK_CASES`]. A case is filed
/// under its agency at its first event that names one and never unfiled (a case's agency does not change), so
/// the cases filed as of any earlier position are among those filed now.
pub fn filed_cases(
    kv: &dyn KvRead,
    agency: &str,
    scope: AgencyScope,
) -> Result<Vec<CaseId>, ProjectorError> {
    validate_agency(agency)?;
    let index = prefix(&["workload", "i"]);
    let mut filed = kv.scan_prefix(&prefix(&["workload", "i", agency]))?;
    if scope == AgencyScope::Tree {
        filed.extend(kv.scan_prefix(&key(&["workload", "i", &format!("{agency}/")]))?);
    }
    if filed.len() > MAX_WORK_CASES {
        return Err(ProjectorError::TooMany {
            what: "work figures' cases",
            limit: MAX_WORK_CASES,
            actual: filed.len(),
        });
    }
    filed
        .iter()
        .map(|(k, _)| {
            suffix_parts(k, index.len())
                .get(1)
                .and_then(|id| uuid::Uuid::parse_str(id).ok().map(CaseId))
                .ok_or_else(|| corrupt(k, "no case id"))
        })
        .collect()
}

fn corrupt(key: &[u8], reason: &str) -> ProjectorError {
    ProjectorError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: reason.to_owned(),
    }
}
