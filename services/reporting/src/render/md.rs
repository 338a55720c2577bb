//! Markdown: the tables with Chinese labels, one Markdown table per block (no spans in Markdown: a heading
//! or group row prints its label with empty figure cells, nesting shows as indentation).

use std::fmt::Write;

use super::grid::{Content, Grid};
use super::parts;
use crate::layout::{RowKind, catalogue};
use crate::published::PublishedReport;
use crate::written;

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub fn to_markdown(published: &PublishedReport) -> String {
    let report = &published.report;
    let mut md = format!("# {}\n\n", cell(&parts::title(published)));
    if !published.is_final() {
        let _ = write!(md, "**{}**\n\n", super::status_zh(published));
    }
    let six_parts = parts::has_six_parts(report.format());
    let _ = writeln!(md, "{}", parts::opening(published));
    if six_parts {
        let _ = write!(md, "\n## {}\n", parts::PART_ONE);
    }
    let _ = write!(md, "\n{}\n", parts::overview(published));
    written_part(&mut md, published, 1);
    tables(&mut md, published, six_parts);
    if six_parts {
        let _ = write!(md, "\n## {}\n", parts::PART_FIVE);
        if !written_part(&mut md, published, 5) {
            let _ = write!(md, "\n{}\n", parts::PART_FIVE_PENDING);
        }
        let _ = write!(
            md,
            "\n## {}\n\n{}\n",
            parts::PART_SIX,
            parts::other_matters(published)
        );
        written_part(&mut md, published, 6);
    }
    let _ = write!(md, "\n{}\n", cell(published.display_name()));
    if let Some(date) = parts::signature_date(published) {
        let _ = write!(md, "\n{date}\n");
    }
    let _ = write!(md, "\n---\n\n### {}\n\n", parts::COLOPHON);
    for (label, value) in parts::colophon(published) {
        let _ = writeln!(md, "- {label}：{}", cell(&value));
    }
    md
}

/// The officer's paragraphs of `part`, after what the part computes; whether there were any.
fn written_part(md: &mut String, published: &PublishedReport, part: u8) -> bool {
    let Some(written) = written::part(&published.written, part) else {
        return false;
    };
    for text in written.paragraphs() {
        let _ = write!(md, "\n{}\n", cell(text));
    }
    true
}

/// The national tables, one Markdown table per block (a block that continues the one before under the same
/// header continues its table), each followed in a six-part report by the officer's paragraphs of its part.
fn tables(md: &mut String, published: &PublishedReport, six_parts: bool) {
    let report = &published.report;
    for (i, table) in catalogue(report.format()).layout.tables.iter().enumerate() {
        let _ = write!(md, "\n## {}\n", table.heading_zh());
        let mut previous = None;
        for block in table.blocks {
            if let Some(heading) = block.heading_zh {
                let _ = write!(md, "\n### {heading}\n");
            }
            // A block continuing the one before under the same header continues its Markdown table.
            if !previous.is_some_and(|p| block.continues(p)) {
                let corner = table.top_left_zh.unwrap_or(block.row_header_zh);
                let mut header = format!("\n| {} |", cell(corner));
                for column in block.columns {
                    let label = match column.group_zh {
                        Some(group) => format!("{group}·{}", column.label_zh),
                        None => column.label_zh.to_string(),
                    };
                    let _ = write!(header, " {} |", cell(&label));
                }
                md.push_str(&header);
                md.push_str("\n|---|");
                md.push_str(&"---:|".repeat(block.columns.len()));
                md.push('\n');
            }
            previous = Some(block);
            for row in block.rows() {
                let label = format!("{}{}", "　".repeat(usize::from(row.depth)), row.label_zh);
                let _ = write!(md, "| {} |", cell(&label));
                let shows_figures = !matches!(
                    row.kind,
                    RowKind::Heading | RowKind::Sum { printed: false, .. }
                );
                for column in block.columns {
                    let value = match row.code.filter(|_| shows_figures) {
                        Some(code) => super::print_figure(
                            report.get(&format!("{}.{code}.{}", table.code, column.code)),
                        ),
                        None => String::new(),
                    };
                    let _ = write!(md, " {value} |");
                }
                md.push('\n');
            }
        }
        if six_parts {
            written_part(md, published, written::part_of_table(i));
        }
    }
}

/// A grid of unspanned cells (the work statistics' sections) as one Markdown table under its title: the first
/// row is the header, figures right-aligned.
pub(crate) fn grid_table(md: &mut String, grid: &Grid) {
    let _ = write!(md, "\n## {}\n\n", cell(&grid.title));
    for r in 0..grid.height {
        md.push('|');
        for content in grid.cells.iter().filter(|c| c.row == r).map(|c| &c.content) {
            let text = match content {
                Content::Header(text) | Content::Label(text) => text.clone(),
                Content::Figure(figure, _) => super::print_figure(*figure),
                Content::Rate(n, d, _) => crate::work::percent((*n, *d)),
            };
            let _ = write!(md, " {} |", cell(&text));
        }
        md.push('\n');
        if r == 0 {
            md.push_str("|---|");
            md.push_str(&"---:|".repeat(usize::from(grid.width.saturating_sub(1))));
            md.push('\n');
        }
    }
}
