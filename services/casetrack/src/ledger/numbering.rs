//! Tracking numbers for imported cases, from intake's own code (`casetrack_handlers::tracking`), so an imported
//! case is numbered, indexed and found exactly like one created through `Intake`. The number's year is the
//! case's year of receipt. The import is the only writer while it runs (RocksDB locks the log), so each
//! year's counter is read once and then advanced in memory; every write still carries the exact expected
//! revision, so a counter that moved anyway makes the append fail instead of reusing a number.

use std::collections::HashMap;

use casetrack_domain::CaseId;
use casetrack_eventlog::{Direction, EventLog, Metadata, StreamWrite};
use casetrack_handlers::HandlerError;
use casetrack_handlers::tracking::{self, TrackingPrefix};

/// A case the import writes that has no tracking number yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRequest {
    pub case_id: CaseId,
    /// The case's stream, e.g. `application-<uuid>`.
    pub stream: String,
    pub received_year: i32,
    pub metadata: Metadata,
}

/// Allocates numbers in the order cases are presented.
pub struct Numbering<'a> {
    log: &'a EventLog,
    prefix: TrackingPrefix,
    /// Per year: the revision the counter stream will have before the next number (None: no stream yet).
    counters: HashMap<i32, Option<u64>>,
}

impl<'a> Numbering<'a> {
    pub fn new(log: &'a EventLog, prefix: TrackingPrefix) -> Numbering<'a> {
        Numbering {
            log,
            prefix,
            counters: HashMap::new(),
        }
    }

    /// The next number of the case's year and the tracking writes that record it (counter, number → case,
    /// case → number), to be appended in the same atomic append as the case's first events.
    pub fn assign(
        &mut self,
        request: &NumberRequest,
    ) -> Result<(String, Vec<StreamWrite>), HandlerError> {
        let year = request.received_year;
        let revision = match self.counters.get(&year) {
            Some(revision) => *revision,
            None => {
                let counter = tracking::counter_stream(&self.prefix, year);
                let last = self
                    .log
                    .read_stream(&counter, u64::MAX, Direction::Backward, 1)?;
                last.first().map(|event| event.revision)
            }
        };
        let (number, writes) = tracking::assignment_writes(
            &self.prefix,
            year,
            revision,
            request.case_id,
            &request.stream,
            &request.metadata,
        )?;
        self.counters
            .insert(year, Some(revision.map_or(0, |revision| revision + 1)));
        Ok((number, writes))
    }
}
