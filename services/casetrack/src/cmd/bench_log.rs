//! `casetrack bench-log`: measures the event log's append throughput and latency with fsync on, for 1, 16 and
//! 64 concurrent appenders, and how many events share each fsync (group commit). Each level writes a fresh log
//! under `--data`. With `--peer jetstream` the same events are then published to NATS JetStream at the same
//! levels (`bench_jetstream.rs`) and the ratios printed.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent};
use uuid::Uuid;

use crate::cmd::bench_jetstream;
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
    /// Also measure a peer with the same events at the same levels, in the same run.
    #[arg(long, value_enum)]
    pub peer: Option<Peer>,
}

/// A system measured beside the log.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Peer {
    /// NATS JetStream, file storage, on a `nats-server -js` the benchmark starts (it must be on PATH).
    Jetstream,
}

/// How long `events` took at one level, and each one's latency (sorted).
pub struct Timing {
    events: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Timing {
    fn per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile_ms(&self, fraction: f64) -> f64 {
        percentile(&self.latencies, fraction).as_secs_f64() * 1000.0
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.events > 0, "--events must be positive");
    if let Some(Peer::Jetstream) = args.peer {
        bench_jetstream::check_available()?;
    }
    let runtime = tokio::runtime::Runtime::new()?;
    println!("appenders   events  events/s   p50 ms   p99 ms   fsyncs  events/fsync");
    let mut ours = Vec::with_capacity(APPENDER_LEVELS.len());
    for appenders in APPENDER_LEVELS {
        let dir = args.data.join(format!("bench-log-{appenders}-appenders"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        // Laid out like any data directory, so `casetrack verify --data <dir>` checks what the bench wrote.
        let (timing, fsyncs) = runtime.block_on(measure(&log_dir(&dir), appenders, args.events))?;
        print_level(appenders, &timing, fsyncs);
        ours.push(timing);
    }
    if let Some(Peer::Jetstream) = args.peer {
        let theirs = runtime.block_on(bench_jetstream::measure(
            &args.data,
            &APPENDER_LEVELS,
            args.events,
        ))?;
        print_peer("JetStream (file store)", &ours, &theirs);
    }
    Ok(())
}

async fn measure(dir: &Path, appenders: usize, events: usize) -> anyhow::Result<(Timing, u64)> {
    let log = EventLog::open(dir)?;
    let fsyncs_before = log.fsync_count();
    let timing = concurrently(appenders, events, |appender, quota| {
        append_quota(log.clone(), appender, quota)
    })
    .await?;
    Ok((timing, log.fsync_count() - fsyncs_before))
}

/// Runs `workers` tasks of `work(worker, quota)` at once, spreading `events` over them, and times the whole; each
/// task returns the latency of each of its events.
pub async fn concurrently<F, Fut>(workers: usize, events: usize, work: F) -> anyhow::Result<Timing>
where
    F: Fn(usize, usize) -> Fut,
    Fut: Future<Output = anyhow::Result<Vec<Duration>>> + Send + 'static,
{
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..workers {
        // The first `events % workers` take one more.
        let quota = events / workers + usize::from(worker < events % workers);
        tasks.spawn(work(worker, quota));
    }
    let mut latencies = Vec::with_capacity(events);
    while let Some(result) = tasks.join_next().await {
        latencies.extend(result??);
    }
    let elapsed = start.elapsed();
    latencies.sort();
    Ok(Timing {
        events,
        elapsed,
        latencies,
    })
}

/// The `index`th event of appender `appender`: a typical small case event, the same for the log and its peers.
pub fn bench_event(appender: usize, index: usize) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: "BenchAppended".to_string(),
        data: serde_json::json!({ "appender": appender, "index": index, "note": "a typical small case event" }),
        metadata: Metadata {
            actor: Some("bench".to_string()),
            ..Metadata::default()
        },
    }
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
        let event = bench_event(appender, index);
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

fn print_level(appenders: usize, timing: &Timing, fsyncs: u64) {
    let per_fsync = timing.events as f64 / fsyncs.max(1) as f64;
    println!(
        "{:>9} {:>8} {:>9.0} {:>8.2} {:>8.2} {:>8} {:>13.1}",
        appenders,
        timing.events,
        timing.per_second(),
        timing.percentile_ms(0.50),
        timing.percentile_ms(0.99),
        fsyncs,
        per_fsync,
    );
}

/// The peer's rows at the same levels, and casetrack's events/s as a multiple of the peer's.
fn print_peer(name: &str, ours: &[Timing], theirs: &[Timing]) {
    println!("\n{name}");
    println!("publishers   events  events/s   p50 ms   p99 ms  casetrack/peer");
    for ((level, our), their) in APPENDER_LEVELS.iter().zip(ours).zip(theirs) {
        println!(
            "{:>10} {:>8} {:>9.0} {:>8.2} {:>8.2} {:>15.2}",
            level,
            their.events,
            their.per_second(),
            their.percentile_ms(0.50),
            their.percentile_ms(0.99),
            our.per_second() / their.per_second(),
        );
    }
}
