//! The profile behind the report page's charts: the applications of `applications.received.total` by month
//! and channel, and of those handled, answered by the deadline or after it — the agency's own or its tree's.

mod common;

use casetrack_domain::{ApplicantType, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::AgencyScope;
use casetrack_projector::profile::application_profile;
use common::{append_each, case_id, clocks, date, decided, fold, received};

#[test]
fn the_years_applications_by_month_channel_and_on_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let (a, b, c, d) = (case_id(1), case_id(2), case_id(3), case_id(4));
    let natural = ApplicantType::NaturalPerson;
    common::runtime().block_on(append_each(
        &log,
        &[
            // On time: 20 working days from 1 March 2024 end in late March.
            received(a, "simao", natural, date(2024, 3, 1)),
            decided(a, Outcome::Disclosed, date(2024, 3, 15)),
            // Late: decided in May.
            received(b, "simao", natural, date(2024, 3, 4)),
            decided(b, Outcome::Disclosed, date(2024, 5, 20)),
            // Still handled: counts by month and channel only.
            received(c, "simao/finance", natural, date(2024, 11, 20)),
            // Another year.
            received(d, "simao", natural, date(2023, 6, 1)),
        ],
    ));
    let projector = fold(dir.path(), &log);
    let view = projector.store().view();
    let profile =
        |scope| application_profile(&view, &clocks(), ("simao", scope), 2024).expect("profile");
    let own = profile(AgencyScope::Own);
    assert_eq!(own.by_month[2], 2, "two received in March");
    assert_eq!(own.by_month.iter().sum::<u64>(), 2);
    assert_eq!(own.by_channel.get("in_person"), Some(&2));
    assert_eq!((own.on_time, own.late), (1, 1));
    let tree = profile(AgencyScope::Tree);
    assert_eq!(
        tree.by_month[10], 1,
        "the finance bureau's November application"
    );
    assert_eq!(tree.by_month.iter().sum::<u64>(), 3);
    assert_eq!((tree.on_time, tree.late), (1, 1), "the open one is neither");
}
