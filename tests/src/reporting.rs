//! Helpers for the end-to-end tests of a reporting process: waiting until it has folded the log, bulk
//! submissions that keep it busy, and everything it answers about one agency and year, to compare two of them.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use casetrack_api::v1 as pb;
use casetrack_api::v1::event_log_client::EventLogClient;
use casetrack_api::v1::get_report_response::Rendered;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_api::v1::reporting_client::ReportingClient;
use tonic::transport::Channel;

use crate::services::{
    ADMIN_TOKEN, AUDITOR_TOKEN, Process, STAFF_TOKEN, authed, today, write_tokens,
};
use crate::{NatsServer, free_port};

/// How long a reporting process may take to fold everything the log holds before the test fails.
pub const CATCH_UP_TIMEOUT: Duration = Duration::from_secs(60);

/// The agency every bulk case is filed with.
pub const AGENCY: &str = "simao";

/// The base cell a natural person's application counts in the year it was received.
pub const RECEIVED_CELL: &str = "applications.received.natural_person";

/// The log head as the event log process reports it.
pub async fn log_head(log_url: &str) -> anyhow::Result<u64> {
    let mut client = EventLogClient::connect(log_url.to_owned()).await?;
    Ok(client
        .next_position(authed(pb::NextPositionRequest {}, ADMIN_TOKEN))
        .await?
        .into_inner()
        .next_position)
}

/// This year's report target for [`AGENCY`].
pub fn target() -> Option<pb::ReportTarget> {
    Some(pb::ReportTarget {
        agency: AGENCY.to_owned(),
        year: today()[..4].parse().expect("a year of four digits"),
        include_subagencies: false,
    })
}

/// The JSON report of [`AGENCY`] for this year, as the auditor reads it (as every read here).
pub async fn report(
    client: &mut ReportingClient<Channel>,
) -> anyhow::Result<pb::GetReportResponse> {
    Ok(client
        .get_report(authed(
            pb::GetReportRequest {
                target: target(),
                output: pb::ReportOutput::Json as i32,
                as_of: None,
            },
            AUDITOR_TOKEN,
        ))
        .await?
        .into_inner())
}

/// Waits until the reporting process at `url` answers as of log position `head` (or later).
pub async fn caught_up(url: &str, head: u64) -> anyhow::Result<ReportingClient<Channel>> {
    let mut client = ReportingClient::connect(url.to_owned()).await?;
    let deadline = tokio::time::Instant::now() + CATCH_UP_TIMEOUT;
    loop {
        // Before the process has folded this year's first case, the report is refused as empty (NOT_FOUND).
        let reached = match report(&mut client).await {
            Ok(response) => response.as_of_position,
            Err(e) if is_not_found(&e) => 0,
            Err(e) => return Err(e),
        };
        if reached >= head {
            return Ok(client);
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{url} reached position {reached} of {head} within {CATCH_UP_TIMEOUT:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether `error` is a NOT_FOUND status: a report refused for an unknown agency or a year without data.
pub fn is_not_found(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<tonic::Status>()
        .is_some_and(|status| status.code() == tonic::Code::NotFound)
}

/// Submits the applications `APP-BULK-{n}` for `numbers` one after the other, natural persons, received today.
pub async fn submit_applications(
    intake: &mut IntakeClient<Channel>,
    numbers: std::ops::Range<u32>,
) -> anyhow::Result<()> {
    for n in numbers {
        intake
            .submit_application(authed(
                pb::SubmitApplicationRequest {
                    applicant: None,
                    external_id: format!("APP-BULK-{n}"),
                    agency: AGENCY.into(),
                    applicant_type: "natural_person".into(),
                    channel: "in_person".into(),
                    handed_in_on: today(),
                    receipt_confirmed_on: String::new(),
                    content: format!("第 {n} 份申请：本区 2025 年预算"),
                    delivery_form: "electronic".into(),
                    referred_from: String::new(),
                    occurred_at: None,
                },
                STAFF_TOKEN,
            ))
            .await
            .with_context(|| format!("submit APP-BULK-{n}"))?;
    }
    Ok(())
}

/// What a reporting process answers about [`AGENCY`] this year: the report, the cases behind
/// [`RECEIVED_CELL`] and the open cases' queue (all in a stable order), as of one position.
#[derive(Debug, PartialEq)]
pub struct Figures {
    pub as_of_position: u64,
    pub content_hash: String,
    pub received: u64,
    pub drill_down: Vec<String>,
    pub queue: Vec<(String, String, String)>,
}

/// A JSON report as the server sent it: text, never bytes.
pub fn report_json(response: &pb::GetReportResponse) -> anyhow::Result<serde_json::Value> {
    let Some(Rendered::Text(text)) = &response.rendered else {
        anyhow::bail!("a JSON report comes as text: {:?}", response.rendered);
    };
    Ok(serde_json::from_str(text)?)
}

impl Figures {
    pub async fn read(client: &mut ReportingClient<Channel>) -> anyhow::Result<Figures> {
        let report = report(client).await?;
        let json = report_json(&report)?;
        let received = json["figures"][RECEIVED_CELL].as_u64().unwrap_or(0);
        let drill = client
            .drill_down(authed(
                pb::DrillDownRequest {
                    target: target(),
                    cell_code: RECEIVED_CELL.to_owned(),
                    ..Default::default()
                },
                AUDITOR_TOKEN,
            ))
            .await?
            .into_inner();
        let mut drill_down: Vec<String> = drill.cases.into_iter().map(|c| c.case_id).collect();
        drill_down.sort();
        let queue = client
            .queue(authed(
                pb::QueueRequest {
                    agency: AGENCY.to_owned(),
                    state: String::new(),
                    today: today(),
                    include_subagencies: false,
                },
                AUDITOR_TOKEN,
            ))
            .await?
            .into_inner();
        let mut queue: Vec<(String, String, String)> = queue
            .cases
            .into_iter()
            .map(|q| {
                let id = q.case.map(|c| c.case_id).unwrap_or_default();
                (id, q.state, q.deadline)
            })
            .collect();
        queue.sort();
        Ok(Figures {
            as_of_position: report.as_of_position,
            content_hash: report.content_hash,
            received,
            drill_down,
            queue,
        })
    }
}

/// A `casetrack reporting` process over the data directory `dir/{name}`, logging to `dir/{name}-{port}.log`,
/// with the test identities (`dir/tokens.json`), calling the log as the admin.
pub fn reporting(
    name: &str,
    log: &Process,
    nats: &NatsServer,
    dir: &Path,
) -> anyhow::Result<Process> {
    let port = free_port();
    let args = [
        "reporting".to_owned(),
        "--data".to_owned(),
        dir.join(name).display().to_string(),
        "--listen".to_owned(),
        format!("127.0.0.1:{port}"),
        // Any free port: tests run side by side, the console's default port is one.
        "--console-listen".to_owned(),
        "127.0.0.1:0".to_owned(),
        "--log".to_owned(),
        log.url(),
        "--log-token".to_owned(),
        ADMIN_TOKEN.to_owned(),
        "--nats".to_owned(),
        nats.url(),
        "--tokens".to_owned(),
        write_tokens(dir)?.display().to_string(),
    ];
    Process::spawn(&args, port, &dir.join(format!("{name}-{port}.log")))
}

/// A `casetrack eventlog` process over `dir/data`, relaying to `nats`, with the test identities
/// (`dir/tokens.json`).
pub fn eventlog(nats: &NatsServer, dir: &Path) -> anyhow::Result<Process> {
    let port = free_port();
    let args = [
        "eventlog".to_owned(),
        "--data".to_owned(),
        dir.join("data").display().to_string(),
        "--listen".to_owned(),
        format!("127.0.0.1:{port}"),
        "--nats".to_owned(),
        nats.url(),
        "--tokens".to_owned(),
        write_tokens(dir)?.display().to_string(),
    ];
    Process::spawn(&args, port, &dir.join("eventlog.log"))
}

/// Prints every process's output when `outcome` failed, so a failure in CI says what the processes saw.
pub fn explained<T>(outcome: anyhow::Result<T>, dir: &Path) -> anyhow::Result<T> {
    if outcome.is_err() {
        for entry in std::fs::read_dir(dir)?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                eprintln!("--- {} ---\n{text}", path.display());
            }
        }
    }
    outcome
}
