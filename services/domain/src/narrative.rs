//! The report officer's own paragraphs of the annual report's parts 一–六, kept as versioned events: one stream
//! per agency and year (`narrative-{agency}-{year}`), one `NarrativeWritten` event per version of a part. Each
//! write names the version of the part it replaces, so two editors cannot overwrite each other silently: the
//! second is refused naming the version it missed. The paragraphs are words beside the figures, never figures:
//! an event holds text only, and the report prints it after what it computes for the part.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::AgencyId;

/// The event type of a part's new version.
pub const WRITTEN_EVENT_TYPE: &str = "NarrativeWritten";
/// The category (stream name before the first '-') of every narrative stream.
pub const NARRATIVE_CATEGORY: &str = "narrative";
/// Longest paragraph text of one part, in characters (a published part runs to a page or two).
pub const MAX_NARRATIVE_CHARS: usize = 10_000;
/// Most events one agency-year's narrative stream may hold when it is read.
pub const MAX_NARRATIVE_EVENTS: usize = 10_000;

/// The stream holding the narrative of `agency`'s report for `year`.
pub fn narrative_stream(agency: &AgencyId, year: i32) -> String {
    format!("{NARRATIVE_CATEGORY}-{agency}-{year}")
}

/// Whether `stream` is a narrative stream (by its category).
pub fn is_narrative_stream(stream: &str) -> bool {
    stream
        .strip_prefix(NARRATIVE_CATEGORY)
        .is_some_and(|rest| rest.starts_with('-'))
}

/// A part of the six-part report (2019 and 2021 formats): 1 = 一 … 6 = 六.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Part(u8);

impl Part {
    /// The parts' Chinese numerals, in order.
    const NUMERALS: [&'static str; 6] = ["一", "二", "三", "四", "五", "六"];

    /// Part `number` (1–6).
    pub fn new(number: u32) -> Result<Part, NarrativeError> {
        u8::try_from(number)
            .ok()
            .filter(|n| (1..=6).contains(n))
            .map(Part)
            .ok_or(NarrativeError::BadPart(number))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// The part's numeral as the report heads it (一 … 六).
    pub fn numeral_zh(self) -> &'static str {
        Self::NUMERALS[usize::from(self.0 - 1)]
    }
}

impl TryFrom<u8> for Part {
    type Error = NarrativeError;
    fn try_from(number: u8) -> Result<Part, NarrativeError> {
        Part::new(u32::from(number))
    }
}

impl From<Part> for u8 {
    fn from(part: Part) -> u8 {
        part.0
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.numeral_zh())
    }
}

/// A new version of one part's paragraphs; its version is `replaces_version + 1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeWritten {
    pub agency: AgencyId,
    pub year: i32,
    pub part: Part,
    pub text: String,
    /// The version this one replaces: 0 for a part's first text.
    pub replaces_version: u64,
}

impl NarrativeWritten {
    /// A recorded event of `stream`: only a `NarrativeWritten` of that stream's own agency and year.
    pub fn decode_in(
        stream: &str,
        event_type: &str,
        data: &serde_json::Value,
    ) -> Result<NarrativeWritten, String> {
        if event_type != WRITTEN_EVENT_TYPE {
            return Err(format!(
                "a narrative stream holds only {WRITTEN_EVENT_TYPE}, not {event_type:?}"
            ));
        }
        let written: NarrativeWritten =
            serde_json::from_value(data.clone()).map_err(|e| e.to_string())?;
        if narrative_stream(&written.agency, written.year) != stream {
            return Err(format!(
                "the paragraph of {} for {} does not belong to {stream}",
                written.agency, written.year
            ));
        }
        Ok(written)
    }
}

/// Why a paragraph is refused; each names the field to correct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NarrativeError {
    #[error("part: {0} 不是报告的部分（1–6 对应一至六）")]
    BadPart(u32),
    #[error("text: 不得超过 {limit} 个字符，收到 {actual} 个")]
    TooLong { limit: usize, actual: usize },
    #[error("text: 含控制字符 U+{0:04X}（只允许换行分段）")]
    ControlCharacter(u32),
    #[error(
        "replaces_version: 第{part}部分已是第 {current} 版，你修改的是第 {replaces} 版（有人先改了第 {missed} 版）：请重新载入后再改"
    )]
    Conflict {
        part: Part,
        current: u64,
        replaces: u64,
        missed: u64,
    },
}

/// One part's paragraphs as last written, with their version (1 for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraphs {
    pub version: u64,
    pub text: String,
}

/// An agency-year's narrative: each written part's latest version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    parts: BTreeMap<Part, Paragraphs>,
}

impl Narrative {
    /// Folds the events of narrative stream `stream` (event type and JSON data, in revision order).
    pub fn from_stored<'a>(
        stream: &str,
        events: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>,
    ) -> Result<Narrative, String> {
        let mut narrative = Narrative::default();
        for (event_type, data) in events {
            narrative.apply(NarrativeWritten::decode_in(stream, event_type, data)?);
        }
        Ok(narrative)
    }

    /// Folds one new version.
    pub fn apply(&mut self, written: NarrativeWritten) {
        self.parts.insert(
            written.part,
            Paragraphs {
                version: written.replaces_version + 1,
                text: written.text,
            },
        );
    }

    /// The version of `part` in force, 0 when it was never written.
    pub fn version(&self, part: Part) -> u64 {
        self.parts.get(&part).map_or(0, |p| p.version)
    }

    /// The written parts in order.
    pub fn parts(&self) -> impl Iterator<Item = (Part, &Paragraphs)> {
        self.parts.iter().map(|(part, p)| (*part, p))
    }

    /// Decides a new version of `part` replacing `replaces_version`: refused when the text is too long or holds
    /// a control character other than a line break, and when the part has moved on since that version.
    pub fn decide(
        &self,
        agency: AgencyId,
        year: i32,
        part: Part,
        text: String,
        replaces_version: u64,
    ) -> Result<NarrativeWritten, NarrativeError> {
        let actual = text.chars().count();
        if actual > MAX_NARRATIVE_CHARS {
            return Err(NarrativeError::TooLong {
                limit: MAX_NARRATIVE_CHARS,
                actual,
            });
        }
        if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
            return Err(NarrativeError::ControlCharacter(u32::from(c)));
        }
        let current = self.version(part);
        if replaces_version != current {
            return Err(NarrativeError::Conflict {
                part,
                current,
                replaces: replaces_version,
                missed: replaces_version.saturating_add(1).min(current),
            });
        }
        Ok(NarrativeWritten {
            agency,
            year,
            part,
            text,
            replaces_version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simao() -> AgencyId {
        AgencyId::parse("simao").expect("agency")
    }

    fn five() -> Part {
        Part::new(5).expect("part")
    }

    #[test]
    fn versions_count_up_and_a_stale_edit_names_the_version_it_missed() {
        let mut narrative = Narrative::default();
        let first = narrative
            .decide(simao(), 2025, five(), "第一稿".into(), 0)
            .expect("first");
        narrative.apply(first);
        assert_eq!(narrative.version(five()), 1);
        let second = narrative
            .decide(simao(), 2025, five(), "第二稿".into(), 1)
            .expect("second");
        narrative.apply(second);
        let stale = narrative.decide(simao(), 2025, five(), "另一人的稿".into(), 1);
        assert_eq!(
            stale,
            Err(NarrativeError::Conflict {
                part: five(),
                current: 2,
                replaces: 1,
                missed: 2
            })
        );
        assert!(
            stale
                .unwrap_err()
                .to_string()
                .starts_with("replaces_version")
        );
        // Another part is its own sequence.
        assert_eq!(narrative.version(Part::new(1).expect("part")), 0);
    }

    #[test]
    fn text_is_bounded_and_only_line_breaks_are_allowed() {
        let narrative = Narrative::default();
        let long = "字".repeat(MAX_NARRATIVE_CHARS + 1);
        let refused = narrative
            .decide(simao(), 2025, five(), long, 0)
            .unwrap_err();
        assert!(matches!(refused, NarrativeError::TooLong { .. }));
        assert!(refused.to_string().starts_with("text"));
        let refused = narrative
            .decide(simao(), 2025, five(), "一\u{7}二".into(), 0)
            .unwrap_err();
        assert_eq!(refused, NarrativeError::ControlCharacter(7));
        assert!(
            narrative
                .decide(simao(), 2025, five(), "第一段\n第二段".into(), 0)
                .is_ok()
        );
        assert_eq!(Part::new(7), Err(NarrativeError::BadPart(7)));
        assert_eq!(Part::new(0), Err(NarrativeError::BadPart(0)));
    }

    #[test]
    fn the_event_is_plain_json_and_folds_back() {
        let written = Narrative::default()
            .decide(simao(), 2025, five(), "改进措施".into(), 0)
            .expect("decide");
        let json = serde_json::to_value(&written).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"agency": "simao", "year": 2025, "part": 5, "text": "改进措施", "replaces_version": 0})
        );
        let stream = narrative_stream(&simao(), 2025);
        assert_eq!(stream, "narrative-simao-2025");
        assert!(is_narrative_stream(&stream) && !is_narrative_stream("narratives-x"));
        let folded = Narrative::from_stored(&stream, [(WRITTEN_EVENT_TYPE, &json)]).expect("fold");
        assert_eq!(folded.version(five()), 1);
        assert!(Narrative::from_stored(&stream, [("Other", &json)]).is_err());
        let elsewhere = narrative_stream(&simao(), 2024);
        assert!(Narrative::from_stored(&elsewhere, [(WRITTEN_EVENT_TYPE, &json)]).is_err());
        let bad_part = serde_json::json!({"agency": "simao", "year": 2025, "part": 9, "text": "", "replaces_version": 0});
        assert!(Narrative::from_stored(&stream, [(WRITTEN_EVENT_TYPE, &bad_part)]).is_err());
    }
}
