//! casetrack-projector: folds the event log into read models in its own RocksDB store — the annual tables per
//! agency and year with the drill-down membership behind every figure, per-case summaries, and the staff
//! console's queues — and answers reports from them: the statutory annual report per agency and year (latest,
//! or as of any past position or instant, counted over the log ranges the memberships held in), roll-ups over the agency tree,
//! drill-down, queues with deadlines, and published reports that can be reproduced and verified later.
//! `grpc` serves it all as the `casetrack.v1.Reporting` service.
//!
//! Architecture invariant: a read model and its checkpoint are written in one batch, always; the log is only
//! read, except for the officer's narrative paragraphs `Reporting.WriteNarrative` appends (`narrative.rs`, the
//! domain's decision), and every figure is a count of stored membership, never a number kept on its own.

pub mod agency;
pub mod annual;
pub mod as_of;
pub mod as_of_view;
pub mod calendar;
pub mod case;
pub mod case_cache;
mod consumer;
mod error;
mod fees;
pub mod fold;
pub mod grpc;
mod jurisdiction;
pub mod keys;
pub mod kv;
pub mod membership;
pub mod metrics;
pub mod model;
pub mod narrative;
pub mod profile;
mod projector;
pub mod queues;
pub mod ranges;
mod reader;
mod reports;
pub mod skipped;
mod store;
pub mod summary;
pub mod synthetic;
pub mod tree_sums;
pub mod wire;
pub mod work_cells;
mod work_reports;
pub mod work_rules;
pub mod workload;

pub use annual::{AgencyScope, DrillDownEntry, GeneratedReport, IdentityProblem};
pub use as_of::AsOf;
pub use consumer::{PROJECTOR_NAME, ProjectorConsumer};
pub use error::ProjectorError;
pub use membership::RULES_VERSION;
pub use model::ReadModel;
pub use projector::{Progress, Projector};
pub use reader::{BlockingLog, LogReader};
pub use reports::Reports;
pub use skipped::SkippedEvent;
pub use store::{Store, StoreView, projections_dir};
