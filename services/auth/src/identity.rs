//! The authenticated caller, as the layer hands it to the handlers, and the one jurisdiction rule they apply.

use std::collections::BTreeSet;

use casetrack_domain::AgencyId;

use crate::role::Role;

/// Who is calling: configured in the token file, found by the hash of the caller's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Shown in logs and recorded as the actor of the events the caller writes, e.g. "12345热线".
    pub name: String,
    /// Never empty.
    pub roles: BTreeSet<Role>,
    /// What intake's idempotency and status watching hang on: a submission's case id is derived from
    /// (source system, external id). Staff have one too, e.g. "console".
    pub source_system: String,
    /// The agency subtree the caller sees and acts in (`simao` covers `simao` and `simao/...`); `None` is the
    /// whole deployment, which only roles that change no case may have ([`Role::spans_deployment`]).
    pub jurisdiction: Option<AgencyId>,
}

impl Identity {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the caller may see or act on a case of `agency` submitted by `source_system` and handled now by
    /// `handling_unit` (a ticket's dispatched unit, a proposal's lead unit; `None` when its agency handles it):
    /// the agency or the handling unit is in its jurisdiction — a unit works the cases its queue lists — and,
    /// for a hotline source system, the case is its own.
    pub fn may_see(
        &self,
        agency: &AgencyId,
        source_system: Option<&str>,
        handling_unit: Option<&AgencyId>,
    ) -> bool {
        (self.covers(agency) || handling_unit.is_some_and(|unit| self.covers(unit)))
            && (!self.has(Role::Hotline) || source_system == Some(self.source_system.as_str()))
    }

    /// Whether the caller reads the personal data of the cases it sees whole: it holds one of
    /// [`PERSONAL_DATA_READERS`](crate::policy::PERSONAL_DATA_READERS).
    pub fn reads_personal_data(&self) -> bool {
        crate::policy::PERSONAL_DATA_READERS
            .iter()
            .any(|role| self.has(*role))
    }

    /// Whether `agency` (a case's, or the root of a roll-up) is inside the caller's jurisdiction.
    pub fn covers(&self, agency: &AgencyId) -> bool {
        self.jurisdiction
            .as_ref()
            .is_none_or(|root| agency.is_within(root))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(roles: &[Role], jurisdiction: Option<&str>) -> Identity {
        Identity {
            name: "test".into(),
            roles: roles.iter().copied().collect(),
            source_system: "12345".into(),
            jurisdiction: jurisdiction.map(|j| AgencyId::parse(j).expect("agency")),
        }
    }

    fn agency(text: &str) -> AgencyId {
        AgencyId::parse(text).expect("agency")
    }

    #[test]
    fn staff_see_their_subtree_only() {
        let staff = identity(&[Role::Reviewer], Some("simao/finance"));
        assert!(staff.may_see(&agency("simao/finance"), Some("console"), None));
        assert!(staff.may_see(&agency("simao/finance/budget"), None, None));
        assert!(!staff.may_see(&agency("simao"), None, None));
        assert!(!staff.may_see(&agency("simao/financebureau"), None, None));
        assert!(identity(&[Role::Auditor], None).may_see(&agency("other"), None, None));
        assert!(identity(&[Role::Clerk], Some("simao")).reads_personal_data());
        assert!(!identity(&[Role::Auditor], None).reads_personal_data());
        assert!(!identity(&[Role::ReportOfficer], Some("simao")).reads_personal_data());
    }

    #[test]
    fn a_unit_sees_the_cases_it_handles() {
        let unit = identity(&[Role::Reviewer], Some("simao/roads"));
        let handled_by = |u: &str| unit.may_see(&agency("simao"), None, Some(&agency(u)));
        assert!(handled_by("simao/roads"));
        assert!(handled_by("simao/roads/east"));
        assert!(!handled_by("simao/water"));
        let above = identity(&[Role::Reviewer], Some("simao"));
        assert!(above.may_see(&agency("simao"), None, Some(&agency("simao/roads"))));
    }

    #[test]
    fn a_hotline_sees_only_its_own_cases() {
        let hotline = identity(&[Role::Hotline], Some("simao"));
        assert!(hotline.may_see(&agency("simao/roads"), Some("12345"), None));
        assert!(!hotline.may_see(&agency("simao/roads"), Some("12328"), None));
        assert!(!hotline.may_see(&agency("simao/roads"), None, None));
        let dispatched = Some(agency("simao/roads"));
        assert!(!hotline.may_see(&agency("simao"), Some("12328"), dispatched.as_ref()));
    }
}
