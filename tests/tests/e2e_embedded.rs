//! End-to-end in the embedded mode: one `casetrack serve` process (log, in-process bus, all services on one
//! public port, the raw log on its own internal port); a ticket and an application go from intake through
//! review and reply to closed while the source system watches its status updates. And a failed write to the
//! log stops the process, whose restart recovers the log from disk.

use casetrack_api::v1 as pb;
use casetrack_api::v1::event_log_client::EventLogClient;
use casetrack_eventlog::FAIL_WRITE_ENV;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{
    ADMIN_TOKEN, Clients, STAFF_TOKEN, authed, ticket_and_application_to_closed, today,
};
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ticket_and_application_reach_closed_in_one_process() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let serve = Serve::new(dir.path());
    let server = serve.spawn("serve")?;
    let mut clients = Clients::connect(&server.url(), &server.url(), &server.url()).await?;
    let outcome = ticket_and_application_to_closed(&mut clients).await;
    if outcome.is_err() {
        eprintln!(
            "{}",
            std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default()
        );
    }
    outcome?;

    // The raw log is not on the public port, only on its own internal one.
    let mut public = EventLogClient::connect(server.url()).await?;
    let status = public
        .next_position(authed(pb::NextPositionRequest {}, ADMIN_TOKEN))
        .await
        .expect_err("no raw log on the public port");
    assert_eq!(status.code(), Code::Unimplemented, "{status:?}");
    let mut internal =
        EventLogClient::connect(format!("http://127.0.0.1:{}", serve.log_port)).await?;
    let head = internal
        .next_position(authed(pb::NextPositionRequest {}, ADMIN_TOKEN))
        .await?;
    assert!(head.into_inner().next_position > 0);
    Ok(())
}

fn application(external_id: &str) -> pb::SubmitApplicationRequest {
    pb::SubmitApplicationRequest {
        external_id: external_id.into(),
        agency: "simao".into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        content: "2025 年预算执行情况".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_write_stops_serve_and_a_restart_recovers_the_log() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let serve = Serve::new(dir.path());
    // The first two groups (the agency's registration, one submission) commit; the write of the next fails.
    let mut server = serve.clone().env(FAIL_WRITE_ENV, "2").spawn("serve")?;
    casetrack_tests::agencies::register(&server.url(), ADMIN_TOKEN, &["simao"]).await?;
    let mut clients = Clients::connect(&server.url(), &server.url(), &server.url()).await?;
    let first = clients
        .intake
        .submit_application(authed(application("F-1"), STAFF_TOKEN))
        .await?
        .into_inner();
    let status = clients
        .intake
        .submit_application(authed(application("F-2"), STAFF_TOKEN))
        .await
        .expect_err("the write fails");
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    let exit = server.wait_for_exit()?;
    assert!(!exit.success(), "the process exits non-zero: {exit:?}");

    let server = serve.spawn("serve-again")?;
    let mut clients = Clients::connect(&server.url(), &server.url(), &server.url()).await?;
    let again = clients
        .intake
        .submit_application(authed(application("F-1"), STAFF_TOKEN))
        .await?
        .into_inner();
    assert_eq!(again, first, "the committed case survived");
    // Served once the public port answers (the log listener is bound before the public port serves).
    let mut log = EventLogClient::connect(format!("http://127.0.0.1:{}", serve.log_port)).await?;
    let head = log
        .next_position(authed(pb::NextPositionRequest {}, ADMIN_TOKEN))
        .await?
        .into_inner();
    assert_eq!(
        head.next_position,
        first.position + 1,
        "exactly the committed write"
    );
    clients
        .intake
        .submit_application(authed(application("F-2"), STAFF_TOKEN))
        .await
        .expect("the restarted process writes");
    Ok(())
}
