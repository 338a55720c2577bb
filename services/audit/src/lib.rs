//! casetrack-audit: the trail of reads of personal data. Whoever serves a read that shows case content (the
//! Intake and Reporting gRPC services, the web console) calls [`Auditor::record`] with the caller's
//! [`casetrack_auth::Identity`] and a [`Read`] before it answers; the record (who, what, when) joins a bounded
//! in-memory queue that one supervised [`AuditWriter`] appends to the log's `audit` stream in batches, through
//! the log's group commit. A read whose record cannot be queued is refused (`record.rs`'s
//! [`AuditError::Backlog`]), so no read is answered unaudited beyond the queue's bound. `query.rs` pages through
//! the trail with filters; `grpc.rs` serves it as `casetrack.v1.Audit` to auditors and admins.
//!
//! Architecture invariant: the only writer of the `audit` stream, and it writes nothing else; it knows no case
//! kind (case ids are opaque strings to it).

mod grpc;
mod query;
mod record;
mod writer;

pub use grpc::AuditService;
pub use query::{AuditFilter, AuditPage, MAX_AUDIT_PAGE, MAX_AUDIT_SCAN, list};
pub use record::{AUDIT_STREAM, AuditError, AuditRecord, READ_EVENT_TYPE, Read};
pub use writer::{AuditWriter, Auditor, MAX_PENDING_RECORDS, MAX_RECORDS_PER_APPEND};
