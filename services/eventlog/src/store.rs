//! Opening the RocksDB database with the layout of `keys.rs`, and recovering the head on open.

use std::path::Path;

use rocksdb::{
    ColumnFamily, ColumnFamilyDescriptor, DB, DBRecoveryMode, ErrorKind, IteratorMode, Options,
};

use crate::chain;
use crate::error::LogError;
use crate::keys::{self, Head};
use crate::tuning::StoreTuning;

/// The open database. Column families are looked up by name; `open` guarantees every one of `keys::ALL_CFS`
/// exists, so a missing handle is a broken invariant, not an input error.
pub struct Store {
    pub db: DB,
}

/// How the store is opened: the single writer, a read-only observer (e.g. `casetrack verify`, also beside a
/// live writer), or — only to tell the operator what is still readable after a strict open refused — a
/// read-only salvage view that replays the write-ahead log up to its first damaged record.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Writer,
    ReadOnly,
    Salvage,
}

/// How RocksDB replays its write-ahead log on open. `TolerateCorruptedTailRecords` accepts exactly one kind of
/// damage: an incomplete record at the very end of the WAL, which is what a crash in the middle of a write
/// leaves (such a write was never acknowledged, because acknowledgement waits for the fsync of the whole
/// record). Any other damage — a bad checksum in the middle, a bad record followed by good ones — makes open
/// fail instead of silently dropping everything after it, which is what the default (`PointInTime`) did.
/// `AbsoluteConsistency` would also refuse the torn tail of an ordinary crash, so the log would not reopen
/// after a kill -9. A damaged *complete* last record that RocksDB mistakes for a torn one is caught by the head
/// witness (`witness.rs`), which records every acknowledged group.
const WAL_RECOVERY_MODE: DBRecoveryMode = DBRecoveryMode::TolerateCorruptedTailRecords;

fn db_options(mode: Mode, tuning: &StoreTuning) -> Options {
    let mut options = tuning.db_options();
    options.create_if_missing(mode == Mode::Writer);
    options.create_missing_column_families(mode == Mode::Writer);
    options.set_wal_recovery_mode(match mode {
        Mode::Salvage => DBRecoveryMode::PointInTime,
        Mode::Writer | Mode::ReadOnly => WAL_RECOVERY_MODE,
    });
    // Fail on any inconsistency RocksDB itself notices (file sizes, MANIFEST, checksums while compacting)
    // rather than carrying on with what it could read.
    options.set_paranoid_checks(true);
    // Open every table file up front: a read-only view beside a live writer then holds the files it reads even
    // when the writer's compactions delete them.
    options.set_max_open_files(-1);
    options
}

/// Turns RocksDB's "Corruption" on open into a refusal that says nothing was truncated and what to do.
fn open_error(dir: &Path, error: rocksdb::Error) -> LogError {
    match error.kind() {
        ErrorKind::Corruption => LogError::Damaged {
            dir: dir.to_path_buf(),
            detail: error.into_string(),
        },
        _ => LogError::Storage(error),
    }
}

impl Store {
    pub fn open(dir: &Path, mode: Mode) -> Result<Store, LogError> {
        // Every append probes every new event id for idempotency, and the head of every stream it does not hold
        // in memory; nearly all probes of a new id or stream miss, which the bloom filters of `tuning.rs` answer
        // without touching disk.
        let tuning = StoreTuning::new();
        let options = db_options(mode, &tuning);
        let descriptors = keys::ALL_CFS.iter().map(|name| {
            let options = match *name {
                keys::CF_EVENT_IDS | keys::CF_STREAM_HEADS => tuning.point_lookup_cf_options(),
                _ => tuning.cf_options(),
            };
            ColumnFamilyDescriptor::new(*name, options)
        });
        let db = match mode {
            Mode::Writer => DB::open_cf_descriptors(&options, dir, descriptors),
            Mode::ReadOnly | Mode::Salvage => {
                DB::open_cf_descriptors_read_only(&options, dir, descriptors, false)
            }
        }
        .map_err(|error| open_error(dir, error))?;
        let store = Store { db };
        store.check_format(mode)?;
        Ok(store)
    }

    pub fn cf(&self, name: &'static str) -> &ColumnFamily {
        self.db
            .cf_handle(name)
            .expect("open() creates every column family of keys::ALL_CFS")
    }

    fn check_format(&self, mode: Mode) -> Result<(), LogError> {
        let meta = self.cf(keys::CF_META);
        match self.db.get_cf(meta, keys::META_FORMAT)? {
            Some(format) if format == keys::FORMAT => Ok(()),
            Some(format) => Err(LogError::Corrupt {
                position: 0,
                reason: format!("unknown log format {:?}", String::from_utf8_lossy(&format)),
            }),
            None if mode == Mode::Writer && self.read_head()?.is_none() => {
                Ok(self.db.put_cf(meta, keys::META_FORMAT, keys::FORMAT)?)
            }
            None => Err(LogError::Corrupt {
                position: 0,
                reason: "log format marker is missing".into(),
            }),
        }
    }

    /// The stored head marker, `None` for a fresh log.
    pub fn read_head(&self) -> Result<Option<Head>, LogError> {
        match self.db.get_cf(self.cf(keys::CF_META), keys::META_HEAD)? {
            None => Ok(None),
            Some(value) => Head::decode(&value).map(Some).ok_or(LogError::Corrupt {
                position: 0,
                reason: "head marker is malformed".into(),
            }),
        }
    }

    /// The head the writer resumes from, after checking the marker against the last record: both are written in
    /// the same batch, so any disagreement means the files were damaged or edited.
    pub fn recover_head(&self) -> Result<Head, LogError> {
        let head = self.read_head()?.unwrap_or(Head::EMPTY);
        let mut last = self
            .db
            .iterator_cf(self.cf(keys::CF_EVENTS), IteratorMode::End);
        match (last.next().transpose()?, head.next_position) {
            (None, 0) => Ok(head),
            (None, next) => Err(LogError::Corrupt {
                position: next - 1,
                reason: "head marker counts events but there are no records".into(),
            }),
            (Some((key, record)), next) => {
                let position = keys::decode_u64(&key).ok_or(LogError::Corrupt {
                    position: 0,
                    reason: "malformed event key".into(),
                })?;
                if position.checked_add(1) != Some(next) {
                    return Err(LogError::Corrupt {
                        position,
                        reason: format!(
                            "last record is at {position} but the head marker says {next} events"
                        ),
                    });
                }
                let unsealed = chain::unseal(&record).map_err(|_| LogError::Corrupt {
                    position,
                    reason: "last record checksum mismatch".into(),
                })?;
                if unsealed.hash != head.last_hash {
                    return Err(LogError::Corrupt {
                        position,
                        reason: "last record's hash differs from the head marker".into(),
                    });
                }
                Ok(head)
            }
        }
    }
}
