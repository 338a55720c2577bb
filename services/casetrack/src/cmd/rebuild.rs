//! `casetrack rebuild`: reset read models and fold them again from log position 0, with a progress bar. Other
//! models keep their state and checkpoints; each catches up on its own. Stop `casetrack serve` first: the
//! data directory is opened directly.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use casetrack_eventlog::EventLog;
use casetrack_projector::{Projector, ReadModel, projections_dir};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cmd::serve::log_dir;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory.
    #[arg(long, default_value = "casetrack-data")]
    pub data: PathBuf,
    /// Read model to rebuild (annual, cases, queues, workload); all when absent.
    #[arg(long)]
    pub model: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let models = match &args.model {
        Some(name) => vec![name.parse::<ReadModel>()?],
        None => ReadModel::ALL.to_vec(),
    };
    let log = EventLog::open(&log_dir(&args.data)).with_context(|| {
        format!(
            "open the event log in {} (stop `casetrack serve` first)",
            args.data.display()
        )
    })?;
    let projector =
        Projector::open(&projections_dir(&args.data)).context("open the projection store")?;
    let bar = ProgressBar::new(log.next_position());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} rebuilding [{bar:40}] {pos}/{len} events ({per_sec}, eta {eta})",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let reached = projector.rebuild(&log, &models, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish();
    let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
    println!(
        "rebuilt {} up to log position {reached} in {:.1?}",
        names.join(", "),
        started.elapsed()
    );
    Ok(())
}
