//! CSV: one row per cell, `cell_code,label_zh,value`, in table order. Written as UTF-8 with a byte-order mark,
//! which Excel on Chinese Windows needs to read UTF-8 (without it, it assumes GBK and shows garbage), or, on
//! request, as GBK, what older Chinese software expects.

use std::str::FromStr;

use crate::error::ReportingError;
use crate::figure::Figure;
use crate::format::ReportFormat;
use crate::layout::catalogue;
use crate::published::PublishedReport;
use crate::report::Report;

/// The UTF-8 byte-order mark every UTF-8 CSV export starts with.
pub const UTF8_BOM: char = '\u{feff}';

/// The text encoding of a CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark.
    #[default]
    Utf8,
    /// GBK (GB18030's two-byte subset, Windows code page 936); a character outside it is an error.
    Gbk,
}

impl FromStr for CsvEncoding {
    type Err = ReportingError;

    fn from_str(s: &str) -> Result<CsvEncoding, ReportingError> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(CsvEncoding::Utf8),
            "gbk" | "cp936" => Ok(CsvEncoding::Gbk),
            _ => Err(ReportingError::UnknownEncoding(s.to_owned())),
        }
    }
}

/// `text` (a CSV export, with or without its byte-order mark) in `encoding`.
pub fn encode(text: &str, encoding: CsvEncoding) -> Result<Vec<u8>, ReportingError> {
    let text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
    match encoding {
        CsvEncoding::Utf8 => Ok(format!("{UTF8_BOM}{text}").into_bytes()),
        CsvEncoding::Gbk => {
            if let Some(c) = text.chars().find(|c| !in_gbk(*c)) {
                return Err(ReportingError::NotInGbk(c));
            }
            let (bytes, _, _) = encoding_rs::GBK.encode(text);
            Ok(bytes.into_owned())
        }
    }
}

/// Whether GBK encodes `c` (encoding_rs would write an HTML numeric reference for one it cannot).
fn in_gbk(c: char) -> bool {
    let mut buffer = [0u8; 4];
    let (_, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buffer));
    !unmappable
}

pub const HEADER: [&str; 3] = ["cell_code", "label_zh", "value"];

/// The code prefix of part 六's 信息处理费 rows, which follow the cells when the report carries them; they are
/// no cell of the tables (a reader of the tables skips them).
pub const PART_SIX_PREFIX: &str = "part_six.information_fees.";
/// The code prefix of the officer's paragraphs (`written_part.5`, value the text, label with the version),
/// which follow; no cell either.
pub const WRITTEN_PREFIX: &str = "written_part.";

/// One row per cell in table order, then part 六's 信息处理费 when the report carries them, then the officer's
/// paragraphs.
pub fn to_csv(published: &PublishedReport) -> Result<String, ReportingError> {
    let report = &published.report;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| ReportingError::Csv(e.to_string());
    writer.write_record(HEADER).map_err(csv_error)?;
    for cell in report.cells() {
        let value = super::print_figure(cell.figure);
        writer
            .write_record([
                cell.spec.code.as_str(),
                cell.spec.label_zh.as_str(),
                value.as_str(),
            ])
            .map_err(csv_error)?;
    }
    if let Some(fees) = published.information_fees {
        let label = |what: &str| format!("{} / {what}", super::parts::PART_SIX);
        let rows = [
            (
                "notices_issued",
                label("信息处理费缴费通知（件）"),
                fees.notices_issued.to_string(),
            ),
            (
                "charged_10k_yuan",
                label("应收信息处理费（万元）"),
                fees.charged.to_10k_yuan(),
            ),
            (
                "collected_10k_yuan",
                label("实际收取信息处理费（万元）"),
                fees.collected.to_10k_yuan(),
            ),
        ];
        for (code, label, value) in rows {
            let code = format!("{PART_SIX_PREFIX}{code}");
            writer
                .write_record([code.as_str(), label.as_str(), value.as_str()])
                .map_err(csv_error)?;
        }
    }
    for written in &published.written {
        let code = format!("{WRITTEN_PREFIX}{}", written.part);
        let label = format!("{}（第{}版）", written.label_zh(), written.version);
        writer
            .write_record([code.as_str(), label.as_str(), written.text.as_str()])
            .map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ReportingError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportingError::Csv(e.to_string()))
}

/// Reads a CSV written by [`to_csv`] (decoded, without its byte-order mark) as the report of `agency` for
/// `year`, which the file does not state; an empty value is a blank cell, for identity 5 to report.
pub fn from_csv(text: &str, agency: &str, year: i32) -> Result<Report, ReportingError> {
    let format = ReportFormat::for_year(year);
    let catalogue = catalogue(format);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| ReportingError::Csv(e.to_string());
    if reader.headers().map_err(csv_error)? != HEADER.as_slice() {
        return Err(ReportingError::Csv(format!(
            "第一行应为 {}",
            HEADER.join(",")
        )));
    }
    let mut figures = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let (code, value) = (record.get(0).unwrap_or(""), record.get(2).unwrap_or(""));
        if code.starts_with(PART_SIX_PREFIX) || code.starts_with(WRITTEN_PREFIX) {
            continue;
        }
        let i = catalogue
            .index_of(code)
            .ok_or_else(|| ReportingError::UnknownCell {
                code: code.to_owned(),
                format: format.code(),
            })?;
        if value.trim().is_empty() {
            continue;
        }
        let unit = catalogue.cells()[i].unit;
        let figure = Figure::parse(unit, value)
            .ok_or_else(|| ReportingError::Csv(format!("{code}: {value:?} 不是{unit:?}数字")))?;
        figures.push((code.to_owned(), figure));
    }
    Report::from_printed(agency, year, format, figures)
}
