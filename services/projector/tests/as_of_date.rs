//! Reports as of a business date: the record as its facts date it (each case event's `occurred_at`, China
//! time), whatever the log position the event was recorded at. Last year's ledger imported today reports as of
//! last year's 31 December by business date, and not by recorded time; a report as of date D is the report of
//! a log holding exactly the events dated on or before D; a publication pins the position and the date.

mod common;

use casetrack_domain::Event;
use casetrack_domain::time::{local_date, start_of_day};
use casetrack_domain::{ApplicantType, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::{AgencyScope, AsOf, ProjectorError, Reports};
use casetrack_reporting::json;
use chrono::{Datelike, Days, NaiveDate, Utc};
use common::{
    Application, Challenge, append_each, case_id, date, decided, fold, received, runtime,
};
use proptest::prelude::*;

const AGENCIES: [&str; 2] = ["simao", "simao/finance"];
const YEARS: [i32; 3] = [2023, 2024, 2025];
const RECEIVED: &str = "applications.received.total";
const DECIDED: &str = "applications.outcome_total.total";
const CARRIED_FORWARD: &str = "applications.carried_forward.total";

/// A log in a temporary directory holding `events` (each appended now), and the reports over it.
fn reports_of(events: &[Event]) -> (tempfile::TempDir, EventLog, Reports) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    runtime().block_on(append_each(&log, events));
    let projector = fold(dir.path(), &log);
    let reports = Reports::new(projector, log.clone());
    (dir, log, reports)
}

/// A figure of simao's report for `year` as of `as_of`.
fn figure(reports: &Reports, year: i32, cell: &str, as_of: AsOf) -> i128 {
    let generated = reports
        .report("simao", year, AgencyScope::Own, as_of)
        .expect("report");
    generated
        .published
        .report
        .get(cell)
        .expect("cell")
        .as_i128()
}

/// Last year's ledger, imported today: every event is recorded now and happened last year (or this January).
fn last_years_ledger(last_year: i32) -> Vec<Event> {
    let natural = ApplicantType::NaturalPerson;
    let (a, b, c) = (case_id(1), case_id(2), case_id(3));
    vec![
        received(a, "simao", natural, date(last_year, 3, 2)),
        received(b, "simao", natural, date(last_year, 11, 20)),
        decided(a, Outcome::Disclosed, date(last_year, 3, 20)),
        received(c, "simao", natural, date(last_year + 1, 1, 5)),
        // Decided after the year ended: open on 31 December, so carried forward as of that date.
        decided(b, Outcome::Disclosed, date(last_year + 1, 1, 8)),
    ]
}

#[test]
fn last_years_ledger_imported_today_reports_by_business_date_and_not_by_recorded_time() {
    let last_year = local_date(Utc::now()).year() - 1;
    let (_dir, _log, reports) = reports_of(&last_years_ledger(last_year));
    let new_years_eve = date(last_year, 12, 31);
    let by_date = AsOf::Date {
        on: new_years_eve,
        upto: None,
    };
    assert_eq!(figure(&reports, last_year, RECEIVED, by_date), 2);
    assert_eq!(figure(&reports, last_year, DECIDED, by_date), 1);
    assert_eq!(figure(&reports, last_year, CARRIED_FORWARD, by_date), 1);
    // Case c, received in January, is in no table of the year before.
    let generated = reports
        .report("simao", last_year, AgencyScope::Own, by_date)
        .expect("report");
    assert_eq!(generated.published.as_of_date, Some(new_years_eve));
    assert_eq!(
        generated.published.as_of_position,
        reports.log().next_position().expect("head")
    );
    // By recorded time nothing had been recorded on that day: no report, never a table of zeros.
    let by_recorded_time = AsOf::Time(start_of_day(new_years_eve + Days::new(1)));
    assert!(matches!(
        reports.report("simao", last_year, AgencyScope::Own, by_recorded_time),
        Err(ProjectorError::NoData { .. })
    ));
    // Case c is this year's: in the latest report of this year, in none as of last year's 31 December.
    assert_eq!(figure(&reports, last_year + 1, RECEIVED, AsOf::Latest), 1);
    assert!(matches!(
        reports.report("simao", last_year + 1, AgencyScope::Own, by_date),
        Err(ProjectorError::NoData { .. })
    ));
    // As of 30 June, b had not been received yet.
    let midsummer = AsOf::Date {
        on: date(last_year, 6, 30),
        upto: None,
    };
    assert_eq!(figure(&reports, last_year, RECEIVED, midsummer), 1);
    assert_eq!(figure(&reports, last_year, CARRIED_FORWARD, midsummer), 0);
    // A figure as of the date drills down to the cases dated so.
    let behind = reports
        .drill_down(
            "simao",
            last_year,
            CARRIED_FORWARD,
            AgencyScope::Own,
            by_date,
        )
        .expect("drill-down");
    assert_eq!(
        behind.iter().map(|c| c.case_id).collect::<Vec<_>>(),
        vec![case_id(2)]
    );
}

#[test]
fn a_report_published_as_of_a_date_pins_position_and_date_and_reproduces() {
    let (_dir, log, reports) = reports_of(&last_years_ledger(2024));
    let on = date(2024, 12, 31);
    let published = reports
        .publish("simao", 2024, AgencyScope::Own, Some(on))
        .expect("publish")
        .published;
    let pinned = published.as_of_position;
    let stored = reports.published("simao", 2024).expect("list");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1.as_of_date, Some(on));
    assert_eq!(stored[0].1.as_of_position, pinned);
    let document = json::to_json(&published);
    assert!(
        document.contains("\"as_of_date\": \"2024-12-31\""),
        "{document}"
    );
    assert_eq!(
        json::from_json(&document).expect("read back").as_of_date,
        Some(on)
    );
    // A case of that year imported later changes the report as of the date, not the published one.
    runtime().block_on(append_each(
        &log,
        &[received(
            case_id(9),
            "simao",
            ApplicantType::Nonprofit,
            date(2024, 6, 1),
        )],
    ));
    let now = AsOf::Date { on, upto: None };
    assert_eq!(figure(&reports, 2024, RECEIVED, now), 3);
    assert!(
        reports
            .verify_published(&stored[0].1, stored[0].0)
            .expect("verify")
    );
    let mut other_date = stored[0].1.clone();
    other_date.as_of_date = Some(date(2024, 6, 30));
    assert!(
        !reports
            .verify_published(&other_date, stored[0].0)
            .expect("verify another date")
    );
}

fn day_in_years() -> impl Strategy<Value = NaiveDate> {
    (0usize..YEARS.len(), 0u64..365).prop_map(|(y, d)| date(YEARS[y], 1, 1) + Days::new(d))
}

/// Each case's events in order, the cases interleaved by `order`: business dates and log positions disagree.
fn history(apps: &[Application], challenges: &[Challenge], order: &[usize]) -> Vec<Event> {
    let mut cases: Vec<std::collections::VecDeque<Event>> =
        common::case_events(&AGENCIES, apps, challenges)
            .into_iter()
            .map(Into::into)
            .collect();
    let mut events = Vec::new();
    for pick in order.iter().cycle().take(order.len() * 4) {
        let n = cases.len();
        if let Some(event) = cases[pick % n].pop_front() {
            events.push(event);
        }
    }
    events.extend(cases.into_iter().flatten());
    events
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// As of date D, every report and drill-down equals the latest of a log holding exactly the events dated
    /// on or before D, in the same order.
    #[test]
    fn as_of_a_date_equals_the_fold_of_exactly_the_events_dated_on_or_before_it(
        apps in prop::collection::vec(common::application(AGENCIES.len(), day_in_years(), 400), 1..20),
        challenges in prop::collection::vec(common::challenge(AGENCIES.len(), day_in_years(), 400), 0..5),
        order in prop::collection::vec(0usize..100, 1..40),
        on in (0u64..1300).prop_map(|d| date(2023, 1, 1) + Days::new(d)),
    ) {
        let events = history(&apps, &challenges, &order);
        let dated: Vec<Event> = events
            .iter()
            .filter(|e| local_date(e.occurred_at) <= on)
            .cloned()
            .collect();
        let (_all_dir, _all_log, all) = reports_of(&events);
        let (_dated_dir, _dated_log, only_dated) = reports_of(&dated);
        let as_of = AsOf::Date { on, upto: None };
        for agency in AGENCIES {
            for year in YEARS {
                let by_date = all.report(agency, year, AgencyScope::Own, as_of);
                let expected = only_dated.report(agency, year, AgencyScope::Own, AsOf::Latest);
                let (by_date, expected) = match (by_date, expected) {
                    (Ok(by_date), Ok(expected)) => (by_date, expected),
                    // No report either way; an agency known to the whole log is refused for the year
                    // (`NoData`) where the log of the dated events alone may not know it at all.
                    (
                        Err(ProjectorError::NoData { .. } | ProjectorError::UnknownAgency { .. }),
                        Err(ProjectorError::NoData { .. } | ProjectorError::UnknownAgency { .. }),
                    ) => continue,
                    (a, b) => panic!("{agency} {year} as of {on}: {a:?} vs {b:?}"),
                };
                prop_assert_eq!(&by_date.published.report, &expected.published.report);
                prop_assert_eq!(&by_date.published.status, &expected.published.status);
                prop_assert_eq!(
                    &by_date.published.information_fees,
                    &expected.published.information_fees
                );
                prop_assert_eq!(&by_date.published.content_hash, &expected.published.content_hash);
                prop_assert_eq!(by_date.published.as_of_date, Some(on));
                for cell in [RECEIVED, DECIDED, CARRIED_FORWARD] {
                    let ids = |reports: &Reports, as_of| {
                        reports
                            .drill_down(agency, year, cell, AgencyScope::Own, as_of)
                            .expect("drill-down")
                            .into_iter()
                            .map(|c| (c.case_id, c.weight))
                            .collect::<Vec<_>>()
                    };
                    prop_assert_eq!(ids(&all, as_of), ids(&only_dated, AsOf::Latest));
                }
            }
        }
    }
}
