//! `casetrack restore`: restores a backup's event log into a new data directory and verifies all of it (chain,
//! checksums, every index, head); only a copy that verifies gets a head witness and will open. The read models
//! are not restored: `serve` (or `casetrack rebuild`) folds them from the restored log.

use std::path::PathBuf;

use crate::cmd::serve::log_dir;
use crate::cmd::verify::print_report;

#[derive(clap::Args)]
pub struct Args {
    /// Backup directory written by `casetrack backup`.
    #[arg(long)]
    pub from: PathBuf,
    /// New data directory; its log (DATA/log) must not exist yet or be empty.
    #[arg(long)]
    pub to: PathBuf,
    /// The backup to restore (`casetrack backup` lists them); the newest by default.
    #[arg(long)]
    pub backup_id: Option<u32>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let dir = log_dir(&args.to);
    let report = casetrack_eventlog::restore(&args.from, args.backup_id, &dir)?;
    print_report(&report);
    anyhow::ensure!(
        report.is_intact(),
        "the restored copy in {} does not verify; it was left unwitnessed and will not open — try an older \
         backup with --backup-id",
        dir.display()
    );
    println!(
        "restored into {}: positions 0..{} verified; start `casetrack serve --data {}` to rebuild the read models",
        dir.display(),
        report.events_checked,
        args.to.display()
    );
    Ok(())
}
