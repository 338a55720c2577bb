//! The one place that names NATS subjects for events and checks subject filters.
//!
//! Layout: `casetrack.{agency}.{event_type}`. Consumers filter on it, e.g. `casetrack.*.ApplicationReceived`
//! (every agency) or `casetrack.city-hall.>` (everything of one agency). Every committed event must be
//! publishable, so a token is always valid and bounded, whatever the event's agency or type holds.

use casetrack_eventlog::RecordedEvent;
use uuid::Uuid;

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

/// Longest subject token, in bytes. NATS refuses a publish whose protocol line exceeds its control-line limit
/// (4 KiB by default), and a 5,000-character agency would; with three tokens of at most this size a subject
/// stays far below it.
pub const MAX_TOKEN_BYTES: usize = 128;

/// Make `raw` one valid NATS subject token: NATS splits on '.', treats '*' and '>' as wildcards and forbids
/// whitespace and control characters, so each of those becomes '_'. An empty value becomes [`NO_AGENCY`] so
/// the token is never empty. A token longer than [`MAX_TOKEN_BYTES`] keeps its beginning and ends in `~` and a
/// digest of the whole value, so two long values that share a beginning stay on different subjects.
pub fn sanitize_token(raw: &str) -> String {
    if raw.is_empty() {
        return NO_AGENCY.to_owned();
    }
    let token: String = raw
        .chars()
        .map(|c| {
            if c == '.' || c == '*' || c == '>' || c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if token.len() <= MAX_TOKEN_BYTES {
        return token;
    }
    let digest = Uuid::new_v5(&Uuid::NAMESPACE_OID, raw.as_bytes()).simple();
    let room = MAX_TOKEN_BYTES - 1 - Uuid::nil().simple().to_string().len();
    let keep = (0..=room)
        .rev()
        .find(|&end| token.is_char_boundary(end))
        .unwrap_or(0);
    format!("{}~{digest}", &token[..keep])
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
            ("a\u{0}b", "a_b"),
        ];
        for (raw, want) in table {
            assert_eq!(sanitize_token(raw), want, "sanitize_token({raw:?})");
        }
    }

    #[test]
    fn long_tokens_are_bounded_and_stay_distinct() {
        let long = "市".repeat(5_000);
        let longer = format!("{long}x");
        let (a, b) = (sanitize_token(&long), sanitize_token(&longer));
        assert!(
            a.len() <= MAX_TOKEN_BYTES && b.len() <= MAX_TOKEN_BYTES,
            "{a} / {b}"
        );
        assert_ne!(a, b, "values sharing a beginning get different tokens");
        assert!(
            a.starts_with("市市市"),
            "the beginning is kept readable: {a}"
        );
        let exact = "a".repeat(MAX_TOKEN_BYTES);
        assert_eq!(
            sanitize_token(&exact),
            exact,
            "a token at the bound is kept whole"
        );
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
