//! A lying disk: deterministic byte flips in the write-ahead log after a crash, and in each column family's
//! table files. Either everything acknowledged is still readable and verifies, or `open` refuses and `verify`
//! names the damaged positions and streams — never a silently shorter log.

mod common;

use std::path::{Path, PathBuf};

use casetrack_eventlog::{BreakKind, EventLog, ExpectedRevision, LogError, verify_dir};

/// Acknowledgements after which the crash writer aborts itself.
const CRASH_AFTER_ACKS: usize = 400;

fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .collect();
    files.sort();
    files
}

#[test]
fn a_flipped_byte_mid_wal_after_a_crash_is_refused_never_truncated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let acknowledged = common::crashed_log(dir.path(), CRASH_AFTER_ACKS);
    let wal = files_with_extension(dir.path(), "log")
        .into_iter()
        .max_by_key(|path| std::fs::metadata(path).expect("metadata").len())
        .expect("a write-ahead log");
    let len = std::fs::metadata(&wal).expect("metadata").len();
    common::flip_byte(&wal, len * 3 / 10);

    let refusal = EventLog::open(dir.path()).err().expect("open must refuse");
    assert!(
        matches!(
            refusal,
            LogError::Damaged { .. } | LogError::BehindWitness { .. }
        ),
        "{refusal}"
    );
    assert!(refusal.to_string().contains("NOT opened"), "{refusal}");
    // verify still reports, from what RocksDB can replay, which positions are missing.
    let report = verify_dir(dir.path()).expect("verify a damaged log");
    assert!(!report.is_intact());
    assert_eq!(report.witnessed.map(|w| w >= acknowledged), Some(true));
    assert!(report.events_checked < acknowledged, "{report:?}");
    // The damage was not repaired away: a second open refuses the same way.
    assert!(EventLog::open(dir.path()).is_err());
}

#[test]
fn a_crash_without_damage_reopens_with_everything_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let acknowledged = common::crashed_log(dir.path(), CRASH_AFTER_ACKS);
    let log = EventLog::open(dir.path()).expect("reopen after the crash");
    assert!(log.next_position() >= acknowledged);
    let report = log.verify().expect("verify");
    assert!(report.is_intact(), "{report:?}");
}

#[test]
fn a_missing_witness_is_refused_once_the_log_has_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::crashed_log(dir.path(), CRASH_AFTER_ACKS);
    std::fs::remove_file(dir.path().join(casetrack_eventlog::WITNESS_FILE)).expect("remove");
    let refusal = EventLog::open(dir.path()).err().expect("open must refuse");
    assert!(
        matches!(refusal, LogError::WitnessMissing { .. }),
        "{refusal}"
    );
}

/// Writes `events` events over three streams and two types, then stops cleanly and flushes every column
/// family into table files, so each has an SST to damage.
async fn flushed_log(dir: &Path, events: usize) {
    let log = EventLog::open(dir).expect("open");
    for i in 0..events {
        let stream = format!("application-{}", i % 3);
        let event_type = if i % 2 == 0 { "Received" } else { "Noted" };
        let event = common::event(event_type, serde_json::json!({ "i": i }));
        log.append(&stream, ExpectedRevision::Any, vec![event])
            .await
            .expect("append");
    }
    drop(log);
    common::flush_all(dir);
}

#[tokio::test]
async fn a_flipped_byte_in_each_index_is_reported_with_position_and_stream() {
    for cf in [
        "event_ids",
        "streams",
        "stream_heads",
        "by_type",
        "by_category",
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        flushed_log(dir.path(), 30).await;
        common::flip_byte(&common::sst_of(dir.path(), cf), common::SST_FLIP_OFFSET);
        let report = verify_dir(dir.path()).expect("verify");
        assert!(!report.is_intact(), "{cf}: damage must be found");
        let named = report.problems.iter().find(|problem| {
            problem.column_family == cf && problem.positions.is_some() && problem.stream.is_some()
        });
        assert!(
            named.is_some(),
            "{cf}: a problem names position and stream: {:#?}",
            report.problems
        );
    }
}

#[tokio::test]
async fn a_flipped_byte_in_the_events_table_names_the_positions() {
    let dir = tempfile::tempdir().expect("tempdir");
    flushed_log(dir.path(), 30).await;
    common::flip_byte(
        &common::sst_of(dir.path(), "events"),
        common::SST_FLIP_OFFSET,
    );
    let report = verify_dir(dir.path()).expect("verify");
    let unreadable = report
        .problems
        .iter()
        .find(|problem| problem.column_family == "events")
        .unwrap_or_else(|| panic!("events damage reported: {:#?}", report.problems));
    assert!(
        matches!(unreadable.kind, BreakKind::Unreadable | BreakKind::Checksum),
        "{unreadable:?}"
    );
    assert_eq!(unreadable.positions.map(|(first, _)| first), Some(0));
    assert_eq!(report.first_break.map(|found| found.position), Some(0));
}
