//! The relay against a real nats-server (started per test by the testkit): order, exactly-once in effect,
//! and a relay crash in the middle of a stream.

mod common;

use std::sync::Arc;
use std::time::Duration;

use casetrack_bus::{BusError, LogSource, NatsBus, NatsSubscription, Relay, Subscriber};
use casetrack_eventlog::{EventLog, RecordedEvent};
use casetrack_tests::NatsServer;

/// How long a test waits for a message that should come, or to be sure one does not.
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(10);
const SILENCE: Duration = Duration::from_millis(500);

/// The relay over `log` with its checkpoint in `dir`, as the subscriber that runs it.
async fn relay(
    log: &EventLog,
    bus: &NatsBus,
    dir: &std::path::Path,
) -> Subscriber<Relay, LogSource> {
    let relay = Relay::open(log, bus.clone(), dir)
        .await
        .expect("open relay");
    Subscriber::new(relay, LogSource(Arc::new(log.clone())))
}

/// Receive `expected` in order, acking each, then make sure nothing more arrives.
async fn assert_receives_exactly(subscription: &mut NatsSubscription, expected: &[RecordedEvent]) {
    for event in expected {
        let delivery = tokio::time::timeout(RECEIVE_TIMEOUT, subscription.next())
            .await
            .unwrap_or_else(|_| panic!("timed out waiting for position {}", event.position))
            .expect("next");
        assert_eq!(&delivery.event, event, "delivered out of order or altered");
        delivery.ack().await.expect("ack");
    }
    if let Ok(extra) = tokio::time::timeout(SILENCE, subscription.next()).await {
        panic!(
            "unexpected extra delivery: {:?}",
            extra.map(|d| d.event.position)
        );
    }
}

#[tokio::test]
async fn relay_publishes_every_event_in_log_order_and_each_consumer_gets_it_once() {
    let nats = NatsServer::start().expect("start nats-server");
    let log_dir = tempfile::tempdir().expect("temp dir");
    let relay_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    let events = common::append_events(&log, 60).await;
    let bus = NatsBus::connect(&nats.url()).await.expect("connect");

    let mut relay = relay(&log, &bus, relay_dir.path()).await;
    relay.run_until(60).await.expect("relay");
    assert_eq!(relay.consumer().checkpointed_position(), 60);
    assert_eq!(relay.progress().borrow().lag(), 0);
    assert_eq!(bus.stored_messages().await.expect("count"), 60);

    // Consumers created after publishing still get everything: durable, from the start of the stream.
    let mut all = bus
        .subscribe("casetrack.>", "audit")
        .await
        .expect("subscribe all");
    assert_receives_exactly(&mut all, &events).await;

    let mut review = bus
        .subscribe("casetrack.*.ApplicationReceived", "review")
        .await
        .expect("subscribe review");
    let received: Vec<_> = events
        .iter()
        .filter(|e| e.event_type == "ApplicationReceived")
        .cloned()
        .collect();
    assert_receives_exactly(&mut review, &received).await;

    // "city.hall" was sanitised to its own token, distinct from "city-hall"; no agency publishes under "_".
    let mut sanitised = bus
        .subscribe("casetrack.city_hall.>", "sanitised")
        .await
        .expect("subscribe");
    let dotted: Vec<_> = events
        .iter()
        .filter(|e| e.metadata.agency.as_deref() == Some("city.hall"))
        .cloned()
        .collect();
    assert_receives_exactly(&mut sanitised, &dotted).await;
    let mut anonymous = bus
        .subscribe("casetrack._.>", "anonymous")
        .await
        .expect("subscribe");
    let none: Vec<_> = events
        .iter()
        .filter(|e| e.metadata.agency.is_none())
        .cloned()
        .collect();
    assert_receives_exactly(&mut anonymous, &none).await;

    // The relay follows the live log; the consumer keeps receiving in order.
    let more = common::append_events(&log, 3).await;
    relay.run_until(63).await.expect("relay more");
    assert_receives_exactly(&mut all, &more).await;

    // A durable consumer resumes after what it acked: re-attaching delivers nothing old.
    drop(all);
    let mut all_again = bus
        .subscribe("casetrack.>", "audit")
        .await
        .expect("re-subscribe");
    assert_receives_exactly(&mut all_again, &[]).await;
}

#[tokio::test]
async fn relay_crash_mid_stream_resumes_from_checkpoint_and_jetstream_drops_the_repeats() {
    let nats = NatsServer::start().expect("start nats-server");
    let log_dir = tempfile::tempdir().expect("temp dir");
    let relay_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    let events = common::append_events(&log, 100).await;
    let bus = NatsBus::connect(&nats.url()).await.expect("connect");

    relay(&log, &bus, relay_dir.path())
        .await
        .run_until(40)
        .await
        .expect("relay up to the crash");
    assert_eq!(bus.stored_messages().await.expect("count"), 40);
    // A crash after publishing a batch but before its checkpoint reached the disk leaves the checkpoint
    // trailing what NATS holds.
    std::fs::write(relay_dir.path().join("relay.checkpoint"), "24\n").expect("write");

    // Restart: it republishes 24..40 (dropped as repeats) and carries on to the end.
    let mut relay = relay(&log, &bus, relay_dir.path()).await;
    relay.run_until(100).await.expect("relay to the end");
    assert_eq!(relay.consumer().checkpointed_position(), 100);
    assert_eq!(
        bus.stored_messages().await.expect("count"),
        100,
        "repeats were not dropped"
    );

    let mut all = bus
        .subscribe("casetrack.>", "audit")
        .await
        .expect("subscribe");
    assert_receives_exactly(&mut all, &events).await;
}

#[tokio::test]
async fn relay_task_aborted_while_following_the_live_log_loses_and_repeats_nothing() {
    let nats = NatsServer::start().expect("start nats-server");
    let log_dir = tempfile::tempdir().expect("temp dir");
    let relay_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    let nats_bus = NatsBus::connect(&nats.url()).await.expect("connect");
    let bus = nats_bus.clone();

    // The relay follows the live log in a task; events are appended while it runs; the task is aborted at an
    // arbitrary await point once part of them reached NATS.
    let mut first = relay(&log, &bus, relay_dir.path()).await.with_batch(8);
    let task = tokio::spawn(async move { first.run().await });
    let mut events = common::append_events(&log, 50).await;
    let deadline = tokio::time::Instant::now() + RECEIVE_TIMEOUT;
    while nats_bus.stored_messages().await.expect("count") < 20 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "relay published too little"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    task.abort();
    assert!(task.await.expect_err("aborted").is_cancelled());

    events.extend(common::append_events(&log, 20).await);
    let mut relay = relay(&log, &bus, relay_dir.path()).await;
    relay.run_until(70).await.expect("relay to the end");
    assert_eq!(nats_bus.stored_messages().await.expect("count"), 70);

    let mut all = bus
        .subscribe("casetrack.>", "audit")
        .await
        .expect("subscribe");
    assert_receives_exactly(&mut all, &events).await;
}

#[tokio::test]
async fn an_agency_of_5000_characters_is_published_on_a_bounded_subject() {
    let nats = NatsServer::start().expect("start nats-server");
    let log_dir = tempfile::tempdir().expect("temp dir");
    let relay_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    let agency = "市".repeat(5_000);
    let event = casetrack_eventlog::NewEvent {
        event_id: uuid::Uuid::new_v4(),
        event_type: "HotlineReceived".to_owned(),
        data: serde_json::json!({}),
        metadata: casetrack_eventlog::Metadata {
            agency: Some(agency),
            ..Default::default()
        },
    };
    log.append(
        "hotline-1",
        casetrack_eventlog::ExpectedRevision::Any,
        vec![event],
    )
    .await
    .expect("append");
    let mut events = common::append_events(&log, 2).await;
    events.insert(0, log.read_all(0, 1).expect("read").remove(0));
    let bus = NatsBus::connect(&nats.url()).await.expect("connect");

    relay(&log, &bus, relay_dir.path())
        .await
        .run_until(3)
        .await
        .expect("every committed event is publishable");
    let mut all = bus
        .subscribe("casetrack.>", "all")
        .await
        .expect("subscribe");
    assert_receives_exactly(&mut all, &events).await;
}

#[tokio::test]
async fn a_checkpoint_past_the_log_head_is_refused() {
    let nats = NatsServer::start().expect("start nats-server");
    let log_dir = tempfile::tempdir().expect("temp dir");
    let relay_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    common::append_events(&log, 3).await;
    std::fs::write(relay_dir.path().join("relay.checkpoint"), "7\n").expect("write");
    let bus = NatsBus::connect(&nats.url()).await.expect("connect");
    let result = Relay::open(&log, bus, relay_dir.path()).await;
    assert!(matches!(
        result,
        Err(BusError::CheckpointAheadOfLog {
            checkpoint: 7,
            log_head: 3
        })
    ));
}
