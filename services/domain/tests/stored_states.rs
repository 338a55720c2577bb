//! The per-kind states survive a JSON round trip (the projector stores them), and the facts added for the
//! annual report: the first end of handling (a closure without a decision is 三（六）3 其他) and fee payments.

use casetrack_domain::application::ApplicationState;
use casetrack_domain::application::{ApplicationEvent, Channel, DeliveryForm};
use casetrack_domain::fees::Fen;
use casetrack_domain::hotline::HotlineState;
use casetrack_domain::hotline::{self, HotlineCategory, HotlineEvent};
use casetrack_domain::lifecycle::replay;
use casetrack_domain::{AgencyId, ApplicantType, CaseId, Event, EventBody, Outcome};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).expect("valid time"))
}

fn app_event(case: CaseId, on: NaiveDate, body: ApplicationEvent) -> Event {
    Event::new(case, at(on), EventBody::Application(body))
}

fn received(case: CaseId, on: NaiveDate) -> Event {
    app_event(
        case,
        on,
        ApplicationEvent::Received {
            applicant: None,
            agency: AgencyId::parse("gov/test").unwrap(),
            applicant_type: ApplicantType::NaturalPerson,
            channel: Channel::InPerson,
            handed_in_on: on,
            receipt_confirmed_on: None,
            content: "请公开".to_owned(),
            delivery_form: DeliveryForm::Electronic,
            referred_from: None,
        },
    )
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    state: &T,
) {
    let json = serde_json::to_string(state).expect("serialise");
    let back: T = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(&back, state, "{json}");
}

#[test]
fn closed_without_a_decision_ends_handling_as_other_other() {
    let case = CaseId(Uuid::from_u128(1));
    let events = [
        received(case, d(2024, 3, 1)),
        app_event(
            case,
            d(2024, 3, 5),
            ApplicationEvent::FeePaid {
                amount: Fen(1200),
                paid_on: d(2024, 3, 5),
            },
        ),
        app_event(
            case,
            d(2024, 3, 9),
            ApplicationEvent::Closed {
                closed_on: d(2024, 3, 9),
            },
        ),
    ];
    let state = replay::<ApplicationState>(&events).expect("replay");
    assert_eq!(
        state.handling_ended,
        Some((Outcome::OtherOther, d(2024, 3, 9)))
    );
    assert_eq!(state.fees_paid, vec![(Fen(1200), d(2024, 3, 5))]);
    // The decision-based views are unchanged: no decision, no abandonment.
    assert_eq!(state.outcome(), None);
    round_trip(&state);
}

#[test]
fn the_first_end_of_handling_is_the_one_counted() {
    let case = CaseId(Uuid::from_u128(2));
    let decided = |outcome: Outcome, on: NaiveDate| {
        app_event(
            case,
            on,
            ApplicationEvent::Decided {
                outcome,
                legal_reason: outcome.legal_basis().to_owned(),
                decided_on: on,
            },
        )
    };
    let events = [
        received(case, d(2024, 3, 1)),
        decided(Outcome::Disclosed, d(2024, 3, 10)),
        decided(Outcome::OtherOther, d(2024, 3, 12)),
        app_event(
            case,
            d(2024, 3, 20),
            ApplicationEvent::Closed {
                closed_on: d(2024, 3, 20),
            },
        ),
    ];
    let state = replay::<ApplicationState>(&events).expect("replay");
    assert_eq!(
        state.handling_ended,
        Some((Outcome::Disclosed, d(2024, 3, 10)))
    );
    round_trip(&state);
}

#[test]
fn a_ticket_referred_to_an_application_not_yet_created_round_trips() {
    let case = CaseId(Uuid::from_u128(3));
    let ticket = |body| Event::new(case, at(d(2024, 5, 2)), EventBody::Hotline(body));
    let mut events = vec![ticket(HotlineEvent::Received {
        caller: None,
        agency: AgencyId::parse("gov/test").unwrap(),
        line: "12345".to_owned(),
        category: HotlineCategory::ALL[0],
        received_on: d(2024, 5, 2),
        summary: "咨询".to_owned(),
    })];
    let unreferred = replay::<HotlineState>(&events).expect("replay");
    assert_eq!(unreferred.referred_application, None);
    round_trip(&unreferred);
    events.push(ticket(HotlineEvent::ReferredToApplication {
        application: None,
        referred_on: d(2024, 5, 3),
    }));
    let referred = replay::<HotlineState>(&events).expect("replay");
    assert_eq!(referred.referred_application, Some(None));
    round_trip(&referred);
}

#[test]
fn a_ticket_keeps_the_time_limit_of_its_current_dispatch() {
    let case = CaseId(Uuid::from_u128(4));
    let unit = AgencyId::parse("unit/test").unwrap();
    let ticket = |body| Event::new(case, at(d(2024, 5, 2)), EventBody::Hotline(body));
    let dispatched = |time_limit_working_days| {
        ticket(HotlineEvent::Dispatched {
            unit: unit.clone(),
            time_limit_working_days,
            dispatched_on: d(2024, 5, 2),
        })
    };
    let mut events = vec![
        ticket(HotlineEvent::Received {
            caller: None,
            agency: AgencyId::parse("gov/test").unwrap(),
            line: "12345".to_owned(),
            category: HotlineCategory::ALL[0],
            received_on: d(2024, 5, 2),
            summary: "咨询".to_owned(),
        }),
        dispatched(5),
    ];
    let state = replay::<HotlineState>(&events).expect("replay");
    assert_eq!(state.time_limit_working_days, Some(5));
    round_trip(&state);

    // A state stored before the field existed still loads, without a time limit.
    let mut json = serde_json::to_value(&state).expect("serialise");
    json.as_object_mut()
        .expect("object")
        .remove("time_limit_working_days");
    let old: hotline::HotlineState = serde_json::from_value(json).expect("deserialise");
    assert_eq!(old.time_limit_working_days, None);

    events.push(ticket(HotlineEvent::Returned {
        unit: unit.clone(),
        reason: "不属本单位职责".to_owned(),
        returned_on: d(2024, 5, 2),
    }));
    let returned = replay::<HotlineState>(&events).expect("replay");
    assert_eq!(returned.unit, None);
    assert_eq!(returned.time_limit_working_days, None);

    events.push(dispatched(10));
    let redispatched = replay::<HotlineState>(&events).expect("replay");
    assert_eq!(redispatched.time_limit_working_days, Some(10));
}
