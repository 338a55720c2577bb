//! The identity of an imported row, independent of the file it came from: the case id is a UUID v5 of the
//! agency and the ledger's external id, and each event id a UUID v5 of the case id and the event's revision.
//! Importing the same row again therefore proposes the very same events, which the log already holds.

use casetrack_domain::{AgencyId, CaseId};
use uuid::Uuid;

/// The namespace of every id the ledger import derives; fixed forever, or re-imports would duplicate cases.
const LEDGER_NAMESPACE: Uuid = uuid::uuid!("2287bf73-950a-4099-abdb-f48eafc54017");

/// The case an (agency, external id) pair denotes.
pub fn case_id(agency: &AgencyId, external_id: &str) -> CaseId {
    // A separator that can appear in neither id (both refuse control characters) keeps ("a/b", "c") and
    // ("a", "b/c")-style pairs apart.
    let name = format!("{}\u{1f}{}", agency.as_str(), external_id);
    CaseId(Uuid::new_v5(&LEDGER_NAMESPACE, name.as_bytes()))
}

/// The id of the event at `revision` of an imported case.
pub fn event_id(case: CaseId, revision: u64) -> Uuid {
    Uuid::new_v5(&case.0, format!("ledger-import/{revision}").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_the_row_identity_only() {
        let agency = AgencyId::parse("simao/gov").unwrap();
        assert_eq!(case_id(&agency, "2018-001"), case_id(&agency, "2018-001"));
        assert_ne!(case_id(&agency, "2018-001"), case_id(&agency, "2018-002"));
        assert_ne!(
            case_id(&AgencyId::parse("a/b").unwrap(), "c"),
            case_id(&AgencyId::parse("a").unwrap(), "b/c")
        );
        let case = case_id(&agency, "2018-001");
        assert_eq!(event_id(case, 0), event_id(case, 0));
        assert_ne!(event_id(case, 0), event_id(case, 1));
    }
}
