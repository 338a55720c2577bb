//! Which annual-report cells a case counts in: a pure function of its summary. The annual model stores
//! exactly these memberships (and their sums), so a figure and its drill-down list are the same set.
//!
//! Rules (annual-report.md §Which events land in which row, and this project's choices where it is silent):
//! - Application received in year R, handling ended in year E with outcome o, applicant column c:
//!   `received.c` in R; `{o}.c` in E; `carried_forward.c` in R..E-1; `carried_over.c` in R+1..E.
//!   Still open: `carried_forward.c` in every year ≥ R and `carried_over.c` in every year ≥ R+1 (open-ended).
//! - Challenge filed in F, row k: in F, column = its result if concluded in F, else `pending`; concluded in a
//!   later year C: also in C with its result (it was reported 尚未审结 in F, its conclusion is reported in C).
//! - Document issued in I, repealed in P: `issued` in I; `repealed` in P; `in_force` in I..P-1, or in every
//!   year ≥ I while not repealed.
//! - Counted decisions and fees: their tallies, by year.

use casetrack_domain::CaseKind;
use casetrack_domain::challenge::result_cell_column;
use chrono::Datelike;

use crate::summary::CaseSummary;

/// The years a membership covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    Year(i32),
    /// Every year from this one on (the case is still open).
    From(i32),
}

/// One cell a case counts in, with its weight (1 for a case; the amount for tallied records).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Membership {
    /// Full base cell code of the 2021 format, e.g. `applications.received.business`.
    pub cell: String,
    pub span: Span,
    pub weight: u64,
}

fn one(cell: String, span: Span) -> Membership {
    Membership {
        cell,
        span,
        weight: 1,
    }
}

/// Every membership of `case` (empty when it has no agency or no start date yet).
pub fn memberships(case: &CaseSummary) -> Vec<Membership> {
    if case.agency.is_none() {
        return Vec::new();
    }
    match case.kind {
        CaseKind::Application => application(case),
        CaseKind::Challenge => challenge(case),
        CaseKind::Record => record(case),
        CaseKind::Hotline | CaseKind::Proposal => Vec::new(),
    }
}

fn application(case: &CaseSummary) -> Vec<Membership> {
    let (Some(received), Some(applicant)) = (case.received_on, case.applicant_type) else {
        return Vec::new();
    };
    let column = applicant.cell_column();
    let cell = |row: &str| format!("applications.{row}.{column}");
    let from = received.year();
    let mut out = vec![one(cell("received"), Span::Year(from))];
    match (case.decided_on, case.outcome.as_deref()) {
        (Some(ended), Some(outcome)) => {
            // Handling cannot end before receipt; a back-dated decision counts in the year of receipt.
            let end = ended.year().max(from);
            out.push(one(cell(outcome), Span::Year(end)));
            out.extend((from..end).map(|y| one(cell("carried_forward"), Span::Year(y))));
            out.extend((from + 1..=end).map(|y| one(cell("carried_over"), Span::Year(y))));
        }
        _ => {
            out.push(one(cell("carried_forward"), Span::From(from)));
            out.push(one(cell("carried_over"), Span::From(from + 1)));
        }
    }
    out
}

fn challenge(case: &CaseSummary) -> Vec<Membership> {
    let (Some(filed), Some(kind)) = (case.received_on, case.challenge_kind) else {
        return Vec::new();
    };
    let row = kind.cell_row();
    let cell = |column: &str| format!("challenges.{row}.{column}");
    let filed_year = filed.year();
    match (case.decided_on, case.challenge_result()) {
        (Some(concluded), Some(result)) if concluded.year() <= filed_year => {
            vec![one(cell(result.cell_column()), Span::Year(filed_year))]
        }
        (Some(concluded), Some(result)) => vec![
            one(cell(result_cell_column(None)), Span::Year(filed_year)),
            one(cell(result.cell_column()), Span::Year(concluded.year())),
        ],
        _ => vec![one(cell(result_cell_column(None)), Span::Year(filed_year))],
    }
}

fn record(case: &CaseSummary) -> Vec<Membership> {
    let mut out: Vec<Membership> = case
        .tallies
        .iter()
        .flat_map(|(cell, years)| {
            years
                .iter()
                .filter(|(_, amount)| **amount > 0)
                .map(|(year, amount)| Membership {
                    cell: cell.clone(),
                    span: Span::Year(*year),
                    weight: *amount,
                })
        })
        .collect();
    if let (Some(kind), Some(issued)) = (case.document_kind, case.received_on) {
        let row = kind.cell_row();
        let cell = |column: &str| format!("proactive.{row}.{column}");
        let from = issued.year();
        out.push(one(cell("issued"), Span::Year(from)));
        match case.decided_on {
            Some(repealed) => {
                let end = repealed.year().max(from);
                out.push(one(cell("repealed"), Span::Year(end)));
                out.extend((from..end).map(|y| one(cell("in_force"), Span::Year(y))));
            }
            None => out.push(one(cell("in_force"), Span::From(from))),
        }
    }
    out
}
