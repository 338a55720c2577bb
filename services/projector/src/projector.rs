//! The projector: keeps every read model folded up to its checkpoint — caught up at once (`catch_up`, for the
//! command line) or following the log as a checkpointed consumer (`consumer.rs`).

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use casetrack_eventlog::RecordedEvent;

use crate::case_cache::{CaseCache, MAX_CACHED_CASES};
use crate::error::ProjectorError;
use crate::fold::{FOLD_BATCH, fold_batch};
use crate::model::ReadModel;
use crate::reader::LogReader;
use crate::store::{Store, checkpoint_in};

/// Progress of a fold: events folded so far (from the lowest checkpoint) and the log head it is folding to.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// The projector over one projection store. Cheap to clone; the clones share the store and the cache of
/// committed case states.
#[derive(Clone)]
pub struct Projector {
    store: Arc<Store>,
    cache: Arc<Mutex<CaseCache>>,
}

impl Projector {
    /// Opens (or creates) the projection store in `dir`, keeping up to [`MAX_CACHED_CASES`] case states in
    /// memory.
    pub fn open(dir: &Path) -> Result<Projector, ProjectorError> {
        Projector::with_cache_bound(dir, MAX_CACHED_CASES)
    }

    /// Opens the store keeping at most `cached_cases` case states in memory.
    pub fn with_cache_bound(dir: &Path, cached_cases: usize) -> Result<Projector, ProjectorError> {
        Ok(Projector {
            store: Arc::new(Store::open(dir)?),
            cache: Arc::new(Mutex::new(CaseCache::new(cached_cases))),
        })
    }

    /// The cache; a fold that panicked holding it left it as it was before that fold (states enter it only
    /// after their batch is committed), so a poisoned lock is still a consistent cache.
    fn cache(&self) -> MutexGuard<'_, CaseCache> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Each model and the next log position it will fold.
    pub fn checkpoints(&self) -> Result<Vec<(ReadModel, u64)>, ProjectorError> {
        ReadModel::ALL
            .iter()
            .map(|&m| Ok((m, checkpoint_in(self.store.as_ref(), m)?)))
            .collect()
    }

    /// Folds every model up to the log head as it is now; a model behind the others catches up on its own.
    /// Returns the position reached.
    pub fn catch_up(
        &self,
        log: &dyn LogReader,
        progress: Progress<'_>,
    ) -> Result<u64, ProjectorError> {
        let head = log.next_position()?;
        let mut checkpoints = self.checkpoints()?;
        let start = checkpoints.iter().map(|(_, c)| *c).min().unwrap_or(0);
        let mut from = start;
        while from < head {
            let events = log.read_all(from, FOLD_BATCH.min((head - from) as usize))?;
            let Some(last) = events.last() else { break };
            let next = last.position + 1;
            assert_eq!(
                events[0].position, from,
                "read_all starts at the position asked"
            );
            self.fold(&mut checkpoints, &events)?;
            from = next;
            progress(from - start, head - start);
        }
        Ok(from)
    }

    /// Resets `models` and folds them again from position 0 while the others stay as they are.
    pub fn rebuild(
        &self,
        log: &dyn LogReader,
        models: &[ReadModel],
        progress: Progress<'_>,
    ) -> Result<u64, ProjectorError> {
        for &model in models {
            self.cache().forget(model);
            self.store.reset(model)?;
        }
        self.catch_up(log, progress)
    }

    /// Folds `events` (contiguous, in position order) into every model whose checkpoint they reach, writing
    /// the models and their new checkpoints in one batch, and advances `checkpoints` to match.
    pub fn fold(
        &self,
        checkpoints: &mut [(ReadModel, u64)],
        events: &[RecordedEvent],
    ) -> Result<(), ProjectorError> {
        // Held for the whole fold: one fold at a time reads and fills the cache.
        let mut cache = self.cache();
        let folded = fold_batch(self.store.as_ref(), &cache, checkpoints, events)?;
        self.store.commit(folded.writes, &folded.advanced)?;
        cache.absorb(folded.cases);
        for (model, position) in folded.advanced {
            if let Some(slot) = checkpoints.iter_mut().find(|(m, _)| *m == model) {
                slot.1 = position;
            }
        }
        Ok(())
    }
}
