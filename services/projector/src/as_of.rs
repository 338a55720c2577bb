//! Reports as of a past log position or instant. A position the store has folded is answered from its ranges
//! (`as_of_view.rs`); [`fold_to`] folds the log up to a position into a `MemoryKv` by the same fold the
//! projector commits to RocksDB, for a position beyond the store's checkpoint.

use chrono::{DateTime, Utc};

use crate::case_cache::CaseCache;
use crate::error::ProjectorError;
use crate::fold::{FOLD_BATCH, fold_batch};
use crate::kv::MemoryKv;
use crate::model::ReadModel;
use crate::reader::LogReader;

/// The point in the log a report is computed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// Everything the projector has folded.
    Latest,
    /// The first `n` events of the log (positions `0..n`): the position the fold has reached.
    Position(u64),
    /// Every event recorded at or before this instant.
    Time(DateTime<Utc>),
}

/// The position reached by folding every event recorded at or before `at`.
pub fn position_at_time(log: &dyn LogReader, at: DateTime<Utc>) -> Result<u64, ProjectorError> {
    let head = log.next_position()?;
    let mut from = 0;
    while from < head {
        let events = log.read_all(from, FOLD_BATCH)?;
        let Some(last) = events.last() else { break };
        // The one writer stamps events in position order, so the as-of prefix ends at the first event stamped
        // after `at` (should the wall clock ever step back, later events stay out too: a prefix is what folds).
        if let Some(later) = events.iter().find(|e| e.recorded_at > at) {
            return Ok(later.position);
        }
        from = last.position + 1;
    }
    Ok(from)
}

/// One read model as of position `upto` (events `0..upto`), in memory.
pub fn fold_to(
    log: &dyn LogReader,
    model: ReadModel,
    upto: u64,
) -> Result<MemoryKv, ProjectorError> {
    let head = log.next_position()?;
    if upto > head {
        return Err(ProjectorError::AsOfBeyondHead {
            requested: upto,
            head,
        });
    }
    let mut kv = MemoryKv::default();
    let mut cache = CaseCache::default();
    let mut from = 0;
    while from < upto {
        let events = log.read_all(from, FOLD_BATCH.min((upto - from) as usize))?;
        let Some(last) = events.last() else { break };
        let next = last.position + 1;
        let folded = fold_batch(&kv, &cache, &[(model, from)], &events)?;
        kv.apply(folded.writes);
        cache.absorb(folded.cases);
        from = next;
    }
    Ok(kv)
}
