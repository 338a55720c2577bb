//! The whole report of an agency tree — tables, identities and part 六's fees — read from the sums the fold
//! keeps equals the report computed by adding every agency and visiting every case, over generated agency
//! trees and fee histories: for every agency, scope and year, at the latest position and as of generated past
//! positions (counted over the stored ranges, and folded into memory). Fees fall in any year around a case's
//! handling, so the rule that they count only in a year the case is received or carried over is exercised.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use casetrack_domain::application::ApplicationEvent;
use casetrack_domain::{CaseId, Event, EventBody};
use casetrack_eventlog::EventLog;
use casetrack_projector::as_of::fold_to;
use casetrack_projector::as_of_view::AsOfView;
use casetrack_projector::kv::{Entry, KvRead};
use casetrack_projector::{AgencyScope, ProjectorError, ReadModel, annual};
use casetrack_reporting::{Fen, InformationFees};
use chrono::{Datelike, Days, NaiveDate};
use common::{Application, agency_tree, append_each, application_events, case_id, date, fold};
use proptest::prelude::*;

const YEARS: [i32; 3] = [2023, 2024, 2025];
/// Most agencies of a generated tree.
const MAX_AGENCIES: usize = 10;
/// The rows of table 三 whose cases part 六's fees count (fees.rs).
const FEE_ROWS: [&str; 2] = [
    "applications.received.total",
    "applications.carried_over.total",
];

/// A store read as if it kept no subtree sums: every roll-up adds its agencies at query time.
struct Added<'a>(&'a dyn KvRead);

impl KvRead for Added<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        self.0.get(key)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        self.0.scan_prefix(prefix)
    }

    fn keeps_tree_sums(&self) -> bool {
        false
    }
}

/// One application's fee events: a notice (days from receipt, may precede it or follow its decision; fen) and
/// payments (days from receipt; fen).
#[derive(Debug, Clone)]
struct Fees {
    notice: Option<(i64, u64)>,
    payments: Vec<(i64, u64)>,
}

fn fees() -> impl Strategy<Value = Fees> {
    let day = -40i64..500;
    let fen = prop_oneof![Just(0u64), 1u64..50_000];
    (
        prop::option::of((day.clone(), fen.clone())),
        prop::collection::vec((day, fen), 0..3),
    )
        .prop_map(|(notice, payments)| Fees { notice, payments })
}

fn shifted(on: NaiveDate, days: i64) -> NaiveDate {
    let by = Days::new(days.unsigned_abs());
    if days < 0 { on - by } else { on + by }
}

/// Every case's first event, then every case's later events (decisions, notices, payments), so as-of
/// positions fall between them; each event one append, so an event's index is its log position.
fn history(agencies: &[String], apps: &[(Application, Fees)]) -> Vec<Event> {
    let mut firsts = Vec::new();
    let mut laters = Vec::new();
    for (i, (app, fees)) in apps.iter().enumerate() {
        let id = case_id(i as u128);
        let mut events = application_events(id, &agencies[app.agency], app).into_iter();
        firsts.extend(events.next());
        laters.extend(events);
        let on = |days| shifted(app.received_on, days);
        laters.extend(
            fees.notice
                .map(|(days, fen)| common::notice(id, fen, on(days))),
        );
        laters.extend(
            fees.payments
                .iter()
                .map(|(days, fen)| common::paid(id, *fen, on(*days))),
        );
    }
    firsts.into_iter().chain(laters).collect()
}

/// Part 六's fees visiting every case: the cases of the two rows' drill-down in `kv`, with their fee events
/// among `events` (the log up to the view's position), as fees.rs computed them before the sums kept them.
fn fees_per_case(
    kv: &dyn KvRead,
    events: &[Event],
    (agency, year, scope): (&str, i32, AgencyScope),
) -> Option<InformationFees> {
    let mut cases = BTreeSet::new();
    for row in FEE_ROWS {
        let entries = annual::drill_down(kv, agency, year, row, scope).expect("drill-down");
        cases.extend(entries.into_iter().map(|entry| entry.case_id));
    }
    let mut notices: BTreeMap<CaseId, (NaiveDate, u64)> = BTreeMap::new();
    let mut fees = InformationFees::default();
    for event in events.iter().filter(|e| cases.contains(&e.case_id)) {
        match &event.body {
            EventBody::Application(ApplicationEvent::FeeNoticeIssued {
                amount, issued_on, ..
            }) => {
                notices.insert(event.case_id, (*issued_on, amount.0));
            }
            EventBody::Application(ApplicationEvent::FeePaid { amount, paid_on })
                if paid_on.year() == year =>
            {
                fees.collected = Fen(fees.collected.0 + amount.0);
            }
            _ => {}
        }
    }
    for (issued_on, fen) in notices.into_values() {
        if issued_on.year() == year {
            fees.notices_issued += 1;
            fees.charged = Fen(fees.charged.0 + fen);
        }
    }
    Some(fees).filter(InformationFees::any)
}

/// For every agency, scope and year: the whole report generated from `sums` equals the one generated by adding
/// the agencies of `sums` up, and its fees equal the per-case computation over `events`.
fn same_reports(sums: &dyn KvRead, events: &[Event], agencies: &[String], upto: u64, at: &str) {
    let added = Added(sums);
    for agency in agencies {
        for year in YEARS {
            for scope in [AgencyScope::Own, AgencyScope::Tree] {
                let generated =
                    annual::generate(sums, agency, year, scope, upto).expect("report by sums");
                assert_eq!(
                    generated,
                    annual::generate(&added, agency, year, scope, upto).expect("report added"),
                    "{at}: {agency} {year} {scope:?}"
                );
                assert_eq!(
                    generated.published.information_fees,
                    fees_per_case(sums, events, (agency, year, scope)),
                    "{at}: fees of {agency} {year} {scope:?}"
                );
            }
        }
    }
}

fn run(agencies: &[String], apps: &[(Application, Fees)], fractions: &[u32]) {
    let events = history(agencies, apps);
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    common::runtime().block_on(append_each(&log, &events));
    let head = log.next_position();
    assert_eq!(head, events.len() as u64, "one position per event");
    let projector = fold(dir.path(), &log);
    let store = projector.store().view();
    same_reports(&store, &events, agencies, head, "latest");
    for fraction in fractions {
        let upto = head * u64::from(*fraction) / 1000;
        let prefix = &events[..upto as usize];
        let at = format!("as of {upto}, over the ranges");
        same_reports(&AsOfView::new(&store, upto), prefix, agencies, upto, &at);
        let memory = fold_to(&log, ReadModel::Annual, upto).expect("fold in memory");
        let at = format!("as of {upto}, folded in memory");
        same_reports(&memory, prefix, agencies, upto, &at);
    }
}

fn day_in_years() -> impl Strategy<Value = NaiveDate> {
    (0usize..2, 0u64..365).prop_map(|(y, d)| date(YEARS[y], 1, 1) + Days::new(d))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn province_reports_from_sums_equal_visiting_every_case(
        agencies in agency_tree(MAX_AGENCIES),
        apps in prop::collection::vec(
            (common::application(MAX_AGENCIES, day_in_years(), 500), fees()),
            1..30,
        ),
        fractions in prop::collection::vec(0u32..=1000, 1..4),
    ) {
        // Generated cases name agencies by index; fold those beyond this tree's size onto it.
        let apps: Vec<(Application, Fees)> = apps
            .into_iter()
            .map(|(app, fees)| (Application { agency: app.agency % agencies.len(), ..app }, fees))
            .collect();
        run(&agencies, &apps, &fractions);
    }
}
