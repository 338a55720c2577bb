//! One audit record: who read, what, when — and its form in the log (`ReadRecorded` events of the `audit`
//! stream, JSON).

use casetrack_auth::Identity;
use casetrack_eventlog::{Metadata, NewEvent};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The log stream every audit record is appended to.
pub const AUDIT_STREAM: &str = "audit";
/// The event type of an audit record.
pub const READ_EVENT_TYPE: &str = "ReadRecorded";

/// What a read showed: the method (a gRPC path, or the console page), the cases it returned, and what was
/// asked (the request's filter, in a few words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub method: String,
    pub case_ids: Vec<String>,
    pub query: String,
}

impl Read {
    pub fn new(method: impl Into<String>, case_ids: Vec<String>, query: impl Into<String>) -> Read {
        Read {
            method: method.into(),
            case_ids,
            query: query.into(),
        }
    }
}

/// One read as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When the read was answered, by the server's clock.
    pub at: DateTime<Utc>,
    pub identity: String,
    pub roles: Vec<String>,
    pub method: String,
    pub case_ids: Vec<String>,
    pub query: String,
}

impl AuditRecord {
    /// The record of `identity`'s `read` at `at`.
    pub fn new(identity: &Identity, read: Read, at: DateTime<Utc>) -> AuditRecord {
        AuditRecord {
            at,
            identity: identity.name.clone(),
            roles: identity.roles.iter().map(|r| r.to_string()).collect(),
            method: read.method,
            case_ids: read.case_ids,
            query: read.query,
        }
    }

    /// The record as an event of the `audit` stream, with a fresh id (the writer's retries reuse it, so the
    /// log stores a record once however often its batch is retried).
    pub fn to_event(&self) -> Result<NewEvent, serde_json::Error> {
        Ok(NewEvent {
            event_id: Uuid::new_v4(),
            event_type: READ_EVENT_TYPE.to_owned(),
            data: serde_json::to_value(self)?,
            metadata: Metadata {
                actor: Some(self.identity.clone()),
                ..Metadata::default()
            },
        })
    }
}

/// Why a read could not be audited; the read is refused.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The writer is behind by [`crate::MAX_PENDING_RECORDS`] records (the log unreachable or failing).
    #[error("审计记录积压 {0} 条未写入事件日志，暂停查询以免留下未审计的读取；请检查事件日志")]
    Backlog(usize),
    /// The writer has stopped for good (the process is stopping).
    #[error("审计记录写入已停止，暂停查询")]
    Stopped,
    #[error("审计记录无法编码：{0}")]
    Encode(#[from] serde_json::Error),
}

impl From<AuditError> for tonic::Status {
    fn from(error: AuditError) -> tonic::Status {
        match error {
            AuditError::Backlog(_) | AuditError::Stopped => {
                tonic::Status::unavailable(error.to_string())
            }
            AuditError::Encode(_) => tonic::Status::internal(error.to_string()),
        }
    }
}
