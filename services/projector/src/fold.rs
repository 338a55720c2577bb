//! The one fold: log events into read-model writes. The projector commits its result to RocksDB with the
//! checkpoints; an as-of report applies it to a `MemoryKv`. Both call [`fold_batch`], so they cannot differ.

use std::collections::BTreeMap;

use casetrack_domain::{calendar, decode, parse_stream_name, tracking};
use casetrack_eventlog::RecordedEvent;

use crate::case::Fact;
use crate::error::ProjectorError;
use crate::kv::{KvRead, Overlay, Writes};
use crate::model::ReadModel;
use crate::skipped::skip;

/// Events folded per read and per WriteBatch.
pub const FOLD_BATCH: usize = 1024;

/// The fact a recorded event states; `None` for streams the read models do not follow (the log holds others).
pub fn decode_recorded(recorded: &RecordedEvent) -> Result<Option<Fact>, ProjectorError> {
    // Intake numbers a case in the same append that creates it; the counter record's revision is the number.
    if recorded.event_type == tracking::ASSIGNED_EVENT_TYPE
        && let Some(number) = tracking::number_at(&recorded.stream, recorded.revision)
    {
        let assignment: tracking::Assignment = serde_json::from_value(recorded.data.clone())
            .map_err(|e| ProjectorError::Corrupt {
                key: format!("log position {}", recorded.position),
                reason: e.to_string(),
            })?;
        return Ok(
            parse_stream_name(&assignment.stream).map(|(kind, case_id)| Fact::TrackingNumber {
                case_id,
                kind,
                number,
            }),
        );
    }
    if recorded.stream == calendar::CALENDAR_STREAM
        && recorded.event_type == calendar::ARRANGEMENT_EVENT_TYPE
    {
        let arrangement =
            serde_json::from_value(recorded.data.clone()).map_err(|e| ProjectorError::Corrupt {
                key: format!("log position {}", recorded.position),
                reason: e.to_string(),
            })?;
        return Ok(Some(Fact::Arrangement {
            position: recorded.position,
            arrangement,
        }));
    }
    if parse_stream_name(&recorded.stream).is_none() {
        return Ok(None);
    }
    decode(&recorded.event_type, &recorded.data)
        .map(|event| Some(Fact::Case(event)))
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
) -> Result<(Writes, Vec<(ReadModel, u64)>), ProjectorError> {
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
        let due = checkpoints
            .iter()
            .filter(|(_, checkpoint)| recorded.position >= *checkpoint)
            .map(|(model, _)| *model);
        match decode_recorded(recorded) {
            Ok(None) => {}
            Ok(Some(fact)) => {
                for model in due {
                    apply_or_skip(&mut overlay, model, recorded, &fact)?;
                }
            }
            Err(error) => skip(&mut overlay, due, recorded, error)?,
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

/// Applies `fact` to `model` as one unit: all of its writes, or (when the event cannot be folded) none of them
/// and a record that the model skipped it.
fn apply_or_skip(
    overlay: &mut Overlay<'_>,
    model: ReadModel,
    recorded: &RecordedEvent,
    fact: &Fact,
) -> Result<(), ProjectorError> {
    let mut staged = Overlay::new(&*overlay);
    match model.apply(&mut staged, recorded.position, fact) {
        Ok(()) => {
            let writes = staged.into_writes();
            overlay.apply(writes);
            Ok(())
        }
        Err(error) => skip(overlay, [model], recorded, error),
    }
}
