//! One answer to "when is this case due?": for generated histories of applications, hotline tickets and
//! proposals, the domain's `Case::pending_deadline` equals what the staff queue lists, what `GetCase` returns,
//! and what the reminder pass acts on (a case is reminded exactly when its pending deadline is within reach and
//! someone holds it).

use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_server::Intake;
use casetrack_auth::{Identity, Role};
use casetrack_domain::application::{ApplicationCommand, Channel, DeliveryForm};
use casetrack_domain::deadline::{Clocks, working_days_left};
use casetrack_domain::hotline::{HotlineCategory, HotlineCommand};
use casetrack_domain::proposal::{ProposalCommand, ProposalKind};
use casetrack_domain::{
    AgencyId, ApplicantType, Calendar, Case, CaseCommand, CaseId, CaseKind, Outcome, ReminderLevel,
    decode, stream_name,
};
use casetrack_eventlog::{Direction, EventLog};
use casetrack_handlers::{Actor, Commands, IntakeService, Reminders, Step, Watchers};
use casetrack_projector::queues::{Due, queue};
use casetrack_projector::{AgencyScope, Projector, projections_dir};
use chrono::{DateTime, Days, NaiveDate, Utc};
use proptest::prelude::*;

const AGENCY: &str = "simao/finance";
/// Remind when at most this many working days are left.
const WITHIN: i64 = 3;

/// One generated case: its kind, receipt day (days after 2 January 2024) and the steps tried on it.
#[derive(Debug, Clone)]
struct Plan {
    kind: CaseKind,
    received: u64,
    steps: Vec<(u8, u64)>,
}

fn plan() -> impl Strategy<Value = Plan> {
    let kind = prop::sample::select(vec![
        CaseKind::Application,
        CaseKind::Hotline,
        CaseKind::Proposal,
    ]);
    (
        kind,
        0u64..150,
        prop::collection::vec((0u8..5, 0u64..20), 0..5),
    )
        .prop_map(|(kind, received, steps)| Plan {
            kind,
            received,
            steps,
        })
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 2).expect("date") + Days::new(offset)
}

/// "Now": noon in China on Friday 28 June 2024, after every generated date.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-06-28T04:00:00Z")
        .expect("instant")
        .to_utc()
}

fn agency(text: &str) -> AgencyId {
    AgencyId::parse(text).expect("agency id")
}

/// The command that creates the planned case.
fn create(plan: &Plan, case_id: CaseId) -> CaseCommand {
    let on = day(plan.received);
    match plan.kind {
        CaseKind::Application => ApplicationCommand::Receive {
            applicant: None,
            case_id,
            agency: agency(AGENCY),
            applicant_type: ApplicantType::NaturalPerson,
            channel: Channel::InPerson,
            handed_in_on: on,
            receipt_confirmed_on: None,
            content: "2023年度部门决算".to_owned(),
            delivery_form: DeliveryForm::Paper,
            referred_from: None,
        }
        .into(),
        CaseKind::Hotline => HotlineCommand::Receive {
            caller: None,
            case_id,
            agency: agency(AGENCY),
            line: "12345".to_owned(),
            category: HotlineCategory::Complaint,
            received_on: on,
            summary: "道路破损".to_owned(),
        }
        .into(),
        _ => ProposalCommand::Assign {
            case_id,
            agency: agency(AGENCY),
            kind: ProposalKind::NpcSuggestion,
            number: "建议第1号".to_owned(),
            title: "关于改善道路的建议".to_owned(),
            lead_unit: agency(AGENCY),
            co_units: Vec::new(),
            assigned_on: on,
        }
        .into(),
    }
}

/// A later step of the planned case: `choice` picks it, `on` is its date.
fn step(kind: CaseKind, choice: u8, on: NaiveDate) -> CaseCommand {
    match (kind, choice) {
        (CaseKind::Application, 0) => ApplicationCommand::RequestSupplement {
            requested_on: on,
            what: "补充所需信息的名称".to_owned(),
            supplement_by: on + Days::new(15),
        }
        .into(),
        (CaseKind::Application, 1) => {
            ApplicationCommand::ReceiveSupplement { received_on: on }.into()
        }
        (CaseKind::Application, 2) => ApplicationCommand::ApproveExtension {
            working_days: 10,
            approved_by: "办公室主任".to_owned(),
            reason: "需要调取档案".to_owned(),
            approved_on: on,
        }
        .into(),
        (CaseKind::Application, _) => ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: "条例第三十六条第（二）项".to_owned(),
            decided_on: on,
        }
        .into(),
        (CaseKind::Hotline, 0 | 1) => HotlineCommand::Dispatch {
            unit: agency("simao/roads"),
            time_limit_working_days: u32::from(choice) * 4 + 2,
            dispatched_on: on,
        }
        .into(),
        (CaseKind::Hotline, 2) => HotlineCommand::Sign {
            unit: agency("simao/roads"),
            signed_on: on,
        }
        .into(),
        (CaseKind::Hotline, 3) => HotlineCommand::Handle {
            result: "已修复".to_owned(),
            handled_on: on,
        }
        .into(),
        (CaseKind::Hotline, _) => HotlineCommand::Return {
            unit: agency("simao/roads"),
            reason: "不属于本单位职责".to_owned(),
            returned_on: on,
        }
        .into(),
        (_, 0 | 1) => ProposalCommand::Reply {
            result_class: "A".to_owned(),
            replied_on: on,
        }
        .into(),
        _ => ProposalCommand::ExtendToSixMonths {
            reason: "涉及多个部门".to_owned(),
            extended_on: on,
        }
        .into(),
    }
}

/// Writes the planned cases through the command path (steps the domain refuses are simply not taken).
async fn record(commands: &Commands, plans: &[Plan]) -> Vec<(CaseId, CaseKind, String)> {
    let caller = auditing_clerk();
    let mut cases = Vec::new();
    for (n, plan) in plans.iter().enumerate() {
        let refs = commands
            .create(&caller, &format!("case-{n}"), now(), |id| create(plan, id))
            .await
            .expect("create");
        for (i, (choice, after)) in plan.steps.iter().enumerate() {
            let on = day(plan.received + after).min(now().date_naive());
            let step = Step {
                field: "case_id",
                case_id: refs.case_id,
                command: step(plan.kind, *choice, on),
            };
            let command_id = uuid::Uuid::from_u128((n as u128) << 8 | i as u128 | 1 << 64);
            let _ = commands
                .execute(Actor::Caller(&caller), command_id, now(), vec![step])
                .await;
        }
        cases.push((refs.case_id, plan.kind, refs.tracking_number));
    }
    cases
}

/// The domain's answer, from the case's own events.
fn trait_due(
    log: &EventLog,
    kind: CaseKind,
    case_id: CaseId,
    clocks: &Clocks,
) -> (Case, Option<NaiveDate>) {
    let recorded = log
        .read_stream(&stream_name(kind, case_id), 0, Direction::Forward, 1_000)
        .expect("read");
    let events: Vec<_> = recorded
        .iter()
        .map(|r| decode(&r.event_type, &r.data).expect("decode"))
        .collect();
    let case = Case::replay(kind, &events).expect("replay");
    let due = case
        .pending_deadline(clocks)
        .expect("deadline")
        .map(|d| d.due);
    (case, due)
}

/// Whether the reminder pass left a reminder on the case.
fn reminded(log: &EventLog, kind: CaseKind, case_id: CaseId) -> bool {
    log.read_stream(&stream_name(kind, case_id), 0, Direction::Forward, 1_000)
        .expect("read")
        .iter()
        .any(|r| r.event_type.ends_with("Reminded"))
}

/// A caller that may create cases and read every case of the deployment (as the auth layer would pass it).
fn auditing_clerk() -> Identity {
    Identity {
        name: "test".to_owned(),
        roles: [Role::Clerk, Role::Auditor].into(),
        source_system: "test".to_owned(),
        jurisdiction: None,
    }
}

async fn get_case(intake: &IntakeService, number: &str) -> pb::CaseInfo {
    let mut request = tonic::Request::new(pb::GetCaseRequest {
        tracking_number: number.to_owned(),
        case_id: String::new(),
    });
    request.extensions_mut().insert(auditing_clerk());
    intake
        .get_case(request)
        .await
        .expect("GetCase")
        .into_inner()
}

async fn one_answer(plans: Vec<Plan>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&dir.path().join("log")).expect("log");
    let clocks = Clocks::new(Calendar::embedded().expect("calendar"));
    let commands = Commands::new(
        std::sync::Arc::new(log.clone()),
        clocks.clone(),
        "SM".parse().expect("prefix"),
    );
    casetrack_tests::agencies::register_in_log(&log, &[AGENCY])
        .await
        .expect("register the agency");
    let cases = record(&commands, &plans).await;
    let watchers = Watchers::new(commands.log().clone(), dir.path().join("watch"));
    let (auditor, mut writer) = casetrack_audit::Auditor::new(commands.log().clone());
    tokio::spawn(async move { writer.run().await });
    let intake = IntakeService::new(commands.clone(), watchers, auditor);

    // Queue and GetCase are read before the reminder pass adds its events.
    let projector = Projector::open(&projections_dir(dir.path())).expect("projector");
    projector.catch_up(&log, &mut |_, _| {}).expect("fold");
    let today = now().date_naive();
    // Tickets are dispatched to `simao/roads`, beside AGENCY: the district's whole tree holds every case.
    let listed = queue(
        &projector.store().view(),
        &clocks,
        ("simao", AgencyScope::Tree),
        None,
        today,
        Due::All,
    )
    .expect("queue");
    let mut expected_reminders = Vec::new();
    for (case_id, kind, number) in &cases {
        let (case, due) = trait_due(&log, *kind, *case_id, &clocks);
        match listed.iter().find(|entry| entry.case.case_id == *case_id) {
            Some(entry) => assert_eq!(entry.deadline, due, "queue vs trait for {kind:?}"),
            None => assert_eq!(due, None, "a case off the queue has no pending deadline"),
        }
        let info = get_case(&intake, number).await;
        let shown = due.map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(
            info.deadline, shown,
            "GetCase vs trait: {}",
            info.clock_explanation
        );
        let within = due.is_some_and(|due| {
            working_days_left(due, today, &clocks.calendar).expect("days left") <= WITHIN
        });
        let someone = case
            .remind(ReminderLevel::Urge, String::new(), today)
            .is_some();
        expected_reminders.push(within && someone);
    }

    Reminders::new(commands, projector, WITHIN)
        .run_once(now())
        .await
        .expect("reminder pass");
    for ((case_id, kind, _), expected) in cases.iter().zip(expected_reminders) {
        assert_eq!(
            reminded(&log, *kind, *case_id),
            expected,
            "reminders vs trait for {kind:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn queue_get_case_and_reminders_give_the_domains_deadline(plans in prop::collection::vec(plan(), 1..6)) {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(one_answer(plans));
    }
}
