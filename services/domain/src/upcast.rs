//! Schema versions of event types and the upcasters that bring old versions to the current one.
//!
//! Events are immutable in the log, so a change to an event's fields is a new schema version of that type
//! plus one upcaster step from the previous version. Types not listed in [`SCHEMAS`] are at version 1.

use serde_json::{Map, Value};

use crate::codec::DecodeError;

/// Current schema version of each event type that has moved past version 1.
pub const SCHEMAS: [(&str, u32); 1] = [
    // v2 added `delivery_form` (the form of delivery the applicant asked for).
    ("ApplicationReceived", 2),
];

/// The schema version `encode` writes for `event_type`.
pub fn current_schema(event_type: &str) -> u32 {
    SCHEMAS
        .iter()
        .find(|(name, _)| *name == event_type)
        .map_or(1, |(_, version)| *version)
}

/// Upgrade `fields` of `event_type` from schema `from` to the current version, one step at a time.
pub fn upcast(
    event_type: &str,
    from: u64,
    fields: &mut Map<String, Value>,
) -> Result<(), DecodeError> {
    let current = current_schema(event_type);
    if from == 0 || from > u64::from(current) {
        return Err(DecodeError::UnsupportedSchema {
            event_type: event_type.to_owned(),
            found: from,
            current,
        });
    }
    for version in from..u64::from(current) {
        match (event_type, version) {
            ("ApplicationReceived", 1) => {
                fields
                    .entry("delivery_form")
                    .or_insert_with(|| Value::String("unspecified".to_owned()));
            }
            // current_schema and this match are kept together: a version bump without its step is a bug.
            _ => unreachable!("no upcaster for {event_type} v{version}"),
        }
    }
    Ok(())
}
