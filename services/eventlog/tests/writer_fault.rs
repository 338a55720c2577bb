//! A failed synced write stops the writer: the group it belonged to, everything queued behind it and every
//! later append are refused, the log says so to the process, and a reopen recovers exactly the committed
//! events from disk. The failure is injected deterministically (`FAIL_WRITE_ENV`); this file holds one test,
//! so the variable it sets is seen by no other test.

mod common;

use casetrack_eventlog::{EventLog, ExpectedRevision, FAIL_WRITE_ENV, LogError};
use common::events;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_write_stops_the_writer_and_a_reopen_recovers_what_was_committed() {
    let dir = tempfile::tempdir().expect("temp dir");
    // SAFETY: this test binary runs this one test; nothing else reads the environment concurrently.
    unsafe { std::env::set_var(FAIL_WRITE_ENV, "1") };
    let log = EventLog::open(dir.path()).expect("open");
    unsafe { std::env::remove_var(FAIL_WRITE_ENV) };

    log.append("s-1", ExpectedRevision::NoStream, events(3, "E"))
        .await
        .expect("the first group commits");
    let appends = (0..16).map(|i| {
        let log = log.clone();
        tokio::spawn(async move {
            log.append(&format!("t-{i}"), ExpectedRevision::Any, events(1, "E"))
                .await
        })
    });
    for append in appends {
        let refused = append.await.expect("task").expect_err("the writer stopped");
        assert!(
            matches!(refused, LogError::WriterStopped { .. }),
            "{refused:?}"
        );
    }
    let reason = log.writer_stopped().await;
    assert!(reason.contains("injected"), "{reason}");
    let later = log
        .append("s-2", ExpectedRevision::Any, events(1, "E"))
        .await
        .expect_err("later appends are refused too");
    assert!(matches!(later, LogError::WriterStopped { .. }), "{later:?}");
    assert_eq!(log.next_position(), 3, "only the committed group counts");
    drop(log);

    let reopened = EventLog::open(dir.path()).expect("reopen recovers from disk");
    assert_eq!(reopened.next_position(), 3);
    assert_eq!(reopened.verify().expect("verify").problems.len(), 0);
    reopened
        .append("s-2", ExpectedRevision::NoStream, events(1, "E"))
        .await
        .expect("a restarted writer writes");
}
