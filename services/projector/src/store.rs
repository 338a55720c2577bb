//! The projection store: one RocksDB database (its own directory, never the log's) holding every read model,
//! each model's checkpoint, and the published reports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use casetrack_eventlog::tuning::StoreTuning;
use rocksdb::{
    DB, DBRawIteratorWithThreadMode, IteratorMode, ReadOptions, SnapshotWithThreadMode, WriteBatch,
    WriteOptions,
};

use crate::error::ProjectorError;
use crate::keys::{checkpoint_key, decode_u64, encode_u64, version_key};
use crate::kv::{Entry, KvRead, Writes};
use crate::model::ReadModel;

/// Where the projection store lives inside a casetrack data directory.
pub fn projections_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("projections")
}

/// What a WriteBatch adds to each key and value it holds: a tag and two varint lengths, at most.
const RECORD_OVERHEAD_BYTES: usize = 11;

pub struct Store {
    db: DB,
}

impl Store {
    /// Opens (or creates) the store. A model folded by another version of the rules or summary schema than
    /// this code's ([`ReadModel::version`]) is reset, so the next catch-up folds it again from position 0.
    pub fn open(dir: &Path) -> Result<Store, ProjectorError> {
        // The same memory bounds and compression as the log's (one place: the log's `tuning.rs`).
        let mut options = StoreTuning::new().point_lookup_db_options();
        options.create_if_missing(true);
        let store = Store {
            db: DB::open(&options, dir)?,
        };
        store.reset_outdated_models()?;
        Ok(store)
    }

    /// Resets every model whose stored version is not this code's and records the new version, in one batch
    /// per model: after a crash either the model is empty under the new version or untouched under the old.
    fn reset_outdated_models(&self) -> Result<(), ProjectorError> {
        for model in ReadModel::ALL {
            let version = model.version();
            let key = version_key(model.name());
            let stored = self.db.get(&key)?;
            if stored.as_deref() == Some(version.as_bytes()) {
                continue;
            }
            let checkpoint = checkpoint_in(self, model)?;
            if checkpoint > 0 {
                // A store written before versions were recorded has a checkpoint and no version.
                tracing::warn!(
                    model = model.name(),
                    stored = %stored.as_deref().map(String::from_utf8_lossy).unwrap_or_default(),
                    current = %version,
                    checkpoint,
                    "read model was folded by other rules; resetting it to fold again from position 0"
                );
            }
            let mut batch = WriteBatch::default();
            reset_into(&mut batch, model);
            batch.put(key, version.as_bytes());
            self.db.write(batch)?;
            self.drop_deleted_files(model)?;
        }
        Ok(())
    }

    /// Writes a batch of read-model updates together with the models' new checkpoints, atomically: after a
    /// crash either both are there or neither, so no event is counted twice or skipped.
    pub fn commit(
        &self,
        writes: Writes,
        checkpoints: &[(ReadModel, u64)],
    ) -> Result<(), ProjectorError> {
        // In key order: RocksDB inserts a batch's sorted keys into its memtable each from where the last went.
        let mut writes: Vec<_> = writes.into_iter().collect();
        writes.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        let bytes = writes
            .iter()
            .map(|(key, value)| {
                key.len() + value.as_ref().map_or(0, Vec::len) + RECORD_OVERHEAD_BYTES
            })
            .sum();
        // Sized at once: grown from empty, the batch's buffer would be copied again and again.
        let mut batch = WriteBatch::with_capacity_bytes(bytes);
        for (key, value) in writes {
            match value {
                Some(value) => batch.put(key, value),
                None => batch.delete(key),
            }
        }
        for (model, position) in checkpoints {
            batch.put(checkpoint_key(model.name()), encode_u64(*position));
        }
        // The WAL makes the batch atomic across a process crash; fsync per batch is left out because the log,
        // not this store, is the truth: after a power loss the store rolls back to an earlier checkpoint and
        // folds forward again.
        self.db.write_opt(batch, &WriteOptions::default())?;
        Ok(())
    }

    /// Deletes every key of `model` and its checkpoint, in one batch (the next fold rebuilds it from 0). No
    /// view of the model may be open: its snapshot would lose the table files dropped here.
    pub fn reset(&self, model: ReadModel) -> Result<(), ProjectorError> {
        let mut batch = WriteBatch::default();
        reset_into(&mut batch, model);
        self.db.write(batch)?;
        self.drop_deleted_files(model)
    }

    /// Drops the table files holding only keys of `model`, which a reset has just deleted. A range deletion
    /// leaves them in place, where every look-up of the fold that follows would read through them to the
    /// tombstone; after a crash before this, the deletion still holds and only the space waits for compaction.
    fn drop_deleted_files(&self, model: ReadModel) -> Result<(), ProjectorError> {
        let (start, end) = model_range(model);
        self.db.delete_file_in_range(start, end)?;
        Ok(())
    }

    /// A consistent view: every read through it sees the store at one instant (one set of checkpoints).
    pub fn view(&self) -> StoreView<'_> {
        StoreView {
            snapshot: self.db.snapshot(),
        }
    }

    /// Every key and value of the store, for tests comparing two stores.
    pub fn dump(&self) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, ProjectorError> {
        let mut out = BTreeMap::new();
        for item in self.db.iterator(IteratorMode::Start) {
            let (key, value) = item?;
            out.insert(key.to_vec(), value.to_vec());
        }
        Ok(out)
    }

    pub(crate) fn put(&self, key: Vec<u8>, value: Vec<u8>) -> Result<(), ProjectorError> {
        self.db.put(key, value)?;
        Ok(())
    }
}

impl KvRead for Store {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        Ok(self.db.get(key)?)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        collect_prefix(
            self.db.iterator_opt(
                IteratorMode::From(prefix, rocksdb::Direction::Forward),
                ReadOptions::default(),
            ),
            prefix,
        )
    }
}

/// A snapshot of the store.
pub struct StoreView<'a> {
    snapshot: SnapshotWithThreadMode<'a, DB>,
}

impl StoreView<'_> {
    /// The next position `model` will fold: everything before it is in this view.
    pub fn checkpoint(&self, model: ReadModel) -> Result<u64, ProjectorError> {
        checkpoint_in(self, model)
    }
}

impl KvRead for StoreView<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        Ok(self.snapshot.get(key)?)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        collect_prefix(
            self.snapshot
                .iterator(IteratorMode::From(prefix, rocksdb::Direction::Forward)),
            prefix,
        )
    }

    fn first_at_least(&self, prefix: &[u8], from: &[u8]) -> Result<Option<Entry>, ProjectorError> {
        let mut iterator = self.snapshot.raw_iterator();
        iterator.seek(from.max(prefix));
        entry_within(&iterator, prefix)
    }

    fn last_at_most(&self, prefix: &[u8], bound: &[u8]) -> Result<Option<Entry>, ProjectorError> {
        let mut iterator = self.snapshot.raw_iterator();
        iterator.seek_for_prev(bound);
        entry_within(&iterator, prefix)
    }
}

/// The entry a seek of `iterator` landed on, if it is under `prefix`.
fn entry_within(
    iterator: &DBRawIteratorWithThreadMode<'_, DB>,
    prefix: &[u8],
) -> Result<Option<Entry>, ProjectorError> {
    iterator.status()?;
    Ok(match (iterator.key(), iterator.value()) {
        (Some(key), Some(value)) if key.starts_with(prefix) => Some((key.to_vec(), value.to_vec())),
        _ => None,
    })
}

/// The keys of `model`: from its prefix (inclusive) to the end (exclusive).
fn model_range(model: ReadModel) -> (Vec<u8>, Vec<u8>) {
    let mut prefix = model.name().as_bytes().to_vec();
    prefix.push(crate::keys::SEP);
    let mut end = prefix.clone();
    // SEP is 0, so prefix + 1 in the last byte bounds every key of the model.
    if let Some(last) = end.last_mut() {
        *last = 1;
    }
    (prefix, end)
}

/// Stages the deletion of every key of `model` and of its checkpoint.
fn reset_into(batch: &mut WriteBatch, model: ReadModel) {
    let (start, end) = model_range(model);
    batch.delete_range(start, end);
    batch.delete(checkpoint_key(model.name()));
}

/// The checkpoint of `model` in `kv`; 0 when it has folded nothing.
pub fn checkpoint_in(kv: &dyn KvRead, model: ReadModel) -> Result<u64, ProjectorError> {
    let key = checkpoint_key(model.name());
    kv.get(&key)?
        .map_or(Ok(0), |value| decode_u64(&key, &value))
}

fn collect_prefix(
    iterator: impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), rocksdb::Error>>,
    prefix: &[u8],
) -> Result<Vec<Entry>, ProjectorError> {
    let mut out = Vec::new();
    for item in iterator {
        let (key, value) = item?;
        if !key.starts_with(prefix) {
            break;
        }
        out.push((key.to_vec(), value.to_vec()));
    }
    Ok(out)
}
