//! The on-disk layout of the projection store. Parts are joined by NUL, which agency ids may not contain.
//! Every key of a read model starts with `{model}\0`, so a model is reset by deleting its prefix.
//!
//! | key | value |
//! |---|---|
//! | `ckpt\0{model}` | u64 BE: the next log position the model folds |
//! | `meta\0{model}` | UTF-8: the version of the rules and summary schema the model was folded by |
//! | `annual\0s\0{case}` | the case as the annual model last saw it: domain state + tracking number (MessagePack) |
//! | `annual\0m\0{agency}\0{year}\0{cell}\0{case}` | u64 BE weight · since: the case is in the cell of that year |
//! | `annual\0c\0{agency}\0{year}\0{cell}` | u64 BE: sum of the weights above (the figure) |
//! | `annual\0o\0{agency}\0{cell}\0{from}\0{case}` | u64 BE weight · since: in the cell of every year ≥ from |
//! | `annual\0oc\0{agency}\0{cell}\0{from}` | u64 BE: sum of the open weights above |
//! | `annual\0tc\0…`, `annual\0toc\0…` | u64 BE: the two sums above over the agency's subtree (tree_sums.rs) |
//! | `annual\0htc\0…\0{since:020}`, `annual\0htoc\0…` | u64 BE: each version of those subtree sums, from `since` on |
//! | `annual\0hm\0…`, `annual\0ho\0…`, `annual\0d\0…` | the ranges memberships held in, and the drill-down cards (ranges.rs) |
//! | `annual\0a\0{agency}` | u64 BE since: the agency registry (agencies that have any annual figure) |
//! | `cases\0s\0{case}` | the case: domain state + tracking number (MessagePack) |
//! | `queues\0s\0{case}` | the case as the queue model last saw it (MessagePack) |
//! | `queues\0q\0{unit}\0{status}\0{case}` | case summary of an open case, under its handling unit (JSON) |
//! | `published\0{agency}\0{year}\0{position:020}` | a published report (reporting's JSON); not a read model |

use casetrack_domain::CaseId;

use crate::error::ProjectorError;

pub const SEP: u8 = 0;

/// Joins parts with the separator.
pub fn key(parts: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.extend_from_slice(part.as_bytes());
    }
    out
}

/// Like [`key`] with a trailing separator: the prefix of every key below these parts.
pub fn prefix(parts: &[&str]) -> Vec<u8> {
    let mut out = key(parts);
    out.push(SEP);
    out
}

/// The parts of a key after `prefix_len` bytes.
pub fn suffix_parts(key: &[u8], prefix_len: usize) -> Vec<String> {
    key.get(prefix_len..)
        .unwrap_or_default()
        .split(|b| *b == SEP)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

pub fn checkpoint_key(model: &str) -> Vec<u8> {
    key(&["ckpt", model])
}

/// Where the version a model was folded by is kept (outside the model's prefix, so a reset keeps it).
pub fn version_key(model: &str) -> Vec<u8> {
    key(&["meta", model])
}

pub fn encode_u64(n: u64) -> Vec<u8> {
    n.to_be_bytes().to_vec()
}

pub fn decode_u64(key: &[u8], value: &[u8]) -> Result<u64, ProjectorError> {
    let bytes: [u8; 8] = value.try_into().map_err(|_| ProjectorError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: format!("expected 8 bytes, found {}", value.len()),
    })?;
    Ok(u64::from_be_bytes(bytes))
}

pub fn parse_case_id(key: &[u8], text: &str) -> Result<CaseId, ProjectorError> {
    uuid::Uuid::parse_str(text)
        .map(CaseId)
        .map_err(|e| ProjectorError::Corrupt {
            key: String::from_utf8_lossy(key).into_owned(),
            reason: format!("case id {text:?}: {e}"),
        })
}

pub fn parse_year(key: &[u8], text: &str) -> Result<i32, ProjectorError> {
    text.parse().map_err(|e| ProjectorError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: format!("year {text:?}: {e}"),
    })
}
