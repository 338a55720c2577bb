//! Renderers of a published report, one file each, and the dispatcher the CLI calls.

pub mod csv;
mod grid;
pub mod html;
pub mod json;
pub mod kirogov;
pub mod md;
mod parts;
mod work;
mod work_parts;
pub mod xlsx;

use std::str::FromStr;

pub use work::{render_work, work_format};

use crate::error::ReportingError;
use crate::published::PublishedReport;

/// `--format` of `casetrack report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Csv,
    Markdown,
    Html,
    Xlsx,
    /// KIROGOVCOMPARE's table schema (JSON), 2021 format only.
    Kirogov,
}

impl FromStr for OutputFormat {
    type Err = ReportingError;

    fn from_str(s: &str) -> Result<OutputFormat, ReportingError> {
        match s {
            "json" => Ok(OutputFormat::Json),
            "csv" => Ok(OutputFormat::Csv),
            "md" => Ok(OutputFormat::Markdown),
            "html" => Ok(OutputFormat::Html),
            "xlsx" => Ok(OutputFormat::Xlsx),
            "kirogov" => Ok(OutputFormat::Kirogov),
            other => Err(ReportingError::UnknownOutputFormat(other.to_string())),
        }
    }
}

impl OutputFormat {
    /// File extension for the output.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::Kirogov => "kirogov.json",
            OutputFormat::Csv => "csv",
            OutputFormat::Markdown => "md",
            OutputFormat::Html => "html",
            OutputFormat::Xlsx => "xlsx",
        }
    }

    /// Whether [`render`] gives bytes that are not UTF-8 text.
    pub fn is_binary(self) -> bool {
        self == OutputFormat::Xlsx
    }
}

/// Renders `published` as bytes of `format` (UTF-8 text for all but xlsx; CSV with a byte-order mark, see
/// [`csv::encode`] for GBK).
pub fn render(
    published: &PublishedReport,
    format: OutputFormat,
) -> Result<Vec<u8>, ReportingError> {
    Ok(match format {
        OutputFormat::Json => json::to_json(published).into_bytes(),
        OutputFormat::Csv => csv::encode(&csv::to_csv(published)?, csv::CsvEncoding::Utf8)?,
        OutputFormat::Markdown => md::to_markdown(published).into_bytes(),
        OutputFormat::Html => html::to_html(published).into_bytes(),
        OutputFormat::Xlsx => xlsx::to_xlsx(published)?,
        OutputFormat::Kirogov => kirogov::to_kirogov(published)?.into_bytes(),
    })
}

/// The figure as printed: 0 when zero, never blank; a blank stored cell (identity 5 fails) shows as "".
fn print_figure(figure: Option<crate::Figure>) -> String {
    figure.map(|f| f.to_string()).unwrap_or_default()
}

/// Status line, in Chinese, for the printed renderers.
fn status_zh(published: &PublishedReport) -> String {
    match &published.status {
        crate::ReportStatus::Final => "勾稽关系校验通过".to_string(),
        crate::ReportStatus::Failed(failures) => {
            format!(
                "勾稽关系校验未通过（{}处），不得作为正式报告发布",
                failures.len()
            )
        }
        crate::ReportStatus::Incomplete { skipped_positions } => {
            let positions: Vec<String> = skipped_positions.iter().map(u64::to_string).collect();
            format!(
                "日志位置 {} 的事件无法计入，报表不完整，不得作为正式报告发布",
                positions.join("、")
            )
        }
    }
}
