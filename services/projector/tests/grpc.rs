//! The Reporting gRPC service on a loopback port, behind the auth layer: a report with its status, a
//! drill-down that adds up to its figure, a queue, publication, bad input refused with INVALID_ARGUMENT naming
//! the field, and another agency's figures refused to an officer of a sub-agency.

mod common;

use casetrack_api::v1 as pb;
use casetrack_api::v1::get_report_response::Rendered;
use casetrack_api::v1::reporting_client::ReportingClient;
use casetrack_auth::token_sha256;
use casetrack_domain::{ApplicantType, Outcome};
use casetrack_eventlog::{BearerToken, EventLog};
use common::{append_each, case_id, date, decided, fold, received, serve_reporting};
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

fn target(agency: &str, year: i32) -> Option<pb::ReportTarget> {
    Some(pb::ReportTarget {
        agency: agency.to_string(),
        year,
        include_subagencies: false,
    })
}

/// A JSON report as the server sent it: text, never bytes.
fn report_json(response: &pb::GetReportResponse) -> serde_json::Value {
    let Some(Rendered::Text(text)) = &response.rendered else {
        panic!("a JSON report comes as text: {:?}", response.rendered);
    };
    serde_json::from_str(text).expect("json")
}

#[tokio::test]
async fn reporting_service_answers_over_grpc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let (a, b, c, d) = (case_id(1), case_id(2), case_id(3), case_id(4));
    append_each(
        &log,
        &[
            received(a, "simao", ApplicantType::NaturalPerson, date(2024, 3, 1)),
            received(b, "simao", ApplicantType::NaturalPerson, date(2024, 3, 2)),
            decided(b, Outcome::PartlyDisclosed, date(2024, 3, 9)),
            // The finance bureau's one case, and the district's one case of 2018 (both handled that year).
            received(
                c,
                "simao/finance",
                ApplicantType::Business,
                date(2024, 4, 1),
            ),
            decided(c, Outcome::Disclosed, date(2024, 4, 8)),
            received(d, "simao", ApplicantType::NaturalPerson, date(2018, 5, 2)),
            decided(d, Outcome::Disclosed, date(2018, 5, 9)),
        ],
    )
    .await;
    let projector = fold(dir.path(), &log);
    let officer = |token: &str, jurisdiction: &str| {
        serde_json::json!({"name": token, "token_sha256": token_sha256(token),
            "roles": ["report_officer"], "source_system": "console", "jurisdiction": jurisdiction})
    };
    let identities = serde_json::json!([
        officer("district", "simao"),
        officer("finance", "simao/finance")
    ]);
    let (channel, server) = serve_reporting(log, projector, identities).await;
    let as_officer = |token: &str| {
        let bearer = BearerToken::new(token).expect("ASCII");
        ReportingClient::with_interceptor(channel.clone(), bearer)
    };
    let mut client = as_officer("district");

    // The finance bureau's officer sees its own figures, not the district's roll-up.
    let mut finance = as_officer("finance");
    let own = finance.get_report(pb::GetReportRequest {
        target: target("simao/finance", 2024),
        output: pb::ReportOutput::Json as i32,
        as_of: None,
    });
    assert!(own.await.is_ok());
    let denied = finance
        .get_report(pb::GetReportRequest {
            target: target("simao", 2024),
            output: pb::ReportOutput::Json as i32,
            as_of: None,
        })
        .await
        .expect_err("the district is outside simao/finance");
    assert_eq!(denied.code(), tonic::Code::PermissionDenied, "{denied:?}");
    let drill = finance.drill_down(pb::DrillDownRequest {
        target: target("simao", 2024),
        cell_code: "applications.partly_disclosed.total".to_string(),
        ..Default::default()
    });
    assert_eq!(
        drill.await.expect_err("outside").code(),
        tonic::Code::PermissionDenied
    );

    let report = client
        .get_report(pb::GetReportRequest {
            target: target("simao", 2024),
            output: pb::ReportOutput::Json as i32,
            as_of: None,
        })
        .await
        .expect("report")
        .into_inner();
    assert!(report.is_final);
    assert_eq!(report.as_of_position, 7);
    let json = report_json(&report);
    assert_eq!(
        json["figures"]["applications.received.natural_person"], 2,
        "{json}"
    );
    // Text formats come as text (grpcurl prints them), the spreadsheet as bytes.
    let xlsx = client
        .get_report(pb::GetReportRequest {
            target: target("simao", 2024),
            output: pb::ReportOutput::Xlsx as i32,
            as_of: None,
        })
        .await
        .expect("xlsx report")
        .into_inner();
    let Some(Rendered::Binary(bytes)) = xlsx.rendered else {
        panic!("xlsx comes as bytes: {:?}", xlsx.rendered);
    };
    assert!(bytes.starts_with(b"PK"), "a zip container");

    let drill = client
        .drill_down(pb::DrillDownRequest {
            target: target("simao", 2024),
            cell_code: "applications.partly_disclosed.total".to_string(),
            ..Default::default()
        })
        .await
        .expect("drill-down")
        .into_inner();
    assert_eq!(drill.figure, 1);
    assert_eq!(drill.cases[0].case_id, b.to_string());

    let queue = client
        .queue(pb::QueueRequest {
            agency: "simao".to_string(),
            state: String::new(),
            today: "2024-03-04".to_string(),
            include_subagencies: false,
        })
        .await
        .expect("queue")
        .into_inner();
    assert_eq!(queue.cases.len(), 1);
    assert!(queue.cases[0].has_deadline);

    let published = client
        .publish(pb::PublishRequest {
            target: target("simao", 2024),
            ..Default::default()
        })
        .await
        .expect("publish");
    assert_eq!(published.into_inner().content_hash, report.content_hash);

    let bad = client
        .drill_down(pb::DrillDownRequest {
            target: target("simao", 2024),
            cell_code: "applications.nope".to_string(),
            ..Default::default()
        })
        .await
        .expect_err("unknown cell");
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    assert!(bad.message().contains("cell_code"), "{}", bad.message());
    // Every year a format covers is reported in the format of that year: 2018 is the statistical table.
    let old = client
        .get_report(pb::GetReportRequest {
            target: target("simao", 2018),
            output: 1,
            as_of: None,
        })
        .await
        .expect("a 2018 report")
        .into_inner();
    assert!(old.is_final);
    let old_json = report_json(&old);
    assert_eq!(old_json["format"], "statistical_table", "{old_json}");
    let unsupported = client
        .get_report(pb::GetReportRequest {
            target: target("simao", 2007),
            output: 1,
            as_of: None,
        })
        .await
        .expect_err("no format before 2008");
    assert_eq!(unsupported.code(), tonic::Code::InvalidArgument);
    assert!(
        unsupported.message().contains("year"),
        "{}",
        unsupported.message()
    );
    refusals(&mut client).await;
    business_dates(&mut client).await;
    narratives(&mut client, &mut finance).await;
    server.abort();
}

/// WriteNarrative: a new version of a part, in the report from its position on; a stale version is ABORTED
/// naming the version missed; a bad part or year is INVALID_ARGUMENT naming the field; another jurisdiction's
/// report is refused.
async fn narratives(
    client: &mut ReportingClient<InterceptedService<Channel, BearerToken>>,
    finance: &mut ReportingClient<InterceptedService<Channel, BearerToken>>,
) {
    let write = |part: u32, year: i32, replaces_version: u64| pb::WriteNarrativeRequest {
        agency: "simao".to_owned(),
        year,
        part,
        text: "一是加强培训。".to_owned(),
        replaces_version,
    };
    let written = client
        .write_narrative(write(5, 2024, 0))
        .await
        .expect("write part five")
        .into_inner();
    assert_eq!(written.version, 1);
    let report = client
        .get_report(pb::GetReportRequest {
            target: target("simao", 2024),
            output: pb::ReportOutput::Json as i32,
            as_of: Some(pb::get_report_request::AsOf::AsOfPosition(
                written.position + 1,
            )),
        })
        .await
        .expect("report with the paragraph")
        .into_inner();
    assert_eq!(
        report_json(&report)["written_parts"],
        serde_json::json!([{"part": 5, "version": 1, "text": "一是加强培训。"}])
    );
    let stale = client
        .write_narrative(write(5, 2024, 0))
        .await
        .expect_err("stale");
    assert_eq!(stale.code(), tonic::Code::Aborted, "{stale:?}");
    assert!(stale.message().contains("replaces_version"), "{stale:?}");
    for (request, field) in [(write(7, 2024, 0), "part"), (write(5, 2018, 0), "year")] {
        let refused = client.write_narrative(request).await.expect_err("refused");
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{refused:?}");
        assert!(refused.message().starts_with(field), "{refused:?}");
    }
    let outside = finance
        .write_narrative(write(5, 2024, 1))
        .await
        .expect_err("outside the jurisdiction");
    assert_eq!(outside.code(), tonic::Code::PermissionDenied, "{outside:?}");
}

/// A report and a drill-down as of a business date; a date that is not `YYYY-MM-DD` is INVALID_ARGUMENT
/// naming `as_of_date`.
async fn business_dates(client: &mut ReportingClient<InterceptedService<Channel, BearerToken>>) {
    let by_date = |on: &str| pb::GetReportRequest {
        target: target("simao", 2024),
        output: pb::ReportOutput::Json as i32,
        as_of: Some(pb::get_report_request::AsOf::AsOfDate(on.to_owned())),
    };
    let report = client
        .get_report(by_date("2024-12-31"))
        .await
        .expect("as of a business date")
        .into_inner();
    assert_eq!(report.as_of_date, "2024-12-31");
    assert_eq!(report_json(&report)["as_of_date"], "2024-12-31");
    let refused = client
        .get_report(by_date("2024-12-32"))
        .await
        .expect_err("not a date");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(refused.message().contains("as_of_date"), "{refused:?}");
    let drill = client
        .drill_down(pb::DrillDownRequest {
            target: target("simao", 2024),
            cell_code: "applications.received.total".to_string(),
            as_of_date: "31/12/2024".to_owned(),
        })
        .await
        .expect_err("not a date");
    assert_eq!(drill.code(), tonic::Code::InvalidArgument);
    assert!(drill.message().contains("as_of_date"), "{drill:?}");
}

/// An agency neither registered nor in the log, and a year without events, are NOT_FOUND naming what is
/// missing (with the nearest agency ids), never a table of zeros.
async fn refusals(client: &mut ReportingClient<InterceptedService<Channel, BearerToken>>) {
    for (agency, year, expected) in [
        ("simao/finanse", 2024, "是否要找：simao/finance"),
        ("simao", 2020, "simao 在 2020 年没有任何记录"),
    ] {
        let refused = client
            .get_report(pb::GetReportRequest {
                target: target(agency, year),
                output: pb::ReportOutput::Json as i32,
                as_of: None,
            })
            .await
            .expect_err("refused");
        assert_eq!(refused.code(), tonic::Code::NotFound, "{refused:?}");
        assert!(
            refused.message().contains(expected),
            "{}",
            refused.message()
        );
    }
    let drill = client
        .drill_down(pb::DrillDownRequest {
            target: target("simao/finanse", 2024),
            cell_code: "applications.received.total".to_string(),
            ..Default::default()
        })
        .await
        .expect_err("unknown agency");
    assert_eq!(drill.code(), tonic::Code::NotFound, "{drill:?}");
}
