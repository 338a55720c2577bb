//! The Chinese timeline: every event of every kind, produced by real histories through `Lifecycle::decide`,
//! reads as a line of a case file — never empty, never a Rust debug print, never an English code — and
//! `Event::describe` gives the kind's own description.

mod common;

use std::collections::BTreeSet;

use casetrack_domain::application::{
    AbandonReason, ApplicationCommand, ApplicationState, Channel, ConsultedParty,
};
use casetrack_domain::challenge::{
    ChallengeCommand, ChallengeKind, ChallengeResult, ChallengeState,
};
use casetrack_domain::deadline::Clocks;
use casetrack_domain::fees::FeeBasis;
use casetrack_domain::hotline::{HotlineCategory, HotlineCommand, HotlineState, Satisfaction};
use casetrack_domain::proposal::{ProposalCommand, ProposalKind, ProposalState};
use casetrack_domain::records::{
    CountedMeasure, DisclosureChannel, DocumentKind, RecordCommand, RecordState,
};
use casetrack_domain::{AgencyId, Event, EventBody, Lifecycle, Outcome, ReminderLevel};
use common::{calendar, case, d, now, receive_cmd};

/// The events of one case after `commands`, each decided on the state its predecessors left.
fn history<L: Lifecycle>(commands: Vec<L::Command>) -> Vec<Event> {
    continue_history::<L>(&[], commands)
}

fn agency(text: &str) -> AgencyId {
    AgencyId::parse(text).expect("agency id")
}

/// An application through 补正, consultation, extension, fee, decision, reply and closing; and one received by
/// internet, confirmed, charged and abandoned for the unpaid fee.
fn applications() -> Vec<Vec<Event>> {
    let full = history::<ApplicationState>(vec![
        receive_cmd(case(1), Channel::InPerson, d(2018, 9, 28)),
        ApplicationCommand::Remind {
            level: ReminderLevel::Urge,
            note: "答复期限临近".to_owned(),
            reminded_on: d(2018, 9, 28),
        },
        ApplicationCommand::RequestSupplement {
            requested_on: d(2018, 9, 29),
            what: "所需信息的名称".to_owned(),
            supplement_by: d(2018, 10, 15),
        },
        ApplicationCommand::ReceiveSupplement {
            received_on: d(2018, 10, 10),
        },
        ApplicationCommand::StartConsultation {
            party: "思茅建设公司".to_owned(),
            party_kind: ConsultedParty::ThirdParty,
            started_on: d(2018, 10, 11),
        },
        ApplicationCommand::AnswerConsultation {
            party: "思茅建设公司".to_owned(),
            answered_on: d(2018, 10, 16),
        },
        ApplicationCommand::ApproveExtension {
            working_days: 20,
            approved_by: "信息公开办公室主任".to_owned(),
            reason: "需调取档案".to_owned(),
            approved_on: d(2018, 10, 17),
        },
        ApplicationCommand::IssueFeeNotice {
            basis: FeeBasis::PerPage { pages: 150 },
            issued_on: d(2018, 10, 18),
        },
    ]);
    let amount = match &full.last().expect("fee notice").body {
        EventBody::Application(
            casetrack_domain::application::ApplicationEvent::FeeNoticeIssued { amount, .. },
        ) => *amount,
        other => panic!("expected the fee notice, got {other:?}"),
    };
    let mut full_commands = Vec::new();
    full_commands.extend([
        ApplicationCommand::RecordFeePayment {
            amount,
            paid_on: d(2018, 10, 19),
        },
        ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: "条例第三十六条第（二）项".to_owned(),
            decided_on: d(2018, 10, 22),
        },
        ApplicationCommand::DeliverReply {
            delivered_on: d(2018, 10, 23),
            method: "邮寄".to_owned(),
        },
        ApplicationCommand::Close {
            closed_on: d(2018, 10, 24),
        },
    ]);
    let rest = continue_history::<ApplicationState>(&full, full_commands);
    let abandoned = history::<ApplicationState>(vec![
        receive_cmd(case(2), Channel::Internet, d(2018, 9, 28)),
        ApplicationCommand::ConfirmReceipt {
            confirmed_on: d(2018, 10, 8),
        },
        ApplicationCommand::NoteDeadlineMoved {
            old: Some(d(2018, 11, 5)),
            new: Some(d(2018, 11, 6)),
            notice: "国办发明电〔2018〕15号".to_owned(),
        },
        ApplicationCommand::IssueFeeNotice {
            basis: FeeBasis::PerApplication { nth_in_month: 15 },
            issued_on: d(2018, 10, 9),
        },
        ApplicationCommand::Abandon {
            reason: AbandonReason::FeeUnpaid,
            abandoned_on: d(2018, 12, 3),
        },
    ]);
    vec![[full, rest].concat(), abandoned]
}

/// More of a history already begun: `commands` decided on the state `events` fold to.
fn continue_history<L: Lifecycle>(events: &[Event], commands: Vec<L::Command>) -> Vec<Event> {
    let clocks = Clocks::new(calendar());
    let mut state: L = casetrack_domain::lifecycle::replay(events).expect("replay");
    let mut new_events = Vec::new();
    for command in commands {
        let new = state
            .decide(command, now(), &clocks)
            .unwrap_or_else(|violation| panic!("{:?} refused: {violation}", L::KIND));
        for event in &new {
            state.evolve(event).expect("own events fold");
        }
        new_events.extend(new);
    }
    new_events
}

fn ticket(n: u128) -> HotlineCommand {
    HotlineCommand::Receive {
        caller: None,
        case_id: case(n),
        agency: agency("simao"),
        line: "12345".to_owned(),
        category: HotlineCategory::Complaint,
        received_on: d(2024, 3, 4),
        summary: "夜间施工噪音".to_owned(),
    }
}

/// A ticket dispatched, returned, re-dispatched, extended, supervised, handled twice around an unsatisfied
/// follow-up and closed; one answered at once; a merged pair; one referred to an application.
fn tickets() -> Vec<Vec<Event>> {
    let housing = || agency("simao/housing");
    let full = history::<HotlineState>(vec![
        ticket(11),
        HotlineCommand::Dispatch {
            unit: agency("simao/roads"),
            time_limit_working_days: 2,
            dispatched_on: d(2024, 3, 4),
        },
        HotlineCommand::Return {
            unit: agency("simao/roads"),
            reason: "不属于本单位职责".to_owned(),
            returned_on: d(2024, 3, 5),
        },
        HotlineCommand::Dispatch {
            unit: housing(),
            time_limit_working_days: 3,
            dispatched_on: d(2024, 3, 5),
        },
        HotlineCommand::Sign {
            unit: housing(),
            signed_on: d(2024, 3, 5),
        },
        HotlineCommand::Extend {
            working_days: 5,
            reason: "需现场核查".to_owned(),
            granted_on: d(2024, 3, 6),
        },
        HotlineCommand::Remind {
            level: ReminderLevel::Supervise,
            note: String::new(),
            reminded_on: d(2024, 3, 7),
        },
        HotlineCommand::NoteDeadlineMoved {
            old: None,
            new: Some(d(2024, 3, 21)),
            notice: "国办发明电〔2023〕7号".to_owned(),
        },
        HotlineCommand::Handle {
            result: "已责令停工".to_owned(),
            handled_on: d(2024, 3, 8),
        },
        HotlineCommand::Reply {
            replied_on: d(2024, 3, 8),
        },
        HotlineCommand::FollowUp {
            satisfaction: Satisfaction::Unsatisfied,
            followed_up_on: d(2024, 3, 11),
        },
        HotlineCommand::ReHandle {
            reason: "夜间仍有施工".to_owned(),
            ordered_on: d(2024, 3, 11),
        },
        HotlineCommand::Handle {
            result: "已查处并回告".to_owned(),
            handled_on: d(2024, 3, 12),
        },
        HotlineCommand::Reply {
            replied_on: d(2024, 3, 12),
        },
        HotlineCommand::FollowUp {
            satisfaction: Satisfaction::Satisfied,
            followed_up_on: d(2024, 3, 13),
        },
        HotlineCommand::Close {
            closed_on: d(2024, 3, 13),
        },
    ]);
    let answered = history::<HotlineState>(vec![
        ticket(12),
        HotlineCommand::AnswerAtOnce {
            answered_on: d(2024, 3, 4),
            answer: "已当场解答".to_owned(),
        },
    ]);
    let primary = history::<HotlineState>(vec![
        ticket(13),
        HotlineCommand::LinkDuplicate {
            duplicate: case(14),
            linked_on: d(2024, 3, 5),
        },
    ]);
    let duplicate = history::<HotlineState>(vec![
        ticket(14),
        HotlineCommand::MergeInto {
            primary: case(13),
            merged_on: d(2024, 3, 5),
        },
    ]);
    let referred = history::<HotlineState>(vec![
        ticket(15),
        HotlineCommand::ReferToApplication {
            application: Some(case(1)),
            referred_on: d(2024, 3, 5),
        },
    ]);
    vec![full, answered, primary, duplicate, referred]
}

fn proposals() -> Vec<Vec<Event>> {
    vec![history::<ProposalState>(vec![
        ProposalCommand::Assign {
            case_id: case(21),
            agency: agency("simao"),
            kind: ProposalKind::CppccProposal,
            number: "12".to_owned(),
            title: "关于加强老旧小区改造的提案".to_owned(),
            lead_unit: agency("simao/housing"),
            co_units: vec![agency("simao/finance")],
            assigned_on: d(2024, 3, 4),
        },
        ProposalCommand::ContactProposer {
            contacted_on: d(2024, 3, 11),
            note: "电话沟通办理思路".to_owned(),
        },
        ProposalCommand::ExtendToSixMonths {
            reason: "涉及多个部门".to_owned(),
            extended_on: d(2024, 4, 1),
        },
        ProposalCommand::Remind {
            level: ReminderLevel::Urge,
            note: "答复期限临近".to_owned(),
            reminded_on: d(2024, 8, 1),
        },
        ProposalCommand::Reply {
            result_class: "A".to_owned(),
            replied_on: d(2024, 8, 20),
        },
        ProposalCommand::Publish {
            published_on: d(2024, 8, 30),
        },
    ])]
}

fn challenges() -> Vec<Vec<Event>> {
    let file = |n: u128, kind, prior| ChallengeCommand::File {
        case_id: case(n),
        agency: agency("simao"),
        kind,
        application: case(1),
        prior_reconsideration: prior,
        filed_on: d(2024, 3, 4),
    };
    vec![
        history::<ChallengeState>(vec![
            file(31, ChallengeKind::Reconsideration, None),
            ChallengeCommand::Conclude {
                result: ChallengeResult::Upheld,
                concluded_on: d(2024, 5, 6),
            },
        ]),
        history::<ChallengeState>(vec![file(
            32,
            ChallengeKind::LitigationAfterReconsideration,
            Some(case(31)),
        )]),
    ]
}

fn records() -> Vec<Vec<Event>> {
    vec![
        history::<RecordState>(vec![RecordCommand::PublishDisclosure {
            case_id: case(41),
            agency: agency("simao"),
            title: "2024年部门预算".to_owned(),
            channels: BTreeSet::from([DisclosureChannel::Website, DisclosureChannel::Wechat]),
            published_on: d(2024, 3, 4),
        }]),
        history::<RecordState>(vec![
            RecordCommand::IssueDocument {
                case_id: case(42),
                agency: agency("simao"),
                kind: DocumentKind::NormativeDocument,
                title: "思茅区城市道路管理办法".to_owned(),
                issued_on: d(2024, 3, 4),
            },
            RecordCommand::RepealDocument {
                repealed_on: d(2024, 9, 2),
            },
        ]),
        history::<RecordState>(vec![RecordCommand::Count {
            case_id: case(43),
            agency: agency("simao"),
            measure: CountedMeasure::LicensingDecisions,
            count: 120,
            period_end: d(2024, 6, 30),
        }]),
        history::<RecordState>(vec![RecordCommand::CollectFees {
            case_id: case(44),
            agency: agency("simao"),
            amount: casetrack_domain::fees::Fen(30_000),
            collected_on: d(2024, 3, 4),
        }]),
    ]
}

/// Every event type of every kind: the histories above must produce each at least once.
const EVERY_EVENT_TYPE: [&str; 44] = [
    "ApplicationDeadlineMoved",
    "HotlineDeadlineMoved",
    "ApplicationReceived",
    "ApplicationReceiptConfirmed",
    "ApplicationSupplementRequested",
    "ApplicationSupplemented",
    "ApplicationConsultationStarted",
    "ApplicationConsultationAnswered",
    "ApplicationExtensionApproved",
    "ApplicationFeeNoticeIssued",
    "ApplicationFeePaid",
    "ApplicationDecided",
    "ApplicationReplyDelivered",
    "ApplicationAbandoned",
    "ApplicationClosed",
    "ApplicationReminded",
    "HotlineReceived",
    "HotlineAnsweredAtOnce",
    "HotlineDispatched",
    "HotlineSigned",
    "HotlineReturned",
    "HotlineExtensionGranted",
    "HotlineHandled",
    "HotlineReplied",
    "HotlineFollowedUp",
    "HotlineClosed",
    "HotlineReHandlingOrdered",
    "HotlineReminded",
    "HotlineMergedInto",
    "HotlineDuplicateLinked",
    "HotlineReferredToApplication",
    "ProposalAssigned",
    "ProposalProposerContacted",
    "ProposalExtendedToSixMonths",
    "ProposalReplied",
    "ProposalPublished",
    "ProposalReminded",
    "ChallengeFiled",
    "ChallengeConcluded",
    "RecordDisclosurePublished",
    "RecordDocumentIssued",
    "RecordDocumentRepealed",
    "RecordCounted",
    "RecordFeesCollected",
];

/// Why `description` of `event` is not a line a civil servant could read, if it is not.
fn unreadable(event: &Event, description: &str) -> Option<&'static str> {
    let debug_marks = ["{", "}", "Some(", "None", "\"", "::"];
    if description.trim().is_empty() {
        Some("empty")
    } else if debug_marks.iter().any(|mark| description.contains(mark)) {
        Some("a debug print")
    } else if description.contains(&event.event_type()) || description.contains('_') {
        Some("an English event type or code")
    } else if !description
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        Some("no Chinese")
    } else {
        None
    }
}

#[test]
fn every_event_of_every_kind_reads_as_a_line_of_the_case_file() {
    let histories = [
        applications(),
        tickets(),
        proposals(),
        challenges(),
        records(),
    ]
    .concat();
    let mut seen = BTreeSet::new();
    for event in histories.iter().flatten() {
        let description = event.describe();
        if let Some(why) = unreadable(event, &description) {
            panic!(
                "{} is described as {why}: {description:?}",
                event.event_type()
            );
        }
        seen.insert(event.event_type());
    }
    let every: BTreeSet<String> = EVERY_EVENT_TYPE.iter().map(|t| t.to_string()).collect();
    let missing: Vec<_> = every.difference(&seen).collect();
    assert!(missing.is_empty(), "no history produced {missing:?}");
    let unlisted: Vec<_> = seen.difference(&every).collect();
    assert!(unlisted.is_empty(), "add {unlisted:?} to EVERY_EVENT_TYPE");
}

#[test]
fn an_application_reads_as_its_case_file() {
    let history = applications().remove(0);
    let lines: Vec<String> = history.iter().map(Event::describe).collect();
    let expected = [
        "收到申请（当面提交），申请人：自然人，申请内容：2018 年度财政预算执行情况，获取方式：纸质",
        "催办：答复期限临近",
        "要求补正：所需信息的名称，补正期限 2018-10-15",
        "收到补正材料，答复期限自 2018-10-10 起重新计算",
        "征求第三方意见：思茅建设公司",
        "收到征求意见答复：思茅建设公司",
        "延期答复 20 个工作日（经 信息公开办公室主任 批准），理由：需调取档案",
    ];
    assert_eq!(lines[..expected.len()], expected);
    assert!(
        lines[expected.len()].starts_with("发出收费通知：信息处理费 ¥")
            && lines[expected.len()].ends_with("（按量计收，150 页），缴费期限 2018-11-15"),
        "{}",
        lines[expected.len()]
    );
    assert_eq!(
        lines[expected.len() + 2..],
        [
            "作出答复决定：予以公开，依据：条例第三十六条第（二）项",
            "送达答复，送达方式：邮寄",
            "办结"
        ]
    );
}

#[test]
fn decisions_name_their_group_and_reason_without_the_table_numbering() {
    let table = [
        (Outcome::Disclosed, "予以公开"),
        (Outcome::PartlyDisclosed, "部分公开"),
        (
            Outcome::WithheldThirdParty,
            "不予公开（保护第三方合法权益）",
        ),
        (
            Outcome::UnavailableNotHeld,
            "无法提供（本机关不掌握相关政府信息）",
        ),
        (Outcome::NotProcessedRepeated, "不予处理（重复申请）"),
        (Outcome::OtherOther, "其他处理（其他）"),
    ];
    for (outcome, expected) in table {
        assert_eq!(outcome.decision_zh(), expected);
    }
    for outcome in Outcome::all() {
        let text = outcome.decision_zh();
        assert!(
            !text.contains('.') && !text.starts_with('（'),
            "{outcome}: {text}"
        );
    }
}
