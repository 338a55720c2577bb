//! Audit of a published report (审查已公开的年度报告) — not the audit trail of reads, which is casetrack-audit's.
//! A table read from a file (this project's JSON, CSV or xlsx, or KIROGOVCOMPARE's table schema) is judged by
//! the same [`check`] every report of ours passes — identities 1–6 and the table sums, identity 4 against the
//! previous year's table when given — and the figures a narrative text states are compared with the cells they
//! restate. Each finding names the cells involved and says what is wrong in Chinese.

mod read;
mod text;

use serde::Serialize;

pub use read::{AuditedTable, FileHints, TableFile, UNNAMED_AGENCY, read_table};
pub use text::{MAX_NARRATIVE_BYTES, Quoted, narrative_text, quoted_figures};

use crate::figure::{Fen, Unit};
use crate::format::ReportFormat;
use crate::identity::{IdentityFailure, Side, check};
use crate::layout::catalogue;
use crate::report::Report;

/// One thing wrong with an audited report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Finding {
    /// An identity of the tables (or, with the previous year's table, the carry-over) fails.
    Identity { failure: IdentityFailure },
    /// The narrative states a figure that differs from the cells it restates.
    NarrativeText {
        /// The words of the narrative, as written (新收政府信息公开申请12件).
        quote: String,
        stated: i128,
        cells: Vec<String>,
        value: i128,
    },
    /// The file's content hash does not match its figures: they were changed after it was sealed.
    HashMismatch { stored: String, computed: String },
}

impl Finding {
    /// Every cell code the finding involves.
    pub fn cells(&self) -> Vec<&str> {
        match self {
            Finding::Identity { failure } => failure.cells(),
            Finding::NarrativeText { cells, .. } => cells.iter().map(String::as_str).collect(),
            Finding::HashMismatch { .. } => Vec::new(),
        }
    }

    /// What is wrong, in Chinese, with every cell named by its code and its label in `format`.
    pub fn message_zh(&self, format: ReportFormat) -> String {
        match self {
            Finding::Identity { failure } => failure_zh(failure, format),
            Finding::NarrativeText {
                quote,
                stated,
                cells,
                value,
            } => {
                let unit = unit_of(cells, format);
                format!(
                    "【{}】正文“{quote}”所述 {} 与表格不符：{} = {}",
                    crate::Identity::Narrative.name_zh(),
                    amount(*stated, unit),
                    cells_zh(cells, format),
                    amount(*value, unit)
                )
            }
            Finding::HashMismatch { stored, computed } => format!(
                "【内容哈希】文件所载哈希 {stored} 与其中数字计算所得 {computed} 不符：数字在发布后被改动"
            ),
        }
    }
}

/// Every finding of `table`: what reading it found (a changed hash), every identity that fails on its
/// figures (identity 4 against `previous`, the same agency's table of the year before, when given), and every
/// figure its narrative text — the file's own and `extra_text` — states differently from the tables.
pub fn audit(table: &AuditedTable, previous: Option<&Report>, extra_text: &str) -> Vec<Finding> {
    let mut findings = table.findings.clone();
    findings.extend(
        check(&table.report, previous)
            .into_iter()
            .map(|failure| Finding::Identity { failure }),
    );
    for text in [table.narrative_text.as_str(), extra_text] {
        findings.extend(contradictions(&table.report, text));
    }
    findings
}

/// The figures `text` states that differ from the cells they restate (a blank cell is identity 5's finding).
fn contradictions(report: &Report, text: &str) -> Vec<Finding> {
    quoted_figures(report.format(), text)
        .into_iter()
        .filter_map(|quoted| {
            let codes: Vec<&str> = quoted.cells.iter().map(String::as_str).collect();
            let value = crate::narrative::NarrativeFigures::sum_cells(report, &codes)?;
            (value != quoted.stated).then_some(Finding::NarrativeText {
                quote: quoted.quote,
                stated: quoted.stated,
                cells: quoted.cells,
                value,
            })
        })
        .collect()
}

fn failure_zh(failure: &IdentityFailure, format: ReportFormat) -> String {
    let name = failure.identity().name_zh();
    match failure {
        IdentityFailure::Unequal { left, right, .. } => {
            let unit = unit_of(&right.cells, format);
            format!(
                "【{name}】不成立：{} ≠ {}",
                side_zh(left, format, unit),
                side_zh(right, format, unit)
            )
        }
        IdentityFailure::Blank { code } => {
            format!("【{name}】{} 留空（应填 0）", cells_zh(&[code], format))
        }
        IdentityFailure::NotPreviousReport {
            expected_agency,
            expected_year,
            found_agency,
            found_year,
        } => format!(
            "【{name}】无法核对：上年报表应为 {expected_agency} {expected_year}年，所给为 {found_agency} {found_year}年"
        ),
    }
}

fn side_zh(side: &Side, format: ReportFormat, unit: Unit) -> String {
    format!(
        "{}年 {} = {}",
        side.year,
        cells_zh(&side.cells, format),
        amount(side.value, unit)
    )
}

/// `applications.received.total（一、本年新收政府信息公开申请数量 / 总计）+ …`
fn cells_zh(codes: &[impl AsRef<str>], format: ReportFormat) -> String {
    let catalogue = catalogue(format);
    codes
        .iter()
        .map(|code| {
            let code = code.as_ref();
            match catalogue.index_of(code) {
                Some(i) => format!("{code}（{}）", catalogue.cells()[i].label_zh),
                None => code.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Money when any of the cells holds money (a side's value is then in fen).
fn unit_of(codes: &[String], format: ReportFormat) -> Unit {
    let catalogue = catalogue(format);
    let money = codes.iter().any(|code| {
        catalogue
            .index_of(code)
            .is_some_and(|i| catalogue.cells()[i].unit == Unit::Money)
    });
    if money { Unit::Money } else { Unit::Count }
}

fn amount(value: i128, unit: Unit) -> String {
    match (unit, u64::try_from(value)) {
        (Unit::Money, Ok(fen)) => format!("{}万元", Fen(fen).to_10k_yuan()),
        _ => value.to_string(),
    }
}
