//! The clocks commands are decided under: the clocks the process was started with (the embedded calendar and
//! the configured clock rules), amended by the holiday arrangements loaded into the log's calendar stream. The
//! stream's head is checked on every use and the calendar rebuilt only when it grew, so a newly published
//! arrangement takes effect in every service at once, without a restart.

use std::sync::{Arc, Mutex};

use casetrack_domain::calendar::{Arrangement, CALENDAR_STREAM, MAX_ARRANGEMENTS};
use casetrack_domain::deadline::Clocks;
use casetrack_eventlog::Log;

use crate::error::HandlerError;

/// The base clocks and the last calendar built from the log, keyed by the calendar stream's revision.
pub struct ClocksInForce {
    base: Arc<Clocks>,
    cached: Mutex<(Option<u64>, Arc<Clocks>)>,
}

impl ClocksInForce {
    pub fn new(base: Clocks) -> ClocksInForce {
        let base = Arc::new(base);
        ClocksInForce {
            cached: Mutex::new((None, base.clone())),
            base,
        }
    }

    /// The clocks in force now.
    pub async fn current(&self, log: &dyn Log) -> Result<Arc<Clocks>, HandlerError> {
        let head = log.read_last(CALENDAR_STREAM).await?.map(|e| e.revision);
        {
            let cached = self.cached.lock().expect("clock cache lock");
            if cached.0 == head {
                return Ok(cached.1.clone());
            }
        }
        let recorded = log
            .read_stream_to_end(CALENDAR_STREAM, MAX_ARRANGEMENTS + 1)
            .await?;
        if recorded.len() > MAX_ARRANGEMENTS {
            return Err(HandlerError::corrupt(
                CALENDAR_STREAM,
                format!("more than {MAX_ARRANGEMENTS} arrangements"),
            ));
        }
        let mut arrangements = Vec::with_capacity(recorded.len());
        for event in &recorded {
            let arrangement: Arrangement = serde_json::from_value(event.data.clone())
                .map_err(|e| HandlerError::corrupt(CALENDAR_STREAM, e))?;
            arrangements.push((event.position, arrangement));
        }
        let calendar = self
            .base
            .calendar
            .with_arrangements(arrangements.iter().map(|(p, a)| (*p, a)))
            .map_err(|e| HandlerError::corrupt(CALENDAR_STREAM, e))?;
        let clocks = Arc::new(Clocks {
            calendar,
            rules: self.base.rules.clone(),
        });
        *self.cached.lock().expect("clock cache lock") =
            (recorded.last().map(|e| e.revision), clocks.clone());
        Ok(clocks)
    }
}
