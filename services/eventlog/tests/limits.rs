//! Every bound is a clear error naming what exceeded it, and a refused append writes nothing.

mod common;

use casetrack_eventlog::{
    Direction, EventLog, ExpectedRevision, LogError, MAX_EVENT_BYTES, MAX_EVENTS_PER_APPEND,
    MAX_READ_BATCH, MAX_STREAM_NAME_LEN, StreamWrite,
};

#[tokio::test]
async fn limits_and_bad_input_are_refused_without_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(dir.path()).expect("open");
    log.append(
        "application-1",
        ExpectedRevision::NoStream,
        common::events(1, "Received"),
    )
    .await
    .expect("append");

    let huge = common::event(
        "Received",
        serde_json::json!({ "text": "x".repeat(MAX_EVENT_BYTES) }),
    );
    let outcome = log
        .append("application-1", ExpectedRevision::Any, vec![huge])
        .await;
    assert!(
        matches!(
            outcome,
            Err(LogError::TooLarge {
                field: "event",
                limit: MAX_EVENT_BYTES,
                ..
            })
        ),
        "{outcome:?}"
    );

    let many = common::events(MAX_EVENTS_PER_APPEND + 1, "Noted");
    let outcome = log
        .append("application-1", ExpectedRevision::Any, many)
        .await;
    assert!(
        matches!(
            outcome,
            Err(LogError::TooLarge {
                field: "events",
                ..
            })
        ),
        "{outcome:?}"
    );

    let long_name = "a".repeat(MAX_STREAM_NAME_LEN + 1);
    let outcome = log
        .append(
            &long_name,
            ExpectedRevision::Any,
            common::events(1, "Noted"),
        )
        .await;
    assert!(
        matches!(
            outcome,
            Err(LogError::TooLarge {
                field: "stream",
                ..
            })
        ),
        "{outcome:?}"
    );

    for bad in ["", "case\u{0}1", "case\n1"] {
        let outcome = log
            .append(bad, ExpectedRevision::Any, common::events(1, "Noted"))
            .await;
        assert!(
            matches!(outcome, Err(LogError::InvalidStreamName { .. })),
            "{bad:?}: {outcome:?}"
        );
    }
    let outcome = log
        .append(
            "application-1",
            ExpectedRevision::Any,
            common::events(1, ""),
        )
        .await;
    assert!(
        matches!(
            outcome,
            Err(LogError::InvalidName {
                field: "event_type",
                ..
            })
        ),
        "{outcome:?}"
    );
    let outcome = log
        .append("application-1", ExpectedRevision::Any, Vec::new())
        .await;
    assert!(
        matches!(outcome, Err(LogError::NoEvents { .. })),
        "{outcome:?}"
    );

    let twice = common::events(1, "Noted");
    let outcome = log
        .append(
            "application-1",
            ExpectedRevision::Any,
            vec![twice[0].clone(), twice[0].clone()],
        )
        .await;
    assert!(
        matches!(outcome, Err(LogError::DuplicateEventIdInAppend { .. })),
        "{outcome:?}"
    );

    // An id stored in one stream is not a retry when sent to another.
    let stored = log.read_all(0, 1).expect("read")[0].event_id;
    let mut moved = common::events(1, "Noted");
    moved[0].event_id = stored;
    let outcome = log
        .append("application-2", ExpectedRevision::Any, moved)
        .await;
    assert!(
        matches!(outcome, Err(LogError::DuplicateMismatch { .. })),
        "{outcome:?}"
    );

    // One failing write in a multi-stream append fails all of it.
    let writes = vec![
        StreamWrite {
            stream: "application-3".into(),
            expected: ExpectedRevision::NoStream,
            events: common::events(1, "A"),
        },
        StreamWrite {
            stream: "application-1".into(),
            expected: ExpectedRevision::NoStream,
            events: common::events(1, "A"),
        },
    ];
    let outcome = log.append_multi(writes).await;
    assert!(
        matches!(&outcome, Err(LogError::WrongExpectedRevision { stream, actual: Some(0), .. }) if stream == "application-1"),
        "{outcome:?}"
    );
    assert!(
        log.read_stream("application-3", 0, Direction::Forward, 10)
            .expect("read")
            .is_empty()
    );

    assert!(matches!(
        log.read_all(0, MAX_READ_BATCH + 1),
        Err(LogError::TooLarge { field: "max", .. })
    ));
    assert_eq!(log.next_position(), 1, "nothing refused was written");
    assert!(log.verify().expect("verify").is_intact());
}
