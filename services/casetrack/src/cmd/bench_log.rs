//! `casetrack bench-log`: measures the event log's append throughput and latency with fsync on, for 1, 16 and
//! 64 concurrent appenders, and how many events share each fsync (group commit). Each level writes a fresh log
//! under `--data`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use uuid::Uuid;

use crate::cmd::serve::log_dir;

/// The concurrency levels measured, in order.
const APPENDER_LEVELS: [usize; 3] = [1, 16, 64];

#[derive(clap::Args)]
pub struct Args {
    /// Directory for the benchmark logs (one fresh `bench-log-<n>-appenders` log per level is written under it).
    #[arg(long)]
    pub data: PathBuf,
    /// Events appended at each concurrency level (one event per append).
    #[arg(long, default_value_t = 5000)]
    pub events: usize,
}

struct Level {
    appenders: usize,
    events: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    fsyncs: u64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.events > 0, "--events must be positive");
    let runtime = tokio::runtime::Runtime::new()?;
    println!("appenders   events  events/s   p50 ms   p99 ms   fsyncs  events/fsync");
    for appenders in APPENDER_LEVELS {
        let dir = args.data.join(format!("bench-log-{appenders}-appenders"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        // Laid out like any data directory, so `casetrack verify --data <dir>` checks what the bench wrote.
        let level = runtime.block_on(measure(&log_dir(&dir), appenders, args.events))?;
        print_level(&level);
    }
    Ok(())
}

async fn measure(dir: &Path, appenders: usize, events: usize) -> anyhow::Result<Level> {
    let log = EventLog::open(dir)?;
    let fsyncs_before = log.fsync_count();
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for appender in 0..appenders {
        // Spread `events` over the appenders; the first `events % appenders` take one more.
        let quota = events / appenders + usize::from(appender < events % appenders);
        tasks.spawn(append_quota(log.clone(), appender, quota));
    }
    let mut latencies = Vec::with_capacity(events);
    while let Some(result) = tasks.join_next().await {
        latencies.extend(result??);
    }
    let elapsed = start.elapsed();
    latencies.sort();
    Ok(Level {
        appenders,
        events,
        elapsed,
        latencies,
        fsyncs: log.fsync_count() - fsyncs_before,
    })
}

async fn append_quota(
    log: EventLog,
    appender: usize,
    quota: usize,
) -> anyhow::Result<Vec<Duration>> {
    let stream = format!("bench-{}", Uuid::new_v4());
    let mut latencies = Vec::with_capacity(quota);
    let mut expected = ExpectedRevision::NoStream;
    for index in 0..quota {
        let event = NewEvent {
            event_id: Uuid::new_v4(),
            event_type: "BenchAppended".to_string(),
            data: serde_json::json!({ "appender": appender, "index": index, "note": "a typical small case event" }),
            metadata: Metadata {
                actor: Some("bench".to_string()),
                ..Metadata::default()
            },
        };
        let start = Instant::now();
        let result = log.append(&stream, expected, vec![event]).await?;
        latencies.push(start.elapsed());
        expected = ExpectedRevision::Exact(result.next_revision - 1);
    }
    Ok(latencies)
}

/// The value at `fraction` (0..=1) of `sorted`, nearest rank; `sorted` must not be empty.
pub(crate) fn percentile<T: Copy>(sorted: &[T], fraction: f64) -> T {
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn print_level(level: &Level) {
    let per_second = level.events as f64 / level.elapsed.as_secs_f64();
    let per_fsync = level.events as f64 / level.fsyncs.max(1) as f64;
    println!(
        "{:>9} {:>8} {:>9.0} {:>8.2} {:>8.2} {:>8} {:>13.1}",
        level.appenders,
        level.events,
        per_second,
        percentile(&level.latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&level.latencies, 0.99).as_secs_f64() * 1000.0,
        level.fsyncs,
        per_fsync,
    );
}
