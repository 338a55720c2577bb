//! `casetrack refeed`: after `casetrack restore` put back a backup that is behind the lost log, appends the
//! missing events from the relay's JetStream stream, which keeps every committed event. Each event goes back at
//! its original position with its original revision, recorded time and hash, and must link to the chain
//! (`EventLog::append_recorded`), so the result is the original log, hash chain included, or a refusal naming
//! the first event that does not link. Run it before `serve`: the restored log must not take new appends first.

use std::path::PathBuf;

use casetrack_bus::{NatsBus, NatsReplay, STREAM_NAME};
use casetrack_eventlog::{EventLog, MAX_REFEED_BATCH, RecordedEvent};

use crate::cmd::serve::log_dir;
use crate::cmd::verify::print_report;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory whose log (DATA/log) was restored by `casetrack restore`.
    #[arg(long)]
    pub data: PathBuf,
    /// NATS server URL.
    #[arg(long)]
    pub nats: String,
    /// The JetStream stream the relay publishes to.
    #[arg(long, default_value = STREAM_NAME)]
    pub stream: String,
}

/// What a re-feed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refed {
    /// The log's head before the re-feed.
    pub from: u64,
    /// The log's head after it.
    pub to: u64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let dir = log_dir(&args.data);
    let log = EventLog::open(&dir)?;
    let refed = runtime.block_on(async {
        let nats = NatsBus::connect_only(&args.nats).await?;
        let replay = nats.replay(&args.stream).await?;
        refeed(&log, replay).await
    })?;
    let report = log.verify()?;
    print_report(&report);
    anyhow::ensure!(
        report.is_intact(),
        "the re-fed log in {} does not verify",
        dir.display()
    );
    println!(
        "re-fed positions {}..{} from JetStream stream {}; the log in {} verifies up to {}",
        refed.from,
        refed.to,
        args.stream,
        dir.display(),
        refed.to
    );
    Ok(())
}

/// Appends every event of `replay` past the log's head, in batches of at most [`MAX_REFEED_BATCH`]. Events
/// the log already holds (the restored part, and any repeat JetStream kept) are skipped by position; the log
/// refuses anything after them that does not continue its chain exactly.
pub async fn refeed(log: &EventLog, mut replay: NatsReplay) -> anyhow::Result<Refed> {
    let from = log.next_position();
    let mut next = from;
    let mut batch: Vec<RecordedEvent> = Vec::with_capacity(MAX_REFEED_BATCH);
    while let Some(event) = replay.next().await? {
        if event.position < next {
            continue;
        }
        next = event.position + 1;
        batch.push(event);
        if batch.len() == MAX_REFEED_BATCH {
            log.append_recorded(std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        log.append_recorded(batch).await?;
    }
    Ok(Refed {
        from,
        to: log.next_position(),
    })
}
