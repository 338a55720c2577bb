//! Identities shared by every case kind: the case id, the agency, the kind, and the stream a case lives in.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The id of one case (one event stream). Version-4 UUIDs in practice; any UUID is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(pub Uuid);

impl CaseId {
    /// A fresh random id. Randomness is not the wall clock, so this stays pure enough for the domain;
    /// callers that need determinism build ids themselves.
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The longest agency id, in bytes (ids are ASCII).
pub const MAX_AGENCY_LEN: usize = 128;
/// The deepest agency tree: district → department → office → … .
pub const MAX_AGENCY_DEPTH: usize = 8;
/// Separator between an agency and its sub-agency in an id.
pub const AGENCY_PATH_SEPARATOR: char = '/';

/// An agency (机关): a department, a township, a government office. The id is a path — `simao` the district
/// government, `simao/finance` one of its departments — so the tree is whatever the ids say. Made only by
/// [`AgencyId::parse`], so every id in the log can be a store key, a tree path and a NATS subject token.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyId(String);

/// Why a text is not an agency id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "agency {text:?}: {reason}; an agency id is 1 to {MAX_AGENCY_DEPTH} parts joined by '/', each part \
     letters a-z/A-Z, digits, '_' or '-', at most {MAX_AGENCY_LEN} characters in all (e.g. simao/finance)"
)]
pub struct AgencyIdError {
    pub text: String,
    pub reason: &'static str,
}

impl AgencyId {
    /// The only way to make an agency id: checks the shape the rest of the system relies on.
    pub fn parse(text: &str) -> Result<AgencyId, AgencyIdError> {
        let fail = |reason| {
            Err(AgencyIdError {
                text: text.chars().take(MAX_AGENCY_LEN).collect(),
                reason,
            })
        };
        if text.is_empty() {
            return fail("it is empty");
        }
        if text.len() > MAX_AGENCY_LEN {
            return fail("it is too long");
        }
        let parts: Vec<&str> = text.split(AGENCY_PATH_SEPARATOR).collect();
        if parts.len() > MAX_AGENCY_DEPTH {
            return fail("it has too many parts");
        }
        if parts.iter().any(|part| part.is_empty()) {
            return fail("it has an empty part (a leading, trailing or doubled '/')");
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if !text
            .chars()
            .all(|c| allowed(c) || c == AGENCY_PATH_SEPARATOR)
        {
            return fail("it has a character other than letters, digits, '_', '-' and '/'");
        }
        Ok(AgencyId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The agency above this one; `None` for a root.
    pub fn parent(&self) -> Option<AgencyId> {
        let (parent, _) = self.0.rsplit_once(AGENCY_PATH_SEPARATOR)?;
        Some(AgencyId(parent.to_owned()))
    }

    /// Whether this agency is `root` or below it in the tree.
    pub fn is_within(&self, root: &AgencyId) -> bool {
        self.0 == root.0
            || self
                .0
                .strip_prefix(&root.0)
                .is_some_and(|rest| rest.starts_with(AGENCY_PATH_SEPARATOR))
    }
}

impl TryFrom<String> for AgencyId {
    type Error = AgencyIdError;

    fn try_from(text: String) -> Result<AgencyId, AgencyIdError> {
        AgencyId::parse(&text)
    }
}

impl From<AgencyId> for String {
    fn from(agency: AgencyId) -> String {
        agency.0
    }
}

impl fmt::Display for AgencyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kinds of stream in the log. The category is the stream-name prefix the event log indexes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 依申请公开 application.
    Application,
    /// 热线工单 hotline ticket.
    Hotline,
    /// 建议 / 提案: NPC suggestion or CPPCC proposal.
    Proposal,
    /// 行政复议 / 行政诉讼 challenging an application's handling.
    Challenge,
    /// A non-case record the annual report counts (proactive disclosure, documents, decisions, fees, …).
    Record,
}

impl CaseKind {
    pub const ALL: [CaseKind; 5] = [
        CaseKind::Application,
        CaseKind::Hotline,
        CaseKind::Proposal,
        CaseKind::Challenge,
        CaseKind::Record,
    ];

    /// The stream category: the part of the stream name before the first '-'.
    pub fn category(self) -> &'static str {
        match self {
            CaseKind::Application => "application",
            CaseKind::Hotline => "hotline",
            CaseKind::Proposal => "proposal",
            CaseKind::Challenge => "challenge",
            CaseKind::Record => "record",
        }
    }

    /// The prefix of every event type name of this kind ("Application" + "Received" = "ApplicationReceived").
    pub fn event_type_prefix(self) -> &'static str {
        match self {
            CaseKind::Application => "Application",
            CaseKind::Hotline => "Hotline",
            CaseKind::Proposal => "Proposal",
            CaseKind::Challenge => "Challenge",
            CaseKind::Record => "Record",
        }
    }

    /// The kind as staff name it, e.g. "依申请公开".
    pub fn label_zh(self) -> &'static str {
        match self {
            CaseKind::Application => "依申请公开",
            CaseKind::Hotline => "热线工单",
            CaseKind::Proposal => "建议提案",
            CaseKind::Challenge => "复议诉讼",
            CaseKind::Record => "统计记录",
        }
    }

    pub fn from_category(category: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.category() == category)
    }
}

/// The most events one case stream may hold before reading it is refused: a bound on the memory a command
/// or an as-of fold of the case uses (a case has tens of events; this is far beyond any real one).
pub const MAX_CASE_EVENTS: usize = 10_000;

/// The name of the stream holding one case: `"{category}-{uuid}"`, e.g. `application-6f1c…`.
pub fn stream_name(kind: CaseKind, case_id: CaseId) -> String {
    format!("{}-{}", kind.category(), case_id.0)
}

/// The inverse of [`stream_name`]; `None` when the name is not a case stream.
pub fn parse_stream_name(stream: &str) -> Option<(CaseKind, CaseId)> {
    let (category, id) = stream.split_once('-')?;
    let kind = CaseKind::from_category(category)?;
    let uuid = Uuid::parse_str(id).ok()?;
    Some((kind, CaseId(uuid)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_round_trip_for_every_kind() {
        let id = CaseId(Uuid::from_u128(0x1234));
        for kind in CaseKind::ALL {
            let name = stream_name(kind, id);
            assert!(name.starts_with(&format!("{}-", kind.category())));
            assert_eq!(parse_stream_name(&name), Some((kind, id)));
        }
        assert_eq!(
            parse_stream_name("unknown-00000000-0000-0000-0000-000000000000"),
            None
        );
        assert_eq!(parse_stream_name("application-not-a-uuid"), None);
    }

    #[test]
    fn agency_ids_are_paths_of_plain_parts() {
        for good in ["simao", "simao/finance", "a-b/c_d/E9"] {
            assert_eq!(AgencyId::parse(good).expect(good).as_str(), good);
        }
        let long = "a".repeat(MAX_AGENCY_LEN + 1);
        let deep = ["a"; MAX_AGENCY_DEPTH + 1].join("/");
        for bad in [
            "", "/simao", "simao/", "simao//x", "sim ao", "simao.x", "思茅", "a\0b", &long, &deep,
        ] {
            assert!(AgencyId::parse(bad).is_err(), "{bad:?} accepted");
        }
        let finance = AgencyId::parse("simao/finance").unwrap();
        let simao = AgencyId::parse("simao").unwrap();
        assert_eq!(finance.parent(), Some(simao.clone()));
        assert!(finance.is_within(&simao));
        assert!(!AgencyId::parse("simaox").unwrap().is_within(&simao));
        assert!(serde_json::from_str::<AgencyId>("\"/simao\"").is_err());
    }
}
