//! The one place that names NATS subjects for events and matches subject filters.
//!
//! Layout: `casetrack.{agency}.{event_type}`. Consumers filter on it, e.g. `casetrack.*.ApplicationReceived`
//! (every agency) or `casetrack.city-hall.>` (everything of one agency).

use casetrack_eventlog::RecordedEvent;

use crate::error::BusError;

/// First token of every event subject; the JetStream stream captures `casetrack.>`.
pub const SUBJECT_PREFIX: &str = "casetrack";

/// Filter matching every event subject.
pub const ALL_EVENTS: &str = "casetrack.>";

/// Agency token for events whose metadata names no agency.
pub const NO_AGENCY: &str = "_";

/// The subject an event is published on.
pub fn subject_for(event: &RecordedEvent) -> String {
    let agency = event.metadata.agency.as_deref().unwrap_or(NO_AGENCY);
    format!(
        "{SUBJECT_PREFIX}.{}.{}",
        sanitize_token(agency),
        sanitize_token(&event.event_type)
    )
}

/// Make `raw` one valid NATS subject token: NATS splits on '.', treats '*' and '>' as wildcards and forbids
/// whitespace, so each of those becomes '_'. An empty value becomes [`NO_AGENCY`] so the token is never empty.
pub fn sanitize_token(raw: &str) -> String {
    if raw.is_empty() {
        return NO_AGENCY.to_owned();
    }
    raw.chars()
        .map(|c| {
            if c == '.' || c == '*' || c == '>' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Whether `subject` matches `filter` with NATS semantics: `*` matches exactly one token, a final `>` matches
/// one or more tokens. The in-process bus uses it so both buses deliver the same events for the same filter.
pub fn matches(filter: &str, subject: &str) -> bool {
    let mut filter_tokens = filter.split('.');
    let mut subject_tokens = subject.split('.');
    loop {
        match (filter_tokens.next(), subject_tokens.next()) {
            (Some(">"), Some(_)) => return true,
            (Some("*"), Some(_)) => {}
            (Some(f), Some(s)) if f == s => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// Check a subscription's filter and durable consumer name, the same on both buses so code that runs embedded
/// also runs against NATS.
pub(crate) fn validate_subscription(filter: &str, durable: &str) -> Result<(), BusError> {
    if !is_valid_filter(filter) {
        return Err(BusError::InvalidFilter {
            filter: filter.to_owned(),
        });
    }
    // NATS forbids these in consumer names (they would split or wildcard its API subjects).
    let forbidden = |c: char| c == '.' || c == '*' || c == '>' || c.is_whitespace();
    if durable.is_empty() || durable.chars().any(forbidden) {
        return Err(BusError::InvalidDurableName {
            durable: durable.to_owned(),
        });
    }
    Ok(())
}

/// Whether `filter` is a well-formed subject filter: non-empty tokens, no whitespace, wildcards only as whole
/// tokens and `>` only last.
fn is_valid_filter(filter: &str) -> bool {
    let tokens: Vec<&str> = filter.split('.').collect();
    tokens.iter().enumerate().all(|(index, token)| {
        let well_formed = !token.is_empty() && !token.chars().any(char::is_whitespace);
        let wildcards_whole = match *token {
            "*" => true,
            ">" => index + 1 == tokens.len(),
            _ => !token.contains('*') && !token.contains('>'),
        };
        well_formed && wildcards_whole
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_replaces_every_forbidden_character() {
        let table = [
            ("city-hall", "city-hall"),
            ("a.b", "a_b"),
            ("a*b>c", "a_b_c"),
            ("a b\tc\n", "a_b_c_"),
            ("", "_"),
            ("市政府", "市政府"),
        ];
        for (raw, want) in table {
            assert_eq!(sanitize_token(raw), want, "sanitize_token({raw:?})");
        }
    }

    #[test]
    fn filters_match_like_nats() {
        let table = [
            ("casetrack.>", "casetrack.a.ApplicationReceived", true),
            ("casetrack.>", "casetrack", false),
            (
                "casetrack.*.ApplicationReceived",
                "casetrack.a.ApplicationReceived",
                true,
            ),
            (
                "casetrack.*.ApplicationReceived",
                "casetrack.a.ReplyIssued",
                false,
            ),
            ("casetrack.*", "casetrack.a.ApplicationReceived", false),
            ("casetrack.a.>", "casetrack.b.X", false),
            ("casetrack.a.X", "casetrack.a.X", true),
            ("casetrack.a.X", "casetrack.a.X.Y", false),
        ];
        for (filter, subject, want) in table {
            assert_eq!(
                matches(filter, subject),
                want,
                "matches({filter:?}, {subject:?})"
            );
        }
    }

    #[test]
    fn filter_validation() {
        for good in ["casetrack.>", "casetrack.*.X", "casetrack.a.b"] {
            assert!(is_valid_filter(good), "{good:?} should be valid");
        }
        for bad in [
            "",
            "casetrack..x",
            "casetrack.>.x",
            "casetrack.a*",
            "casetrack. a",
            "casetrack.>x",
        ] {
            assert!(!is_valid_filter(bad), "{bad:?} should be invalid");
        }
    }
}
