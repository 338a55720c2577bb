//! A ledger row as the domain events it implies: received, then (if decided) decided — or abandoned, for the
//! two outcomes that are an abandonment — reply delivered and closed. Each event is recorded at noon China time
//! of its own date, so the case's history reads as if it had been entered on the day.

use casetrack_domain::application::{AbandonReason, ApplicationEvent, DeliveryForm};
use casetrack_domain::{Event, EventBody, Outcome};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use super::identity::case_id;
use super::row::LedgerRow;

/// The hour (UTC) at which an imported event is recorded: 04:00 UTC is noon in China (UTC+8), safely inside
/// the statutory date whichever way the date is read.
const RECORDED_AT_UTC_HOUR: u32 = 4;

/// How the reply of an imported case is described; the ledger does not say how it was delivered.
pub const IMPORTED_REPLY_METHOD: &str = "as recorded in the imported ledger";

/// The events of `row`, in order.
pub fn row_events(row: &LedgerRow) -> Vec<Event> {
    let case = case_id(&row.agency, &row.external_id);
    let event = |on: NaiveDate, body: ApplicationEvent| Event::new(case, recorded_at(on), EventBody::Application(body));
    // The ledger's receipt date is the statutory one, so for channels needing a confirmation (Art. 31) it is
    // also the confirmation date.
    let mut events = vec![event(
        row.received_on,
        ApplicationEvent::Received {
            agency: row.agency.clone(),
            applicant_type: row.applicant_type,
            channel: row.channel,
            handed_in_on: row.received_on,
            receipt_confirmed_on: row.channel.needs_receipt_confirmation().then_some(row.received_on),
            content: row.content.clone(),
            delivery_form: DeliveryForm::Unspecified,
            referred_from: None,
        },
    )];
    let Some(decision) = &row.decision else { return events };
    let ending = match abandonment(decision.outcome) {
        Some(reason) => ApplicationEvent::Abandoned { reason, abandoned_on: decision.decided_on },
        None => ApplicationEvent::Decided {
            outcome: decision.outcome,
            legal_reason: decision.legal_reason.clone(),
            decided_on: decision.decided_on,
        },
    };
    events.push(event(decision.decided_on, ending));
    events.push(event(
        decision.delivered_on,
        ApplicationEvent::ReplyDelivered {
            delivered_on: decision.delivered_on,
            method: IMPORTED_REPLY_METHOD.to_owned(),
        },
    ));
    events.push(event(decision.delivered_on, ApplicationEvent::Closed { closed_on: decision.delivered_on }));
    events
}

/// The outcomes the domain records as an abandonment rather than a decision.
fn abandonment(outcome: Outcome) -> Option<AbandonReason> {
    [AbandonReason::NoSupplement, AbandonReason::FeeUnpaid].into_iter().find(|reason| reason.outcome() == outcome)
}

fn recorded_at(on: NaiveDate) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(RECORDED_AT_UTC_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
    Utc.from_utc_datetime(&on.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::row::Decision;
    use casetrack_domain::application::Channel;
    use casetrack_domain::time::local_date;
    use casetrack_domain::{AgencyId, ApplicantType};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn row(outcome: Option<Outcome>) -> LedgerRow {
        LedgerRow {
            agency: AgencyId("simao/gov".into()),
            external_id: "7".into(),
            received_on: d(2018, 12, 28),
            applicant_type: ApplicantType::Business,
            channel: Channel::Internet,
            content: String::new(),
            decision: outcome.map(|outcome| Decision {
                outcome,
                legal_reason: "r".into(),
                decided_on: d(2019, 1, 10),
                delivered_on: d(2019, 1, 11),
            }),
        }
    }

    #[test]
    fn an_open_row_is_one_received_event_on_its_date() {
        let events = row_events(&row(None));
        assert_eq!(events.len(), 1);
        assert_eq!(local_date(events[0].occurred_at), d(2018, 12, 28));
        assert_eq!(events[0].event_type(), "ApplicationReceived");
    }

    #[test]
    fn a_decided_row_runs_to_closed_and_abandonments_are_not_decisions() {
        let types = |outcome| row_events(&row(Some(outcome))).iter().map(Event::event_type).collect::<Vec<_>>();
        assert_eq!(
            types(Outcome::Disclosed),
            ["ApplicationReceived", "ApplicationDecided", "ApplicationReplyDelivered", "ApplicationClosed"]
        );
        assert_eq!(types(Outcome::OtherFeeUnpaid)[1], "ApplicationAbandoned");
        assert_eq!(types(Outcome::OtherNoSupplement)[1], "ApplicationAbandoned");
        let events = row_events(&row(Some(Outcome::Disclosed)));
        assert_eq!(local_date(events[1].occurred_at), d(2019, 1, 10));
        assert_eq!(local_date(events[3].occurred_at), d(2019, 1, 11));
    }
}
