//! The token file in force: re-read when it changes, so adding or revoking a token needs no restart. The file
//! is stat-ed at most every [`RELOAD_INTERVAL`], on the request path (one `stat` a second is nothing); a
//! changed file that does not load keeps the previous identities and is logged once, as an error.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use crate::tokens::{TokenError, Tokens};

/// How often the token file is checked for changes at most.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// What identifies one version of the file: rewritten in place or replaced by a rename, one of these changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

struct State {
    tokens: Arc<Tokens>,
    stamp: Option<Stamp>,
    checked: Instant,
}

struct Watched {
    path: PathBuf,
    every: Duration,
    state: RwLock<State>,
}

/// The identities callers are checked against; cheap to clone, shared by every server of a process.
#[derive(Clone)]
pub struct TokenSource {
    watched: Option<Arc<Watched>>,
    fixed: Arc<Tokens>,
}

impl TokenSource {
    /// The token file at `path`, loaded now (an error here stops the process: there is nothing to keep) and
    /// re-read after it changes.
    pub fn watch(path: &Path) -> Result<TokenSource, TokenError> {
        TokenSource::watch_every(path, RELOAD_INTERVAL)
    }

    /// As [`TokenSource::watch`], checking the file at most every `every` (tests use zero).
    pub fn watch_every(path: &Path, every: Duration) -> Result<TokenSource, TokenError> {
        let stamp = stamp(path);
        let tokens = Arc::new(Tokens::load(path)?);
        let state = State {
            tokens: Arc::clone(&tokens),
            stamp,
            checked: Instant::now(),
        };
        Ok(TokenSource {
            watched: Some(Arc::new(Watched {
                path: path.to_owned(),
                every,
                state: RwLock::new(state),
            })),
            fixed: tokens,
        })
    }

    /// Identities that never change (tests, and tools that make their own).
    pub fn fixed(tokens: Tokens) -> TokenSource {
        TokenSource {
            watched: None,
            fixed: Arc::new(tokens),
        }
    }

    /// The identities in force now.
    pub fn current(&self) -> Arc<Tokens> {
        match &self.watched {
            None => Arc::clone(&self.fixed),
            Some(watched) => watched.current(),
        }
    }
}

impl Watched {
    fn current(&self) -> Arc<Tokens> {
        {
            let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
            if state.checked.elapsed() < self.every {
                return Arc::clone(&state.tokens);
            }
        }
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        // Another request may have checked while this one waited for the lock.
        if state.checked.elapsed() < self.every && !self.every.is_zero() {
            return Arc::clone(&state.tokens);
        }
        state.checked = Instant::now();
        let now = stamp(&self.path);
        if now == state.stamp {
            return Arc::clone(&state.tokens);
        }
        // Remember the stamp either way: a broken file is reported once, not on every check.
        state.stamp = now;
        match Tokens::load(&self.path) {
            Ok(tokens) => {
                tracing::info!(path = %self.path.display(), "令牌文件已重新载入");
                state.tokens = Arc::new(tokens);
            }
            Err(error) => {
                tracing::error!(%error, "令牌文件有误，继续使用上一版本");
            }
        }
        Arc::clone(&state.tokens)
    }
}

/// The file's stamp; `None` while it cannot be stat-ed (e.g. between an unlink and a rename).
fn stamp(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: metadata.modified().ok(),
        len: metadata.len(),
        inode: metadata.ino(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::token_sha256;

    fn write(path: &Path, token: &str) {
        let text = serde_json::json!({ "identities": [{
            "name": token, "token_sha256": token_sha256(token), "roles": ["auditor"],
            "source_system": "ops",
        }]});
        std::fs::write(path, text.to_string()).expect("write");
    }

    #[test]
    fn a_changed_file_replaces_the_identities_and_a_broken_one_keeps_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tokens.json");
        write(&path, "first");
        let source = TokenSource::watch_every(&path, Duration::ZERO).expect("loads");
        assert!(source.current().identify("first").is_some());

        // Replaced by a rename, as editors and config management do.
        let next = dir.path().join("next.json");
        write(&next, "second-token");
        std::fs::rename(&next, &path).expect("rename");
        assert!(source.current().identify("second-token").is_some());
        assert!(source.current().identify("first").is_none());

        std::fs::write(&path, "{not json").expect("write");
        assert!(source.current().identify("second-token").is_some());
    }

    #[test]
    fn a_broken_file_at_start_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tokens.json");
        std::fs::write(&path, r#"{"tokens": {}}"#).expect("write");
        assert!(TokenSource::watch(&path).is_err());
    }
}
