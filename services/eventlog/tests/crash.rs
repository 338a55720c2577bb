//! Crash safety: a child process appends under concurrent load (`src/bin/eventlog-crash-writer.rs`) and is
//! killed with SIGKILL at random moments. After each kill the log must reopen, hold every acknowledged event
//! exactly once at the acknowledged stream, revision and position, have gapless positions, and verify.
//!
//! The kill moments come from a seed (printed; set `CRASH_SEED` to replay one run).

use std::collections::HashMap;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Duration;

use casetrack_eventlog::{EventLog, MAX_READ_BATCH};
use uuid::Uuid;

const ITERATIONS: usize = 20;
const MIN_RUN_MS: u64 = 100;
const MAX_RUN_MS: u64 = 400;

struct Ack {
    stream: String,
    first_revision: u64,
    first_position: u64,
    event_ids: Vec<Uuid>,
}

fn parse_ack(line: &str) -> Ack {
    let fields: Vec<&str> = line.split(' ').collect();
    assert_eq!(
        (fields.len(), fields[0]),
        (5, "ACK"),
        "malformed line {line:?}"
    );
    Ack {
        stream: fields[1].to_string(),
        first_revision: fields[2].parse().expect("revision"),
        first_position: fields[3].parse().expect("position"),
        event_ids: fields[4]
            .split(',')
            .map(|id| id.parse().expect("uuid"))
            .collect(),
    }
}

/// xorshift64*: deterministic kill moments from a seed.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

#[test]
fn acknowledged_appends_survive_sigkill() {
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_nanos() as u64
                | 1
        });
    println!("CRASH_SEED={seed}");
    let mut random = seed;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut acked: Vec<Ack> = Vec::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    for iteration in 0..ITERATIONS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eventlog-crash-writer"))
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the crash writer");
        let stdout = child.stdout.take().expect("piped stdout");
        let reader = std::thread::spawn(move || {
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        let run_ms = MIN_RUN_MS + next_random(&mut random) % (MAX_RUN_MS - MIN_RUN_MS + 1);
        std::thread::sleep(Duration::from_millis(run_ms));
        child.kill().expect("SIGKILL the writer");
        child.wait().expect("reap the writer");
        let lines = reader.join().expect("reader thread");
        // Each line is one write(2) of far less than PIPE_BUF bytes, so a kill cannot leave half a line.
        acked.extend(lines.iter().map(|line| parse_ack(line)));

        let log = EventLog::open(dir.path()).expect("reopen after SIGKILL");
        let mut all = Vec::new();
        while (all.len() as u64) < log.next_position() {
            all.extend(
                log.read_all(all.len() as u64, MAX_READ_BATCH)
                    .expect("read_all"),
            );
        }
        let mut seen: HashMap<Uuid, usize> = HashMap::new();
        for (index, event) in all.iter().enumerate() {
            assert_eq!(event.position, index as u64, "positions are gapless");
            *seen.entry(event.event_id).or_default() += 1;
        }
        assert!(
            seen.values().all(|count| *count == 1),
            "no event is stored twice"
        );
        for ack in &acked {
            for (offset, event_id) in ack.event_ids.iter().enumerate() {
                let event = all.get((ack.first_position + offset as u64) as usize).unwrap_or_else(|| {
                    panic!("iteration {iteration}: acknowledged event {event_id} is missing (seed {seed})")
                });
                assert_eq!(
                    event.event_id, *event_id,
                    "acknowledged event at its position (seed {seed})"
                );
                assert_eq!(event.stream, ack.stream);
                assert_eq!(event.revision, ack.first_revision + offset as u64);
            }
        }
        let report = log.verify().expect("verify");
        assert!(
            report.is_intact(),
            "iteration {iteration}: {report:?} (seed {seed})"
        );
        assert_eq!(report.events_checked, all.len() as u64);
        // The log still takes appends after recovery.
        let probe = runtime.block_on(log.append(
            &format!("probe-{iteration}"),
            casetrack_eventlog::ExpectedRevision::NoStream,
            vec![casetrack_eventlog::NewEvent {
                event_id: Uuid::new_v4(),
                event_type: "Probe".into(),
                data: serde_json::json!({}),
                metadata: Default::default(),
            }],
        ));
        assert_eq!(
            probe.expect("append after recovery").first_position,
            all.len() as u64
        );
    }
    assert!(
        acked.len() > ITERATIONS,
        "the writer acknowledged appends ({} in all)",
        acked.len()
    );
}
