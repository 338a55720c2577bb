//! A lying disk, file by file: a flipped byte in MANIFEST-* and CURRENT after a kill -9 and after a clean
//! stop, and (after a clean stop) in the write-ahead log and each column family's table file. In every case
//! either everything acknowledged is still readable and `verify` passes, or `open` refuses and `verify` names
//! what is damaged — never a silently shorter log.

mod common;

use std::path::{Path, PathBuf};

use casetrack_eventlog::{
    COLUMN_FAMILIES, EventLog, ExpectedRevision, LogError, MAX_READ_BATCH, verify_dir,
};

/// Acknowledgements after which the crash writer aborts itself.
const CRASH_AFTER_ACKS: usize = 300;
/// Events written before a clean stop.
const CLEAN_EVENTS: u64 = 60;

/// The files in `dir` whose name starts with `prefix`, largest first.
fn files_named(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(prefix))
        })
        .collect();
    files.sort_by_key(|path| std::cmp::Reverse(std::fs::metadata(path).expect("meta").len()));
    files
}

/// The MANIFEST that CURRENT names (older ones may linger until RocksDB deletes them).
fn current_manifest(dir: &Path) -> PathBuf {
    let current = std::fs::read_to_string(dir.join("CURRENT")).expect("read CURRENT");
    dir.join(current.trim_end())
}

/// Writes `CLEAN_EVENTS` over three streams and stops cleanly; with `flush`, every column family is then
/// flushed into a table file, so each has an SST to damage (otherwise the write-ahead log holds them).
async fn cleanly_stopped_log(dir: &Path, flush: bool) -> u64 {
    let log = EventLog::open(dir).expect("open");
    for i in 0..CLEAN_EVENTS {
        let event_type = if i.is_multiple_of(2) {
            "Received"
        } else {
            "Noted"
        };
        let event = common::event(event_type, serde_json::json!({ "i": i }));
        log.append(
            &format!("application-{}", i % 3),
            ExpectedRevision::Any,
            vec![event],
        )
        .await
        .expect("append");
    }
    drop(log);
    if flush {
        common::flush_all(dir);
    }
    CLEAN_EVENTS
}

/// Whether every acknowledged position reads back, in one piece.
fn reads_everything(log: &EventLog, acknowledged: u64) -> Result<(), String> {
    let mut position = 0;
    while position < acknowledged {
        let batch = log
            .read_all(position, MAX_READ_BATCH)
            .map_err(|error| format!("read at {position}: {error}"))?;
        let Some(last) = batch.last() else {
            return Err(format!("the log ends at {position}"));
        };
        position = last.position + 1;
    }
    Ok(())
}

/// The promise, for a log damaged in `what`: either it opens with every acknowledged event readable and
/// verifying, or it refuses and `verify` reports damage naming the damaged file or the missing positions.
/// Returns whether the damage was refused.
fn never_silently_shorter(dir: &Path, acknowledged: u64, what: &str) -> bool {
    let refusal = match EventLog::open(dir) {
        Ok(log) => {
            let readable = reads_everything(&log, acknowledged);
            let report = log.verify().expect("verify");
            match (readable, report.is_intact()) {
                (Ok(()), true) => return false,
                (readable, _) => {
                    // Opened although damaged: only acceptable if nothing acknowledged is missing and the
                    // damage is reported — never a shorter log that says it is fine.
                    assert!(
                        log.next_position() >= acknowledged && !report.is_intact(),
                        "{what}: opened a damaged log ({readable:?}) that verify calls intact: {report:?}"
                    );
                    return true;
                }
            }
        }
        Err(refusal) => refusal,
    };
    match verify_dir(dir) {
        Ok(report) => assert!(
            !report.is_intact(),
            "{what}: open refused ({refusal}) but verify says intact: {report:?}"
        ),
        Err(error) => {
            let message = error.to_string();
            // Damage that RocksDB finds before any event is read (the `meta` family, which holds the format
            // marker and no event) is reported as RocksDB's corruption naming the damaged file.
            assert!(
                matches!(error, LogError::Damaged { .. })
                    || message.contains(what)
                    || (message.contains("Corruption") && message.contains(".sst")),
                "{what}: verify must name the damage, got: {message}"
            );
        }
    }
    // A refusal is not repaired away: the next open refuses too.
    assert!(
        EventLog::open(dir).is_err(),
        "{what}: a second open must refuse"
    );
    true
}

#[test]
fn a_flipped_byte_in_the_manifest_after_a_crash_is_never_a_shorter_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let acknowledged = common::crashed_log(dir.path(), CRASH_AFTER_ACKS);
    let manifest = current_manifest(dir.path());
    let len = std::fs::metadata(&manifest).expect("metadata").len();
    common::flip_byte(&manifest, len / 2);
    never_silently_shorter(dir.path(), acknowledged, "MANIFEST");
}

#[test]
fn a_flipped_byte_in_current_after_a_crash_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let acknowledged = common::crashed_log(dir.path(), CRASH_AFTER_ACKS);
    common::flip_byte(&dir.path().join("CURRENT"), 0);
    assert!(never_silently_shorter(dir.path(), acknowledged, "CURRENT"));
}

#[tokio::test]
async fn a_flipped_byte_in_the_manifest_after_a_clean_stop_is_never_a_shorter_log() {
    for flush in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let acknowledged = cleanly_stopped_log(dir.path(), flush).await;
        let manifest = current_manifest(dir.path());
        let len = std::fs::metadata(&manifest).expect("metadata").len();
        common::flip_byte(&manifest, len / 2);
        never_silently_shorter(dir.path(), acknowledged, "MANIFEST");
    }
}

#[tokio::test]
async fn a_flipped_byte_in_current_after_a_clean_stop_is_refused() {
    for offset in [0, 10] {
        let dir = tempfile::tempdir().expect("tempdir");
        let acknowledged = cleanly_stopped_log(dir.path(), false).await;
        common::flip_byte(&dir.path().join("CURRENT"), offset);
        assert!(never_silently_shorter(dir.path(), acknowledged, "CURRENT"));
    }
}

#[tokio::test]
async fn a_flipped_byte_mid_wal_after_a_clean_stop_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let acknowledged = cleanly_stopped_log(dir.path(), false).await;
    let wal = files_named(dir.path(), "0")
        .into_iter()
        .find(|path| path.extension().is_some_and(|ext| ext == "log"))
        .expect("a write-ahead log");
    let len = std::fs::metadata(&wal).expect("metadata").len();
    common::flip_byte(&wal, len / 2);
    assert!(never_silently_shorter(dir.path(), acknowledged, "WAL"));
}

#[tokio::test]
async fn a_flipped_byte_in_each_table_after_a_clean_stop_is_never_a_shorter_log() {
    for cf in COLUMN_FAMILIES {
        let dir = tempfile::tempdir().expect("tempdir");
        let acknowledged = cleanly_stopped_log(dir.path(), true).await;
        common::flip_byte(&common::sst_of(dir.path(), cf), common::SST_FLIP_OFFSET);
        never_silently_shorter(dir.path(), acknowledged, cf);
    }
}
