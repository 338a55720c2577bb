//! 建议 / 提案: an NPC deputy's suggestion or a CPPCC member's proposal, assigned to units and answered.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::AgencyId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// 人大代表建议.
    NpcSuggestion,
    /// 政协提案.
    CppccProposal,
}

/// Events of a proposal stream. Type names are `Proposal` + variant, e.g. `ProposalAssigned`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalEvent {
    /// 交办 to a lead unit (主办) with co-handling units (协办).
    Assigned {
        agency: AgencyId,
        kind: ProposalKind,
        number: String,
        title: String,
        lead_unit: AgencyId,
        co_units: Vec<AgencyId>,
        assigned_on: NaiveDate,
    },
    /// The unit contacted the deputy or member.
    ProposerContacted { contacted_on: NaiveDate, note: String },
    /// A broad or difficult matter: reply period extended to six months, reasons given in advance.
    ExtendedToSixMonths { reason: String, extended_on: NaiveDate },
    /// The reply, with the locally configured result class (A/B/C/D, 甲/乙/丙, …).
    Replied { result_class: String, replied_on: NaiveDate },
    Published { published_on: NaiveDate },
}
