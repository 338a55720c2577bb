//! The relay's checkpoint: the next log position to publish, in one small file replaced atomically.
//!
//! Written to a temporary file, fsynced, renamed over the old one, then the directory fsynced: after a crash
//! the file holds either the old or the new position, never a torn one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::BusError;

/// File name of the checkpoint inside the relay's data directory.
pub const CHECKPOINT_FILE: &str = "relay.checkpoint";

/// Longest content a valid checkpoint file can have (a u64 in decimal plus a newline); anything longer is
/// corruption and is not read whole.
const CHECKPOINT_MAX_BYTES: u64 = 21;

/// A durable "next position to publish".
#[derive(Debug)]
pub struct Checkpoint {
    dir: PathBuf,
    next_position: u64,
}

impl Checkpoint {
    /// Read the checkpoint in `dir` (created if missing); a missing file means `initial`.
    pub fn open(dir: &Path, initial: u64) -> Result<Checkpoint, BusError> {
        fs::create_dir_all(dir).map_err(|source| BusError::CheckpointIo {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(CHECKPOINT_FILE);
        let next_position = match fs::metadata(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => initial,
            Err(source) => return Err(BusError::CheckpointIo { path, source }),
            Ok(metadata) if metadata.len() > CHECKPOINT_MAX_BYTES => {
                return Err(BusError::CheckpointCorrupt {
                    path,
                    content: format!("{} bytes", metadata.len()),
                });
            }
            Ok(_) => {
                let content =
                    fs::read_to_string(&path).map_err(|source| BusError::CheckpointIo {
                        path: path.clone(),
                        source,
                    })?;
                match content.strip_suffix('\n').map(str::parse::<u64>) {
                    Some(Ok(position)) => position,
                    _ => return Err(BusError::CheckpointCorrupt { path, content }),
                }
            }
        };
        Ok(Checkpoint {
            dir: dir.to_owned(),
            next_position,
        })
    }

    /// The next log position to publish.
    pub fn next_position(&self) -> u64 {
        self.next_position
    }

    /// Durably record `next_position`. Checkpoints only move forward: going back would mean republishing
    /// events the relay has already confirmed.
    pub fn store(&mut self, next_position: u64) -> Result<(), BusError> {
        assert!(
            next_position >= self.next_position,
            "relay checkpoint moving backwards: {} -> {next_position}",
            self.next_position
        );
        let path = self.dir.join(CHECKPOINT_FILE);
        let temporary = self.dir.join(format!("{CHECKPOINT_FILE}.tmp"));
        let io = |source| BusError::CheckpointIo {
            path: path.clone(),
            source,
        };
        let mut file = fs::File::create(&temporary).map_err(io)?;
        file.write_all(format!("{next_position}\n").as_bytes())
            .map_err(io)?;
        file.sync_all().map_err(io)?;
        fs::rename(&temporary, &path).map_err(io)?;
        // The rename is durable only once the directory entry is.
        fs::File::open(&self.dir)
            .and_then(|dir| dir.sync_all())
            .map_err(io)?;
        self.next_position = next_position;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_means_initial_then_store_survives_reopen() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut checkpoint = Checkpoint::open(dir.path(), 1).expect("open fresh");
        assert_eq!(checkpoint.next_position(), 1);
        checkpoint.store(42).expect("store");
        let reopened = Checkpoint::open(dir.path(), 1).expect("reopen");
        assert_eq!(reopened.next_position(), 42);
        assert!(!dir.path().join(format!("{CHECKPOINT_FILE}.tmp")).exists());
    }

    #[test]
    fn corrupt_file_is_an_error_not_a_reset() {
        let dir = tempfile::tempdir().expect("temp dir");
        for content in ["", "12", "abc\n", "-1\n", "99999999999999999999999\n"] {
            fs::write(dir.path().join(CHECKPOINT_FILE), content).expect("write");
            let result = Checkpoint::open(dir.path(), 0);
            assert!(
                matches!(result, Err(BusError::CheckpointCorrupt { .. })),
                "{content:?} gave {result:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "moving backwards")]
    fn checkpoint_never_moves_backwards() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut checkpoint = Checkpoint::open(dir.path(), 0).expect("open");
        checkpoint.store(10).expect("store");
        let _ = checkpoint.store(9);
    }
}
