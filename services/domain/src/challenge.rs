//! 行政复议 / 行政诉讼: a challenge to the handling of an application, with table 四 codes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, CaseId};

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
    pub const ALL: [ChallengeResult; 3] = [ChallengeResult::Upheld, ChallengeResult::Corrected, ChallengeResult::Other];

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
    Concluded { result: ChallengeResult, concluded_on: NaiveDate },
}
