//! Tamper evidence: edits made directly in RocksDB are found by `verify`, at the right position — with the
//! crc left stale (a checksum break) or recomputed by a careful forger (a hash-chain break) — and a log whose
//! last record was edited is refused by `open` but still verifiable read-only.

mod common;

use std::path::Path;

use casetrack_eventlog::{
    BreakKind, COLUMN_FAMILIES, EventLog, ExpectedRevision, LogError, verify_dir,
};

async fn write_log(dir: &Path, events: usize) {
    let log = EventLog::open(dir).expect("open");
    for i in 0..events {
        let event = common::event("Noted", serde_json::json!({ "amount": 100 + i }));
        log.append("application-7", ExpectedRevision::Any, vec![event])
            .await
            .expect("append");
    }
    let report = log.verify().expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.events_checked, events as u64);
}

/// Rewrites the record at `position`: "amount":10x → "amount":90x, optionally fixing the crc32 (record layout:
/// crc32 BE · hash · body).
fn tamper(dir: &Path, position: u64, fix_crc: bool) {
    let db = rocksdb::DB::open_cf(&rocksdb::Options::default(), dir, COLUMN_FAMILIES)
        .expect("open rocksdb");
    let events = db.cf_handle("events").expect("events cf");
    let key = position.to_be_bytes();
    let mut record = db.get_cf(events, key).expect("get").expect("record exists");
    let at = record
        .windows(10)
        .position(|w| w == b"\"amount\":1")
        .expect("amount in body")
        + 9;
    record[at] = b'9';
    if fix_crc {
        let crc = crc32fast::hash(&record[4..]);
        record[..4].copy_from_slice(&crc.to_be_bytes());
    }
    db.put_cf(events, key, record).expect("put");
}

#[tokio::test]
async fn verify_reports_an_edited_record_with_a_stale_checksum() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_log(dir.path(), 10).await;
    tamper(dir.path(), 4, false);
    let report = verify_dir(dir.path()).expect("verify");
    let found = report.first_break.expect("a break");
    assert_eq!((found.position, found.kind), (4, BreakKind::Checksum));
    assert_eq!(report.events_checked, 4);
}

#[tokio::test]
async fn verify_reports_a_forged_record_with_a_fixed_checksum() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_log(dir.path(), 10).await;
    tamper(dir.path(), 6, true);
    // The record is not the last one, so the log opens; the open log's verify finds the edit too.
    let log = EventLog::open(dir.path()).expect("open");
    let found = log.verify().expect("verify").first_break.expect("a break");
    assert_eq!((found.position, found.kind), (6, BreakKind::HashChain));
    drop(log);
    let found = verify_dir(dir.path())
        .expect("verify")
        .first_break
        .expect("a break");
    assert_eq!((found.position, found.kind), (6, BreakKind::HashChain));
}

#[tokio::test]
async fn open_refuses_a_log_whose_last_record_was_edited() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_log(dir.path(), 3).await;
    tamper(dir.path(), 2, false);
    assert!(matches!(
        EventLog::open(dir.path()),
        Err(LogError::Corrupt { position: 2, .. })
    ));
    let found = verify_dir(dir.path())
        .expect("verify")
        .first_break
        .expect("a break");
    assert_eq!(found.position, 2);
}
