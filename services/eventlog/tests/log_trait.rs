//! `Log` answers the same in process and over gRPC: a whole stream read across batches and refused past its
//! bound, the last event of a stream, the head, and a subscription as a stream.

mod common;

use std::sync::Arc;

use casetrack_eventlog::{
    EventLog, ExpectedRevision, Log, LogError, MAX_EVENTS_PER_APPEND, MAX_READ_BATCH, RemoteLog,
    SubscriptionMessage,
};
use futures::StreamExt;

/// Longer than one read batch, so a whole-stream read takes more than one.
const STREAM_EVENTS: usize = MAX_READ_BATCH + 3;

async fn remote(log: EventLog) -> RemoteLog {
    RemoteLog::connect(common::serve_grpc(log).await, "test-token")
        .await
        .expect("connect")
}

async fn check(log: Arc<dyn Log>) {
    let whole = log
        .read_stream_to_end("application-1", STREAM_EVENTS)
        .await
        .expect("whole stream");
    assert!(
        whole.iter().map(|e| e.revision).eq(0..STREAM_EVENTS as u64),
        "every event once, in revision order"
    );
    match log
        .read_stream_to_end("application-1", STREAM_EVENTS - 1)
        .await
    {
        Err(LogError::TooLarge { limit, actual, .. }) => {
            assert_eq!((limit, actual), (STREAM_EVENTS - 1, STREAM_EVENTS));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(
        log.read_stream_to_end("application-2", 1)
            .await
            .expect("missing stream")
            .is_empty()
    );

    let last = log.read_last("application-1").await.expect("last");
    assert_eq!(last.map(|e| e.revision), Some(STREAM_EVENTS as u64 - 1));
    assert!(
        log.read_last("application-2")
            .await
            .expect("none")
            .is_none()
    );
    assert_eq!(
        log.next_position().await.expect("head"),
        STREAM_EVENTS as u64
    );

    let from = STREAM_EVENTS as u64 - 1;
    let mut subscription = log.subscribe_all(from).await.expect("subscribe");
    match subscription.next().await.expect("open").expect("message") {
        SubscriptionMessage::Event(event) => assert_eq!(event.position, from),
        other => panic!("expected an event, got {other:?}"),
    }
    assert_eq!(
        subscription.next().await.expect("open").expect("message"),
        SubscriptionMessage::CaughtUp { position: from + 1 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_and_remote_logs_answer_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(dir.path()).expect("open");
    let mut written = 0;
    while written < STREAM_EVENTS {
        let count = MAX_EVENTS_PER_APPEND.min(STREAM_EVENTS - written);
        log.append(
            "application-1",
            ExpectedRevision::Any,
            common::events(count, "Noted"),
        )
        .await
        .expect("append");
        written += count;
    }

    check(Arc::new(log.clone())).await;
    check(Arc::new(remote(log).await)).await;
}
