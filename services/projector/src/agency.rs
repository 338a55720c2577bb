//! Agencies and their tree. An agency id is a path: `simao` is the district government, `simao/finance` one of
//! its departments, so the parent of an agency is its id up to the last '/'. No registry event is needed: the
//! tree is whatever the ids in the log say, and the annual model keeps the list of agencies it has seen. The
//! shape of an id is the domain's (`AgencyId::parse`).

use casetrack_domain::AgencyId;
use casetrack_domain::ids::AGENCY_PATH_SEPARATOR;

use crate::error::ProjectorError;

/// Checks an agency id named in a query by the domain's one rule for agency ids (the same rule intake applied
/// to every case in the log, so a valid query can name any agency the log holds).
pub fn validate_agency(agency: &str) -> Result<AgencyId, ProjectorError> {
    AgencyId::parse(agency).map_err(|e| ProjectorError::BadAgency {
        reason: e.to_string(),
    })
}

/// Whether `agency` is `root` or below it in the tree.
pub fn is_within(agency: &str, root: &str) -> bool {
    agency == root
        || agency
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with(AGENCY_PATH_SEPARATOR))
}
