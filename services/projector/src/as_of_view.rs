//! The annual model as of a past log position, read from the ranges the store keeps (`ranges.rs`): the same
//! keys and values an in-memory fold of events `0..upto` would hold, so every query of `annual.rs` runs over it
//! unchanged. Valid for any `upto` up to the annual model's checkpoint in `base`.

use crate::error::ProjectorError;
use crate::keys::{SEP, decode_u64, key};
use crate::kv::{Entry, KvRead};
use crate::ranges::{decode_pair, encode_pair, history_tag, since_of};
use crate::tree_sums::{own_sums_as_of, sums_as_of};

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

    /// The memberships under `tag` (`m` or `o`) whose key starts with `tail`, from their ranges: each one
    /// whose range holds, with its weight and since.
    fn memberships(&self, tag: &str, tail: &[u8]) -> Result<Vec<Entry>, ProjectorError> {
        let mut history = key(&["annual", &history_tag(tag)]);
        history.push(SEP);
        let history_len = history.len();
        history.extend_from_slice(tail);
        let mut out = Vec::new();
        for (k, v) in self.base.scan_prefix(&history)? {
            let (weight, until) = decode_pair(&k, &v)?;
            let since = since_of(&k)?;
            if !self.holds(since, until) {
                continue;
            }
            // A membership's key is its range's without the trailing `since`.
            let end = k.iter().rposition(|b| *b == SEP).unwrap_or(k.len());
            let mut membership = key(&["annual", tag]);
            membership.push(SEP);
            membership.extend_from_slice(&k[history_len..end.max(history_len)]);
            out.push((membership, encode_pair(weight, since)));
        }
        Ok(out)
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
            b"m" => self.memberships("m", tail)?,
            b"o" => self.memberships("o", tail)?,
            b"c" => own_sums_as_of(self.base, ("c", "tc"), tail, self.upto)?,
            b"oc" => own_sums_as_of(self.base, ("oc", "toc"), tail, self.upto)?,
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
