//! The agency registry in force: folded from the log's `agencies` stream, whose head is checked on every use
//! and the registry rebuilt only when the stream grew — as `clocks.rs` does for the calendar — so an agency
//! registered in one process is known to every intake at once.

use std::sync::{Arc, Mutex};

use casetrack_domain::agency::{AGENCIES_STREAM, MAX_AGENCY_EVENTS, Registry};
use casetrack_eventlog::Log;

use crate::error::HandlerError;

/// The registry as of one head of the `agencies` stream.
#[derive(Debug, Clone, Default)]
pub struct RegistrySnapshot {
    /// Revision and position of the stream's last event; `None` before the first registration.
    pub head: Option<(u64, u64)>,
    pub registry: Arc<Registry>,
}

/// The last registry folded, keyed by the stream's head.
#[derive(Default)]
pub struct RegistryInForce {
    cached: Mutex<RegistrySnapshot>,
}

impl RegistryInForce {
    /// The registry as the log holds it now.
    pub async fn current(&self, log: &dyn Log) -> Result<RegistrySnapshot, HandlerError> {
        let head = log
            .read_last(AGENCIES_STREAM)
            .await?
            .map(|e| (e.revision, e.position));
        {
            let cached = self.cached.lock().expect("registry cache lock");
            if cached.head == head {
                return Ok(cached.clone());
            }
        }
        let recorded = log
            .read_stream_to_end(AGENCIES_STREAM, MAX_AGENCY_EVENTS + 1)
            .await?;
        if recorded.len() > MAX_AGENCY_EVENTS {
            return Err(HandlerError::corrupt(
                AGENCIES_STREAM,
                format!("more than {MAX_AGENCY_EVENTS} registry events"),
            ));
        }
        let registry =
            Registry::from_stored(recorded.iter().map(|e| (e.event_type.as_str(), &e.data)))
                .map_err(|e| HandlerError::corrupt(AGENCIES_STREAM, e))?;
        let snapshot = RegistrySnapshot {
            head: recorded.last().map(|e| (e.revision, e.position)),
            registry: Arc::new(registry),
        };
        *self.cached.lock().expect("registry cache lock") = snapshot.clone();
        Ok(snapshot)
    }
}
