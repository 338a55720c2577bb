//! Year boundaries (received in December, decided in January; received in an earlier year and still open),
//! reports as of a past position or instant, tampered figures failing with their cases listed, and
//! published reports that verify.

mod common;

use casetrack_domain::{ApplicantType, Outcome};
use casetrack_eventlog::EventLog;
use casetrack_projector::annual::generate;
use casetrack_projector::kv::{KvRead, MemoryKv};
use casetrack_projector::{
    AgencyScope, AsOf, Projector, ProjectorError, Reports, as_of, keys, projections_dir,
};
use casetrack_reporting::{Figure, Identity, Report};
use common::{append, case_id, date, decided, received};

fn count(report: &Report, code: &str) -> u64 {
    match report.get(code) {
        Some(Figure::Count(n)) => n,
        other => panic!("{code}: expected a count, got {other:?}"),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    log: EventLog,
    reports: Reports,
}

async fn fixture(batches: &[&[casetrack_domain::Event]]) -> (Fixture, Vec<u64>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    let mut ends = Vec::new();
    for batch in batches {
        for event in *batch {
            append(&log, std::slice::from_ref(event)).await;
        }
        ends.push(log.next_position());
    }
    let projector = Projector::open(&projections_dir(dir.path())).expect("projector");
    projector.catch_up(&log, &mut |_, _| {}).expect("fold");
    (
        Fixture {
            _dir: dir,
            reports: Reports::new(projector, log.clone()),
            log,
        },
        ends,
    )
}

#[tokio::test]
async fn december_receipt_decided_in_january_spans_both_years() {
    let (a, b) = (case_id(1), case_id(2));
    let events = [
        // Received in an earlier year, still open: 上年结转 in 2023 and 2024.
        received(b, "simao", ApplicantType::Business, date(2022, 6, 1)),
        received(a, "simao", ApplicantType::NaturalPerson, date(2023, 12, 28)),
        decided(a, Outcome::Disclosed, date(2024, 1, 5)),
    ];
    let (fx, _) = fixture(&[&events]).await;
    let r2023 = fx
        .reports
        .report("simao", 2023, AgencyScope::Own, AsOf::Latest)
        .expect("2023");
    let r2024 = fx
        .reports
        .report("simao", 2024, AgencyScope::Own, AsOf::Latest)
        .expect("2024");
    assert!(r2023.published.is_final(), "{:?}", r2023.published.status);
    assert!(r2024.published.is_final(), "{:?}", r2024.published.status);
    let (y1, y2) = (&r2023.published.report, &r2024.published.report);

    assert_eq!(count(y1, "applications.received.natural_person"), 1);
    assert_eq!(count(y1, "applications.carried_forward.natural_person"), 1);
    assert_eq!(count(y1, "applications.disclosed.natural_person"), 0);
    assert_eq!(count(y2, "applications.received.natural_person"), 0);
    assert_eq!(count(y2, "applications.carried_over.natural_person"), 1);
    assert_eq!(count(y2, "applications.disclosed.natural_person"), 1);
    assert_eq!(count(y2, "applications.carried_forward.natural_person"), 0);

    assert_eq!(count(y1, "applications.carried_over.business"), 1);
    assert_eq!(count(y2, "applications.carried_over.business"), 1);
    assert_eq!(count(y2, "applications.carried_forward.business"), 1);
    let carried = fx
        .reports
        .drill_down(
            "simao",
            2023,
            "applications.carried_over.total",
            AgencyScope::Own,
            AsOf::Latest,
        )
        .expect("drill-down");
    assert_eq!(
        carried.iter().map(|c| c.case_id).collect::<Vec<_>>(),
        vec![b]
    );
    assert_eq!(carried[0].received_on, Some(date(2022, 6, 1)));
}

#[tokio::test]
async fn a_report_as_of_a_past_position_ignores_later_events() {
    let (a, c) = (case_id(1), case_id(3));
    let first = [received(
        a,
        "simao",
        ApplicantType::Research,
        date(2024, 3, 1),
    )];
    let later = [
        decided(a, Outcome::WithheldThirdParty, date(2024, 3, 20)),
        received(c, "simao", ApplicantType::Research, date(2024, 4, 2)),
    ];
    let (fx, ends) = fixture(&[&first, &later]).await;
    let then = fx
        .reports
        .report("simao", 2024, AgencyScope::Own, AsOf::Position(ends[0]))
        .expect("as of");
    let now = fx
        .reports
        .report("simao", 2024, AgencyScope::Own, AsOf::Latest)
        .expect("latest");
    assert_eq!(then.published.as_of_position, ends[0]);
    assert_eq!(now.published.as_of_position, ends[1]);
    let (then, now) = (&then.published.report, &now.published.report);
    assert_eq!(count(then, "applications.received.research"), 1);
    assert_eq!(count(then, "applications.withheld.third_party.research"), 0);
    assert_eq!(count(then, "applications.carried_forward.research"), 1);
    assert_eq!(count(now, "applications.received.research"), 2);
    assert_eq!(count(now, "applications.withheld.third_party.research"), 1);

    // As of an instant before the first event: nothing, so no report; as of now: everything.
    let before = fx.reports.report(
        "simao",
        2024,
        AgencyScope::Own,
        AsOf::Time(chrono::DateTime::UNIX_EPOCH),
    );
    assert!(
        matches!(before, Err(ProjectorError::NoData { .. })),
        "{:?}",
        before.map(|g| g.published.content_hash)
    );
    let all = fx
        .reports
        .report(
            "simao",
            2024,
            AgencyScope::Own,
            AsOf::Time(chrono::Utc::now()),
        )
        .expect("now");
    assert_eq!(
        all.published.content_hash,
        fx.reports
            .report("simao", 2024, AgencyScope::Own, AsOf::Latest)
            .expect("l")
            .published
            .content_hash
    );

    // The latest report from the store and the same position folded in memory agree exactly.
    let folded = fx
        .reports
        .report("simao", 2024, AgencyScope::Own, AsOf::Position(ends[1]))
        .expect("folded");
    assert_eq!(
        folded.published.content_hash,
        fx.reports
            .report("simao", 2024, AgencyScope::Own, AsOf::Latest)
            .expect("l")
            .published
            .content_hash
    );
    assert!(
        fx.reports
            .report("simao", 2024, AgencyScope::Own, AsOf::Position(ends[1] + 1))
            .is_err()
    );
}

#[tokio::test]
async fn published_reports_reproduce_and_verify() {
    let a = case_id(1);
    let events = [received(
        a,
        "simao",
        ApplicantType::Nonprofit,
        date(2024, 5, 1),
    )];
    let (fx, _) = fixture(&[&events]).await;
    let published = fx
        .reports
        .publish("simao", 2024, AgencyScope::Own, None)
        .expect("publish")
        .published;
    let stored = fx.reports.published("simao", 2024).expect("list");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].1.content_hash, published.content_hash);
    assert!(
        fx.reports
            .verify_published(&stored[0].1, stored[0].0)
            .expect("verify")
    );
    // Later events change the latest report, not the published one's reproduction.
    append(&fx.log, &[decided(a, Outcome::Disclosed, date(2024, 5, 9))]).await;
    fx.reports
        .projector()
        .catch_up(fx.reports.log(), &mut |_, _| {})
        .expect("fold");
    assert!(
        fx.reports
            .verify_published(&stored[0].1, stored[0].0)
            .expect("verify")
    );
    let mut forged = stored[0].1.clone();
    forged.as_of_position += 1;
    assert!(
        !fx.reports
            .verify_published(&forged, stored[0].0)
            .expect("verify forged")
    );
}

#[tokio::test]
async fn a_tampered_figure_fails_its_identity_and_lists_the_cases() {
    let (a, b) = (case_id(1), case_id(2));
    let events = [
        received(a, "simao", ApplicantType::LegalService, date(2024, 2, 1)),
        received(b, "simao", ApplicantType::LegalService, date(2024, 2, 2)),
        decided(b, Outcome::UnavailableNotHeld, date(2024, 2, 9)),
    ];
    let (fx, ends) = fixture(&[&events]).await;
    let mut kv: MemoryKv = as_of::fold_to(
        fx.reports.log(),
        casetrack_projector::ReadModel::Annual,
        ends[0],
    )
    .expect("fold");
    let sum_key = keys::key(&[
        "annual",
        "c",
        "simao",
        "2024",
        "applications.received.legal_service",
    ]);
    assert_eq!(kv.get(&sum_key).expect("get"), Some(keys::encode_u64(2)));
    kv.apply([(sum_key, Some(keys::encode_u64(3)))].into_iter().collect());
    let generated = generate(&kv, "simao", 2024, AgencyScope::Own, ends[0]).expect("generate");
    assert!(!generated.published.is_final());
    let balance = generated
        .problems
        .iter()
        .find(|p| p.failure.identity() == Identity::Balance)
        .expect("balance fails");
    let mut listed: Vec<_> = balance.cases.iter().map(|c| c.case_id).collect();
    listed.sort();
    listed.dedup();
    assert_eq!(listed, vec![a, b]);
}
