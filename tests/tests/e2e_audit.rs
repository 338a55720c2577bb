//! The audit of reads on a real `casetrack serve`: a staff member's GetCase and GetTimeline, a hotline's status
//! watch and a queue listing are each recorded — who, with which roles, which method, which cases, what was
//! asked, when — and the auditor finds them with `Audit.ListAuditRecords`, filtered by case and identity;
//! nobody else may read the trail.

use std::time::Duration;

use casetrack_api::v1 as pb;
use casetrack_api::v1::audit_client::AuditClient;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_api::v1::reporting_client::ReportingClient;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{
    ADMIN_TOKEN, AUDITOR_TOKEN, DISTRICT, HOTLINE_TOKEN, STAFF_TOKEN, authed, today,
};
use tonic::Code;
use tonic::transport::Channel;

/// How long the server may take to append a read's record before the test fails.
const AUDIT_TIMEOUT: Duration = Duration::from_secs(30);

/// The auditor's view of the trail filtered by `request`, once it holds at least `count` records.
async fn trail(
    audit: &mut AuditClient<Channel>,
    request: pb::ListAuditRecordsRequest,
    count: usize,
) -> anyhow::Result<Vec<pb::AuditRecord>> {
    let deadline = tokio::time::Instant::now() + AUDIT_TIMEOUT;
    loop {
        let page = audit
            .list_audit_records(authed(request.clone(), AUDITOR_TOKEN))
            .await?
            .into_inner();
        if page.records.len() >= count {
            return Ok(page.records);
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{} of {count} audit records within {AUDIT_TIMEOUT:?}",
            page.records.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn application() -> pb::SubmitApplicationRequest {
    pb::SubmitApplicationRequest {
        external_id: "APP-1".into(),
        agency: DISTRICT.into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        content: "2025 年部门预算".into(),
        delivery_form: "electronic".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_of_cases_are_recorded_and_only_the_auditor_lists_them() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Serve::new(dir.path()).spawn("serve")?;
    casetrack_tests::agencies::register(&server.url(), ADMIN_TOKEN, &[DISTRICT]).await?;
    let channel = Channel::from_shared(server.url())?.connect().await?;
    let mut intake = IntakeClient::new(channel.clone());
    let case = intake
        .submit_application(authed(application(), STAFF_TOKEN))
        .await?
        .into_inner();
    let by_number = pb::GetCaseRequest {
        tracking_number: case.tracking_number.clone(),
        ..Default::default()
    };
    intake.get_case(authed(by_number, STAFF_TOKEN)).await?;
    let by_id = pb::GetTimelineRequest {
        case_id: case.case_id.clone(),
        ..Default::default()
    };
    intake.get_timeline(authed(by_id, STAFF_TOKEN)).await?;
    let _watch = intake
        .watch_status(authed(pb::WatchStatusRequest {}, HOTLINE_TOKEN))
        .await?;
    let queue = pb::QueueRequest {
        agency: DISTRICT.into(),
        ..Default::default()
    };
    ReportingClient::new(channel.clone())
        .queue(authed(queue, STAFF_TOKEN))
        .await?;

    let mut audit = AuditClient::new(channel);
    let of_case = pb::ListAuditRecordsRequest {
        case_id: case.case_id.clone(),
        identity: STAFF_TOKEN.into(),
        ..Default::default()
    };
    let records = trail(&mut audit, of_case, 2).await?;
    let read = &records[0];
    assert_eq!(read.method, "/casetrack.v1.Intake/GetCase");
    assert_eq!(read.identity, STAFF_TOKEN);
    assert!(read.roles.contains(&"clerk".to_owned()), "{read:?}");
    assert_eq!(read.case_ids, std::slice::from_ref(&case.case_id));
    assert_eq!(
        read.query,
        format!("tracking_number={}", case.tracking_number)
    );
    assert!(read.at.is_some() && read.position > 0, "{read:?}");
    assert_eq!(records[1].method, "/casetrack.v1.Intake/GetTimeline");
    assert_eq!(records[1].query, format!("case_id={}", case.case_id));

    let by_hotline = pb::ListAuditRecordsRequest {
        identity: HOTLINE_TOKEN.into(),
        ..Default::default()
    };
    let watched = trail(&mut audit, by_hotline, 1).await?;
    assert_eq!(watched[0].method, "/casetrack.v1.Intake/WatchStatus");
    assert_eq!(watched[0].query, "source_system=12345");
    let everything = trail(&mut audit, pb::ListAuditRecordsRequest::default(), 4).await?;
    assert!(
        everything
            .iter()
            .any(|r| r.method == "/casetrack.v1.Reporting/Queue"),
        "{everything:?}"
    );

    let staff = audit
        .list_audit_records(authed(pb::ListAuditRecordsRequest::default(), STAFF_TOKEN))
        .await
        .expect_err("staff may not read the trail");
    assert_eq!(staff.code(), Code::PermissionDenied);
    let too_big = pb::ListAuditRecordsRequest {
        page_size: 100_000,
        ..Default::default()
    };
    let refused = audit
        .list_audit_records(authed(too_big, AUDITOR_TOKEN))
        .await
        .expect_err("page too large");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(refused.message().contains("page_size"), "{refused:?}");
    Ok(())
}
