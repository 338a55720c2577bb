//! casetrack-handlers: the command services `Intake`, `Review` and `Reply` (package `casetrack.v1`) and the
//! reactions that run next to them (routing new tickets, status updates back to source systems, deadline
//! reminders). Each handler is a thin translation: proto fields are parsed into a domain command
//! (`parse.rs`) inside the plumbing every RPC shares (`rpc.rs`: the caller's identity, translate, run, answer), the
//! case's stream is read from the log and folded, the domain decides (`casetrack_domain::Case`), and the events are
//! appended with the expected revision (`command.rs`); errors become gRPC statuses in one place
//! (`error.rs`). The services hold no state: the log, embedded or remote behind one `Arc<dyn Log>`, is the
//! only truth, so any number of them can run against one log.
//!
//! Architecture invariant: never decides a lifecycle rule itself (the domain does) and never writes to the
//! log without an expected revision checked by the log; a request that is refused writes nothing.

pub mod agencies;
mod append_guard;
mod clocks;
mod codes;
mod command;
pub mod error;
pub mod health;
mod idempotency;
pub mod ids;
pub mod intake;
mod lookup;
pub mod metrics;
mod parse;
mod registry;
pub mod reminders;
pub mod reply;
mod retry;
pub mod review;
pub mod routing;
mod rpc;
pub mod rpc_metrics;
pub mod server;
pub mod supervisor;
pub mod tracking;
pub mod watch;
mod wire_status;

pub use agencies::AgenciesService;
pub use append_guard::DomainAppendGuard;
pub use command::{Actor, CaseRefs, Commands, MAX_CASE_EVENTS, RecordedAt, Step};
pub use error::HandlerError;
pub use health::Health;
pub use intake::IntakeService;
pub use metrics::{Collector, MetricsEndpoint};
pub use reminders::Reminders;
pub use reply::ReplyService;
pub use retry::MAX_CONFLICT_RETRIES;
pub use review::ReviewService;
pub use routing::{Router, RoutingRules};
pub use server::{GrpcServer, MAX_REQUEST_BYTES};
pub use supervisor::{Supervisor, Task};
pub use tracking::TrackingPrefix;
pub use watch::Watchers;
