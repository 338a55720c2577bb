//! 热线工单: a hotline ticket from 12345 or a line merged into it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, CaseId};

/// The kind of request a caller made; each has its own time limit (configuration, see deadline.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HotlineCategory {
    /// 咨询.
    Consultation,
    /// 求助.
    Help,
    /// 投诉.
    Complaint,
    /// 举报.
    Report,
    /// 建议.
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

/// 回访 satisfaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 满意.
    Satisfied,
    /// 基本满意.
    BasicallySatisfied,
    /// 不满意.
    Unsatisfied,
}

/// 催办 (a reminder) or 督办 (supervision, a stronger escalation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderLevel {
    Urge,
    Supervise,
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
    },
    /// Answered during the call; no dispatch needed.
    AnsweredAtOnce { answered_on: NaiveDate, answer: String },
    /// 派单 to a handling unit with a time limit in working days.
    Dispatched { unit: AgencyId, time_limit_working_days: u32, dispatched_on: NaiveDate },
    /// 签收 by the unit.
    Signed { unit: AgencyId, signed_on: NaiveDate },
    /// 退单 by the unit, with reasons; the ticket waits for re-dispatch.
    Returned { unit: AgencyId, reason: String, returned_on: NaiveDate },
    /// Extension granted on the unit's request.
    ExtensionGranted { working_days: u32, reason: String, granted_on: NaiveDate },
    /// 办理 done by the unit.
    Handled { result: String, handled_on: NaiveDate },
    /// 回复 to the caller.
    Replied { replied_on: NaiveDate },
    /// 回访 with the caller's satisfaction.
    FollowedUp { satisfaction: Satisfaction, followed_up_on: NaiveDate },
    /// 办结.
    Closed { closed_on: NaiveDate },
    /// 重办: handling starts again (after an unsatisfied follow-up).
    ReHandlingOrdered { reason: String, ordered_on: NaiveDate },
    /// 催办 / 督办.
    Reminded { level: ReminderLevel, note: String, reminded_on: NaiveDate },
    /// 并单, on the duplicate: merged into `primary`; the duplicate's history stays, it is counted once.
    MergedInto { primary: CaseId, merged_on: NaiveDate },
    /// 并单, on the primary: `duplicate` was merged into this ticket.
    DuplicateLinked { duplicate: CaseId, linked_on: NaiveDate },
    /// The caller asked for government information and was told to apply; the application, if any, is linked.
    ReferredToApplication { application: Option<CaseId>, referred_on: NaiveDate },
}
