//! The audit trail over an embedded log: reads recorded by an [`Auditor`] reach the `audit` stream through
//! the writer and are listed with every filter and in pages; a queue the writer does not drain refuses the
//! read that would overflow it.

use std::sync::Arc;
use std::time::Duration;

use casetrack_audit::{AuditError, AuditFilter, Auditor, MAX_PENDING_RECORDS, Read, list};
use casetrack_auth::{Identity, Role};
use casetrack_eventlog::{EventLog, Log};

/// How long the writer may take to append what was recorded before the test fails.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

fn identity(name: &str, role: Role) -> Identity {
    Identity {
        name: name.into(),
        roles: [role].into(),
        source_system: "console".into(),
        jurisdiction: None,
    }
}

/// Waits until the trail holds `count` records.
async fn trail(log: &dyn Log, count: usize) -> Vec<casetrack_audit::AuditRecord> {
    let deadline = tokio::time::Instant::now() + WRITE_TIMEOUT;
    loop {
        let page = list(log, &AuditFilter::default(), 0, 100)
            .await
            .expect("list");
        if page.records.len() >= count {
            return page.records.into_iter().map(|(_, record)| record).collect();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {count} records",
            page.records.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn recorded_reads_are_listed_by_identity_case_time_and_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log: Arc<dyn Log> = Arc::new(EventLog::open(&dir.path().join("log")).expect("log"));
    let (auditor, mut writer) = Auditor::new(Arc::clone(&log));
    tokio::spawn(async move { writer.run().await });
    let (clerk, officer) = (
        identity("王科员", Role::Clerk),
        identity("李统计", Role::ReportOfficer),
    );
    let case = |n: u8| format!("case-{n}");
    auditor
        .record(
            &clerk,
            Read::new(
                "/casetrack.v1.Intake/GetCase",
                vec![case(1)],
                "case_id=case-1",
            ),
        )
        .expect("record");
    // Apart by more than the clock's resolution, so that the time filters can tell them apart.
    tokio::time::sleep(Duration::from_millis(2)).await;
    auditor
        .record(
            &officer,
            Read::new(
                "/casetrack.v1.Reporting/DrillDown",
                vec![case(1), case(2)],
                "cell=x",
            ),
        )
        .expect("record");
    tokio::time::sleep(Duration::from_millis(2)).await;
    auditor
        .record(
            &clerk,
            Read::new(
                "/casetrack.v1.Intake/GetTimeline",
                vec![case(3)],
                "case_id=case-3",
            ),
        )
        .expect("record");

    let all = trail(log.as_ref(), 3).await;
    assert_eq!(all[0].identity, "王科员");
    assert_eq!(all[0].roles, ["clerk"]);
    assert_eq!(all[0].method, "/casetrack.v1.Intake/GetCase");
    assert_eq!(all[1].case_ids, [case(1), case(2)]);
    assert!(all[0].at < all[1].at && all[1].at < all[2].at, "{all:?}");

    let by = |filter: AuditFilter| {
        let log = Arc::clone(&log);
        async move {
            let page = list(log.as_ref(), &filter, 0, 100).await.expect("list");
            page.records
                .into_iter()
                .map(|(_, r)| r.method)
                .collect::<Vec<_>>()
        }
    };
    let clerk_reads = by(AuditFilter {
        identity: Some("王科员".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        clerk_reads,
        [
            "/casetrack.v1.Intake/GetCase",
            "/casetrack.v1.Intake/GetTimeline"
        ]
    );
    let case_one = by(AuditFilter {
        case_id: Some(case(1)),
        ..Default::default()
    })
    .await;
    assert_eq!(
        case_one,
        [
            "/casetrack.v1.Intake/GetCase",
            "/casetrack.v1.Reporting/DrillDown"
        ]
    );
    let after_first = AuditFilter {
        from: Some(all[1].at),
        to: Some(all[2].at),
        ..Default::default()
    };
    assert_eq!(
        by(after_first).await,
        ["/casetrack.v1.Reporting/DrillDown"],
        "from inclusive, to exclusive"
    );

    let first = list(log.as_ref(), &AuditFilter::default(), 0, 2)
        .await
        .expect("page 1");
    assert_eq!(first.records.len(), 2);
    let next = first.next.expect("more records");
    let second = list(log.as_ref(), &AuditFilter::default(), next, 2)
        .await
        .expect("page 2");
    let methods: Vec<_> = second
        .records
        .iter()
        .map(|(_, r)| r.method.as_str())
        .collect();
    assert_eq!(methods, ["/casetrack.v1.Intake/GetTimeline"]);
    assert_eq!(second.next, None, "the trail ends there");
}

#[tokio::test]
async fn a_read_that_would_overflow_the_queue_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log: Arc<dyn Log> = Arc::new(EventLog::open(&dir.path().join("log")).expect("log"));
    // The writer never runs: the log takes no records, as in an outage.
    let (auditor, _writer) = Auditor::new(log);
    let reader = identity("王科员", Role::Clerk);
    let read = || {
        Read::new(
            "/casetrack.v1.Intake/GetCase",
            vec!["case-1".into()],
            "case_id=case-1",
        )
    };
    for _ in 0..MAX_PENDING_RECORDS {
        auditor.record(&reader, read()).expect("queued");
    }
    let refused = auditor
        .record(&reader, read())
        .expect_err("the queue is full");
    assert!(
        matches!(refused, AuditError::Backlog(MAX_PENDING_RECORDS)),
        "{refused:?}"
    );
    assert_eq!(
        tonic::Status::from(refused).code(),
        tonic::Code::Unavailable
    );
}
