//! Queries on the annual model: a report's base cells, an agency's roll-up, the drill-down behind any cell,
//! and a generated report whose failed identities list the cases involved. Runs over any [`KvRead`]: the
//! projection store or an as-of fold in memory.

use std::collections::BTreeSet;

use casetrack_domain::{AgencyId, ApplicantType, CaseId, CaseKind};
use casetrack_reporting::{
    CellSpec, FIRST_REPORT_YEAR, IdentityFailure, LAST_REPORT_YEAR, PublishedReport, Report,
    ReportBuilder, ReportFormat, ReportStatus, ReportingError, RowKind, Unit, cells, layout,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::agency::{is_within, validate_agency};
use crate::error::ProjectorError;
use crate::fees::{information_fees, is_fee_cell};
use crate::keys::{decode_u64, parse_case_id, parse_year, prefix, suffix_parts};
use crate::kv::KvRead;
use crate::membership::RULES_VERSION;
use crate::model::{ReadModel, parse_json};
use crate::ranges::{CaseCard, cards_of, decode_pair};
use crate::skipped::{SkippedEvent, skipped_events};
use crate::tree_sums::{OWN_SUMS, SumTags, TREE_SUMS};

/// Most cases one drill-down returns; a bigger cell is an error the caller sees, not a truncated list.
pub const MAX_DRILL_DOWN: usize = 200_000;

/// Which agencies a report or drill-down covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgencyScope {
    /// Only cases of this agency itself.
    #[default]
    Own,
    /// The agency and every agency below it: the roll-up of their reports.
    Tree,
}

impl AgencyScope {
    pub fn name(self) -> &'static str {
        match self {
            AgencyScope::Own => "own",
            AgencyScope::Tree => "tree",
        }
    }

    pub fn from_name(name: &str) -> Option<AgencyScope> {
        [AgencyScope::Own, AgencyScope::Tree]
            .into_iter()
            .find(|s| s.name() == name)
    }
}

/// One case behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillDownEntry {
    pub case_id: CaseId,
    pub tracking_number: String,
    pub kind: CaseKind,
    pub agency: AgencyId,
    /// The base cell the case counts in (a derived cell lists the cases of its parts).
    pub cell: String,
    pub applicant_type: Option<ApplicantType>,
    pub received_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub outcome: Option<String>,
    /// What the case adds to the figure: 1, or the amount of a counted record (fen for money).
    pub weight: u64,
}

/// An identity that failed, with the cases behind every cell it involves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProblem {
    pub failure: IdentityFailure,
    pub cases: Vec<DrillDownEntry>,
}

/// A report as generated: sealed (status, position, rules version, hash) and, when not final, the problems
/// and the events it could not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedReport {
    pub published: PublishedReport,
    pub problems: Vec<IdentityProblem>,
    /// Events before the report's position that the annual model skipped and that this report could count.
    pub skipped: Vec<SkippedEvent>,
}

/// The format of data year `year` (reporting decides); a year no format covers is refused.
pub fn format_of(year: i32) -> Result<ReportFormat, ProjectorError> {
    if !(FIRST_REPORT_YEAR..=LAST_REPORT_YEAR).contains(&year) {
        return Err(ReportingError::YearOutOfRange { year }.into());
    }
    Ok(ReportFormat::for_year(year))
}

/// The agencies `scope` covers below `root` that have any annual figure (always including `root`).
pub fn agencies_in(
    kv: &dyn KvRead,
    root: &str,
    scope: AgencyScope,
) -> Result<Vec<String>, ProjectorError> {
    validate_agency(root)?;
    let mut out = BTreeSet::from([root.to_string()]);
    if scope == AgencyScope::Tree {
        out.extend(
            seen_agencies(kv)?
                .into_iter()
                .filter(|agency| is_within(agency, root)),
        );
    }
    Ok(out.into_iter().collect())
}

/// Every agency the annual model has counted a case of, by id.
pub fn seen_agencies(kv: &dyn KvRead) -> Result<Vec<String>, ProjectorError> {
    let registry = prefix(&["annual", "a"]);
    Ok(kv
        .scan_prefix(&registry)?
        .into_iter()
        .map(|(k, _)| String::from_utf8_lossy(&k[registry.len()..]).into_owned())
        .collect())
}

fn spec_of(format: ReportFormat, code: &str) -> Option<&'static CellSpec> {
    cells(format).iter().find(|c| c.code == code)
}

/// Whether anything of the agencies `scope` covers counts in `year` itself: a case received, decided or
/// challenged, a record of the year. Cases of earlier years merely still open (结转) do not count.
pub fn counts_in_year(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
) -> Result<bool, ProjectorError> {
    let counts = |tags: SumTags, member: &str| -> Result<bool, ProjectorError> {
        let fixed = prefix(&["annual", tags.year, member, &year.to_string()]);
        for (k, v) in kv.scan_prefix(&fixed)? {
            if decode_u64(&k, &v)? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    };
    if scope == AgencyScope::Tree && kv.keeps_tree_sums() {
        validate_agency(agency)?;
        return counts(TREE_SUMS, agency);
    }
    for member in agencies_in(kv, agency, scope)? {
        if counts(OWN_SUMS, &member)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The report of `agency` alone for `year`: its base cells as the annual model holds them.
pub fn agency_report(kv: &dyn KvRead, agency: &str, year: i32) -> Result<Report, ProjectorError> {
    sums_report(kv, agency, year, OWN_SUMS)
}

/// The report of `agency` for `year` from the cell sums under `tags`: its own, or its subtree's.
fn sums_report(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    tags: SumTags,
) -> Result<Report, ProjectorError> {
    let format = format_of(year)?;
    validate_agency(agency)?;
    let mut builder = ReportBuilder::new(agency, year)?;
    sums_under(kv, agency, year, tags, &mut |cell, amount| {
        // Part 六's fees are kept beside the cells (fees.rs); no table prints them.
        if is_fee_cell(cell) {
            return Ok(());
        }
        let spec = spec_of(format, cell).ok_or_else(|| ProjectorError::UnknownCell {
            code: cell.to_string(),
            format: format.code(),
        })?;
        match spec.unit {
            Unit::Money => builder.add_money(cell, casetrack_reporting::Fen(amount))?,
            Unit::Count | Unit::Change => builder.add(cell, amount)?,
        };
        Ok(())
    })?;
    Ok(builder.build()?)
}

/// A receiver of cell sums: the cell's code and its sum.
pub(crate) type AddSum<'a> = dyn FnMut(&str, u64) -> Result<(), ProjectorError> + 'a;

/// Calls `add` with every cell sum of `year` kept under `tags` for `agency`, the open sums of the years up to
/// it included.
fn sums_under(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    tags: SumTags,
    add: &mut AddSum<'_>,
) -> Result<(), ProjectorError> {
    let fixed = prefix(&["annual", tags.year, agency, &year.to_string()]);
    for (k, v) in kv.scan_prefix(&fixed)? {
        let parts = suffix_parts(&k, fixed.len());
        add(&parts[0], decode_u64(&k, &v)?)?;
    }
    let open = prefix(&["annual", tags.open, agency]);
    for (k, v) in kv.scan_prefix(&open)? {
        let parts = suffix_parts(&k, open.len());
        let [cell, from] = parts.as_slice() else {
            return Err(ProjectorError::Corrupt {
                key: String::from_utf8_lossy(&k).into_owned(),
                reason: "expected cell and year".into(),
            });
        };
        if parse_year(&k, from)? <= year {
            add(cell, decode_u64(&k, &v)?)?;
        }
    }
    Ok(())
}

/// Calls `add` with every cell sum of `year` over the agencies `scope` covers under `agency`: the subtree's
/// sums where the store keeps them, else each agency's own in turn (a cell may then come once per agency).
pub(crate) fn each_sum(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
    add: &mut AddSum<'_>,
) -> Result<(), ProjectorError> {
    if scope == AgencyScope::Tree && kv.keeps_tree_sums() {
        validate_agency(agency)?;
        return sums_under(kv, agency, year, TREE_SUMS, add);
    }
    for member in agencies_in(kv, agency, scope)? {
        sums_under(kv, &member, year, OWN_SUMS, add)?;
    }
    Ok(())
}

/// The report of `agency` for `year`: its own, or its whole tree's — read from the subtree sums where the
/// store keeps them (`tree_sums.rs`), else rolled up agency by agency.
pub fn report(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
) -> Result<Report, ProjectorError> {
    if scope == AgencyScope::Tree && kv.keeps_tree_sums() {
        return sums_report(kv, agency, year, TREE_SUMS);
    }
    roll_up(kv, agency, year, scope)
}

/// The report of `agency` for `year`: its own, or the roll-up of the reports of every agency in its tree,
/// added at query time (a view as of a past position; and the reference the subtree sums are tested against).
pub fn roll_up(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
) -> Result<Report, ProjectorError> {
    let agencies = agencies_in(kv, agency, scope)?;
    if agencies.len() == 1 {
        return agency_report(kv, agency, year);
    }
    let children = agencies
        .iter()
        .map(|a| agency_report(kv, a, year))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Report::roll_up(agency, &children)?)
}

/// The base cells a cell of `format` is made of: itself when it is a base cell, else the parts of its sum as
/// the format's layout states them (a total column before a row sum, recursively).
pub fn base_cells(format: ReportFormat, code: &str) -> Result<Vec<String>, ProjectorError> {
    let unknown = || ProjectorError::UnknownCell {
        code: code.to_string(),
        format: format.code(),
    };
    let spec = spec_of(format, code).ok_or_else(unknown)?;
    if !spec.derived {
        return Ok(vec![code.to_string()]);
    }
    let (table, row, column) = (spec.table, spec.row, spec.column);
    let parts: Vec<String> = layout(format)
        .tables
        .iter()
        .filter(|t| t.code == table)
        .flat_map(|t| t.blocks.iter())
        .filter(|b| b.columns.iter().any(|c| c.code == column))
        .find_map(|block| {
            let this_row = block.rows().find(|r| r.code == Some(row))?;
            if block
                .columns
                .iter()
                .any(|c| c.code == column && c.total.is_some())
            {
                return Some(
                    block
                        .columns
                        .iter()
                        .filter(|c| c.total.is_none())
                        .map(|c| format!("{table}.{row}.{}", c.code))
                        .collect(),
                );
            }
            match &this_row.kind {
                RowKind::Sum { parts, .. } => Some(
                    parts
                        .iter()
                        .map(|part| format!("{table}.{part}.{column}"))
                        .collect(),
                ),
                RowKind::Base | RowKind::Heading => None,
            }
        })
        .unwrap_or_default();
    if parts.is_empty() {
        return Err(unknown());
    }
    let mut out = Vec::new();
    for part in parts {
        out.extend(base_cells(format, &part)?);
    }
    Ok(out)
}

/// The cases that make up cell `code` of `agency`'s report for `year`; their weights sum to the figure.
pub fn drill_down(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    code: &str,
    scope: AgencyScope,
) -> Result<Vec<DrillDownEntry>, ProjectorError> {
    let base = base_cells(format_of(year)?, code)?;
    let mut out = Vec::new();
    for member_agency in agencies_in(kv, agency, scope)? {
        for cell in &base {
            let fixed = prefix(&["annual", "m", &member_agency, &year.to_string(), cell]);
            for (k, v) in kv.scan_prefix(&fixed)? {
                let case = parse_case_id(&k, &suffix_parts(&k, fixed.len())[0])?;
                let (weight, _) = decode_pair(&k, &v)?;
                out.push(entry(kv, &member_agency, cell, case, weight)?);
                limit(out.len())?;
            }
            let open = prefix(&["annual", "o", &member_agency, cell]);
            for (k, v) in kv.scan_prefix(&open)? {
                let parts = suffix_parts(&k, open.len());
                let [from, case] = parts.as_slice() else {
                    return Err(ProjectorError::Corrupt {
                        key: String::from_utf8_lossy(&k).into_owned(),
                        reason: "expected year and case".into(),
                    });
                };
                if parse_year(&k, from)? <= year {
                    let (weight, _) = decode_pair(&k, &v)?;
                    out.push(entry(
                        kv,
                        &member_agency,
                        cell,
                        parse_case_id(&k, case)?,
                        weight,
                    )?);
                    limit(out.len())?;
                }
            }
        }
    }
    Ok(out)
}

fn limit(len: usize) -> Result<(), ProjectorError> {
    if len > MAX_DRILL_DOWN {
        return Err(ProjectorError::TooMany {
            what: "drill-down",
            limit: MAX_DRILL_DOWN,
            actual: len,
        });
    }
    Ok(())
}

/// A counted case as it was at the view's position: the last version of its card there (ranges.rs).
pub(crate) fn case_card(
    kv: &dyn KvRead,
    case: CaseId,
) -> Result<(Vec<u8>, CaseCard), ProjectorError> {
    let cards = cards_of(case);
    let (card_key, bytes) =
        kv.scan_prefix(&cards)?
            .pop()
            .ok_or_else(|| ProjectorError::Corrupt {
                key: String::from_utf8_lossy(&cards).into_owned(),
                reason: "a member case has no card".into(),
            })?;
    let card = parse_json(&card_key, &bytes)?;
    Ok((card_key, card))
}

fn entry(
    kv: &dyn KvRead,
    agency: &str,
    cell: &str,
    case: CaseId,
    weight: u64,
) -> Result<DrillDownEntry, ProjectorError> {
    let (card_key, card) = case_card(kv, case)?;
    Ok(DrillDownEntry {
        case_id: case,
        tracking_number: card.tracking_number,
        kind: card.kind,
        agency: AgencyId::parse(agency).map_err(|e| ProjectorError::Corrupt {
            key: String::from_utf8_lossy(&card_key).into_owned(),
            reason: e.to_string(),
        })?,
        cell: cell.to_string(),
        applicant_type: card.applicant_type,
        received_on: card.received_on,
        decided_on: card.decided_on,
        outcome: card.outcome,
        weight,
    })
}

/// Computes, checks (identity 4 against the previous year computed the same way) and seals a report; a
/// report whose identities fail carries the cases behind every cell involved, and one the annual model
/// skipped an event for is marked incomplete, naming the events' positions.
pub fn generate(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
    as_of_position: u64,
) -> Result<GeneratedReport, ProjectorError> {
    let current = report(kv, agency, year, scope)?;
    // Identity 4 against the previous year whatever its format (reporting skips it when that format has no
    // carry rows, as the statistical table has not).
    let previous = if year > FIRST_REPORT_YEAR {
        Some(report(kv, agency, year - 1, scope)?)
    } else {
        None
    };
    let mut published =
        PublishedReport::publish(current, previous.as_ref(), as_of_position, RULES_VERSION)?;
    // Part 六 of the 2021 format reports the 信息处理费; a report carries them when there were any.
    if published.format() == ReportFormat::Format2021 {
        let fees = information_fees(kv, agency, year, scope)?;
        if fees.any() {
            published = published.with_information_fees(fees);
        }
    }
    let problems = match &published.status {
        ReportStatus::Final | ReportStatus::Incomplete { .. } => Vec::new(),
        ReportStatus::Failed(failures) => failures
            .iter()
            .map(|f| problem(kv, agency, year, scope, f))
            .collect::<Result<_, _>>()?,
    };
    let skipped: Vec<SkippedEvent> = skipped_events(kv, ReadModel::Annual)?
        .into_iter()
        .filter(|s| s.position < as_of_position && s.affects(agency, scope))
        .collect();
    let published = if skipped.is_empty() {
        published
    } else {
        published.incomplete(skipped.iter().map(|s| s.position).collect())
    };
    Ok(GeneratedReport {
        published,
        problems,
        skipped,
    })
}

fn problem(
    kv: &dyn KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
    failure: &IdentityFailure,
) -> Result<IdentityProblem, ProjectorError> {
    let cells_by_year: Vec<(i32, &str)> = match failure {
        IdentityFailure::Unequal { left, right, .. } => [left, right]
            .into_iter()
            .flat_map(|side| side.cells.iter().map(move |c| (side.year, c.as_str())))
            .collect(),
        other => other.cells().into_iter().map(|c| (year, c)).collect(),
    };
    let mut seen = BTreeSet::new();
    let mut cases = Vec::new();
    for (cell_year, cell) in cells_by_year {
        // Narrative figures and years no format covers have no cases of their own.
        let Ok(format) = format_of(cell_year) else {
            continue;
        };
        if spec_of(format, cell).is_none() {
            continue;
        }
        for entry in drill_down(kv, agency, cell_year, cell, scope)? {
            if seen.insert((entry.case_id, entry.cell.clone(), cell_year)) {
                cases.push(entry);
            }
        }
    }
    Ok(IdentityProblem {
        failure: failure.clone(),
        cases,
    })
}
