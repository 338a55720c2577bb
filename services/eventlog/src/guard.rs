//! What the `EventLog` gRPC service lets through to the log. The log knows no case kinds (its architecture
//! invariant), so it cannot tell a case's events from a forged copy; whoever serves it injects an
//! [`AppendGuard`] that can (the `casetrack` binary injects the handlers' guard, which asks the domain). Every
//! `Append` and `AppendMulti` is checked as a whole before it reaches the writer: a refused append writes
//! nothing.

use crate::event::StreamWrite;

/// A check over each append that arrives over gRPC.
pub trait AppendGuard: Send + Sync {
    /// `Err` refuses the whole append, naming the stream and why.
    fn check(&self, writes: &[StreamWrite]) -> Result<(), Refusal>;
}

/// Why an append was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub stream: String,
    pub reason: String,
}

/// Lets every append through: for a log that holds no cases (this crate's own tests and tools).
pub struct Unguarded;

impl AppendGuard for Unguarded {
    fn check(&self, _writes: &[StreamWrite]) -> Result<(), Refusal> {
        Ok(())
    }
}
