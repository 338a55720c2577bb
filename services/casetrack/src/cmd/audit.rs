//! `casetrack audit FILE`: audits a published annual report (审查年度报告) from its table file — JSON, CSV or xlsx
//! as `casetrack report` writes them, or KIROGOVCOMPARE's table schema — with the identity checks every
//! report of ours passes: each identity that fails, the carry-over against the previous year's table
//! (`--previous`), and each figure of the narrative (the file's own text, `--narrative` HTML/Markdown/text)
//! that contradicts the tables. Prints each finding with its cells in Chinese; exits non-zero when any.
//! Needs no data directory and no server: it judges the file alone.

use std::path::{Path, PathBuf};

use anyhow::Context;
use casetrack_reporting::audit::{self, AuditedTable, FileHints, narrative_text, read_table};

#[derive(clap::Args)]
pub struct Args {
    /// The report's tables: .json, .csv or .xlsx as `casetrack report` writes them, or KIROGOVCOMPARE's table
    /// schema (.json).
    pub file: PathBuf,
    /// The same agency's tables of the year before (any of the same kinds), to check that this year's 上年结转
    /// equals last year's 结转下年度继续办理.
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// The report's narrative: the published HTML document (its tables are left out), Markdown or text.
    #[arg(long)]
    pub narrative: Option<PathBuf>,
    /// The agency, for a file that does not name it (CSV).
    #[arg(long)]
    pub agency: Option<String>,
    /// The data year, for a file that does not state it (CSV); the previous year's file is one year earlier.
    #[arg(long)]
    pub year: Option<i32>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let hints = FileHints {
        agency: args.agency.clone(),
        year: args.year,
    };
    let table = read(&args.file, &hints)?;
    let previous = match &args.previous {
        Some(path) => {
            let hints = FileHints {
                agency: args.agency.clone(),
                year: Some(table.report.year() - 1),
            };
            Some(read(path, &hints)?.report)
        }
        None => None,
    };
    let narrative = match &args.narrative {
        Some(path) => narrative_text(
            &std::fs::read(path).with_context(|| open(path))?,
            &name(path),
        )?,
        None => String::new(),
    };
    let findings = audit::audit(&table, previous.as_ref(), &narrative);
    let report = &table.report;
    println!(
        "审查 {}：{} {}年（{}）",
        args.file.display(),
        report.agency(),
        report.year(),
        report.format().basis_zh()
    );
    for (n, finding) in findings.iter().enumerate() {
        println!("{}. {}", n + 1, finding.message_zh(report.format()));
    }
    if findings.is_empty() {
        println!(
            "审查通过：勾稽关系成立{}{}",
            if previous.is_some() {
                "，与上年结转一致"
            } else {
                ""
            },
            if narrative.is_empty() && table.narrative_text.is_empty() {
                ""
            } else {
                "，正文数字与表格一致"
            }
        );
        Ok(())
    } else {
        anyhow::bail!("审查未通过：发现 {} 处问题", findings.len())
    }
}

fn read(path: &Path, hints: &FileHints) -> anyhow::Result<AuditedTable> {
    let bytes = std::fs::read(path).with_context(|| open(path))?;
    Ok(read_table(&bytes, &name(path), hints)?)
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

fn open(path: &Path) -> String {
    format!("无法读取文件 {}", path.display())
}
