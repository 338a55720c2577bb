//! The roles a caller may hold, least privilege: each is one job in a disclosure office or a hotline centre,
//! and the policy table (`policy.rs`) names, per method, the roles that may call it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One job. An identity holds one or more; a method allows one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A hotline source system (12345 …): submits its own tickets, reads and watches only those.
    Hotline,
    /// Registers applications, proposals, challenges and the records the report counts (登记).
    Clerk,
    /// Works cases through review: receipt, 补正, consultation, ticket dispatch and handling, 督办.
    Reviewer,
    /// Head of the disclosure office: extensions (条例 第三十三条) and decisions.
    Approver,
    /// Delivers replies and fees, replies to callers, closes cases.
    ReplyOfficer,
    /// Reports, drill-down to their cases, and publishing a report.
    ReportOfficer,
    /// Reads everything and verifies the log; changes nothing.
    Auditor,
    /// The raw log and the deployment's rule data.
    Admin,
}

impl Role {
    /// Every role, in the order the README's table lists them.
    pub const ALL: [Role; 8] = [
        Role::Hotline,
        Role::Clerk,
        Role::Reviewer,
        Role::Approver,
        Role::ReplyOfficer,
        Role::ReportOfficer,
        Role::Auditor,
        Role::Admin,
    ];

    /// The name used in token files, the CLI and error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Hotline => "hotline",
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::ReplyOfficer => "reply_officer",
            Role::ReportOfficer => "report_officer",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// The roles that may work without a jurisdiction, over the whole deployment: only the roles that change
    /// no case (the auditor reads, the admin keeps the log and rule data).
    pub const DEPLOYMENT_WIDE: [Role; 2] = [Role::Admin, Role::Auditor];

    /// Whether the role is one of [`Role::DEPLOYMENT_WIDE`].
    pub fn spans_deployment(self) -> bool {
        Role::DEPLOYMENT_WIDE.contains(&self)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|role| role.as_str()).collect();
                format!("unknown role {text:?}; roles are {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            let json = serde_json::to_string(&role).expect("serialise");
            assert_eq!(json, format!("\"{role}\""));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
