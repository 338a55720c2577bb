//! Why a subscriber (or any supervised task) stopped, and whether waiting helps.
//!
//! A *transient* failure is a server the task needs being unreachable for now (NATS, the EventLog process): the
//! supervisor restarts the task with backoff for as long as it takes, because an outage is ridden out, never
//! fatal. Any other failure counts toward the supervisor's bound, after which the process exits for its
//! service manager to restart it.

use std::fmt;

use casetrack_eventlog::LogError;

use crate::error::BusError;

/// Any error a consumer's effects can fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A failed run of a subscriber or task.
#[derive(Debug)]
pub struct Failure {
    transient: bool,
    source: BoxError,
}

impl Failure {
    /// A server the task needs is unreachable; retrying later will do.
    pub fn transient(source: impl Into<BoxError>) -> Failure {
        Failure {
            transient: true,
            source: source.into(),
        }
    }

    /// Anything else: a bug, a broken disk, corrupt data.
    pub fn fatal(source: impl Into<BoxError>) -> Failure {
        Failure {
            transient: false,
            source: source.into(),
        }
    }

    pub fn is_transient(&self) -> bool {
        self.transient
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.transient { "transient" } else { "fatal" };
        write!(f, "{kind}: {}", self.source)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

impl From<BusError> for Failure {
    fn from(error: BusError) -> Failure {
        let transient = match &error {
            BusError::Nats { .. } | BusError::Closed => true,
            BusError::Log(log) => log_is_transient(log),
            _ => false,
        };
        Failure {
            transient,
            source: Box::new(error),
        }
    }
}

impl From<LogError> for Failure {
    fn from(error: LogError) -> Failure {
        Failure::from(BusError::Log(error))
    }
}

/// Whether a log error only means the EventLog process is unreachable for now.
pub fn log_is_transient(error: &LogError) -> bool {
    matches!(
        error,
        LogError::Remote {
            code: tonic::Code::Unavailable
                | tonic::Code::DeadlineExceeded
                | tonic::Code::Cancelled
                | tonic::Code::Unknown,
            ..
        }
    )
}
