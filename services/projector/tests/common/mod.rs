//! Shared helpers: building domain events and appending them to a real event log.
#![allow(dead_code)] // each test file uses a different subset

use casetrack_domain::application::{ApplicationEvent, Channel, DeliveryForm};
use casetrack_domain::challenge::{ChallengeEvent, ChallengeKind, ChallengeResult};
use casetrack_domain::{AgencyId, ApplicantType, CaseId, Event, EventBody, Outcome, encode};
use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).expect("valid time"))
}

/// A deterministic case id from a test number.
pub fn case_id(n: u128) -> CaseId {
    CaseId(Uuid::from_u128(
        0x5eed_0000_0000_0000_0000_0000_0000_0000 | n,
    ))
}

pub fn received(case: CaseId, agency: &str, applicant: ApplicantType, on: NaiveDate) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Application(ApplicationEvent::Received {
            agency: AgencyId(agency.to_string()),
            applicant_type: applicant,
            channel: Channel::InPerson,
            handed_in_on: on,
            receipt_confirmed_on: None,
            content: "请公开本机关2023年度预算执行情况".to_string(),
            delivery_form: DeliveryForm::Electronic,
            referred_from: None,
        }),
    )
}

pub fn decided(case: CaseId, outcome: Outcome, on: NaiveDate) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Application(ApplicationEvent::Decided {
            outcome,
            legal_reason: outcome.legal_basis().to_string(),
            decided_on: on,
        }),
    )
}

pub fn filed(
    case: CaseId,
    agency: &str,
    kind: ChallengeKind,
    application: CaseId,
    on: NaiveDate,
) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Challenge(ChallengeEvent::Filed {
            agency: AgencyId(agency.to_string()),
            kind,
            application,
            prior_reconsideration: None,
            filed_on: on,
        }),
    )
}

pub fn concluded(case: CaseId, result: ChallengeResult, on: NaiveDate) -> Event {
    Event::new(
        case,
        at(on),
        EventBody::Challenge(ChallengeEvent::Concluded {
            result,
            concluded_on: on,
        }),
    )
}

/// Appends the events of one case to its stream, in one atomic append.
pub async fn append(log: &EventLog, events: &[Event]) {
    let Some(first) = events.first() else { return };
    let new_events = events
        .iter()
        .map(|event| {
            let encoded = encode(event);
            NewEvent {
                event_id: Uuid::new_v4(),
                event_type: encoded.event_type,
                data: encoded.data,
                metadata: Metadata::default(),
            }
        })
        .collect();
    log.append(&first.stream(), ExpectedRevision::Any, new_events)
        .await
        .expect("append");
}
