//! Everything the projector can fail with; each variant names what the caller can act on. The gRPC status for
//! each is chosen in one place, `grpc::status_from_error`.

use casetrack_domain::{CaseId, DecodeError, ReplayError};
use casetrack_eventlog::LogError;
use casetrack_reporting::ReportingError;

#[derive(Debug, thiserror::Error)]
pub enum ProjectorError {
    #[error("projection store: {0}")]
    Store(#[from] rocksdb::Error),

    #[error("event log: {0}")]
    Log(#[from] LogError),

    #[error("event at position {position}: {source}")]
    Decode { position: u64, source: DecodeError },

    #[error("case {case_id}: the log holds a stream the domain cannot fold: {source}")]
    Replay {
        case_id: CaseId,
        source: ReplayError,
    },

    #[error("report: {0}")]
    Reporting(#[from] ReportingError),

    #[error("read model value under key {key:?} is corrupt: {reason}")]
    Corrupt { key: String, reason: String },

    #[error("calendar: a loaded holiday arrangement cannot be applied: {source}")]
    Calendar {
        source: casetrack_domain::CalendarError,
    },

    #[error(
        "events to fold start at log position {got}, but the projector is at {expected}: a gap"
    )]
    Gap { expected: u64, got: u64 },

    #[error("fold task failed: {0}")]
    FoldTask(String),

    #[error("agency: {reason}")]
    BadAgency { reason: String },

    #[error(
        "agency: 机关 {agency} 未登记，日志中也没有它的任何记录（unknown agency {agency}）{}",
        did_you_mean(suggestions)
    )]
    UnknownAgency {
        agency: String,
        /// The nearest known agency ids, nearest first (see `agency::nearest`).
        suggestions: Vec<String>,
    },

    #[error(
        "year: 机关 {agency} 在 {year} 年没有任何记录，不生成全零报告（no events for agency {agency} in {year}）"
    )]
    NoData { agency: String, year: i32 },

    #[error(
        "{field}: 机关 {agency} 在 {period} 没有任何热线工单、建议提案或信访办理记录，不生成全零统计（no hotline, proposal or petition work for agency {agency} in {period}）"
    )]
    NoWorkData {
        /// `year`, or `month` for a month's statistics.
        field: &'static str,
        agency: String,
        period: String,
    },

    #[error(
        "cell_code: {code:?} is not a base cell of the {format} format (drill-down lists base cells)"
    )]
    UnknownCell { code: String, format: &'static str },

    #[error("{field}: {reason}")]
    BadArgument { field: String, reason: String },

    #[error("work rules: {0}")]
    WorkRules(String),

    #[error("model: unknown read model {0:?}; expected one of annual, cases, queues, workload")]
    UnknownModel(String),

    #[error("as_of_position: {requested} is beyond the log head {head}")]
    AsOfBeyondHead { requested: u64, head: u64 },

    /// A query asked the as-of view (as_of_view.rs) for keys it does not keep by range: a bug of the caller.
    #[error("the annual model as of a position keeps no keys under {key:?}")]
    NotKeptAsOf { key: String },

    #[error(
        "report of agency {agency} for {year} fails {problems} identities and misses the events at log \
         positions {skipped:?}; it cannot be published"
    )]
    NotFinal {
        agency: String,
        year: i32,
        problems: usize,
        skipped: Vec<u64>,
    },

    #[error("{0}")]
    Narrative(#[from] casetrack_domain::narrative::NarrativeError),

    #[error("{stream}: written by others meanwhile {attempts} times; try again", attempts = crate::narrative::MAX_WRITE_ATTEMPTS)]
    Contended { stream: String },

    #[error("{what} would return {actual} entries, more than the limit of {limit}")]
    TooMany {
        what: &'static str,
        limit: usize,
        actual: usize,
    },
}

/// The suggestion part of an unknown-agency message: empty when nothing is near.
fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    format!(
        "；是否要找：{}（did you mean: {}）",
        suggestions.join("、"),
        suggestions.join(", ")
    )
}
