//! Deadlines on real dates, computed by hand from the holiday data (see the comment on each row).

mod common;

use casetrack_domain::application::{AbandonReason, ApplicationCommand, Channel, ConsultedParty};
use casetrack_domain::calendar::CalendarError;
use casetrack_domain::deadline::{
    ApplicationClockSettings, Clock, ClockRules, Clocks, DeadlineError, HotlineLimitRule,
    HotlineLimits, StopReason, application_clock, hotline_deadline, moved_deadlines,
    proposal_deadline, working_days_left,
};
use casetrack_domain::fees::{FeeBasis, Fen};
use casetrack_domain::hotline::{self, HotlineCategory, HotlineCommand};
use casetrack_domain::proposal::{self, ProposalCommand, ProposalKind};
use casetrack_domain::{AgencyId, Calendar, Case, Outcome, Rule};
use common::{Run, calendar, case, d, now, receive_cmd};

fn due(run: &Run) -> chrono::NaiveDate {
    match application_clock(
        &run.state,
        &run.calendar,
        ApplicationClockSettings::default(),
    )
    .expect("clock")
    {
        Clock::Running(deadline) => deadline.due,
        stopped => panic!("clock not running: {stopped:?}"),
    }
}

#[test]
fn national_day_2018_with_make_up_working_days() {
    // Received Fri 2018-09-28. Working days after it: Sat 29 and Sun 30 Sept (调休) = 1, 2; 1–7 Oct off;
    // 8–12 Oct = 3–7; 15–19 = 8–12; 22–26 = 13–17; 29, 30, 31 Oct = 18, 19, 20.
    let mut run = Run::new();
    run.apply(receive_cmd(case(1), Channel::InPerson, d(2018, 9, 28)));
    assert_eq!(due(&run), d(2018, 10, 31));
}

#[test]
fn receipt_date_by_channel() {
    // Internet: the period starts at the confirmation, not the submission (Art. 31(三)).
    let mut run = Run::new();
    run.apply(receive_cmd(case(2), Channel::Internet, d(2018, 9, 25)));
    let clock = application_clock(
        &run.state,
        &run.calendar,
        ApplicationClockSettings::default(),
    )
    .expect("clock");
    assert_eq!(
        clock,
        Clock::Stopped {
            reason: StopReason::AwaitingReceiptConfirmation,
            since: d(2018, 9, 25)
        }
    );
    run.apply(ApplicationCommand::ConfirmReceipt {
        confirmed_on: d(2018, 9, 28),
    });
    assert_eq!(due(&run), d(2018, 10, 31));
    // In person needs no confirmation.
    let mut in_person = Run::new();
    in_person.apply(receive_cmd(case(3), Channel::InPerson, d(2018, 9, 28)));
    let refused = in_person.try_apply(ApplicationCommand::ConfirmReceipt {
        confirmed_on: d(2018, 9, 28),
    });
    assert!(matches!(refused, Err(v) if v.field == "confirmed_on"));
}

#[test]
fn supplement_across_spring_festival_2019_restarts_the_clock() {
    // Received Mon 2019-01-28. Seven working days after: 29, 30, 31 Jan, 1 Feb, Sat 2 and Sun 3 Feb (调休),
    // then 4–10 Feb off, so the 7th is Mon 11 Feb: the last day to request 补正.
    let mut late = Run::new();
    late.apply(receive_cmd(case(10), Channel::InPerson, d(2019, 1, 28)));
    let refused = late.try_apply(ApplicationCommand::RequestSupplement {
        requested_on: d(2019, 2, 12),
        what: "写明所需信息的名称".to_owned(),
        supplement_by: d(2019, 2, 28),
    });
    let violation = refused.expect_err("too late");
    assert_eq!(
        violation.rule,
        Rule::SupplementTooLate {
            last_day: d(2019, 2, 11)
        }
    );
    assert_eq!(violation.field, "requested_on");

    let mut run = Run::new();
    run.apply(receive_cmd(case(11), Channel::InPerson, d(2019, 1, 28)))
        .apply(ApplicationCommand::RequestSupplement {
            requested_on: d(2019, 1, 30),
            what: "写明所需信息的名称".to_owned(),
            supplement_by: d(2019, 2, 20),
        });
    let clock = application_clock(
        &run.state,
        &run.calendar,
        ApplicationClockSettings::default(),
    )
    .expect("clock");
    assert_eq!(
        clock,
        Clock::Stopped {
            reason: StopReason::AwaitingSupplement,
            since: d(2019, 1, 30)
        }
    );
    // Supplemented Mon 2019-02-11, the first working day after the festival. 20 working days from then:
    // 12–15 Feb = 1–4, 18–22 = 5–9, 25 Feb–1 Mar = 10–14, 4–8 Mar = 15–19, Mon 11 Mar = 20.
    run.apply(ApplicationCommand::ReceiveSupplement {
        received_on: d(2019, 2, 11),
    });
    assert_eq!(due(&run), d(2019, 3, 11));
    // A second 补正 is refused.
    let again = run.try_apply(ApplicationCommand::RequestSupplement {
        requested_on: d(2019, 2, 12),
        what: "again".to_owned(),
        supplement_by: d(2019, 2, 28),
    });
    assert_eq!(again.expect_err("once").rule, Rule::SupplementOnlyOnce);
}

#[test]
fn consultation_pause_and_extension() {
    let mut run = Run::new();
    run.apply(receive_cmd(case(20), Channel::InPerson, d(2018, 9, 28)))
        .apply(ApplicationCommand::StartConsultation {
            party: "某公司".to_owned(),
            party_kind: ConsultedParty::ThirdParty,
            started_on: d(2018, 10, 10),
        });
    // Unanswered: the pause lasts at most 15 working days (11 Oct … 31 Oct), so 31 Oct + 15 = 21 Nov.
    assert_eq!(due(&run), d(2018, 11, 21));
    // Answered Mon 15 Oct: 11, 12 and 15 Oct are not counted, so 31 Oct moves by 3 working days to 5 Nov.
    run.apply(ApplicationCommand::AnswerConsultation {
        party: "某公司".to_owned(),
        answered_on: d(2018, 10, 15),
    });
    assert_eq!(due(&run), d(2018, 11, 5));
    let clock = application_clock(
        &run.state,
        &run.calendar,
        ApplicationClockSettings::default(),
    )
    .expect("clock");
    let deadline = clock.deadline().expect("running");
    let pause = deadline
        .steps
        .iter()
        .find(|s| s.rule.contains("第三十二条"))
        .expect("a consultation step");
    assert_eq!(pause.working_days, 3, "{deadline}");

    // One extension of 20 working days: 5 Nov + 20 working days (no holidays in November 2018) = 3 Dec.
    let extend = |days| ApplicationCommand::ApproveExtension {
        working_days: days,
        approved_by: "办公室主任".to_owned(),
        reason: "需调取档案".to_owned(),
        approved_on: d(2018, 10, 30),
    };
    assert_eq!(
        run.try_apply(extend(21)).expect_err("too long").field,
        "working_days"
    );
    run.apply(extend(20));
    assert_eq!(due(&run), d(2018, 12, 3));
    assert_eq!(
        run.try_apply(extend(5)).expect_err("second extension").rule,
        Rule::OnlyOneExtension
    );
}

#[test]
fn extension_alone_on_national_day_case() {
    // 31 Oct + 20 working days in November 2018 = 28 Nov.
    let mut run = Run::new();
    run.apply(receive_cmd(case(21), Channel::InPerson, d(2018, 9, 28)))
        .apply(ApplicationCommand::ApproveExtension {
            working_days: 20,
            approved_by: "办公室主任".to_owned(),
            reason: "数量较大".to_owned(),
            approved_on: d(2018, 10, 25),
        });
    assert_eq!(due(&run), d(2018, 11, 28));
}

#[test]
fn fee_notice_clock_stop_is_a_setting() {
    let mut run = Run::new();
    run.apply(receive_cmd(case(22), Channel::InPerson, d(2018, 9, 28)))
        .apply(ApplicationCommand::IssueFeeNotice {
            basis: FeeBasis::PerPage { pages: 31 },
            issued_on: d(2018, 10, 8),
        });
    assert_eq!(
        run.state.fee_notice.as_ref().map(|n| n.amount),
        Some(Fen::from_yuan(10))
    );
    // Paid Fri 12 Oct: with the setting on, 9–12 Oct (4 working days) are not counted: 31 Oct → 6 Nov.
    run.apply(ApplicationCommand::RecordFeePayment {
        amount: Fen::from_yuan(10),
        paid_on: d(2018, 10, 12),
    });
    assert_eq!(due(&run), d(2018, 10, 31));
    let stopping = ApplicationClockSettings {
        fee_notice_stops_clock: true,
    };
    let clock = application_clock(&run.state, &run.calendar, stopping).expect("clock");
    assert_eq!(clock.deadline().map(|dl| dl.due), Some(d(2018, 11, 6)));
    // Only one fee notice per application.
    let second = run.try_apply(ApplicationCommand::IssueFeeNotice {
        basis: FeeBasis::PerApplication { nth_in_month: 12 },
        issued_on: d(2018, 10, 15),
    });
    assert_eq!(second.expect_err("one basis").rule, Rule::OnlyOneFeeNotice);
}

#[test]
fn fee_unpaid_abandonment_waits_for_the_payment_period() {
    let mut run = Run::new();
    run.apply(receive_cmd(case(23), Channel::InPerson, d(2018, 9, 28)))
        .apply(ApplicationCommand::IssueFeeNotice {
            basis: FeeBasis::PerApplication { nth_in_month: 11 },
            issued_on: d(2018, 9, 28),
        });
    // 20 working days after Fri 28 Sept is 31 Oct (as for the reply period above).
    let early = run.try_apply(ApplicationCommand::Abandon {
        reason: AbandonReason::FeeUnpaid,
        abandoned_on: d(2018, 10, 31),
    });
    assert_eq!(
        early.expect_err("still running").rule,
        Rule::FeePeriodRunning {
            until: d(2018, 10, 31)
        }
    );
    run.apply(ApplicationCommand::Abandon {
        reason: AbandonReason::FeeUnpaid,
        abandoned_on: d(2018, 11, 1),
    });
    assert_eq!(run.state.outcome(), Some(Outcome::OtherFeeUnpaid));
}

#[test]
fn a_missing_calendar_year_is_an_error() {
    // The embedded calendar covers the years after its data provisionally, up to a bound later than the test's
    // "now"; a calendar ending with 2018 (too early for provisional years) has the gap to test.
    let mut run = Run::new();
    run.calendar =
        Calendar::from_year_files("to-2018", &[include_str!("../data/holiday-cn/2018.json")])
            .expect("parses");
    run.apply(receive_cmd(case(30), Channel::InPerson, d(2019, 3, 1)));
    let clock = application_clock(
        &run.state,
        &run.calendar,
        ApplicationClockSettings::default(),
    );
    assert!(matches!(
        clock,
        Err(DeadlineError::Calendar(CalendarError::YearNotCovered {
            year: 2019,
            ..
        }))
    ));
    let refused = run.try_apply(ApplicationCommand::RequestSupplement {
        requested_on: d(2019, 3, 2),
        what: "x".to_owned(),
        supplement_by: d(2019, 3, 20),
    });
    let violation = refused.expect_err("no calendar");
    assert!(matches!(violation.rule, Rule::CalendarNotCovered { .. }));
    assert!(!violation.is_precondition());
    // Nothing was appended by the refused command.
    assert_eq!(run.events.len(), 1);
}

/// The 2020 arrangement as first published (the first paper listed in 2020.json): Spring Festival off 24–30 January, with
/// Sun 19 Jan and Sat 1 Feb worked. The second notice extended the break to 2 February.
fn first_2020_notice() -> String {
    let text = include_str!("../data/holiday-cn/2020.json");
    let mut file: serde_json::Value = serde_json::from_str(text).expect("2020.json parses");
    let amended = ["2020-01-31", "2020-02-01", "2020-02-02", "2020-02-03"];
    let days = file["days"].as_array_mut().expect("days");
    days.retain(|day| !amended.contains(&day["date"].as_str().unwrap_or("")));
    days.push(serde_json::json!({"name": "春节", "date": "2020-02-01", "isOffDay": false}));
    let first_paper = file["papers"][0].clone();
    file["papers"] = serde_json::json!([first_paper]);
    file.to_string()
}

#[test]
fn an_amended_calendar_moves_open_deadlines_and_says_which() {
    let amended = calendar();
    let original = amended
        .amended("2020-first-notice", &first_2020_notice())
        .expect("amend");
    assert_ne!(original.version(), amended.version());
    let rules = ClockRules::default();

    // Received Mon 2020-01-20. First notice: 21–23 Jan = 1–3, 31 Jan = 4, Sat 1 Feb = 5, 3–7 Feb = 6–10,
    // 10–14 = 11–15, 17–21 = 16–20 → 21 Feb. Amended: off to 2 Feb; 3–7 Feb = 4–8, 10–14 = 9–13,
    // 17–21 = 14–18, 24, 25 Feb = 19, 20 → 25 Feb.
    let mut moving = Run::new();
    moving.apply(receive_cmd(case(40), Channel::InPerson, d(2020, 1, 20)));
    let under =
        |cal: &Calendar| application_clock(&moving.state, cal, rules.application).expect("clock");
    assert_eq!(
        under(&original).deadline().map(|dl| dl.due),
        Some(d(2020, 2, 21))
    );
    assert_eq!(
        under(&amended).deadline().map(|dl| dl.due),
        Some(d(2020, 2, 25))
    );

    // Received in March: no holiday of either version in its period.
    let mut unmoved = Run::new();
    unmoved.apply(receive_cmd(case(41), Channel::InPerson, d(2020, 3, 2)));
    // Decided in January: its deadline is history and is not reported.
    let mut decided = Run::new();
    decided
        .apply(receive_cmd(case(42), Channel::InPerson, d(2020, 1, 20)))
        .apply(ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: "条例第三十六条第（二）项".to_owned(),
            decided_on: d(2020, 1, 21),
        });
    // A complaint ticket received Tue 2020-01-21: 13 working days; first notice 22, 23 Jan, 31 Jan, 1 Feb,
    // 3–7 Feb, 10–13 Feb → 13 Feb; amended 22, 23 Jan, 3–7, 10–14, 17 Feb → 17 Feb.
    let mut ticket = hotline::HotlineState::default();
    let events = hotline::decide(
        &ticket,
        HotlineCommand::Receive {
            caller: None,
            case_id: case(43),
            agency: AgencyId::parse("12345").unwrap(),
            line: "12345".to_owned(),
            category: HotlineCategory::Complaint,
            received_on: d(2020, 1, 21),
            summary: "噪音".to_owned(),
        },
        now(),
    )
    .expect("receive");
    hotline::evolve(&mut ticket, &events[0]).expect("fold");

    let cases = [
        Case::Application(moving.state),
        Case::Application(unmoved.state),
        Case::Application(decided.state),
        Case::Hotline(ticket),
    ];
    let clocks = |calendar: &Calendar| Clocks {
        calendar: calendar.clone(),
        rules: rules.clone(),
    };
    let moved = moved_deadlines(&cases, &clocks(&original), &clocks(&amended)).expect("moved");
    let summary: Vec<_> = moved
        .iter()
        .map(|m| (m.case_id, m.old.due, m.new.due))
        .collect();
    assert_eq!(
        summary,
        vec![
            (case(40), d(2020, 2, 21), d(2020, 2, 25)),
            (case(43), d(2020, 2, 13), d(2020, 2, 17))
        ]
    );
    assert_eq!(moved[0].new.calendar_version, amended.version());
}

#[test]
fn hotline_limits_are_effective_dated_configuration() {
    let limits = HotlineLimits::default();
    assert_eq!(
        limits.limit_for(HotlineCategory::Consultation, d(2020, 1, 1)),
        Some(3)
    );
    assert_eq!(
        limits.limit_for(HotlineCategory::Help, d(2020, 1, 1)),
        Some(3)
    );
    for category in [
        HotlineCategory::Complaint,
        HotlineCategory::Report,
        HotlineCategory::Suggestion,
    ] {
        assert_eq!(limits.limit_for(category, d(2020, 1, 1)), Some(13));
    }
    let local = HotlineLimits::new(vec![
        HotlineLimitRule {
            effective_from: d(2018, 1, 1),
            category: HotlineCategory::Complaint,
            working_days: 13,
        },
        HotlineLimitRule {
            effective_from: d(2019, 7, 1),
            category: HotlineCategory::Complaint,
            working_days: 5,
        },
    ])
    .expect("limits");
    assert_eq!(
        local.limit_for(HotlineCategory::Complaint, d(2019, 6, 30)),
        Some(13)
    );
    assert_eq!(
        local.limit_for(HotlineCategory::Complaint, d(2019, 7, 1)),
        Some(5)
    );
    assert_eq!(local.limit_for(HotlineCategory::Help, d(2019, 7, 1)), None);

    // A help ticket received Fri 2018-09-28: 3 working days = Sat 29, Sun 30 Sept, Mon 8 Oct.
    let mut state = hotline::HotlineState::default();
    let receive = HotlineCommand::Receive {
        caller: None,
        case_id: case(50),
        agency: AgencyId::parse("12345").unwrap(),
        line: "96128".to_owned(),
        category: HotlineCategory::Help,
        received_on: d(2018, 9, 28),
        summary: "求助".to_owned(),
    };
    for event in hotline::decide(&state, receive, now()).expect("receive") {
        hotline::evolve(&mut state, &event).expect("fold");
    }
    let cal = calendar();
    assert_eq!(
        hotline_deadline(&state, &cal, &limits).map(|dl| dl.due),
        Ok(d(2018, 10, 8))
    );
    assert!(matches!(
        hotline_deadline(&state, &cal, &local),
        Err(DeadlineError::NoHotlineLimit { .. })
    ));
}

#[test]
fn proposal_three_and_six_months() {
    let mut state = proposal::ProposalState::default();
    let assign = ProposalCommand::Assign {
        case_id: case(60),
        agency: AgencyId::parse("simao/gov").unwrap(),
        kind: ProposalKind::NpcSuggestion,
        number: "第 12 号".to_owned(),
        title: "关于改善城区交通的建议".to_owned(),
        lead_unit: AgencyId::parse("traffic").unwrap(),
        co_units: vec![AgencyId::parse("police").unwrap()],
        assigned_on: d(2018, 3, 31),
    };
    let fold = |state: &mut proposal::ProposalState, command| {
        for event in proposal::decide(state, command, now()).expect("decide") {
            proposal::evolve(state, &event).expect("fold");
        }
    };
    fold(&mut state, assign);
    assert_eq!(
        proposal_deadline(&state).map(|dl| dl.due),
        Ok(d(2018, 6, 30))
    );
    let late = proposal::decide(
        &state,
        ProposalCommand::ExtendToSixMonths {
            reason: "涉及面广".to_owned(),
            extended_on: d(2018, 7, 1),
        },
        now(),
    );
    assert_eq!(
        late.expect_err("after deadline").rule,
        Rule::DeadlinePassed {
            deadline: d(2018, 6, 30)
        }
    );
    fold(
        &mut state,
        ProposalCommand::ExtendToSixMonths {
            reason: "涉及面广".to_owned(),
            extended_on: d(2018, 6, 1),
        },
    );
    assert_eq!(
        proposal_deadline(&state).map(|dl| dl.due),
        Ok(d(2018, 9, 30))
    );
}

#[test]
fn working_days_left_for_queues() {
    let cal = calendar();
    let table = [
        (d(2018, 10, 31), d(2018, 9, 28), 20),
        (d(2018, 10, 31), d(2018, 10, 31), 0),
        (d(2018, 10, 8), d(2018, 9, 30), 1),
        (d(2018, 9, 30), d(2018, 10, 8), -1),
        (d(2018, 10, 31), d(2018, 11, 2), -2),
    ];
    for (deadline, today, left) in table {
        assert_eq!(
            working_days_left(deadline, today, &cal),
            Ok(left),
            "{deadline} from {today}"
        );
    }
}

#[test]
fn hotline_limits_load_from_the_operators_file_and_every_category_needs_one() {
    let text = r#"{"limits": [
        {"effective_from": "2024-01-01", "category": "consultation", "working_days": 2},
        {"effective_from": "2024-01-01", "category": "help", "working_days": 2},
        {"effective_from": "2024-01-01", "category": "complaint", "working_days": 10},
        {"effective_from": "2025-01-01", "category": "complaint", "working_days": 5},
        {"effective_from": "2024-01-01", "category": "report", "working_days": 10},
        {"effective_from": "2024-01-01", "category": "suggestion", "working_days": 15}
    ]}"#;
    let limits = HotlineLimits::from_json(text).expect("limits");
    assert_eq!(
        limits.limit_for(HotlineCategory::Complaint, d(2024, 12, 31)),
        Some(10)
    );
    assert_eq!(
        limits.limit_for(HotlineCategory::Complaint, d(2025, 1, 1)),
        Some(5)
    );
    let missing =
        r#"{"limits": [{"effective_from": "2024-01-01", "category": "help", "working_days": 2}]}"#;
    assert!(matches!(
        HotlineLimits::from_json(missing),
        Err(DeadlineError::BadLimits(_))
    ));
    assert!(HotlineLimits::from_json(r#"{"limits": [{"category": "投诉"}]}"#).is_err());
}
