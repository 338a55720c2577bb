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

/// An agency (机关): a department, a township, a government office. Agencies form a tree elsewhere; here the
/// id is opaque data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgencyId(pub String);

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

    pub fn from_category(category: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.category() == category)
    }
}

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
}
