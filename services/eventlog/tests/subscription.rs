//! Catch-up subscriptions: backlog then live under concurrent appends with no gap and no duplicate across the
//! switch and a `CaughtUp` in between; a subscriber that stops reading is told it fell behind and resumes
//! from the position it was given.

mod common;

use std::collections::HashSet;

use casetrack_eventlog::{
    EventLog, ExpectedRevision, SUBSCRIPTION_BUFFER, Subscription, SubscriptionMessage,
};

async fn next_message(subscription: &mut Subscription) -> SubscriptionMessage {
    let next = tokio::time::timeout(std::time::Duration::from_secs(30), subscription.next()).await;
    next.expect("a message within 30 s")
        .expect("subscription open")
        .expect("no error")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_switches_to_live_without_gap_or_duplicate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(dir.path()).expect("open");
    const BACKLOG_APPENDS: usize = 60;
    const APPENDERS: usize = 4;
    const LIVE_APPENDS_EACH: usize = 40;
    const EVENTS_PER_APPEND: usize = 3;
    for i in 0..BACKLOG_APPENDS {
        log.append(
            &format!("backlog-{i}"),
            ExpectedRevision::NoStream,
            common::events(EVENTS_PER_APPEND, "Old"),
        )
        .await
        .expect("backlog append");
    }
    let total = (BACKLOG_APPENDS + APPENDERS * LIVE_APPENDS_EACH) * EVENTS_PER_APPEND;

    // Appenders start together with the subscription, so the switch to live happens under load.
    let mut appenders = tokio::task::JoinSet::new();
    for appender in 0..APPENDERS {
        let log = log.clone();
        appenders.spawn(async move {
            for _ in 0..LIVE_APPENDS_EACH {
                let events = common::events(EVENTS_PER_APPEND, "New");
                log.append(&format!("live-{appender}"), ExpectedRevision::Any, events)
                    .await
                    .expect("live append");
                tokio::task::yield_now().await;
            }
        });
    }

    let mut subscription = log.subscribe_all(0);
    let mut positions = Vec::new();
    let mut ids = HashSet::new();
    let mut caught_up = Vec::new();
    while positions.len() < total {
        match next_message(&mut subscription).await {
            SubscriptionMessage::Event(event) => {
                assert!(ids.insert(event.event_id), "no duplicate event");
                positions.push(event.position);
            }
            SubscriptionMessage::CaughtUp { position } => {
                assert_eq!(
                    position,
                    positions.len() as u64,
                    "caught up at the next undelivered position"
                );
                caught_up.push(position);
            }
            SubscriptionMessage::FellBehind { resume_from } => {
                panic!("a keeping-up subscriber fell behind at {resume_from}")
            }
        }
    }
    while let Some(result) = appenders.join_next().await {
        result.expect("appender");
    }
    assert_eq!(
        positions,
        (0..total as u64).collect::<Vec<_>>(),
        "gapless, in order"
    );
    if caught_up.is_empty() {
        // The subscriber trailed the appenders all along; it catches up once they stop.
        assert_eq!(
            next_message(&mut subscription).await,
            SubscriptionMessage::CaughtUp {
                position: total as u64
            }
        );
        caught_up.push(total as u64);
    }
    assert!(
        caught_up[0] >= (BACKLOG_APPENDS * EVENTS_PER_APPEND) as u64,
        "the backlog came first"
    );
    let all = log.read_all(0, total).expect("read_all");
    let read_ids: HashSet<_> = all.iter().map(|event| event.event_id).collect();
    assert_eq!(read_ids, ids, "the subscription delivered exactly the log");

    // A subscription from the middle starts there; at the head it says so straight after the backlog.
    let mut middle = log.subscribe_all(total as u64 - 5);
    for position in total as u64 - 5..total as u64 {
        match next_message(&mut middle).await {
            SubscriptionMessage::Event(event) => assert_eq!(event.position, position),
            other => panic!("expected an event, got {other:?}"),
        }
    }
    assert_eq!(
        next_message(&mut middle).await,
        SubscriptionMessage::CaughtUp {
            position: total as u64
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_subscriber_falls_behind_and_resumes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(dir.path()).expect("open");
    log.append(
        "case-0",
        ExpectedRevision::NoStream,
        common::events(2, "Opened"),
    )
    .await
    .expect("append");

    let mut slow = log.subscribe_all(0);
    for position in 0..2 {
        match next_message(&mut slow).await {
            SubscriptionMessage::Event(event) => assert_eq!(event.position, position),
            other => panic!("expected an event, got {other:?}"),
        }
    }
    assert_eq!(
        next_message(&mut slow).await,
        SubscriptionMessage::CaughtUp { position: 2 }
    );

    // Sequential appends are one commit group each; more groups than the buffer holds, unread.
    let groups = SUBSCRIPTION_BUFFER + 10;
    for i in 0..groups {
        log.append(
            &format!("case-{}", i + 1),
            ExpectedRevision::NoStream,
            common::events(1, "Opened"),
        )
        .await
        .expect("append");
    }
    let total = 2 + groups as u64;
    assert_eq!(
        next_message(&mut slow).await,
        SubscriptionMessage::FellBehind { resume_from: 2 }
    );
    assert!(
        slow.next().await.is_none(),
        "the subscription ends after FellBehind"
    );

    let mut resumed = log.subscribe_all(2);
    for position in 2..total {
        match next_message(&mut resumed).await {
            SubscriptionMessage::Event(event) => assert_eq!(event.position, position),
            other => panic!("expected an event, got {other:?}"),
        }
    }
    assert_eq!(
        next_message(&mut resumed).await,
        SubscriptionMessage::CaughtUp { position: total }
    );
}
