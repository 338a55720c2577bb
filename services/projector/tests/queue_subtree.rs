//! A handling unit's queue with its subtree: the open cases of the agency and of every agency below it (a
//! case of `simao/finance/budget` is in `simao/finance`'s queue), never those of an agency that only shares
//! the beginning of its name, and the state filter applies below as it does at the agency itself. A ticket is
//! in the queue of the unit it was dispatched to, not of the agency that received it.

mod common;

use casetrack_domain::application::{ApplicationEvent, Channel, DeliveryForm};
use casetrack_domain::hotline::{HotlineCategory, HotlineEvent};
use casetrack_domain::{AgencyId, ApplicantType, CaseId, EventBody};
use casetrack_eventlog::EventLog;
use casetrack_projector::AgencyScope;
use casetrack_projector::queues::{Due, queue};
use casetrack_projector::summary::STATUS_AWAITING_RECEIPT;
use common::{append_each, case_id, clocks, date, fold, on_day, received};

fn listed(entries: &[casetrack_projector::queues::QueueEntry]) -> Vec<CaseId> {
    let mut ids: Vec<CaseId> = entries.iter().map(|e| e.case.case_id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_queue_with_its_subtree_lists_the_units_below_and_nothing_beside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let person = ApplicantType::NaturalPerson;
    let on = date(2024, 3, 1);
    append_each(
        &log,
        &[
            received(case_id(1), "simao", person, on),
            received(case_id(2), "simao/finance", person, on),
            received(case_id(3), "simao/finance/budget", person, on),
            received(case_id(4), "simao/financebureau", person, on),
            unconfirmed(case_id(5), "simao/finance/budget", on),
        ],
    )
    .await;
    let projector = fold(dir.path(), &log);
    let view = projector.store().view();
    let today = date(2024, 3, 4);
    let finance = |scope, state| {
        queue(
            &view,
            &clocks(),
            ("simao/finance", scope),
            state,
            today,
            Due::All,
        )
        .expect("queue")
    };

    assert_eq!(listed(&finance(AgencyScope::Own, None)), vec![case_id(2)]);
    assert_eq!(
        listed(&finance(AgencyScope::Tree, None)),
        listed_ids(&[2, 3, 5])
    );
    let unconfirmed_below = finance(AgencyScope::Tree, Some(STATUS_AWAITING_RECEIPT));
    assert_eq!(listed(&unconfirmed_below), vec![case_id(5)]);
    assert!(finance(AgencyScope::Own, Some(STATUS_AWAITING_RECEIPT)).is_empty());
    let district = queue(
        &view,
        &clocks(),
        ("simao", AgencyScope::Tree),
        None,
        today,
        Due::All,
    )
    .expect("queue");
    assert_eq!(listed(&district), listed_ids(&[1, 2, 3, 4, 5]));
}

#[tokio::test]
async fn a_dispatched_ticket_is_in_its_units_queue_and_the_units_above() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let on = date(2024, 3, 1);
    let ticket = case_id(7);
    let agency = |id: &str| AgencyId::parse(id).expect("agency");
    let received = HotlineEvent::Received {
        caller: None,
        agency: agency("simao"),
        line: "12345".to_owned(),
        category: HotlineCategory::Complaint,
        received_on: on,
        summary: "人民路路灯不亮".to_owned(),
    };
    let dispatched = HotlineEvent::Dispatched {
        unit: agency("simao/roads/east"),
        time_limit_working_days: 5,
        dispatched_on: on,
    };
    append_each(
        &log,
        &[
            on_day(ticket, on, EventBody::Hotline(received)),
            on_day(ticket, on, EventBody::Hotline(dispatched)),
        ],
    )
    .await;
    let projector = fold(dir.path(), &log);
    let view = projector.store().view();
    let today = date(2024, 3, 4);
    let queue_of = |agency, scope| {
        listed(&queue(&view, &clocks(), (agency, scope), None, today, Due::All).expect("queue"))
    };

    assert_eq!(queue_of("simao/roads/east", AgencyScope::Own), vec![ticket]);
    assert_eq!(queue_of("simao/roads", AgencyScope::Tree), vec![ticket]);
    assert_eq!(queue_of("simao", AgencyScope::Tree), vec![ticket]);
    assert!(queue_of("simao", AgencyScope::Own).is_empty());
    assert!(queue_of("simao/roads", AgencyScope::Own).is_empty());
    let entries = queue(
        &view,
        &clocks(),
        ("simao", AgencyScope::Tree),
        None,
        today,
        Due::All,
    )
    .expect("queue");
    let summary = &entries[0].case;
    assert_eq!(summary.line.as_deref(), Some("12345"));
    assert_eq!(summary.category, Some(HotlineCategory::Complaint));
    assert_eq!(
        summary.handling_unit.as_ref().map(AgencyId::as_str),
        Some("simao/roads/east")
    );
}

/// An application sent over the internet whose receipt is not yet confirmed: a state of its own.
fn unconfirmed(case: CaseId, agency: &str, on: chrono::NaiveDate) -> casetrack_domain::Event {
    let body = ApplicationEvent::Received {
        applicant: None,
        agency: AgencyId::parse(agency).expect("agency"),
        applicant_type: ApplicantType::NaturalPerson,
        channel: Channel::Internet,
        handed_in_on: on,
        receipt_confirmed_on: None,
        content: "请公开预算执行情况".to_owned(),
        delivery_form: DeliveryForm::Electronic,
        referred_from: None,
    };
    on_day(case, on, EventBody::Application(body))
}

fn listed_ids(numbers: &[u128]) -> Vec<CaseId> {
    let mut ids: Vec<CaseId> = numbers.iter().map(|n| case_id(*n)).collect();
    ids.sort();
    ids
}
