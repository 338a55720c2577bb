//! HTML: a printable page in Chinese laid out like the national tables, with inline CSS; all text escaped.

use std::fmt::Write;

use super::grid::{Content, grids};
use crate::narrative::NarrativeFigures;
use crate::published::PublishedReport;

const STYLE: &str = "body{font-family:'SimSun','Songti SC',serif;margin:2em;color:#000}\
h1{font-size:1.5em;text-align:center}h2{font-size:1.15em;margin-top:1.5em}\
table{border-collapse:collapse;width:100%;margin:0.5em 0;page-break-inside:avoid}\
th,td{border:1px solid #000;padding:0.25em 0.4em;font-size:0.9em}\
th{font-weight:normal;text-align:center;vertical-align:middle}\
td.label{text-align:left}td.figure{text-align:right;font-variant-numeric:tabular-nums}\
.meta{font-size:0.85em}.failed{color:#b00;font-weight:bold}\
@media print{body{margin:0}h2{page-break-after:avoid}}";

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

pub fn to_html(published: &PublishedReport) -> String {
    let report = &published.report;
    let title = format!(
        "{}{}年政府信息公开工作年度报告",
        published.agency_title(),
        report.year()
    );
    let mut html = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    let status_class = if published.is_final() {
        "meta"
    } else {
        "meta failed"
    };
    let _ = write!(
        html,
        "<p class=\"meta\">格式：{}　数据截至日志位置：{}　规则版本：{}<br>内容哈希：{}</p>\n<p class=\"{status_class}\">{}</p>\n",
        escape(report.format().basis_zh()),
        published.as_of_position,
        escape(&published.rules_version),
        escape(&published.content_hash),
        escape(&super::status_zh(published)),
    );
    let _ = write!(
        html,
        "<h2>{}</h2>\n<p>{}</p>\n",
        NarrativeFigures::heading_zh(report.format()),
        escape(&report.narrative().text_zh())
    );
    for grid in grids(report) {
        let _ = write!(html, "<h2>{}</h2>\n<table>\n", escape(&grid.title));
        for r in 0..grid.height {
            html.push_str("<tr>");
            for cell in grid.cells.iter().filter(|c| c.row == r) {
                let span = match (cell.rowspan, cell.colspan) {
                    (1, 1) => String::new(),
                    (rs, 1) => format!(" rowspan=\"{rs}\""),
                    (1, cs) => format!(" colspan=\"{cs}\""),
                    (rs, cs) => format!(" rowspan=\"{rs}\" colspan=\"{cs}\""),
                };
                let _ = match &cell.content {
                    Content::Header(text) => write!(html, "<th{span}>{}</th>", escape(text)),
                    Content::Label(text) => {
                        write!(html, "<td class=\"label\"{span}>{}</td>", escape(text))
                    }
                    Content::Figure(figure) => write!(
                        html,
                        "<td class=\"figure\"{span}>{}</td>",
                        escape(&super::print_figure(*figure))
                    ),
                };
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</table>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}
