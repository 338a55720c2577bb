//! 行政复议 / 行政诉讼: a challenge to the handling of an application, with table 四 codes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::event::{Event, EventBody, ReplayError, admit};
use crate::ids::{AgencyId, CaseId, CaseKind};
use crate::rule::{Rule, RuleViolation, check};
use crate::summary::{CaseDetail, CaseState, CaseStatus};
use crate::time::local_date;

/// Which table 四 row a challenge counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeKind {
    /// 行政复议.
    Reconsideration,
    /// 行政诉讼, 未经复议直接起诉.
    LitigationDirect,
    /// 行政诉讼, 复议后起诉.
    LitigationAfterReconsideration,
}

impl ChallengeKind {
    pub const ALL: [ChallengeKind; 3] = [
        ChallengeKind::Reconsideration,
        ChallengeKind::LitigationDirect,
        ChallengeKind::LitigationAfterReconsideration,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            ChallengeKind::Reconsideration => "申请行政复议",
            ChallengeKind::LitigationDirect => "提起行政诉讼（未经复议直接起诉）",
            ChallengeKind::LitigationAfterReconsideration => "提起行政诉讼（复议后起诉）",
        }
    }

    /// The table 四 row cell code.
    pub fn cell_row(self) -> &'static str {
        match self {
            ChallengeKind::Reconsideration => "reconsideration",
            ChallengeKind::LitigationDirect => "litigation_direct",
            ChallengeKind::LitigationAfterReconsideration => "litigation_after_reconsideration",
        }
    }
}

/// How a challenge concluded. A challenge with no result yet is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeResult {
    /// 维持.
    Upheld,
    /// 纠正.
    Corrected,
    /// 其他结果.
    Other,
}

impl ChallengeResult {
    pub const ALL: [ChallengeResult; 3] = [
        ChallengeResult::Upheld,
        ChallengeResult::Corrected,
        ChallengeResult::Other,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            ChallengeResult::Upheld => "维持",
            ChallengeResult::Corrected => "纠正",
            ChallengeResult::Other => "其他结果",
        }
    }

    /// The table 四 column cell code.
    pub fn cell_column(self) -> &'static str {
        match self {
            ChallengeResult::Upheld => "upheld",
            ChallengeResult::Corrected => "corrected",
            ChallengeResult::Other => "other",
        }
    }
}

/// The table 四 column of a challenge's result so far: its result's column, or `"pending"` (尚未审结).
pub fn result_cell_column(result: Option<ChallengeResult>) -> &'static str {
    result.map_or("pending", ChallengeResult::cell_column)
}

/// Events of a challenge stream. Type names are `Challenge` + variant, e.g. `ChallengeFiled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChallengeEvent {
    /// Filed against the handling of `application`. Litigation after reconsideration names the
    /// reconsideration case it follows.
    Filed {
        agency: AgencyId,
        kind: ChallengeKind,
        application: CaseId,
        prior_reconsideration: Option<CaseId>,
        filed_on: NaiveDate,
    },
    Concluded {
        result: ChallengeResult,
        concluded_on: NaiveDate,
    },
}

/// Facts fixed at filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    pub case_id: CaseId,
    pub agency: AgencyId,
    pub kind: ChallengeKind,
    pub application: CaseId,
    pub prior_reconsideration: Option<CaseId>,
    pub filed_on: NaiveDate,
}

/// A challenge's state. `Default` is "not filed yet". Without a result it is pending (尚未审结).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeState {
    pub filing: Option<Filing>,
    pub result: Option<(ChallengeResult, NaiveDate)>,
    pub event_count: u64,
}

impl ChallengeState {
    /// The table 四 column this challenge counts in now.
    pub fn cell_column(&self) -> &'static str {
        result_cell_column(self.result.map(|(r, _)| r))
    }

    pub fn case_state(&self) -> Option<CaseState> {
        let f = self.filing.as_ref()?;
        let concluded_on = self.result.map(|(_, on)| on);
        Some(CaseState {
            case_id: f.case_id,
            kind: CaseKind::Challenge,
            agency: f.agency.clone(),
            received_on: f.filed_on,
            status: if concluded_on.is_some() {
                CaseStatus::Closed
            } else {
                CaseStatus::Open
            },
            stage: if concluded_on.is_some() {
                "concluded"
            } else {
                "pending"
            }
            .to_owned(),
            outcome: None,
            applicant_type: None,
            decided_on: concluded_on,
            closed_on: concluded_on,
            detail: CaseDetail::Challenge {
                kind: f.kind,
                application: f.application,
                result: self.result.map(|(r, _)| r),
            },
        })
    }
}

/// Fold one event into the state.
pub fn evolve(state: &mut ChallengeState, event: &Event) -> Result<(), ReplayError> {
    let creates = matches!(
        &event.body,
        EventBody::Challenge(ChallengeEvent::Filed { .. })
    );
    admit(
        CaseKind::Challenge,
        state.filing.as_ref().map(|f| f.case_id),
        event,
        creates,
    )?;
    let EventBody::Challenge(body) = &event.body else {
        unreachable!("admit verified the kind");
    };
    match body.clone() {
        ChallengeEvent::Filed {
            agency,
            kind,
            application,
            prior_reconsideration,
            filed_on,
        } => {
            state.filing = Some(Filing {
                case_id: event.case_id,
                agency,
                kind,
                application,
                prior_reconsideration,
                filed_on,
            });
        }
        ChallengeEvent::Concluded {
            result,
            concluded_on,
        } => {
            if state.filing.is_none() {
                return Err(ReplayError::NotCreated {
                    event_type: event.event_type(),
                });
            }
            state.result = Some((result, concluded_on));
        }
    }
    state.event_count += 1;
    Ok(())
}

/// A challenge's event as the disclosure office records it, e.g. "申请行政复议，针对申请 …".
/// Exhaustive on purpose: a new event cannot go undescribed.
pub fn describe(event: &ChallengeEvent) -> String {
    match event {
        ChallengeEvent::Filed {
            agency: _,
            kind,
            application,
            prior_reconsideration,
            filed_on: _,
        } => {
            let mut text = format!("{}，针对申请 {application} 的处理", kind.label_zh());
            if let Some(prior) = prior_reconsideration {
                text.push_str(&format!("，此前行政复议 {prior}"));
            }
            text
        }
        ChallengeEvent::Concluded {
            result,
            concluded_on: _,
        } => format!("审结，结果：{}", result.label_zh()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum ChallengeCommand {
    File {
        case_id: CaseId,
        agency: AgencyId,
        kind: ChallengeKind,
        application: CaseId,
        prior_reconsideration: Option<CaseId>,
        filed_on: NaiveDate,
    },
    Conclude {
        result: ChallengeResult,
        concluded_on: NaiveDate,
    },
}

/// Decide what a command means for a challenge.
pub fn decide(
    state: &ChallengeState,
    command: ChallengeCommand,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, RuleViolation> {
    let today = local_date(now);
    match (state.filing.as_ref(), command) {
        (
            None,
            ChallengeCommand::File {
                case_id,
                agency,
                kind,
                application,
                prior_reconsideration,
                filed_on,
            },
        ) => {
            if application == case_id || prior_reconsideration == Some(case_id) {
                return check::fail(Rule::SelfLink, "application_case_id");
            }
            let after = kind == ChallengeKind::LitigationAfterReconsideration;
            if after != prior_reconsideration.is_some() {
                return check::fail(
                    Rule::PriorReconsiderationMismatch,
                    "prior_reconsideration_case_id",
                );
            }
            check::date(filed_on, today, None, "filed_on")?;
            let body = ChallengeEvent::Filed {
                agency,
                kind,
                application,
                prior_reconsideration,
                filed_on,
            };
            Ok(vec![Event::new(case_id, now, EventBody::Challenge(body))])
        }
        (None, ChallengeCommand::Conclude { .. }) => check::fail(Rule::NotFound, "case_id"),
        (Some(_), ChallengeCommand::File { .. }) => check::fail(Rule::AlreadyExists, "case_id"),
        (
            Some(filing),
            ChallengeCommand::Conclude {
                result,
                concluded_on,
            },
        ) => {
            if state.result.is_some() {
                return check::fail(Rule::AlreadyConcluded, "result");
            }
            check::date(
                concluded_on,
                today,
                Some((filing.filed_on, "the challenge was filed")),
                "concluded_on",
            )?;
            let body = ChallengeEvent::Concluded {
                result,
                concluded_on,
            };
            Ok(vec![Event::new(
                filing.case_id,
                now,
                EventBody::Challenge(body),
            )])
        }
    }
}
