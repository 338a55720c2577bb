//! Idempotency conflicts. A request repeated with the same key (`external_id` for a submission, `command_id`
//! for a command) is a retry and gets the first answer — but only if it is the same request. One that differs
//! is refused with ALREADY_EXISTS naming the fields that differ, so a caller that reused a key for new content
//! learns it instead of silently getting the old case or nothing.

use std::collections::BTreeSet;

use casetrack_domain::codec::{FIELD_CASE_ID, FIELD_OCCURRED_AT, FIELD_SCHEMA};
use casetrack_domain::{Event, encode};
use serde_json::{Map, Value};

/// Envelope fields that are not the request's content: the recording time differs on every retry whose
/// `occurred_at` is the server's clock, and the case id and schema follow from the key and the code.
const ENVELOPE: [&str; 3] = [FIELD_CASE_ID, FIELD_OCCURRED_AT, FIELD_SCHEMA];

/// Domain event fields whose request field has another name; every other field has the request's name.
const REQUEST_NAMES: [(&str, &str); 4] = [
    ("amount", "amount_fen"),
    ("application", "application_case_id"),
    ("prior_reconsideration", "prior_reconsideration_case_id"),
    ("primary", "primary_case_id"),
];

/// The request fields in which the events a key's first request recorded (`recorded`) differ from the events
/// its repetition means (`repeated`); empty when the two are the same request.
pub fn differing_fields(recorded: &[Event], repeated: &[Event]) -> Vec<String> {
    let mut differing = BTreeSet::new();
    for index in 0..recorded.len().max(repeated.len()) {
        let (first, again) = (
            recorded.get(index).map(content),
            repeated.get(index).map(content),
        );
        match (first, again) {
            (Some((first_type, first)), Some((again_type, again))) if first_type == again_type => {
                let keys = first.keys().chain(again.keys());
                differing.extend(
                    keys.filter(|key| first.get(*key) != again.get(*key))
                        .cloned(),
                );
            }
            (first, again) => {
                for (_, fields) in first.into_iter().chain(again) {
                    differing.extend(fields.keys().cloned());
                }
            }
        }
    }
    differing.into_iter().map(request_name).collect()
}

/// An event's type and its fields without the envelope.
fn content(event: &Event) -> (String, Map<String, Value>) {
    let encoded = encode(event);
    let mut fields = match encoded.data {
        Value::Object(fields) => fields,
        // `encode` always writes an object (codec.rs); anything else has no fields to compare.
        _ => Map::new(),
    };
    for field in ENVELOPE {
        fields.remove(field);
    }
    (encoded.event_type, fields)
}

fn request_name(field: String) -> String {
    REQUEST_NAMES
        .iter()
        .find(|(domain, _)| *domain == field)
        .map_or(field, |(_, request)| (*request).to_owned())
}

#[cfg(test)]
mod tests {
    use casetrack_domain::fees::Fen;
    use casetrack_domain::records::RecordEvent;
    use casetrack_domain::{AgencyId, CaseId, EventBody};
    use chrono::{DateTime, NaiveDate, Utc};

    use super::*;

    fn fees(amount: u64, at: &str) -> Event {
        let body = RecordEvent::FeesCollected {
            agency: AgencyId::parse("simao").expect("agency"),
            amount: Fen(amount),
            collected_on: NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"),
        };
        let at: DateTime<Utc> = at.parse().expect("instant");
        Event::new(
            CaseId(uuid::Uuid::from_u128(1)),
            at,
            EventBody::Record(body),
        )
    }

    #[test]
    fn only_content_counts_and_fields_have_their_request_names() {
        let first = [fees(100, "2024-03-01T01:00:00Z")];
        assert!(differing_fields(&first, &[fees(100, "2024-03-02T01:00:00Z")]).is_empty());
        assert_eq!(
            differing_fields(&first, &[fees(200, "2024-03-01T01:00:00Z")]),
            ["amount_fen"]
        );
        assert_eq!(
            differing_fields(&first, &[]),
            ["agency", "amount_fen", "collected_on"]
        );
    }
}
