//! Deterministic injection of a failed synced write, for the tests that prove a failed write stops the writer
//! and the process. Read from [`FAIL_WRITE_ENV`] when the log is opened: with `N`, the first `N` groups commit
//! and the next write fails as a failed fsync would. Unset (as in every deployment) it never fires.

/// The environment variable that arms the fault: the number of groups to commit before the failing write.
pub const FAIL_WRITE_ENV: &str = "CASETRACK_FAIL_WRITE_AFTER_GROUPS";

/// The armed fault of one open log, if any.
pub struct WriteFault {
    groups_before_failure: Option<u64>,
}

impl WriteFault {
    pub fn from_env() -> WriteFault {
        let groups_before_failure = std::env::var(FAIL_WRITE_ENV)
            .ok()
            .and_then(|value| value.parse().ok());
        if let Some(groups) = groups_before_failure {
            tracing::warn!(
                groups,
                "{FAIL_WRITE_ENV} is set: the write after this many groups will fail"
            );
        }
        WriteFault {
            groups_before_failure,
        }
    }

    /// A fault armed (or not) directly, for the writer's own tests.
    #[cfg(test)]
    pub fn after(groups_before_failure: Option<u64>) -> WriteFault {
        WriteFault {
            groups_before_failure,
        }
    }

    /// Whether the write about to be made must fail; counts the groups that may commit.
    pub fn fires(&mut self) -> bool {
        match &mut self.groups_before_failure {
            None => false,
            Some(0) => true,
            Some(remaining) => {
                *remaining -= 1;
                false
            }
        }
    }
}
