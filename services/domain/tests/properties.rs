//! Invariants over arbitrary command sequences: replay is deterministic (also through the codec), no
//! sequence of accepted commands closes an application without an outcome, and what a case says it accepts
//! (`Case::accepted`) is what its `decide` accepts.

mod common;

use std::sync::OnceLock;

use casetrack_domain::application::{
    self, AbandonReason, ApplicationCommand, ApplicationState, Channel, ConsultedParty,
    DeliveryForm,
};
use casetrack_domain::deadline::Clocks;
use casetrack_domain::fees::{FeeBasis, fee_for_pages};
use casetrack_domain::hotline::{
    self, HotlineCategory, HotlineCommand, HotlineState, Satisfaction,
};
use casetrack_domain::lifecycle::replay;
use casetrack_domain::{
    Act, AgencyId, ApplicantType, Calendar, Case, Event, Outcome, decode, encode,
};
use chrono::{Days, NaiveDate};
use common::{case, d, now};
use proptest::prelude::*;

fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(common::calendar)
}

fn clocks() -> &'static Clocks {
    static CLOCKS: OnceLock<Clocks> = OnceLock::new();
    CLOCKS.get_or_init(|| Clocks::new(common::calendar()))
}

fn day(offset: u32) -> NaiveDate {
    d(2018, 9, 20) + Days::new(offset.into())
}

fn application_command((op, offset, n, outcome): (u8, u32, u32, usize)) -> ApplicationCommand {
    let on = day(offset);
    let party = format!("party-{}", n % 3);
    match op {
        0 => ApplicationCommand::Receive {
            applicant: None,
            case_id: case(1),
            agency: AgencyId::parse("a").unwrap(),
            applicant_type: ApplicantType::ALL[n as usize % 6],
            channel: Channel::ALL[n as usize % Channel::ALL.len()],
            handed_in_on: on,
            receipt_confirmed_on: None,
            content: "c".to_owned(),
            delivery_form: DeliveryForm::Paper,
            referred_from: None,
        },
        1 => ApplicationCommand::ConfirmReceipt { confirmed_on: on },
        2 => ApplicationCommand::RequestSupplement {
            requested_on: on,
            what: "w".to_owned(),
            supplement_by: on + Days::new(n.into()),
        },
        3 => ApplicationCommand::ReceiveSupplement { received_on: on },
        4 => ApplicationCommand::StartConsultation {
            party,
            party_kind: ConsultedParty::ThirdParty,
            started_on: on,
        },
        5 => ApplicationCommand::AnswerConsultation {
            party,
            answered_on: on,
        },
        6 => ApplicationCommand::ApproveExtension {
            working_days: n,
            approved_by: "h".to_owned(),
            reason: "r".to_owned(),
            approved_on: on,
        },
        7 => ApplicationCommand::IssueFeeNotice {
            basis: FeeBasis::PerPage { pages: n * 10 },
            issued_on: on,
        },
        8 => ApplicationCommand::RecordFeePayment {
            amount: fee_for_pages(n * 10).unwrap_or_default(),
            paid_on: on,
        },
        9 => ApplicationCommand::Decide {
            outcome: Outcome::all()[outcome % 21],
            legal_reason: "l".to_owned(),
            decided_on: on,
        },
        10 => ApplicationCommand::DeliverReply {
            delivered_on: on,
            method: "m".to_owned(),
        },
        11 => ApplicationCommand::Abandon {
            reason: if n % 2 == 0 {
                AbandonReason::NoSupplement
            } else {
                AbandonReason::FeeUnpaid
            },
            abandoned_on: on,
        },
        _ => ApplicationCommand::Close { closed_on: on },
    }
}

fn hotline_command((op, offset, n, _): (u8, u32, u32, usize)) -> HotlineCommand {
    let on = day(offset);
    let unit = AgencyId::parse(&format!("unit-{}", n % 2)).unwrap();
    match op {
        0 => HotlineCommand::Receive {
            caller: None,
            case_id: case(2),
            agency: AgencyId::parse("c").unwrap(),
            line: "12345".to_owned(),
            category: HotlineCategory::ALL[n as usize % 5],
            received_on: on,
            summary: "s".to_owned(),
        },
        1 => HotlineCommand::AnswerAtOnce {
            answered_on: on,
            answer: "a".to_owned(),
        },
        2 => HotlineCommand::Dispatch {
            unit,
            time_limit_working_days: n,
            dispatched_on: on,
        },
        3 => HotlineCommand::Sign {
            unit,
            signed_on: on,
        },
        4 => HotlineCommand::Return {
            unit,
            reason: "r".to_owned(),
            returned_on: on,
        },
        5 => HotlineCommand::Extend {
            working_days: n,
            reason: "r".to_owned(),
            granted_on: on,
        },
        6 => HotlineCommand::Handle {
            result: "h".to_owned(),
            handled_on: on,
        },
        7 => HotlineCommand::Reply { replied_on: on },
        8 => HotlineCommand::FollowUp {
            satisfaction: [
                Satisfaction::Satisfied,
                Satisfaction::BasicallySatisfied,
                Satisfaction::Unsatisfied,
            ][n as usize % 3],
            followed_up_on: on,
        },
        9 => HotlineCommand::Close { closed_on: on },
        10 => HotlineCommand::ReHandle {
            reason: "r".to_owned(),
            ordered_on: on,
        },
        11 => HotlineCommand::Remind {
            level: casetrack_domain::ReminderLevel::Supervise,
            note: String::new(),
            reminded_on: on,
        },
        _ => HotlineCommand::MergeInto {
            primary: case(3),
            merged_on: on,
        },
    }
}

/// Sequences that start with a receipt, end with decide / reply / close, and whose dates mostly move forward (each step adds 0–4 days, with
/// an occasional step back), so the lifecycle gets somewhere and date rules still get exercised.
fn commands() -> impl Strategy<Value = Vec<(u8, u32, u32, usize)>> {
    let step = (0u8..13, 0u32..6, 0u32..25, 0usize..21);
    (0u32..10, proptest::collection::vec(step, 1..40)).prop_map(|(start, steps)| {
        let mut offset = start + 10;
        let mut dated = vec![(0, start, 0, 0)];
        for (op, delta, n, outcome) in steps {
            // delta 5 steps back ten days; the others step forward.
            offset = if delta == 5 {
                offset.saturating_sub(10)
            } else {
                offset + delta
            };
            dated.push((op, offset, n, outcome));
        }
        // Finish with an attempt to decide, reply and close, so many runs reach the end of the lifecycle.
        for (i, op) in [9u8, 10, 12].into_iter().enumerate() {
            dated.push((op, offset + 60 + i as u32, 3, (offset as usize) % 21));
        }
        dated
    })
}

fn through_codec(events: &[Event]) -> Vec<Event> {
    events
        .iter()
        .map(|e| {
            let encoded = encode(e);
            decode(&encoded.event_type, &encoded.data).expect("own events decode")
        })
        .collect()
}

/// The generated commands' op codes of each act, by kind (the ops `application_command` and
/// `hotline_command` map to that act's command).
const APPLICATION_ACTS: [(Act, u8); 8] = [
    (Act::ConfirmReceipt, 1),
    (Act::RequestSupplement, 2),
    (Act::ReceiveSupplement, 3),
    (Act::StartConsultation, 4),
    (Act::AnswerConsultation, 5),
    (Act::ApproveExtension, 6),
    (Act::Decide, 9),
    (Act::DeliverReply, 10),
];
const HOTLINE_ACTS: [(Act, u8); 7] = [
    (Act::DispatchTicket, 2),
    (Act::SignTicket, 3),
    (Act::ReturnTicket, 4),
    (Act::ExtendTicket, 5),
    (Act::HandleTicket, 6),
    (Act::MergeTickets, 12),
    (Act::RecordFollowUp, 8),
];

/// The inputs tried for an act the case does not offer: every day the generated histories reach, each
/// party (n mod 3) and unit (n mod 2), and (for 决定) every outcome row.
/// The projector's workload model keeps only the kinds that say they count in the work figures
/// (`Lifecycle::COUNTS_IN_WORK`): a state with work of a kind that says not would be lost there.
fn counts_in_work_if_it_has_work(case: Case) -> bool {
    case.workload(clocks()).is_none() || Case::kind_counts_in_work(case.kind())
}

fn samples(op: u8) -> impl Iterator<Item = (u8, u32, u32, usize)> {
    let outcomes = if op == 9 { 21 } else { 1 };
    (0..LAST_OFFSET).flat_map(move |offset| {
        [1u32, 2, 3]
            .into_iter()
            .flat_map(move |n| (0..outcomes).map(move |outcome| (op, offset, n, outcome)))
    })
}

/// Past the last day `commands` generates (start ≤ 10, 40 steps of ≤ 4 days, the final steps 60–62 on).
const LAST_OFFSET: u32 = 240;

/// What `case` accepts is what `decide` accepts: each offered act's command is accepted for some input
/// (its probe), each act not offered is refused for every sampled input. `decide` is the kind's own.
fn offers_agree(
    case: &Case,
    acts: &[(Act, u8)],
    decide: impl Fn((u8, u32, u32, usize)) -> bool,
) -> Result<(), TestCaseError> {
    let accepted = case.accepted(now(), clocks());
    for &(act, op) in acts {
        if !accepted.contains(&act) {
            let taken = samples(op).find(|sample| decide(*sample));
            prop_assert!(
                taken.is_none(),
                "{act:?} not offered, yet {taken:?} is accepted"
            );
        }
    }
    prop_assert!(
        accepted
            .iter()
            .all(|act| acts.iter().any(|(a, _)| a == act)),
        "an act of another kind is offered: {accepted:?}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn an_application_offers_what_it_accepts(steps in commands()) {
        let mut state = ApplicationState::default();
        for step in steps {
            if state.receipt.is_some() {
                let case = Case::Application(state.clone());
                offers_agree(&case, &APPLICATION_ACTS, |sample| {
                    application::decide(&state, application_command(sample), now(), calendar()).is_ok()
                })?;
            }
            if let Ok(events) = application::decide(&state, application_command(step), now(), calendar()) {
                for event in &events {
                    application::evolve(&mut state, event).expect("own events fold");
                }
            }
        }
    }

    #[test]
    fn a_ticket_offers_what_it_accepts(steps in commands()) {
        let mut state = HotlineState::default();
        for step in steps {
            if state.ticket.is_some() {
                let case = Case::Hotline(state.clone());
                offers_agree(&case, &HOTLINE_ACTS, |sample| {
                    hotline::decide(&state, hotline_command(sample), now()).is_ok()
                })?;
            }
            if let Ok(events) = hotline::decide(&state, hotline_command(step), now()) {
                for event in &events {
                    hotline::evolve(&mut state, event).expect("own events fold");
                }
            }
        }
    }
}

proptest! {
    #[test]
    fn application_replay_is_deterministic_and_closing_needs_an_outcome(steps in commands()) {
        let mut state = ApplicationState::default();
        let mut log = Vec::new();
        for step in steps {
            let before = state.clone();
            match application::decide(&state, application_command(step), now(), calendar()) {
                Ok(events) => {
                    for event in &events {
                        application::evolve(&mut state, event).expect("own events fold");
                    }
                    log.extend(events);
                }
                Err(_) => prop_assert_eq!(&state, &before),
            }
            prop_assert!(state.closed_on.is_none() || state.outcome().is_some(), "closed without an outcome");
            prop_assert!(state.decision.is_none() || state.abandoned.is_none(), "two outcomes");
            prop_assert!(counts_in_work_if_it_has_work(Case::Application(state.clone())));
        }
        prop_assert_eq!(&replay::<ApplicationState>(&log).expect("replay"), &state);
        prop_assert_eq!(&replay::<ApplicationState>(&through_codec(&log)).expect("replay"), &state);
        prop_assert_eq!(state.event_count, log.len() as u64);
    }

    #[test]
    fn hotline_replay_is_deterministic(steps in commands()) {
        let mut state = HotlineState::default();
        let mut log = Vec::new();
        for step in steps {
            if let Ok(events) = hotline::decide(&state, hotline_command(step), now()) {
                for event in &events {
                    hotline::evolve(&mut state, event).expect("own events fold");
                }
                log.extend(events);
            }
            prop_assert!(state.closed_on.is_none() || state.replied_on.or(state.answered_at_once_on).is_some());
            prop_assert!(counts_in_work_if_it_has_work(Case::Hotline(state.clone())));
        }
        prop_assert_eq!(&replay::<HotlineState>(&log).expect("replay"), &state);
        prop_assert_eq!(&replay::<HotlineState>(&through_codec(&log)).expect("replay"), &state);
    }
}

#[test]
fn foreign_events_are_refused_by_replay() {
    let mut state = HotlineState::default();
    let receive = HotlineCommand::Receive {
        caller: None,
        case_id: case(2),
        agency: AgencyId::parse("c").unwrap(),
        line: "12345".to_owned(),
        category: HotlineCategory::Help,
        received_on: day(0),
        summary: "s".to_owned(),
    };
    let hotline_events = hotline::decide(&state, receive, now()).expect("receive");
    hotline::evolve(&mut state, &hotline_events[0]).expect("fold");
    let application_events = application::decide(
        &ApplicationState::default(),
        application_command((0, 0, 0, 0)),
        now(),
        calendar(),
    )
    .expect("receive");
    assert!(replay::<ApplicationState>(&hotline_events).is_err());
    assert!(hotline::evolve(&mut state, &application_events[0]).is_err());
    let mut other_case = hotline_events[0].clone();
    other_case.case_id = case(9);
    assert!(hotline::evolve(&mut state, &other_case).is_err());
}
