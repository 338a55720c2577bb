//! The hotline, proposal and petition statistics ([`WorkReport`]) in every output format of the annual report,
//! through the annual report's own machinery: each section is a [`Grid`] (a row for the whole agency, then
//! one per line, category, unit or kind; a column per measure, then the rates) that `html.rs`, `xlsx.rs` and
//! `md.rs` lay out as they lay out the national tables. JSON keeps numbers as numbers (each rate as numerator
//! and denominator beside the printed percentage), CSV is one row per cell with a byte-order mark, xlsx has
//! numeric cells (rates as fractions shown as percentages). KIROGOVCOMPARE's schema is the annual report's
//! only, and refused.

use serde_json::{Value, json};

use super::grid::{Content, Grid};
use super::{OutputFormat, csv, html, md, xlsx};
use crate::error::ReportingError;
use crate::figure::Figure;
use crate::work::{Section, WORK_SECTIONS, WorkReport, WorkRow, percent, rates_of};

/// The corner of each section's table, above the row labels.
const CORNER: &str = "项目";

/// `format`, if the statistics are rendered in it: every format but KIROGOVCOMPARE's, which is the annual
/// report's schema. What a server checks before counting anything.
pub fn work_format(format: OutputFormat) -> Result<OutputFormat, ReportingError> {
    match format {
        OutputFormat::Kirogov => Err(ReportingError::KirogovIsAnnualOnly),
        other => Ok(other),
    }
}

/// Renders `report` as bytes of `format` (UTF-8 text for all but xlsx; CSV with a byte-order mark).
pub fn render_work(report: &WorkReport, format: OutputFormat) -> Result<Vec<u8>, ReportingError> {
    Ok(match work_format(format)? {
        OutputFormat::Json => to_json(report).into_bytes(),
        OutputFormat::Csv => csv::encode(&to_csv(report)?, csv::CsvEncoding::Utf8)?,
        OutputFormat::Markdown => to_markdown(report).into_bytes(),
        OutputFormat::Html => to_html(report).into_bytes(),
        OutputFormat::Xlsx => xlsx::workbook_of(&facts(report), &grids(report))?,
        OutputFormat::Kirogov => unreachable!("work_format refuses it"),
    })
}

/// One grid per section: the header row (corner, measures, rates), then the rows.
fn grids(report: &WorkReport) -> Vec<Grid> {
    WORK_SECTIONS
        .iter()
        .map(|section| {
            let mut grid = Grid::new(section.1.to_owned());
            grid.head_rows = 1;
            let headings = std::iter::once(CORNER).chain(column_labels(section));
            for (c, heading) in (0u16..).zip(headings) {
                grid.put(0, c, 1, 1, Content::Header(heading.to_owned()));
            }
            for (r, row) in (1u32..).zip(report.rows(section)) {
                for (c, content) in (0u16..).zip(row_contents(section, &row)) {
                    grid.put(r, c, 1, 1, content);
                }
            }
            grid.finish()
        })
        .collect()
}

/// The headings of a section's figure columns: its measures, then its rates.
fn column_labels(section: &Section) -> impl Iterator<Item = &'static str> + '_ {
    section
        .2
        .iter()
        .map(|(_, label)| *label)
        .chain(rates_of(section.0).map(|rate| rate.1))
}

/// A row's cells: its label, its figures with their cell codes, its rates with theirs.
fn row_contents(section: &Section, row: &WorkRow) -> Vec<Content> {
    let figures = section.2.iter().zip(&row.figures).map(|((m, _), figure)| {
        Content::Figure(
            Some(Figure::Count(*figure)),
            format!("{}.{m}{}", section.0, row.suffix),
        )
    });
    let rates = rates_of(section.0)
        .zip(&row.rates)
        .map(|(rate, &(n, d))| Content::Rate(n, d, format!("{}{}", rate.0, row.suffix)));
    std::iter::once(Content::Label(row.label.clone()))
        .chain(figures)
        .chain(rates)
        .collect()
}

/// The status line: the identities hold, or which fail.
fn status_zh(report: &WorkReport) -> String {
    let failures = report.identity_failures();
    if failures.is_empty() {
        return "勾稽关系校验通过".to_owned();
    }
    let texts: Vec<String> = failures.into_iter().map(|f| f.text_zh).collect();
    format!(
        "勾稽关系校验未通过（{}处）：{}",
        texts.len(),
        texts.join("；")
    )
}

/// What the figures are and where they come from, printed under the tables and on the xlsx facts sheet.
fn facts(report: &WorkReport) -> Vec<(&'static str, String)> {
    vec![
        ("标题", report.title_zh()),
        ("机关代码", report.agency.clone()),
        ("统计期间", report.period_zh()),
        (
            "数据截至",
            format!("事件日志第 {} 条事件之前", report.as_of_position),
        ),
        ("勾稽关系", status_zh(report)),
        (
            "说明",
            "每个数字均可追溯到具体工单、建议提案或信访台账（Reporting.DrillDownWork）。"
                .to_owned(),
        ),
    ]
}

fn to_html(report: &WorkReport) -> String {
    let title = report.title_zh();
    let mut article = format!(
        "<article class=\"annual-report\">\n<h1>{}</h1>\n",
        html::escape(&title)
    );
    if !report.identity_failures().is_empty() {
        html::paragraph(&mut article, "failed", &status_zh(report));
    }
    for grid in grids(report) {
        html::heading(&mut article, &grid.title);
        html::table(&mut article, &grid, &|_| None);
    }
    article.push_str("<section class=\"colophon\">\n<dl>\n");
    for (label, value) in facts(report).into_iter().skip(1) {
        article.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            html::escape(label),
            html::escape(&value)
        ));
    }
    article.push_str("</dl>\n</section>\n</article>\n");
    html::document(&title, &article)
}

fn to_markdown(report: &WorkReport) -> String {
    let mut text = format!("# {}\n", report.title_zh());
    if !report.identity_failures().is_empty() {
        text.push_str(&format!("\n**{}**\n", status_zh(report)));
    }
    for grid in grids(report) {
        md::grid_table(&mut text, &grid);
    }
    text.push_str("\n---\n\n");
    for (label, value) in facts(report).into_iter().skip(1) {
        text.push_str(&format!("- {label}：{value}\n"));
    }
    text
}

/// One row per cell, `cell_code,label_zh,value` as the annual report's CSV: figures as integers, rates as
/// printed percentages.
fn to_csv(report: &WorkReport) -> Result<String, ReportingError> {
    let csv_error = |e: ::csv::Error| ReportingError::Csv(e.to_string());
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(csv::HEADER).map_err(csv_error)?;
    for section in &WORK_SECTIONS {
        for row in report.rows(section) {
            let cells = row_contents(section, &row);
            for (content, column) in cells.iter().skip(1).zip(column_labels(section)) {
                if let Some((code, value)) = code_and_value(content) {
                    let label = format!("{} {} {column}", section.1, row.label);
                    writer
                        .write_record([code, label.as_str(), value.as_str()])
                        .map_err(csv_error)?;
                }
            }
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ReportingError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportingError::Csv(e.to_string()))
}

/// A figure's or a rate's cell code and printed value.
fn code_and_value(content: &Content) -> Option<(&str, String)> {
    match content {
        Content::Figure(figure, code) => Some((code, super::print_figure(*figure))),
        Content::Rate(n, d, code) => Some((code, percent((*n, *d)))),
        Content::Header(_) | Content::Label(_) => None,
    }
}

fn to_json(report: &WorkReport) -> String {
    let sections: Vec<Value> = WORK_SECTIONS
        .iter()
        .map(|section| {
            let rows: Vec<Value> = report
                .rows(section)
                .into_iter()
                .map(|row| json_row(section, &row))
                .collect();
            let measures: Vec<Value> = section
                .2
                .iter()
                .map(|(code, label)| json!({"code": code, "label": label}))
                .collect();
            json!({"code": section.0, "label": section.1, "measures": measures, "rows": rows})
        })
        .collect();
    let failures: Vec<Value> = report
        .identity_failures()
        .into_iter()
        .map(|f| json!({"cell": f.cell, "text": f.text_zh}))
        .collect();
    let document = json!({
        "title": report.title_zh(),
        "agency": report.agency,
        "agency_name": report.agency_name,
        "year": report.year,
        "month": report.month,
        "as_of_position": report.as_of_position,
        "sections": sections,
        "identity_failures": failures,
    });
    // A tree of strings and integers: serde_json cannot fail to write it.
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn json_row(section: &Section, row: &WorkRow) -> Value {
    let figures: serde_json::Map<String, Value> = section
        .2
        .iter()
        .zip(&row.figures)
        .map(|((code, _), figure)| ((*code).to_owned(), json!(figure)))
        .collect();
    let rates: Vec<Value> = rates_of(section.0)
        .zip(&row.rates)
        .map(|(rate, &(n, d))| {
            json!({"code": rate.0, "label": rate.1, "numerator": n, "denominator": d,
                   "percent": percent((n, d))})
        })
        .collect();
    json!({"label": row.label, "cell_suffix": row.suffix, "figures": figures, "rates": rates})
}
