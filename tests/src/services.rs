//! Helpers for the end-to-end tests of the command services: the casetrack binary, processes that are killed
//! when dropped, authenticated clients, and the one scenario both deployment modes must pass.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_api::v1::reply_client::ReplyClient;
use casetrack_api::v1::review_client::ReviewClient;
use tonic::transport::Channel;

/// The token of the test's hotline source system, and its source system.
pub const HOTLINE_TOKEN: &str = "hotline-token";
pub const HOTLINE_SOURCE: &str = "12345";
/// The token of the district's staff (every staff role but the auditor's), and their source system.
pub const STAFF_TOKEN: &str = "staff-token";
pub const STAFF_SOURCE: &str = "console";
/// The roles of [`STAFF_TOKEN`].
pub const STAFF_ROLES: [&str; 5] = [
    "clerk",
    "reviewer",
    "approver",
    "reply_officer",
    "report_officer",
];
/// The token the command services call the log with (admin), as `CASETRACK_LOG_TOKEN`.
pub const ADMIN_TOKEN: &str = "admin-token";
/// The token of an auditor of the whole deployment: reads every agency's reports.
pub const AUDITOR_TOKEN: &str = "auditor-token";
/// The jurisdiction of the test's hotline and staff.
pub const DISTRICT: &str = "simao";

/// How long a spawned casetrack process may take to accept connections.
pub const PROCESS_START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the scenario waits for a status update before failing.
pub const UPDATE_TIMEOUT: Duration = Duration::from_secs(30);

/// One identity of a test token file: token, roles, source system, jurisdiction.
pub type TestIdentity<'a> = (&'a str, &'a [&'a str], &'a str, Option<&'a str>);

/// The hotline, the staff, the admin and the auditor of the tests.
pub const TEST_IDENTITIES: [TestIdentity<'static>; 4] = [
    (HOTLINE_TOKEN, &["hotline"], HOTLINE_SOURCE, Some(DISTRICT)),
    (STAFF_TOKEN, &STAFF_ROLES, STAFF_SOURCE, Some(DISTRICT)),
    (ADMIN_TOKEN, &["admin"], "ops", None),
    (AUDITOR_TOKEN, &["auditor"], "audit", None),
];

/// A token file admitting `identities` (each named after its token), as an operator would write it.
pub fn token_file(identities: &[TestIdentity<'_>]) -> String {
    let entries: Vec<serde_json::Value> = identities
        .iter()
        .map(|(token, roles, source, jurisdiction)| {
            let mut entry = serde_json::json!({
                "name": token,
                "token_sha256": casetrack_auth::token_sha256(token),
                "roles": roles,
                "source_system": source,
            });
            if let Some(jurisdiction) = jurisdiction {
                entry["jurisdiction"] = (*jurisdiction).into();
            }
            entry
        })
        .collect();
    serde_json::json!({ "identities": entries }).to_string()
}

/// Write the token file the servers load (`--tokens`): [`TEST_IDENTITIES`].
pub fn write_tokens(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("tokens.json");
    std::fs::write(&path, token_file(&TEST_IDENTITIES)).context("write tokens.json")?;
    Ok(path)
}

/// The casetrack binary of this build: `target/<profile>/casetrack`, next to the directory holding the test
/// executable (`target/<profile>/deps/`). `cargo test --workspace` builds it; when testing this package alone,
/// build it first with `cargo build -p casetrack`.
pub fn casetrack_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locate the test executable")?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("test executable has no target directory")?;
    let binary = profile_dir.join("casetrack");
    ensure!(
        binary.exists(),
        "{} not found: run `cargo build -p casetrack` first",
        binary.display()
    );
    Ok(binary)
}

/// A spawned casetrack process, killed and reaped when dropped.
pub struct Process {
    child: Child,
    pub port: u16,
}

impl Process {
    /// Spawn `casetrack <args>` and wait until it accepts TCP connections on `port`.
    pub fn spawn(args: &[String], port: u16, log_file: &Path) -> anyhow::Result<Process> {
        Process::spawn_with_env(args, &[], port, log_file)
    }

    /// [`Process::spawn`] with environment variables `env` set for the process.
    pub fn spawn_with_env(
        args: &[String],
        env: &[(&str, &str)],
        port: u16,
        log_file: &Path,
    ) -> anyhow::Result<Process> {
        let log = std::fs::File::create(log_file).context("create process log")?;
        let child = Command::new(casetrack_binary()?)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("spawn casetrack")?;
        let mut process = Process { child, port };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + PROCESS_START_TIMEOUT;
        loop {
            if let Some(status) = process.child.try_wait()? {
                let output = std::fs::read_to_string(log_file).unwrap_or_default();
                bail!("casetrack {args:?} exited with {status}:\n{output}");
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(50)).is_ok() {
                return Ok(process);
            }
            if Instant::now() >= deadline {
                bail!(
                    "casetrack {args:?} did not listen on {address} within {PROCESS_START_TIMEOUT:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Whether the process is still running (it has not exited or been restarted by anyone).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The exit status of a process expected to stop by itself, or an error if it is still running after
    /// [`PROCESS_START_TIMEOUT`].
    pub fn wait_for_exit(&mut self) -> anyhow::Result<std::process::ExitStatus> {
        let deadline = Instant::now() + PROCESS_START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() >= deadline {
                bail!("casetrack did not exit within {PROCESS_START_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request carrying `authorization: Bearer <token>`.
pub fn authed<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    let value = format!("Bearer {token}").parse().expect("a token is ASCII");
    request.metadata_mut().insert("authorization", value);
    request
}

/// Today's date in China (the statutory calendar), as the servers compute it from their clock.
pub fn today() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let china_days = (now.as_secs() + 8 * 3600) / 86_400;
    civil_from_days(china_days as i64)
}

// Howard Hinnant's days-from-civil inverse: days since 1970-01-01 → "YYYY-MM-DD", without a date crate.
fn civil_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn command_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Clients of the three services (one URL each; the same URL in embedded mode).
pub struct Clients {
    pub intake: IntakeClient<Channel>,
    pub review: ReviewClient<Channel>,
    pub reply: ReplyClient<Channel>,
    /// Where the `Agencies` service is reached (every command-service process serves it).
    pub agencies_url: String,
}

impl Clients {
    pub async fn connect(intake: &str, review: &str, reply: &str) -> anyhow::Result<Clients> {
        Ok(Clients {
            intake: IntakeClient::connect(intake.to_owned()).await?,
            review: ReviewClient::connect(review.to_owned()).await?,
            reply: ReplyClient::connect(reply.to_owned()).await?,
            agencies_url: intake.to_owned(),
        })
    }
}

/// Status updates received so far, by case id: the event types in order of arrival.
type Seen = HashMap<String, Vec<pb::StatusUpdate>>;

async fn wait_for(
    updates: &mut tonic::Streaming<pb::StatusUpdate>,
    seen: &mut Seen,
    case_id: &str,
    status: &str,
) -> anyhow::Result<pb::StatusUpdate> {
    let find = |seen: &Seen| {
        seen.get(case_id)
            .and_then(|list| list.iter().find(|u| u.status == status).cloned())
    };
    let deadline = tokio::time::Instant::now() + UPDATE_TIMEOUT;
    loop {
        if let Some(update) = find(seen) {
            return Ok(update);
        }
        let next = tokio::time::timeout_at(deadline, updates.message())
            .await
            .with_context(|| {
                format!("no {status} update for {case_id} within {UPDATE_TIMEOUT:?}; seen {seen:?}")
            })??
            .context("status stream ended")?;
        seen.entry(next.case_id.clone()).or_default().push(next);
    }
}

/// A hotline ticket and the disclosure application it was referred to, each from intake through review (the
/// ticket routed by the review reaction) and reply to closed, while the hotline watches the status updates of
/// its own ticket (and sees none of the application, which the staff registered).
pub async fn ticket_and_application_to_closed(clients: &mut Clients) -> anyhow::Result<()> {
    let day = today();
    crate::agencies::register(&clients.agencies_url, ADMIN_TOKEN, &["simao"]).await?;
    let mut updates = clients
        .intake
        .watch_status(authed(pb::WatchStatusRequest {}, HOTLINE_TOKEN))
        .await?
        .into_inner();
    let mut seen = Seen::new();

    let ticket = clients
        .intake
        .submit_hotline_ticket(authed(
            pb::SubmitHotlineTicketRequest {
                caller: None,
                external_id: "WO-1".into(),
                agency: "simao".into(),
                line: "12345".into(),
                category: "consultation".into(),
                received_on: day.clone(),
                summary: "How do I apply for the 2025 budget?".into(),
                occurred_at: None,
            },
            HOTLINE_TOKEN,
        ))
        .await?
        .into_inner();
    let application = clients
        .intake
        .submit_application(authed(
            pb::SubmitApplicationRequest {
                applicant: None,
                external_id: "APP-1".into(),
                agency: "simao".into(),
                applicant_type: "natural_person".into(),
                channel: "in_person".into(),
                handed_in_on: day.clone(),
                receipt_confirmed_on: String::new(),
                content: "The 2025 budget of the district".into(),
                delivery_form: "electronic".into(),
                referred_from: ticket.case_id.clone(),
                occurred_at: None,
            },
            STAFF_TOKEN,
        ))
        .await?
        .into_inner();
    ensure!(
        ticket.tracking_number != application.tracking_number,
        "tracking numbers must differ"
    );

    // Review routes the ticket by itself; the unit it chose is in the update.
    let dispatched = wait_for(
        &mut updates,
        &mut seen,
        &ticket.case_id,
        "HotlineDispatched",
    )
    .await?;
    let data: serde_json::Value = serde_json::from_str(&dispatched.data_json)?;
    let unit = data["unit"]
        .as_str()
        .context("dispatch names a unit")?
        .to_owned();
    ensure!(
        unit == "simao",
        "consultations route to the agency itself, got {unit}"
    );

    let id = |case: &pb::CaseRef| case.case_id.clone();
    let staff = STAFF_TOKEN;
    clients
        .review
        .sign_ticket(authed(
            pb::SignTicketRequest {
                command_id: command_id(),
                case_id: id(&ticket),
                unit: unit.clone(),
                signed_on: day.clone(),
                occurred_at: None,
            },
            staff,
        ))
        .await?;
    clients
        .review
        .handle_ticket(authed(
            pb::HandleTicketRequest {
                command_id: command_id(),
                case_id: id(&ticket),
                result: "Explained how to apply; application filed".into(),
                handled_on: day.clone(),
                occurred_at: None,
            },
            staff,
        ))
        .await?;
    clients
        .reply
        .reply_to_caller(authed(
            pb::ReplyToCallerRequest {
                command_id: command_id(),
                case_id: id(&ticket),
                replied_on: day.clone(),
                occurred_at: None,
            },
            staff,
        ))
        .await?;
    clients
        .reply
        .close(authed(
            pb::CloseRequest {
                command_id: command_id(),
                case_id: id(&ticket),
                closed_on: day.clone(),
                occurred_at: None,
            },
            staff,
        ))
        .await?;
    clients
        .reply
        .record_follow_up(authed(
            pb::RecordFollowUpRequest {
                command_id: command_id(),
                case_id: id(&ticket),
                satisfaction: "satisfied".into(),
                followed_up_on: day.clone(),
                occurred_at: None,
            },
            staff,
        ))
        .await?;

    clients
        .review
        .decide(authed(
            pb::DecideRequest {
                command_id: command_id(),
                case_id: id(&application),
                outcome: "disclosed".into(),
                legal_reason: "《政府信息公开条例》第三十六条第（二）项".into(),
                decided_on: day.clone(),
                occurred_at: None,
            },
            staff,
        ))
        .await?;
    clients
        .reply
        .deliver_reply(authed(
            pb::DeliverReplyRequest {
                command_id: command_id(),
                case_id: id(&application),
                delivered_on: day.clone(),
                method: "email".into(),
                occurred_at: None,
            },
            staff,
        ))
        .await?;
    let closed = clients
        .reply
        .close(authed(
            pb::CloseRequest {
                command_id: command_id(),
                case_id: id(&application),
                closed_on: day.clone(),
                occurred_at: None,
            },
            staff,
        ))
        .await?
        .into_inner();
    ensure!(
        closed.tracking_number == application.tracking_number,
        "commands return the case's tracking number"
    );

    // The hotline saw every step of its ticket, in order, with its tracking number.
    wait_for(
        &mut updates,
        &mut seen,
        &ticket.case_id,
        "HotlineFollowedUp",
    )
    .await?;
    let statuses = |case: &pb::CaseRef| -> Vec<String> {
        seen[&case.case_id]
            .iter()
            .map(|u| u.status.clone())
            .collect()
    };
    let ticket_steps = [
        "HotlineReceived",
        "HotlineDispatched",
        "HotlineSigned",
        "HotlineHandled",
        "HotlineReplied",
        "HotlineClosed",
        "HotlineFollowedUp",
    ];
    ensure!(
        statuses(&ticket) == ticket_steps,
        "ticket updates {:?}",
        statuses(&ticket)
    );
    ensure!(
        !seen.contains_key(&application.case_id),
        "the hotline was sent updates of a case it did not submit"
    );
    ensure!(
        seen[&ticket.case_id]
            .iter()
            .all(|u| u.tracking_number == ticket.tracking_number)
    );
    let positions: Vec<u64> = seen[&ticket.case_id].iter().map(|u| u.position).collect();
    ensure!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "updates in log order: {positions:?}"
    );

    // Both are closed, as looked up by tracking number.
    for case in [&ticket, &application] {
        let info = clients
            .intake
            .get_case(authed(
                pb::GetCaseRequest {
                    tracking_number: case.tracking_number.clone(),
                    case_id: String::new(),
                },
                staff,
            ))
            .await?
            .into_inner();
        ensure!(
            info.status == "closed",
            "{} is {} ({})",
            case.tracking_number,
            info.status,
            info.stage
        );
        ensure!(info.r#ref.as_ref().map(|r| r.case_id.as_str()) == Some(case.case_id.as_str()));
    }
    let source = |case: &pb::CaseRef, token: &'static str| {
        let mut intake = clients.intake.clone();
        let request = pb::GetCaseRequest {
            case_id: case.case_id.clone(),
            tracking_number: String::new(),
        };
        async move { intake.get_case(authed(request, token)).await }
    };
    let ticket_info = source(&ticket, HOTLINE_TOKEN).await?.into_inner();
    ensure!(
        ticket_info.source_system == HOTLINE_SOURCE,
        "source system recorded: {}",
        ticket_info.source_system
    );
    // The hotline reads its own ticket, not the application the staff registered: to it, that is no case.
    let status = source(&application, HOTLINE_TOKEN)
        .await
        .err()
        .context("the hotline read a case it did not submit")?;
    ensure!(status.code() == tonic::Code::NotFound, "{status:?}");
    Ok(())
}

/// The services the server at `url` names through reflection (v1 `ListServices`), sorted.
pub async fn reflected_services(url: &str) -> anyhow::Result<Vec<String>> {
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    let channel = Channel::from_shared(url.to_owned())?.connect().await?;
    let mut reflection = ServerReflectionClient::new(channel);
    let request = tonic_reflection::pb::v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::once(request))
        .await?
        .into_inner();
    let response = responses
        .message()
        .await?
        .context("no reflection response")?;
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        bail!("unexpected reflection response {response:?}");
    };
    let mut names: Vec<String> = list
        .service
        .into_iter()
        .map(|service| service.name)
        .collect();
    names.sort();
    Ok(names)
}

/// `services` and what every casetrack port serves beside them (health, both reflection versions), sorted: what
/// [`reflected_services`] must return for a port serving `services`.
pub fn served_with_standard(services: &[&str]) -> Vec<String> {
    let standard = casetrack_auth::policy::PUBLIC_SERVICES;
    let mut names: Vec<String> = services
        .iter()
        .chain(&standard)
        .map(|name| (*name).to_owned())
        .collect();
    names.sort();
    names
}
