//! The repair path end to end, against a real nats-server: the relay publishes a live log to JetStream; a
//! backup is taken halfway; the log is lost; `casetrack restore` puts the backup back and `casetrack refeed`
//! appends the rest from JetStream. The log then equals the original — every event, every position, revision,
//! recorded time and hash — and verifies.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use casetrack_bus::{LogSource, NatsBus, Relay, Subscriber};
use casetrack_eventlog::{
    EventLog, ExpectedRevision, MAX_READ_BATCH, Metadata, NewEvent, RecordedEvent, StreamWrite,
};
use casetrack_tests::NatsServer;
use casetrack_tests::services::casetrack_binary;
use uuid::Uuid;

/// Events written in all; the backup is taken after half of them.
const EVENTS: usize = 240;
/// How long the test waits for the relay to publish everything.
const RELAY_TIMEOUT: Duration = Duration::from_secs(30);

fn new_event(i: usize) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: if i.is_multiple_of(3) {
            "ApplicationReceived"
        } else {
            "ReplyDrafted"
        }
        .to_string(),
        // Floats, nesting, unicode and key order must all survive the trip through JetStream unchanged.
        data: serde_json::json!({ "i": i, "fee": i as f64 / 7.0, "名称": "依申请公开", "z": [1, {"b": 2, "a": null}] }),
        metadata: Metadata {
            actor: Some(format!("staff-{}", i % 4)),
            source_system: Some("12345".to_string()),
            correlation_id: Some(Uuid::new_v4()),
            causation_id: None,
            agency: Some(
                if i.is_multiple_of(2) {
                    "city-hall"
                } else {
                    "district.a"
                }
                .to_string(),
            ),
        },
    }
}

/// Appends events `range` over five case streams; every fourth append is an atomic two-stream append.
async fn write(log: &EventLog, range: std::ops::Range<usize>) {
    for i in range {
        let stream = format!("application-{}", i % 5);
        if i % 4 == 3 {
            let writes = vec![
                StreamWrite {
                    stream,
                    expected: ExpectedRevision::Any,
                    events: vec![new_event(i)],
                },
                StreamWrite {
                    stream: format!("tracking-{}", i % 2),
                    expected: ExpectedRevision::Any,
                    events: vec![new_event(i)],
                },
            ];
            log.append_multi(writes).await.expect("append multi");
        } else {
            log.append(&stream, ExpectedRevision::Any, vec![new_event(i)])
                .await
                .expect("append");
        }
    }
}

fn read_everything(log: &EventLog) -> Vec<RecordedEvent> {
    let mut events = Vec::new();
    loop {
        let batch = log
            .read_all(events.len() as u64, MAX_READ_BATCH)
            .expect("read");
        if batch.is_empty() {
            return events;
        }
        events.extend(batch);
    }
}

/// Writes the log in `data/log` with the relay following it; backs up into `backups` halfway. Returns every
/// event of the original log.
async fn original_log(data: &Path, backups: &Path, nats: &NatsServer) -> Vec<RecordedEvent> {
    let log = EventLog::open(&data.join("log")).expect("open log");
    let nats_bus = NatsBus::connect(&nats.url()).await.expect("connect");
    let relay_dir = data.join("relay");
    std::fs::create_dir_all(&relay_dir).expect("relay dir");
    let relay = Relay::open(&log, nats_bus.clone(), &relay_dir)
        .await
        .expect("open relay");
    let mut relay = Subscriber::new(relay, LogSource(Arc::new(log.clone())));
    let relaying = tokio::spawn(async move { relay.run().await });
    write(&log, 0..EVENTS / 2).await;
    let backup = log.backup(backups, 2).expect("backup on the live log");
    write(&log, EVENTS / 2..EVENTS).await;
    let events = read_everything(&log);
    let deadline = tokio::time::Instant::now() + RELAY_TIMEOUT;
    while nats_bus.stored_messages().await.expect("count") < events.len() as u64 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the relay published too little"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    relaying.abort();
    assert!(backup.events_at_least < events.len() as u64);
    events
}

fn casetrack(args: &[&str]) {
    let output = Command::new(casetrack_binary().expect("casetrack binary"))
        .args(args)
        .output()
        .expect("run casetrack");
    assert!(
        output.status.success(),
        "casetrack {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_then_refeed_from_jetstream_gives_back_the_original_log_chain_included() {
    let nats = NatsServer::start().expect("start nats-server");
    let original = tempfile::tempdir().expect("tempdir");
    let backups = tempfile::tempdir().expect("tempdir");
    let events = original_log(original.path(), backups.path(), &nats).await;
    // The log is lost.
    drop(original);

    let restored = tempfile::tempdir().expect("tempdir");
    let data = restored.path().to_str().expect("utf-8 path");
    let from = backups.path().to_str().expect("utf-8 path");
    casetrack(&["restore", "--from", from, "--to", data]);
    let behind = EventLog::open(&restored.path().join("log")).expect("open restored");
    let restored_head = behind.next_position();
    assert!(
        restored_head < events.len() as u64,
        "the backup is behind the lost log"
    );
    drop(behind);

    casetrack(&["refeed", "--data", data, "--nats", &nats.url()]);
    let log = EventLog::open(&restored.path().join("log")).expect("open re-fed log");
    let refed = read_everything(&log);
    assert_eq!(refed.len(), events.len(), "every position is back");
    for (original, refed) in events.iter().zip(&refed) {
        assert_eq!(original, refed, "position {} differs", original.position);
    }
    assert_eq!(refed.last().map(|e| e.hash), events.last().map(|e| e.hash));
    let report = log.verify().expect("verify");
    assert!(report.is_intact(), "{report:?}");

    // Re-feeding again finds nothing missing and changes nothing.
    drop(log);
    casetrack(&["refeed", "--data", data, "--nats", &nats.url()]);
    let log = EventLog::open(&restored.path().join("log")).expect("reopen");
    assert_eq!(log.next_position(), events.len() as u64);
}
