//! The same questions asked of every case kind through the `Lifecycle` trait, one table per kind: after a
//! history, what is the case's stage, does its clock run (and to when), and is there someone to remind. The
//! `Case` sum must give the same answers as the kind's own state.

mod common;

use std::collections::BTreeSet;

use casetrack_domain::application::{ApplicationCommand, ApplicationState, Channel};
use casetrack_domain::challenge::{ChallengeCommand, ChallengeKind, ChallengeState};
use casetrack_domain::deadline::{Clocks, working_days_left};
use casetrack_domain::hotline::{HotlineCategory, HotlineCommand, HotlineState};
use casetrack_domain::proposal::{ProposalCommand, ProposalKind, ProposalState};
use casetrack_domain::records::{DisclosureChannel, RecordCommand, RecordState};
use casetrack_domain::{AgencyId, Case, Event, Lifecycle, Outcome, ReminderLevel};
use chrono::NaiveDate;
use common::{calendar, case, d, now, receive_cmd};

/// One history and the answers expected of it.
struct Row<L: Lifecycle> {
    name: &'static str,
    commands: Vec<L::Command>,
    stage: &'static str,
    /// `Clock::code()`: "running", "stopped" or "idle".
    clock: &'static str,
    due: Option<NaiveDate>,
    remindable: bool,
}

fn row<L: Lifecycle>(
    name: &'static str,
    commands: Vec<L::Command>,
    stage: &'static str,
    clock: &'static str,
    due: Option<NaiveDate>,
    remindable: bool,
) -> Row<L> {
    Row {
        name,
        commands,
        stage,
        clock,
        due,
        remindable,
    }
}

/// Asks every row's questions of the kind's state and of the `Case` sum.
fn ask<L: Lifecycle>(rows: Vec<Row<L>>) {
    let clocks = Clocks::new(calendar());
    for row in rows {
        let mut state = L::default();
        assert!(
            state.summary().is_none(),
            "{}: no case before its first event",
            row.name
        );
        let mut events: Vec<Event> = Vec::new();
        for command in row.commands {
            let new = state
                .decide(command, now(), &clocks)
                .unwrap_or_else(|v| panic!("{}: refused: {v}", row.name));
            for event in &new {
                state.evolve(event).expect("own events fold");
            }
            events.extend(new);
        }
        let summary = state.summary().expect("the case exists");
        assert_eq!(summary.kind, L::KIND, "{}", row.name);
        assert_eq!(summary.stage, row.stage, "{}", row.name);
        let clock = state.clock(&clocks).expect("clock");
        assert_eq!(clock.code(), row.clock, "{}: {clock}", row.name);
        assert_eq!(clock.deadline().map(|dl| dl.due), row.due, "{}", row.name);
        let reminder = state.remind(ReminderLevel::Urge, String::new(), d(2028, 1, 3));
        assert_eq!(reminder.is_some(), row.remindable, "{}", row.name);

        let case = Case::replay(L::KIND, &events).expect("replay");
        assert_eq!(case.kind(), L::KIND);
        assert_eq!(case.summary(), Some(summary), "{}", row.name);
        assert_eq!(case.clock(&clocks), Ok(clock.clone()), "{}", row.name);
        assert_eq!(
            case.pending_deadline(&clocks).expect("deadline"),
            clock.deadline().cloned()
        );
    }
}

fn agency(text: &str) -> AgencyId {
    AgencyId::parse(text).expect("agency id")
}

#[test]
fn applications_answer_through_the_trait() {
    let received = || receive_cmd(case(1), Channel::InPerson, d(2018, 9, 28));
    let decide = ApplicationCommand::Decide {
        outcome: Outcome::Disclosed,
        legal_reason: "条例第三十六条第（二）项".to_owned(),
        decided_on: d(2018, 10, 8),
    };
    let supplement = ApplicationCommand::RequestSupplement {
        requested_on: d(2018, 9, 29),
        what: "补充所需信息的名称".to_owned(),
        supplement_by: d(2018, 10, 15),
    };
    ask::<ApplicationState>(vec![
        // Received Fri 2018-09-28; National Day week off: due Wed 31 Oct.
        row(
            "received",
            vec![received()],
            "under_review",
            "running",
            Some(d(2018, 10, 31)),
            true,
        ),
        row(
            "awaiting 补正",
            vec![received(), supplement],
            "awaiting_supplement",
            "stopped",
            None,
            true,
        ),
        row(
            "by internet, unconfirmed",
            vec![receive_cmd(case(1), Channel::Internet, d(2018, 9, 28))],
            "awaiting_receipt_confirmation",
            "stopped",
            None,
            true,
        ),
        // Decided: the reply is no longer pending, whether or not delivered yet.
        row(
            "decided",
            vec![received(), decide],
            "decided",
            "idle",
            None,
            true,
        ),
    ]);
}

#[test]
fn hotline_tickets_answer_through_the_trait() {
    let received = || HotlineCommand::Receive {
        caller: None,
        case_id: case(2),
        agency: agency("simao"),
        line: "12345".to_owned(),
        category: HotlineCategory::Complaint,
        received_on: d(2024, 3, 4),
        summary: "夜间施工噪音".to_owned(),
    };
    let dispatch = || HotlineCommand::Dispatch {
        unit: agency("simao/housing"),
        time_limit_working_days: 2,
        dispatched_on: d(2024, 3, 5),
    };
    let sign = HotlineCommand::Sign {
        unit: agency("simao/housing"),
        signed_on: d(2024, 3, 5),
    };
    let handle = HotlineCommand::Handle {
        result: "已责令停工".to_owned(),
        handled_on: d(2024, 3, 6),
    };
    let answer = HotlineCommand::AnswerAtOnce {
        answered_on: d(2024, 3, 4),
        answer: "已当场解答".to_owned(),
    };
    ask::<HotlineState>(vec![
        // Not dispatched: the complaint category's 13 working days from receipt (Mon 4 March 2024).
        row(
            "received",
            vec![received()],
            "received",
            "running",
            Some(d(2024, 3, 21)),
            false,
        ),
        // Dispatched Tue 5 March with its own 2-working-day limit: due Thu 7 March.
        row(
            "dispatched",
            vec![received(), dispatch()],
            "dispatched",
            "running",
            Some(d(2024, 3, 7)),
            true,
        ),
        row(
            "handled",
            vec![received(), dispatch(), sign, handle],
            "handled",
            "idle",
            None,
            true,
        ),
        row(
            "answered at once",
            vec![received(), answer],
            "replied",
            "idle",
            None,
            false,
        ),
    ]);
}

#[test]
fn proposals_answer_through_the_trait() {
    let assign = || ProposalCommand::Assign {
        case_id: case(3),
        agency: agency("simao"),
        kind: ProposalKind::CppccProposal,
        number: "政协第12号".to_owned(),
        title: "关于加强老旧小区改造的提案".to_owned(),
        lead_unit: agency("simao/housing"),
        co_units: Vec::new(),
        assigned_on: d(2024, 3, 4),
    };
    let reply = ProposalCommand::Reply {
        result_class: "A".to_owned(),
        replied_on: d(2024, 5, 6),
    };
    ask::<ProposalState>(vec![
        row(
            "assigned",
            vec![assign()],
            "assigned",
            "running",
            Some(d(2024, 6, 4)),
            true,
        ),
        row(
            "replied",
            vec![assign(), reply],
            "replied",
            "idle",
            None,
            true,
        ),
    ]);
}

#[test]
fn challenges_and_records_have_no_clock_and_no_one_to_remind() {
    let file = ChallengeCommand::File {
        case_id: case(4),
        agency: agency("simao"),
        kind: ChallengeKind::Reconsideration,
        application: case(1),
        prior_reconsideration: None,
        filed_on: d(2024, 3, 4),
    };
    ask::<ChallengeState>(vec![row(
        "filed",
        vec![file],
        "pending",
        "idle",
        None,
        false,
    )]);
    let publish = RecordCommand::PublishDisclosure {
        case_id: case(5),
        agency: agency("simao"),
        title: "2024年部门预算".to_owned(),
        channels: BTreeSet::from([DisclosureChannel::Website]),
        published_on: d(2024, 3, 4),
    };
    ask::<RecordState>(vec![row(
        "published",
        vec![publish],
        "recorded",
        "idle",
        None,
        false,
    )]);
}

#[test]
fn a_ticket_dispatched_with_a_two_day_limit_is_overdue_on_the_third_working_day() {
    let clocks = Clocks::new(calendar());
    let mut ticket = HotlineState::default();
    let commands = [
        HotlineCommand::Receive {
            caller: None,
            case_id: case(6),
            agency: agency("simao"),
            line: "12345".to_owned(),
            category: HotlineCategory::Complaint,
            received_on: d(2024, 3, 4),
            summary: "路灯不亮".to_owned(),
        },
        // Dispatched Tuesday 5 March 2024 with 2 working days: Wednesday 6 = 1, Thursday 7 = 2.
        HotlineCommand::Dispatch {
            unit: agency("simao/roads"),
            time_limit_working_days: 2,
            dispatched_on: d(2024, 3, 5),
        },
    ];
    for command in commands {
        for event in ticket.decide(command, now(), &clocks).expect("accepted") {
            ticket.evolve(&event).expect("fold");
        }
    }
    let due = ticket
        .clock(&clocks)
        .expect("clock")
        .deadline()
        .expect("running")
        .due;
    assert_eq!(due, d(2024, 3, 7));
    let left = |today| working_days_left(due, today, &clocks.calendar).expect("days");
    assert_eq!(left(d(2024, 3, 7)), 0, "the last day: due today");
    assert_eq!(left(d(2024, 3, 8)), -1, "the third working day: overdue");
}

/// An application decided by its deadline was answered on time, one decided after it late, and one still
/// handled has no answer yet (nor has a ticket: its on-time measure is its workload's).
#[test]
fn answered_on_time_compares_the_end_of_handling_with_the_deadline() {
    let clocks = Clocks::new(calendar());
    let received = d(2024, 3, 1);
    let decided = |on: NaiveDate| {
        let mut run = common::Run::new();
        run.apply(receive_cmd(case(40), Channel::InPerson, received));
        let due = Case::Application(run.state.clone())
            .pending_deadline(&clocks)
            .expect("clock")
            .expect("running")
            .due;
        run.apply(ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: "第二十七条".to_owned(),
            decided_on: on,
        });
        (Case::Application(run.state.clone()), due)
    };
    let (_, due) = decided(received);
    assert_eq!(decided(due).0.answered_on_time(&clocks), Some(true));
    assert_eq!(
        decided(due + chrono::Days::new(1))
            .0
            .answered_on_time(&clocks),
        Some(false)
    );
    let mut open = common::Run::new();
    open.apply(receive_cmd(case(41), Channel::InPerson, received));
    assert_eq!(
        Case::Application(open.state.clone()).answered_on_time(&clocks),
        None
    );
    assert_eq!(
        Case::Hotline(HotlineState::default()).answered_on_time(&clocks),
        None
    );
}
