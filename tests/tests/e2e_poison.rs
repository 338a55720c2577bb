//! A poison event in the multi-process layout: an event the read models cannot decode reaches `casetrack
//! reporting` through NATS. The other agency's report stays final and current; the affected agency's report
//! counts every other case, says it is not final and names the event's log position.

use std::path::Path;

use casetrack_api::v1 as pb;
use casetrack_api::v1::reporting_client::ReportingClient;
use casetrack_domain::application::{ApplicationEvent, Channel as Via, DeliveryForm};
use casetrack_domain::{
    AgencyId, ApplicantType, CaseId, CaseKind, Event, EventBody, encode, stream_name,
};
use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use casetrack_tests::NatsServer;
use casetrack_tests::reporting::{
    RECEIVED_CELL, caught_up, eventlog, explained, log_head, report_json, reporting,
};
use casetrack_tests::services::{AUDITOR_TOKEN, authed, today};
use uuid::Uuid;

/// An application received today by `agency`, as intake would record it: its stream and event.
fn received(agency: &str) -> anyhow::Result<(String, NewEvent)> {
    let today = chrono::NaiveDate::parse_from_str(&today(), "%Y-%m-%d")?;
    let event = Event::new(
        CaseId(Uuid::new_v4()),
        chrono::Utc::now(),
        EventBody::Application(ApplicationEvent::Received {
            applicant: None,
            agency: AgencyId::parse(agency)?,
            applicant_type: ApplicantType::NaturalPerson,
            channel: Via::InPerson,
            handed_in_on: today,
            receipt_confirmed_on: None,
            content: "本机关 2025 年预算执行情况".to_string(),
            delivery_form: DeliveryForm::Electronic,
            referred_from: None,
        }),
    );
    let encoded = encode(&event);
    Ok((
        event.stream(),
        new_event(encoded.event_type, encoded.data, agency),
    ))
}

/// An `ApplicationReceived` for `agency` whose data the domain cannot decode.
fn undecodable(agency: &str) -> (String, NewEvent) {
    let stream = stream_name(CaseKind::Application, CaseId(Uuid::new_v4()));
    let data = serde_json::json!({"applicant_type": 42});
    (
        stream,
        new_event("ApplicationReceived".into(), data, agency),
    )
}

fn new_event(event_type: String, data: serde_json::Value, agency: &str) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type,
        data,
        metadata: Metadata {
            agency: Some(agency.to_owned()),
            ..Metadata::default()
        },
    }
}

/// Appends to the log directly; the event's log position.
async fn append(log: &EventLog, (stream, event): (String, NewEvent)) -> anyhow::Result<u64> {
    let result = log
        .append(&stream, ExpectedRevision::NoStream, vec![event])
        .await?;
    Ok(result.first_position)
}

async fn report(
    client: &mut ReportingClient<tonic::transport::Channel>,
    agency: &str,
) -> anyhow::Result<(pb::GetReportResponse, u64)> {
    let target = pb::ReportTarget {
        agency: agency.to_owned(),
        year: today()[..4].parse()?,
        include_subagencies: false,
    };
    let response = client
        .get_report(authed(
            pb::GetReportRequest {
                target: Some(target),
                output: pb::ReportOutput::Json as i32,
                as_of: None,
            },
            AUDITOR_TOKEN,
        ))
        .await?
        .into_inner();
    let json = report_json(&response)?;
    let received = json["figures"][RECEIVED_CELL].as_u64().unwrap_or(0);
    Ok((response, received))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_event_leaves_other_agencies_final_and_names_its_position() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let outcome = scenario(dir.path()).await;
    explained(outcome, dir.path())
}

async fn scenario(dir: &Path) -> anyhow::Result<()> {
    // No writer can append a poison event through the eventlog process (its append guard asks the domain to
    // decode every event), so the log is written directly before the process starts, as a log written by an
    // older version could hold one.
    let poison = {
        let log = EventLog::open(&dir.join("data").join("log"))?;
        append(&log, received("simao")?).await?;
        append(&log, received("xishan")?).await?;
        let poison = append(&log, undecodable("xishan")).await?;
        append(&log, received("simao")?).await?;
        append(&log, received("xishan")?).await?;
        poison
    };
    let nats = NatsServer::start()?;
    let log_process = eventlog(&nats, dir)?;
    let reporter = reporting("reporting", &log_process, &nats, dir)?;

    let head = log_head(&log_process.url()).await?;
    let mut client = caught_up(&reporter.url(), head).await?;
    let (simao, received) = report(&mut client, "simao").await?;
    assert!(simao.is_final, "{:?}", simao.skipped);
    assert!(simao.skipped.is_empty());
    assert_eq!((simao.as_of_position, received), (head, 2));

    let (xishan, received) = report(&mut client, "xishan").await?;
    assert!(!xishan.is_final);
    assert_eq!((xishan.as_of_position, received), (head, 2));
    let skipped: Vec<(u64, &str)> = xishan
        .skipped
        .iter()
        .map(|s| (s.position, s.agency.as_str()))
        .collect();
    assert_eq!(skipped, [(poison, "xishan")]);
    assert!(
        xishan.skipped[0]
            .reason
            .contains(&format!("position {poison}")),
        "{}",
        xishan.skipped[0].reason
    );
    Ok(())
}
