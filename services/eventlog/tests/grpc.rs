//! The EventLog gRPC service end to end on a loopback ephemeral port: append, a conflict (FAILED_PRECONDITION
//! with expected and actual, and the same typed error through `RemoteLog`), bad input (INVALID_ARGUMENT), reads,
//! an idempotent retry, and a subscription with `CaughtUp` and live events.

mod common;

use casetrack_api::v1 as pb;
use casetrack_api::v1::event_log_client::EventLogClient;
use casetrack_eventlog::{
    Direction, EventLog, ExpectedRevision, Log, LogError, RemoteLog, SubscriptionMessage,
};
use futures::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_log_over_grpc() {
    let dir = tempfile::tempdir().expect("tempdir");
    let endpoint = common::serve_grpc(EventLog::open(dir.path()).expect("open")).await;
    let remote = RemoteLog::connect(endpoint.clone(), "test-token")
        .await
        .expect("connect");

    let first = common::events(2, "ApplicationReceived");
    let result = remote
        .append("application-1", ExpectedRevision::NoStream, first.clone())
        .await
        .expect("append");
    assert_eq!(
        (
            result.first_revision,
            result.next_revision,
            result.first_position,
            result.last_position
        ),
        (0, 2, 0, 1)
    );
    let retry = remote
        .append("application-1", ExpectedRevision::NoStream, first.clone())
        .await
        .expect("retry");
    assert_eq!(
        retry, result,
        "an idempotent retry over gRPC returns the original result"
    );

    // A conflict: the raw status, then the typed error through RemoteLog.
    let mut raw = EventLogClient::connect(endpoint.clone())
        .await
        .expect("raw client");
    let conflict = raw
        .append(pb::AppendEventsRequest {
            stream: "application-1".into(),
            expected: Some(pb::ExpectedRevision {
                kind: pb::expected_revision::Kind::Exact as i32,
                revision: 0,
            }),
            events: vec![pb::NewEvent {
                event_id: uuid::Uuid::new_v4().to_string(),
                event_type: "Noted".into(),
                data_json: "{\"note\":1}".into(),
                metadata: None,
            }],
        })
        .await
        .expect_err("a stale expectation fails");
    assert_eq!(conflict.code(), tonic::Code::FailedPrecondition);
    assert!(
        conflict.message().contains("expected 0") && conflict.message().contains("actual 1"),
        "{}",
        conflict.message()
    );
    match remote
        .append(
            "application-1",
            ExpectedRevision::NoStream,
            common::events(1, "Noted"),
        )
        .await
    {
        Err(LogError::WrongExpectedRevision {
            stream,
            expected,
            actual,
        }) => {
            assert_eq!(
                (stream.as_str(), expected, actual),
                ("application-1", ExpectedRevision::NoStream, Some(1))
            );
        }
        other => panic!("expected WrongExpectedRevision, got {other:?}"),
    }

    // Bad input names the field.
    let bad = raw
        .append(pb::AppendEventsRequest {
            stream: "application-1".into(),
            expected: Some(pb::ExpectedRevision {
                kind: pb::expected_revision::Kind::Any as i32,
                revision: 0,
            }),
            events: vec![pb::NewEvent {
                event_id: "not-a-uuid".into(),
                event_type: "Noted".into(),
                data_json: "{}".into(),
                metadata: None,
            }],
        })
        .await
        .expect_err("a malformed event id fails");
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    assert!(bad.message().contains("event_id"), "{}", bad.message());
    let empty_stream = remote
        .append("", ExpectedRevision::Any, common::events(1, "Noted"))
        .await;
    assert!(
        matches!(
            empty_stream,
            Err(LogError::Remote {
                code: tonic::Code::InvalidArgument,
                ..
            })
        ),
        "{empty_stream:?}"
    );

    // Reads.
    let read = remote
        .read_stream("application-1", 0, Direction::Forward, 10)
        .await
        .expect("read_stream");
    assert_eq!(
        read.iter().map(|e| e.event_id).collect::<Vec<_>>(),
        first.iter().map(|e| e.event_id).collect::<Vec<_>>()
    );
    assert_eq!(read[1].data, first[1].data);
    assert_eq!(read[0].metadata, first[0].metadata);
    assert_eq!(remote.read_all(0, 0).await.expect("read_all").len(), 2);
    assert_eq!(
        remote
            .read_by_category("application", 0, 10)
            .await
            .expect("category")
            .len(),
        2
    );
    assert_eq!(
        remote
            .read_by_type("ApplicationReceived", 1, 10)
            .await
            .expect("type")
            .len(),
        1
    );
    assert_eq!(remote.next_position().await.expect("next_position"), 2);

    // Subscribe: backlog, CaughtUp, then a live event.
    let mut subscription = remote.subscribe_all(0).await.expect("subscribe");
    for position in 0..2 {
        match subscription.next().await.expect("open").expect("message") {
            SubscriptionMessage::Event(event) => assert_eq!(event.position, position),
            other => panic!("expected an event, got {other:?}"),
        }
    }
    assert_eq!(
        subscription.next().await.expect("open").expect("message"),
        SubscriptionMessage::CaughtUp { position: 2 }
    );
    let live = common::events(1, "Noted");
    remote
        .append("hotline-9", ExpectedRevision::Any, live.clone())
        .await
        .expect("live append");
    match subscription.next().await.expect("open").expect("message") {
        SubscriptionMessage::Event(event) => {
            assert_eq!(
                (event.position, event.event_id, event.stream.as_str()),
                (2, live[0].event_id, "hotline-9")
            );
        }
        other => panic!("expected the live event, got {other:?}"),
    }

    let report = remote.verify().await.expect("verify");
    assert!(report.is_intact());
    assert_eq!(report.events_checked, 3);
}
