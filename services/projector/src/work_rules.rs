//! The locality's rules for the year-end work figures, as data (`data/work-rules.json`): which follow-up
//! ratings count as satisfied (满意 only, or 满意 and 基本满意 as many localities count), for every agency or
//! for one subtree. The most specific agency entry that contains a ticket's agency applies.

use std::collections::{BTreeMap, BTreeSet};

use casetrack_domain::AgencyId;
use casetrack_domain::hotline::Satisfaction;
use serde::Deserialize;

use crate::error::ProjectorError;

/// The rules compiled into the binary.
const EMBEDDED: &str = include_str!("../data/work-rules.json");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkRules {
    /// The ratings that count as satisfied where no agency entry applies.
    satisfied: BTreeSet<Satisfaction>,
    /// Agency id (a subtree) → the ratings that count as satisfied there.
    #[serde(default)]
    satisfied_by_agency: BTreeMap<String, BTreeSet<Satisfaction>>,
}

impl WorkRules {
    /// The rules compiled into the binary.
    pub fn embedded() -> Result<WorkRules, ProjectorError> {
        WorkRules::from_json(EMBEDDED)
    }

    /// Rules from their JSON text; an entry naming no valid agency id is an error.
    pub fn from_json(text: &str) -> Result<WorkRules, ProjectorError> {
        let rules: WorkRules =
            serde_json::from_str(text).map_err(|e| ProjectorError::WorkRules(e.to_string()))?;
        for agency in rules.satisfied_by_agency.keys() {
            AgencyId::parse(agency).map_err(|e| ProjectorError::WorkRules(e.to_string()))?;
        }
        Ok(rules)
    }

    /// The ratings that count as satisfied for a ticket of `agency`.
    pub fn satisfied(&self, agency: &AgencyId) -> &BTreeSet<Satisfaction> {
        self.satisfied_by_agency
            .iter()
            .filter(|(root, _)| AgencyId::parse(root).is_ok_and(|root| agency.is_within(&root)))
            .max_by_key(|(root, _)| root.len())
            .map_or(&self.satisfied, |(_, ratings)| ratings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(id: &str) -> AgencyId {
        AgencyId::parse(id).unwrap()
    }

    #[test]
    fn the_most_specific_agency_entry_decides_what_counts_as_satisfied() {
        let rules = WorkRules::from_json(
            r#"{"satisfied": ["satisfied", "basically_satisfied"],
                "satisfied_by_agency": {"pu-er": ["satisfied"], "pu-er/simao": ["satisfied", "basically_satisfied"]}}"#,
        )
        .unwrap();
        let both = BTreeSet::from([Satisfaction::Satisfied, Satisfaction::BasicallySatisfied]);
        assert_eq!(rules.satisfied(&agency("kunming")), &both);
        assert_eq!(
            rules.satisfied(&agency("pu-er/ninger")),
            &BTreeSet::from([Satisfaction::Satisfied])
        );
        assert_eq!(rules.satisfied(&agency("pu-er/simao/roads")), &both);
        assert!(WorkRules::embedded().is_ok());
        assert!(
            WorkRules::from_json(r#"{"satisfied": [], "satisfied_by_agency": {"a//b": []}}"#)
                .is_err()
        );
    }
}
