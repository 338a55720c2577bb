//! Which kind of table file an audit reads, and reading it into a [`Report`] as printed: this project's JSON
//! (its content hash re-checked as a finding, not a refusal), CSV and xlsx exports, and KIROGOVCOMPARE's table
//! schema. A kind is one reader in its renderer's file (`render/*.rs`) and one arm here.

use crate::error::ReportingError;
use crate::render::{csv, json, kirogov, xlsx};
use crate::report::Report;

use super::Finding;
use super::text::decode_text;

/// The agency of a table whose file names none (a CSV export) and no `--agency` was given.
pub const UNNAMED_AGENCY: &str = "未注明机关";
/// Largest table file read: a report's tables are a few tens of kilobytes, an xlsx a few hundred.
pub const MAX_TABLE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFile {
    /// `casetrack report --format json`.
    Json,
    /// `casetrack report --format csv` (UTF-8 with or without a byte-order mark, or GBK).
    Csv,
    /// `casetrack report --format xlsx`.
    Xlsx,
    /// KIROGOVCOMPARE's table schema (`--format kirogov`, or its structured-import package).
    Kirogov,
}

impl TableFile {
    /// By the file's extension; a JSON file by its content (KIROGOVCOMPARE's has `sections`).
    pub fn detect(file_name: &str, bytes: &[u8]) -> Result<TableFile, ReportingError> {
        let lower = file_name.to_lowercase();
        if lower.ends_with(".csv") {
            Ok(TableFile::Csv)
        } else if lower.ends_with(".xlsx") {
            Ok(TableFile::Xlsx)
        } else if lower.ends_with(".json") {
            Ok(if kirogov::looks_like(&decode_text(bytes)) {
                TableFile::Kirogov
            } else {
                TableFile::Json
            })
        } else {
            Err(ReportingError::AuditFile {
                file: file_name.to_owned(),
                reason: "无法识别的表格文件（应为 .json、.csv 或 .xlsx）".to_owned(),
            })
        }
    }
}

/// What the caller knows that a file may not say: the agency and the data year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileHints {
    pub agency: Option<String>,
    pub year: Option<i32>,
}

impl FileHints {
    /// The agency the file names, else the hint, else [`UNNAMED_AGENCY`].
    pub(crate) fn agency_or(&self, named: Option<String>) -> String {
        named
            .or_else(|| self.agency.clone())
            .unwrap_or_else(|| UNNAMED_AGENCY.to_owned())
    }

    /// The year the file names, else the hint; a file and a hint that disagree are refused.
    pub(crate) fn year_or(&self, named: Option<i32>, file: &str) -> Result<i32, ReportingError> {
        match (named, self.year) {
            (Some(a), Some(b)) if a != b => Err(ReportingError::AuditFile {
                file: file.to_owned(),
                reason: format!("文件所载年度 {a} 与 --year {b} 不符"),
            }),
            (Some(year), _) | (None, Some(year)) => Ok(year),
            (None, None) => Err(ReportingError::AuditFile {
                file: file.to_owned(),
                reason: "文件未载明年度，请用 --year 指定".to_owned(),
            }),
        }
    }
}

/// A table as read, with the narrative it carries and what reading it found.
#[derive(Debug, Clone)]
pub struct AuditedTable {
    pub kind: TableFile,
    pub report: Report,
    /// The narrative words the file carries (KIROGOVCOMPARE's text sections); empty for our exports, whose
    /// JSON states its narrative figures as figures, checked by identity 6.
    pub narrative_text: String,
    pub findings: Vec<Finding>,
}

/// Reads the table file `file_name` (`bytes`), its kind by [`TableFile::detect`].
pub fn read_table(
    bytes: &[u8],
    file_name: &str,
    hints: &FileHints,
) -> Result<AuditedTable, ReportingError> {
    if bytes.len() > MAX_TABLE_BYTES {
        return Err(ReportingError::AuditFile {
            file: file_name.to_owned(),
            reason: format!("超过 {MAX_TABLE_BYTES} 字节（too large）"),
        });
    }
    let kind = TableFile::detect(file_name, bytes)?;
    let mut findings = Vec::new();
    let (report, narrative_text) = match kind {
        TableFile::Json => {
            let published = json::read_json(&decode_text(bytes))?;
            if let Err(ReportingError::HashMismatch { stored, computed }) = published.verify_hash()
            {
                findings.push(Finding::HashMismatch { stored, computed });
            }
            (published.report, String::new())
        }
        TableFile::Csv => {
            let year = hints.year_or(None, file_name)?;
            let agency = hints.agency_or(None);
            (
                csv::from_csv(&decode_text(bytes), &agency, year)?,
                String::new(),
            )
        }
        TableFile::Xlsx => (xlsx::from_xlsx(bytes, hints, file_name)?, String::new()),
        TableFile::Kirogov => kirogov::from_kirogov(&decode_text(bytes), hints, file_name)?,
    };
    Ok(AuditedTable {
        kind,
        report,
        narrative_text,
        findings,
    })
}
