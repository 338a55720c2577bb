//! The in-process bus: order, filters, the bounded buffer and lag notification, and the relay feeding it.

mod common;

use std::sync::Arc;

use casetrack_bus::{Bus, BusError, InProcessBus, Relay};
use casetrack_eventlog::EventLog;

#[tokio::test]
async fn subscribers_receive_matching_events_in_publish_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(dir.path()).expect("open log");
    let events = common::append_events(&log, 30).await;
    let bus = Bus::in_process();
    let mut all = bus
        .subscribe("casetrack.>", "all")
        .await
        .expect("subscribe all");
    let mut received_only = bus
        .subscribe("casetrack.*.ApplicationReceived", "review")
        .await
        .expect("subscribe filtered");
    let mut city_hall = bus
        .subscribe("casetrack.city-hall.>", "agency")
        .await
        .expect("subscribe agency");

    for event in &events {
        bus.publish(event).await.expect("publish");
    }

    for event in &events {
        let delivery = all.next().await.expect("next");
        assert_eq!(&delivery.event, event);
        delivery.ack().await.expect("ack is a no-op in process");
    }
    for event in events
        .iter()
        .filter(|e| e.event_type == "ApplicationReceived")
    {
        assert_eq!(&received_only.next().await.expect("next").event, event);
    }
    for event in events
        .iter()
        .filter(|e| e.metadata.agency.as_deref() == Some("city-hall"))
    {
        assert_eq!(&city_hall.next().await.expect("next").event, event);
    }
}

#[tokio::test]
async fn a_lagging_subscriber_is_told_how_many_it_missed_then_continues_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(dir.path()).expect("open log");
    let events = common::append_events(&log, 10).await;
    let bus = InProcessBus::with_capacity(4);
    let mut slow = bus.subscribe("casetrack.>", "slow").expect("subscribe");

    for event in &events {
        bus.publish(event);
    }

    match slow.next().await {
        Err(BusError::Lagged { missed }) => assert_eq!(missed, 6),
        other => panic!("expected Lagged, got {:?}", other.map(|d| d.event.position)),
    }
    for event in &events[6..] {
        assert_eq!(&slow.next().await.expect("next after lag").event, event);
    }
}

#[tokio::test]
async fn malformed_filters_and_durable_names_are_refused() {
    let bus = Bus::in_process();
    for filter in ["", "casetrack..x", "casetrack.>.x", "casetrack.a*"] {
        assert!(
            matches!(
                bus.subscribe(filter, "ok").await,
                Err(BusError::InvalidFilter { .. })
            ),
            "filter {filter:?}"
        );
    }
    for durable in ["", "a.b", "a*", "a>", "a b"] {
        assert!(
            matches!(
                bus.subscribe("casetrack.>", durable).await,
                Err(BusError::InvalidDurableName { .. })
            ),
            "durable {durable:?}"
        );
    }
}

#[tokio::test]
async fn relay_feeds_the_in_process_bus_in_log_order_and_checkpoints_on_stop() {
    let log_dir = tempfile::tempdir().expect("temp dir");
    let relay_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    let events = common::append_events(&log, 40).await;
    let bus = Bus::in_process();
    let mut subscription = bus
        .subscribe("casetrack.>", "all")
        .await
        .expect("subscribe");

    let mut relay = Relay::open(Arc::new(log.clone()), bus.clone(), relay_dir.path())
        .await
        .expect("open relay");
    relay.run_until(40).await.expect("relay");
    relay.persist().expect("persist");
    assert_eq!(relay.checkpointed_position(), 40);

    for event in &events {
        assert_eq!(&subscription.next().await.expect("next").event, event);
    }
    let reopened = Relay::open(Arc::new(log), bus, relay_dir.path())
        .await
        .expect("reopen relay");
    assert_eq!(
        reopened.next_position(),
        40,
        "resumes after what it published"
    );
}

#[tokio::test]
async fn a_checkpoint_past_the_log_head_is_refused() {
    let log_dir = tempfile::tempdir().expect("temp dir");
    let relay_dir = tempfile::tempdir().expect("temp dir");
    let log = EventLog::open(log_dir.path()).expect("open log");
    common::append_events(&log, 3).await;
    std::fs::write(relay_dir.path().join(casetrack_bus::CHECKPOINT_FILE), "7\n").expect("write");
    let result = Relay::open(Arc::new(log), Bus::in_process(), relay_dir.path()).await;
    assert!(matches!(
        result,
        Err(BusError::CheckpointAheadOfLog {
            checkpoint: 7,
            log_head: 3
        })
    ));
}
