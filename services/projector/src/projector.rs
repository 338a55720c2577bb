//! The projector: keeps every read model folded up to its checkpoint — caught up at once (`catch_up`, for the
//! command line) or following the log as a checkpointed consumer (`consumer.rs`).

use std::path::Path;
use std::sync::Arc;

use casetrack_eventlog::RecordedEvent;

use crate::error::ProjectorError;
use crate::fold::{FOLD_BATCH, fold_batch};
use crate::model::ReadModel;
use crate::reader::LogReader;
use crate::store::{Store, checkpoint_in};

/// Progress of a fold: events folded so far (from the lowest checkpoint) and the log head it is folding to.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// The projector over one projection store. Cheap to clone.
#[derive(Clone)]
pub struct Projector {
    store: Arc<Store>,
}

impl Projector {
    /// Opens (or creates) the projection store in `dir`.
    pub fn open(dir: &Path) -> Result<Projector, ProjectorError> {
        Ok(Projector {
            store: Arc::new(Store::open(dir)?),
        })
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
        let (writes, advanced) = fold_batch(self.store.as_ref(), checkpoints, events)?;
        self.store.commit(writes, &advanced)?;
        for (model, position) in advanced {
            if let Some(slot) = checkpoints.iter_mut().find(|(m, _)| *m == model) {
                slot.1 = position;
            }
        }
        Ok(())
    }
}
