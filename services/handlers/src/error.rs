//! Everything a command can fail with, and the one place where failures become gRPC statuses.

use casetrack_bus::BusError;
use casetrack_domain::agency::RegistryError;
use casetrack_domain::{ReplayError, RuleViolation, rule::Rule};
use casetrack_eventlog::LogError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

/// Why a command was refused or failed. Every refusal happens before the append, so it writes nothing.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// A request field is malformed (not a date, not a UUID, an unknown code).
    #[error("{field}: {reason}")]
    InvalidField { field: String, reason: String },

    /// The domain refused the command: bad input or a lifecycle rule.
    #[error("{}: {}", .0.field, .0.rule)]
    Rule(#[from] RuleViolation),

    /// The agency registry refused an entry, or a case names an agency it does not hold.
    #[error(transparent)]
    Registry(#[from] RegistryError),

    /// No case (or tracking number) by that key; `field` is the request field that named it.
    #[error("{field}: no such {what}: {key}")]
    NotFound {
        field: &'static str,
        what: &'static str,
        key: String,
    },

    /// The external id was already used by this source system for a case of another kind.
    #[error("external_id: {external_id:?} is already used for a {existing} case")]
    ExternalIdReused {
        external_id: String,
        existing: String,
    },

    /// An idempotency key (`external_id`, `command_id`) was used before for a request with other content.
    #[error("{key}: already used for a request that differs in {}", .differing.join(", "))]
    IdempotencyConflict {
        key: &'static str,
        differing: Vec<String>,
    },

    /// The request reached a handler without an identity (it did not pass the auth layer).
    #[error("{0}")]
    Unauthenticated(&'static str),

    /// The caller's jurisdiction does not cover the agency the request names (a case of another agency is
    /// NOT_FOUND instead, so that its existence is not revealed).
    #[error("{field}: 机关 {agency} 不在 {caller} 的管辖范围内")]
    OutsideJurisdiction {
        field: &'static str,
        agency: String,
        caller: String,
    },

    /// Other commands on the same case kept winning the race.
    #[error("stream {stream}: still conflicting after {attempts} attempts; retry the command")]
    Conflict { stream: String, attempts: usize },

    /// A stream in the log cannot be decoded or folded: corruption or a bug, never bad input.
    #[error("stream {stream} cannot be folded: {reason}")]
    Corrupt { stream: String, reason: String },

    /// A reaction's subscription failed (its checkpoint, its event source).
    #[error("event bus: {0}")]
    Bus(#[from] BusError),

    /// A read model (the projector's store) could not be read.
    #[error("read model: {0}")]
    ReadModel(String),

    /// The log refused or failed the append or read.
    #[error("event log: {0}")]
    Log(#[from] LogError),
}

impl HandlerError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> HandlerError {
        HandlerError::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn corrupt(stream: &str, reason: impl ToString) -> HandlerError {
        HandlerError::Corrupt {
            stream: stream.to_owned(),
            reason: reason.to_string(),
        }
    }

    pub fn replay(stream: &str, error: ReplayError) -> HandlerError {
        HandlerError::corrupt(stream, error)
    }

    /// Whether the command lost a race on a stream and should be retried on a fresh read.
    pub(crate) fn is_conflict(&self) -> bool {
        matches!(
            self,
            HandlerError::Log(
                LogError::WrongExpectedRevision { .. }
                    | LogError::PartialDuplicate { .. }
                    | LogError::DuplicateMismatch { .. }
                    // The remote log reports the two idempotency conflicts as ALREADY_EXISTS.
                    | LogError::Remote { code: Code::AlreadyExists, .. }
            )
        )
    }

    /// The stream a lost race was lost on, when the log says.
    pub(crate) fn contended_stream(&self) -> Option<String> {
        match self {
            HandlerError::Log(
                LogError::WrongExpectedRevision { stream, .. }
                | LogError::PartialDuplicate { stream, .. }
                | LogError::DuplicateMismatch { stream, .. },
            ) => Some(stream.clone()),
            _ => None,
        }
    }

    /// Whether an append found event ids it carries already stored (by this command's earlier run, or by
    /// another command that used the same command id).
    pub(crate) fn is_duplicate(&self) -> bool {
        matches!(
            self,
            HandlerError::Log(
                LogError::PartialDuplicate { .. }
                    | LogError::DuplicateMismatch { .. }
                    | LogError::Remote {
                        code: Code::AlreadyExists,
                        ..
                    }
            )
        )
    }

    /// The gRPC status. INVALID_ARGUMENT and FAILED_PRECONDITION carry a google.rpc.BadRequest naming the field
    /// (and say "field: reason" in the message for clients that do not decode details).
    pub fn into_status(self) -> Status {
        let message = self.to_string();
        match self {
            HandlerError::InvalidField { field, reason } => {
                bad_request(Code::InvalidArgument, &message, &field, &reason)
            }
            HandlerError::Rule(violation) => {
                let code = match violation.rule {
                    Rule::NotFound => Code::NotFound,
                    _ if violation.is_precondition() => Code::FailedPrecondition,
                    _ => Code::InvalidArgument,
                };
                bad_request(code, &message, violation.field, &violation.rule.to_string())
            }
            HandlerError::Registry(RegistryError::Invalid { field, reason }) => {
                bad_request(Code::InvalidArgument, &message, field, &reason)
            }
            HandlerError::Registry(RegistryError::Conflict { fields, .. }) => {
                let violations: Vec<FieldViolation> = fields
                    .into_iter()
                    .map(|field| FieldViolation::new(field, "differs from the registered entry"))
                    .collect();
                Status::with_error_details(
                    Code::AlreadyExists,
                    message,
                    ErrorDetails::with_bad_request(violations),
                )
            }
            HandlerError::NotFound { field, .. } => {
                bad_request(Code::NotFound, &message, field, "not found")
            }
            HandlerError::ExternalIdReused { .. } => bad_request(
                Code::FailedPrecondition,
                &message,
                "external_id",
                "already used for another kind",
            ),
            HandlerError::IdempotencyConflict { key, differing } => {
                let violations: Vec<FieldViolation> = differing
                    .iter()
                    .map(|field| {
                        FieldViolation::new(
                            field,
                            format!("differs from the first request with this {key}"),
                        )
                    })
                    .collect();
                Status::with_error_details(
                    Code::AlreadyExists,
                    message,
                    ErrorDetails::with_bad_request(violations),
                )
            }
            HandlerError::Unauthenticated(_) => Status::unauthenticated(message),
            HandlerError::OutsideJurisdiction { .. } => Status::permission_denied(message),
            HandlerError::Conflict { .. } => Status::aborted(message),
            HandlerError::Corrupt { .. } | HandlerError::ReadModel(_) => Status::internal(message),
            HandlerError::Bus(_) => Status::unavailable(message),
            HandlerError::Log(error) => match error {
                LogError::TooLarge { field, .. } | LogError::InvalidArgument { field, .. } => {
                    bad_request(
                        Code::InvalidArgument,
                        &message,
                        field,
                        "rejected by the event log",
                    )
                }
                LogError::Remote { code, .. } => Status::new(code, message),
                LogError::Closed | LogError::WriterStopped { .. } => Status::unavailable(message),
                _ => Status::internal(message),
            },
        }
    }
}

impl From<HandlerError> for Status {
    fn from(error: HandlerError) -> Status {
        error.into_status()
    }
}

fn bad_request(code: Code, message: &str, field: &str, description: &str) -> Status {
    Status::with_error_details(
        code,
        message,
        ErrorDetails::with_bad_request_violation(field, description),
    )
}
