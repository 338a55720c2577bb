//! Part 六's 信息处理费 (国办函〔2020〕109号) of an agency's year, from the fee events as the domain folded them into
//! each application: the notices issued in the year with what they charged, and what was paid in the year (a
//! notice of December paid in January counts its payment in January's year). They count the cases the year's
//! table 三 counts as received or carried over — the domain takes fees only while a case is handled, so that is
//! every case with a fee in the year.
//!
//! The annual model keeps them as it keeps the table cells: three figures no table prints, each case a
//! membership of them (`fee_memberships`), summed per agency and per subtree and kept with the log ranges they
//! held in, in the same batch. A province's fees are then one agency's worth of sums, latest or as of a past
//! position, instead of a visit to every case of the subtree.

use std::collections::BTreeSet;

use casetrack_reporting::{Fen, InformationFees, ReportFormat};
use chrono::Datelike;

use crate::annual::{AgencyScope, base_cells, each_sum};
use crate::error::ProjectorError;
use crate::membership::{Membership, Span};
use crate::summary::CaseSummary;

/// What marks a figure of part 六 among the annual model's cells: no table of any format has such a code.
const FEE_CELL_PREFIX: &str = "part6.fees.";
/// Fee notices issued in the year (weight 1 each).
const NOTICES_ISSUED: &str = "part6.fees.notices_issued";
/// What those notices charged (fen).
const CHARGED: &str = "part6.fees.charged";
/// What applicants paid in the year (fen).
const COLLECTED: &str = "part6.fees.collected";

/// The rows of table 三 whose cases include every case with a fee in the year.
const ROWS_WITH_EVERY_FEE: [&str; 2] = [
    "applications.received.total",
    "applications.carried_over.total",
];

/// Version of how the fees are kept, part of the annual model's version: a store without them is rebuilt.
pub const FEE_SUMS_LAYOUT: &str = "annual-fee-sums/1 (part 六's fees as memberships and sums)";

/// Whether `cell` is one of part 六's fee figures rather than a table cell.
pub fn is_fee_cell(cell: &str) -> bool {
    cell.starts_with(FEE_CELL_PREFIX)
}

/// The fee figures `case` counts in, given the table memberships it holds (`counted`): its notice in the year
/// issued and its payments in each year paid, in a year of the 2021 format (the one with part 六's fees) in
/// which it counts in a row of [`ROWS_WITH_EVERY_FEE`], as the drill-down of those rows would find it.
pub fn fee_memberships(
    case: &CaseSummary,
    counted: &[Membership],
) -> Result<Vec<Membership>, ProjectorError> {
    if case.fee_notice.is_none() && case.fees_paid.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = BTreeSet::new();
    for row in ROWS_WITH_EVERY_FEE {
        rows.extend(base_cells(ReportFormat::Format2021, row)?);
    }
    let counts_in = |year: i32| {
        ReportFormat::for_year(year) == ReportFormat::Format2021
            && counted.iter().any(|m| {
                rows.contains(&m.cell)
                    && match m.span {
                        Span::Year(y) => y == year,
                        Span::From(from) => from <= year,
                    }
            })
    };
    let figure = |cell: &str, year: i32, weight: u64| Membership {
        cell: cell.to_owned(),
        span: Span::Year(year),
        weight,
    };
    let mut out = Vec::new();
    if let Some((issued_on, fen)) = case.fee_notice
        && counts_in(issued_on.year())
    {
        out.push(figure(NOTICES_ISSUED, issued_on.year(), 1));
        // A weight of 0 would move no sum: a free notice is a notice, not a charge.
        if fen > 0 {
            out.push(figure(CHARGED, issued_on.year(), fen));
        }
    }
    for (year, fen) in &case.fees_paid {
        if *fen > 0 && counts_in(*year) {
            out.push(figure(COLLECTED, *year, *fen));
        }
    }
    Ok(out)
}

/// The fees of the agencies `scope` covers under `agency` in `year`, from the sums of the fee figures.
pub fn information_fees(
    kv: &dyn crate::kv::KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
) -> Result<InformationFees, ProjectorError> {
    let mut fees = InformationFees::default();
    // The fold keeps each sum within u64; adding the agencies of a past position's roll-up saturates rather
    // than wrapping.
    each_sum(kv, agency, year, scope, &mut |cell, amount| {
        match cell {
            NOTICES_ISSUED => fees.notices_issued = fees.notices_issued.saturating_add(amount),
            CHARGED => fees.charged = Fen(fees.charged.0.saturating_add(amount)),
            COLLECTED => fees.collected = Fen(fees.collected.0.saturating_add(amount)),
            _ => {}
        }
        Ok(())
    })?;
    Ok(fees)
}
