//! Tracking numbers for imported cases, from intake's own code (`casetrack_handlers::tracking`), so an imported
//! case is numbered, indexed and found exactly like one created through `Intake`. The number's year is the
//! case's year of receipt; the log's writer gives the number when the case's append commits, as for intake.

use casetrack_domain::CaseId;
use casetrack_eventlog::{Metadata, StreamWrite};
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

/// The tracking writes (counter record, case index) that number the case, to be appended in the same atomic
/// append as the case's first events, after them.
pub fn number_writes(prefix: &TrackingPrefix, request: &NumberRequest) -> Vec<StreamWrite> {
    tracking::assignment_writes(
        Some(tracking::counter_stream(prefix, request.received_year)),
        request.case_id,
        &request.stream,
        &request.metadata,
    )
}
