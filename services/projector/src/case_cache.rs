//! The per-case state the fold keeps in memory between batches, so an event costs no store read and no JSON
//! parse of its case, and a case touched by many events of one batch is written once, with the batch.
//!
//! The cache only ever holds what the store holds: a batch's new states are staged beside it ([`StagedCases`])
//! and enter it only after the batch and its checkpoints were committed, so a crash or a failed write leaves
//! nothing in memory that the store lacks (and after a restart the cache starts empty).

use std::collections::HashMap;
use std::mem;
use std::sync::Arc;

use casetrack_domain::CaseId;

use crate::case::StoredCase;
use crate::model::ReadModel;
use crate::summary::CaseSummary;

/// Most (model, case) states kept in memory. A state costs about 2 KB (the domain's `Case` and its summary;
/// models folding in step share one copy), so the bound keeps the cache within a few hundred MB at most; a
/// case evicted is read from the store again when its next event comes.
pub const MAX_CACHED_CASES: usize = 100_000;

/// One case as a model last saw it, with the summary derived from it (what the models count and list).
#[derive(Debug)]
pub struct CachedCase {
    pub stored: StoredCase,
    pub summary: CaseSummary,
}

impl CachedCase {
    pub fn new(stored: StoredCase) -> CachedCase {
        let summary = CaseSummary::of(&stored);
        CachedCase { stored, summary }
    }
}

/// The cache key: a model and one of its cases.
pub type CaseKey = (ReadModel, CaseId);

/// The states a batch produced, in memory until the batch is committed.
pub type StagedCases = HashMap<CaseKey, Arc<CachedCase>>;

/// Committed case states, at most `bound` of them. Two generations approximate least-recently-used at the
/// cost of a hash look-up: a state enters the young generation; when that holds half the bound it becomes
/// the old one and the previous old generation is dropped. A state written again moves back to the young one.
#[derive(Debug)]
pub struct CaseCache {
    bound: usize,
    young: HashMap<CaseKey, Arc<CachedCase>>,
    old: HashMap<CaseKey, Arc<CachedCase>>,
}

impl CaseCache {
    /// A cache of at most `bound` states (at least 2, one per generation).
    pub fn new(bound: usize) -> CaseCache {
        CaseCache {
            bound: bound.max(2),
            young: HashMap::new(),
            old: HashMap::new(),
        }
    }

    pub fn get(&self, key: &CaseKey) -> Option<Arc<CachedCase>> {
        self.young.get(key).or_else(|| self.old.get(key)).cloned()
    }

    /// Takes in the states of a committed batch.
    pub fn absorb(&mut self, staged: StagedCases) {
        for (key, case) in staged {
            self.old.remove(&key);
            self.young.insert(key, case);
            if self.young.len() >= self.bound / 2 {
                self.old = mem::take(&mut self.young);
            }
        }
    }

    /// Drops every state of `model` (the model was reset and folds again from position 0).
    pub fn forget(&mut self, model: ReadModel) {
        self.young.retain(|(m, _), _| *m != model);
        self.old.retain(|(m, _), _| *m != model);
    }

    /// States held now; never more than the bound.
    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for CaseCache {
    fn default() -> CaseCache {
        CaseCache::new(MAX_CACHED_CASES)
    }
}

#[cfg(test)]
mod tests {
    use casetrack_domain::CaseKind;
    use uuid::Uuid;

    use super::*;

    fn staged(model: ReadModel, cases: std::ops::Range<u128>) -> StagedCases {
        cases
            .map(|n| {
                let id = CaseId(Uuid::from_u128(n));
                let case = CachedCase::new(StoredCase::new(id, CaseKind::Application));
                ((model, id), Arc::new(case))
            })
            .collect()
    }

    #[test]
    fn holds_at_most_its_bound_and_the_latest_states() {
        let mut cache = CaseCache::new(10);
        for n in 0..140 {
            cache.absorb(staged(ReadModel::Annual, n..n + 1));
            assert!(cache.len() <= 10, "{} states held", cache.len());
        }
        // The last half of the bound written is always held.
        for n in 135..140 {
            let id = CaseId(Uuid::from_u128(n));
            assert!(cache.get(&(ReadModel::Annual, id)).is_some(), "case {n}");
            assert!(cache.get(&(ReadModel::Cases, id)).is_none());
        }
        let first = CaseId(Uuid::from_u128(0));
        assert!(cache.get(&(ReadModel::Annual, first)).is_none());
    }

    #[test]
    fn forgetting_a_model_keeps_the_others() {
        let mut cache = CaseCache::default();
        cache.absorb(staged(ReadModel::Annual, 0..3));
        cache.absorb(staged(ReadModel::Queues, 0..3));
        cache.forget(ReadModel::Annual);
        assert_eq!(cache.len(), 3);
        let id = CaseId(Uuid::from_u128(1));
        assert!(cache.get(&(ReadModel::Annual, id)).is_none());
        assert!(cache.get(&(ReadModel::Queues, id)).is_some());
    }
}
