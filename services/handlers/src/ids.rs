//! Deterministic ids, so that a retried request maps to the ids of its first attempt and the log's
//! idempotency (by event id) returns the original result instead of writing twice.

use casetrack_domain::CaseId;
use uuid::Uuid;

/// Namespace of casetrack's intake case ids (a fixed random UUID; changing it would change every case id).
const INTAKE_NAMESPACE: Uuid = Uuid::from_u128(0x5c1f_0b8e_2f4d_4a57_9a0e_3b6c_1d2e_7f80);

/// The case id of a submission: UUID v5 of (authenticated source system, the caller's external id).
pub fn intake_case_id(source_system: &str, external_id: &str) -> CaseId {
    // The NUL separator keeps ("a", "bc") and ("ab", "c") apart; neither part may contain NUL.
    CaseId(Uuid::new_v5(
        &INTAKE_NAMESPACE,
        format!("{source_system}\0{external_id}").as_bytes(),
    ))
}

/// The id of the `index`-th event a command writes to its `step`-th stream: UUID v5 in the command's namespace.
pub fn event_id(command_id: Uuid, step: usize, index: usize) -> Uuid {
    Uuid::new_v5(&command_id, format!("event/{step}/{index}").as_bytes())
}

/// A command id derived from a case and a purpose, for commands the system issues itself (routing, reminders):
/// the same purpose on the same case is one command, however often it is attempted.
pub fn derived_command_id(case_id: CaseId, purpose: &str) -> Uuid {
    Uuid::new_v5(&case_id.0, purpose.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_distinct() {
        assert_eq!(
            intake_case_id("12345", "A-1"),
            intake_case_id("12345", "A-1")
        );
        assert_ne!(
            intake_case_id("12345", "A-1"),
            intake_case_id("12328", "A-1")
        );
        assert_ne!(intake_case_id("a", "bc"), intake_case_id("ab", "c"));
        let command = Uuid::from_u128(7);
        assert_eq!(event_id(command, 0, 0), event_id(command, 0, 0));
        assert_ne!(event_id(command, 0, 0), event_id(command, 0, 1));
        assert_ne!(event_id(command, 0, 1), event_id(command, 1, 0));
    }
}
