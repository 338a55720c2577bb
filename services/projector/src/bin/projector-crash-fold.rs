//! Test helper for tests/crash.rs: folds the log in `<log dir>` into the projection store in `<projection dir>`
//! until caught up, printing progress, so the test can SIGKILL it mid-fold and check the store afterwards.

use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(log_dir), Some(projection_dir)) = (args.next(), args.next()) else {
        return Err("usage: projector-crash-fold <log dir> <projection dir>".into());
    };
    let log = casetrack_eventlog::EventLog::open(&log_dir)?;
    let projector = casetrack_projector::Projector::open(&projection_dir)?;
    let mut out = std::io::stdout();
    projector.catch_up(&log, &mut |done, total| {
        // Progress is best effort: the parent only reads it for diagnostics.
        let _ = writeln!(out, "{done}/{total}");
    })?;
    Ok(())
}
