//! The one fold: log events into read-model writes. The projector commits its result to RocksDB with the
//! checkpoints; an as-of report applies it to a `MemoryKv`. Both call [`fold_batch`], so they cannot differ.

use std::collections::BTreeMap;

use casetrack_domain::{Event, decode, parse_stream_name};
use casetrack_eventlog::RecordedEvent;

use crate::error::ProjectorError;
use crate::kv::{KvRead, Overlay};
use crate::model::ReadModel;

/// Events folded per read and per WriteBatch.
pub const FOLD_BATCH: usize = 1024;

/// The domain event of a recorded event; `None` for streams that are not cases (the log may hold others).
pub fn decode_recorded(recorded: &RecordedEvent) -> Result<Option<Event>, ProjectorError> {
    if parse_stream_name(&recorded.stream).is_none() {
        return Ok(None);
    }
    decode(&recorded.event_type, &recorded.data)
        .map(Some)
        .map_err(|source| ProjectorError::Decode {
            position: recorded.position,
            source,
        })
}

/// Folds `events` (in position order) into the models whose checkpoint they are at or beyond, over `base`.
/// Returns the staged writes and each touched model's new checkpoint.
pub fn fold_batch(
    base: &dyn KvRead,
    checkpoints: &[(ReadModel, u64)],
    events: &[RecordedEvent],
) -> Result<(BTreeMap<Vec<u8>, Option<Vec<u8>>>, Vec<(ReadModel, u64)>), ProjectorError> {
    let mut overlay = Overlay::new(base);
    let mut advanced = Vec::new();
    let Some(last) = events.last() else {
        return Ok((BTreeMap::new(), advanced));
    };
    for window in events.windows(2) {
        assert_eq!(
            window[0].position + 1,
            window[1].position,
            "log positions are gapless"
        );
    }
    for recorded in events {
        let Some(event) = decode_recorded(recorded)? else {
            continue;
        };
        for &(model, checkpoint) in checkpoints {
            if recorded.position >= checkpoint {
                model.apply(&mut overlay, &event)?;
            }
        }
    }
    for &(model, checkpoint) in checkpoints {
        assert!(
            checkpoint >= events[0].position,
            "a model may not be behind the first event folded for it"
        );
        if checkpoint <= last.position {
            advanced.push((model, last.position + 1));
        }
    }
    Ok((overlay.into_writes(), advanced))
}
