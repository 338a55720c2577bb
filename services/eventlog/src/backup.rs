//! Backups of the log through RocksDB's own BackupEngine: online (the writer keeps appending; RocksDB flushes
//! and copies a consistent set of live files at one sequence number, so a backup always holds a prefix of the
//! log), incremental (table files already in the backup directory are shared, not copied again), and checked
//! (file sizes and checksums against the backup's manifest). A restore goes into an empty directory, is
//! verified in full, and gets a fresh head witness for the head it verified.

use std::path::Path;

use rocksdb::Env;
use rocksdb::backup::{BackupEngine, BackupEngineOptions, RestoreOptions};
use serde::Serialize;

use crate::error::LogError;
use crate::keys::Head;
use crate::store::{Mode, Store};
use crate::verify::{self, VerifyReport};
use crate::witness::{self, Witness};

/// One backup in a backup directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub backup_id: u32,
    /// Seconds since the Unix epoch when RocksDB took the backup.
    pub timestamp: i64,
    pub size_bytes: u64,
    pub files: u32,
    /// Events committed when the backup started: the backup holds at least positions 0 up to this (exclusive).
    pub events_at_least: u64,
}

fn engine(dir: &Path) -> Result<BackupEngine, LogError> {
    let backup_error = |error: rocksdb::Error| LogError::Backup {
        dir: dir.to_path_buf(),
        detail: error.into_string(),
    };
    let options = BackupEngineOptions::new(dir).map_err(backup_error)?;
    let env = Env::new().map_err(backup_error)?;
    BackupEngine::open(&options, &env).map_err(backup_error)
}

/// Takes a new backup of the open `store` into `to`, keeps the newest `keep` backups, and checks the new one.
pub fn create(
    store: &Store,
    to: &Path,
    committed: u64,
    keep: usize,
) -> Result<BackupInfo, LogError> {
    let backup_error = |error: rocksdb::Error| LogError::Backup {
        dir: to.to_path_buf(),
        detail: error.into_string(),
    };
    std::fs::create_dir_all(to)?;
    let mut engine = engine(to)?;
    // Flush first so the backup holds every committed event in table files, not only in a WAL it may skip.
    engine
        .create_new_backup_flush(&store.db, true)
        .map_err(backup_error)?;
    let latest = engine
        .get_backup_info()
        .into_iter()
        .max_by_key(|info| info.backup_id)
        .ok_or_else(|| LogError::Backup {
            dir: to.to_path_buf(),
            detail: "the new backup is not listed".into(),
        })?;
    engine
        .verify_backup(latest.backup_id)
        .map_err(backup_error)?;
    engine
        .purge_old_backups(keep.max(1))
        .map_err(backup_error)?;
    Ok(BackupInfo {
        backup_id: latest.backup_id,
        timestamp: latest.timestamp,
        size_bytes: latest.size,
        files: latest.num_files,
        events_at_least: committed,
    })
}

/// Every backup in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>, LogError> {
    let mut infos: Vec<BackupInfo> = engine(dir)?
        .get_backup_info()
        .into_iter()
        .map(|info| BackupInfo {
            backup_id: info.backup_id,
            timestamp: info.timestamp,
            size_bytes: info.size,
            files: info.num_files,
            events_at_least: 0,
        })
        .collect();
    infos.sort_by_key(|info| info.backup_id);
    Ok(infos)
}

/// Restores backup `backup_id` (the newest when `None`) in `from` into the empty (or absent) directory `to`, verifies everything in the
/// restored copy, and writes its head witness. A copy that does not verify is left in place, unwitnessed, so it
/// cannot be opened for writing by accident, and the report says why.
pub fn restore(from: &Path, backup_id: Option<u32>, to: &Path) -> Result<VerifyReport, LogError> {
    if std::fs::read_dir(to).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(LogError::Backup {
            dir: to.to_path_buf(),
            detail: "the restore target is not empty; restore into a new directory".into(),
        });
    }
    std::fs::create_dir_all(to)?;
    let mut engine = engine(from)?;
    let options = RestoreOptions::default();
    match backup_id {
        None => engine.restore_from_latest_backup(to, to, &options),
        Some(id) => engine.restore_from_backup(to, to, &options, id),
    }
    .map_err(|error| LogError::Backup {
        dir: from.to_path_buf(),
        detail: error.into_string(),
    })?;
    let report = {
        let store = Store::open(to, Mode::ReadOnly)?;
        verify::verify(&store, None)?
    };
    if report.is_intact() {
        let head = Head {
            next_position: report.events_checked,
            last_hash: report.last_hash,
        };
        Witness::create(to, &head)?.flush()?;
        let store = Store::open(to, Mode::Writer)?;
        witness::mark_witnessed(&store)?;
    }
    Ok(report)
}
