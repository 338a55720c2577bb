//! 热线工单: a hotline ticket from 12345 or a line merged into it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::acts::{Act, PROBE_TEXT};
use crate::event::{Event, EventBody, ReplayError, admit};
use crate::ids::{AgencyId, CaseId, CaseKind};
use crate::lifecycle::{DeadlineMove, ReminderLevel};
use crate::person::Person;
use crate::rule::{Rule, RuleViolation, check};
use crate::summary::{CaseDetail, CaseState, CaseStatus};
use crate::time::local_date;

/// The kind of request a caller made; each has its own time limit (configuration, see deadline.rs). Read by its
/// code or its Chinese name (the aliases), written by its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HotlineCategory {
    /// 咨询.
    #[serde(alias = "咨询")]
    Consultation,
    /// 求助.
    #[serde(alias = "求助")]
    Help,
    /// 投诉.
    #[serde(alias = "投诉")]
    Complaint,
    /// 举报.
    #[serde(alias = "举报")]
    Report,
    /// 建议.
    #[serde(alias = "建议")]
    Suggestion,
}

impl HotlineCategory {
    pub const ALL: [HotlineCategory; 5] = [
        HotlineCategory::Consultation,
        HotlineCategory::Help,
        HotlineCategory::Complaint,
        HotlineCategory::Report,
        HotlineCategory::Suggestion,
    ];
}

impl HotlineCategory {
    pub fn label_zh(self) -> &'static str {
        match self {
            HotlineCategory::Consultation => "咨询",
            HotlineCategory::Help => "求助",
            HotlineCategory::Complaint => "投诉",
            HotlineCategory::Report => "举报",
            HotlineCategory::Suggestion => "建议",
        }
    }
}

/// The hotline lines known by name (the seed report's), with their Chinese names where known. A ticket's line is
/// data, not a code: any other line is accepted as it is sent; this list only tells an integrator what is known.
pub const NAMED_LINES: [(&str, &str); 4] = [
    ("12345", "政务服务便民热线"),
    ("12328", "交通运输服务监督电话"),
    ("12369", "环保举报热线"),
    // A local line whose meaning the seed report does not give.
    ("96128", ""),
];

/// 回访 satisfaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 满意.
    Satisfied,
    /// 基本满意.
    BasicallySatisfied,
    /// 不满意.
    Unsatisfied,
}

impl Satisfaction {
    pub fn label_zh(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::BasicallySatisfied => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
        }
    }
}

/// Events of a hotline stream. Type names are `Hotline` + variant, e.g. `HotlineReceived`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HotlineEvent {
    /// 受理. `line` is the source line as data ("12345", "12328", "12369", "96128", …).
    Received {
        agency: AgencyId,
        line: String,
        category: HotlineCategory,
        received_on: NaiveDate,
        summary: String,
        /// The caller's contact details (personal data); absent in events recorded before they were carried,
        /// and then absent from the JSON too, so those events stay byte-identical.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller: Option<Person>,
    },
    /// Answered during the call; no dispatch needed.
    AnsweredAtOnce {
        answered_on: NaiveDate,
        answer: String,
    },
    /// 派单 to a handling unit with a time limit in working days.
    Dispatched {
        unit: AgencyId,
        time_limit_working_days: u32,
        dispatched_on: NaiveDate,
    },
    /// 签收 by the unit.
    Signed {
        unit: AgencyId,
        signed_on: NaiveDate,
    },
    /// 退单 by the unit, with reasons; the ticket waits for re-dispatch.
    Returned {
        unit: AgencyId,
        reason: String,
        returned_on: NaiveDate,
    },
    /// Extension granted on the unit's request.
    ExtensionGranted {
        working_days: u32,
        reason: String,
        granted_on: NaiveDate,
    },
    /// 办理 done by the unit.
    Handled {
        result: String,
        handled_on: NaiveDate,
    },
    /// 回复 to the caller.
    Replied { replied_on: NaiveDate },
    /// 回访 with the caller's satisfaction.
    FollowedUp {
        satisfaction: Satisfaction,
        followed_up_on: NaiveDate,
    },
    /// 办结.
    Closed { closed_on: NaiveDate },
    /// 重办: handling starts again (after an unsatisfied follow-up).
    ReHandlingOrdered {
        reason: String,
        ordered_on: NaiveDate,
    },
    /// 催办 / 督办.
    Reminded {
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    },
    /// A newly loaded holiday arrangement moved the handling deadline (history for the caller's line and the
    /// unit; the deadline itself is always computed from the calendar in force).
    DeadlineMoved {
        old: Option<NaiveDate>,
        new: Option<NaiveDate>,
        notice: String,
    },
    /// 并单, on the duplicate: merged into `primary`; the duplicate's history stays, it is counted once.
    MergedInto {
        primary: CaseId,
        merged_on: NaiveDate,
    },
    /// 并单, on the primary: `duplicate` was merged into this ticket.
    DuplicateLinked {
        duplicate: CaseId,
        linked_on: NaiveDate,
    },
    /// The caller asked for government information and was told to apply; the application, if any, is linked.
    ReferredToApplication {
        application: Option<CaseId>,
        referred_on: NaiveDate,
    },
}

/// The longest time limit a dispatch may set, in working days.
pub const MAX_TIME_LIMIT_WORKING_DAYS: u32 = 60;
/// The longest single extension, in working days (one published provincial rule: up to 10).
pub const MAX_EXTENSION_WORKING_DAYS: u32 = 10;
/// Dispatches (including re-dispatches after returns) one ticket may go through.
pub const MAX_DISPATCHES: u32 = 32;

/// Facts fixed at intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub case_id: CaseId,
    pub agency: AgencyId,
    pub line: String,
    pub category: HotlineCategory,
    pub received_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<Person>,
}

/// A hotline ticket's state: a fold of its events. `Default` is "no such ticket yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotlineState {
    pub ticket: Option<Ticket>,
    pub answered_at_once_on: Option<NaiveDate>,
    /// The unit currently holding the ticket (None before dispatch and after a return).
    pub unit: Option<AgencyId>,
    pub dispatched_on: Option<NaiveDate>,
    /// The time limit the current dispatch gave, in working days: the handling deadline counts from
    /// `dispatched_on` by it. None before dispatch and after a return, as `unit` is. Absent from states
    /// stored before it was kept, hence the default.
    #[serde(default)]
    pub time_limit_working_days: Option<u32>,
    pub dispatches: u32,
    /// The first dispatch: the year-end 派单量 counts a ticket once, when it was first dispatched. Absent from
    /// states stored before it was kept, hence the default.
    #[serde(default)]
    pub first_dispatched_on: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    pub returns: Vec<(AgencyId, String, NaiveDate)>,
    /// Extension of the current handling round, in working days.
    pub extension_working_days: Option<u32>,
    pub handled_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub satisfaction: Option<Satisfaction>,
    /// The day of the 回访 whose satisfaction is kept (cleared with it by 重办).
    #[serde(default)]
    pub followed_up_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// The start of the current handling round after 重办.
    pub rehandling_ordered_on: Option<NaiveDate>,
    pub rehandlings: u32,
    /// The day of each 重办 order, in order (`rehandlings` of them in states stored since it is kept).
    #[serde(default)]
    pub rehandled_on: Vec<NaiveDate>,
    pub reminders: u32,
    pub merged_into: Option<CaseId>,
    /// The day of the 并单 that merged this ticket into another.
    #[serde(default)]
    pub merged_on: Option<NaiveDate>,
    pub duplicates: Vec<CaseId>,
    /// `Some(None)`: referred to an application not yet created. Stored so that `Some(None)` survives JSON.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub referred_application: Option<Option<CaseId>>,
    pub event_count: u64,
}

impl HotlineState {
    pub fn stage(&self) -> Option<&'static str> {
        self.ticket.as_ref()?;
        Some(if self.merged_into.is_some() {
            "merged"
        } else if self.closed_on.is_some() {
            "closed"
        } else if self.satisfaction.is_some() {
            "followed_up"
        } else if self.answered_on().is_some() {
            "replied"
        } else if self.handled_on.is_some() {
            "handled"
        } else if self.signed_on.is_some() {
            "signed"
        } else if self.unit.is_some() {
            "dispatched"
        } else if !self.returns.is_empty() {
            "returned"
        } else {
            "received"
        })
    }

    /// The day the caller was answered: by a reply, or during the call.
    fn answered_on(&self) -> Option<NaiveDate> {
        self.replied_on.or(self.answered_at_once_on)
    }

    fn open(&self) -> bool {
        self.closed_on.is_none() && self.merged_into.is_none()
    }

    /// The kind-independent summary; `None` before intake.
    pub fn case_state(&self) -> Option<CaseState> {
        let ticket = self.ticket.as_ref()?;
        Some(CaseState {
            case_id: ticket.case_id,
            kind: CaseKind::Hotline,
            agency: ticket.agency.clone(),
            received_on: ticket.received_on,
            status: if self.open() {
                CaseStatus::Open
            } else {
                CaseStatus::Closed
            },
            stage: self.stage()?.to_owned(),
            outcome: None,
            applicant_type: None,
            decided_on: self.handled_on.or(self.answered_at_once_on),
            closed_on: self.closed_on,
            detail: CaseDetail::Hotline {
                line: ticket.line.clone(),
                category: ticket.category,
                unit: self.unit.clone(),
                satisfaction: self.satisfaction,
                merged_into: self.merged_into,
                reminders: self.reminders,
            },
        })
    }
}

/// A field that is present (even as `null`) is `Some`: the outer `Option` of a double option.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Fold one event into the state.
pub fn evolve(state: &mut HotlineState, event: &Event) -> Result<(), ReplayError> {
    let creates = matches!(
        &event.body,
        EventBody::Hotline(HotlineEvent::Received { .. })
    );
    admit(
        CaseKind::Hotline,
        state.ticket.as_ref().map(|t| t.case_id),
        event,
        creates,
    )?;
    let EventBody::Hotline(body) = &event.body else {
        unreachable!("admit verified the kind");
    };
    fold(state, event.case_id, body.clone());
    state.event_count += 1;
    Ok(())
}

/// Fold an event `evolve` admitted into the state.
fn fold(state: &mut HotlineState, case_id: CaseId, body: HotlineEvent) {
    match body {
        HotlineEvent::Received {
            agency,
            line,
            category,
            received_on,
            summary: _,
            caller,
        } => {
            state.ticket = Some(Ticket {
                case_id,
                agency,
                line,
                category,
                received_on,
                caller,
            });
        }
        HotlineEvent::AnsweredAtOnce {
            answered_on,
            answer: _,
        } => state.answered_at_once_on = Some(answered_on),
        HotlineEvent::Dispatched {
            unit,
            time_limit_working_days,
            dispatched_on,
        } => dispatched(state, unit, time_limit_working_days, dispatched_on),
        HotlineEvent::Signed { unit: _, signed_on } => state.signed_on = Some(signed_on),
        HotlineEvent::Returned {
            unit,
            reason,
            returned_on,
        } => returned(state, unit, reason, returned_on),
        HotlineEvent::ExtensionGranted {
            working_days,
            reason: _,
            granted_on: _,
        } => state.extension_working_days = Some(working_days),
        HotlineEvent::Handled {
            result: _,
            handled_on,
        } => state.handled_on = Some(handled_on),
        HotlineEvent::Replied { replied_on } => state.replied_on = Some(replied_on),
        HotlineEvent::FollowedUp {
            satisfaction,
            followed_up_on,
        } => {
            state.satisfaction = Some(satisfaction);
            state.followed_up_on = Some(followed_up_on);
        }
        HotlineEvent::Closed { closed_on } => state.closed_on = Some(closed_on),
        HotlineEvent::ReHandlingOrdered {
            reason: _,
            ordered_on,
        } => rehandling_ordered(state, ordered_on),
        HotlineEvent::Reminded { .. } => state.reminders += 1,
        HotlineEvent::DeadlineMoved { .. } => {}
        HotlineEvent::MergedInto { primary, merged_on } => {
            state.merged_into = Some(primary);
            state.merged_on = Some(merged_on);
        }
        HotlineEvent::DuplicateLinked {
            duplicate,
            linked_on: _,
        } => state.duplicates.push(duplicate),
        HotlineEvent::ReferredToApplication {
            application,
            referred_on: _,
        } => state.referred_application = Some(application),
    }
}

fn dispatched(
    state: &mut HotlineState,
    unit: AgencyId,
    time_limit_working_days: u32,
    dispatched_on: NaiveDate,
) {
    state.unit = Some(unit);
    state.dispatched_on = Some(dispatched_on);
    state.time_limit_working_days = Some(time_limit_working_days);
    state.dispatches += 1;
    state.first_dispatched_on = state.first_dispatched_on.or(Some(dispatched_on));
    state.signed_on = None;
}

fn returned(state: &mut HotlineState, unit: AgencyId, reason: String, returned_on: NaiveDate) {
    state.returns.push((unit, reason, returned_on));
    state.unit = None;
    state.time_limit_working_days = None;
    state.signed_on = None;
}

/// A new handling round by the same unit: handling, reply, follow-up and closing start over.
fn rehandling_ordered(state: &mut HotlineState, ordered_on: NaiveDate) {
    state.rehandling_ordered_on = Some(ordered_on);
    state.rehandlings += 1;
    state.rehandled_on.push(ordered_on);
    state.handled_on = None;
    state.replied_on = None;
    state.answered_at_once_on = None;
    state.satisfaction = None;
    state.followed_up_on = None;
    state.closed_on = None;
    state.extension_working_days = None;
}

/// A ticket event as the hotline's work order records it, e.g. "派单至 simao/roads，办理时限 2 个工作日".
/// Exhaustive on purpose: a new event cannot go undescribed.
/// Longer than 70 lines for the same reason: one short arm per event, the whole vocabulary in one place.
pub fn describe(event: &HotlineEvent) -> String {
    match event {
        HotlineEvent::Received {
            agency: _,
            line,
            category,
            received_on: _,
            summary,
            caller: _,
        } => format!("受理 {line} 热线工单（{}）：{summary}", category.label_zh()),
        HotlineEvent::AnsweredAtOnce {
            answered_on: _,
            answer,
        } => format!("直接答复：{answer}"),
        HotlineEvent::Dispatched {
            unit,
            time_limit_working_days,
            dispatched_on: _,
        } => format!("派单至 {unit}，办理时限 {time_limit_working_days} 个工作日"),
        HotlineEvent::Signed { unit, signed_on: _ } => format!("签收（{unit}）"),
        HotlineEvent::Returned {
            unit,
            reason,
            returned_on: _,
        } => format!("退单：{reason}（{unit}）"),
        HotlineEvent::ExtensionGranted {
            working_days,
            reason,
            granted_on: _,
        } => format!("延期 {working_days} 个工作日，理由：{reason}"),
        HotlineEvent::Handled {
            result,
            handled_on: _,
        } => format!("办理完毕：{result}"),
        HotlineEvent::Replied { replied_on: _ } => "答复来电人".to_owned(),
        HotlineEvent::FollowedUp {
            satisfaction,
            followed_up_on: _,
        } => format!("回访：{}", satisfaction.label_zh()),
        HotlineEvent::Closed { closed_on: _ } => "办结".to_owned(),
        HotlineEvent::ReHandlingOrdered {
            reason,
            ordered_on: _,
        } => format!("重新办理：{reason}"),
        HotlineEvent::Reminded {
            level,
            note,
            reminded_on: _,
        } => level.describe(note),
        HotlineEvent::DeadlineMoved { old, new, notice } => DeadlineMove {
            old: *old,
            new: *new,
            notice: notice.clone(),
        }
        .describe(),
        HotlineEvent::MergedInto {
            primary,
            merged_on: _,
        } => format!("并单：并入工单 {primary}"),
        HotlineEvent::DuplicateLinked {
            duplicate,
            linked_on: _,
        } => format!("并单：重复工单 {duplicate} 并入本工单"),
        HotlineEvent::ReferredToApplication {
            application,
            referred_on: _,
        } => match application {
            Some(application) => format!("引导来电人申请政府信息公开，申请 {application}"),
            None => "引导来电人申请政府信息公开".to_owned(),
        },
    }
}

/// What a caller can ask of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum HotlineCommand {
    Receive {
        case_id: CaseId,
        agency: AgencyId,
        line: String,
        category: HotlineCategory,
        received_on: NaiveDate,
        summary: String,
        caller: Option<Person>,
    },
    AnswerAtOnce {
        answered_on: NaiveDate,
        answer: String,
    },
    Dispatch {
        unit: AgencyId,
        time_limit_working_days: u32,
        dispatched_on: NaiveDate,
    },
    Sign {
        unit: AgencyId,
        signed_on: NaiveDate,
    },
    Return {
        unit: AgencyId,
        reason: String,
        returned_on: NaiveDate,
    },
    Extend {
        working_days: u32,
        reason: String,
        granted_on: NaiveDate,
    },
    Handle {
        result: String,
        handled_on: NaiveDate,
    },
    Reply {
        replied_on: NaiveDate,
    },
    FollowUp {
        satisfaction: Satisfaction,
        followed_up_on: NaiveDate,
    },
    Close {
        closed_on: NaiveDate,
    },
    ReHandle {
        reason: String,
        ordered_on: NaiveDate,
    },
    Remind {
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    },
    NoteDeadlineMoved {
        old: Option<NaiveDate>,
        new: Option<NaiveDate>,
        notice: String,
    },
    MergeInto {
        primary: CaseId,
        merged_on: NaiveDate,
    },
    LinkDuplicate {
        duplicate: CaseId,
        linked_on: NaiveDate,
    },
    ReferToApplication {
        application: Option<CaseId>,
        referred_on: NaiveDate,
    },
}

/// Decide what a command means for a ticket.
pub fn decide(
    state: &HotlineState,
    command: HotlineCommand,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, RuleViolation> {
    let today = local_date(now);
    let Some(ticket) = state.ticket.as_ref() else {
        return receive(command, now, today);
    };
    accepts_commands(state, &command)?;
    let ctx = Ctx {
        state,
        ticket,
        today,
    };
    let body = match command {
        HotlineCommand::Receive { .. } => check::fail(Rule::AlreadyExists, "case_id"),
        HotlineCommand::AnswerAtOnce {
            answered_on,
            answer,
        } => answer_at_once(&ctx, answered_on, answer),
        HotlineCommand::Dispatch {
            unit,
            time_limit_working_days,
            dispatched_on,
        } => dispatch(&ctx, unit, time_limit_working_days, dispatched_on),
        HotlineCommand::Sign { unit, signed_on } => sign(&ctx, unit, signed_on),
        HotlineCommand::Return {
            unit,
            reason,
            returned_on,
        } => return_ticket(&ctx, unit, reason, returned_on),
        HotlineCommand::Extend {
            working_days,
            reason,
            granted_on,
        } => extend(&ctx, working_days, reason, granted_on),
        HotlineCommand::Handle { result, handled_on } => handle(&ctx, result, handled_on),
        HotlineCommand::Reply { replied_on } => reply(&ctx, replied_on),
        HotlineCommand::FollowUp {
            satisfaction,
            followed_up_on,
        } => follow_up(&ctx, satisfaction, followed_up_on),
        HotlineCommand::Close { closed_on } => close(&ctx, closed_on),
        HotlineCommand::ReHandle { reason, ordered_on } => re_handle(&ctx, reason, ordered_on),
        HotlineCommand::Remind {
            level,
            note,
            reminded_on,
        } => remind(&ctx, level, note, reminded_on),
        HotlineCommand::NoteDeadlineMoved { old, new, notice } => {
            check::text(&notice, "notice")?;
            Ok(HotlineEvent::DeadlineMoved { old, new, notice })
        }
        HotlineCommand::MergeInto { primary, merged_on } => merge_into(&ctx, primary, merged_on),
        HotlineCommand::LinkDuplicate {
            duplicate,
            linked_on,
        } => link_duplicate(&ctx, duplicate, linked_on),
        HotlineCommand::ReferToApplication {
            application,
            referred_on,
        } => refer_to_application(&ctx, application, referred_on),
    }?;
    Ok(vec![Event::new(
        ticket.case_id,
        now,
        EventBody::Hotline(body),
    )])
}

/// A command on an existing ticket: the state it is decided against, and today.
struct Ctx<'a> {
    state: &'a HotlineState,
    ticket: &'a Ticket,
    today: NaiveDate,
}

impl Ctx<'_> {
    /// The earliest day for a date that only has to follow intake.
    fn received(&self) -> Option<(NaiveDate, &'static str)> {
        Some((self.ticket.received_on, "the ticket was received"))
    }
}

fn receive(
    command: HotlineCommand,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<Event>, RuleViolation> {
    let HotlineCommand::Receive {
        case_id,
        agency,
        line,
        category,
        received_on,
        summary,
        caller,
    } = command
    else {
        return check::fail(Rule::NotFound, "case_id");
    };
    check::text(&line, "line")?;
    check::text(&summary, "summary")?;
    check::date(received_on, today, None, "received_on")?;
    let body = HotlineEvent::Received {
        agency,
        line,
        category,
        received_on,
        summary,
        caller,
    };
    Ok(vec![Event::new(case_id, now, EventBody::Hotline(body))])
}

/// A merged ticket takes no command; a closed one only 回访 and 重办, which may reopen it.
fn accepts_commands(state: &HotlineState, command: &HotlineCommand) -> Result<(), RuleViolation> {
    if state.merged_into.is_some() {
        return check::fail(Rule::Merged, "case_id");
    }
    let reopening = matches!(
        command,
        HotlineCommand::ReHandle { .. } | HotlineCommand::FollowUp { .. }
    );
    if state.closed_on.is_some() && !reopening {
        return check::fail(Rule::Closed, "case_id");
    }
    Ok(())
}

fn answer_at_once(
    ctx: &Ctx,
    answered_on: NaiveDate,
    answer: String,
) -> Result<HotlineEvent, RuleViolation> {
    if ctx.state.dispatches > 0 || ctx.state.answered_on().is_some() {
        return check::fail(Rule::AlreadyHandledAtIntake, "answered_on");
    }
    check::text(&answer, "answer")?;
    check::date(answered_on, ctx.today, ctx.received(), "answered_on")?;
    Ok(HotlineEvent::AnsweredAtOnce {
        answered_on,
        answer,
    })
}

fn dispatch(
    ctx: &Ctx,
    unit: AgencyId,
    time_limit_working_days: u32,
    dispatched_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    let state = ctx.state;
    if state.answered_at_once_on.is_some() {
        return check::fail(Rule::AlreadyHandledAtIntake, "unit");
    }
    if state.unit.is_some() {
        return check::fail(Rule::AlreadyDispatched, "unit");
    }
    check::range(state.dispatches + 1, 1, MAX_DISPATCHES, "unit")?;
    check::range(
        time_limit_working_days,
        1,
        MAX_TIME_LIMIT_WORKING_DAYS,
        "time_limit_working_days",
    )?;
    check::date(dispatched_on, ctx.today, ctx.received(), "dispatched_on")?;
    Ok(HotlineEvent::Dispatched {
        unit,
        time_limit_working_days,
        dispatched_on,
    })
}

fn sign(ctx: &Ctx, unit: AgencyId, signed_on: NaiveDate) -> Result<HotlineEvent, RuleViolation> {
    let dispatched_on = holding_unit(ctx.state, &unit)?;
    if ctx.state.signed_on.is_some() {
        return check::fail(Rule::AlreadySigned, "unit");
    }
    check::date(
        signed_on,
        ctx.today,
        Some((dispatched_on, "the ticket was dispatched")),
        "signed_on",
    )?;
    Ok(HotlineEvent::Signed { unit, signed_on })
}

/// 退单 (`return` is a keyword).
fn return_ticket(
    ctx: &Ctx,
    unit: AgencyId,
    reason: String,
    returned_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    let dispatched_on = holding_unit(ctx.state, &unit)?;
    if ctx.state.handled_on.is_some() {
        return check::fail(Rule::AlreadyHandled, "unit");
    }
    check::text(&reason, "reason")?;
    check::date(
        returned_on,
        ctx.today,
        Some((dispatched_on, "the ticket was dispatched")),
        "returned_on",
    )?;
    Ok(HotlineEvent::Returned {
        unit,
        reason,
        returned_on,
    })
}

fn extend(
    ctx: &Ctx,
    working_days: u32,
    reason: String,
    granted_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    let signed_on = signed_not_handled(ctx.state, "granted_on")?;
    if ctx.state.extension_working_days.is_some() {
        return check::fail(Rule::AlreadyExtended, "working_days");
    }
    check::range(working_days, 1, MAX_EXTENSION_WORKING_DAYS, "working_days")?;
    check::text(&reason, "reason")?;
    check::date(
        granted_on,
        ctx.today,
        Some((signed_on, "the ticket was signed for")),
        "granted_on",
    )?;
    Ok(HotlineEvent::ExtensionGranted {
        working_days,
        reason,
        granted_on,
    })
}

fn handle(ctx: &Ctx, result: String, handled_on: NaiveDate) -> Result<HotlineEvent, RuleViolation> {
    let signed_on = signed_not_handled(ctx.state, "handled_on")?;
    check::text(&result, "result")?;
    let earliest = ctx
        .state
        .rehandling_ordered_on
        .map_or(signed_on, |on| on.max(signed_on));
    check::date(
        handled_on,
        ctx.today,
        Some((earliest, "handling began")),
        "handled_on",
    )?;
    Ok(HotlineEvent::Handled { result, handled_on })
}

fn reply(ctx: &Ctx, replied_on: NaiveDate) -> Result<HotlineEvent, RuleViolation> {
    let handled_on = ctx
        .state
        .handled_on
        .ok_or(RuleViolation::new(Rule::NotHandled, "replied_on"))?;
    if ctx.state.answered_on().is_some() {
        return check::fail(Rule::AlreadyReplied, "replied_on");
    }
    check::date(
        replied_on,
        ctx.today,
        Some((handled_on, "the ticket was handled")),
        "replied_on",
    )?;
    Ok(HotlineEvent::Replied { replied_on })
}

fn follow_up(
    ctx: &Ctx,
    satisfaction: Satisfaction,
    followed_up_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    since_answered(ctx, followed_up_on, "followed_up_on")?;
    Ok(HotlineEvent::FollowedUp {
        satisfaction,
        followed_up_on,
    })
}

fn close(ctx: &Ctx, closed_on: NaiveDate) -> Result<HotlineEvent, RuleViolation> {
    since_answered(ctx, closed_on, "closed_on")?;
    Ok(HotlineEvent::Closed { closed_on })
}

fn re_handle(
    ctx: &Ctx,
    reason: String,
    ordered_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    let state = ctx.state;
    if state.satisfaction != Some(Satisfaction::Unsatisfied) || state.unit.is_none() {
        return check::fail(Rule::ReHandlingNeedsUnsatisfied, "reason");
    }
    check::text(&reason, "reason")?;
    check::date(ordered_on, ctx.today, ctx.received(), "ordered_on")?;
    Ok(HotlineEvent::ReHandlingOrdered { reason, ordered_on })
}

fn remind(
    ctx: &Ctx,
    level: ReminderLevel,
    note: String,
    reminded_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    if ctx.state.unit.is_none() {
        return check::fail(Rule::NotDispatched, "reminded_on");
    }
    check::optional_text(&note, "note")?;
    check::date(reminded_on, ctx.today, ctx.received(), "reminded_on")?;
    Ok(HotlineEvent::Reminded {
        level,
        note,
        reminded_on,
    })
}

fn merge_into(
    ctx: &Ctx,
    primary: CaseId,
    merged_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    if primary == ctx.ticket.case_id {
        return check::fail(Rule::SelfLink, "primary_case_id");
    }
    check::date(merged_on, ctx.today, ctx.received(), "merged_on")?;
    Ok(HotlineEvent::MergedInto { primary, merged_on })
}

fn link_duplicate(
    ctx: &Ctx,
    duplicate: CaseId,
    linked_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    if duplicate == ctx.ticket.case_id {
        return check::fail(Rule::SelfLink, "duplicate");
    }
    check::date(linked_on, ctx.today, ctx.received(), "linked_on")?;
    Ok(HotlineEvent::DuplicateLinked {
        duplicate,
        linked_on,
    })
}

fn refer_to_application(
    ctx: &Ctx,
    application: Option<CaseId>,
    referred_on: NaiveDate,
) -> Result<HotlineEvent, RuleViolation> {
    if application == Some(ctx.ticket.case_id) {
        return check::fail(Rule::SelfLink, "application");
    }
    check::date(referred_on, ctx.today, ctx.received(), "referred_on")?;
    Ok(HotlineEvent::ReferredToApplication {
        application,
        referred_on,
    })
}

/// The day the ticket was signed for, when it is signed for and not yet handled (extension and handling
/// both need it).
fn signed_not_handled(
    state: &HotlineState,
    field: &'static str,
) -> Result<NaiveDate, RuleViolation> {
    let signed_on = state
        .signed_on
        .ok_or(RuleViolation::new(Rule::NotSigned, field))?;
    if state.handled_on.is_some() {
        return check::fail(Rule::AlreadyHandled, field);
    }
    Ok(signed_on)
}

/// `date` is not after today nor before the caller was answered (回访 and 办结 both need an answer).
fn since_answered(ctx: &Ctx, date: NaiveDate, field: &'static str) -> Result<(), RuleViolation> {
    let Some(answered_on) = ctx.state.answered_on() else {
        return check::fail(Rule::NotReplied, field);
    };
    check::date(
        date,
        ctx.today,
        Some((answered_on, "the caller was answered")),
        field,
    )
}

/// The dispatch date, when `unit` holds the ticket.
fn holding_unit(state: &HotlineState, unit: &AgencyId) -> Result<NaiveDate, RuleViolation> {
    match (&state.unit, state.dispatched_on) {
        (Some(holder), Some(on)) if holder == unit => Ok(on),
        (Some(_), _) => check::fail(Rule::WrongUnit, "unit"),
        _ => check::fail(Rule::NotDispatched, "unit"),
    }
}

/// The least demanding command of `act` this ticket admits (see `acts.rs`); `None` for an act on another
/// kind or before the ticket exists. Dates are today (every ticket rule bounds them from below only); the unit
/// is the one holding the ticket, the merge's primary any other case.
pub fn probe(state: &HotlineState, act: Act, today: NaiveDate) -> Option<HotlineCommand> {
    let ticket = state.ticket.as_ref()?;
    let unit = || state.unit.clone().unwrap_or_else(|| ticket.agency.clone());
    let text = || PROBE_TEXT.to_owned();
    Some(match act {
        Act::DispatchTicket => HotlineCommand::Dispatch {
            unit: unit(),
            time_limit_working_days: 1,
            dispatched_on: today,
        },
        Act::SignTicket => HotlineCommand::Sign {
            unit: unit(),
            signed_on: today,
        },
        Act::ReturnTicket => HotlineCommand::Return {
            unit: unit(),
            reason: text(),
            returned_on: today,
        },
        Act::ExtendTicket => HotlineCommand::Extend {
            working_days: 1,
            reason: text(),
            granted_on: today,
        },
        Act::HandleTicket => HotlineCommand::Handle {
            result: text(),
            handled_on: today,
        },
        Act::MergeTickets => HotlineCommand::MergeInto {
            primary: CaseId(uuid::Uuid::from_u128(ticket.case_id.0.as_u128() ^ 1)),
            merged_on: today,
        },
        Act::RecordFollowUp => HotlineCommand::FollowUp {
            satisfaction: Satisfaction::Satisfied,
            followed_up_on: today,
        },
        _ => return None,
    })
}
