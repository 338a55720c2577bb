//! A report as of a past position, counted over the ranges the store keeps (`as_of_view.rs`), equals the
//! in-memory fold of the log up to that position: key for key, figure for figure, and case for case in every
//! drill-down, at random positions over generated histories.

mod common;

use casetrack_domain::application::ApplicationEvent;
use casetrack_domain::fees::{FeeBasis, Fen};
use casetrack_domain::{ApplicantType, Event, EventBody, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::as_of::fold_to;
use casetrack_projector::as_of_view::AsOfView;
use casetrack_projector::kv::{KvRead, MemoryKv};
use casetrack_projector::{AgencyScope, AsOf, ProjectorError, ReadModel, Reports, annual};
use chrono::{Days, NaiveDate};
use common::{Application, append_each, case_id, date, decided, fold, on_day, received, runtime};
use proptest::prelude::*;

const AGENCIES: [&str; 3] = ["simao", "simao/finance", "simao/education"];
const YEARS: [i32; 3] = [2023, 2024, 2025];
/// Every key family of the annual model that a query reads.
const FAMILIES: [&str; 7] = ["m", "o", "c", "oc", "a", "d", "skipped"];

fn day_in_years() -> impl Strategy<Value = NaiveDate> {
    (0usize..2, 0u64..365).prop_map(|(y, d)| date(YEARS[y], 1, 1) + Days::new(d))
}

fn application() -> impl Strategy<Value = Application> {
    common::application(AGENCIES.len(), day_in_years(), 500)
}

/// The view and the in-memory fold hold the same keys and values in every family.
fn same_keys(view: &dyn KvRead, memory: &MemoryKv, upto: u64) {
    for family in FAMILIES {
        let prefix = format!("annual\0{family}\0");
        assert_eq!(
            view.scan_prefix(prefix.as_bytes()).expect("view"),
            memory.scan_prefix(prefix.as_bytes()).expect("memory"),
            "as of {upto}: keys under annual/{family}"
        );
    }
}

/// Reports and drill-downs through `Reports` as of `upto` equal those computed over the in-memory fold.
fn same_reports(reports: &Reports, memory: &MemoryKv, upto: u64) {
    for agency in AGENCIES {
        for year in YEARS {
            let by_ranges = reports.report(agency, year, AgencyScope::Own, AsOf::Position(upto));
            let refolded = if annual::counts_in_year(memory, agency, year, AgencyScope::Own)
                .expect("counts")
            {
                annual::generate(memory, agency, year, AgencyScope::Own, upto).expect("generate")
            } else {
                assert!(
                    matches!(
                        by_ranges,
                        Err(ProjectorError::NoData { .. } | ProjectorError::UnknownAgency { .. })
                    ),
                    "as of {upto}: {agency} {year} is empty in memory: {by_ranges:?}"
                );
                continue;
            };
            let by_ranges = by_ranges.expect("report by ranges");
            assert_eq!(
                by_ranges.published.report, refolded.published.report,
                "as of {upto}: {agency} {year}"
            );
            assert_eq!(by_ranges.published.status, refolded.published.status);
            assert_eq!(
                by_ranges.published.information_fees, refolded.published.information_fees,
                "as of {upto}: {agency} {year} part 六"
            );
            assert_eq!(
                by_ranges.published.content_hash,
                refolded.published.content_hash
            );
            for cell in by_ranges
                .published
                .report
                .cells()
                .filter(|c| c.spec.table != "proactive")
            {
                let code = &cell.spec.code;
                let listed = reports
                    .drill_down(agency, year, code, AgencyScope::Own, AsOf::Position(upto))
                    .expect("drill-down by ranges");
                let expected = annual::drill_down(memory, agency, year, code, AgencyScope::Own)
                    .expect("drill-down in memory");
                assert_eq!(listed, expected, "as of {upto}: {agency} {year} {code}");
                let total: u64 = listed.iter().map(|c| c.weight).sum();
                let figure = cell.figure.expect("no blank").as_i128();
                assert_eq!(i128::from(total), figure, "{agency} {year} {code}");
            }
        }
    }
}

fn run(events: Vec<Event>, fractions: Vec<u32>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    runtime().block_on(append_each(&log, &events));
    let head = log.next_position();
    let projector = fold(dir.path(), &log);
    let reports = Reports::new(projector.clone(), log);
    let positions = fractions
        .into_iter()
        .map(|f| head * u64::from(f) / 1000)
        .chain([0, 1, head]);
    for upto in positions {
        let memory = fold_to(reports.log(), ReadModel::Annual, upto).expect("fold in memory");
        let store = projector.store().view();
        same_keys(&AsOfView::new(&store, upto), &memory, upto);
        same_reports(&reports, &memory, upto);
    }
}

#[test]
fn a_synthetic_year_as_of_every_twentieth_position_equals_the_refold() {
    let cases = casetrack_projector::synthetic::year_of_cases(2024, 150, 11);
    let events: Vec<Event> = cases.into_iter().flatten().collect();
    run(events, (0..=1000).step_by(50).collect());
}

/// Part 六's fees as of every position: a notice and its payment change the case's card between its events.
#[test]
fn fees_as_of_every_position_equal_the_refold() {
    let (a, b) = (case_id(1), case_id(2));
    let natural = ApplicantType::NaturalPerson;
    let fee = |case, body| on_day(case, date(2024, 12, 20), EventBody::Application(body));
    let events = vec![
        received(a, "simao", natural, date(2024, 3, 1)),
        received(b, "simao/finance", natural, date(2024, 11, 20)),
        fee(
            a,
            ApplicationEvent::FeeNoticeIssued {
                basis: FeeBasis::PerPage { pages: 120 },
                amount: Fen(10_000),
                issued_on: date(2024, 12, 20),
                pay_by: date(2025, 1, 9),
            },
        ),
        fee(
            a,
            ApplicationEvent::FeePaid {
                amount: Fen(10_000),
                paid_on: date(2024, 12, 20),
            },
        ),
        decided(b, Outcome::Disclosed, date(2024, 12, 20)),
        decided(a, Outcome::Disclosed, date(2024, 12, 20)),
    ];
    run(events, (0..=1000).step_by(50).collect());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn as_of_by_ranges_equals_the_in_memory_fold(
        apps in prop::collection::vec(application(), 1..30),
        challenges in prop::collection::vec(common::challenge(AGENCIES.len(), day_in_years(), 500), 0..8),
        fractions in prop::collection::vec(0u32..=1000, 1..6),
    ) {
        run(common::history(&AGENCIES, &apps, &challenges), fractions);
    }
}
