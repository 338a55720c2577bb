//! The head witness: a small file beside the RocksDB files that records the committed head (next position and
//! the last chain hash) independently of RocksDB's own write-ahead log, MANIFEST and tables.
//!
//! RocksDB cannot tell a log that lost its tail (a damaged last WAL record, a WAL or table file that went
//! missing, a MANIFEST rolled back) from a log that never had it. The witness can: `open` and `verify` refuse a
//! log that is behind its witness, or whose event at the witnessed position has another hash, and name the
//! positions that are missing.
//!
//! The writer rewrites the witness after every committed group, before acknowledging it (one `pwrite` of
//! `SLOT_LEN` bytes into the page cache, no fsync), so after a process crash (kill -9) the witness covers every
//! acknowledged event. It is fsynced at most every `WITNESS_SYNC_INTERVAL`, so after a power loss it lags the
//! log by at most that; a lag is safe (the witness is only ever compared as a lower bound).
//!
//! Layout: two `SLOT_LEN`-byte slots written alternately, each `MAGIC (8) · next position (u64 BE) · last hash
//! (32) · crc32 BE of the preceding 48 bytes (4)`. A torn write damages at most the slot being written; the
//! valid slot with the higher position is the witness.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rocksdb::{WriteBatch, WriteOptions};

use crate::chain;
use crate::error::LogError;
use crate::keys::{self, Head};
use crate::store::Store;

/// The witness file's name inside the log directory; RocksDB ignores files it did not name.
pub const WITNESS_FILE: &str = "CASETRACK-HEAD-WITNESS";
/// The longest a written witness stays un-fsynced: after a power loss the witness may lag the log by this much.
pub const WITNESS_SYNC_INTERVAL: Duration = Duration::from_secs(1);

const MAGIC: &[u8; 8] = b"CTWITN01";
const PAYLOAD_LEN: usize = 8 + 8 + 32;
const SLOT_LEN: usize = 64;
const SLOTS: u64 = 2;

pub fn path(dir: &Path) -> PathBuf {
    dir.join(WITNESS_FILE)
}

fn encode(head: &Head) -> [u8; SLOT_LEN] {
    let mut slot = [0u8; SLOT_LEN];
    slot[..8].copy_from_slice(MAGIC);
    slot[8..PAYLOAD_LEN].copy_from_slice(&head.encode());
    let crc = crc32fast::hash(&slot[..PAYLOAD_LEN]);
    slot[PAYLOAD_LEN..PAYLOAD_LEN + 4].copy_from_slice(&crc.to_be_bytes());
    slot
}

fn decode(slot: &[u8]) -> Option<Head> {
    let payload = slot.get(..PAYLOAD_LEN)?;
    let crc = slot.get(PAYLOAD_LEN..PAYLOAD_LEN + 4)?;
    if &payload[..8] != MAGIC || crc32fast::hash(payload).to_be_bytes() != crc {
        return None;
    }
    Head::decode(&payload[8..])
}

/// Reads the witness in `dir`: `None` when the file does not exist; an error when it exists but neither slot
/// is valid (the witness itself was damaged, so nothing can be vouched for).
pub fn read(dir: &Path) -> Result<Option<Head>, LogError> {
    let path = path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let best = bytes
        .chunks(SLOT_LEN)
        .filter_map(decode)
        .max_by_key(|head| head.next_position);
    match best {
        Some(head) => Ok(Some(head)),
        None => Err(LogError::WitnessUnreadable {
            path,
            reason: format!("no valid slot in its {} bytes", bytes.len()),
        }),
    }
}

/// The writer's handle on the witness file.
pub struct Witness {
    file: File,
    next_slot: u64,
    last_sync: Instant,
    dirty: bool,
}

impl Witness {
    /// Creates (or takes over) the witness in `dir`, recording `head` durably before anything is appended.
    pub fn create(dir: &Path, head: &Head) -> Result<Witness, LogError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path(dir))?;
        let mut witness = Witness {
            file,
            next_slot: 0,
            last_sync: Instant::now(),
            dirty: false,
        };
        for _ in 0..SLOTS {
            witness.write_slot(head)?;
        }
        witness.sync()?;
        // The file's directory entry must be durable too, or a power loss could leave no witness at all.
        File::open(dir)?.sync_all()?;
        Ok(witness)
    }

    fn write_slot(&mut self, head: &Head) -> Result<(), LogError> {
        let offset = (self.next_slot % SLOTS) * SLOT_LEN as u64;
        self.file.write_all_at(&encode(head), offset)?;
        self.next_slot += 1;
        self.dirty = true;
        Ok(())
    }

    fn sync(&mut self) -> Result<(), LogError> {
        self.file.sync_data()?;
        self.last_sync = Instant::now();
        self.dirty = false;
        Ok(())
    }

    /// Records a committed head; fsyncs when the last fsync is older than `WITNESS_SYNC_INTERVAL`.
    pub fn record(&mut self, head: &Head) -> Result<(), LogError> {
        self.write_slot(head)?;
        if self.last_sync.elapsed() >= WITNESS_SYNC_INTERVAL {
            self.sync()?;
        }
        Ok(())
    }

    /// Makes the last recorded head durable (on a clean stop).
    pub fn flush(&mut self) -> Result<(), LogError> {
        if self.dirty {
            self.sync()?;
        }
        Ok(())
    }
}

/// What the log holds compared with its witness: `Ok` when the log reaches the witnessed head and has the
/// witnessed hash there; the refusal naming the missing positions otherwise.
pub fn check(store: &Store, log: &Head, witnessed: &Head) -> Result<(), LogError> {
    if witnessed.next_position > log.next_position {
        return Err(LogError::BehindWitness {
            log_next: log.next_position,
            witness_next: witnessed.next_position,
        });
    }
    let Some(position) = witnessed.next_position.checked_sub(1) else {
        return Ok(());
    };
    let record = store
        .db
        .get_pinned_cf(store.cf(keys::CF_EVENTS), keys::position_key(position))?
        .ok_or(LogError::BehindWitness {
            log_next: position,
            witness_next: witnessed.next_position,
        })?;
    let unsealed = chain::unseal(&record).map_err(|_| LogError::Corrupt {
        position,
        reason: "the witnessed record's checksum does not match".into(),
    })?;
    if unsealed.hash != witnessed.last_hash {
        return Err(LogError::WitnessMismatch { position });
    }
    Ok(())
}

/// On open for writing: checks the log against its witness and takes the witness over for the writer. A log
/// that never had a witness (created before witnesses existed) gets one now, and a marker in `meta` so that a
/// later missing witness is refused rather than silently recreated.
pub fn take_over(dir: &Path, store: &Store, head: &Head) -> Result<Witness, LogError> {
    match read(dir)? {
        Some(witnessed) => check(store, head, &witnessed)?,
        None if store
            .db
            .get_cf(store.cf(keys::CF_META), keys::META_WITNESS)?
            .is_some() =>
        {
            return Err(LogError::WitnessMissing { path: path(dir) });
        }
        None => {}
    }
    let witness = Witness::create(dir, head)?;
    mark_witnessed(store)?;
    Ok(witness)
}

/// Records in `meta` that this log has a witness (fsynced: the marker must not be lost while the file stays).
pub fn mark_witnessed(store: &Store) -> Result<(), LogError> {
    let mut sync = WriteOptions::default();
    sync.set_sync(true);
    let mut batch = WriteBatch::default();
    batch.put_cf(store.cf(keys::CF_META), keys::META_WITNESS, b"1");
    Ok(store.db.write_opt(batch, &sync)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(next_position: u64) -> Head {
        Head {
            next_position,
            last_hash: [next_position as u8; 32],
        }
    }

    #[test]
    fn the_newest_valid_slot_wins_and_a_torn_slot_is_skipped() {
        let dir = std::env::temp_dir().join(format!("witness-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let mut witness = Witness::create(&dir, &head(1)).expect("create");
        witness.record(&head(5)).expect("record");
        witness.record(&head(9)).expect("record");
        assert_eq!(read(&dir).expect("read"), Some(head(9)));
        // Tear the slot holding 9: the witness falls back to 5, a lower bound that is still true.
        let mut bytes = std::fs::read(path(&dir)).expect("bytes");
        bytes[SLOT_LEN + 20] ^= 0xff;
        std::fs::write(path(&dir), &bytes).expect("write");
        assert_eq!(read(&dir).expect("read"), Some(head(5)));
        bytes[20] ^= 0xff;
        std::fs::write(path(&dir), &bytes).expect("write");
        assert!(matches!(
            read(&dir),
            Err(LogError::WitnessUnreadable { .. })
        ));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
