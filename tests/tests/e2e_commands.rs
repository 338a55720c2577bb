//! The command services' contract, over a real loopback gRPC port against a real (temporary) event log:
//! idempotent intake, one winner among concurrent conflicting commands, bad requests refused with the field
//! named and nothing written, request size limit, authentication, tracking numbers, health and reflection,
//! deadline reminders, and looking a case and its Chinese timeline up by case id or tracking number.

use std::future::Future;
use std::sync::Arc;

use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_client::AgenciesClient;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_api::v1::reply_client::ReplyClient;
use casetrack_api::v1::review_client::ReviewClient;
use casetrack_auth::{TokenSource, Tokens};
use casetrack_domain::Calendar;
use casetrack_domain::deadline::Clocks;
use casetrack_eventlog::grpc::EventLogService;
use casetrack_eventlog::{Direction, EventLog, Log, RemoteLog};
use casetrack_handlers::{
    Commands, DomainAppendGuard, GrpcServer, MAX_REQUEST_BYTES, Reminders, ReplyService, Watchers,
};
use casetrack_projector::{Projector, projections_dir};
use casetrack_tests::services::{
    ADMIN_TOKEN, DISTRICT, HOTLINE_TOKEN, STAFF_TOKEN, TEST_IDENTITIES, authed,
    served_with_standard, today, token_file,
};
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

struct Harness {
    log: EventLog,
    commands: Commands,
    channel: Channel,
    intake: IntakeClient<Channel>,
    review: ReviewClient<Channel>,
    reply: ReplyClient<Channel>,
    agencies: AgenciesClient<Channel>,
    _stop: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

/// The agencies these tests file cases under.
const TEST_AGENCIES: [&str; 2] = ["simao", "simao/finance"];

async fn start() -> Harness {
    start_with(LogMode::Embedded).await
}

/// How the services reach the log: in process, or through the EventLog gRPC service as in the
/// multi-process layout.
enum LogMode {
    Embedded,
    Remote,
}

/// A scenario run twice: on the embedded log, and through a remote one (on a multi-threaded runtime, as the
/// gRPC client and server then really run side by side).
macro_rules! on_both_logs {
    ($scenario:ident, $embedded:ident, $remote:ident) => {
        #[tokio::test]
        async fn $embedded() {
            $scenario(start_with(LogMode::Embedded).await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $remote() {
            $scenario(start_with(LogMode::Remote).await).await;
        }
    };
}

async fn start_with(mode: LogMode) -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    let case_log: Arc<dyn Log> = match mode {
        LogMode::Embedded => Arc::new(log.clone()),
        LogMode::Remote => {
            let mut server = GrpcServer::new(tokens());
            server
                .add(EventLogService::new(log.clone(), Arc::new(DomainAppendGuard)).into_server());
            let url = spawn_server(server, std::future::pending()).await;
            let remote = RemoteLog::connect(url, ADMIN_TOKEN).await;
            Arc::new(remote.expect("connect to the log"))
        }
    };
    let commands = commands(case_log);
    let mut server = GrpcServer::new(tokens());
    let watchers = Watchers::new(commands.log().clone(), dir.path().join("watch"));
    let (auditor, mut writer) = casetrack_audit::Auditor::new(commands.log().clone());
    tokio::spawn(async move { writer.run().await });
    server.add_command_services(commands.clone(), watchers, auditor);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let url = spawn_server(server, async {
        let _ = stopped.await;
    })
    .await;
    casetrack_tests::agencies::register(&url, ADMIN_TOKEN, &TEST_AGENCIES)
        .await
        .expect("register the test agencies");
    let channel = connect(url).await;
    Harness {
        log,
        commands,
        channel: channel.clone(),
        intake: IntakeClient::new(channel.clone()).max_encoding_message_size(4 * MAX_REQUEST_BYTES),
        review: ReviewClient::new(channel.clone()),
        reply: ReplyClient::new(channel.clone()),
        agencies: AgenciesClient::new(channel),
        _stop: stop,
        _dir: dir,
    }
}

impl Harness {
    /// Submit `application(external_id)` as the staff, which must succeed.
    async fn submit(&mut self, external_id: &str) -> pb::CaseRef {
        self.intake
            .submit_application(authed(application(external_id), STAFF_TOKEN))
            .await
            .expect("submit")
            .into_inner()
    }
}

/// Reminders over a projector caught up with the harness's log (the queue model they read).
fn reminders(h: &Harness, within_working_days: i64) -> Reminders {
    let projector = Projector::open(&projections_dir(h._dir.path())).expect("projector");
    projector.catch_up(&h.log, &mut |_, _| {}).expect("fold");
    Reminders::new(h.commands.clone(), projector, within_working_days)
}

/// The tests' identities, and a clerk of another source system ("other-line").
fn tokens() -> TokenSource {
    let other: [&str; 1] = ["clerk"];
    let mut identities = TEST_IDENTITIES.to_vec();
    identities.push(("other-line", &other, "12328", Some(DISTRICT)));
    TokenSource::fixed(Tokens::parse("test", &token_file(&identities)).expect("tokens"))
}

/// The executor the services share, over `log`.
fn commands(log: Arc<dyn Log>) -> Commands {
    let clocks = Clocks::new(Calendar::embedded().expect("calendar"));
    Commands::new(log, clocks, "SM".parse().expect("prefix"))
}

/// Serve `server` on a free loopback port until `shutdown`; its URL.
async fn spawn_server(
    server: GrpcServer,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(server.serve(listener, shutdown));
    url
}

async fn connect(url: String) -> Channel {
    Channel::from_shared(url)
        .expect("url")
        .connect()
        .await
        .expect("connect")
}

fn application(external_id: &str) -> pb::SubmitApplicationRequest {
    pb::SubmitApplicationRequest {
        applicant: None,
        external_id: external_id.into(),
        agency: "simao/finance".into(),
        applicant_type: "business".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        receipt_confirmed_on: String::new(),
        content: "Procurement contracts of 2025".into(),
        delivery_form: String::new(),
        referred_from: String::new(),
        occurred_at: None,
    }
}

fn decide(case_id: &str, command_id: &str, outcome: &str, legal_reason: &str) -> pb::DecideRequest {
    pb::DecideRequest {
        command_id: command_id.into(),
        case_id: case_id.into(),
        outcome: outcome.into(),
        legal_reason: legal_reason.into(),
        decided_on: today(),
        occurred_at: None,
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `status` is a refusal with `code` that names `field` in its details.
fn assert_refused(status: &Status, code: Code, field: &str) {
    assert_eq!(status.code(), code, "{status:?}");
    assert_eq!(violated_field(status).as_deref(), Some(field), "{status:?}");
}

/// The field a refusal names in its google.rpc.BadRequest details.
fn violated_field(status: &Status) -> Option<String> {
    let bad_request = status.get_details_bad_request()?;
    bad_request
        .field_violations
        .first()
        .map(|v| v.field.clone())
}

on_both_logs!(
    intake_retries,
    intake_retries_with_the_same_external_id_yield_one_case,
    intake_retries_yield_one_case_through_a_remote_log
);

async fn intake_retries(mut h: Harness) {
    let first = h.submit("A-1").await;
    assert!(
        first.tracking_number.starts_with("SM-") && first.tracking_number.ends_with("-000001"),
        "{first:?}"
    );
    let head = h.log.next_position();

    // Sequential and concurrent retries (a client that timed out and tried again) all get the first answer.
    let again = h
        .intake
        .submit_application(authed(application("A-1"), STAFF_TOKEN))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(again, first);
    let retries = (0..8).map(|_| {
        let mut intake = h.intake.clone();
        tokio::spawn(async move {
            intake
                .submit_application(authed(application("A-1"), STAFF_TOKEN))
                .await
        })
    });
    for retry in retries {
        assert_eq!(
            retry.await.expect("task").expect("retry").into_inner(),
            first
        );
    }
    assert_eq!(h.log.next_position(), head, "retries write nothing");

    // The key is (authenticated source system, external id): another line's "A-1" is another case.
    let other = h
        .intake
        .submit_application(authed(application("A-1"), "other-line"))
        .await
        .expect("submit")
        .into_inner();
    assert_ne!(other.case_id, first.case_id);
    assert!(
        other.tracking_number.ends_with("-000002"),
        "numbers are allocated in sequence: {other:?}"
    );

    // Reusing an external id for another kind of case is refused, naming the field.
    let proposal = pb::SubmitProposalRequest {
        external_id: "A-1".into(),
        agency: "simao".into(),
        kind: "npc_suggestion".into(),
        number: "1".into(),
        title: "x".into(),
        lead_unit: "simao".into(),
        co_units: Vec::new(),
        assigned_on: today(),
        occurred_at: None,
    };
    let status = h
        .intake
        .submit_proposal(authed(proposal, STAFF_TOKEN))
        .await
        .expect_err("reused id");
    assert_refused(&status, Code::FailedPrecondition, "external_id");

    // And the case is found by its tracking number.
    let info = h
        .intake
        .get_case(authed(
            pb::GetCaseRequest {
                tracking_number: first.tracking_number.clone(),
                case_id: String::new(),
            },
            STAFF_TOKEN,
        ))
        .await
        .expect("get")
        .into_inner();
    assert_eq!(info.r#ref.expect("ref").case_id, first.case_id);
    assert_eq!(
        (
            info.kind.as_str(),
            info.stage.as_str(),
            info.status.as_str()
        ),
        ("application", "under_review", "open")
    );
}

on_both_logs!(
    conflicting_commands,
    concurrent_conflicting_commands_have_one_winner,
    concurrent_conflicting_commands_have_one_winner_through_a_remote_log
);

async fn conflicting_commands(mut h: Harness) {
    let case = h.submit("A-2").await;
    let outcomes = [
        "disclosed",
        "partly_disclosed",
        "withheld.third_party",
        "unavailable.not_held",
    ];
    let racers: Vec<_> = (0..8)
        .map(|i| {
            let mut review = h.review.clone();
            let request = decide(
                &case.case_id,
                &new_id(),
                outcomes[i % outcomes.len()],
                "《条例》第三十六条",
            );
            tokio::spawn(async move { review.decide(authed(request, STAFF_TOKEN)).await })
        })
        .collect();
    let mut winners = 0;
    for racer in racers {
        match racer.await.expect("task") {
            Ok(_) => winners += 1,
            Err(status) => assert!(
                matches!(status.code(), Code::FailedPrecondition | Code::Aborted),
                "the loser gets a clear error, got {status:?}"
            ),
        }
    }
    assert_eq!(winners, 1);
    let stream = h
        .log
        .read_stream(&case.stream, 0, Direction::Forward, 100)
        .expect("read");
    assert_eq!(
        stream
            .iter()
            .filter(|e| e.event_type == "ApplicationDecided")
            .count(),
        1
    );

    // A retried command (same command_id) returns its original result and writes nothing.
    let command_id = new_id();
    let request = pb::DeliverReplyRequest {
        command_id: command_id.clone(),
        case_id: case.case_id.clone(),
        delivered_on: today(),
        method: "post".into(),
        occurred_at: None,
    };
    let first = h
        .reply
        .deliver_reply(authed(request.clone(), STAFF_TOKEN))
        .await
        .expect("deliver")
        .into_inner();
    let head = h.log.next_position();
    let again = h
        .reply
        .deliver_reply(authed(request, STAFF_TOKEN))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(again, first);
    assert_eq!(h.log.next_position(), head);
}

/// The RFC 3339 instant `text` as a request's `occurred_at`.
fn instant(text: &str) -> Option<prost_types::Timestamp> {
    let at = chrono::DateTime::parse_from_rfc3339(text).expect("RFC 3339");
    Some(std::time::SystemTime::from(at).into())
}
#[tokio::test]
async fn bad_requests_are_refused_naming_the_field_and_write_nothing() {
    let mut h = start().await;
    let case = h.submit("A-3").await;
    let head = h.log.next_position();

    let mut bad_date = application("A-4");
    bad_date.handed_in_on = "2026-02-30".into();
    let mut bad_type = application("A-5");
    bad_type.applicant_type = "martian".into();
    let mut future = application("A-6");
    future.handed_in_on = "2999-01-01".into();
    let mut no_external_id = application("");
    no_external_id.external_id.clear();
    let intake_cases = [
        (bad_date, Code::InvalidArgument, "handed_in_on"),
        (bad_type, Code::InvalidArgument, "applicant_type"),
        (future, Code::InvalidArgument, "handed_in_on"),
        (no_external_id, Code::InvalidArgument, "external_id"),
    ];
    for (request, code, field) in intake_cases {
        let status = h
            .intake
            .submit_application(authed(request, STAFF_TOKEN))
            .await
            .expect_err("refused");
        assert_refused(&status, code, field);
        assert!(
            status.message().starts_with(field),
            "the message names the field too: {}",
            status.message()
        );
    }

    let review_cases = [
        (
            decide(&case.case_id, &new_id(), "no.such.outcome", "x"),
            Code::InvalidArgument,
            "outcome",
        ),
        (
            decide(&case.case_id, &new_id(), "disclosed", ""),
            Code::InvalidArgument,
            "legal_reason",
        ),
        (
            decide(&case.case_id, "not-a-uuid", "disclosed", "x"),
            Code::InvalidArgument,
            "command_id",
        ),
        (
            decide(&new_id(), &new_id(), "disclosed", "x"),
            Code::NotFound,
            "case_id",
        ),
    ];
    for (request, code, field) in review_cases {
        let status = h
            .review
            .decide(authed(request, STAFF_TOKEN))
            .await
            .expect_err("refused");
        assert_refused(&status, code, field);
    }

    // A lifecycle rule: an application cannot close before it is decided and answered.
    let close = pb::CloseRequest {
        command_id: new_id(),
        case_id: case.case_id.clone(),
        closed_on: today(),
        occurred_at: None,
    };
    let status = h
        .reply
        .close(authed(close, STAFF_TOKEN))
        .await
        .expect_err("not decided");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(violated_field(&status).is_some());

    // Unauthenticated callers and oversized requests are refused before any handler runs.
    let status = h
        .intake
        .submit_application(tonic::Request::new(application("A-7")))
        .await
        .expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated);
    let status = h
        .intake
        .submit_application(authed(application("A-8"), "wrong"))
        .await
        .expect_err("bad token");
    assert_eq!(status.code(), Code::Unauthenticated);
    let mut huge = application("A-9");
    huge.content = "x".repeat(MAX_REQUEST_BYTES + 1);
    let status = h
        .intake
        .submit_application(authed(huge, STAFF_TOKEN))
        .await
        .expect_err("too large");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("MAX_REQUEST_BYTES"),
        "the refusal names the limit: {}",
        status.message()
    );

    assert_eq!(
        h.log.next_position(),
        head,
        "no refused request wrote anything"
    );
}

#[tokio::test]
async fn every_server_offers_health_and_reflection() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(&dir.path().join("log")).expect("open log");
    let mut server = GrpcServer::new(tokens());
    server.add(ReplyService::new(commands(Arc::new(log))).into_server());
    let channel = connect(spawn_server(server, std::future::pending()).await).await;

    use tonic_health::pb::health_client::HealthClient;
    let mut health = HealthClient::new(channel.clone());
    let check = tonic_health::pb::HealthCheckRequest {
        service: "casetrack.v1.Reply".into(),
    };
    let response = health.check(check).await.expect("health").into_inner();
    assert_eq!(
        response.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    let mut reflection = ServerReflectionClient::new(channel);
    let request = tonic_reflection::pb::v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses
        .message()
        .await
        .expect("message")
        .expect("one response");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("unexpected reflection response {response:?}");
    };
    let mut names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    // Exactly what this server serves: none of the services it does not.
    assert_eq!(names, served_with_standard(&["casetrack.v1.Reply"]));
}

#[tokio::test]
async fn overdue_dispatched_tickets_get_one_reminder_per_deadline() {
    let mut h = start().await;
    let received_on = "2026-10-09"; // a Friday; with a 3-working-day limit long overdue by the time this runs
    let ticket = pb::SubmitHotlineTicketRequest {
        caller: None,
        external_id: "WO-9".into(),
        agency: "simao".into(),
        line: "12345".into(),
        category: "help".into(),
        received_on: received_on.into(),
        summary: "Street light broken".into(),
        occurred_at: None,
    };
    let ticket = h
        .intake
        .submit_hotline_ticket(authed(ticket, HOTLINE_TOKEN))
        .await
        .expect("submit")
        .into_inner();
    let dispatch = pb::DispatchTicketRequest {
        command_id: new_id(),
        case_id: ticket.case_id.clone(),
        unit: "simao/roads".into(),
        time_limit_working_days: 3,
        dispatched_on: received_on.into(),
        occurred_at: None,
    };
    h.review
        .dispatch_ticket(authed(dispatch, STAFF_TOKEN))
        .await
        .expect("dispatch");

    let reminders = reminders(&h, 1);
    let now = chrono::Utc::now();
    assert_eq!(reminders.run_once(now).await.expect("pass"), 1);
    assert_eq!(
        reminders.run_once(now).await.expect("second pass"),
        1,
        "the same deadline's reminder again"
    );
    let stream = h
        .log
        .read_stream(&ticket.stream, 0, Direction::Forward, 100)
        .expect("read");
    let reminded: Vec<_> = stream
        .iter()
        .filter(|e| e.event_type == "HotlineReminded")
        .collect();
    assert_eq!(
        reminded.len(),
        1,
        "one reminder per deadline, however often the pass runs"
    );
    assert_eq!(
        reminded[0].data["level"], "supervise",
        "overdue tickets are escalated"
    );
}

/// The reminder events of `stream`, as (event type, level).
fn reminders_in(log: &EventLog, stream: &str) -> Vec<(String, String)> {
    log.read_stream(stream, 0, Direction::Forward, 100)
        .expect("read")
        .into_iter()
        .filter(|e| e.event_type.ends_with("Reminded"))
        .map(|e| {
            (
                e.event_type,
                e.data["level"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Midday (UTC) of a working day `n` working days after `from`.
fn working_days_after(from: &str, n: u32) -> chrono::DateTime<chrono::Utc> {
    let from = chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").expect("date");
    let day = Calendar::embedded()
        .expect("calendar")
        .add_working_days(from, n)
        .expect("in the calendar");
    day.and_hms_opt(4, 0, 0).expect("time").and_utc()
}

#[tokio::test]
async fn open_applications_are_urged_then_supervised_once_each_and_closed_ones_never() {
    let mut h = start().await;
    let received_on = "2026-03-02"; // a Monday; the Art. 33 reply is due 20 working days later
    let recorded_at = instant(&format!("{received_on}T02:00:00Z"));
    let submit = |external_id: &str| {
        let mut request = application(external_id);
        request.handed_in_on = received_on.into();
        request.occurred_at = recorded_at;
        let mut intake = h.intake.clone();
        async move {
            intake
                .submit_application(authed(request, STAFF_TOKEN))
                .await
                .expect("submit")
                .into_inner()
        }
    };
    let open = submit("R-OPEN").await;
    let closed = submit("R-CLOSED").await;
    let decided_at = instant("2026-03-04T02:00:00Z");
    let mut request = decide(&closed.case_id, &new_id(), "disclosed", "条例 Art. 36(二)");
    request.decided_on = "2026-03-04".into();
    request.occurred_at = decided_at;
    h.review
        .decide(authed(request, STAFF_TOKEN))
        .await
        .expect("decide");
    let deliver = pb::DeliverReplyRequest {
        command_id: new_id(),
        case_id: closed.case_id.clone(),
        delivered_on: "2026-03-04".into(),
        method: "email".into(),
        occurred_at: decided_at,
    };
    h.reply
        .deliver_reply(authed(deliver, STAFF_TOKEN))
        .await
        .expect("deliver");
    let close = pb::CloseRequest {
        command_id: new_id(),
        case_id: closed.case_id.clone(),
        closed_on: "2026-03-04".into(),
        occurred_at: decided_at,
    };
    h.reply
        .close(authed(close, STAFF_TOKEN))
        .await
        .expect("close");

    let reminders = reminders(&h, 5);
    let early = working_days_after(received_on, 5);
    assert_eq!(
        reminders.run_once(early).await.expect("pass"),
        0,
        "not due yet"
    );
    assert!(reminders_in(&h.log, &open.stream).is_empty());

    let soon = working_days_after(received_on, 17);
    for _ in 0..3 {
        assert_eq!(reminders.run_once(soon).await.expect("pass"), 1);
    }
    assert_eq!(
        reminders_in(&h.log, &open.stream),
        vec![("ApplicationReminded".to_owned(), "urge".to_owned())],
        "one urge however often the pass runs"
    );

    let late = working_days_after(received_on, 25);
    for _ in 0..3 {
        assert_eq!(reminders.run_once(late).await.expect("pass"), 1);
    }
    assert_eq!(
        reminders_in(&h.log, &open.stream),
        vec![
            ("ApplicationReminded".to_owned(), "urge".to_owned()),
            ("ApplicationReminded".to_owned(), "supervise".to_owned()),
        ],
        "overdue: one escalated reminder on top of the urge"
    );
    assert!(
        reminders_in(&h.log, &closed.stream).is_empty(),
        "a closed application has no deadline to remind of"
    );
}

#[tokio::test]
async fn proposals_near_their_three_month_deadline_are_urged_once() {
    let mut h = start().await;
    let proposal = pb::SubmitProposalRequest {
        external_id: "NPC-12".into(),
        agency: "simao".into(),
        kind: "npc_suggestion".into(),
        number: "12".into(),
        title: "More bus lines".into(),
        lead_unit: "simao/transport".into(),
        co_units: Vec::new(),
        assigned_on: "2026-03-10".into(), // due 2026-06-10, a Wednesday
        occurred_at: instant("2026-03-10T02:00:00Z"),
    };
    let proposal = h
        .intake
        .submit_proposal(authed(proposal, STAFF_TOKEN))
        .await
        .expect("submit")
        .into_inner();
    let reminders = reminders(&h, 5);
    let month_before = "2026-05-11T04:00:00Z".parse().expect("instant");
    assert_eq!(reminders.run_once(month_before).await.expect("pass"), 0);
    let two_days_before = "2026-06-08T04:00:00Z".parse().expect("instant");
    for _ in 0..2 {
        assert_eq!(reminders.run_once(two_days_before).await.expect("pass"), 1);
    }
    assert_eq!(
        reminders_in(&h.log, &proposal.stream),
        vec![("ProposalReminded".to_owned(), "urge".to_owned())]
    );
}

// ---- Look-up: GetCase and GetTimeline by case id or tracking number ----

/// A look-up by case id, or by tracking number when `by_number`.
fn key(case: &pb::CaseRef, by_number: bool) -> (String, String) {
    if by_number {
        (String::new(), case.tracking_number.clone())
    } else {
        (case.case_id.clone(), String::new())
    }
}

async fn get_case(
    h: &mut Harness,
    (case_id, tracking_number): (String, String),
) -> Result<pb::CaseInfo, Status> {
    let request = pb::GetCaseRequest {
        tracking_number,
        case_id,
    };
    Ok(h.intake
        .get_case(authed(request, STAFF_TOKEN))
        .await?
        .into_inner())
}

async fn get_timeline(
    h: &mut Harness,
    (case_id, tracking_number): (String, String),
) -> Result<pb::Timeline, Status> {
    let request = pb::GetTimelineRequest {
        tracking_number,
        case_id,
    };
    Ok(h.intake
        .get_timeline(authed(request, STAFF_TOKEN))
        .await?
        .into_inner())
}

on_both_logs!(
    lookups,
    cases_are_found_alike_by_id_or_tracking_number,
    cases_are_found_alike_by_id_or_tracking_number_through_a_remote_log
);

async fn lookups(mut h: Harness) {
    let case = h.submit("L-1").await;
    let by_id = get_case(&mut h, key(&case, false)).await.expect("by id");
    let by_number = get_case(&mut h, key(&case, true)).await.expect("by number");
    assert_eq!(by_id, by_number);
    // Intake's CaseRef.position is its append's last event (the tracking index); a look-up's is the case's own.
    let found = by_id.r#ref.clone().expect("ref");
    assert_eq!(
        (&found.case_id, &found.tracking_number, &found.stream),
        (&case.case_id, &case.tracking_number, &case.stream)
    );
    let timeline = get_timeline(&mut h, key(&case, false))
        .await
        .expect("by id");
    assert_eq!(
        get_timeline(&mut h, key(&case, true))
            .await
            .expect("by number"),
        timeline
    );
    assert_eq!(timeline.r#ref, Some(found));
    assert_eq!(timeline.events.len(), 1);

    let both = (case.case_id.clone(), case.tracking_number.clone());
    let neither = (String::new(), String::new());
    let refusals = [
        (both, Code::InvalidArgument, "tracking_number"),
        (neither, Code::InvalidArgument, "case_id"),
        (
            ("not-a-uuid".to_owned(), String::new()),
            Code::InvalidArgument,
            "case_id",
        ),
        ((new_id(), String::new()), Code::NotFound, "case_id"),
        (
            (String::new(), "SM-1999-000001".to_owned()),
            Code::NotFound,
            "tracking_number",
        ),
    ];
    for (key, code, field) in refusals {
        let status = get_case(&mut h, key.clone()).await.expect_err("GetCase");
        assert_refused(&status, code, field);
        let status = get_timeline(&mut h, key).await.expect_err("GetTimeline");
        assert_refused(&status, code, field);
    }
    let anonymous = h
        .intake
        .get_timeline(tonic::Request::new(pb::GetTimelineRequest {
            tracking_number: case.tracking_number.clone(),
            case_id: String::new(),
        }))
        .await
        .expect_err("no token");
    assert_eq!(anonymous.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn an_application_timeline_lists_supplement_consultation_extension_and_decision_in_order() {
    let mut h = start().await;
    let at = |day: &str| instant(&format!("{day}T02:00:00Z"));
    let mut request = application("L-2");
    request.applicant_type = "natural_person".into();
    request.handed_in_on = "2026-03-02".into();
    request.occurred_at = at("2026-03-02");
    let case = h
        .intake
        .submit_application(authed(request, STAFF_TOKEN))
        .await
        .expect("submit")
        .into_inner();
    let id = || case.case_id.clone();
    let review = &mut h.review;
    let supplement = pb::RequestSupplementRequest {
        command_id: new_id(),
        case_id: id(),
        requested_on: "2026-03-04".into(),
        what: "所需信息的名称、文号".into(),
        supplement_by: "2026-03-18".into(),
        occurred_at: at("2026-03-04"),
    };
    review
        .request_supplement(authed(supplement, STAFF_TOKEN))
        .await
        .expect("补正");
    let supplemented = pb::ReceiveSupplementRequest {
        command_id: new_id(),
        case_id: id(),
        received_on: "2026-03-10".into(),
        occurred_at: at("2026-03-10"),
    };
    review
        .receive_supplement(authed(supplemented, STAFF_TOKEN))
        .await
        .expect("补正 received");
    let consult = pb::StartConsultationRequest {
        command_id: new_id(),
        case_id: id(),
        party: "思茅建设公司".into(),
        party_kind: "third_party".into(),
        started_on: "2026-03-11".into(),
        occurred_at: at("2026-03-11"),
    };
    review
        .start_consultation(authed(consult, STAFF_TOKEN))
        .await
        .expect("consultation");
    let extend = pb::ApproveExtensionRequest {
        command_id: new_id(),
        case_id: id(),
        working_days: 20,
        approved_by: "信息公开办公室主任".into(),
        reason: "需调取档案".into(),
        approved_on: "2026-03-12".into(),
        occurred_at: at("2026-03-12"),
    };
    review
        .approve_extension(authed(extend, STAFF_TOKEN))
        .await
        .expect("extension");
    let mut decision = decide(&id(), &new_id(), "disclosed", "条例第三十六条第（二）项");
    decision.decided_on = "2026-03-20".into();
    decision.occurred_at = at("2026-03-20");
    review
        .decide(authed(decision, STAFF_TOKEN))
        .await
        .expect("decide");

    let timeline = get_timeline(&mut h, key(&case, true))
        .await
        .expect("timeline");
    // The day of each event's instant, as RFC 3339 begins.
    let days: Vec<String> = timeline
        .events
        .iter()
        .map(|e| e.occurred_at.map(|at| at.to_string()[..10].to_owned()))
        .collect::<Option<_>>()
        .expect("every event has its instant");
    let lines: Vec<(u64, &str, &str, &str)> = timeline
        .events
        .iter()
        .zip(&days)
        .map(|(e, day)| {
            (
                e.revision,
                e.event_type.as_str(),
                day.as_str(),
                e.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                0,
                "ApplicationReceived",
                "2026-03-02",
                "收到申请（当面提交），申请人：自然人，申请内容：Procurement contracts of 2025"
            ),
            (
                1,
                "ApplicationSupplementRequested",
                "2026-03-04",
                "要求补正：所需信息的名称、文号，补正期限 2026-03-18"
            ),
            (
                2,
                "ApplicationSupplemented",
                "2026-03-10",
                "收到补正材料，答复期限自 2026-03-10 起重新计算"
            ),
            (
                3,
                "ApplicationConsultationStarted",
                "2026-03-11",
                "征求第三方意见：思茅建设公司"
            ),
            (
                4,
                "ApplicationExtensionApproved",
                "2026-03-12",
                "延期答复 20 个工作日（经 信息公开办公室主任 批准），理由：需调取档案"
            ),
            (
                5,
                "ApplicationDecided",
                "2026-03-20",
                "作出答复决定：予以公开，依据：条例第三十六条第（二）项"
            ),
        ]
    );
    assert!(
        timeline
            .events
            .windows(2)
            .all(|w| w[0].position < w[1].position),
        "in log order: {timeline:?}"
    );
    let last = timeline.events.last().expect("events");
    assert_eq!(timeline.r#ref.expect("ref").position, last.position);
    assert!(last.recorded_at.is_some(), "{last:?}");
}

/// Every kind of submission naming `agency`, as (what, the intake call's refusal).
async fn submit_every_kind(
    h: &Harness,
    agency: &str,
    application_case_id: &str,
) -> Vec<(&'static str, Status)> {
    let day = today();
    let mut intake = h.intake.clone();
    let mut refusals = Vec::new();
    let mut refused = |what, result: Result<tonic::Response<pb::CaseRef>, Status>| {
        refusals.push((what, result.expect_err(what)));
    };
    let mut application = application("U-1");
    application.agency = agency.into();
    refused(
        "application",
        intake
            .submit_application(authed(application, STAFF_TOKEN))
            .await,
    );
    let ticket = pb::SubmitHotlineTicketRequest {
        caller: None,
        external_id: "U-2".into(),
        agency: agency.into(),
        line: "12345".into(),
        category: "help".into(),
        received_on: day.clone(),
        summary: "路灯不亮".into(),
        occurred_at: None,
    };
    refused(
        "ticket",
        intake
            .submit_hotline_ticket(authed(ticket, HOTLINE_TOKEN))
            .await,
    );
    let proposal = pb::SubmitProposalRequest {
        external_id: "U-3".into(),
        agency: agency.into(),
        kind: "npc_suggestion".into(),
        number: "3".into(),
        title: "增开公交线路".into(),
        lead_unit: "simao".into(),
        co_units: Vec::new(),
        assigned_on: day.clone(),
        occurred_at: None,
    };
    refused(
        "proposal",
        intake.submit_proposal(authed(proposal, STAFF_TOKEN)).await,
    );
    let challenge = pb::SubmitChallengeRequest {
        external_id: "U-4".into(),
        agency: agency.into(),
        kind: "reconsideration".into(),
        application_case_id: application_case_id.into(),
        prior_reconsideration_case_id: String::new(),
        filed_on: day.clone(),
        occurred_at: None,
    };
    refused(
        "challenge",
        intake
            .submit_challenge(authed(challenge, STAFF_TOKEN))
            .await,
    );
    let disclosure = pb::RecordDisclosureRequest {
        external_id: "U-5".into(),
        agency: agency.into(),
        title: "2026年预算".into(),
        channels: vec!["website".into()],
        published_on: day.clone(),
        occurred_at: None,
    };
    refused(
        "disclosure",
        intake
            .record_disclosure(authed(disclosure, STAFF_TOKEN))
            .await,
    );
    let document = pb::RecordDocumentIssuedRequest {
        external_id: "U-6".into(),
        agency: agency.into(),
        kind: "rules".into(),
        title: "管理办法".into(),
        issued_on: day.clone(),
        occurred_at: None,
    };
    refused(
        "document",
        intake
            .record_document_issued(authed(document, STAFF_TOKEN))
            .await,
    );
    let count = pb::RecordCountRequest {
        external_id: "U-7".into(),
        agency: agency.into(),
        measure: "training_sessions".into(),
        count: 2,
        period_end: day.clone(),
        occurred_at: None,
    };
    refused(
        "count",
        intake.record_count(authed(count, STAFF_TOKEN)).await,
    );
    let fees = pb::RecordFeesCollectedRequest {
        external_id: "U-8".into(),
        agency: agency.into(),
        amount_fen: 100,
        collected_on: day,
        occurred_at: None,
    };
    refused(
        "fees",
        intake
            .record_fees_collected(authed(fees, STAFF_TOKEN))
            .await,
    );
    refusals
}

#[tokio::test]
async fn intake_refuses_an_unregistered_or_expired_agency_for_every_kind_and_writes_nothing() {
    let mut h = start().await;
    let application = h.submit("A-10").await;
    let expired = pb::AgencyEntry {
        id: "simao/forestry".into(),
        name: "思茅区林业局".into(),
        parent: "simao".into(),
        valid_from: "2008-05-01".into(),
        valid_to: "2019-12-31".into(),
    };
    h.agencies
        .register_agency(authed(expired, ADMIN_TOKEN))
        .await
        .expect("register an agency that no longer exists");
    let head = h.log.next_position();
    for agency in ["simao/tax", "simao/forestry"] {
        let refusals = submit_every_kind(&h, agency, &application.case_id).await;
        assert_eq!(refusals.len(), 8, "every kind is tried");
        for (what, status) in refusals {
            assert_refused(&status, Code::InvalidArgument, "agency");
            assert!(
                status.message().contains(agency),
                "{what}: {}",
                status.message()
            );
        }
    }
    assert_eq!(
        h.log.next_position(),
        head,
        "a refused submission writes nothing"
    );
}

#[tokio::test]
async fn agencies_are_registered_once_amended_explicitly_and_listed() {
    let mut h = start().await;
    let entry = |name: &str| pb::AgencyEntry {
        id: "simao/audit".into(),
        name: name.into(),
        parent: "simao".into(),
        valid_from: "2008-05-01".into(),
        valid_to: String::new(),
    };
    let first = h
        .agencies
        .register_agency(authed(entry("思茅区审计局"), ADMIN_TOKEN))
        .await;
    assert!(first.expect("register").into_inner().written);
    let head = h.log.next_position();
    let again = h
        .agencies
        .register_agency(authed(entry("思茅区审计局"), ADMIN_TOKEN))
        .await;
    assert!(!again.expect("the same registration").into_inner().written);
    let status = h
        .agencies
        .register_agency(authed(entry("思茅区审计厅"), ADMIN_TOKEN))
        .await
        .expect_err("a different registration of a registered id");
    assert_refused(&status, Code::AlreadyExists, "name");
    let mut orphan = entry("思茅区统计局");
    orphan.id = "simao/stats/office".into();
    orphan.parent = "simao/stats".into();
    let status = h
        .agencies
        .register_agency(authed(orphan, ADMIN_TOKEN))
        .await
        .expect_err("no parent");
    assert_refused(&status, Code::InvalidArgument, "parent");
    assert_eq!(h.log.next_position(), head, "refusals write nothing");

    let amended = h
        .agencies
        .amend_agency(authed(entry("普洱市思茅区审计局"), ADMIN_TOKEN))
        .await;
    assert!(amended.expect("amend").into_inner().written);
    let listed = h
        .agencies
        .list_agencies(authed(pb::ListAgenciesRequest {}, ADMIN_TOKEN))
        .await
        .expect("list")
        .into_inner()
        .agencies;
    let names: Vec<(&str, &str)> = listed
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    assert!(
        names.contains(&("simao/audit", "普洱市思茅区审计局")),
        "{names:?}"
    );
    let status = h
        .agencies
        .list_agencies(tonic::Request::new(pb::ListAgenciesRequest {}))
        .await
        .expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated);
}

// More scenarios over the same harness, in a directory named after this file (declared after
// `on_both_logs!`, which they use).
#[path = "e2e_commands/properties.rs"]
mod properties;
#[path = "e2e_commands/refused.rs"]
mod refused;
