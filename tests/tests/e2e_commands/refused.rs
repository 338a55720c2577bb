//! Input the command services refuse (issue 10): each bad value named by its request field, with the log head
//! unchanged; idempotency keys reused for other content; bodies that are not the method's protobuf message.

use casetrack_api::v1::event_log_client::EventLogClient;
use prost::Message;
use tonic::codegen::http::uri::PathAndQuery;
use tonic_prost::ProstCodec;

use casetrack_tests::services::ADMIN_TOKEN;

use super::*;

/// `result` is INVALID_ARGUMENT naming `field`.
fn assert_invalid<T: std::fmt::Debug>(result: Result<tonic::Response<T>, Status>, field: &str) {
    let status = result.expect_err(field);
    assert_refused(&status, Code::InvalidArgument, field);
}

pub(super) fn ticket(external_id: &str) -> pb::SubmitHotlineTicketRequest {
    pb::SubmitHotlineTicketRequest {
        caller: None,
        external_id: external_id.into(),
        agency: "simao".into(),
        line: "12345".into(),
        category: "help".into(),
        received_on: today(),
        summary: "路灯不亮".into(),
        occurred_at: None,
    }
}

fn fees(external_id: &str, amount_fen: u64) -> pb::RecordFeesCollectedRequest {
    pb::RecordFeesCollectedRequest {
        external_id: external_id.into(),
        agency: "simao".into(),
        amount_fen,
        collected_on: today(),
        occurred_at: None,
    }
}

fn dispatch(case_id: &str, unit: &str) -> pb::DispatchTicketRequest {
    pb::DispatchTicketRequest {
        command_id: new_id(),
        case_id: case_id.into(),
        unit: unit.into(),
        time_limit_working_days: 5,
        dispatched_on: today(),
        occurred_at: None,
    }
}

#[tokio::test]
async fn bad_values_are_refused_naming_their_field_and_leave_the_log_head() {
    let mut h = start().await;
    let case = h.submit("B-1").await;
    let ticket_ref = h
        .intake
        .submit_hotline_ticket(authed(ticket("B-2"), HOTLINE_TOKEN))
        .await
        .expect("ticket")
        .into_inner();
    let head = h.log.next_position();

    // Time is the server's: a client's occurred_at is never in the future (beyond the skew), never before the
    // 条例 took effect, never before the case's earlier events.
    let beyond_skew = (chrono::Utc::now() + chrono::TimeDelta::seconds(600)).to_rfc3339();
    let negative_nanos = prost_types::Timestamp {
        seconds: 0,
        nanos: -1,
    };
    for at in [
        "9999-12-31T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "2008-04-30T23:59:59+08:00",
        &beyond_skew,
    ] {
        let mut request = application("B-3");
        request.occurred_at = instant(at);
        let result = h
            .intake
            .submit_application(authed(request, STAFF_TOKEN))
            .await;
        assert_invalid(result, "occurred_at");
    }
    let mut request = application("B-3");
    request.occurred_at = Some(negative_nanos);
    let result = h
        .intake
        .submit_application(authed(request, STAFF_TOKEN))
        .await;
    assert_invalid(result, "occurred_at");
    let mut back_dated = decide(&case.case_id, &new_id(), "disclosed", "《条例》第二十七条");
    back_dated.occurred_at = instant("2019-01-01T00:00:00Z");
    let result = h.review.decide(authed(back_dated, STAFF_TOKEN)).await;
    assert_invalid(result, "occurred_at");

    // Required text: NUL and other control characters, and whitespace only, refused by the one text rule.
    for content in ["\0", "a\u{1b}[31mb", " \u{3000}\n\t", ""] {
        let mut request = application("B-4");
        request.content = content.into();
        let result = h
            .intake
            .submit_application(authed(request, STAFF_TOKEN))
            .await;
        assert_invalid(result, "content");
    }
    for external_id in ["\0", "B\u{7}5", "   "] {
        let result = h
            .intake
            .submit_application(authed(application(external_id), STAFF_TOKEN))
            .await;
        assert_invalid(result, "external_id");
    }
    let mut legal_reason = decide(&case.case_id, &new_id(), "withheld.state_secret", "\0");
    legal_reason.decided_on = today();
    assert_invalid(
        h.review.decide(authed(legal_reason, STAFF_TOKEN)).await,
        "legal_reason",
    );

    // Agency ids: one rule at every entry, intake and review's routing units alike.
    let long = "a".repeat(300);
    for agency in ["/simao", "simao//x", "simao/finance/", long.as_str()] {
        let mut request = application("B-6");
        request.agency = agency.into();
        let result = h
            .intake
            .submit_application(authed(request, STAFF_TOKEN))
            .await;
        assert_invalid(result, "agency");
        let result = h
            .review
            .dispatch_ticket(authed(dispatch(&ticket_ref.case_id, agency), STAFF_TOKEN))
            .await;
        assert_invalid(result, "unit");
    }

    // Amounts and counts have named upper bounds, and errors name the proto field.
    for amount_fen in [0, u64::MAX] {
        let result = h
            .intake
            .record_fees_collected(authed(fees("B-7", amount_fen), STAFF_TOKEN))
            .await;
        assert_invalid(result, "amount_fen");
    }
    let count = pb::RecordCountRequest {
        external_id: "B-8".into(),
        agency: "simao".into(),
        measure: "licensing_decisions".into(),
        count: u64::MAX,
        period_end: today(),
        occurred_at: None,
    };
    assert_invalid(
        h.intake.record_count(authed(count, STAFF_TOKEN)).await,
        "count",
    );
    let notice = pb::IssueFeeNoticeRequest {
        command_id: new_id(),
        case_id: case.case_id.clone(),
        basis: "per_page".into(),
        quantity: u32::MAX,
        issued_on: today(),
        occurred_at: None,
    };
    assert_invalid(
        h.reply.issue_fee_notice(authed(notice, STAFF_TOKEN)).await,
        "quantity",
    );
    let merge = pb::MergeTicketsRequest {
        command_id: new_id(),
        case_id: ticket_ref.case_id.clone(),
        primary_case_id: ticket_ref.case_id.clone(),
        merged_on: today(),
        occurred_at: None,
    };
    assert_invalid(
        h.review.merge_tickets(authed(merge, STAFF_TOKEN)).await,
        "primary_case_id",
    );

    assert_eq!(
        h.log.next_position(),
        head,
        "no refused request wrote anything"
    );
}

#[tokio::test]
async fn a_back_entered_record_keeps_its_time_and_a_clock_slightly_ahead_is_the_servers() {
    let mut h = start().await;
    let mut paper = application("C-1");
    paper.handed_in_on = "2019-03-01".into();
    paper.occurred_at = instant("2019-03-01T10:00:00+08:00");
    let case = h
        .intake
        .submit_application(authed(paper, STAFF_TOKEN))
        .await
        .expect("back-entry of a paper record")
        .into_inner();
    assert!(case.tracking_number.starts_with("SM-2019-"), "{case:?}");
    let recorded = h
        .log
        .read_stream(&case.stream, 0, Direction::Forward, 1)
        .expect("read");
    assert_eq!(recorded[0].data["occurred_at"], "2019-03-01T02:00:00+00:00");

    let mut ahead = application("C-2");
    let before = chrono::Utc::now();
    ahead.occurred_at = instant(&(before + chrono::TimeDelta::seconds(30)).to_rfc3339());
    let case = h
        .intake
        .submit_application(authed(ahead, STAFF_TOKEN))
        .await
        .expect("within the skew")
        .into_inner();
    let recorded = h
        .log
        .read_stream(&case.stream, 0, Direction::Forward, 1)
        .expect("read");
    let at: chrono::DateTime<chrono::Utc> = recorded[0].data["occurred_at"]
        .as_str()
        .expect("instant")
        .parse()
        .expect("RFC 3339");
    assert!(
        at <= recorded[0].recorded_at,
        "recorded no later than the server's clock"
    );
}

on_both_logs!(
    idempotency_conflicts,
    reused_keys_with_other_content_are_already_exists_naming_the_fields,
    reused_keys_with_other_content_are_already_exists_through_a_remote_log
);

/// The fields an ALREADY_EXISTS refusal names.
fn differing(status: &Status) -> Vec<String> {
    assert_eq!(status.code(), Code::AlreadyExists, "{status:?}");
    let details = status
        .get_details_bad_request()
        .expect("bad request details");
    details
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect()
}

async fn idempotency_conflicts(mut h: Harness) {
    let first = h.submit("D-1").await;
    let other_case = h.submit("D-2").await;
    let head = h.log.next_position();

    // The same external id with other content.
    let mut changed = application("D-1");
    changed.content = "另一份申请".into();
    changed.applicant_type = "natural_person".into();
    let status = h
        .intake
        .submit_application(authed(changed, STAFF_TOKEN))
        .await
        .expect_err("other content");
    assert_eq!(differing(&status), ["applicant_type", "content"]);
    assert!(
        status.message().starts_with("external_id"),
        "{}",
        status.message()
    );

    // A command id reused for another command: on the same case, and on another case.
    let command_id = new_id();
    let request = decide(
        &first.case_id,
        &command_id,
        "disclosed",
        "《条例》第二十七条",
    );
    let decided = h
        .review
        .decide(authed(request.clone(), STAFF_TOKEN))
        .await
        .expect("decide")
        .into_inner();
    let after_decision = h.log.next_position();
    let again = h
        .review
        .decide(authed(request.clone(), STAFF_TOKEN))
        .await
        .expect("an identical retry")
        .into_inner();
    assert_eq!(again, decided);
    let mut other_reason = request.clone();
    other_reason.legal_reason = "《条例》第十五条".into();
    let status = h
        .review
        .decide(authed(other_reason, STAFF_TOKEN))
        .await
        .expect_err("other content");
    assert_eq!(differing(&status), ["legal_reason"]);
    let on_other_case = decide(
        &other_case.case_id,
        &command_id,
        "disclosed",
        "《条例》第二十七条",
    );
    let status = h
        .review
        .decide(authed(on_other_case, STAFF_TOKEN))
        .await
        .expect_err("another case");
    assert_eq!(differing(&status), ["case_id"]);

    assert_eq!(
        h.log.next_position(),
        after_decision,
        "conflicts write nothing"
    );
    assert_eq!(after_decision, head + 1, "only the decision was written");
}

/// A call of `method` whose body is `body` encoded: any message, so that it need not be the method's own.
async fn raw_call<M: Message + Default + Send + Sync + 'static>(
    channel: Channel,
    method: &'static str,
    body: M,
) -> Status {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let codec: ProstCodec<M, pb::CaseRef> = ProstCodec::default();
    grpc.unary(
        authed(body, STAFF_TOKEN),
        PathAndQuery::from_static(method),
        codec,
    )
    .await
    .expect_err("refused")
}

#[tokio::test]
async fn a_body_that_is_not_the_methods_message_is_invalid_argument() {
    let h = start().await;
    let head = h.log.next_position();
    // Field 1 of SubmitApplicationRequest is a string; this body has a varint there.
    let wrong_wire_type = pb::ReadAllRequest {
        from_position: 7,
        max: 3,
    };
    let status = raw_call(
        h.channel.clone(),
        "/casetrack.v1.Intake/SubmitApplication",
        wrong_wire_type,
    )
    .await;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(h.log.next_position(), head);
}

#[tokio::test]
async fn forged_raw_appends_are_refused_and_write_nothing() {
    let mut h = start().await;
    let case = h.submit("E-1").await;
    let ticket = h
        .intake
        .submit_hotline_ticket(authed(ticket("E-2"), HOTLINE_TOKEN))
        .await
        .expect("ticket")
        .into_inner();
    let ticket_received = h
        .log
        .read_stream(&ticket.stream, 0, Direction::Forward, 1)
        .expect("read");
    let mut server = GrpcServer::new(tokens());
    server.add(EventLogService::new(h.log.clone(), Arc::new(DomainAppendGuard)).into_server());
    let url = spawn_server(server, std::future::pending()).await;
    let mut raw = EventLogClient::connect(url).await.expect("connect");
    let head = h.log.next_position();
    let recorded = h
        .log
        .read_stream(&case.stream, 0, Direction::Forward, 1)
        .expect("read");
    let received = &recorded[0];

    let event = |event_type: &str, data: serde_json::Value| pb::NewEvent {
        event_id: new_id(),
        event_type: event_type.into(),
        data_json: data.to_string(),
        metadata: None,
    };
    let write = |stream: String, kind: i32, revision: u64, events| pb::StreamWrite {
        stream,
        expected: Some(pb::ExpectedRevision { kind, revision }),
        events,
    };
    let no_stream = pb::expected_revision::Kind::NoStream as i32;
    let exact = pb::expected_revision::Kind::Exact as i32;
    let fresh = format!("application-{}", new_id());
    let forged = [
        // `{}` as ApplicationReceived: the domain cannot decode it.
        write(
            fresh.clone(),
            no_stream,
            0,
            vec![event("ApplicationReceived", serde_json::json!({}))],
        ),
        // A real event copied into another case's stream.
        write(
            fresh.clone(),
            no_stream,
            0,
            vec![event(&received.event_type, received.data.clone())],
        ),
        // A real event of another kind copied into a real case's stream.
        write(
            case.stream.clone(),
            exact,
            0,
            vec![event(
                &ticket_received[0].event_type,
                ticket_received[0].data.clone(),
            )],
        ),
        // An index record planted before its case exists, which would hijack a later submission.
        write(
            format!("casetracking-{}", new_id()),
            no_stream,
            0,
            vec![event(
                "TrackingNumberAssigned",
                serde_json::json!({"number": "SM-2026-999999", "case_id": new_id(), "stream": fresh}),
            )],
        ),
        // A paragraph the report could not read, which would stop every report of that agency and year.
        write(
            "narrative-simao-2025".to_owned(),
            no_stream,
            0,
            vec![event("NarrativeWritten", serde_json::json!({"text": "无"}))],
        ),
        // Another agency's paragraph in this stream.
        write(
            "narrative-simao-2025".to_owned(),
            no_stream,
            0,
            vec![event(
                "NarrativeWritten",
                serde_json::json!({"agency": "simao/finance", "year": 2025, "part": 5, "text": "无", "replaces_version": 0}),
            )],
        ),
    ];
    for forged in forged {
        let stream = forged.stream.clone();
        let status = raw
            .append_multi(authed(
                pb::AppendMultiRequest {
                    writes: vec![forged.clone()],
                },
                ADMIN_TOKEN,
            ))
            .await
            .expect_err(&stream);
        assert_eq!(status.code(), Code::InvalidArgument, "{stream}: {status:?}");
        let status = raw
            .append(authed(
                pb::AppendEventsRequest {
                    stream: forged.stream,
                    expected: forged.expected,
                    events: forged.events,
                },
                ADMIN_TOKEN,
            ))
            .await
            .expect_err(&stream);
        assert_eq!(status.code(), Code::InvalidArgument, "{stream}: {status:?}");
    }
    assert_eq!(h.log.next_position(), head, "no forged append was written");
}
