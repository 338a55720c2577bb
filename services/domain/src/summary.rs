//! [`CaseState`]: the kind-independent summary of a case that other crates (projector, queues, reports)
//! read without knowing each kind's lifecycle.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::challenge::{ChallengeKind, ChallengeResult};
use crate::hotline::{HotlineCategory, Satisfaction};
use crate::ids::{AgencyId, CaseId, CaseKind};
use crate::outcome::{ApplicantType, Outcome};
use crate::proposal::ProposalKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

/// A summary of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub case_id: CaseId,
    pub kind: CaseKind,
    pub agency: AgencyId,
    /// The day the case began: an application's Art. 31 receipt date (or hand-in day while unconfirmed),
    /// a ticket's receipt, a proposal's assignment, a challenge's filing, a record's date.
    pub received_on: NaiveDate,
    pub status: CaseStatus,
    /// The current stage, snake_case, e.g. `"under_review"`, `"dispatched"`, `"closed"`.
    pub stage: String,
    /// Applications: the outcome once handling ended (decision or abandonment).
    pub outcome: Option<Outcome>,
    pub applicant_type: Option<ApplicantType>,
    /// The day handling ended: an application's decision or abandonment (the year table 三 counts it in),
    /// a ticket's handling, a proposal's reply, a challenge's conclusion.
    pub decided_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub detail: CaseDetail,
}

/// What is specific to the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "case_kind")]
pub enum CaseDetail {
    Application {
        channel: crate::application::Channel,
        extended: bool,
        referred_from: Option<CaseId>,
    },
    Hotline {
        line: String,
        category: HotlineCategory,
        unit: Option<AgencyId>,
        satisfaction: Option<Satisfaction>,
        /// Set on a duplicate merged into another ticket: it is not counted again.
        merged_into: Option<CaseId>,
        reminders: u32,
    },
    Proposal {
        kind: ProposalKind,
        lead_unit: AgencyId,
        result_class: Option<String>,
        published: bool,
    },
    Challenge {
        kind: ChallengeKind,
        application: CaseId,
        result: Option<ChallengeResult>,
    },
    Record,
}

impl CaseState {
    /// Who handles the case now when that is not its agency: a ticket's dispatched unit, a proposal's lead
    /// unit. The queues list the case under it, and that unit sees the case as its agency's staff do.
    pub fn handling_unit(&self) -> Option<&AgencyId> {
        match &self.detail {
            CaseDetail::Hotline { unit, .. } => unit.as_ref(),
            CaseDetail::Proposal { lead_unit, .. } => Some(lead_unit),
            CaseDetail::Application { .. } | CaseDetail::Challenge { .. } | CaseDetail::Record => {
                None
            }
        }
    }
}
