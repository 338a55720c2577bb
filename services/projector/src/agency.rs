//! Agencies and their tree. An agency id is a path: `simao` is the district government, `simao/finance` one of
//! its departments, so the parent of an agency is its id up to the last '/'. No registry event is needed: the
//! tree is whatever the ids in the log say, and the annual model keeps the list of agencies it has seen.

use casetrack_reporting::MAX_AGENCY_LEN;

use crate::error::ProjectorError;

/// Separator between an agency and its sub-agency in an id.
pub const AGENCY_PATH_SEPARATOR: char = '/';

/// Checks an agency id named in a query.
pub fn validate_agency(agency: &str) -> Result<(), ProjectorError> {
    let len = agency.chars().count();
    if len == 0 || len > MAX_AGENCY_LEN {
        return Err(ProjectorError::BadAgency {
            reason: format!("must be 1..={MAX_AGENCY_LEN} characters, got {len}"),
        });
    }
    if !is_storable_agency(agency) {
        return Err(ProjectorError::BadAgency {
            reason: format!(
                "{agency:?} must not contain NUL, nor start or end with '{AGENCY_PATH_SEPARATOR}' or contain \"//\""
            ),
        });
    }
    Ok(())
}

/// Whether an agency id from the log can be a key part (NUL separates key parts) and a tree path.
pub fn is_storable_agency(agency: &str) -> bool {
    !agency.is_empty()
        && !agency.contains('\0')
        && agency.chars().count() <= MAX_AGENCY_LEN
        && agency
            .split(AGENCY_PATH_SEPARATOR)
            .all(|part| !part.is_empty())
}

/// Whether `agency` is `root` or below it in the tree.
pub fn is_within(agency: &str, root: &str) -> bool {
    agency == root
        || agency
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with(AGENCY_PATH_SEPARATOR))
}
