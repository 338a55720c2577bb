//! A roll-up read from the subtree sums the fold keeps equals the roll-up that adds every agency's report at
//! query time, over generated agency trees: for every agency of the tree and every year, at the latest position
//! and as of generated past positions, where memberships have come and gone — there read from the sums'
//! versions in the store, and from the sums of the in-memory fold, against the ranges adding the agencies up.

mod common;

use casetrack_eventlog::EventLog;
use casetrack_projector::as_of::fold_to;
use casetrack_projector::as_of_view::AsOfView;
use casetrack_projector::kv::KvRead;
use casetrack_projector::{AgencyScope, ReadModel, annual};
use chrono::{Days, NaiveDate};
use common::{Added, Application, Challenge, append_each, date, fold, history, runtime};
use proptest::prelude::*;

const YEARS: [i32; 3] = [2023, 2024, 2025];
/// Most agencies of a generated tree.
const MAX_AGENCIES: usize = 12;

fn day_in_years() -> impl Strategy<Value = NaiveDate> {
    (0usize..2, 0u64..365).prop_map(|(y, d)| date(YEARS[y], 1, 1) + Days::new(d))
}

/// For every agency and year, the report and the "counts in the year" answer of `sums` (which keeps subtree
/// sums) equal those of `added` (which adds the agencies up).
fn same_roll_ups(sums: &dyn KvRead, added: &dyn KvRead, agencies: &[String], at: &str) {
    assert!(sums.keeps_tree_sums() && !added.keeps_tree_sums());
    for agency in agencies {
        for year in YEARS {
            let scope = AgencyScope::Tree;
            assert_eq!(
                annual::counts_in_year(sums, agency, year, scope).expect("counts by sums"),
                annual::counts_in_year(added, agency, year, scope).expect("counts added"),
                "{at}: {agency} {year} counts in the year"
            );
            assert_eq!(
                annual::report(sums, agency, year, scope).expect("report by sums"),
                annual::roll_up(added, agency, year, scope).expect("report added"),
                "{at}: {agency} {year}"
            );
        }
    }
}

fn run(agencies: &[String], apps: &[Application], challenges: &[Challenge], fractions: &[u32]) {
    let names: Vec<&str> = agencies.iter().map(String::as_str).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    runtime().block_on(append_each(&log, &history(&names, apps, challenges)));
    let head = log.next_position();
    let projector = fold(dir.path(), &log);
    let store = projector.store().view();
    same_roll_ups(
        &store,
        &Added(&AsOfView::new(&store, head)),
        agencies,
        "latest",
    );
    for fraction in fractions {
        let upto = head * u64::from(*fraction) / 1000;
        let ranges = AsOfView::new(&store, upto);
        let added = Added(&ranges);
        let at = format!("as of {upto}, the sums' versions");
        same_roll_ups(&ranges, &added, agencies, &at);
        let memory = fold_to(&log, ReadModel::Annual, upto).expect("fold in memory");
        let at = format!("as of {upto}, folded in memory");
        same_roll_ups(&memory, &added, agencies, &at);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn roll_ups_from_subtree_sums_equal_adding_every_agency(
        agencies in common::agency_tree(MAX_AGENCIES),
        apps in prop::collection::vec(common::application(MAX_AGENCIES, day_in_years(), 500), 1..40),
        challenges in prop::collection::vec(common::challenge(MAX_AGENCIES, day_in_years(), 500), 0..8),
        fractions in prop::collection::vec(0u32..=1000, 1..4),
    ) {
        // Generated cases name agencies by index; fold those beyond this tree's size onto it.
        let apps: Vec<Application> = apps
            .into_iter()
            .map(|app| Application { agency: app.agency % agencies.len(), ..app })
            .collect();
        let challenges: Vec<Challenge> = challenges
            .into_iter()
            .map(|ch| Challenge { agency: ch.agency % agencies.len(), ..ch })
            .collect();
        run(&agencies, &apps, &challenges, &fractions);
    }
}
