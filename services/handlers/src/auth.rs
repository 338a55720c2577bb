//! Who is calling: a bearer token per client, configured in a file mapping token → source system name
//! (e.g. "12345" for the government service hotline, "console" for staff). Intake's idempotency key and the
//! status updates a caller may watch both hang on this authenticated name, never on a request field.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use tonic::metadata::MetadataMap;

use crate::error::HandlerError;

/// The most tokens a configuration may hold.
pub const MAX_TOKENS: usize = 10_000;
/// Longest source system name in bytes (it becomes part of NATS consumer names and ids).
pub const MAX_SOURCE_SYSTEM_LEN: usize = 64;

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The source system name the caller's token maps to.
    pub source_system: String,
}

/// Token file layout: `{"tokens": {"<token>": "<source system>", ...}}`.
#[derive(Deserialize)]
struct TokenFile {
    tokens: HashMap<String, String>,
}

/// The configured tokens; cheap to clone.
#[derive(Clone, Debug)]
pub struct Tokens {
    by_token: Arc<HashMap<String, String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    #[error("token file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("token file {path}: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error("token file: {0}")]
    Invalid(String),
}

impl Tokens {
    /// Tokens from a map token → source system; refuses empty tokens, bad names and too many entries.
    pub fn new(by_token: HashMap<String, String>) -> Result<Tokens, TokensError> {
        if by_token.len() > MAX_TOKENS {
            return Err(TokensError::Invalid(format!(
                "{} tokens exceed the limit {MAX_TOKENS}",
                by_token.len()
            )));
        }
        for (token, source) in &by_token {
            if token.trim().is_empty() {
                return Err(TokensError::Invalid("a token is empty".into()));
            }
            let bad_char = |c: char| !(c.is_alphanumeric() || c == '-' || c == '_');
            if source.is_empty()
                || source.len() > MAX_SOURCE_SYSTEM_LEN
                || source.chars().any(bad_char)
            {
                return Err(TokensError::Invalid(format!(
                    "source system {source:?} must be 1..={MAX_SOURCE_SYSTEM_LEN} letters, digits, '-' or '_'"
                )));
            }
        }
        Ok(Tokens {
            by_token: Arc::new(by_token),
        })
    }

    /// Load the token file.
    pub fn load(path: &Path) -> Result<Tokens, TokensError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TokensError::Io {
            path: shown.clone(),
            source,
        })?;
        let file: TokenFile = serde_json::from_str(&text).map_err(|source| TokensError::Json {
            path: shown,
            source,
        })?;
        Tokens::new(file.tokens)
    }

    /// The caller named by the request's `authorization: Bearer <token>` metadata.
    pub fn caller(&self, metadata: &MetadataMap) -> Result<Caller, HandlerError> {
        let header = metadata
            .get("authorization")
            .ok_or(HandlerError::Unauthenticated(
                "missing `authorization: Bearer <token>` metadata",
            ))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or(HandlerError::Unauthenticated(
                "authorization metadata must be `Bearer <token>`",
            ))?;
        let source_system = self
            .by_token
            .get(token)
            .ok_or(HandlerError::Unauthenticated("unknown token"))?;
        Ok(Caller {
            source_system: source_system.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> Tokens {
        Tokens::new(HashMap::from([("secret".to_owned(), "12345".to_owned())]))
            .expect("valid tokens")
    }

    #[test]
    fn a_configured_bearer_token_names_its_source_system() {
        let mut metadata = MetadataMap::new();
        metadata.insert("authorization", "Bearer secret".parse().expect("ascii"));
        assert_eq!(
            tokens().caller(&metadata).expect("known").source_system,
            "12345"
        );
    }

    #[test]
    fn missing_malformed_and_unknown_tokens_are_refused() {
        let mut metadata = MetadataMap::new();
        assert!(tokens().caller(&metadata).is_err());
        metadata.insert("authorization", "secret".parse().expect("ascii"));
        assert!(tokens().caller(&metadata).is_err());
        metadata.insert("authorization", "Bearer other".parse().expect("ascii"));
        assert!(tokens().caller(&metadata).is_err());
    }

    #[test]
    fn bad_source_system_names_are_refused() {
        for bad in ["", "a.b", "a b", "x>"] {
            assert!(
                Tokens::new(HashMap::from([("t".to_owned(), bad.to_owned())])).is_err(),
                "{bad:?}"
            );
        }
    }
}
