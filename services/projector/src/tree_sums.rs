//! Sums per agency subtree, kept as cases fold: each membership's weight is added to its cell's sum under its
//! own agency (`c`, `oc`) and under every agency whose subtree holds it, itself included (`tc`, `toc`). A
//! roll-up over a province's thousands of agencies then reads one agency's worth of sums instead of adding
//! every agency's report at query time.
//!
//! They are kept for the model's latest position only: a report as of a past position counts over the
//! ranges (`as_of_view.rs`), which keep no subtree sums, and rolls its agencies up one by one.

use casetrack_domain::ids::AGENCY_PATH_SEPARATOR;

/// How the annual model keeps subtree sums; a store without them is rebuilt on open.
pub const TREE_SUMS_LAYOUT: &str = "annual-tree-sums/1 (cell sums per agency subtree)";

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
