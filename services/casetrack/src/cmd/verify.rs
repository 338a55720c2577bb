//! `casetrack verify`: walk the event log's hash chain and checksums (read-only, safe on a damaged log) and
//! report the first broken position. Exits non-zero when the log does not verify.

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
    match &report.first_break {
        None => {
            println!(
                "ok: {} events verified, last hash {}",
                report.events_checked,
                report.last_hash_hex()
            );
            Ok(())
        }
        Some(found) => {
            println!(
                "BROKEN at position {}: {} ({}); {} events before it verified",
                found.position,
                found.kind.as_str(),
                found.detail,
                report.events_checked
            );
            anyhow::bail!(
                "event log in {} does not verify: first break at position {}",
                dir.display(),
                found.position
            )
        }
    }
}
