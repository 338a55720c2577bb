//! `append_recorded`: re-fed events go back at exactly their positions with their revisions, recorded times
//! and hashes, and anything that does not link to the chain — a gap, a repeat, an altered event, another
//! log's event — is refused with nothing written.

mod common;

use casetrack_eventlog::{EventLog, ExpectedRevision, LogError, MAX_READ_BATCH, RecordedEvent};

const EVENTS: usize = 30;

async fn source_log(dir: &std::path::Path) -> Vec<RecordedEvent> {
    let log = EventLog::open(dir).expect("open");
    for i in 0..EVENTS {
        let event = common::event("Noted", serde_json::json!({ "i": i, "x": i as f64 / 3.0 }));
        log.append(
            &format!("case-{}", i % 4),
            ExpectedRevision::Any,
            vec![event],
        )
        .await
        .expect("append");
    }
    log.read_all(0, MAX_READ_BATCH).expect("read")
}

fn assert_refused(result: Result<Vec<casetrack_eventlog::AppendResult>, LogError>, what: &str) {
    match result {
        Err(LogError::RefeedBreak { .. }) => {}
        other => panic!("{what}: expected a RefeedBreak, got {other:?}"),
    }
}

#[tokio::test]
async fn re_fed_events_rebuild_the_same_chain() {
    let (from, to) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let events = source_log(from.path()).await;
    let copy = EventLog::open(to.path()).expect("open copy");
    copy.append_recorded(events[..10].to_vec())
        .await
        .expect("first part");
    copy.append_recorded(events[10..].to_vec())
        .await
        .expect("the rest");
    assert_eq!(copy.read_all(0, MAX_READ_BATCH).expect("read"), events);
    assert!(copy.verify().expect("verify").is_intact());
    // The re-fed log goes on as any other: a new append chains onto the re-fed head.
    let more = common::event("Noted", serde_json::json!({}));
    copy.append("case-0", ExpectedRevision::Exact(7), vec![more])
        .await
        .expect("append after a re-feed");
    assert!(copy.verify().expect("verify").is_intact());
}

#[tokio::test]
async fn a_re_feed_that_does_not_link_is_refused_and_writes_nothing() {
    let (from, to) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let events = source_log(from.path()).await;
    let copy = EventLog::open(to.path()).expect("open copy");
    copy.append_recorded(events[..10].to_vec())
        .await
        .expect("first part");

    assert_refused(copy.append_recorded(events[11..].to_vec()).await, "a gap");
    assert_refused(
        copy.append_recorded(events[5..12].to_vec()).await,
        "a repeat",
    );
    let mut altered = events[10..].to_vec();
    altered[3].data = serde_json::json!({ "i": "edited" });
    assert_refused(copy.append_recorded(altered).await, "an edited event");
    let mut recorded_later = events[10..].to_vec();
    recorded_later[0].recorded_at += chrono::Duration::milliseconds(1);
    assert_refused(
        copy.append_recorded(recorded_later).await,
        "another recorded time",
    );
    let mut renumbered = events[10..].to_vec();
    renumbered[0].revision += 1;
    assert_refused(copy.append_recorded(renumbered).await, "a wrong revision");

    // Another log's event at the right position does not link either: its hash chains to another history.
    let other = tempfile::tempdir().expect("tmp");
    let foreign = source_log(other.path()).await;
    assert_refused(
        copy.append_recorded(foreign[10..].to_vec()).await,
        "a foreign event",
    );

    assert_eq!(
        copy.next_position(),
        10,
        "nothing of a refused re-feed is written"
    );
    copy.append_recorded(events[10..].to_vec())
        .await
        .expect("the right events still link");
    assert_eq!(copy.read_all(0, MAX_READ_BATCH).expect("read"), events);
}
