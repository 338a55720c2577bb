//! A running `casetrack serve`: its Prometheus endpoint — after appends the log's appends counter and the
//! projector's subscriber series move, a refused RPC increments the error series, and nobody scrapes without an
//! admin or auditor token, and an overdue ticket shows in the open and overdue cases of its agency — and reflection on each of its ports naming exactly the services that port serves.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_tests::agencies::register;
use casetrack_tests::free_port;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{
    ADMIN_TOKEN, AUDITOR_TOKEN, HOTLINE_TOKEN, STAFF_TOKEN, UPDATE_TIMEOUT, authed,
    reflected_services, served_with_standard,
};

/// One `GET /metrics` with `token` (none: no authorization header): the HTTP status line and the body.
fn scrape(port: u16, token: Option<&str>) -> anyhow::Result<(String, String)> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).context("connect")?;
    let authorization = token.map(|token| format!("Authorization: Bearer {token}\r\n"));
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n{}Connection: close\r\n\r\n",
        authorization.unwrap_or_default()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("an HTTP response")?;
    let status = head.lines().next().unwrap_or_default().to_owned();
    Ok((status, body.to_owned()))
}

/// The value of the series `series` (name and labels exactly as exported), if exported.
fn value(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            line.strip_prefix(series)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
}

/// Scrape until `series` reaches at least `at_least`; its value then.
fn wait_for(port: u16, series: &str, at_least: f64) -> anyhow::Result<f64> {
    let deadline = Instant::now() + UPDATE_TIMEOUT;
    loop {
        let (_, body) = scrape(port, Some(AUDITOR_TOKEN))?;
        match value(&body, series) {
            Some(now) if now >= at_least => return Ok(now),
            _ if Instant::now() >= deadline => bail!("{series} did not reach {at_least}:\n{body}"),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_move_with_appends_and_count_refused_calls() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let metrics_port = free_port();
    let serve = Serve::new(dir.path()).metrics_port(metrics_port);
    let server = serve.spawn("serve")?;
    let public = [
        "casetrack.v1.Intake",
        "casetrack.v1.Review",
        "casetrack.v1.Reply",
        "casetrack.v1.Agencies",
        "casetrack.v1.Reporting",
        "casetrack.v1.Audit",
    ];
    assert_eq!(
        reflected_services(&server.url()).await?,
        served_with_standard(&public)
    );
    let log_url = format!("http://127.0.0.1:{}", serve.log_port);
    let internal = served_with_standard(&["casetrack.v1.EventLog"]);
    assert_eq!(reflected_services(&log_url).await?, internal);

    let (status, _) = scrape(metrics_port, None)?;
    assert!(status.contains(" 401 "), "{status}");
    let (status, _) = scrape(metrics_port, Some(HOTLINE_TOKEN))?;
    assert!(status.contains(" 403 "), "{status}");

    register(&server.url(), ADMIN_TOKEN, &["simao"]).await?;
    let appends = wait_for(metrics_port, "casetrack_log_appends_total", 1.0)?;
    let head = wait_for(
        metrics_port,
        r#"casetrack_subscriber_head{subscriber="projector"}"#,
        1.0,
    )?;
    wait_for(
        metrics_port,
        r#"casetrack_subscriber_lag{subscriber="projector"}"#,
        0.0,
    )?;
    register(&server.url(), ADMIN_TOKEN, &["simao/finance"]).await?;
    wait_for(metrics_port, "casetrack_log_appends_total", appends + 1.0)?;
    wait_for(
        metrics_port,
        r#"casetrack_subscriber_head{subscriber="projector"}"#,
        head + 1.0,
    )?;

    let refused = r#"grpc_server_handled_total{grpc_service="casetrack.v1.Intake",grpc_method="GetCase",grpc_code="Unauthenticated"}"#;
    let before = value(&scrape(metrics_port, Some(AUDITOR_TOKEN))?.1, refused).unwrap_or(0.0);
    let mut intake = IntakeClient::connect(server.url()).await?;
    let no_token = tonic::Request::new(pb::GetCaseRequest::default());
    assert_eq!(
        intake
            .get_case(no_token)
            .await
            .map(drop)
            .unwrap_err()
            .code(),
        tonic::Code::Unauthenticated
    );
    wait_for(metrics_port, refused, before + 1.0)?;

    // An application handed in long ago and never answered is open and overdue in the queue model, and so in
    // the metrics. (Not a ticket: the router dispatches a new ticket today, which starts its clock afresh.)
    let application = pb::SubmitApplicationRequest {
        applicant: None,
        external_id: "APP-METRICS-1".into(),
        agency: "simao".into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: "2026-01-05".into(),
        receipt_confirmed_on: String::new(),
        content: "2025年度部门预算".into(),
        delivery_form: "electronic".into(),
        referred_from: String::new(),
        occurred_at: None,
    };
    intake
        .submit_application(authed(application, STAFF_TOKEN))
        .await?;
    wait_for(metrics_port, r#"casetrack_cases_open{agency="simao"}"#, 1.0)?;
    wait_for(
        metrics_port,
        r#"casetrack_cases_overdue{agency="simao"}"#,
        1.0,
    )?;
    Ok(())
}
