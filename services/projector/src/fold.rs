//! The one fold: log events into read-model writes. The projector commits its result to RocksDB with the
//! checkpoints; an as-of report applies it to a `MemoryKv`. Both call [`fold_batch`], so they cannot differ.

use std::sync::Arc;

use casetrack_domain::{CaseId, calendar, decode, parse_stream_name, tracking};
use casetrack_eventlog::RecordedEvent;

use crate::case::{Fact, StoredCase};
use crate::case_cache::{CachedCase, CaseCache, StagedCases};
use crate::error::ProjectorError;
use crate::kv::{KvRead, Overlay, Writes};
use crate::model::{ReadModel, state_key};
use crate::skipped::skip;

/// Events folded per read and per WriteBatch. The log's largest read (4096) folded no faster and held about
/// 20 MB more at its peak (the batch's staged writes and case states).
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

/// What one batch folded: the writes to commit, each touched model's new checkpoint, and the case states the
/// batch produced, for the [`CaseCache`] once the writes are committed.
pub struct Folded {
    pub writes: Writes,
    pub advanced: Vec<(ReadModel, u64)>,
    pub cases: StagedCases,
}

/// Folds `events` (in position order) into the models whose checkpoint they are at or beyond, over `base`,
/// whose committed case states `cache` may hold. Each event is decoded once and its case advanced once for
/// every model that holds the same state of it.
pub fn fold_batch(
    base: &dyn KvRead,
    cache: &CaseCache,
    checkpoints: &[(ReadModel, u64)],
    events: &[RecordedEvent],
) -> Result<Folded, ProjectorError> {
    let mut overlay = Overlay::new(base);
    let mut states = CaseStates::new(cache);
    let mut advanced = Vec::new();
    let Some(last) = events.last() else {
        return Ok(Folded {
            writes: Writes::default(),
            advanced,
            cases: StagedCases::new(),
        });
    };
    for window in events.windows(2) {
        assert_eq!(
            window[0].position + 1,
            window[1].position,
            "log positions are gapless"
        );
    }
    for recorded in events {
        let due: Vec<ReadModel> = checkpoints
            .iter()
            .filter(|(_, checkpoint)| recorded.position >= *checkpoint)
            .map(|(model, _)| *model)
            .collect();
        // An event of a case no due model follows (an application, to the workload model alone) is not even
        // decoded.
        if let Some((kind, _)) = parse_stream_name(&recorded.stream)
            && !due.iter().any(|model| model.follows(kind))
        {
            continue;
        }
        match decode_recorded(recorded) {
            Ok(None) => {}
            Ok(Some(Fact::Arrangement {
                position,
                arrangement,
            })) => {
                // The queues look at every stored case for the deadlines the arrangement moves.
                states.write(&mut overlay);
                for model in due {
                    let mut staged = Overlay::new(&overlay);
                    let applied = model
                        .apply_arrangement(&mut staged, position, &arrangement)
                        .map(|()| staged.into_writes());
                    commit_or_skip(&mut overlay, applied, model, recorded)?;
                }
            }
            Ok(Some(fact)) => fold_fact(&mut overlay, &mut states, &due, recorded, &fact)?,
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
    states.write(&mut overlay);
    Ok(Folded {
        writes: overlay.into_writes(),
        advanced,
        cases: states.staged,
    })
}

/// Folds a fact about a case into each due model that follows its kind, as one unit: the case advanced and all of the model's
/// writes, or (when the event cannot be folded) none of them and a record that the model skipped it. Models
/// holding the same state of the case share the one advanced state.
fn fold_fact(
    overlay: &mut Overlay<'_>,
    states: &mut CaseStates<'_>,
    due: &[ReadModel],
    recorded: &RecordedEvent,
    fact: &Fact,
) -> Result<(), ProjectorError> {
    let mut shared: Option<(Option<Arc<CachedCase>>, Arc<CachedCase>)> = None;
    for &model in due.iter().filter(|model| model.follows(fact.kind())) {
        let before = match states.get(overlay, model, fact.case_id()) {
            Ok(before) => before,
            Err(error) => {
                skip(overlay, [model], recorded, error)?;
                continue;
            }
        };
        let after = match &shared {
            Some((held, after)) if same_state(held, &before) => Ok(after.clone()),
            _ => advance(before.as_deref(), fact),
        };
        let after = match after {
            Ok(after) => after,
            Err(error) => {
                skip(overlay, [model], recorded, error)?;
                continue;
            }
        };
        let mut staged = Overlay::new(&*overlay);
        let applied = model
            .apply(
                &mut staged,
                recorded.position,
                before.as_ref().map(|c| &c.summary),
                &after.summary,
            )
            .map(|()| staged.into_writes());
        if commit_or_skip(overlay, applied, model, recorded)? {
            states.stage(model, after.clone());
            shared = Some((before, after));
        }
    }
    Ok(())
}

/// Whether two models hold the very same state of a case (none, or one shared copy).
fn same_state(a: &Option<Arc<CachedCase>>, b: &Option<Arc<CachedCase>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        _ => false,
    }
}

/// The case after `fact`: the domain's own `evolve` over the state before it (a new case when none).
fn advance(before: Option<&CachedCase>, fact: &Fact) -> Result<Arc<CachedCase>, ProjectorError> {
    let mut case = before.map_or_else(
        || StoredCase::new(fact.case_id(), fact.kind()),
        |c| c.stored.clone(),
    );
    case.apply(fact)?;
    Ok(Arc::new(CachedCase::new(case)))
}

/// Keeps a model's writes for one event when it folded it, else records that the model skipped the event.
/// Returns whether the model folded it.
fn commit_or_skip(
    overlay: &mut Overlay<'_>,
    applied: Result<Writes, ProjectorError>,
    model: ReadModel,
    recorded: &RecordedEvent,
) -> Result<bool, ProjectorError> {
    match applied {
        Ok(writes) => {
            overlay.apply(writes);
            Ok(true)
        }
        Err(error) => {
            skip(overlay, [model], recorded, error)?;
            Ok(false)
        }
    }
}

/// The case states one batch reads and advances: its own first, then the cache's committed ones, then the
/// store's.
struct CaseStates<'c> {
    cache: &'c CaseCache,
    staged: StagedCases,
}

impl<'c> CaseStates<'c> {
    fn new(cache: &'c CaseCache) -> CaseStates<'c> {
        CaseStates {
            cache,
            staged: StagedCases::new(),
        }
    }

    fn get(
        &self,
        kv: &Overlay<'_>,
        model: ReadModel,
        case_id: CaseId,
    ) -> Result<Option<Arc<CachedCase>>, ProjectorError> {
        let key = (model, case_id);
        if let Some(case) = self.staged.get(&key) {
            return Ok(Some(case.clone()));
        }
        if let Some(case) = self.cache.get(&key) {
            return Ok(Some(case));
        }
        let stored = StoredCase::read(kv, &state_key(model, case_id))?;
        Ok(stored.map(|stored| Arc::new(CachedCase::new(stored))))
    }

    fn stage(&mut self, model: ReadModel, case: Arc<CachedCase>) {
        self.staged.insert((model, case.stored.case_id), case);
    }

    /// Writes every state the batch has changed so far: once at its end, and before anything that reads the
    /// stored states of a model's cases.
    fn write(&self, overlay: &mut Overlay<'_>) {
        for ((model, case_id), case) in &self.staged {
            overlay.put(state_key(*model, *case_id), case.stored.encode());
        }
    }
}
