//! `casetrack verify`: checks everything the event log stores — hash chain and checksums, every index entry
//! against its event and back, stream heads, the head marker and the head witness — read-only, so it is safe on
//! a damaged log and runs beside a live writer. Reports damage as log positions and streams. Exits non-zero
//! when the log does not verify.

use casetrack_eventlog::VerifyReport;

use crate::cmd::serve::log_dir;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory (the one `serve`, `demo` and `import` use); the log is DATA/log.
    #[arg(long, default_value = "casetrack-data")]
    pub data: std::path::PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let dir = log_dir(&args.data);
    let report = casetrack_eventlog::verify_dir(&dir)?;
    print_report(&report);
    if report.is_intact() {
        return Ok(());
    }
    anyhow::bail!(
        "event log in {} does not verify ({} problems); restore the latest backup with `casetrack restore`",
        dir.display(),
        report.problems_total
    )
}

/// Prints a report: one line when intact, otherwise every problem with its positions and stream.
pub fn print_report(report: &VerifyReport) {
    let witnessed = report
        .witnessed
        .map_or("no head witness".to_string(), |w| format!("witness {w}"));
    if report.is_intact() {
        println!(
            "ok: {} events verified with every index entry, last hash {} ({witnessed})",
            report.events_checked,
            report.last_hash_hex()
        );
        return;
    }
    if let Some(found) = &report.first_break {
        println!(
            "BROKEN at position {}: {} ({}); {} events before it verified",
            found.position,
            found.kind.as_str(),
            found.detail,
            report.events_checked
        );
    }
    println!("{} problems ({witnessed}):", report.problems_total);
    for problem in &report.problems {
        let positions = match problem.positions {
            Some((first, last)) if first == last => format!("position {first}"),
            Some((first, last)) => format!("positions {first}..={last}"),
            None => "no position".to_string(),
        };
        let stream = problem
            .stream
            .as_ref()
            .map_or(String::new(), |stream| format!(" stream {stream:?}"));
        println!(
            "  {} [{}] {positions}{stream}: {}",
            problem.kind.as_str(),
            problem.column_family,
            problem.detail
        );
    }
    if report.problems_total > report.problems.len() as u64 {
        println!(
            "  … {} more",
            report.problems_total - report.problems.len() as u64
        );
    }
}
