//! Poison events: an event the read models cannot fold is recorded and skipped. The reports it could change
//! (its agency's, or every report when it names no agency) say they are incomplete and name its position; the
//! other agencies' reports stay final and current.

mod common;

use casetrack_domain::{ApplicantType, CaseKind, stream_name};
use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use casetrack_projector::skipped::skipped_events;
use casetrack_projector::{AgencyScope, AsOf, ProjectorError, ReadModel, Reports};
use casetrack_reporting::{OutputFormat, ReportStatus, render};
use common::{append, case_id, date, fold, received};
use uuid::Uuid;

const RECEIVED: &str = "applications.received.natural_person";

/// Appends an `ApplicationReceived` whose data the domain cannot decode, for `agency`; returns its position.
async fn append_undecodable(log: &EventLog, case: u128, agency: Option<&str>) -> u64 {
    let event = NewEvent {
        event_id: Uuid::new_v4(),
        event_type: "ApplicationReceived".to_string(),
        data: serde_json::json!({"applicant_type": 42}),
        metadata: Metadata {
            agency: agency.map(str::to_string),
            ..Metadata::default()
        },
    };
    let stream = stream_name(CaseKind::Application, case_id(case));
    log.append(&stream, ExpectedRevision::NoStream, vec![event])
        .await
        .expect("append")
        .first_position
}

fn received_count(reports: &Reports, agency: &str) -> (bool, u64, Vec<u64>, u64) {
    let generated = reports
        .report(agency, 2024, AgencyScope::Own, AsOf::Latest)
        .expect("report");
    let figure = generated
        .published
        .report
        .get(RECEIVED)
        .map(|f| f.to_string().parse().expect("a count"))
        .unwrap_or(0);
    let skipped = generated.skipped.iter().map(|s| s.position).collect();
    (
        generated.published.is_final(),
        figure,
        skipped,
        generated.published.as_of_position,
    )
}

#[tokio::test]
async fn an_undecodable_event_marks_only_the_reports_it_could_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let person = ApplicantType::NaturalPerson;
    append(
        &log,
        &[received(case_id(1), "simao", person, date(2024, 3, 1))],
    )
    .await;
    append(
        &log,
        &[received(case_id(2), "xishan", person, date(2024, 3, 1))],
    )
    .await;
    let poison = append_undecodable(&log, 3, Some("xishan")).await;
    append(
        &log,
        &[received(case_id(4), "simao", person, date(2024, 3, 2))],
    )
    .await;
    append(
        &log,
        &[received(case_id(5), "xishan", person, date(2024, 3, 2))],
    )
    .await;

    // Every model folds past the event and records it.
    let projector = fold(dir.path(), &log);
    let head = log.next_position();
    for (model, checkpoint) in projector.checkpoints().expect("checkpoints") {
        assert_eq!(checkpoint, head, "{model} stopped");
        let skipped = skipped_events(&projector.store().view(), model).expect("skipped");
        assert_eq!(skipped.len(), 1, "{model}: {skipped:?}");
        assert_eq!(skipped[0].position, poison);
        assert_eq!(
            skipped[0].stream,
            stream_name(CaseKind::Application, case_id(3))
        );
        assert_eq!(skipped[0].agency.as_deref(), Some("xishan"));
        assert!(
            skipped[0].reason.contains(&format!("position {poison}")),
            "{}",
            skipped[0].reason
        );
    }
    let reports = Reports::new(projector.clone(), log.clone());

    // Another agency's report is final and current; the affected one counts what it can and names the event.
    assert_eq!(received_count(&reports, "simao"), (true, 2, vec![], head));
    assert_eq!(
        received_count(&reports, "xishan"),
        (false, 2, vec![poison], head)
    );
    let xishan = reports
        .report("xishan", 2024, AgencyScope::Own, AsOf::Latest)
        .expect("report");
    assert_eq!(
        xishan.published.status,
        ReportStatus::Incomplete {
            skipped_positions: vec![poison]
        }
    );
    let text = String::from_utf8(render(&xishan.published, OutputFormat::Markdown).expect("md"))
        .expect("utf-8");
    assert!(
        text.contains(&format!("日志位置 {poison} 的事件无法计入")),
        "{text}"
    );
    let refused = reports
        .publish("xishan", 2024, AgencyScope::Own, None)
        .expect_err("an incomplete report is not published");
    assert!(
        matches!(refused, ProjectorError::NotFinal { ref skipped, .. } if *skipped == [poison]),
        "{refused}"
    );
    // The district's roll-up includes xishan's events only if xishan is below it; simao's own stays final.
    reports
        .publish("simao", 2024, AgencyScope::Own, None)
        .expect("simao publishes");

    // An event naming no agency could change any report: every report says so.
    let unknown = append_undecodable(&log, 6, None).await;
    projector.catch_up(&log, &mut |_, _| {}).expect("fold");
    let head = log.next_position();
    assert_eq!(
        received_count(&reports, "simao"),
        (false, 2, vec![unknown], head)
    );
    assert_eq!(
        received_count(&reports, "xishan"),
        (false, 2, vec![poison, unknown], head)
    );
    // A report as of a position before the event does not miss it.
    let before = reports
        .report("simao", 2024, AgencyScope::Own, AsOf::Position(unknown))
        .expect("as of");
    assert!(before.published.is_final());
}

#[tokio::test]
async fn a_rebuild_folds_past_the_event_again_and_records_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let poison = append_undecodable(&log, 3, Some("xishan")).await;
    let projector = fold(dir.path(), &log);
    projector
        .rebuild(&log, &ReadModel::ALL, &mut |_, _| {})
        .expect("rebuild");
    for model in ReadModel::ALL {
        let skipped = skipped_events(&projector.store().view(), model).expect("skipped");
        let positions: Vec<u64> = skipped.iter().map(|s| s.position).collect();
        assert_eq!(positions, [poison], "{model}");
    }
}
