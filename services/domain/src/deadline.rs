//! Statutory deadlines as pure functions of a case's state (a fold of its events), the calendar and the
//! clock settings. Every deadline explains itself as a list of steps.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Months, NaiveDate};

use crate::application::ApplicationState;
use crate::calendar::{Calendar, CalendarError};
use crate::hotline::{HotlineCategory, HotlineState};
use crate::ids::CaseId;
use crate::lifecycle::Case;
use crate::proposal::ProposalState;

/// Art. 33: reply within 20 working days of receipt.
pub const REPLY_WORKING_DAYS: u32 = 20;
/// Arts. 32, 34: a consulted party answers within 15 working days; after that the pause ends.
pub const CONSULTATION_WORKING_DAYS: u32 = 15;
/// Suggestions and proposals: reply within 3 months of assignment, 6 when extended.
pub const PROPOSAL_REPLY_MONTHS: u32 = 3;
pub const PROPOSAL_EXTENDED_REPLY_MONTHS: u32 = 6;
/// The most limit rules a hotline configuration may hold.
pub const MAX_HOTLINE_LIMIT_RULES: usize = 1_000;

/// Settings of the application clock that the law leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplicationClockSettings {
    /// Whether the reply clock stops while a fee notice is unpaid (unconfirmed nationally). Off by default:
    /// the clock keeps running, which never gives a later deadline than the law might.
    pub fee_notice_stops_clock: bool,
}

/// One hotline time limit: from `effective_from`, tickets of `category` get `working_days`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct HotlineLimitRule {
    pub effective_from: NaiveDate,
    pub category: HotlineCategory,
    pub working_days: u32,
}

/// Hotline time limits per category, effective-dated (set locally by the hotline authority).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotlineLimits {
    rules: Vec<HotlineLimitRule>,
}

impl HotlineLimits {
    pub fn new(rules: Vec<HotlineLimitRule>) -> Result<HotlineLimits, DeadlineError> {
        if rules.len() > MAX_HOTLINE_LIMIT_RULES {
            return Err(DeadlineError::TooManyLimitRules(rules.len()));
        }
        Ok(HotlineLimits { rules })
    }

    /// Limits from the operator's JSON file: `{"limits": [{"effective_from": "2025-01-01", "category":
    /// "complaint", "working_days": 10}, …]}` (categories by their snake_case names: consultation, help,
    /// complaint, report, suggestion). Every category must have a limit from the earliest rule on, so no ticket
    /// is left without one.
    pub fn from_json(text: &str) -> Result<HotlineLimits, DeadlineError> {
        #[derive(serde::Deserialize)]
        struct File {
            limits: Vec<HotlineLimitRule>,
        }
        let file: File =
            serde_json::from_str(text).map_err(|e| DeadlineError::BadLimits(e.to_string()))?;
        let limits = HotlineLimits::new(file.limits)?;
        let earliest = limits.rules.iter().map(|r| r.effective_from).min();
        for category in HotlineCategory::ALL {
            if earliest.is_none_or(|from| limits.limit_for(category, from).is_none()) {
                let reason = format!("no limit for {category:?} from the earliest rule's date on");
                return Err(DeadlineError::BadLimits(reason));
            }
        }
        Ok(limits)
    }

    /// The limit in force for `category` on `date`: the rule with the latest `effective_from <= date`.
    pub fn limit_for(&self, category: HotlineCategory, date: NaiveDate) -> Option<u32> {
        self.rules
            .iter()
            .filter(|r| r.category == category && r.effective_from <= date)
            .max_by_key(|r| r.effective_from)
            .map(|r| r.working_days)
    }
}

impl Default for HotlineLimits {
    /// The published local examples (clocks.md): consultation and help 3 working days; complaints,
    /// reports and suggestions 13.
    fn default() -> Self {
        let since = NaiveDate::MIN;
        let rule = |category, working_days| HotlineLimitRule {
            effective_from: since,
            category,
            working_days,
        };
        HotlineLimits {
            rules: vec![
                rule(HotlineCategory::Consultation, 3),
                rule(HotlineCategory::Help, 3),
                rule(HotlineCategory::Complaint, 13),
                rule(HotlineCategory::Report, 13),
                rule(HotlineCategory::Suggestion, 13),
            ],
        }
    }
}

/// Everything besides the calendar that deadlines depend on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClockRules {
    pub application: ApplicationClockSettings,
    pub hotline: HotlineLimits,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("the case does not exist")]
    NoCase,
    #[error("no hotline time limit is configured for {category:?} on {date}")]
    NoHotlineLimit {
        category: HotlineCategory,
        date: NaiveDate,
    },
    #[error("{0} hotline limit rules exceed the limit {MAX_HOTLINE_LIMIT_RULES}")]
    TooManyLimitRules(usize),
    #[error("date arithmetic overflowed")]
    DateOverflow,
    #[error("hotline limits: {0}")]
    BadLimits(String),
}

/// One step of a deadline's computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineStep {
    pub date: NaiveDate,
    /// The rule applied, e.g. "条例第三十三条".
    pub rule: &'static str,
    pub detail: String,
    /// Working days this step adds to the period (0 for steps that only fix a date).
    pub working_days: u32,
}

/// A computed deadline and how it was computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub due: NaiveDate,
    /// The calendar version it was computed under ("" for calendar-month deadlines).
    pub calendar_version: String,
    /// Years whose holiday arrangement is not yet published that the count ran through: the due date is then
    /// an estimate from the statutory days off (calendar.rs), and may move when the State Council publishes.
    pub provisional_years: Vec<i32>,
    pub steps: Vec<DeadlineStep>,
}

impl Deadline {
    /// A deadline counted in working days from `start` to `due` under `calendar`.
    fn counted(
        calendar: &Calendar,
        start: NaiveDate,
        due: NaiveDate,
        steps: Vec<DeadlineStep>,
    ) -> Deadline {
        Deadline {
            due,
            calendar_version: calendar.version().to_owned(),
            provisional_years: calendar.provisional_years_in(start, due),
            steps,
        }
    }

    pub fn is_provisional(&self) -> bool {
        !self.provisional_years.is_empty()
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "期限 {}（日历版本 {}）", self.due, self.calendar_version)?;
        if self.is_provisional() {
            writeln!(
                f,
                "  暂定：{:?} 年放假安排尚未公布，按《全国年节及纪念日放假办法》推算，公布后可能变动",
                self.provisional_years
            )?;
        }
        for step in &self.steps {
            writeln!(
                f,
                "  {} 〔{}〕{}（+{} 个工作日）",
                step.date, step.rule, step.detail, step.working_days
            )?;
        }
        Ok(())
    }
}

/// Why a clock that ran is stopped; it runs again when the awaited step comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// Art. 31: receipt not yet confirmed, so the period has not begun.
    AwaitingReceiptConfirmation,
    /// Art. 30: waiting for the applicant's 补正; the period restarts when it arrives.
    AwaitingSupplement,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::AwaitingReceiptConfirmation => "待确认收到申请（条例第三十一条）",
            StopReason::AwaitingSupplement => "待申请人补正（条例第三十条）",
        })
    }
}

/// Why no clock runs at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleReason {
    /// Nothing is awaited any more: decided, abandoned, replied, handled, merged or closed.
    HandlingEnded,
    /// The kind has no statutory period at this agency (challenges, records).
    NoStatutoryClock,
}

impl fmt::Display for IdleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdleReason::HandlingEnded => "办理已结束",
            IdleReason::NoStatutoryClock => "无法定办理时限",
        })
    }
}

/// The state of a case's clock: the one answer to "is this case's clock running, and why (not)?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clock {
    Running(Deadline),
    Stopped {
        reason: StopReason,
        since: NaiveDate,
    },
    Idle(IdleReason),
}

impl Clock {
    pub fn deadline(&self) -> Option<&Deadline> {
        match self {
            Clock::Running(deadline) => Some(deadline),
            Clock::Stopped { .. } | Clock::Idle(_) => None,
        }
    }

    /// "running", "stopped" or "idle": the public name of the clock's state.
    pub fn code(&self) -> &'static str {
        match self {
            Clock::Running(_) => "running",
            Clock::Stopped { .. } => "stopped",
            Clock::Idle(_) => "idle",
        }
    }
}

impl fmt::Display for Clock {
    /// The deadline with its steps, or why no deadline runs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clock::Running(deadline) => deadline.fmt(f),
            Clock::Stopped { reason, since } => write!(f, "{reason}，自 {since} 起计时中止"),
            Clock::Idle(reason) => reason.fmt(f),
        }
    }
}

/// What deadlines are computed with: the working-day calendar in force and the clock settings.
#[derive(Debug, Clone)]
pub struct Clocks {
    pub calendar: Calendar,
    pub rules: ClockRules,
}

impl Clocks {
    /// The calendar with the default clock rules (published hotline limits, national application settings).
    pub fn new(calendar: Calendar) -> Clocks {
        Clocks {
            calendar,
            rules: ClockRules::default(),
        }
    }
}

/// The reply deadline of an application (Arts. 30–34), whatever its outcome: the clock's formula. Whether
/// the reply is still pending is `Lifecycle::clock`'s question.
pub fn application_clock(
    state: &ApplicationState,
    calendar: &Calendar,
    settings: ApplicationClockSettings,
) -> Result<Clock, DeadlineError> {
    let receipt = state.receipt.as_ref().ok_or(DeadlineError::NoCase)?;
    let Some(received_on) = receipt.received_on else {
        let since = receipt.handed_in_on;
        return Ok(Clock::Stopped {
            reason: StopReason::AwaitingReceiptConfirmation,
            since,
        });
    };
    let mut steps = vec![DeadlineStep {
        date: received_on,
        rule: "条例第三十一条",
        detail: format!(
            "{}收到申请（提交日 {}）",
            receipt.channel.label_zh(),
            receipt.handed_in_on
        ),
        working_days: 0,
    }];
    let start = match period_start(state, received_on, &mut steps) {
        Ok(start) => start,
        Err(stopped) => return Ok(stopped),
    };
    steps.push(DeadlineStep {
        date: start,
        rule: "条例第三十三条",
        detail: format!("自收到申请之日起 {REPLY_WORKING_DAYS} 个工作日内答复"),
        working_days: REPLY_WORKING_DAYS,
    });
    let mut period = REPLY_WORKING_DAYS;
    if let Some(extension) = &state.extension {
        period += extension.working_days;
        steps.push(DeadlineStep {
            date: extension.approved_on,
            rule: "条例第三十三条",
            detail: "经批准延长答复期限".to_owned(),
            working_days: extension.working_days,
        });
    }
    let pauses = pauses(state, calendar, settings)?;
    let mut paused = BTreeSet::new();
    for pause in &pauses {
        paused.extend(calendar.working_days_in(pause.from.max(start), pause.to)?);
    }
    let due = calendar.nth_working_day_after(start, period, |d| paused.contains(&d))?;
    explain_pauses(pauses, start, due, calendar, &mut steps)?;
    steps.push(DeadlineStep {
        date: due,
        rule: "条例第三十三条",
        detail: "答复期限届满".to_owned(),
        working_days: 0,
    });
    Ok(Clock::Running(Deadline::counted(
        calendar, start, due, steps,
    )))
}

/// The day the reply period runs from: receipt, or the supplemented application's arrival after a 补正
/// (Art. 30); while the 补正 is outstanding the clock is stopped, returned as the error.
fn period_start(
    state: &ApplicationState,
    received_on: NaiveDate,
    steps: &mut Vec<DeadlineStep>,
) -> Result<NaiveDate, Clock> {
    let Some(supplement) = &state.supplement else {
        return Ok(received_on);
    };
    let Some(on) = supplement.received_on else {
        return Err(Clock::Stopped {
            reason: StopReason::AwaitingSupplement,
            since: supplement.requested_on,
        });
    };
    steps.push(DeadlineStep {
        date: on,
        rule: "条例第三十条",
        detail: format!(
            "{} 要求补正；答复期限自收到补正后的申请之日起重新计算",
            supplement.requested_on
        ),
        working_days: 0,
    });
    Ok(on)
}

/// A window `(from, to]` whose working days do not count toward the reply period.
struct Pause {
    from: NaiveDate,
    to: NaiveDate,
    rule: &'static str,
    detail: String,
}

/// Consultations (Arts. 32, 34: at most 15 working days each) and, as a setting, an unpaid fee notice.
fn pauses(
    state: &ApplicationState,
    calendar: &Calendar,
    settings: ApplicationClockSettings,
) -> Result<Vec<Pause>, DeadlineError> {
    let mut pauses = Vec::new();
    for (party, window) in &state.consultations {
        let cap = calendar.add_working_days(window.started_on, CONSULTATION_WORKING_DAYS)?;
        let end = window.answered_on.map_or(cap, |answered| answered.min(cap));
        let how = if window.answered_on.is_some_and(|a| a <= cap) {
            "已答复"
        } else {
            "15 个工作日内未答复"
        };
        pauses.push(Pause {
            from: window.started_on,
            to: end,
            rule: "条例第三十二条、第三十四条",
            detail: format!("征求 {party} 意见（{how}），所需时间不计算在期限内"),
        });
    }
    if settings.fee_notice_stops_clock
        && let Some(notice) = &state.fee_notice
    {
        let end = notice
            .paid_on
            .map_or(notice.pay_by, |paid| paid.min(notice.pay_by));
        pauses.push(Pause {
            from: notice.issued_on,
            to: end,
            rule: "条例第四十二条（本地设置）",
            detail: "收费通知待缴费期间不计算在期限内".to_owned(),
        });
    }
    Ok(pauses)
}

/// One step per pause, with the working days it kept out of the period between `start` and `due`.
fn explain_pauses(
    pauses: Vec<Pause>,
    start: NaiveDate,
    due: NaiveDate,
    calendar: &Calendar,
    steps: &mut Vec<DeadlineStep>,
) -> Result<(), DeadlineError> {
    let mut counted = BTreeSet::new();
    for pause in pauses {
        let days: Vec<_> = calendar.working_days_in(pause.from.max(start), pause.to.min(due))?;
        // A day inside two overlapping pauses is explained once, by the first.
        let new = days.into_iter().filter(|d| counted.insert(*d)).count();
        let working_days = u32::try_from(new).map_err(|_| DeadlineError::DateOverflow)?;
        steps.push(DeadlineStep {
            date: pause.from,
            rule: pause.rule,
            detail: format!("{}，至 {}", pause.detail, pause.to),
            working_days,
        });
    }
    Ok(())
}

/// The clock of a hotline ticket: running until it is handled (or answered during the call, merged into
/// another ticket, or closed), to the deadline of [`hotline_deadline`].
pub fn hotline_clock(
    state: &HotlineState,
    calendar: &Calendar,
    limits: &HotlineLimits,
) -> Result<Clock, DeadlineError> {
    state.ticket.as_ref().ok_or(DeadlineError::NoCase)?;
    let ended = state.handled_on.is_some()
        || state.answered_at_once_on.is_some()
        || state.merged_into.is_some()
        || state.closed_on.is_some();
    if ended {
        return Ok(Clock::Idle(IdleReason::HandlingEnded));
    }
    hotline_deadline(state, calendar, limits).map(Clock::Running)
}

/// The handling deadline of a hotline ticket. Dispatched: the time limit set at dispatch, from the dispatch.
/// Not (or no longer) dispatched: its category's limit in force on the day of receipt, from receipt. An order
/// to re-handle restarts the period; an extension adds to it.
pub fn hotline_deadline(
    state: &HotlineState,
    calendar: &Calendar,
    limits: &HotlineLimits,
) -> Result<Deadline, DeadlineError> {
    let ticket = state.ticket.as_ref().ok_or(DeadlineError::NoCase)?;
    let (mut steps, limit, mut start) = match (state.time_limit_working_days, state.dispatched_on) {
        (Some(limit), Some(dispatched_on)) => {
            let unit = state.unit.as_ref().map_or("", |unit| unit.as_str());
            let step = DeadlineStep {
                date: dispatched_on,
                rule: "派单时限",
                detail: format!("派单至 {unit}，办理时限 {limit} 个工作日"),
                working_days: limit,
            };
            (vec![step], limit, dispatched_on)
        }
        _ => {
            let limit = limits
                .limit_for(ticket.category, ticket.received_on)
                .ok_or(DeadlineError::NoHotlineLimit {
                    category: ticket.category,
                    date: ticket.received_on,
                })?;
            let step = DeadlineStep {
                date: ticket.received_on,
                rule: "热线办理时限",
                detail: format!(
                    "{} 热线{}工单：{limit} 个工作日",
                    ticket.line,
                    ticket.category.label_zh()
                ),
                working_days: limit,
            };
            (vec![step], limit, ticket.received_on)
        }
    };
    if let Some(on) = state.rehandling_ordered_on {
        steps.push(DeadlineStep {
            date: on,
            rule: "重办",
            detail: "重办，办理时限重新计算".to_owned(),
            working_days: 0,
        });
        start = on;
    }
    let extension = state.extension_working_days.unwrap_or(0);
    if extension > 0 {
        steps.push(DeadlineStep {
            date: start,
            rule: "热线延期",
            detail: "经批准延期".to_owned(),
            working_days: extension,
        });
    }
    let due = calendar.add_working_days(start, limit + extension)?;
    steps.push(DeadlineStep {
        date: due,
        rule: "热线办理时限",
        detail: "办理期限届满".to_owned(),
        working_days: 0,
    });
    Ok(Deadline::counted(calendar, start, due, steps))
}

/// The clock of a suggestion or proposal: running until the reply, to [`proposal_deadline`].
pub fn proposal_clock(state: &ProposalState) -> Result<Clock, DeadlineError> {
    state.assignment.as_ref().ok_or(DeadlineError::NoCase)?;
    if state.reply.is_some() || state.published_on.is_some() {
        return Ok(Clock::Idle(IdleReason::HandlingEnded));
    }
    proposal_deadline(state).map(Clock::Running)
}

/// The reply deadline of a suggestion or proposal: 3 calendar months from assignment, 6 when extended.
pub fn proposal_deadline(state: &ProposalState) -> Result<Deadline, DeadlineError> {
    let assigned_on = state.assigned_on().ok_or(DeadlineError::NoCase)?;
    let months = if state.extended_on.is_some() {
        PROPOSAL_EXTENDED_REPLY_MONTHS
    } else {
        PROPOSAL_REPLY_MONTHS
    };
    let due = assigned_on
        .checked_add_months(Months::new(months))
        .ok_or(DeadlineError::DateOverflow)?;
    let mut steps = vec![DeadlineStep {
        date: assigned_on,
        rule: "代表法第五十一条及本地规定",
        detail: format!("自交办之日起 {PROPOSAL_REPLY_MONTHS} 个月内答复"),
        working_days: 0,
    }];
    if let Some(on) = state.extended_on {
        steps.push(DeadlineStep {
            date: on,
            rule: "代表法第五十一条及本地规定",
            detail: format!("涉及面广、办理难度大，延长至 {PROPOSAL_EXTENDED_REPLY_MONTHS} 个月"),
            working_days: 0,
        });
    }
    steps.push(DeadlineStep {
        date: due,
        rule: "代表法第五十一条及本地规定",
        detail: "答复期限届满".to_owned(),
        working_days: 0,
    });
    Ok(Deadline {
        due,
        calendar_version: String::new(),
        // Calendar months: no holiday arrangement is involved.
        provisional_years: Vec::new(),
        steps,
    })
}

/// Working days from `today` to `deadline`: positive while time is left (the deadline day counts), 0 on
/// the deadline, negative when overdue (working days since).
pub fn working_days_left(
    deadline: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<i64, CalendarError> {
    let count = |from, to| {
        calendar
            .working_days_in(from, to)
            .map(|days| i64::try_from(days.len()).unwrap_or(i64::MAX))
    };
    if deadline >= today {
        count(today, deadline)
    } else {
        count(deadline, today).map(|n| -n)
    }
}

/// An open deadline that differs between two calendar versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedDeadline {
    pub case_id: CaseId,
    pub old: Deadline,
    pub new: Deadline,
}

/// The open cases whose deadline moves when the calendar of `old` is replaced by that of `new`. Cases whose
/// clock does not run under both are skipped: a closed or decided case's deadline is history.
pub fn moved_deadlines(
    cases: &[Case],
    old: &Clocks,
    new: &Clocks,
) -> Result<Vec<MovedDeadline>, DeadlineError> {
    let mut moved = Vec::new();
    for case in cases {
        let Some(summary) = case.summary() else {
            continue;
        };
        let (Some(old_deadline), Some(new_deadline)) =
            (case.pending_deadline(old)?, case.pending_deadline(new)?)
        else {
            continue;
        };
        if old_deadline.due != new_deadline.due {
            moved.push(MovedDeadline {
                case_id: summary.case_id,
                old: old_deadline,
                new: new_deadline,
            });
        }
    }
    Ok(moved)
}
