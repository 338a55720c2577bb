//! `casetrack backup`: an incremental backup of the event log into a backup directory through RocksDB's
//! BackupEngine, taken while the log stays open; only the log is backed up, because the read models are rebuilt
//! from it. The log must not be open in another process (RocksDB's lock): stop `serve`/`eventlog` for the
//! seconds it takes, or run it on a host that owns the data directory alone.

use std::path::PathBuf;

use casetrack_eventlog::EventLog;

use crate::cmd::serve::log_dir;

/// Backups kept by default: a month of daily backups.
const DEFAULT_BACKUPS_KEPT: usize = 30;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory whose log (DATA/log) is backed up.
    #[arg(long, default_value = "casetrack-data")]
    pub data: PathBuf,
    /// Backup directory; each run adds one backup that shares the table files already there.
    #[arg(long)]
    pub to: PathBuf,
    /// How many backups to keep (older ones are purged).
    #[arg(long, default_value_t = DEFAULT_BACKUPS_KEPT)]
    pub keep: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let log = EventLog::open(&log_dir(&args.data))?;
    let info = log.backup(&args.to, args.keep)?;
    println!(
        "backup {} in {}: {} files, {} bytes, holds at least positions 0..{} (checked)",
        info.backup_id,
        args.to.display(),
        info.files,
        info.size_bytes,
        info.events_at_least
    );
    for kept in casetrack_eventlog::list_backups(&args.to)? {
        println!(
            "  kept: backup {} taken at {} ({} bytes)",
            kept.backup_id, kept.timestamp, kept.size_bytes
        );
    }
    Ok(())
}
