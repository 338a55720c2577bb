//! casetrack-reporting: the statutory annual report (政府信息公开工作年度报告) as data. It knows the three
//! national formats and picks the one of the data year ([`ReportFormat::for_year`]); holds every figure as a
//! cell addressed `table.row.column` (the cell codes of annual-report.md, plus this project's documented
//! codes for the 2019 table 二 and the pre-2019 statistical table); computes derived cells (总计 column,
//! group sums, （七）总计, challenge totals) and the narrative figures from the base cells the projector fills;
//! checks the identities on stored values; rolls agencies up; renders JSON, CSV, Markdown, HTML, xlsx and
//! KIROGOVCOMPARE's table schema; and audits a published report read back from any of its table files.
//!
//! Architecture invariant: speaks only in cell codes — it knows nothing of cases, events, the log or the
//! domain crate; the projector maps outcomes to cells. A report whose identities fail is never `Final`.

pub mod audit;
mod error;
mod fees;
mod figure;
mod format;
mod identity;
mod layout;
mod narrative;
mod published;
mod render;
mod report;
mod work;
mod written;

pub use error::ReportingError;
pub use fees::InformationFees;
pub use figure::{FEN_PER_10K_YUAN, Fen, Figure, Unit};
pub use format::{FIRST_REPORT_YEAR, LAST_REPORT_YEAR, ReportFormat};
pub use identity::{Identity, IdentityFailure, Side, check};
pub use layout::{
    Balance, Block, CellSpec, Column, FormatLayout, IDENTITY_TEXT_ZH, NarrativeSource, Row,
    RowKind, TableLayout, TableShape,
};
pub use narrative::NarrativeFigures;
pub use published::{
    MAX_RULES_VERSION_LEN, PublishedReport, ReportStatus, content_hash, content_hash_with,
};
pub use render::{OutputFormat, csv, html, json, md, render, render_work, work_format, xlsx};
pub use report::{MAX_AGENCY_LEN, Report, ReportBuilder, ReportCell};
pub use work::{
    Measure, Rate, STOCK_MEASURES, Section, WORK_DIMENSIONS, WORK_IDENTITIES, WORK_RATES,
    WORK_SECTIONS, WorkIdentity, WorkIdentityFailure, WorkReport, WorkRow, is_work_cell, percent,
    rates_of,
};
pub use written::WrittenPart;

/// The layout (tables, blocks, rows, columns, labels) of `format`.
pub fn layout(format: ReportFormat) -> &'static FormatLayout {
    layout::catalogue(format).layout
}

/// Every cell of `format` in table order: code, Chinese label, unit, derived or base.
pub fn cells(format: ReportFormat) -> &'static [CellSpec] {
    layout::catalogue(format).cells()
}
