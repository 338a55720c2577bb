//! HTML: the whole report as an office publishes it, in Chinese — the title with the agency's registered name,
//! parts 一 to 六 in the format of the year with the national tables, the 落款, and the provenance in a colophon
//! at the end — with print CSS for A4 (no table row split across pages, table headers repeated, columns as
//! wide as their text). [`fragment`] is the report alone (for a page that has its own `<head>`, with
//! [`STYLE`]); [`to_html`] the standalone document. All text is escaped.

use std::fmt::Write;

use super::grid::{Content, Grid, GridCell, grids};
use super::parts;
use crate::published::PublishedReport;
use crate::written;

/// The report's CSS, screen and print; every rule is scoped to `.annual-report`, so a page embedding the
/// fragment keeps its own styles.
pub const STYLE: &str = "@page{size:A4;margin:18mm 16mm}\
.annual-report{font-family:'SimSun','Songti SC','Noto Serif CJK SC','WenQuanYi Micro Hei',serif;\
font-size:12pt;line-height:1.6;color:#000;max-width:180mm;margin:0 auto}\
.annual-report h1{font-size:17pt;text-align:center;margin:0 0 1em}\
.annual-report h2{font-size:13pt;margin:1.2em 0 0.4em;break-after:avoid;page-break-after:avoid}\
.annual-report p{text-indent:2em;margin:0.3em 0}\
.annual-report table{border-collapse:collapse;width:100%;table-layout:fixed;margin:0.4em 0 0.8em}\
.annual-report thead{display:table-header-group}\
.annual-report tr{break-inside:avoid;page-break-inside:avoid}\
.annual-report th,.annual-report td{border:0.75pt solid #000;padding:1.5pt 2pt;font-size:8.5pt;line-height:1.3}\
.annual-report th{font-weight:normal;text-align:center;vertical-align:middle}\
.annual-report td.label{text-align:left}\
.annual-report td.figure{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
.annual-report .failed{color:#b00;font-weight:bold;text-indent:0}\
.annual-report .signature{text-align:right;margin-top:2em;break-inside:avoid}\
.annual-report .signature p{text-indent:0;margin:0}\
.annual-report .colophon{margin-top:2em;font-size:9pt;color:#333;break-inside:avoid}\
.annual-report .colophon h2{font-size:10pt}\
.annual-report .colophon dl{display:grid;grid-template-columns:max-content 1fr;gap:0 1em;margin:0}\
.annual-report .colophon dd{margin:0;word-break:break-all}\
@media print{.annual-report{max-width:none}}";

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

/// The standalone document: `<head>` with the title and [`STYLE`], the [`fragment`] as its body.
pub fn to_html(published: &PublishedReport) -> String {
    document(&parts::title(published), &fragment(published))
}

/// A standalone document of `title` whose body is `article` (an `<article class="annual-report">`).
pub(crate) fn document(title: &str, article: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{article}</body>\n</html>\n",
        escape(title),
    )
}

/// The report as one `<article class="annual-report">`, to embed in a page that includes [`STYLE`].
pub fn fragment(published: &PublishedReport) -> String {
    fragment_linked(published, &|_| None)
}

/// [`fragment`] with every figure `link` gives an address for (by its cell code) a link there: what a page
/// that lists the cases behind each figure embeds.
pub fn fragment_linked(
    published: &PublishedReport,
    link: &dyn Fn(&str) -> Option<String>,
) -> String {
    let report = &published.report;
    let mut html = format!(
        "<article class=\"annual-report\">\n<h1>{}</h1>\n",
        escape(&parts::title(published))
    );
    if !published.is_final() {
        paragraph(&mut html, "failed", &super::status_zh(published));
    }
    paragraph(&mut html, "", &parts::opening(published));
    let six_parts = parts::has_six_parts(report.format());
    if six_parts {
        heading(&mut html, parts::PART_ONE);
    }
    paragraph(&mut html, "", &parts::overview(published));
    written_part(&mut html, published, 1);
    for (i, grid) in grids(report).iter().enumerate() {
        heading(&mut html, &grid.title);
        table(&mut html, grid, link);
        if six_parts {
            written_part(&mut html, published, written::part_of_table(i));
        }
    }
    if six_parts {
        heading(&mut html, parts::PART_FIVE);
        if !written_part(&mut html, published, 5) {
            paragraph(&mut html, "", parts::PART_FIVE_PENDING);
        }
        heading(&mut html, parts::PART_SIX);
        paragraph(&mut html, "", &parts::other_matters(published));
        written_part(&mut html, published, 6);
    }
    signature(&mut html, published);
    colophon(&mut html, published);
    html.push_str("</article>\n");
    html
}

/// The officer's paragraphs of `part`, after what the part computes; whether there were any.
fn written_part(html: &mut String, published: &PublishedReport, part: u8) -> bool {
    let Some(written) = written::part(&published.written, part) else {
        return false;
    };
    for text in written.paragraphs() {
        paragraph(html, "written", text);
    }
    true
}

pub(crate) fn heading(html: &mut String, text: &str) {
    let _ = writeln!(html, "<h2>{}</h2>", escape(text));
}

pub(crate) fn paragraph(html: &mut String, class: &str, text: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    // Writing to a String cannot fail.
    let _ = writeln!(html, "<p{class}>{}</p>", escape(text));
}

/// The 落款: the agency's registered name and the date, right-aligned.
fn signature(html: &mut String, published: &PublishedReport) {
    let _ = write!(
        html,
        "<div class=\"signature\">\n<p>{}</p>\n",
        escape(published.display_name())
    );
    if let Some(date) = parts::signature_date(published) {
        let _ = writeln!(html, "<p>{}</p>", escape(&date));
    }
    html.push_str("</div>\n");
}

fn colophon(html: &mut String, published: &PublishedReport) {
    let _ = write!(
        html,
        "<section class=\"colophon\">\n<h2>{}</h2>\n<dl>\n",
        parts::COLOPHON
    );
    for (label, value) in parts::colophon(published) {
        let _ = writeln!(
            html,
            "<dt>{}</dt><dd>{}</dd>",
            escape(label),
            escape(&value)
        );
    }
    html.push_str("</dl>\n</section>\n");
}

/// A national table: column widths from the longest text of each column, the header rows in `<thead>`
/// (repeated on every printed page), the rest in `<tbody>`.
pub(crate) fn table(html: &mut String, grid: &Grid, link: &dyn Fn(&str) -> Option<String>) {
    html.push_str("<table>\n<colgroup>");
    let units = grid.column_units();
    let total: usize = units.iter().sum();
    for width in &units {
        #[allow(clippy::cast_precision_loss)] // a few hundred units
        let percent = *width as f64 * 100.0 / total.max(1) as f64;
        let _ = write!(html, "<col style=\"width:{percent:.2}%\">");
    }
    html.push_str("</colgroup>\n");
    let head = grid.head_rows;
    for r in 0..grid.height {
        if r == 0 && head > 0 {
            html.push_str("<thead>\n");
        }
        if r == head {
            html.push_str("<tbody>\n");
        }
        html.push_str("<tr>");
        for cell in grid.cells.iter().filter(|c| c.row == r) {
            table_cell(html, cell, link);
        }
        html.push_str("</tr>\n");
        if r + 1 == head {
            html.push_str("</thead>\n");
        }
    }
    html.push_str("</tbody>\n</table>\n");
}

fn table_cell(html: &mut String, cell: &GridCell, link: &dyn Fn(&str) -> Option<String>) {
    let span = match (cell.rowspan, cell.colspan) {
        (1, 1) => String::new(),
        (rs, 1) => format!(" rowspan=\"{rs}\""),
        (1, cs) => format!(" colspan=\"{cs}\""),
        (rs, cs) => format!(" rowspan=\"{rs}\" colspan=\"{cs}\""),
    };
    let _ = match &cell.content {
        Content::Header(text) => write!(html, "<th{span}>{}</th>", escape(text)),
        Content::Label(text) => write!(html, "<td class=\"label\"{span}>{}</td>", escape(text)),
        Content::Rate(n, d, _) => write!(
            html,
            "<td class=\"figure\"{span}>{}</td>",
            escape(&crate::work::percent((*n, *d)))
        ),
        Content::Figure(figure, code) => {
            let text = escape(&super::print_figure(*figure));
            match link(code) {
                Some(href) => write!(
                    html,
                    "<td class=\"figure\"{span}><a href=\"{}\" data-cell=\"{}\">{text}</a></td>",
                    escape(&href),
                    escape(code)
                ),
                None => write!(html, "<td class=\"figure\"{span}>{text}</td>"),
            }
        }
    };
}
