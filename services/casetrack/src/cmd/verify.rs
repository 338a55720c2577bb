//! `casetrack verify`: checks everything the event log stores — hash chain and checksums, every index entry
//! against its event and back, stream heads, the head marker and the head witness — read-only, so it is safe on
//! a damaged log and runs beside a live writer. Reports damage as log positions and streams. Then lists the
//! events the read models in DATA/projections skipped because they could not fold them (when no running
//! process holds that store). Exits non-zero when the log does not verify or a model skipped an event.

use std::path::Path;

use casetrack_eventlog::VerifyReport;
use casetrack_projector::skipped::skipped_events;
use casetrack_projector::{Projector, ReadModel, projections_dir};

use crate::cmd::serve::log_dir;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory (the one `serve`, `demo` and `import` use); the log is DATA/log.
    #[arg(long, default_value = "casetrack-data")]
    pub data: std::path::PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let dir = log_dir(&args.data);
    // A reporting process's data directory holds read models and no log.
    if dir.exists() || !projections_dir(&args.data).exists() {
        let report = casetrack_eventlog::verify_dir(&dir)?;
        print_report(&report);
        anyhow::ensure!(
            report.is_intact(),
            "event log in {} does not verify ({} problems); restore the latest backup with `casetrack restore`",
            dir.display(),
            report.problems_total
        );
    }
    let skipped = print_skipped(&args.data)?;
    anyhow::ensure!(
        skipped == 0,
        "the read models skipped {skipped} events: the reports they could change are incomplete; fix the \
         code that cannot fold them and run `casetrack rebuild`"
    );
    Ok(())
}

/// Prints every event a read model in DATA/projections skipped, and returns how many.
fn print_skipped(data: &Path) -> anyhow::Result<usize> {
    let dir = projections_dir(data);
    if !dir.exists() {
        return Ok(0);
    }
    let projector = match Projector::open(&dir) {
        Ok(projector) => projector,
        Err(error) => {
            println!(
                "read models not checked ({error}); the running server's reports name skipped events"
            );
            return Ok(0);
        }
    };
    let view = projector.store().view();
    let mut count = 0;
    for model in ReadModel::ALL {
        for skipped in skipped_events(&view, model)? {
            println!(
                "SKIPPED by {model} at position {} stream {:?} ({}) agency {}: {}",
                skipped.position,
                skipped.stream,
                skipped.event_type,
                skipped.agency.as_deref().unwrap_or("(none: every report)"),
                skipped.reason
            );
            count += 1;
        }
    }
    if count == 0 {
        println!("ok: the read models skipped no event");
    }
    Ok(count)
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
