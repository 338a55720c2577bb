//! Opening the RocksDB database with the layout of `keys.rs`, and recovering the head on open.

use std::path::Path;

use rocksdb::{BlockBasedOptions, ColumnFamily, ColumnFamilyDescriptor, DB, IteratorMode, Options};

use crate::chain;
use crate::error::LogError;
use crate::keys::{self, Head};

/// The open database. Column families are looked up by name; `open` guarantees every one of `keys::ALL_CFS`
/// exists, so a missing handle is a broken invariant, not an input error.
pub struct Store {
    pub db: DB,
}

/// How the store is opened: the single writer, or a read-only observer (e.g. `casetrack verify`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Writer,
    ReadOnly,
}

impl Store {
    pub fn open(dir: &Path, mode: Mode) -> Result<Store, LogError> {
        let mut options = Options::default();
        options.create_if_missing(mode == Mode::Writer);
        options.create_missing_column_families(mode == Mode::Writer);
        let descriptors = keys::ALL_CFS.iter().map(|name| {
            let mut cf_options = Options::default();
            if *name == keys::CF_EVENT_IDS {
                // Every append probes every new event id for idempotency; nearly all probes miss, which a bloom
                // filter answers without touching disk.
                let mut table = BlockBasedOptions::default();
                table.set_bloom_filter(10.0, false);
                cf_options.set_block_based_table_factory(&table);
            }
            ColumnFamilyDescriptor::new(*name, cf_options)
        });
        let db = match mode {
            Mode::Writer => DB::open_cf_descriptors(&options, dir, descriptors)?,
            Mode::ReadOnly => DB::open_cf_descriptors_read_only(&options, dir, descriptors, false)?,
        };
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
