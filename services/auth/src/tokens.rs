//! The token file: which token hash is which [`Identity`]. Only SHA-256 hashes of tokens are stored, so the
//! file can be read by an operator (or leak) without giving anyone a token; the caller's token is hashed and
//! compared with every configured hash in constant time.
//!
//! ```json
//! {"identities": [{"name": "12345热线", "token_sha256": "<64 hex digits>", "roles": ["hotline"],
//!                  "source_system": "12345", "jurisdiction": "simao"}]}
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use casetrack_domain::AgencyId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::identity::Identity;
use crate::role::Role;

/// The most identities one token file may hold: every call compares its hash with each of them.
pub const MAX_IDENTITIES: usize = 1_000;
/// Longest identity name, in characters.
pub const MAX_NAME_LEN: usize = 64;
/// Longest source system name in bytes (it becomes part of NATS consumer names and case ids).
pub const MAX_SOURCE_SYSTEM_LEN: usize = 64;
/// Longest token a caller may present, in bytes; longer ones are refused before hashing.
pub const MAX_TOKEN_LEN: usize = 256;
/// Random bytes in a token made by [`NewToken::generate`] (printed as twice as many hex digits).
pub const TOKEN_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
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
    #[error("token file {path}: identity {entry} ({name:?}): {reason}")]
    Invalid {
        path: String,
        entry: usize,
        name: String,
        reason: String,
    },
    #[error("token file {path}: {reason}")]
    File { path: String, reason: String },
}

/// One identity as the token file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityEntry {
    pub name: String,
    pub token_sha256: String,
    pub roles: BTreeSet<Role>,
    pub source_system: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    identities: Vec<IdentityEntry>,
}

/// The configured identities, each with the hash of its token.
#[derive(Debug, Clone)]
pub struct Tokens {
    identities: Vec<([u8; 32], Identity)>,
}

/// The SHA-256 of a token, as the token file stores it (lowercase hex).
pub fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Tokens {
    /// Load and check the token file at `path`.
    pub fn load(path: &Path) -> Result<Tokens, TokenError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TokenError::Io {
            path: shown.clone(),
            source,
        })?;
        Tokens::parse(&shown, &text)
    }

    /// Parse and check a token file's text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<Tokens, TokenError> {
        let file: TokenFile = serde_json::from_str(text).map_err(|source| TokenError::Json {
            path: path.to_owned(),
            source,
        })?;
        let file_error = |reason: String| TokenError::File {
            path: path.to_owned(),
            reason,
        };
        if file.identities.len() > MAX_IDENTITIES {
            return Err(file_error(format!(
                "{} identities exceed the limit {MAX_IDENTITIES}",
                file.identities.len()
            )));
        }
        let mut identities: Vec<([u8; 32], Identity)> = Vec::with_capacity(file.identities.len());
        for (entry, raw) in file.identities.into_iter().enumerate() {
            let invalid = |reason: String| TokenError::Invalid {
                path: path.to_owned(),
                entry,
                name: raw.name.clone(),
                reason,
            };
            let (hash, identity) = raw.check().map_err(invalid)?;
            if let Some((_, other)) = identities.iter().find(|(known, _)| *known == hash) {
                return Err(invalid(format!(
                    "token_sha256 is also the hash of {:?}'s token",
                    other.name
                )));
            }
            identities.push((hash, identity));
        }
        Ok(Tokens { identities })
    }

    /// The identity whose token this is. Every configured hash is compared, in constant time, so neither the
    /// answer's timing nor its work tells how much of a guess matched.
    pub fn identify(&self, token: &str) -> Option<&Identity> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for (known, identity) in &self.identities {
            if bool::from(known.ct_eq(&hash)) {
                found = Some(identity);
            }
        }
        found
    }
}

impl IdentityEntry {
    /// The entry's token hash and identity, or why the entry is not acceptable.
    fn check(&self) -> Result<([u8; 32], Identity), String> {
        let name = self.name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_NAME_LEN
            || name.chars().any(char::is_control)
        {
            return Err(format!(
                "name must be 1..={MAX_NAME_LEN} characters without control characters"
            ));
        }
        let hash = parse_hash(&self.token_sha256)?;
        if self.roles.is_empty() {
            return Err("roles must name at least one role".into());
        }
        if self.roles.contains(&Role::Hotline) && self.roles.len() > 1 {
            // A source system is a machine on the hotline's side; mixing in staff roles would let its
            // own-cases-only rule widen or narrow staff reads depending on the mix.
            return Err(
                "the hotline role is a source system's and cannot be combined with others".into(),
            );
        }
        let bad_char = |c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let source = &self.source_system;
        if source.is_empty() || source.len() > MAX_SOURCE_SYSTEM_LEN || source.chars().any(bad_char)
        {
            return Err(format!(
                "source_system {source:?} must be 1..={MAX_SOURCE_SYSTEM_LEN} ASCII letters, digits, '-' or '_'"
            ));
        }
        let jurisdiction = self
            .jurisdiction
            .as_deref()
            .map(AgencyId::parse)
            .transpose()
            .map_err(|error| format!("jurisdiction: {error}"))?;
        if jurisdiction.is_none() && !self.roles.iter().all(|role| role.spans_deployment()) {
            return Err(
                "jurisdiction is required: only auditor and admin may span the whole deployment"
                    .into(),
            );
        }
        Ok((
            hash,
            Identity {
                name: name.to_owned(),
                roles: self.roles.clone(),
                source_system: source.clone(),
                jurisdiction,
            },
        ))
    }
}

fn parse_hash(text: &str) -> Result<[u8; 32], String> {
    let mut hash = [0u8; 32];
    hex::decode_to_slice(text, &mut hash)
        .map_err(|_| "token_sha256 must be 64 hex digits, the SHA-256 of the token".to_owned())?;
    Ok(hash)
}

/// A fresh token and the token file entry that admits it: what `casetrack token new` prints.
pub struct NewToken {
    /// Shown once to the operator; stored nowhere.
    pub token: String,
    pub entry: IdentityEntry,
}

impl NewToken {
    /// A random token of [`TOKEN_BYTES`] bytes for an identity, refused as the token file would refuse it.
    pub fn generate(
        name: &str,
        roles: BTreeSet<Role>,
        source_system: &str,
        jurisdiction: Option<&str>,
    ) -> Result<NewToken, String> {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::fill(&mut bytes[..]);
        let token = hex::encode(bytes);
        let entry = IdentityEntry {
            name: name.to_owned(),
            token_sha256: token_sha256(&token),
            roles,
            source_system: source_system.to_owned(),
            jurisdiction: jurisdiction.map(str::to_owned),
        };
        entry.check()?;
        Ok(NewToken { token, entry })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(entries: &[serde_json::Value]) -> String {
        serde_json::json!({ "identities": entries }).to_string()
    }

    fn entry(token: &str, roles: &[&str], jurisdiction: Option<&str>) -> serde_json::Value {
        let mut entry = serde_json::json!({
            "name": format!("{token} 的身份"),
            "token_sha256": token_sha256(token),
            "roles": roles,
            "source_system": "console",
        });
        if let Some(jurisdiction) = jurisdiction {
            entry["jurisdiction"] = jurisdiction.into();
        }
        entry
    }

    #[test]
    fn a_token_is_found_by_its_hash_only() {
        let tokens = Tokens::parse(
            "t",
            &file(&[
                entry("alpha", &["clerk"], Some("simao")),
                entry("beta", &["auditor"], None),
            ]),
        )
        .expect("valid");
        assert_eq!(
            tokens.identify("alpha").expect("known").name,
            "alpha 的身份"
        );
        assert!(tokens.identify("beta").expect("known").has(Role::Auditor));
        assert!(tokens.identify(&token_sha256("alpha")).is_none());
        assert!(tokens.identify("gamma").is_none());
        assert!(tokens.identify(&"a".repeat(MAX_TOKEN_LEN + 1)).is_none());
    }

    #[test]
    fn bad_entries_are_refused_naming_the_entry() {
        let cases = [
            (entry("a", &[], Some("simao")), "roles"),
            (entry("a", &["root"], Some("simao")), "unknown variant"),
            (entry("a", &["clerk"], None), "jurisdiction is required"),
            (entry("a", &["clerk"], Some("/simao")), "jurisdiction"),
            (entry("a", &["hotline", "clerk"], Some("simao")), "combined"),
            (
                serde_json::json!({"name": "x", "token_sha256": "abc", "roles": ["admin"],
                "source_system": "ops"}),
                "64 hex digits",
            ),
            (
                serde_json::json!({"name": "x", "token_sha256": token_sha256("x"), "roles": ["admin"],
                "source_system": "a.b"}),
                "source_system",
            ),
            (
                serde_json::json!({"name": "", "token_sha256": token_sha256("x"), "roles": ["admin"],
                "source_system": "ops"}),
                "name",
            ),
            (
                serde_json::json!({"name": "x", "token": "x", "roles": ["admin"],
                "source_system": "ops"}),
                "unknown field",
            ),
        ];
        for (bad, expected) in cases {
            let error = Tokens::parse("t", &file(std::slice::from_ref(&bad)))
                .expect_err("refused")
                .to_string();
            assert!(error.contains(expected), "{bad}: {error}");
        }
        let twice = file(&[entry("a", &["admin"], None), entry("a", &["auditor"], None)]);
        let error = Tokens::parse("t", &twice)
            .expect_err("same hash")
            .to_string();
        assert!(error.contains("identity 1"), "{error}");
    }

    #[test]
    fn too_many_identities_are_refused() {
        let many: Vec<_> = (0..=MAX_IDENTITIES)
            .map(|n| entry(&n.to_string(), &["auditor"], None))
            .collect();
        let error = Tokens::parse("t", &file(&many))
            .expect_err("too many")
            .to_string();
        assert!(error.contains(&MAX_IDENTITIES.to_string()), "{error}");
    }

    #[test]
    fn a_generated_token_is_admitted_by_its_entry() {
        let roles = BTreeSet::from([Role::Hotline]);
        let new = NewToken::generate("12345热线", roles, "12345", Some("simao")).expect("valid");
        assert_eq!(new.token.len(), 2 * TOKEN_BYTES);
        let text = serde_json::json!({ "identities": [new.entry] }).to_string();
        let tokens = Tokens::parse("t", &text).expect("valid");
        assert_eq!(
            tokens.identify(&new.token).expect("admitted").source_system,
            "12345"
        );
        assert!(NewToken::generate("x", BTreeSet::from([Role::Clerk]), "console", None).is_err());
    }
}
