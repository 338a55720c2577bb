//! Queues: open cases by agency and state, with the statutory deadline the domain computes from the case's
//! events and the calendar, and the working days left as of a given "today".

mod common;

use casetrack_domain::{ApplicantType, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::AgencyScope;
use casetrack_projector::queues::{Due, queue};
use common::{append_each, case_id, clocks, date, decided, fold, received};

#[tokio::test]
async fn queues_list_open_cases_with_deadlines_as_of_today() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let (open, done) = (case_id(1), case_id(2));
    append_each(
        &log,
        &[
            received(
                open,
                "simao/finance",
                ApplicantType::NaturalPerson,
                date(2024, 3, 1),
            ),
            received(
                done,
                "simao/finance",
                ApplicantType::Business,
                date(2024, 3, 1),
            ),
            decided(done, Outcome::Disclosed, date(2024, 3, 8)),
        ],
    )
    .await;
    let projector = fold(dir.path(), &log);
    let clocks = clocks();
    let view = projector.store().view();

    let all = queue(
        &view,
        &clocks,
        ("simao/finance", AgencyScope::Own),
        None,
        date(2024, 3, 4),
        Due::All,
    )
    .expect("queue");
    assert_eq!(all.len(), 1, "the decided case left the queue");
    let entry = &all[0];
    assert_eq!(entry.case.case_id, open);
    assert_eq!(entry.case.status, "received");
    // 20 working days from Friday 1 March 2024: Friday 29 March.
    assert_eq!(entry.deadline, Some(date(2024, 3, 29)));
    let left = entry.working_days_left.expect("days left");
    assert!(left > 0 && left <= 20, "{left}");

    let in_state = queue(
        &view,
        &clocks,
        ("simao/finance", AgencyScope::Own),
        Some("received"),
        date(2024, 3, 4),
        Due::All,
    )
    .expect("q");
    assert_eq!(in_state.len(), 1);
    let none = queue(
        &view,
        &clocks,
        ("simao/finance", AgencyScope::Own),
        Some("decided"),
        date(2024, 3, 4),
        Due::All,
    )
    .expect("q");
    assert!(none.is_empty());

    let soon = queue(
        &view,
        &clocks,
        ("simao/finance", AgencyScope::Own),
        None,
        date(2024, 3, 27),
        Due::Within(3),
    )
    .expect("soon");
    assert_eq!(soon.len(), 1);
    let not_soon = queue(
        &view,
        &clocks,
        ("simao/finance", AgencyScope::Own),
        None,
        date(2024, 3, 4),
        Due::Within(3),
    )
    .expect("q");
    assert!(not_soon.is_empty());
    let overdue = queue(
        &view,
        &clocks,
        ("simao/finance", AgencyScope::Own),
        None,
        date(2024, 4, 15),
        Due::Overdue,
    )
    .expect("late");
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].working_days_left.expect("days") < 0);
    assert!(
        queue(
            &view,
            &clocks,
            ("bad\0agency", AgencyScope::Own),
            None,
            date(2024, 4, 15),
            Due::All
        )
        .is_err()
    );
}

#[tokio::test]
async fn the_cases_model_summarises_each_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let a = case_id(7);
    append_each(
        &log,
        &[
            received(a, "simao", ApplicantType::Research, date(2024, 5, 6)),
            decided(a, Outcome::UnavailableNeedsCreation, date(2024, 5, 20)),
        ],
    )
    .await;
    let reports = casetrack_projector::Reports::new(fold(dir.path(), &log), log);
    let summary = reports.case_summary(a).expect("read").expect("present");
    assert_eq!(summary.received_on, Some(date(2024, 5, 6)));
    assert_eq!(summary.decided_on, Some(date(2024, 5, 20)));
    assert_eq!(
        summary.outcome.as_deref(),
        Some("unavailable.needs_creation")
    );
    assert_eq!(summary.status, "decided");
    assert!(reports.case_summary(case_id(8)).expect("read").is_none());
}
