//! Test helper for `tests/crash.rs`: opens the log in the directory given as the only argument and appends
//! forever from `WRITERS` concurrent tasks, printing one line per acknowledged append, flushed before the next
//! append starts:
//!
//! `ACK <stream> <first_revision> <first_position> <event id>,<event id>,...`
//!
//! The test kills this process with SIGKILL at random moments; every printed append must survive. With a second
//! argument N the writer crashes itself (`abort`, which like SIGKILL runs no destructor and flushes nothing)
//! right after its N-th acknowledgement, so the fault-injection tests get a crashed log of a known size.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent, StreamWrite};
use uuid::Uuid;

/// Concurrent appenders, enough that group commit batches several appends per fsync.
const WRITERS: usize = 16;
/// Events per append cycle through 1..=MAX_EVENTS_PER_CRASH_APPEND.
const MAX_EVENTS_PER_CRASH_APPEND: usize = 3;

fn new_events(count: usize, writer: usize) -> Vec<NewEvent> {
    (0..count)
        .map(|i| NewEvent {
            event_id: Uuid::new_v4(),
            event_type: "CrashTestAppended".to_string(),
            data: serde_json::json!({ "writer": writer, "index": i }),
            metadata: Metadata {
                actor: Some(format!("writer-{writer}")),
                ..Metadata::default()
            },
        })
        .collect()
}

/// Acknowledgements after which the writer aborts (from the second argument), if any.
static CRASH_AFTER: OnceLock<usize> = OnceLock::new();
static ACKS: AtomicUsize = AtomicUsize::new(0);

fn print_ack(stream: &str, first_revision: u64, first_position: u64, events: &[NewEvent]) {
    let ids: Vec<String> = events
        .iter()
        .map(|event| event.event_id.to_string())
        .collect();
    let mut out = std::io::stdout().lock();
    // A closed stdout means the test is gone; nothing left to report to.
    let _ = writeln!(
        out,
        "ACK {stream} {first_revision} {first_position} {}",
        ids.join(",")
    );
    let _ = out.flush();
    if CRASH_AFTER
        .get()
        .is_some_and(|limit| ACKS.fetch_add(1, Ordering::SeqCst) + 1 >= *limit)
    {
        std::process::abort();
    }
}

async fn write_forever(
    log: EventLog,
    run: Uuid,
    writer: usize,
) -> Result<(), casetrack_eventlog::LogError> {
    let stream = format!("crash-{run}-{writer}");
    let side_stream = format!("crashside-{run}-{writer}");
    let mut expected = ExpectedRevision::NoStream;
    let mut side_expected = ExpectedRevision::NoStream;
    for round in 0usize.. {
        let events = new_events(round % MAX_EVENTS_PER_CRASH_APPEND + 1, writer);
        if round % 5 == 4 {
            // Every fifth round is an atomic two-stream append.
            let side_events = new_events(1, writer);
            let writes = vec![
                StreamWrite {
                    stream: stream.clone(),
                    expected,
                    events: events.clone(),
                },
                StreamWrite {
                    stream: side_stream.clone(),
                    expected: side_expected,
                    events: side_events.clone(),
                },
            ];
            let results = log.append_multi(writes).await?;
            print_ack(
                &stream,
                results[0].first_revision,
                results[0].first_position,
                &events,
            );
            print_ack(
                &side_stream,
                results[1].first_revision,
                results[1].first_position,
                &side_events,
            );
            expected = ExpectedRevision::Exact(results[0].next_revision - 1);
            side_expected = ExpectedRevision::Exact(results[1].next_revision - 1);
        } else {
            let result = log.append(&stream, expected, events.clone()).await?;
            print_ack(
                &stream,
                result.first_revision,
                result.first_position,
                &events,
            );
            if round % 7 == 6 {
                // An idempotent retry must return the original result and write nothing.
                let retry = log.append(&stream, ExpectedRevision::Any, events).await?;
                assert_eq!(
                    retry, result,
                    "an idempotent retry returns the original result"
                );
            }
            expected = ExpectedRevision::Exact(result.next_revision - 1);
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: eventlog-crash-writer <data dir>")?;
    if let Some(limit) = std::env::args().nth(2) {
        let _ = CRASH_AFTER.set(limit.parse()?);
    }
    let log = EventLog::open(std::path::Path::new(&dir))?;
    let run = Uuid::new_v4();
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        tasks.spawn(write_forever(log.clone(), run, writer));
    }
    while let Some(result) = tasks.join_next().await {
        result??;
    }
    Ok(())
}
