//! A subscriber's checkpoint in a file: the next log position to handle, in one small file replaced
//! atomically, for consumers whose effects live outside a store of their own (the relay, the router, the
//! status watchers). A consumer with its own store writes the checkpoint in the same batch as its effects
//! instead (the projector).
//!
//! Written to a temporary file (`tempfile`), fsynced, renamed over the old one, then the directory fsynced: after a crash
//! the file holds either the old or the new position, never a torn one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::BusError;

/// Ending of a checkpoint file's name: `{consumer}.checkpoint`.
pub const CHECKPOINT_SUFFIX: &str = ".checkpoint";

/// Longest content a valid checkpoint file can have (a u64 in decimal plus a newline); anything longer is
/// corruption and is not read whole.
const CHECKPOINT_MAX_BYTES: u64 = 21;

/// A durable "next position to handle" of one named consumer.
#[derive(Debug)]
pub struct Checkpoint {
    dir: PathBuf,
    file: String,
    next_position: u64,
}

impl Checkpoint {
    /// Read the checkpoint of consumer `name` in `dir` (created if missing); a missing file means `initial`.
    /// `name` is a file name: the consumer names are fixed strings or sanitised subject tokens.
    pub fn open(dir: &Path, name: &str, initial: u64) -> Result<Checkpoint, BusError> {
        fs::create_dir_all(dir).map_err(|source| BusError::CheckpointIo {
            path: dir.to_owned(),
            source,
        })?;
        let file = format!("{name}{CHECKPOINT_SUFFIX}");
        let path = dir.join(&file);
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
            file,
            next_position,
        })
    }

    /// The next log position to handle.
    pub fn next_position(&self) -> u64 {
        self.next_position
    }

    /// Durably record `next_position`. Checkpoints only move forward: going back would mean handling again
    /// events whose effects are already confirmed.
    pub fn store(&mut self, next_position: u64) -> Result<(), BusError> {
        assert!(
            next_position >= self.next_position,
            "checkpoint moving backwards: {} -> {next_position}",
            self.next_position
        );
        let path = self.dir.join(&self.file);
        let io = |source| BusError::CheckpointIo {
            path: path.clone(),
            source,
        };
        // A uniquely named temporary file in the same directory, removed if anything fails before the rename.
        let mut file = tempfile::NamedTempFile::new_in(&self.dir).map_err(io)?;
        file.write_all(format!("{next_position}\n").as_bytes())
            .map_err(io)?;
        file.as_file().sync_all().map_err(io)?;
        file.persist(&path).map_err(|error| io(error.error))?;
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
        let mut checkpoint = Checkpoint::open(dir.path(), "relay", 1).expect("open fresh");
        assert_eq!(checkpoint.next_position(), 1);
        checkpoint.store(42).expect("store");
        let reopened = Checkpoint::open(dir.path(), "relay", 1).expect("reopen");
        assert_eq!(reopened.next_position(), 42);
        let files: Vec<_> = fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(files.len(), 1, "no temporary file is left: {files:?}");
    }

    #[test]
    fn corrupt_file_is_an_error_not_a_reset() {
        let dir = tempfile::tempdir().expect("temp dir");
        for content in ["", "12", "abc\n", "-1\n", "99999999999999999999999\n"] {
            fs::write(dir.path().join("relay.checkpoint"), content).expect("write");
            let result = Checkpoint::open(dir.path(), "relay", 0);
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
        let mut checkpoint = Checkpoint::open(dir.path(), "relay", 0).expect("open");
        checkpoint.store(10).expect("store");
        let _ = checkpoint.store(9);
    }
}
