//! Sums per agency subtree, kept as cases fold: each membership's weight is added to its cell's sum under its
//! own agency (`c`, `oc`) and under every agency whose subtree holds it, itself included (`tc`, `toc`). A
//! roll-up over a province's thousands of agencies then reads one agency's worth of sums instead of adding
//! every agency's report at query time.
//!
//! Every version of a sum is kept too, under the position it took effect from
//! (`annual\0htc\0{agency}\0{year}\0{cell}\0{since:020}` → the sum, 0 once it is gone; `hc`, `hoc`, `htoc`
//! beside `c`, `oc`, `toc`), so a report as of a past position (`as_of_view.rs`) reads each sum's last version
//! at or before it — two seeks per sum, however many cases, agencies and versions — instead of counting the
//! memberships' ranges or adding the agencies' reports.

use casetrack_domain::ids::AGENCY_PATH_SEPARATOR;

use crate::error::ProjectorError;
use crate::keys::{SEP, decode_u64, key};
use crate::kv::{Entry, KvRead};
use crate::ranges::history_tag;

/// How the annual model keeps subtree sums; a store without them is rebuilt on open.
pub const TREE_SUMS_LAYOUT: &str =
    "annual-tree-sums/3 (cell sums per agency and per subtree, every version by position)";

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

/// The sums under `tag` (`c`, `oc`, `tc` or `toc`) whose key starts with `tail`, as they stood as of position
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
