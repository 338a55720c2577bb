//! Sums per agency subtree, kept as cases fold: each membership's weight is added to its cell's sum under its
//! own agency (`c`, `oc`) and under every agency whose subtree holds it, itself included (`tc`, `toc`). A
//! roll-up over a province's thousands of agencies then reads one agency's worth of sums instead of adding
//! every agency's report at query time.
//!
//! Every version of a subtree sum is kept too, under the position it took effect from
//! (`annual\0htc\0{agency}\0{year}\0{cell}\0{since:020}` → the sum, 0 once it is gone; `htoc` beside `toc`), so a
//! report as of a past position (`as_of_view.rs`) reads each sum's last version at or before it — two seeks per
//! sum, however many cases, agencies and versions — instead of counting the memberships' ranges or adding the
//! agencies' reports. An agency's own sums as of a position are its subtree's less its children's
//! ([`own_sums_as_of`]): keeping versions of them too cost the fold a third of its speed.

use std::collections::{BTreeMap, BTreeSet};

use casetrack_domain::ids::AGENCY_PATH_SEPARATOR;

use crate::error::ProjectorError;
use crate::keys::{SEP, decode_u64, key};
use crate::kv::{Entry, KvRead};
use crate::ranges::history_tag;

/// How the annual model keeps subtree sums; a store without them is rebuilt on open.
pub const TREE_SUMS_LAYOUT: &str =
    "annual-tree-sums/2 (cell sums per agency subtree, every version by position)";

/// The key tags of one kind of cell sums: of one year's cells, and of the open cells counted in every year
/// from one on (结转).
#[derive(Debug, Clone, Copy)]
pub struct SumTags {
    pub year: &'static str,
    pub open: &'static str,
}

/// The sums of one agency's own cases.
pub const OWN_SUMS: SumTags = SumTags {
    year: "c",
    open: "oc",
};
/// The sums of the cases of an agency's whole subtree.
pub const TREE_SUMS: SumTags = SumTags {
    year: "tc",
    open: "toc",
};

/// The agencies whose subtree holds `agency`: each ancestor in its path, then itself.
pub fn ancestors_or_self(agency: &str) -> impl Iterator<Item = &str> {
    agency
        .match_indices(AGENCY_PATH_SEPARATOR)
        .map(|(at, _)| &agency[..at])
        .chain(std::iter::once(agency))
}

/// The subtree sums under `tag` (`tc` or `toc`) whose key starts with `tail`, as they stood as of position
/// `upto`: each sum's last version from a position at or before `upto`; a sum with none, or whose version
/// there is 0, is absent (as the fold deletes a sum of 0).
pub fn sums_as_of(
    kv: &dyn KvRead,
    tag: &str,
    tail: &[u8],
    upto: u64,
) -> Result<Vec<Entry>, ProjectorError> {
    let mut versions = key(&["annual", &history_tag(tag)]);
    versions.push(SEP);
    let tag_len = versions.len();
    versions.extend_from_slice(tail);
    let upto = format!("{upto:020}");
    let mut out = Vec::new();
    let mut from = versions.clone();
    while let Some((first, _)) = kv.first_at_least(&versions, &from)? {
        // The sum's key ends where its versions' position part begins.
        let sum_end = first
            .iter()
            .rposition(|b| *b == SEP)
            .filter(|end| *end >= tag_len)
            .ok_or_else(|| ProjectorError::Corrupt {
                key: String::from_utf8_lossy(&first).into_owned(),
                reason: "expected a sum's key and a log position".into(),
            })?;
        let mut of_sum = first[..=sum_end].to_vec();
        let mut bound = of_sum.clone();
        bound.extend_from_slice(upto.as_bytes());
        if let Some((version, value)) = kv.last_at_most(&of_sum, &bound)?
            && decode_u64(&version, &value)? > 0
        {
            let mut sum_key = key(&["annual", tag]);
            sum_key.push(SEP);
            sum_key.extend_from_slice(&first[tag_len..sum_end]);
            out.push((sum_key, value));
        }
        // The next sum's versions sort after every version of this one.
        if let Some(last) = of_sum.last_mut() {
            *last = SEP + 1;
        }
        from = of_sum;
    }
    Ok(out)
}

/// The own sums under `tag` (`c` or `oc`) whose key starts with `tail`, as they stood as of position `upto`:
/// of each agency the tail names (when it does not end an agency id, every agency that ever counted whose id
/// it begins), the subtree's sums under `tree_tag` (`tc`, `toc`) less those of each child's subtree. The fold
/// moves an agency's own sum and every subtree sum above it in the same event, so this holds at every position.
pub fn own_sums_as_of(
    kv: &dyn KvRead,
    (tag, tree_tag): (&str, &str),
    tail: &[u8],
    upto: u64,
) -> Result<Vec<Entry>, ProjectorError> {
    let (agencies, rest) = match tail.iter().position(|b| *b == SEP) {
        Some(end) => (vec![agency_of(&tail[..end])?], &tail[end..]),
        None => (registered(kv, tail)?, &[SEP][..]),
    };
    let mut out = Vec::new();
    for agency in agencies {
        let tree = |subtree: &str| -> Result<Vec<(Vec<u8>, u64)>, ProjectorError> {
            let mut subtree_tail = subtree.as_bytes().to_vec();
            subtree_tail.extend_from_slice(rest);
            let head = key(&["annual", tree_tag, subtree]).len();
            sums_as_of(kv, tree_tag, &subtree_tail, upto)?
                .into_iter()
                .map(|(k, v)| Ok((k[head..].to_vec(), decode_u64(&k, &v)?)))
                .collect()
        };
        let mut own: BTreeMap<Vec<u8>, u64> = tree(&agency)?.into_iter().collect();
        for child in children(kv, &agency)? {
            for (cell, sum) in tree(&child)? {
                let left = own.get(&cell).and_then(|o| o.checked_sub(sum));
                let left = left.ok_or_else(|| ProjectorError::Corrupt {
                    key: format!("{child}: {}", String::from_utf8_lossy(&cell)),
                    reason: "a subtree's sum exceeds its parent's".into(),
                })?;
                own.insert(cell, left);
            }
        }
        let head = key(&["annual", tag, &agency]);
        out.extend(
            own.into_iter()
                .filter(|(_, sum)| *sum > 0)
                .map(|(cell, sum)| {
                    let mut own_key = head.clone();
                    own_key.extend_from_slice(&cell);
                    (own_key, sum.to_be_bytes().to_vec())
                }),
        );
    }
    Ok(out)
}

/// The agencies that ever counted anything (`annual\0a\0{agency}`) whose id begins with `start`.
fn registered(kv: &dyn KvRead, start: &[u8]) -> Result<Vec<String>, ProjectorError> {
    let mut registry = key(&["annual", "a"]);
    registry.push(SEP);
    let head = registry.len();
    registry.extend_from_slice(start);
    kv.scan_prefix(&registry)?
        .iter()
        .map(|(k, _)| agency_of(&k[head..]))
        .collect()
}

/// The children of `agency` with anything counted below them: each registered descendant's path cut one level
/// below `agency` (a child that counts nothing of its own still holds its descendants' sums).
fn children(kv: &dyn KvRead, agency: &str) -> Result<BTreeSet<String>, ProjectorError> {
    let below = format!("{agency}{AGENCY_PATH_SEPARATOR}");
    Ok(registered(kv, below.as_bytes())?
        .into_iter()
        .map(|descendant| {
            let child_len = descendant[below.len()..]
                .find(AGENCY_PATH_SEPARATOR)
                .map_or(descendant.len(), |at| below.len() + at);
            descendant[..child_len].to_owned()
        })
        .collect())
}

fn agency_of(bytes: &[u8]) -> Result<String, ProjectorError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| ProjectorError::Corrupt {
        key: String::from_utf8_lossy(bytes).into_owned(),
        reason: "an agency id that is not UTF-8".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ancestor_then_the_agency_itself() {
        assert_eq!(
            ancestors_or_self("yunnan/puer/simao").collect::<Vec<_>>(),
            ["yunnan", "yunnan/puer", "yunnan/puer/simao"]
        );
        assert_eq!(ancestors_or_self("simao").collect::<Vec<_>>(), ["simao"]);
    }
}
