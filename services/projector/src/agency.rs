//! Agencies and their tree. An agency id is a path: `simao` is the district government, `simao/finance` one of
//! its departments, so the parent of an agency is its id up to the last '/'. The roll-up tree is whatever the
//! ids in the log say, and the annual model keeps the list of agencies it has seen; the shape of an id is the
//! domain's (`AgencyId::parse`). What an agency is called is registered data: [`registry`] folds the log's
//! `agencies` stream (the domain's `agency.rs`) when a report is printed, and [`known_agency`] refuses a report
//! of an agency that is neither registered nor in the log, suggesting the nearest ids.

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

/// Most agency ids an unknown-agency error suggests.
pub const MAX_AGENCY_SUGGESTIONS: usize = 3;
/// Largest edit distance (characters) at which a known id is suggested for an unknown one: a typo or two in
/// a path such as `simao/finanse`, not an unrelated agency.
pub const MAX_SUGGESTION_DISTANCE: usize = 3;

/// The registered name of `agency` when it is registered; `None` when it is not registered but `seen` holds
/// it or an agency below it (a log written before the registry); otherwise `UnknownAgency` with the nearest
/// known ids.
pub fn known_agency(
    log: &dyn LogReader,
    agency: &str,
    seen: &[String],
) -> Result<Option<String>, ProjectorError> {
    let id = validate_agency(agency)?;
    let registry = registry(log)?;
    if let Some(registered) = registry.get(&id) {
        return Ok(Some(registered.name.clone()));
    }
    if seen.iter().any(|s| is_within(s, agency)) {
        return Ok(None);
    }
    let known = registry
        .iter()
        .map(|a| a.id.to_string())
        .chain(seen.iter().cloned());
    Err(ProjectorError::UnknownAgency {
        agency: agency.to_owned(),
        suggestions: nearest(agency, known),
    })
}

/// The known ids nearest to `agency` by edit distance, at most [`MAX_AGENCY_SUGGESTIONS`], each within
/// [`MAX_SUGGESTION_DISTANCE`], nearest first (ties by id).
pub fn nearest(agency: &str, known: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut scored: Vec<(usize, String)> = known
        .into_iter()
        .map(|id| (strsim::levenshtein(agency, &id), id))
        .filter(|(distance, _)| *distance <= MAX_SUGGESTION_DISTANCE)
        .collect();
    scored.sort();
    scored.dedup();
    scored
        .into_iter()
        .take(MAX_AGENCY_SUGGESTIONS)
        .map(|(_, id)| id)
        .collect()
}

/// Whether `agency` is `root` or below it in the tree.
pub fn is_within(agency: &str, root: &str) -> bool {
    agency == root
        || agency
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with(AGENCY_PATH_SEPARATOR))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn nearest_suggests_close_ids_nearest_first_and_nothing_unrelated() {
        let known = ids(&[
            "simao",
            "simao/finance",
            "simao/education",
            "simao/fiance",
            "puer",
        ]);
        assert_eq!(
            nearest("simao/finanse", known.clone()),
            ids(&["simao/finance", "simao/fiance"])
        );
        assert_eq!(
            nearest("simao/educaton", known.clone()),
            ids(&["simao/education"])
        );
        assert!(nearest("kunming/transport", known).is_empty());
    }

    #[test]
    fn nearest_returns_at_most_the_limit() {
        let known = ids(&["ab1", "ab2", "ab3", "ab4", "ab5"]);
        assert_eq!(nearest("ab", known).len(), MAX_AGENCY_SUGGESTIONS);
    }
}
