//! Non-case records the annual report counts: proactive disclosures, rules and normative documents,
//! licensing / penalty / compulsion decisions, fees collected, and other counted activity.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::fees::Fen;
use crate::ids::AgencyId;

/// A channel of proactive disclosure; an item on several channels counts once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureChannel {
    /// 政府网站.
    Website,
    /// 政府公报.
    Gazette,
    /// 政务微博.
    Weibo,
    /// 政务微信.
    Wechat,
    /// 其他方式.
    Other,
}

/// 规章 or 行政规范性文件 (table 二 rows `rules`, `normative_documents`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Rule,
    NormativeDocument,
}

impl DocumentKind {
    /// The table 二 row cell code.
    pub fn cell_row(self) -> &'static str {
        match self {
            DocumentKind::Rule => "rules",
            DocumentKind::NormativeDocument => "normative_documents",
        }
    }
}

/// Things the report counts by number. The first three are table 二 rows (column `decisions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountedMeasure {
    /// 行政许可 decisions.
    LicensingDecisions,
    /// 行政处罚 decisions.
    PenaltyDecisions,
    /// 行政强制 decisions.
    CompulsionDecisions,
    /// 信访 handled.
    PetitionsHandled,
    /// 培训班.
    TrainingSessions,
    /// 接受培训人员 (人次).
    TrainingParticipants,
    /// 回应公众关注热点或重大舆情.
    PublicConcernResponses,
    /// 政策解读稿件.
    PolicyInterpretations,
    /// 新闻发布会.
    PressConferences,
}

impl CountedMeasure {
    /// The table 二 row cell code for the three decision counts; `None` for measures outside table 二.
    pub fn proactive_cell_row(self) -> Option<&'static str> {
        match self {
            CountedMeasure::LicensingDecisions => Some("licensing"),
            CountedMeasure::PenaltyDecisions => Some("penalty"),
            CountedMeasure::CompulsionDecisions => Some("compulsion"),
            _ => None,
        }
    }
}

/// Events of a record stream. Type names are `Record` + variant, e.g. `RecordDisclosurePublished`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordEvent {
    /// One item proactively disclosed, on one or more channels (counts once).
    DisclosurePublished {
        agency: AgencyId,
        title: String,
        channels: BTreeSet<DisclosureChannel>,
        published_on: NaiveDate,
    },
    /// A rule or normative document issued; the stream is that document, so a repeal follows in it.
    DocumentIssued { agency: AgencyId, kind: DocumentKind, title: String, issued_on: NaiveDate },
    DocumentRepealed { repealed_on: NaiveDate },
    /// A count of decisions or activities over a period ending on `period_end`.
    Counted { agency: AgencyId, measure: CountedMeasure, count: u64, period_end: NaiveDate },
    /// 行政事业性收费 collected (table 二 row `fees`).
    FeesCollected { agency: AgencyId, amount: Fen, collected_on: NaiveDate },
}
