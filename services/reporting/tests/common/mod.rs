//! Helpers shared by the integration tests: the spec's lists written out independently of the crate.

#![allow(dead_code)] // each test binary uses a different subset

use casetrack_reporting::{Fen, Figure, Report, ReportBuilder, ReportFormat, Unit, cells};

pub const APPLICANT_COLUMNS: [&str; 6] = [
    "natural_person",
    "business",
    "research",
    "nonprofit",
    "legal_service",
    "other_org",
];

pub const WITHHELD: [&str; 8] = [
    "state_secret",
    "prohibited_by_law",
    "security_stability",
    "third_party",
    "internal_affairs",
    "process_info",
    "enforcement_file",
    "query_matter",
];
pub const UNAVAILABLE: [&str; 3] = ["not_held", "needs_creation", "still_unclear"];
pub const NOT_PROCESSED: [&str; 5] = [
    "petition_complaint",
    "repeated",
    "publication",
    "excessive",
    "confirm_existing",
];
pub const OTHER_2021: [&str; 3] = ["no_supplement", "fee_unpaid", "other"];
pub const CHALLENGE_ROWS: [&str; 3] = [
    "reconsideration",
    "litigation_direct",
    "litigation_after_reconsideration",
];
pub const CHALLENGE_COLUMNS: [&str; 4] = ["upheld", "corrected", "other", "pending"];

/// The outcome reason rows of table 三 (row part of the code), per the spec, for the format.
pub fn outcome_rows(format: ReportFormat) -> Vec<String> {
    let mut rows = vec!["disclosed".to_string(), "partly_disclosed".to_string()];
    rows.extend(WITHHELD.iter().map(|r| format!("withheld.{r}")));
    rows.extend(UNAVAILABLE.iter().map(|r| format!("unavailable.{r}")));
    rows.extend(NOT_PROCESSED.iter().map(|r| format!("not_processed.{r}")));
    match format {
        ReportFormat::Format2021 => rows.extend(OTHER_2021.iter().map(|r| format!("other.{r}"))),
        _ => rows.push("other".to_string()),
    }
    rows
}

pub fn count(report: &Report, code: &str) -> u64 {
    match report.get(code) {
        Some(Figure::Count(n)) => n,
        other => panic!("{code}: expected a count, got {other:?}"),
    }
}

/// Base cells of `format` in table order.
pub fn base_codes(format: ReportFormat) -> Vec<&'static casetrack_reporting::CellSpec> {
    cells(format).iter().filter(|c| !c.derived).collect()
}

/// Fills every base cell from `seeds` (cycled), then fixes 一 so identity 1 holds in every column:
/// received = outcomes + carried_forward − carried_over, with carried_over clipped to keep it ≥ 0.
pub fn balanced(agency: &str, year: i32, seeds: &[u32]) -> Report {
    let format = ReportFormat::for_year(year);
    let mut builder = ReportBuilder::new(agency, year).expect("builder");
    let base = base_codes(format);
    let mut values = std::collections::HashMap::new();
    for (i, spec) in base.iter().enumerate() {
        let seed = seeds.get(i % seeds.len().max(1)).copied().unwrap_or(0);
        values.insert(spec.code.as_str(), seed);
    }
    let balanced_table = format != ReportFormat::StatisticalTable;
    for spec in &base {
        let seed = values[spec.code.as_str()];
        if balanced_table && (spec.row == "received" || spec.row == "carried_over") {
            continue;
        }
        match spec.unit {
            Unit::Count => builder.add(&spec.code, u64::from(seed)),
            Unit::Change => builder.add_change(&spec.code, i64::from(seed) - 500),
            Unit::Money => builder.add_money(&spec.code, Fen(u64::from(seed) * 37)),
        }
        .expect("add");
    }
    if balanced_table {
        for column in APPLICANT_COLUMNS {
            let outcomes: u64 = outcome_rows(format)
                .iter()
                .map(|r| u64::from(values[format!("applications.{r}.{column}").as_str()]))
                .sum();
            let forward =
                u64::from(values[format!("applications.carried_forward.{column}").as_str()]);
            let over = u64::from(values[format!("applications.carried_over.{column}").as_str()])
                .min(outcomes + forward);
            builder
                .add(&format!("applications.carried_over.{column}"), over)
                .expect("over");
            builder
                .add(
                    &format!("applications.received.{column}"),
                    outcomes + forward - over,
                )
                .expect("received");
        }
    }
    builder.build().expect("build")
}

/// The report's figures as (code, figure) pairs, for hand-building variants via `Report::from_stored`.
pub fn figures(report: &Report) -> Vec<(String, Figure)> {
    report
        .cells()
        .map(|c| (c.spec.code.clone(), c.figure.expect("no blank")))
        .collect()
}

/// `report` with the given cells replaced, through the stored-report path (nothing re-derived).
pub fn with_cells(report: &Report, changes: &[(&str, Figure)]) -> Report {
    let mut figures = figures(report);
    for (code, figure) in changes {
        let slot = figures
            .iter_mut()
            .find(|(c, _)| c == code)
            .expect("known code");
        slot.1 = *figure;
    }
    Report::from_stored(
        report.agency(),
        report.year(),
        report.format(),
        figures,
        *report.narrative(),
    )
    .expect("stored")
}
