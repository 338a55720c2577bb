//! The key-value surface every read model is folded into and queried from. The same fold and query code runs
//! over RocksDB (the projector's store) and over a `MemoryKv` (a report as of a past position), so the two can
//! never disagree by construction.

use std::collections::{BTreeMap, HashMap};

use crate::error::ProjectorError;

/// One stored key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);
/// Staged writes; `None` deletes the key. Hashed, not ordered: the fold looks up and stages several keys per
/// event in a batch of thousands, where an ordered map's long shared key prefixes cost a comparison each per
/// level; the few readers that need key order (a prefix scan, the store's commit) sort what they take.
/// foldhash, not the standard SipHash: seeded at random per map as well, and hashing long keys is most of
/// the cost of a look-up.
pub type Writes = HashMap<Vec<u8>, Option<Vec<u8>>, foldhash::fast::RandomState>;

/// Reading a store of read models.
pub trait KvRead {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError>;
    /// Every entry whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError>;

    /// Whether the annual model's subtree sums (`tree_sums.rs`) are here: in every store the fold writes and in
    /// a view of one as of a past position.
    fn keeps_tree_sums(&self) -> bool {
        true
    }

    /// The first entry whose key starts with `prefix` and is not below `from`: a seek. A store that can seek
    /// does so; this scans.
    fn first_at_least(&self, prefix: &[u8], from: &[u8]) -> Result<Option<Entry>, ProjectorError> {
        Ok(self
            .scan_prefix(prefix)?
            .into_iter()
            .find(|(key, _)| key.as_slice() >= from))
    }

    /// The last entry whose key starts with `prefix` and is not above `bound`: a seek backwards.
    fn last_at_most(&self, prefix: &[u8], bound: &[u8]) -> Result<Option<Entry>, ProjectorError> {
        Ok(self
            .scan_prefix(prefix)?
            .into_iter()
            .take_while(|(key, _)| key.as_slice() <= bound)
            .last())
    }
}

/// Writes of one batch, staged over a base store so later events of the batch read earlier events' writes.
/// `None` marks a delete.
pub struct Overlay<'a> {
    base: &'a dyn KvRead,
    pending: Writes,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a dyn KvRead) -> Overlay<'a> {
        Overlay {
            base,
            pending: Writes::default(),
        }
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        match self.pending.get(key) {
            Some(staged) => Ok(staged.clone()),
            None => self.base.get(key),
        }
    }

    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.pending.insert(key, Some(value));
    }

    pub fn delete(&mut self, key: Vec<u8>) {
        self.pending.insert(key, None);
    }

    /// Stages `writes` (another overlay's, staged over this one) on top of this overlay's.
    pub fn apply(&mut self, writes: Writes) {
        self.pending.extend(writes);
    }

    /// The staged writes.
    pub fn into_writes(self) -> Writes {
        self.pending
    }
}

impl KvRead for Overlay<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        Overlay::get(self, key)
    }

    fn keeps_tree_sums(&self) -> bool {
        self.base.keeps_tree_sums()
    }

    /// The base's entries with this batch's staged writes over them.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> =
            self.base.scan_prefix(prefix)?.into_iter().collect();
        // A scan is rare in a fold (a holiday arrangement's), so a pass over the staged writes is cheap enough.
        let staged = self
            .pending
            .iter()
            .filter(|(key, _)| key.starts_with(prefix));
        for (key, value) in staged {
            match value {
                Some(value) => merged.insert(key.clone(), value.clone()),
                None => merged.remove(key),
            };
        }
        Ok(merged.into_iter().collect())
    }
}

/// An in-memory store: the target of an as-of fold.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MemoryKv {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl MemoryKv {
    pub fn apply(&mut self, writes: Writes) {
        for (key, value) in writes {
            match value {
                Some(value) => self.entries.insert(key, value),
                None => self.entries.remove(&key),
            };
        }
    }
}

impl KvRead for MemoryKv {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        Ok(self.entries.get(key).cloned())
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        Ok(self
            .entries
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}
