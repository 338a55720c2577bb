//! The policy table: which roles may call which gRPC method, least privilege. The layer checks every call
//! against it, the README's role × RPC table is generated from it (a test keeps them equal), and the matrix
//! test calls every method with every role from it. A method not listed is denied to everyone, so a service
//! added later stays closed until someone decides who may call it.

use crate::role::Role;
use crate::role::Role::{
    Admin, Approver, Auditor, Clerk, Hotline, ReplyOfficer, ReportOfficer, Reviewer,
};

/// Services that answer without a token: probes and schema discovery, which reveal no case data.
pub const PUBLIC_SERVICES: [&str; 3] = [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

/// Who reads a case: the source system its own, staff within their jurisdiction.
const CASE_READERS: &[Role] = &[
    Hotline,
    Clerk,
    Reviewer,
    Approver,
    ReplyOfficer,
    ReportOfficer,
    Auditor,
];
/// Who reads the work queues: staff who work cases, and those who report on or audit them.
const QUEUE_READERS: &[Role] = &[Reviewer, Approver, ReplyOfficer, ReportOfficer, Auditor];
/// Who reads the statutory report and the cases behind its figures.
const REPORT_READERS: &[Role] = &[ReportOfficer, Auditor];
/// Who reads what spans every agency — the raw log, the audit trail, the agency registry: no
/// jurisdiction-bound role.
const LOG_READERS: &[Role] = &Role::DEPLOYMENT_WIDE;

/// Who reads a case's personal data (an applicant's or caller's name, phone, address) whole — the house rule:
/// personal data is read only by those who need it. Those who handle the case need it: the clerk who
/// registers the applicant, the reviewer who works the case (and the unit a ticket is dispatched to, which
/// holds the reviewer role in its own jurisdiction) and may have to call back, the approver who decides it,
/// the reply officer who delivers the reply to the applicant's address or calls the caller back, and the
/// hotline system whose own ticket it is (it took the call). The report officer and the auditor judge figures
/// and the log, never a person, and the admin keeps the log: they see the data masked ([`Person::masked`]).
///
/// [`Person::masked`]: casetrack_domain::Person::masked
pub const PERSONAL_DATA_READERS: &[Role] = &[Hotline, Clerk, Reviewer, Approver, ReplyOfficer];

/// Every method casetrack serves, by gRPC path, with the roles that may call it.
pub const POLICY: &[(&str, &[Role])] = &[
    ("/casetrack.v1.Intake/SubmitApplication", &[Clerk]),
    ("/casetrack.v1.Intake/SubmitHotlineTicket", &[Hotline]),
    ("/casetrack.v1.Intake/SubmitProposal", &[Clerk]),
    ("/casetrack.v1.Intake/SubmitChallenge", &[Clerk]),
    ("/casetrack.v1.Intake/RecordDisclosure", &[Clerk]),
    ("/casetrack.v1.Intake/RecordDocumentIssued", &[Clerk]),
    ("/casetrack.v1.Intake/RecordDocumentRepealed", &[Clerk]),
    ("/casetrack.v1.Intake/RecordCount", &[Clerk]),
    ("/casetrack.v1.Intake/RecordFeesCollected", &[Clerk]),
    ("/casetrack.v1.Intake/GetCase", CASE_READERS),
    ("/casetrack.v1.Intake/GetTimeline", CASE_READERS),
    ("/casetrack.v1.Intake/WatchStatus", &[Hotline]),
    // The codes are no case's data: every identity may ask which ones intake takes.
    ("/casetrack.v1.Intake/ListCodes", &Role::ALL),
    ("/casetrack.v1.Review/ConfirmReceipt", &[Reviewer]),
    ("/casetrack.v1.Review/RequestSupplement", &[Reviewer]),
    ("/casetrack.v1.Review/ReceiveSupplement", &[Reviewer]),
    ("/casetrack.v1.Review/StartConsultation", &[Reviewer]),
    ("/casetrack.v1.Review/AnswerConsultation", &[Reviewer]),
    // 条例 第三十三条: an extension needs the approval of the head of the disclosure office.
    ("/casetrack.v1.Review/ApproveExtension", &[Approver]),
    ("/casetrack.v1.Review/Decide", &[Approver]),
    ("/casetrack.v1.Review/AnswerTicketAtOnce", &[Reviewer]),
    ("/casetrack.v1.Review/DispatchTicket", &[Reviewer]),
    ("/casetrack.v1.Review/SignTicket", &[Reviewer]),
    ("/casetrack.v1.Review/ReturnTicket", &[Reviewer]),
    ("/casetrack.v1.Review/ExtendTicket", &[Approver]),
    ("/casetrack.v1.Review/HandleTicket", &[Reviewer]),
    ("/casetrack.v1.Review/RemindTicket", &[Reviewer]),
    ("/casetrack.v1.Review/MergeTickets", &[Reviewer]),
    ("/casetrack.v1.Review/ContactProposer", &[Reviewer]),
    ("/casetrack.v1.Review/ExtendProposal", &[Approver]),
    ("/casetrack.v1.Reply/DeliverReply", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/IssueFeeNotice", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/RecordFeePaid", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/Abandon", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/ReplyToCaller", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/RecordFollowUp", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/OrderReHandling", &[Reviewer]),
    ("/casetrack.v1.Reply/Close", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/ReplyProposal", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/PublishProposal", &[ReplyOfficer]),
    ("/casetrack.v1.Reply/ConcludeChallenge", &[ReplyOfficer]),
    ("/casetrack.v1.Reporting/GetReport", REPORT_READERS),
    ("/casetrack.v1.Reporting/DrillDown", REPORT_READERS),
    ("/casetrack.v1.Reporting/DrillDownWork", REPORT_READERS),
    ("/casetrack.v1.Reporting/GetWorkReport", REPORT_READERS),
    ("/casetrack.v1.Reporting/Queue", QUEUE_READERS),
    ("/casetrack.v1.Reporting/DueSoon", QUEUE_READERS),
    ("/casetrack.v1.Reporting/Overdue", QUEUE_READERS),
    ("/casetrack.v1.Reporting/Publish", &[ReportOfficer]),
    ("/casetrack.v1.Reporting/WriteNarrative", &[ReportOfficer]),
    ("/casetrack.v1.Reporting/MovedDeadlines", QUEUE_READERS),
    ("/casetrack.v1.Audit/ListAuditRecords", LOG_READERS),
    ("/casetrack.v1.Agencies/RegisterAgency", &[Admin]),
    ("/casetrack.v1.Agencies/AmendAgency", &[Admin]),
    ("/casetrack.v1.Agencies/ListAgencies", LOG_READERS),
    ("/casetrack.v1.EventLog/Append", &[Admin]),
    ("/casetrack.v1.EventLog/AppendMulti", &[Admin]),
    ("/casetrack.v1.EventLog/ReadStream", LOG_READERS),
    ("/casetrack.v1.EventLog/ReadAll", LOG_READERS),
    ("/casetrack.v1.EventLog/ReadByType", LOG_READERS),
    ("/casetrack.v1.EventLog/ReadByCategory", LOG_READERS),
    ("/casetrack.v1.EventLog/Subscribe", LOG_READERS),
    ("/casetrack.v1.EventLog/Verify", LOG_READERS),
    ("/casetrack.v1.EventLog/NextPosition", LOG_READERS),
];

/// The roles that may call the method at `path` (`/package.Service/Method`); `None` for a method the table
/// does not name, which is denied.
pub fn roles_for(path: &str) -> Option<&'static [Role]> {
    POLICY
        .iter()
        .find(|(method, _)| *method == path)
        .map(|(_, roles)| *roles)
}

/// Whether `path` belongs to a service that needs no token.
pub fn is_public(path: &str) -> bool {
    let service = path
        .strip_prefix('/')
        .and_then(|rest| rest.split_once('/'))
        .map(|(service, _)| service);
    service.is_some_and(|service| PUBLIC_SERVICES.contains(&service))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The role × RPC table as README.md prints it: one row per method, one column per role.
    fn markdown_table() -> String {
        let mut table = String::from("| method |");
        for role in Role::ALL {
            table.push_str(&format!(" {role} |"));
        }
        table.push_str("\n|---|");
        table.push_str(&"---|".repeat(Role::ALL.len()));
        for (method, roles) in POLICY {
            table.push_str(&format!(
                "\n| `{}` |",
                method.trim_start_matches("/casetrack.v1.")
            ));
            for role in Role::ALL {
                table.push_str(if roles.contains(&role) {
                    " ✓ |"
                } else {
                    " |"
                });
            }
        }
        table
    }

    #[test]
    fn the_readme_prints_this_table() {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("<!-- roles table: begin -->")
            .expect("README marks the start of the roles table");
        let end = readme
            .find("<!-- roles table: end -->")
            .expect("README marks the end of the roles table");
        let printed = readme[start..end]
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            printed,
            markdown_table(),
            "README's role × RPC table differs from policy.rs; paste the expected one"
        );
    }

    #[test]
    fn every_method_is_listed_once_and_allows_someone() {
        for (index, (method, roles)) in POLICY.iter().enumerate() {
            assert!(!roles.is_empty(), "{method}");
            assert!(
                POLICY[index + 1..].iter().all(|(other, _)| other != method),
                "{method} twice"
            );
        }
    }

    /// Every method of every casetrack service has a row: a service added later is denied until someone
    /// decides who may call it, and this test says so rather than leaving it to a surprised caller.
    #[test]
    fn every_method_casetrack_serves_is_in_the_table() {
        use prost::Message;
        let set = prost_types::FileDescriptorSet::decode(casetrack_api::FILE_DESCRIPTOR_SET)
            .expect("the descriptor set decodes");
        let mut served = Vec::new();
        for file in &set.file {
            for service in &file.service {
                for method in &service.method {
                    served.push(format!(
                        "/{}.{}/{}",
                        file.package(),
                        service.name(),
                        method.name()
                    ));
                }
            }
        }
        let listed: Vec<String> = POLICY.iter().map(|(m, _)| (*m).to_owned()).collect();
        served.sort();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(
            served, sorted,
            "policy.rs must list exactly the methods served"
        );
    }

    #[test]
    fn only_health_and_reflection_are_public() {
        assert!(is_public("/grpc.health.v1.Health/Check"));
        assert!(is_public(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!is_public("/casetrack.v1.Intake/GetCase"));
        assert!(!is_public("/grpc.health.v1.Healthy/Check"));
        assert!(!is_public("grpc.health.v1.Health"));
        assert_eq!(roles_for("/casetrack.v1.Intake/Nothing"), None);
        assert_eq!(
            roles_for("/casetrack.v1.Review/Decide"),
            Some(&[Approver][..])
        );
    }
}
