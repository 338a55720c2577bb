//! Events a read model could not fold ("poison" events): an event the domain cannot decode, a stream it
//! cannot replay, a sum that would overflow. The model records the event here, in the same batch as its other
//! writes, and folds on, so one bad event never stops the figures of every agency. Each report the event could
//! have changed (its agency's, or every report when it names no agency) is marked incomplete, naming the
//! position (`annual::generate`), and `casetrack verify` lists them.
//!
//! Only the event's own fault is skipped: a store or log error stops the fold as before, to be retried.

use casetrack_eventlog::RecordedEvent;
use serde::{Deserialize, Serialize};

use crate::agency::is_within;
use crate::annual::AgencyScope;
use crate::error::ProjectorError;
use crate::keys::key;
use crate::kv::{KvRead, Overlay};
use crate::model::{ReadModel, parse_json, write_json};

/// Longest reason stored for a skipped event; a longer error message is cut (it names the field early).
pub const MAX_REASON_CHARS: usize = 500;

/// One event a read model skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedEvent {
    pub position: u64,
    pub stream: String,
    pub event_type: String,
    /// The agency the event was recorded for; `None` when it names none, which affects every report.
    pub agency: Option<String>,
    pub reason: String,
}

impl SkippedEvent {
    fn of(recorded: &RecordedEvent, error: &ProjectorError) -> SkippedEvent {
        SkippedEvent {
            position: recorded.position,
            stream: recorded.stream.clone(),
            event_type: recorded.event_type.clone(),
            agency: recorded.metadata.agency.clone(),
            reason: error.to_string().chars().take(MAX_REASON_CHARS).collect(),
        }
    }

    /// Whether a report of `root` with `scope` could count this event.
    pub fn affects(&self, root: &str, scope: AgencyScope) -> bool {
        match (&self.agency, scope) {
            (None, _) => true,
            (Some(agency), AgencyScope::Own) => agency == root,
            (Some(agency), AgencyScope::Tree) => is_within(agency, root),
        }
    }
}

/// Whether `error` is the event's own fault, to be recorded and skipped, rather than the store's or the log's,
/// which must stop the fold (it is retried from the checkpoint).
fn is_events_fault(error: &ProjectorError) -> bool {
    !matches!(
        error,
        ProjectorError::Store(_) | ProjectorError::Log(_) | ProjectorError::FoldTask(_)
    )
}

fn skipped_key(model: ReadModel, position: u64) -> Vec<u8> {
    key(&[model.name(), "skipped", &format!("{position:020}")])
}

/// Records that each of `models` skips `recorded` because of `error`, or returns the error when it is not the
/// event's fault.
pub(crate) fn skip(
    kv: &mut Overlay<'_>,
    models: impl IntoIterator<Item = ReadModel>,
    recorded: &RecordedEvent,
    error: ProjectorError,
) -> Result<(), ProjectorError> {
    if !is_events_fault(&error) {
        return Err(error);
    }
    let skipped = SkippedEvent::of(recorded, &error);
    for model in models {
        tracing::error!(
            %model,
            position = skipped.position,
            stream = %skipped.stream,
            reason = %skipped.reason,
            "event skipped: the read model cannot fold it; reports it could change are marked incomplete"
        );
        write_json(kv, skipped_key(model, recorded.position), &skipped);
    }
    Ok(())
}

/// Every event `model` skipped, by position.
pub fn skipped_events(
    kv: &dyn KvRead,
    model: ReadModel,
) -> Result<Vec<SkippedEvent>, ProjectorError> {
    kv.scan_prefix(&crate::keys::prefix(&[model.name(), "skipped"]))?
        .iter()
        .map(|(k, v)| parse_json(k, v))
        .collect()
}
