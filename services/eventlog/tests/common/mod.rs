//! Helpers shared by this crate's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

use casetrack_eventlog::{COLUMN_FAMILIES, Metadata, NewEvent};
use uuid::Uuid;

pub fn event(event_type: &str, data: serde_json::Value) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: event_type.to_string(),
        data,
        metadata: Metadata {
            actor: Some("tester".to_string()),
            source_system: Some("12345".to_string()),
            correlation_id: Some(Uuid::new_v4()),
            causation_id: None,
            agency: Some("agency-1".to_string()),
        },
    }
}

pub fn events(count: usize, event_type: &str) -> Vec<NewEvent> {
    (0..count)
        .map(|i| event(event_type, serde_json::json!({ "i": i })))
        .collect()
}

/// Where in a table file a flipped byte goes: inside its first data block (which starts at offset 0).
pub const SST_FLIP_OFFSET: u64 = 40;

/// A lying disk: one byte of `path` at `offset` flipped.
pub fn flip_byte(path: &Path, offset: u64) {
    let mut bytes = std::fs::read(path).expect("read file to damage");
    let at = offset as usize;
    assert!(
        at < bytes.len(),
        "{} has {} bytes",
        path.display(),
        bytes.len()
    );
    bytes[at] ^= 0x5a;
    std::fs::write(path, bytes).expect("write damaged file");
}

/// Flushes every column family of the closed log in `dir` into table files.
pub fn flush_all(dir: &Path) {
    let db = rocksdb::DB::open_cf(&rocksdb::Options::default(), dir, COLUMN_FAMILIES)
        .expect("open rocksdb");
    for name in COLUMN_FAMILIES {
        db.flush_cf(db.cf_handle(name).expect("cf")).expect("flush");
    }
}

/// The table file holding column family `cf` of the closed log in `dir`.
pub fn sst_of(dir: &Path, cf: &str) -> PathBuf {
    let db = rocksdb::DB::open_cf_for_read_only(
        &rocksdb::Options::default(),
        dir,
        COLUMN_FAMILIES,
        false,
    )
    .expect("open rocksdb");
    let file = db
        .live_files()
        .expect("live files")
        .into_iter()
        .find(|file| file.column_family_name == cf)
        .unwrap_or_else(|| panic!("column family {cf} has a table file"));
    dir.join(file.name.trim_start_matches('/'))
}

/// Runs the crash writer until it aborts itself after `acks` acknowledgements; returns how many events it
/// acknowledged.
pub fn crashed_log(dir: &Path, acks: usize) -> u64 {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_eventlog-crash-writer"))
        .arg(dir)
        .arg(acks.to_string())
        .output()
        .expect("run the crash writer");
    assert!(!output.status.success(), "the writer crashed itself");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    stdout
        .lines()
        .map(|line| line.rsplit(' ').next().expect("ids").split(',').count() as u64)
        .sum()
}

/// Serves `log` as `casetrack.v1.EventLog` (no append guard, no auth layer: the log's own behaviour) on a free
/// loopback port for the rest of the test; returns its URL.
pub async fn serve_grpc(log: casetrack_eventlog::EventLog) -> String {
    let incoming =
        tonic::transport::server::TcpIncoming::bind("127.0.0.1:0".parse().expect("address"))
            .expect("bind");
    let address = incoming.local_addr().expect("local address");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(
                casetrack_eventlog::grpc::EventLogService::new(
                    log,
                    std::sync::Arc::new(casetrack_eventlog::Unguarded),
                )
                .into_server(),
            )
            .serve_with_incoming(incoming),
    );
    format!("http://{address}")
}
