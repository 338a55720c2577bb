//! Backups: taken while appends run, restored into a new directory, verified in full; the restored log holds a
//! consistent prefix containing everything acknowledged before the backup started, and opens for writing.

mod common;

use casetrack_eventlog::{EventLog, ExpectedRevision, MAX_READ_BATCH, restore};

/// Concurrent appenders running while the backup is taken.
const APPENDERS: usize = 8;
/// Events each appender writes before and during the backup.
const EVENTS_BEFORE: usize = 20;
const EVENTS_DURING: usize = 40;
/// Backups kept in the backup directory.
const KEEP: usize = 3;

async fn append_some(log: EventLog, stream: String, count: usize) {
    for i in 0..count {
        let event = common::event("Noted", serde_json::json!({ "i": i }));
        log.append(&stream, ExpectedRevision::Any, vec![event])
            .await
            .expect("append");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_backup_restores_to_a_verified_prefix() {
    let data = tempfile::tempdir().expect("tempdir");
    let backups = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&data.path().join("log")).expect("open");
    for appender in 0..APPENDERS {
        append_some(log.clone(), format!("case-{appender}"), EVENTS_BEFORE).await;
    }
    let acknowledged = log.next_position();
    let mut tasks = tokio::task::JoinSet::new();
    for appender in 0..APPENDERS {
        tasks.spawn(append_some(
            log.clone(),
            format!("case-{appender}"),
            EVENTS_DURING,
        ));
    }
    let backup = {
        let log = log.clone();
        let to = backups.path().to_path_buf();
        tokio::task::spawn_blocking(move || log.backup(&to, KEEP))
            .await
            .expect("join")
            .expect("backup")
    };
    while let Some(result) = tasks.join_next().await {
        result.expect("appender");
    }
    assert!(backup.events_at_least >= acknowledged);
    // A second backup is incremental: it shares the table files already there.
    let second = log.backup(backups.path(), KEEP).expect("second backup");
    assert!(second.backup_id > backup.backup_id);
    let original: Vec<_> = log.read_all(0, MAX_READ_BATCH).expect("read");
    drop(log);

    // The backup taken while appends ran holds a verified prefix with everything acknowledged before it began.
    let online_dir = data.path().join("online");
    let report = restore(backups.path(), Some(backup.backup_id), &online_dir).expect("restore");
    assert!(report.is_intact(), "{report:?}");
    assert!(report.events_checked >= acknowledged);
    let online = EventLog::open(&online_dir).expect("open the online backup");
    let prefix = online.read_all(0, MAX_READ_BATCH).expect("read");
    assert_eq!(prefix[..], original[..prefix.len()], "a prefix of the log");
    drop(online);

    let restored_dir = data.path().join("restored");
    let report = restore(backups.path(), None, &restored_dir).expect("restore");
    assert!(report.is_intact(), "{report:?}");
    assert!(report.events_checked >= acknowledged);
    let restored = EventLog::open(&restored_dir).expect("open the restored copy");
    let copy = restored.read_all(0, MAX_READ_BATCH).expect("read");
    assert_eq!(
        copy.len(),
        original.len(),
        "the newest backup was taken after every append"
    );
    assert_eq!(
        copy, original,
        "the restored log equals the original, chain included"
    );
    assert!(restored.verify().expect("verify").is_intact());
}

#[tokio::test]
async fn restore_refuses_a_target_that_is_not_empty() {
    let data = tempfile::tempdir().expect("tempdir");
    let backups = tempfile::tempdir().expect("tempdir");
    let log = EventLog::open(&data.path().join("log")).expect("open");
    append_some(log.clone(), "case-1".into(), 3).await;
    log.backup(backups.path(), KEEP).expect("backup");
    assert!(restore(backups.path(), None, &data.path().join("log")).is_err());
}
