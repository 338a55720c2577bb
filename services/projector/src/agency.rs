//! Agencies and their tree. An agency id is a path: `simao` is the district government, `simao/finance` one of
//! its departments, so the parent of an agency is its id up to the last '/'. The roll-up tree is whatever the
//! ids in the log say, and the annual model keeps the list of agencies it has seen; the shape of an id is the
//! domain's (`AgencyId::parse`). What an agency is called is registered data: [`registry`] folds the log's
//! `agencies` stream (the domain's `agency.rs`) when a report is printed.

use casetrack_domain::AgencyId;
use casetrack_domain::agency::{AGENCIES_STREAM, MAX_AGENCY_EVENTS, Registry};
use casetrack_domain::ids::AGENCY_PATH_SEPARATOR;

use crate::error::ProjectorError;
use crate::reader::LogReader;

/// Checks an agency id named in a query by the domain's one rule for agency ids (the same rule intake applied
/// to every case in the log, so a valid query can name any agency the log holds).
pub fn validate_agency(agency: &str) -> Result<AgencyId, ProjectorError> {
    AgencyId::parse(agency).map_err(|e| ProjectorError::BadAgency {
        reason: e.to_string(),
    })
}

/// The agency registry as the log holds it now.
pub fn registry(log: &dyn LogReader) -> Result<Registry, ProjectorError> {
    let recorded = log.read_stream_to_end(AGENCIES_STREAM, MAX_AGENCY_EVENTS)?;
    Registry::from_stored(recorded.iter().map(|e| (e.event_type.as_str(), &e.data))).map_err(
        |reason| ProjectorError::Corrupt {
            key: AGENCIES_STREAM.to_owned(),
            reason,
        },
    )
}

/// The registered name of `agency`, if it is a registered agency.
pub fn registered_name(
    log: &dyn LogReader,
    agency: &str,
) -> Result<Option<String>, ProjectorError> {
    let Ok(id) = AgencyId::parse(agency) else {
        return Ok(None);
    };
    Ok(registry(log)?.get(&id).map(|a| a.name.clone()))
}

/// Whether `agency` is `root` or below it in the tree.
pub fn is_within(agency: &str, root: &str) -> bool {
    agency == root
        || agency
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with(AGENCY_PATH_SEPARATOR))
}
