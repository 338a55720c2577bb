//! Generated case histories folded by the projector give exactly the tables computed independently here, with
//! plain loops over the histories; every identity holds and every cell's drill-down adds up to the cell.

mod common;

use std::collections::BTreeMap;

use casetrack_eventlog::EventLog;
use casetrack_projector::{AgencyScope, AsOf, ProjectorError, Reports, annual};
use casetrack_reporting::{Figure, Report};
use chrono::{Datelike, Days, NaiveDate};
use common::{Application, Challenge, append, date, fold, runtime};
use proptest::prelude::*;

const AGENCIES: [&str; 3] = ["simao", "simao/finance", "simao/education"];
const YEARS: [i32; 2] = [2023, 2024];

fn day_in_years() -> impl Strategy<Value = NaiveDate> {
    (0usize..2, 0u64..365).prop_map(|(y, d)| date(YEARS[y], 1, 1) + Days::new(d))
}

fn application() -> impl Strategy<Value = Application> {
    common::application(AGENCIES.len(), day_in_years(), 200)
}

fn challenge() -> impl Strategy<Value = Challenge> {
    common::challenge(AGENCIES.len(), day_in_years(), 300)
}

/// Expected base cells per (agency, year), computed from the statute's wording: received this year; open on
/// 1 January (carried over); ended this year (one outcome row); open on 31 December (carried forward).
fn expected(
    apps: &[Application],
    challenges: &[Challenge],
) -> BTreeMap<(usize, i32), BTreeMap<String, u64>> {
    let mut out: BTreeMap<(usize, i32), BTreeMap<String, u64>> = BTreeMap::new();
    for &year in &YEARS {
        let jan1 = date(year, 1, 1);
        let dec31 = date(year, 12, 31);
        for app in apps {
            let cells = out.entry((app.agency, year)).or_default();
            let column = app.applicant.cell_column();
            let end = app
                .ended
                .map(|(days, outcome)| (app.received_on + Days::new(days), outcome));
            let mut bump = |row: &str| {
                *cells
                    .entry(format!("applications.{row}.{column}"))
                    .or_default() += 1
            };
            if app.received_on.year() == year {
                bump("received");
            }
            let open_on =
                |day: NaiveDate| app.received_on <= day && end.is_none_or(|(e, _)| e >= day);
            if app.received_on < jan1 && open_on(jan1) {
                bump("carried_over");
            }
            if let Some((e, outcome)) = end
                && e.year() == year
            {
                bump(outcome.cell_row());
            }
            if app.received_on <= dec31 && end.is_none_or(|(e, _)| e > dec31) {
                bump("carried_forward");
            }
        }
        for ch in challenges {
            let cells = out.entry((ch.agency, year)).or_default();
            let row = ch.kind.cell_row();
            let conclusion = ch
                .concluded
                .map(|(days, result)| (ch.filed_on + Days::new(days), result));
            let mut bump = |column: &str| {
                *cells
                    .entry(format!("challenges.{row}.{column}"))
                    .or_default() += 1
            };
            if ch.filed_on.year() == year {
                match conclusion {
                    Some((c, result)) if c.year() == year => bump(result.cell_column()),
                    _ => bump("pending"),
                }
            } else if let Some((c, result)) = conclusion
                && c.year() == year
            {
                bump(result.cell_column());
            }
        }
    }
    out
}

/// Whether anything happens in a year by the expected cells: a figure other than the carried cases, which
/// alone make no report (the projector refuses such a year as empty).
fn happens(cells: &BTreeMap<String, u64>) -> bool {
    cells
        .iter()
        .any(|(code, n)| *n > 0 && !code.contains(".carried_"))
}

fn count(report: &Report, code: &str) -> u64 {
    match report.get(code) {
        Some(Figure::Count(n)) => n,
        other => panic!("{code}: expected a count, got {other:?}"),
    }
}

fn run(apps: Vec<Application>, challenges: Vec<Challenge>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = runtime();
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    runtime.block_on(async {
        for events in common::case_events(&AGENCIES, &apps, &challenges) {
            append(&log, &events).await;
        }
    });
    let reports = Reports::new(fold(dir.path(), &log), log);
    let expected = expected(&apps, &challenges);

    for (agency_index, agency) in AGENCIES.iter().enumerate() {
        for &year in &YEARS {
            let want = expected
                .get(&(agency_index, year))
                .cloned()
                .unwrap_or_default();
            let generated = match reports.report(agency, year, AgencyScope::Own, AsOf::Latest) {
                // An agency without any case is unknown to a log without a registry.
                Err(ProjectorError::NoData { .. } | ProjectorError::UnknownAgency { .. }) => {
                    assert!(
                        !happens(&want),
                        "{agency} {year} refused as empty: {want:?}"
                    );
                    continue;
                }
                other => other.expect("report"),
            };
            assert!(happens(&want), "{agency} {year} reported though empty");
            assert!(
                generated.published.is_final(),
                "{agency} {year}: {:?}",
                generated.published.status
            );
            assert!(generated.problems.is_empty());
            let report = &generated.published.report;
            for cell in report
                .cells()
                .filter(|c| !c.spec.derived && c.spec.table != "proactive")
            {
                let code = &cell.spec.code;
                assert_eq!(
                    count(report, code),
                    want.get(code).copied().unwrap_or(0),
                    "{agency} {year} {code}"
                );
            }
            // The figure and its drill-down always agree, for derived cells too.
            for cell in report.cells().filter(|c| c.spec.table != "proactive") {
                let cases = reports
                    .drill_down(
                        agency,
                        year,
                        &cell.spec.code,
                        AgencyScope::Own,
                        AsOf::Latest,
                    )
                    .expect("drill-down");
                let total: u64 = cases.iter().map(|c| c.weight).sum();
                assert_eq!(
                    total,
                    count(report, &cell.spec.code),
                    "{agency} {year} drill-down {}",
                    cell.spec.code
                );
            }
        }
    }

    // The district's roll-up is the sum of its parts, cell by cell, and checks out too.
    let view = reports.projector().store().view();
    for &year in &YEARS {
        let rolled = match reports.report("simao", year, AgencyScope::Tree, AsOf::Latest) {
            Err(ProjectorError::NoData { .. }) => {
                let parts = (0..AGENCIES.len()).filter_map(|a| expected.get(&(a, year)));
                assert!(!parts.into_iter().any(happens), "roll-up {year} refused");
                continue;
            }
            other => other.expect("roll-up"),
        };
        assert!(
            rolled.published.is_final(),
            "roll-up {year}: {:?}",
            rolled.published.status
        );
        let parts: Vec<Report> = AGENCIES
            .iter()
            // Each part as the annual model holds it, also when the part alone would be refused as empty.
            .map(|a| annual::report(&view, a, year, AgencyScope::Own).expect("part"))
            .collect();
        for cell in rolled.published.report.cells() {
            let sum: i128 = parts
                .iter()
                .map(|p| p.get(&cell.spec.code).expect("cell").as_i128())
                .sum();
            assert_eq!(
                cell.figure.expect("no blank").as_i128(),
                sum,
                "roll-up {year} {}",
                cell.spec.code
            );
        }
        let tree_cases = reports
            .drill_down(
                "simao",
                year,
                "applications.outcome_total.total",
                AgencyScope::Tree,
                AsOf::Latest,
            )
            .expect("tree drill-down");
        assert_eq!(
            tree_cases.len() as u64,
            count(&rolled.published.report, "applications.outcome_total.total")
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn folded_tables_equal_independent_counts(
        apps in prop::collection::vec(application(), 1..40),
        challenges in prop::collection::vec(challenge(), 0..12),
    ) {
        run(apps, challenges);
    }
}
