//! The annual model as of a past log position, read from the ranges the store keeps (`ranges.rs`): the same
//! keys and values an in-memory fold of events `0..upto` would hold, so every query of `annual.rs` runs over it
//! unchanged. Valid for any `upto` up to the annual model's checkpoint in `base`.

use std::collections::BTreeMap;

use crate::error::ProjectorError;
use crate::keys::{SEP, decode_u64, key};
use crate::kv::{Entry, KvRead};
use crate::ranges::{decode_pair, encode_pair, history_tag, since_of};
use crate::tree_sums::sums_as_of;

/// How many trailing key parts a derived key drops from its history record's key: the membership drops
/// `since`; the cell sum drops the case and `since`.
const MEMBER_PARTS: usize = 1;
const SUM_PARTS: usize = 2;

/// The annual model of `base` as of position `upto`.
pub struct AsOfView<'a> {
    base: &'a dyn KvRead,
    upto: u64,
}

impl<'a> AsOfView<'a> {
    pub fn new(base: &'a dyn KvRead, upto: u64) -> AsOfView<'a> {
        AsOfView { base, upto }
    }

    /// Whether a range `[since, until)` holds as of `upto`.
    fn holds(&self, since: u64, until: u64) -> bool {
        since <= self.upto && self.upto < until
    }

    /// The memberships (`drop` = [`MEMBER_PARTS`]) or cell sums (`drop` = [`SUM_PARTS`]) under `tag` whose
    /// key starts with `tail`, from the history of `member_tag`.
    fn derived_from_history(
        &self,
        tag: &str,
        member_tag: &str,
        tail: &[u8],
        drop: usize,
    ) -> Result<Vec<Entry>, ProjectorError> {
        let mut history = key(&["annual", &history_tag(member_tag)]);
        history.push(SEP);
        let history_len = history.len();
        history.extend_from_slice(tail);
        let mut out: BTreeMap<Vec<u8>, (u64, u64)> = BTreeMap::new();
        for (k, v) in self.base.scan_prefix(&history)? {
            let (weight, until) = decode_pair(&k, &v)?;
            let since = since_of(&k)?;
            if !self.holds(since, until) {
                continue;
            }
            let mut derived = key(&["annual", tag]);
            derived.push(SEP);
            derived.extend_from_slice(strip_parts(&k[history_len..], drop));
            let slot = out.entry(derived).or_default();
            slot.0 = slot
                .0
                .checked_add(weight)
                .ok_or_else(|| ProjectorError::Corrupt {
                    key: String::from_utf8_lossy(&k).into_owned(),
                    reason: "cell sum out of range of its memberships".into(),
                })?;
            slot.1 = since;
        }
        Ok(out
            .into_iter()
            .map(|(k, (weight, since))| {
                let value = if drop == MEMBER_PARTS {
                    encode_pair(weight, since)
                } else {
                    weight.to_be_bytes().to_vec()
                };
                (k, value)
            })
            .collect())
    }

    /// The entries of `prefix` kept as they are, those whose position part passes `keep`.
    fn filtered(
        &self,
        prefix: &[u8],
        keep: impl Fn(&[u8], &[u8]) -> Result<bool, ProjectorError>,
    ) -> Result<Vec<Entry>, ProjectorError> {
        let mut out = Vec::new();
        for (k, v) in self.base.scan_prefix(prefix)? {
            if keep(&k, &v)? {
                out.push((k, v));
            }
        }
        Ok(out)
    }
}

/// `key` without its last `n` parts.
fn strip_parts(key: &[u8], n: usize) -> &[u8] {
    let mut end = key.len();
    for _ in 0..n {
        end = key[..end].iter().rposition(|b| *b == SEP).unwrap_or(0);
    }
    &key[..end]
}

impl KvRead for AsOfView<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ProjectorError> {
        Ok(self
            .scan_prefix(key)?
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        let unkept = || ProjectorError::NotKeptAsOf {
            key: String::from_utf8_lossy(prefix).into_owned(),
        };
        let rest = prefix.strip_prefix(b"annual\0").ok_or_else(unkept)?;
        let split = rest.iter().position(|b| *b == SEP).ok_or_else(unkept)?;
        let (tag, tail) = (&rest[..split], &rest[split + 1..]);
        let entries = match tag {
            b"m" => self.derived_from_history("m", "m", tail, MEMBER_PARTS)?,
            b"o" => self.derived_from_history("o", "o", tail, MEMBER_PARTS)?,
            b"c" => self.derived_from_history("c", "m", tail, SUM_PARTS)?,
            b"oc" => self.derived_from_history("oc", "o", tail, SUM_PARTS)?,
            b"tc" => sums_as_of(self.base, "tc", tail, self.upto)?,
            b"toc" => sums_as_of(self.base, "toc", tail, self.upto)?,
            b"a" => self.filtered(prefix, |k, v| Ok(decode_u64(k, v)? <= self.upto))?,
            b"d" => self.filtered(prefix, |k, _| Ok(since_of(k)? <= self.upto))?,
            b"skipped" => self.filtered(prefix, |k, _| Ok(since_of(k)? < self.upto))?,
            _ => return Err(unkept()),
        };
        // A tail that ends inside a derived key's part (a `get`) matches more history than it asks for.
        Ok(entries
            .into_iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .collect())
    }
}
