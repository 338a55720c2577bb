//! casetrack-domain: the pure rules of casetrack. Case kinds and their events (applications, hotline
//! tickets, suggestions and proposals, challenges, non-case records), the event codec with its upcasters,
//! each kind's lifecycle as `decide` (command → events or a typed rule violation) and `evolve` (fold events
//! into state), the outcome taxonomy mapped to the annual-report cell codes, the working-day calendar loaded
//! from data, statutory deadlines that explain themselves, and the information-processing fee calculator.
//!
//! Architecture invariant: knows nothing of RocksDB, NATS, gRPC, async or the wall clock; 'now' is an argument.

pub mod acts;
pub mod agency;
pub mod application;
pub mod calendar;
pub mod challenge;
pub mod codec;
pub mod deadline;
pub mod event;
pub mod fees;
pub mod hotline;
pub mod ids;
pub mod lifecycle;
pub mod narrative;
pub mod outcome;
pub mod person;
pub mod proposal;
pub mod records;
pub mod rule;
pub mod summary;
pub mod time;
pub mod tracking;
pub mod upcast;
pub mod workload;

pub use acts::Act;
pub use calendar::{Calendar, CalendarError};
pub use codec::{DecodeError, EncodedEvent, decode, encode};
pub use event::{Event, EventBody, ReplayError};
pub use ids::{
    AgencyId, AgencyIdError, CaseId, CaseKind, MAX_CASE_EVENTS, parse_stream_name, stream_name,
};
pub use lifecycle::{Case, CaseCommand, DeadlineMove, DecideError, Lifecycle, ReminderLevel};
pub use outcome::{ApplicantType, Outcome};
pub use person::Person;
pub use rule::{Rule, RuleViolation};
pub use summary::{CaseDetail, CaseState, CaseStatus};
