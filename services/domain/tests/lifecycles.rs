//! Lifecycles: every outcome row reachable, the rules that refuse commands, and the hotline flow.

mod common;

use casetrack_domain::application::{AbandonReason, ApplicationCommand, ApplicationStage, Channel};
use casetrack_domain::fees::FeeBasis;
use casetrack_domain::hotline::{
    self, HotlineCategory, HotlineCommand, HotlineState, Satisfaction,
};
use casetrack_domain::{AgencyId, CaseStatus, Outcome, Rule};
use common::{Run, case, d, now, receive_cmd};

fn decide(outcome: Outcome) -> ApplicationCommand {
    ApplicationCommand::Decide {
        outcome,
        legal_reason: outcome.legal_basis().to_owned(),
        decided_on: d(2018, 10, 20),
    }
}

/// A run that ends (closed) in `outcome`.
fn run_to(outcome: Outcome, n: u128) -> Run {
    let mut run = Run::new();
    run.apply(receive_cmd(case(n), Channel::InPerson, d(2018, 9, 28)));
    let supplement = ApplicationCommand::RequestSupplement {
        requested_on: d(2018, 10, 8),
        what: "请明确所需信息".to_owned(),
        supplement_by: d(2018, 10, 15),
    };
    match outcome {
        Outcome::OtherNoSupplement => {
            run.apply(supplement);
            run.apply(ApplicationCommand::Abandon {
                reason: AbandonReason::NoSupplement,
                abandoned_on: d(2018, 10, 16),
            });
        }
        Outcome::OtherFeeUnpaid => {
            run.apply(ApplicationCommand::IssueFeeNotice {
                basis: FeeBasis::PerPage { pages: 150 },
                issued_on: d(2018, 10, 8),
            });
            run.apply(ApplicationCommand::Abandon {
                reason: AbandonReason::FeeUnpaid,
                abandoned_on: d(2018, 11, 10),
            });
        }
        Outcome::UnavailableStillUnclear => {
            run.apply(supplement);
            run.apply(ApplicationCommand::ReceiveSupplement {
                received_on: d(2018, 10, 12),
            });
            run.apply(decide(outcome));
            run.apply(ApplicationCommand::DeliverReply {
                delivered_on: d(2018, 10, 22),
                method: "邮寄".to_owned(),
            });
        }
        _ => {
            run.apply(decide(outcome));
            run.apply(ApplicationCommand::DeliverReply {
                delivered_on: d(2018, 10, 22),
                method: "当面".to_owned(),
            });
        }
    }
    run.apply(ApplicationCommand::Close {
        closed_on: d(2018, 11, 12),
    });
    run
}

#[test]
fn every_outcome_row_is_reachable_by_a_lifecycle() {
    for (n, outcome) in Outcome::all().into_iter().enumerate() {
        let run = run_to(outcome, 100 + n as u128);
        let summary = run.state.case_state().expect("summary");
        assert_eq!(summary.outcome, Some(outcome));
        assert_eq!(
            summary.outcome.map(Outcome::cell_row),
            Some(outcome.cell_row())
        );
        assert_eq!(summary.status, CaseStatus::Closed);
        assert_eq!(summary.stage, "closed");
        assert_eq!(
            summary.applicant_type.map(|t| t.cell_column()),
            Some("natural_person")
        );
        assert!(summary.decided_on.is_some());
    }
}

#[test]
fn lifecycle_rules_refuse_with_the_field_named() {
    let mut run = Run::new();
    run.apply(receive_cmd(case(1), Channel::InPerson, d(2018, 9, 28)));
    assert_eq!(run.state.stage(), Some(ApplicationStage::UnderReview));

    let close = run
        .try_apply(ApplicationCommand::Close {
            closed_on: d(2018, 10, 1),
        })
        .expect_err("no outcome");
    assert_eq!(
        (close.rule.clone(), close.field),
        (Rule::CloseWithoutOutcome, "closed_on")
    );
    assert!(close.is_precondition());

    let unreasoned = run
        .try_apply(ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: " ".to_owned(),
            decided_on: d(2018, 10, 8),
        })
        .expect_err("no reason");
    assert_eq!(
        (unreasoned.rule.clone(), unreasoned.field),
        (Rule::DecisionNeedsLegalReason, "legal_reason")
    );
    assert!(!unreasoned.is_precondition());

    let by_decision = run
        .try_apply(decide(Outcome::OtherNoSupplement))
        .expect_err("abandonment only");
    assert_eq!(by_decision.field, "outcome");
    let unclear = run
        .try_apply(decide(Outcome::UnavailableStillUnclear))
        .expect_err("needs 补正");
    assert_eq!(unclear.rule, Rule::StillUnclearNeedsSupplement);
    let future = run
        .try_apply(ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: "x".to_owned(),
            decided_on: d(2029, 1, 1),
        })
        .expect_err("future");
    assert_eq!(future.field, "decided_on");
    let early = run
        .try_apply(ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: "x".to_owned(),
            decided_on: d(2018, 9, 1),
        })
        .expect_err("before receipt");
    assert!(matches!(early.rule, Rule::DateTooEarly { .. }));
    let duplicate = run
        .try_apply(receive_cmd(case(1), Channel::InPerson, d(2018, 9, 28)))
        .expect_err("exists");
    assert_eq!(duplicate.rule, Rule::AlreadyExists);
    assert_eq!(run.events.len(), 1, "refused commands append nothing");

    run.apply(decide(Outcome::WithheldThirdParty));
    assert_eq!(
        run.try_apply(decide(Outcome::Disclosed))
            .expect_err("once")
            .rule,
        Rule::AlreadyDecided
    );
    let before_reply = run
        .try_apply(ApplicationCommand::Close {
            closed_on: d(2018, 10, 25),
        })
        .expect_err("reply first");
    assert_eq!(before_reply.rule, Rule::CloseBeforeReply);
    run.apply(ApplicationCommand::DeliverReply {
        delivered_on: d(2018, 10, 22),
        method: "邮寄".to_owned(),
    })
    .apply(ApplicationCommand::Close {
        closed_on: d(2018, 10, 25),
    });
    let after = run
        .try_apply(ApplicationCommand::Close {
            closed_on: d(2018, 10, 26),
        })
        .expect_err("closed");
    assert_eq!(after.rule, Rule::Closed);
}

#[test]
fn no_supplement_abandonment_waits_for_the_period() {
    let mut run = Run::new();
    run.apply(receive_cmd(case(2), Channel::PostSigned, d(2018, 9, 28)))
        .apply(ApplicationCommand::RequestSupplement {
            requested_on: d(2018, 10, 8),
            what: "请明确所需信息".to_owned(),
            supplement_by: d(2018, 10, 15),
        });
    assert_eq!(
        run.state.stage(),
        Some(ApplicationStage::AwaitingSupplement)
    );
    let early = run
        .try_apply(ApplicationCommand::Abandon {
            reason: AbandonReason::NoSupplement,
            abandoned_on: d(2018, 10, 15),
        })
        .expect_err("period running");
    assert_eq!(
        early.rule,
        Rule::SupplementPeriodRunning {
            until: d(2018, 10, 15)
        }
    );
    let waiting = run
        .try_apply(decide(Outcome::Disclosed))
        .expect_err("waiting");
    assert_eq!(waiting.rule, Rule::AwaitingSupplement);
}

fn ticket_run(
    commands: Vec<HotlineCommand>,
) -> Result<HotlineState, (usize, casetrack_domain::RuleViolation)> {
    let mut state = HotlineState::default();
    for (i, command) in commands.into_iter().enumerate() {
        for event in hotline::decide(&state, command, now()).map_err(|v| (i, v))? {
            hotline::evolve(&mut state, &event).expect("fold");
        }
    }
    Ok(state)
}

#[test]
fn hotline_dispatch_return_redispatch_rehandle_close() {
    let unit = |s: &str| AgencyId::parse(s).unwrap();
    let commands = vec![
        HotlineCommand::Receive {
            caller: None,
            case_id: case(7),
            agency: unit("12345-center"),
            line: "12369".to_owned(),
            category: HotlineCategory::Complaint,
            received_on: d(2018, 9, 28),
            summary: "夜间施工噪音".to_owned(),
        },
        HotlineCommand::Dispatch {
            unit: unit("housing"),
            time_limit_working_days: 13,
            dispatched_on: d(2018, 9, 28),
        },
        HotlineCommand::Return {
            unit: unit("housing"),
            reason: "不属本单位职责".to_owned(),
            returned_on: d(2018, 9, 29),
        },
        HotlineCommand::Dispatch {
            unit: unit("environment"),
            time_limit_working_days: 13,
            dispatched_on: d(2018, 9, 30),
        },
        HotlineCommand::Sign {
            unit: unit("environment"),
            signed_on: d(2018, 9, 30),
        },
        HotlineCommand::Remind {
            level: casetrack_domain::ReminderLevel::Urge,
            note: "请加快".to_owned(),
            reminded_on: d(2018, 10, 9),
        },
        HotlineCommand::Extend {
            working_days: 5,
            reason: "需现场监测".to_owned(),
            granted_on: d(2018, 10, 10),
        },
        HotlineCommand::Handle {
            result: "已责令停工".to_owned(),
            handled_on: d(2018, 10, 12),
        },
        HotlineCommand::Reply {
            replied_on: d(2018, 10, 12),
        },
        HotlineCommand::Close {
            closed_on: d(2018, 10, 12),
        },
        HotlineCommand::FollowUp {
            satisfaction: Satisfaction::Unsatisfied,
            followed_up_on: d(2018, 10, 15),
        },
        HotlineCommand::ReHandle {
            reason: "仍有施工".to_owned(),
            ordered_on: d(2018, 10, 15),
        },
        HotlineCommand::Handle {
            result: "已查封设备".to_owned(),
            handled_on: d(2018, 10, 17),
        },
        HotlineCommand::Reply {
            replied_on: d(2018, 10, 17),
        },
        HotlineCommand::FollowUp {
            satisfaction: Satisfaction::Satisfied,
            followed_up_on: d(2018, 10, 18),
        },
        HotlineCommand::Close {
            closed_on: d(2018, 10, 18),
        },
    ];
    let state = ticket_run(commands.clone()).expect("valid flow");
    let summary = state.case_state().expect("summary");
    assert_eq!(summary.status, CaseStatus::Closed);
    assert_eq!(state.rehandlings, 1);
    assert_eq!(state.dispatches, 2);
    assert_eq!(state.reminders, 1);
    assert_eq!(state.satisfaction, Some(Satisfaction::Satisfied));

    // The wrong unit cannot sign; re-handling needs an unsatisfied caller.
    let mut wrong = commands[..4].to_vec();
    wrong.push(HotlineCommand::Sign {
        unit: unit("housing"),
        signed_on: d(2018, 9, 30),
    });
    assert_eq!(
        ticket_run(wrong).map(|_| ()).map_err(|(i, v)| (i, v.rule)),
        Err((4, Rule::WrongUnit))
    );
    let mut satisfied = commands[..10].to_vec();
    satisfied.push(HotlineCommand::FollowUp {
        satisfaction: Satisfaction::BasicallySatisfied,
        followed_up_on: d(2018, 10, 15),
    });
    satisfied.push(HotlineCommand::ReHandle {
        reason: "x".to_owned(),
        ordered_on: d(2018, 10, 15),
    });
    assert_eq!(
        ticket_run(satisfied)
            .map(|_| ())
            .map_err(|(i, v)| (i, v.rule)),
        Err((11, Rule::ReHandlingNeedsUnsatisfied))
    );
}

#[test]
fn hotline_answered_at_once_and_merged_duplicates() {
    let agency = AgencyId::parse("12345-center").unwrap();
    let receive = |id| HotlineCommand::Receive {
        caller: None,
        case_id: case(id),
        agency: agency.clone(),
        line: "12345".to_owned(),
        category: HotlineCategory::Consultation,
        received_on: d(2018, 9, 28),
        summary: "办证咨询".to_owned(),
    };
    let answered = ticket_run(vec![
        receive(8),
        HotlineCommand::AnswerAtOnce {
            answered_on: d(2018, 9, 28),
            answer: "告知办理流程".to_owned(),
        },
        HotlineCommand::Close {
            closed_on: d(2018, 9, 28),
        },
    ])
    .expect("answered at once");
    assert_eq!(
        answered.case_state().map(|s| s.stage),
        Some("closed".to_owned())
    );

    let merged = ticket_run(vec![
        receive(9),
        HotlineCommand::MergeInto {
            primary: case(8),
            merged_on: d(2018, 9, 28),
        },
    ])
    .expect("merged");
    let summary = merged.case_state().expect("summary");
    assert_eq!(summary.status, CaseStatus::Closed);
    assert!(
        matches!(summary.detail, casetrack_domain::CaseDetail::Hotline { merged_into: Some(p), .. } if p == case(8))
    );
    let refused = ticket_run(vec![
        receive(9),
        HotlineCommand::MergeInto {
            primary: case(8),
            merged_on: d(2018, 9, 28),
        },
        HotlineCommand::Dispatch {
            unit: agency.clone(),
            time_limit_working_days: 3,
            dispatched_on: d(2018, 9, 28),
        },
    ]);
    assert_eq!(
        refused.map(|_| ()).map_err(|(i, v)| (i, v.rule)),
        Err((2, Rule::Merged))
    );
}

#[test]
fn reminders_only_while_a_reply_is_pending() {
    use casetrack_domain::ReminderLevel;
    use casetrack_domain::proposal::{self, ProposalCommand, ProposalKind, ProposalState};

    let remind = |reminded_on| ApplicationCommand::Remind {
        level: ReminderLevel::Urge,
        note: "reply due soon".to_owned(),
        reminded_on,
    };
    let mut run = Run::new();
    run.apply(receive_cmd(case(1), Channel::InPerson, d(2018, 9, 28)));
    let early = run
        .try_apply(remind(d(2018, 9, 27)))
        .expect_err("before receipt");
    assert_eq!(early.field, "reminded_on");
    run.apply(remind(d(2018, 10, 22)));
    assert_eq!(run.events.len(), 2);
    assert_eq!(run.events[1].event_type(), "ApplicationReminded");
    assert_eq!(
        run.state.stage(),
        Some(ApplicationStage::UnderReview),
        "a reminder changes nothing else"
    );
    run.apply(decide(Outcome::Disclosed));
    let decided = run.try_apply(remind(d(2018, 10, 23))).expect_err("decided");
    assert_eq!(
        (decided.rule, decided.field),
        (Rule::AlreadyDecided, "reminded_on")
    );

    let mut state = ProposalState::default();
    let apply = |state: &mut ProposalState, command| {
        let events = proposal::decide(state, command, now())?;
        for event in &events {
            proposal::evolve(state, event).expect("own events fold");
        }
        Ok::<_, casetrack_domain::RuleViolation>(events)
    };
    apply(
        &mut state,
        ProposalCommand::Assign {
            case_id: case(2),
            agency: AgencyId::parse("simao/gov").unwrap(),
            kind: ProposalKind::NpcSuggestion,
            number: "12".to_owned(),
            title: "公交线路".to_owned(),
            lead_unit: AgencyId::parse("simao/transport").unwrap(),
            co_units: Vec::new(),
            assigned_on: d(2018, 3, 1),
        },
    )
    .expect("assign");
    let proposal_remind = |reminded_on| ProposalCommand::Remind {
        level: ReminderLevel::Supervise,
        note: String::new(),
        reminded_on,
    };
    let reminded = apply(&mut state, proposal_remind(d(2018, 6, 4))).expect("remind");
    assert_eq!(reminded[0].event_type(), "ProposalReminded");
    apply(
        &mut state,
        ProposalCommand::Reply {
            result_class: "A".to_owned(),
            replied_on: d(2018, 6, 5),
        },
    )
    .expect("reply");
    let replied = apply(&mut state, proposal_remind(d(2018, 6, 6))).expect_err("replied");
    assert_eq!(
        (replied.rule, replied.field),
        (Rule::AlreadyReplied, "reminded_on")
    );
}
