//! The relay: committed events from the log to NATS JetStream, in log order — a [`Consumer`] whose checkpoint
//! is a file beside the log.
//!
//! Nothing reaches the bus before it is committed, because the relay reads only the committed log. Each batch
//! is published event by event, each awaited until JetStream has stored it, and only then is the checkpoint
//! advanced; after a crash or a NATS outage the subscriber hands the batch over again and the repeats carry
//! the same message id (the event id), which JetStream drops, so the stream holds every event once, in log
//! order. Publishing one event at a time keeps that order even when a publish fails half-way through a batch.

use std::path::Path;

use casetrack_eventlog::{Log, RecordedEvent};

use crate::checkpoint::Checkpoint;
use crate::error::BusError;
use crate::failure::Failure;
use crate::nats::NatsBus;
use crate::subscriber::Consumer;

/// The relay's consumer name, and so its checkpoint file `relay.checkpoint`.
pub const RELAY_NAME: &str = "relay";

/// Publishes the log to NATS JetStream, wherever the log lives.
pub struct Relay {
    bus: NatsBus,
    checkpoint: Checkpoint,
}

impl Relay {
    /// Open the relay whose checkpoint lives in `data_dir` (a fresh directory starts at position 0). A
    /// checkpoint past the log head means the directory belongs to another log, and is refused.
    pub async fn open(log: &dyn Log, bus: NatsBus, data_dir: &Path) -> Result<Relay, BusError> {
        let checkpoint = Checkpoint::open(data_dir, RELAY_NAME, 0)?;
        let log_head = log.next_position().await?;
        if checkpoint.next_position() > log_head {
            return Err(BusError::CheckpointAheadOfLog {
                checkpoint: checkpoint.next_position(),
                log_head,
            });
        }
        Ok(Relay { bus, checkpoint })
    }

    /// The position durably recorded: where a restarted relay resumes.
    pub fn checkpointed_position(&self) -> u64 {
        self.checkpoint.next_position()
    }
}

impl Consumer for Relay {
    fn name(&self) -> &str {
        RELAY_NAME
    }

    async fn checkpoint(&mut self) -> Result<u64, Failure> {
        Ok(self.checkpoint.next_position())
    }

    async fn handle(&mut self, batch: &[RecordedEvent]) -> Result<(), Failure> {
        for event in batch {
            self.bus.publish(event).await?;
        }
        if let Some(last) = batch.last() {
            self.checkpoint.store(last.position + 1)?;
        }
        Ok(())
    }
}
