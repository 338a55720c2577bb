//! Markdown: the tables with Chinese labels, one Markdown table per block (no spans in Markdown: a heading
//! or group row prints its label with empty figure cells, nesting shows as indentation).

use std::fmt::Write;

use crate::layout::{RowKind, catalogue};
use crate::narrative::NarrativeFigures;
use crate::published::PublishedReport;

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub fn to_markdown(published: &PublishedReport) -> String {
    let report = &published.report;
    let mut md = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        md,
        "# {}{}年政府信息公开工作年度报告\n\n- 格式：{}\n- 数据截至日志位置：{}\n- 规则版本：{}\n- 内容哈希：`{}`\n- 状态：{}\n\n## {}\n\n{}\n",
        cell(&published.agency_title()),
        report.year(),
        report.format().basis_zh(),
        published.as_of_position,
        cell(&published.rules_version),
        published.content_hash,
        super::status_zh(published),
        NarrativeFigures::heading_zh(report.format()),
        report.narrative().text_zh()
    );
    for table in catalogue(report.format()).layout.tables {
        let _ = write!(md, "\n## {}\n", table.heading_zh());
        for block in table.blocks {
            if let Some(heading) = block.heading_zh {
                let _ = write!(md, "\n### {heading}\n");
            }
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
    }
    md
}
