//! The work figures over gRPC: the hotline, proposal and petition statistics of a year and of one month, every
//! figure drilling down to exactly as many cases (by month and as of a past position too); a bad month, an
//! unknown agency, a year without such work, an agency outside the caller's jurisdiction and KIROGOVCOMPARE's
//! schema refused. And the annual report's parts 一 and 六 quote the year's figures, as of the report's own
//! position.

mod common;

use casetrack_api::v1 as pb;
use casetrack_api::v1::get_work_report_response::Rendered;
use casetrack_api::v1::reporting_client::ReportingClient;
use casetrack_auth::token_sha256;
use casetrack_domain::hotline::{HotlineCategory, HotlineEvent, Satisfaction};
use casetrack_domain::proposal::{ProposalEvent, ProposalKind};
use casetrack_domain::{AgencyId, ApplicantType, CaseId, Event, EventBody};
use casetrack_eventlog::{BearerToken, EventLog};
use chrono::NaiveDate;
use common::{append_each, case_id, date, fold, on_day, received, serve_reporting};
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

type Client = ReportingClient<InterceptedService<Channel, BearerToken>>;

fn agency(id: &str) -> AgencyId {
    AgencyId::parse(id).unwrap()
}

fn ticket(case: CaseId, on: NaiveDate, line: &str, category: HotlineCategory) -> Event {
    on_day(
        case,
        on,
        EventBody::Hotline(HotlineEvent::Received {
            agency: agency("simao"),
            line: line.to_owned(),
            category,
            received_on: on,
            summary: "反映小区噪音扰民".to_owned(),
            caller: None,
        }),
    )
}

fn hotline(case: CaseId, on: NaiveDate, event: HotlineEvent) -> Event {
    on_day(case, on, EventBody::Hotline(event))
}

/// The year 2024 of the district: an application, three tickets (one answered at once in March, one
/// complaint dispatched, handled on time and closed satisfied in March, one dispatched in April and never
/// handled) and one NPC suggestion answered on time and published.
fn history() -> Vec<Event> {
    let (app, t1, t2, t3, p1) = (case_id(1), case_id(2), case_id(3), case_id(4), case_id(5));
    let dispatch = |on| HotlineEvent::Dispatched {
        unit: agency("simao/roads"),
        time_limit_working_days: 5,
        dispatched_on: on,
    };
    vec![
        received(app, "simao", ApplicantType::NaturalPerson, date(2024, 3, 1)),
        ticket(t1, date(2024, 3, 4), "12345", HotlineCategory::Consultation),
        hotline(
            t1,
            date(2024, 3, 4),
            HotlineEvent::AnsweredAtOnce {
                answered_on: date(2024, 3, 4),
                answer: "当场解答".to_owned(),
            },
        ),
        hotline(
            t1,
            date(2024, 3, 4),
            HotlineEvent::Closed {
                closed_on: date(2024, 3, 4),
            },
        ),
        ticket(t2, date(2024, 3, 5), "12328", HotlineCategory::Complaint),
        hotline(t2, date(2024, 3, 5), dispatch(date(2024, 3, 5))),
        hotline(
            t2,
            date(2024, 3, 7),
            HotlineEvent::Handled {
                result: "已整改".to_owned(),
                handled_on: date(2024, 3, 7),
            },
        ),
        hotline(
            t2,
            date(2024, 3, 8),
            HotlineEvent::Closed {
                closed_on: date(2024, 3, 8),
            },
        ),
        hotline(
            t2,
            date(2024, 3, 8),
            HotlineEvent::FollowedUp {
                satisfaction: Satisfaction::Satisfied,
                followed_up_on: date(2024, 3, 8),
            },
        ),
        ticket(t3, date(2024, 4, 1), "12345", HotlineCategory::Help),
        hotline(t3, date(2024, 4, 1), dispatch(date(2024, 4, 1))),
        on_day(
            p1,
            date(2024, 3, 10),
            EventBody::Proposal(ProposalEvent::Assigned {
                agency: agency("simao"),
                kind: ProposalKind::NpcSuggestion,
                number: "区人大建议第1号".to_owned(),
                title: "关于改善城区停车难问题的建议".to_owned(),
                lead_unit: agency("simao/roads"),
                co_units: Vec::new(),
                assigned_on: date(2024, 3, 10),
            }),
        ),
        on_day(
            p1,
            date(2024, 5, 1),
            EventBody::Proposal(ProposalEvent::Replied {
                result_class: "A".to_owned(),
                replied_on: date(2024, 5, 1),
            }),
        ),
        on_day(
            p1,
            date(2024, 5, 2),
            EventBody::Proposal(ProposalEvent::Published {
                published_on: date(2024, 5, 2),
            }),
        ),
    ]
}

async fn serve(dir: &std::path::Path) -> (Client, Client) {
    let log = EventLog::open(&dir.join("log")).expect("log");
    append_each(&log, &history()).await;
    let projector = fold(dir, &log);
    let identities = serde_json::json!([
        {"name": "district", "token_sha256": token_sha256("district"), "roles": ["report_officer"],
         "source_system": "console", "jurisdiction": "simao"},
        {"name": "roads", "token_sha256": token_sha256("roads"), "roles": ["report_officer"],
         "source_system": "console", "jurisdiction": "simao/roads"}
    ]);
    let (channel, _server) = serve_reporting(log, projector, identities).await;
    let client = |token: &str| {
        ReportingClient::with_interceptor(channel.clone(), BearerToken::new(token).expect("ASCII"))
    };
    (client("district"), client("roads"))
}

fn target(agency: &str, year: i32) -> Option<pb::ReportTarget> {
    Some(pb::ReportTarget {
        agency: agency.to_owned(),
        year,
        include_subagencies: false,
    })
}

fn work(month: u32, output: pb::ReportOutput) -> pb::GetWorkReportRequest {
    pb::GetWorkReportRequest {
        target: target("simao", 2024),
        month,
        output: output as i32,
        as_of: None,
    }
}

fn text(response: pb::GetWorkReportResponse) -> String {
    match response.rendered {
        Some(Rendered::Text(text)) => text,
        other => panic!("not text: {other:?}"),
    }
}

async fn drill(client: &mut Client, cell: &str, month: u32) -> Vec<String> {
    let request = pb::DrillDownWorkRequest {
        target: target("simao", 2024),
        cell_code: cell.to_owned(),
        month,
        as_of: None,
    };
    let answer = client
        .drill_down_work(request)
        .await
        .expect("drill-down")
        .into_inner();
    assert_eq!(answer.figure, answer.cases.len() as u64, "{cell}");
    answer.cases.into_iter().map(|c| c.case_id).collect()
}

/// Every figure of a JSON statistics document, by cell code.
fn figures_of(json: &serde_json::Value) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for section in json["sections"].as_array().expect("sections") {
        for row in section["rows"].as_array().expect("rows") {
            for (measure, figure) in row["figures"].as_object().expect("figures") {
                let code = format!(
                    "{}.{measure}{}",
                    section["code"].as_str().expect("code"),
                    row["cell_suffix"].as_str().expect("suffix")
                );
                out.push((code, figure.as_u64().expect("a number")));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_figure_of_a_year_and_of_a_month_drills_down_to_as_many_cases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut client, _) = serve(dir.path()).await;
    for month in [0, 3, 4, 5] {
        let answer = client
            .get_work_report(work(month, pb::ReportOutput::Json))
            .await
            .expect("statistics");
        let json: serde_json::Value =
            serde_json::from_str(&text(answer.into_inner())).expect("json");
        let figures = figures_of(&json);
        assert!(figures.iter().any(|(_, f)| *f > 0), "month {month}: {json}");
        for (cell, figure) in figures {
            let request = pb::DrillDownWorkRequest {
                target: target("simao", 2024),
                cell_code: cell.clone(),
                month,
                as_of: None,
            };
            let answer = client
                .drill_down_work(request)
                .await
                .expect("drill-down")
                .into_inner();
            assert_eq!(answer.figure, figure, "month {month} {cell}");
            assert_eq!(
                answer.cases.iter().map(|c| c.weight).sum::<u64>(),
                figure,
                "month {month} {cell}"
            );
        }
    }
}

#[tokio::test]
async fn work_statistics_of_a_year_and_a_month_over_grpc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut client, mut roads) = serve(dir.path()).await;

    let year = client
        .get_work_report(work(0, pb::ReportOutput::Json))
        .await
        .expect("year")
        .into_inner();
    assert!(
        year.identity_failures.is_empty(),
        "{:?}",
        year.identity_failures
    );
    let json: serde_json::Value = serde_json::from_str(&text(year)).expect("json");
    let whole = &json["sections"][0]["rows"][0];
    assert_eq!(whole["label"], "合计");
    for (measure, figure) in [
        ("received", 3),
        ("answered_at_once", 1),
        ("dispatched", 2),
        ("closed", 2),
        ("closed_on_time", 2),
        ("open_at_end", 1),
        ("overdue", 1),
        ("followed_up", 1),
        ("satisfied", 1),
    ] {
        assert_eq!(
            whole["figures"][measure], figure,
            "hotline.{measure}: {whole}"
        );
    }
    assert_eq!(whole["rates"][0]["percent"], "100.0%", "{whole}");
    let proposals = &json["sections"][1]["rows"][0]["figures"];
    assert_eq!(
        (
            proposals["received"].as_u64(),
            proposals["answered_on_time"].as_u64(),
            proposals["published"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );

    let march = client
        .get_work_report(work(3, pb::ReportOutput::Csv))
        .await
        .expect("month")
        .into_inner();
    let csv = text(march);
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for Excel");
    assert!(
        csv.contains("hotline.received,热线工单 合计 受理量,2\n"),
        "{csv}"
    );
    assert!(
        csv.contains("hotline.open_at_end,热线工单 合计 期末未办结,0\n"),
        "{csv}"
    );
    let xlsx = client
        .get_work_report(work(3, pb::ReportOutput::Xlsx))
        .await
        .expect("xlsx")
        .into_inner();
    assert!(
        matches!(xlsx.rendered, Some(Rendered::Binary(ref b)) if b.starts_with(b"PK")),
        "xlsx is a zip"
    );

    assert_eq!(
        drill(&mut client, "hotline.received", 4).await,
        [case_id(4).to_string()]
    );
    assert_eq!(
        drill(&mut client, "hotline.received@line=12328", 3).await,
        [case_id(3).to_string()]
    );
    assert_eq!(
        drill(&mut client, "petitions.handled", 0).await,
        [case_id(3).to_string()]
    );
    assert_eq!(
        drill(&mut client, "hotline.received", 6).await,
        Vec::<String>::new()
    );

    let refused = |status: tonic::Status, code: tonic::Code, field: &str| {
        assert_eq!(status.code(), code, "{status:?}");
        assert!(status.message().starts_with(field), "{}", status.message());
    };
    let bad = client
        .get_work_report(work(13, pb::ReportOutput::Json))
        .await
        .expect_err("month 13");
    refused(bad, tonic::Code::InvalidArgument, "month");
    let kirogov = client
        .get_work_report(work(0, pb::ReportOutput::Kirogov))
        .await
        .expect_err("kirogov");
    refused(kirogov, tonic::Code::InvalidArgument, "output");
    let empty = client
        .get_work_report(pb::GetWorkReportRequest {
            target: target("simao", 2019),
            ..work(0, pb::ReportOutput::Json)
        })
        .await
        .expect_err("nothing in 2019");
    refused(empty, tonic::Code::NotFound, "year");
    // June: ticket 4 is carried over and still open, nothing happened.
    let june = client
        .get_work_report(work(6, pb::ReportOutput::Json))
        .await
        .expect_err("nothing in June");
    refused(june, tonic::Code::NotFound, "month");
    let unknown = client
        .get_work_report(pb::GetWorkReportRequest {
            target: target("simao/finanse", 2024),
            ..work(0, pb::ReportOutput::Json)
        })
        .await
        .expect_err("unknown agency");
    refused(unknown, tonic::Code::NotFound, "agency");
    let bad_cell = client
        .drill_down_work(pb::DrillDownWorkRequest {
            target: target("simao", 2024),
            cell_code: "hotline.nonsense".to_owned(),
            month: 0,
            as_of: None,
        })
        .await
        .expect_err("unknown cell");
    refused(bad_cell, tonic::Code::InvalidArgument, "cell_code");
    let outside = roads
        .get_work_report(work(0, pb::ReportOutput::Json))
        .await
        .expect_err("the district is above simao/roads");
    assert_eq!(outside.code(), tonic::Code::PermissionDenied, "{outside:?}");
}

#[tokio::test]
async fn the_statistics_and_their_drill_down_as_of_a_past_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut client, _) = serve(dir.path()).await;
    // The first four events: the application and the first ticket (case 2): received, answered at once, closed.
    let as_of = || Some(pb::get_work_report_request::AsOf::AsOfPosition(4));
    let answer = client
        .get_work_report(pb::GetWorkReportRequest {
            as_of: as_of(),
            ..work(0, pb::ReportOutput::Json)
        })
        .await
        .expect("as of")
        .into_inner();
    assert_eq!(answer.as_of_position, 4);
    let json: serde_json::Value = serde_json::from_str(&text(answer)).expect("json");
    assert_eq!(
        json["sections"][0]["rows"][0]["figures"]["received"], 1,
        "{json}"
    );
    let drill = client
        .drill_down_work(pb::DrillDownWorkRequest {
            target: target("simao", 2024),
            cell_code: "hotline.received".to_owned(),
            month: 0,
            as_of: Some(pb::drill_down_work_request::AsOf::AsOfPosition(4)),
        })
        .await
        .expect("drill-down as of")
        .into_inner();
    assert_eq!(drill.figure, 1);
    assert_eq!(drill.cases[0].case_id, case_id(2).to_string());
}

async fn annual_markdown(
    client: &mut Client,
    as_of: Option<pb::get_report_request::AsOf>,
) -> String {
    let request = pb::GetReportRequest {
        target: target("simao", 2024),
        output: pb::ReportOutput::Md as i32,
        as_of,
    };
    let answer = client
        .get_report(request)
        .await
        .expect("annual report")
        .into_inner();
    match answer.rendered {
        Some(pb::get_report_response::Rendered::Text(text)) => text,
        other => panic!("not text: {other:?}"),
    }
}

#[tokio::test]
async fn the_annual_report_quotes_the_years_work_as_of_its_own_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut client, _) = serve(dir.path()).await;
    let text = annual_markdown(&mut client, None).await;
    let six = text.find("六、其他需要报告的事项").expect("part 六");
    let hotline = text
        .find("全年通过热线受理群众诉求3件，其中12345热线2件、12328热线1件；办理完成2件，按时办结率100.0%，回访率50.0%，满意率100.0%。")
        .expect("part 一 quotes the hotline's year");
    let proposals = text
        .find("承办人大代表建议1件、政协委员提案0件，全部按时限要求办理答复，答复全部公开。通过热线受理群众投诉、举报1件，处理完成1件。")
        .expect("part 六 quotes the proposals and complaints");
    assert!(hotline < six && six < proposals, "{text}");

    // As of the first four events (the application and the first ticket), the tables and the words agree.
    let early = annual_markdown(
        &mut client,
        Some(pb::get_report_request::AsOf::AsOfPosition(4)),
    )
    .await;
    assert!(
        early.contains("全年通过热线受理群众诉求1件；办理完成1件，按时办结率100.0%，回访率0.0%。"),
        "{early}"
    );
    assert!(!early.contains("人大代表建议"), "{early}");

    // As of business date 31 March: the two March tickets, and the suggestion assigned but not yet answered.
    let dated = annual_markdown(
        &mut client,
        Some(pb::get_report_request::AsOf::AsOfDate(
            "2024-03-31".to_owned(),
        )),
    )
    .await;
    assert!(
        dated.contains("全年通过热线受理群众诉求2件，其中12328热线1件、12345热线1件；办理完成2件"),
        "{dated}"
    );
    assert!(dated.contains("承办人大代表建议1件、政协委员提案0件，本年答复0件，其中按时答复0件；公开答复0件；年末尚在办理1件。"), "{dated}");
}
