//! The projector as a checkpointed [`Consumer`]: its checkpoints live in its own store, written in the same
//! RocksDB batch as the read models they belong to, so a crash can never separate a model from its position.
//! The subscriber hands it batches of the log from the lowest model's checkpoint; a model already past an
//! event skips it (`fold_batch`), so a model being back-filled and the others share one pass.

use casetrack_bus::{Consumer, Failure};
use casetrack_eventlog::RecordedEvent;

use crate::error::ProjectorError;
use crate::model::ReadModel;
use crate::projector::Projector;

/// The projector's consumer name, and its health name `casetrack.task.projector`.
pub const PROJECTOR_NAME: &str = "projector";

/// The projector following the log, model checkpoints cached between batches.
pub struct ProjectorConsumer {
    projector: Projector,
    checkpoints: Vec<(ReadModel, u64)>,
}

impl ProjectorConsumer {
    pub fn new(projector: Projector) -> ProjectorConsumer {
        ProjectorConsumer {
            projector,
            checkpoints: Vec::new(),
        }
    }

    /// Run `work` on the projector off the async workers: RocksDB calls block.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Projector) -> Result<T, ProjectorError> + Send + 'static,
    ) -> Result<T, Failure> {
        let projector = self.projector.clone();
        tokio::task::spawn_blocking(move || work(&projector))
            .await
            .map_err(|error| Failure::fatal(ProjectorError::FoldTask(error.to_string())))?
            .map_err(Failure::fatal)
    }
}

impl Consumer for ProjectorConsumer {
    fn name(&self) -> &str {
        PROJECTOR_NAME
    }

    async fn checkpoint(&mut self) -> Result<u64, Failure> {
        self.checkpoints = self.blocking(Projector::checkpoints).await?;
        Ok(self.checkpoints.iter().map(|(_, c)| *c).min().unwrap_or(0))
    }

    async fn handle(&mut self, batch: &[RecordedEvent]) -> Result<(), Failure> {
        let events = batch.to_vec();
        let mut checkpoints = std::mem::take(&mut self.checkpoints);
        self.checkpoints = self
            .blocking(move |projector| {
                projector.fold(&mut checkpoints, &events)?;
                Ok(checkpoints)
            })
            .await?;
        Ok(())
    }
}
