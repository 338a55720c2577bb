//! The per-case state is the domain's: a withdrawn application (closed without a decision) is summarised as
//! the domain ends it, a fee paid counts in the year paid, and a stream the domain cannot fold stops the fold
//! with a typed error instead of being counted by other rules.

mod common;

use casetrack_domain::application::ApplicationEvent;
use casetrack_domain::fees::Fen;
use casetrack_domain::{ApplicantType, CaseKind, Event, EventBody};
use casetrack_eventlog::EventLog;
use casetrack_projector::skipped::skipped_events;
use casetrack_projector::summary::{STATUS_CLOSED, STATUS_UNDER_REVIEW};
use casetrack_projector::{Projector, Reports, projections_dir};
use chrono::{TimeZone, Utc};
use common::{append, case_id, date, received};

fn application_event(case: casetrack_domain::CaseId, body: ApplicationEvent) -> Event {
    Event::new(
        case,
        Utc.with_ymd_and_hms(2024, 6, 1, 9, 0, 0).unwrap(),
        EventBody::Application(body),
    )
}

#[tokio::test]
async fn summaries_come_from_the_domain_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let (withdrawn, paying) = (case_id(1), case_id(2));
    append(
        &log,
        &[
            received(
                withdrawn,
                "simao/finance",
                ApplicantType::NaturalPerson,
                date(2024, 3, 1),
            ),
            application_event(
                withdrawn,
                ApplicationEvent::Closed {
                    closed_on: date(2024, 3, 9),
                },
            ),
        ],
    )
    .await;
    append(
        &log,
        &[
            received(
                paying,
                "simao/finance",
                ApplicantType::Business,
                date(2024, 12, 20),
            ),
            application_event(
                paying,
                ApplicationEvent::FeePaid {
                    amount: Fen(3_000),
                    paid_on: date(2025, 1, 3),
                },
            ),
        ],
    )
    .await;
    let projector = Projector::open(&projections_dir(dir.path())).expect("projector");
    projector.catch_up(&log, &mut |_, _| {}).expect("fold");
    let reports = Reports::new(projector, log);

    let summary = reports
        .case_summary(withdrawn)
        .expect("read")
        .expect("stored");
    assert_eq!(summary.outcome.as_deref(), Some("other.other"));
    assert_eq!(summary.decided_on, Some(date(2024, 3, 9)));
    assert_eq!(summary.closed_on, Some(date(2024, 3, 9)));
    assert_eq!(summary.status, STATUS_CLOSED);
    assert!(!summary.is_open());

    let summary = reports.case_summary(paying).expect("read").expect("stored");
    assert_eq!(summary.received_on, Some(date(2024, 12, 20)));
    assert_eq!(summary.fees_paid.get(&2025), Some(&3_000));
    assert_eq!(summary.fees_paid.get(&2024), None);
    assert_eq!(summary.status, STATUS_UNDER_REVIEW);
    assert!(summary.is_open());
}

#[tokio::test]
async fn a_stream_the_domain_cannot_fold_is_skipped_with_the_typed_error_as_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let case = case_id(3);
    // A receipt confirmation with no application received before it: the log is corrupt.
    append(
        &log,
        &[application_event(
            case,
            ApplicationEvent::ReceiptConfirmed {
                confirmed_on: date(2024, 3, 2),
            },
        )],
    )
    .await;
    let projector = Projector::open(&projections_dir(dir.path())).expect("projector");
    projector
        .catch_up(&log, &mut |_, _| {})
        .expect("the fold goes on");
    // ProjectorError::Replay's message, naming the case.
    let expected = format!("case {case}: the log holds a stream the domain cannot fold");
    for (model, checkpoint) in projector.checkpoints().expect("checkpoints") {
        assert_eq!(checkpoint, 1, "{model} folded past it");
        let skipped = skipped_events(&projector.store().view(), model).expect("skipped");
        // The workload model keeps no applications, so a broken one is nothing it skips.
        if !model.follows(CaseKind::Application) {
            assert!(skipped.is_empty(), "{model}");
            continue;
        }
        assert_eq!(skipped.len(), 1, "{model}");
        assert_eq!(skipped[0].position, 0);
        assert!(
            skipped[0].reason.starts_with(&expected),
            "{}",
            skipped[0].reason
        );
    }
}
