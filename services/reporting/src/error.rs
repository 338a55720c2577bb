//! The errors of this crate: one variant per thing a caller can act on, each naming the field or cell.

use crate::figure::Unit;
use crate::format::{FIRST_REPORT_YEAR, LAST_REPORT_YEAR};
use crate::report::MAX_AGENCY_LEN;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportingError {
    #[error("agency: must be 1..={MAX_AGENCY_LEN} characters, got {len}")]
    BadAgency { len: usize },
    #[error("year: {year} is outside {FIRST_REPORT_YEAR}..={LAST_REPORT_YEAR}")]
    YearOutOfRange { year: i32 },
    #[error("cell {code}: no such cell in the {format} format")]
    UnknownCell { code: String, format: &'static str },
    #[error("cell {code}: computed from other cells, cannot be filled directly")]
    DerivedCell { code: String },
    #[error("cell {code}: holds {expected:?}, was given {found:?}")]
    UnitMismatch {
        code: String,
        expected: Unit,
        found: Unit,
    },
    #[error("cell {code}: value out of range for its unit")]
    Overflow { code: String },
    #[error("cell {code}: given twice")]
    DuplicateCell { code: String },
    #[error("cell {code}: blank in the report of agency {agency}")]
    BlankCell { code: String, agency: String },
    #[error("format: data year {year} must use format {expected}, got {found}")]
    WrongFormat {
        year: i32,
        expected: &'static str,
        found: &'static str,
    },
    #[error("children: a roll-up needs at least one child report")]
    NoChildren,
    #[error("children: agency {agency} reports year {found}, the roll-up is for {expected}")]
    MixedYears {
        agency: String,
        expected: i32,
        found: i32,
    },
    #[error("money: must be an exact decimal of 万元 with at most 6 decimals, got {text:?}")]
    BadMoney { text: String },
    #[error("json field {field}: {reason}")]
    BadJson { field: String, reason: String },
    #[error("content_hash: stored {stored}, computed {computed}")]
    HashMismatch { stored: String, computed: String },
    #[error("output format: unknown {0:?}; expected json, csv, md, html, xlsx or kirogov")]
    UnknownOutputFormat(String),
    #[error("csv: {0}")]
    Csv(String),
    #[error("encoding: 未知编码 {0:?}（unknown encoding）；可选 utf-8 或 gbk")]
    UnknownEncoding(String),
    #[error("encoding: 字符 {0:?} 无法用 GBK 编码（not in GBK）；请改用 --encoding utf-8")]
    NotInGbk(char),
    #[error("xlsx: {0}")]
    Xlsx(String),
    #[error("{file}: {reason}")]
    AuditFile { file: String, reason: String },
    #[error(
        "format: KIROGOVCOMPARE 的表格格式只适用于国办公开办函〔2021〕30号格式（2021年及以后），不适用于{basis}"
    )]
    NotInKirogovSchema { basis: &'static str },
    #[error(
        "output: KIROGOVCOMPARE 的表格格式只适用于政府信息公开工作年度报告，不适用于热线、建议提案及信访工作统计（json, csv, md, html or xlsx）"
    )]
    KirogovIsAnnualOnly,
}
