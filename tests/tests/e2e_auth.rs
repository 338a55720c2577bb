//! The security boundary of a real `casetrack serve`, over gRPC: the role × RPC matrix generated from the
//! policy table the auth layer checks (every method with every role), no credentials refused on every service
//! while health and reflection answer, a method missing from the table denied, a changed token file taking
//! effect without a restart, and cross-source and cross-jurisdiction reads and commands refused.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_api::v1::review_client::ReviewClient;
use casetrack_auth::Role;
use casetrack_auth::policy::POLICY;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{Process, TestIdentity, authed, today, token_file};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

/// How long a changed token file may take to be picked up before the test fails (the server re-reads it at
/// most every second).
const RELOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// Methods that answer with a stream.
const STREAMING: [&str; 2] = [
    "/casetrack.v1.Intake/WatchStatus",
    "/casetrack.v1.EventLog/Subscribe",
];

/// The token of the identity holding only `role`.
fn role_token(role: Role) -> String {
    format!("{role}-token")
}

/// One identity per role (in the district, or deployment-wide for those that may be), a second hotline and a
/// finance bureau officer.
fn identities(tokens: &[String]) -> Vec<TestIdentity<'_>> {
    let mut identities: Vec<TestIdentity<'_>> = Role::ALL
        .iter()
        .zip(tokens)
        .map(|(role, token)| {
            // One leaked one-element list per role and test: token files name roles as text.
            let roles: &'static [&'static str] = Box::leak(Box::new([role.as_str()]));
            let source = if *role == Role::Hotline {
                "12345"
            } else {
                "console"
            };
            let jurisdiction = (!role.spans_deployment()).then_some("simao");
            (token.as_str(), roles, source, jurisdiction)
        })
        .collect();
    identities.push(("hotline-b", &["hotline"], "12328", Some("simao")));
    identities.push((
        "finance-staff",
        &["clerk", "reviewer", "approver", "report_officer"],
        "console",
        Some("simao/finance"),
    ));
    identities
}

fn write_token_file(path: &Path, identities: &[TestIdentity<'_>]) {
    // Written beside and renamed over, as configuration management does.
    let next = path.with_extension("next");
    std::fs::write(&next, token_file(identities)).expect("write tokens");
    std::fs::rename(&next, path).expect("replace tokens");
}

/// `casetrack serve` and the port of its internal raw-log listener.
struct Served {
    process: Process,
    log_port: u16,
}

fn serve(dir: &Path, tokens: &Path) -> Served {
    // No automatic routing: the router would dispatch a new ticket at a moment of its own, and these tests
    // compare log positions before and after refused calls.
    let routing = dir.join("routing.json");
    std::fs::write(&routing, r#"{"rules": []}"#).expect("write routing");
    let serve = Serve::new(dir)
        .tokens(tokens)
        .args(["--routing".to_owned(), routing.display().to_string()]);
    let process = serve.spawn("serve").expect("casetrack serve");
    Served {
        process,
        log_port: serve.log_port,
    }
}

/// Calls `path` with an empty request (`()`, i.e. google.protobuf.Empty: valid protobuf for every message)
/// as `token`, or with no token.
async fn call(channel: &Channel, path: &str, token: Option<&str>) -> Result<(), Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    let request = match token {
        Some(token) => authed((), token),
        None => tonic::Request::new(()),
    };
    let path = PathAndQuery::from_str(path).expect("a method path");
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    if STREAMING.contains(&path.as_str()) {
        // Answered once the stream is open; dropping it ends the call.
        grpc.server_streaming(request, path, codec).await.map(drop)
    } else {
        grpc.unary(request, path, codec).await.map(drop)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_answers_exactly_the_roles_the_policy_table_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tokens: Vec<String> = Role::ALL.into_iter().map(role_token).collect();
    let token_path = dir.path().join("tokens.json");
    write_token_file(&token_path, &identities(&tokens));
    let server = serve(dir.path(), &token_path);
    for (method, allowed) in POLICY {
        let channel = connect_for(&server, method).await;
        let status = call(&channel, method, None).await.expect_err("no token");
        assert_eq!(
            status.code(),
            Code::Unauthenticated,
            "{method} without a token"
        );
        for role in Role::ALL {
            let answer = call(&channel, method, Some(&role_token(role))).await;
            let code = answer.as_ref().err().map(Status::code);
            if allowed.contains(&role) {
                assert!(
                    !matches!(code, Some(Code::Unauthenticated | Code::PermissionDenied)),
                    "{method} must be open to {role}: {answer:?}"
                );
            } else {
                assert_eq!(code, Some(Code::PermissionDenied), "{method} as {role}");
                let message = answer.expect_err("denied").message().to_owned();
                let needed = allowed[0].as_str();
                assert!(message.contains(needed), "{method}: {message}");
            }
        }
    }

    // A method the table does not name is denied even to the admin.
    let channel = connect_for(&server, "").await;
    let status = call(
        &channel,
        "/casetrack.v1.Intake/Nothing",
        Some("admin-token"),
    )
    .await
    .expect_err("unlisted");
    assert_eq!(status.code(), Code::PermissionDenied);
    // Health and reflection answer without a token.
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let check = tonic_health::pb::HealthCheckRequest {
        service: "casetrack.v1.Reporting".into(),
    };
    assert!(health.check(check).await.is_ok());
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    let request = tonic_reflection::pb::v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut reflection = ServerReflectionClient::new(channel.clone());
    let mut answers = reflection
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection without a token")
        .into_inner();
    assert!(answers.message().await.expect("answer").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_token_file_takes_effect_without_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tokens: Vec<String> = Role::ALL.into_iter().map(role_token).collect();
    let token_path = dir.path().join("tokens.json");
    write_token_file(&token_path, &identities(&tokens));
    let server = serve(dir.path(), &token_path);
    let verify = "/casetrack.v1.EventLog/Verify";
    let channel = connect_for(&server, verify).await;
    call(&channel, verify, Some("auditor-token"))
        .await
        .expect("the auditor verifies");

    // The auditor's token is revoked and a new one issued.
    let mut changed = identities(&tokens);
    changed.retain(|(token, ..)| *token != "auditor-token");
    changed.push(("new-auditor", &["auditor"], "audit", None));
    write_token_file(&token_path, &changed);
    let deadline = Instant::now() + RELOAD_TIMEOUT;
    while call(&channel, verify, Some("new-auditor")).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the new token was never accepted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = call(&channel, verify, Some("auditor-token"))
        .await
        .expect_err("revoked");
    assert_eq!(status.code(), Code::Unauthenticated);

    // A broken file keeps the identities in force.
    std::fs::write(&token_path, "{\"identities\": [").expect("write");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    call(&channel, verify, Some("new-auditor"))
        .await
        .expect("still accepted after a broken file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_sees_or_touches_a_case_outside_their_source_or_jurisdiction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tokens: Vec<String> = Role::ALL.into_iter().map(role_token).collect();
    let token_path = dir.path().join("tokens.json");
    write_token_file(&token_path, &identities(&tokens));
    let server = serve(dir.path(), &token_path);
    casetrack_tests::agencies::register(
        &server.process.url(),
        &role_token(Role::Admin),
        &["simao/roads", "simao/finance"],
    )
    .await
    .expect("register the agencies");
    let channel = connect_for(&server, "").await;

    let mut intake = IntakeClient::new(channel.clone());
    let mut review = ReviewClient::new(channel);

    // Hotline A's ticket is no case to hotline B, by case id or by tracking number.
    let ticket = pb::SubmitHotlineTicketRequest {
        caller: None,
        external_id: "WO-1".into(),
        agency: "simao/roads".into(),
        line: "12345".into(),
        category: "help".into(),
        received_on: today(),
        summary: "路灯不亮".into(),
        occurred_at: None,
    };
    let ticket = intake
        .submit_hotline_ticket(authed(ticket, "hotline-token"))
        .await
        .expect("submit")
        .into_inner();
    let by_number = pb::GetCaseRequest {
        case_id: String::new(),
        tracking_number: ticket.tracking_number.clone(),
    };
    intake
        .get_case(authed(by_number.clone(), "hotline-token"))
        .await
        .expect("its own ticket");
    for request in [
        by_number,
        pb::GetCaseRequest {
            case_id: ticket.case_id.clone(),
            tracking_number: String::new(),
        },
    ] {
        let status = intake
            .get_case(authed(request, "hotline-b"))
            .await
            .expect_err("another line's ticket");
        assert_eq!(status.code(), Code::NotFound, "{status:?}");
    }

    // The district's clerk registers an application of the roads bureau; the finance bureau's staff can
    // neither read it nor act on it, and get the same answer as for a case that does not exist.
    let application = pb::SubmitApplicationRequest {
        applicant: None,
        external_id: "APP-1".into(),
        agency: "simao/roads".into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        receipt_confirmed_on: String::new(),
        content: "道路养护经费".into(),
        delivery_form: "electronic".into(),
        referred_from: String::new(),
        occurred_at: None,
    };
    let application = intake
        .submit_application(authed(application, "clerk-token"))
        .await
        .expect("submit")
        .into_inner();
    let timeline = pb::GetTimelineRequest {
        case_id: application.case_id.clone(),
        tracking_number: String::new(),
    };
    let outside = intake.get_timeline(authed(timeline.clone(), "finance-staff"));
    assert_eq!(outside.await.expect_err("outside").code(), Code::NotFound);
    intake
        .get_timeline(authed(timeline, "reviewer-token"))
        .await
        .expect("the district's reviewer reads it");
    let decide = |case_id: &str| pb::DecideRequest {
        command_id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_owned(),
        outcome: "disclosed".into(),
        legal_reason: String::new(),
        decided_on: today(),
        occurred_at: None,
    };
    let head = next_position(&server).await;
    for case_id in [
        application.case_id.clone(),
        uuid::Uuid::new_v4().to_string(),
    ] {
        let status = review
            .decide(authed(decide(&case_id), "finance-staff"))
            .await
            .expect_err("outside the jurisdiction, or no such case");
        assert_eq!(status.code(), Code::NotFound, "{status:?}");
    }
    // Nor may it register a case for another agency.
    let mut elsewhere = pb::SubmitApplicationRequest {
        external_id: "APP-2".into(),
        agency: "simao/roads".into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        content: "x".into(),
        delivery_form: "electronic".into(),
        ..Default::default()
    };
    let status = intake
        .submit_application(authed(elsewhere.clone(), "finance-staff"))
        .await
        .expect_err("another agency");
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert_eq!(next_position(&server).await, head, "nothing was written");
    elsewhere.agency = "simao/finance".into();
    intake
        .submit_application(authed(elsewhere, "finance-staff"))
        .await
        .expect("its own agency");
}

/// The BadRequest field and the message of a refusal, with `key` written as `<key>`: what a caller learns.
fn refusal(status: &Status, key: &str) -> (Code, Vec<String>, String) {
    let fields = status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    (
        status.code(),
        fields,
        status.message().replace(key, "<key>"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referenced_case_outside_the_jurisdiction_is_a_case_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tokens: Vec<String> = Role::ALL.into_iter().map(role_token).collect();
    let token_path = dir.path().join("tokens.json");
    write_token_file(&token_path, &identities(&tokens));
    let server = serve(dir.path(), &token_path);
    let admin = role_token(Role::Admin);
    casetrack_tests::agencies::register(
        &server.process.url(),
        &admin,
        &["simao/roads", "simao/finance"],
    )
    .await
    .expect("register the agencies");
    let mut intake = IntakeClient::new(connect_for(&server, "").await);
    // A ticket and an application of the roads bureau, which the finance bureau's staff may not see.
    let ticket = pb::SubmitHotlineTicketRequest {
        caller: None,
        external_id: "WO-9".into(),
        agency: "simao/roads".into(),
        line: "12345".into(),
        category: "help".into(),
        received_on: today(),
        summary: "路面塌陷".into(),
        occurred_at: None,
    };
    let ticket = intake
        .submit_hotline_ticket(authed(ticket, "hotline-token"))
        .await
        .expect("ticket");
    let roads_application = |external_id: &str, referred_from: &str| pb::SubmitApplicationRequest {
        external_id: external_id.into(),
        agency: "simao/finance".into(),
        applicant_type: "natural_person".into(),
        channel: "in_person".into(),
        handed_in_on: today(),
        content: "道路养护经费".into(),
        delivery_form: "electronic".into(),
        referred_from: referred_from.into(),
        ..Default::default()
    };
    let mut roads = roads_application("APP-R", "");
    roads.agency = "simao/roads".into();
    let roads = intake
        .submit_application(authed(roads, "clerk-token"))
        .await
        .expect("application");
    let (ticket, roads) = (ticket.into_inner().case_id, roads.into_inner().case_id);
    let nowhere = uuid::Uuid::new_v4().to_string();
    let head = next_position(&server).await;

    let refer = |id: &str| authed(roads_application("APP-F", id), "finance-staff");
    let outside = intake
        .submit_application(refer(&ticket))
        .await
        .expect_err("outside");
    let missing = intake
        .submit_application(refer(&nowhere))
        .await
        .expect_err("missing");
    assert_eq!(refusal(&outside, &ticket), refusal(&missing, &nowhere));
    assert_eq!(refusal(&outside, &ticket).0, Code::NotFound, "{outside:?}");
    assert_eq!(refusal(&outside, &ticket).1, ["referred_from"]);

    let challenge = |application: &str| {
        let request = pb::SubmitChallengeRequest {
            external_id: "CH-F".into(),
            agency: "simao/finance".into(),
            kind: "reconsideration".into(),
            application_case_id: application.into(),
            filed_on: today(),
            ..Default::default()
        };
        authed(request, "finance-staff")
    };
    let outside = intake
        .submit_challenge(challenge(&roads))
        .await
        .expect_err("outside");
    let missing = intake
        .submit_challenge(challenge(&nowhere))
        .await
        .expect_err("missing");
    assert_eq!(refusal(&outside, &roads), refusal(&missing, &nowhere));
    assert_eq!(refusal(&outside, &roads).1, ["application_case_id"]);
    assert_eq!(next_position(&server).await, head, "nothing was written");

    // The district's clerk, whose jurisdiction holds both, may refer to the ticket.
    let mut inside = roads_application("APP-D", &ticket);
    inside.agency = "simao/roads".into();
    intake
        .submit_application(authed(inside, "clerk-token"))
        .await
        .expect("inside the jurisdiction");
}

/// A channel to the public port, or to the raw log's own port for the `EventLog` service's methods.
async fn connect_for(server: &Served, method: &str) -> Channel {
    let url = if method.starts_with("/casetrack.v1.EventLog/") {
        format!("http://127.0.0.1:{}", server.log_port)
    } else {
        server.process.url()
    };
    Channel::from_shared(url)
        .expect("url")
        .connect()
        .await
        .expect("connect")
}

/// The log's head, read as the admin.
async fn next_position(server: &Served) -> u64 {
    let channel = connect_for(server, "/casetrack.v1.EventLog/NextPosition").await;
    let mut log = casetrack_api::v1::event_log_client::EventLogClient::new(channel);
    log.next_position(authed(pb::NextPositionRequest {}, "admin-token"))
        .await
        .expect("head")
        .into_inner()
        .next_position
}
