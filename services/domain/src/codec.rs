//! The wire form of events in the log: a type name plus a JSON object.
//!
//! Layout: `event_type` is the case kind's prefix followed by the variant, e.g. `ApplicationReceived`,
//! `HotlineDispatched`, `RecordDisclosurePublished`. `data` is a JSON object holding the variant's fields
//! plus three envelope fields: `case_id` (UUID string), `occurred_at` (RFC 3339, UTC) and `schema` (the
//! integer schema version of that event type; see upcast.rs). Decoding upgrades old schema versions first,
//! so callers only ever see current events.

use serde_json::{Map, Value};

use crate::event::{Event, EventBody};
use crate::ids::CaseKind;
use crate::upcast::{current_schema, upcast};

/// Envelope field names inside `data`.
pub const FIELD_CASE_ID: &str = "case_id";
pub const FIELD_OCCURRED_AT: &str = "occurred_at";
pub const FIELD_SCHEMA: &str = "schema";

/// An event ready for the log.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedEvent {
    pub event_type: String,
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0:?}")]
    UnknownEventType(String),
    #[error("{event_type}: data is not a JSON object")]
    NotAnObject { event_type: String },
    #[error("{event_type}: missing or malformed field {field:?}")]
    MissingField {
        event_type: String,
        field: &'static str,
    },
    #[error("{event_type}: schema {found} is not supported (current is {current})")]
    UnsupportedSchema {
        event_type: String,
        found: u64,
        current: u32,
    },
    #[error("{event_type}: invalid data: {message}")]
    Invalid { event_type: String, message: String },
}

/// Encode an event for the log.
pub fn encode(event: &Event) -> EncodedEvent {
    // Bodies are enums of struct variants with string-keyed fields only, so serde_json cannot fail and the
    // externally tagged form is always {"Kind": {"Variant": {fields}}}; the codec round-trip tests cover
    // every variant.
    let value = serde_json::to_value(&event.body).expect("event bodies always serialise to JSON");
    let (kind, inner) = single_entry(value).expect("body is externally tagged by kind");
    let (variant, fields) = single_entry(inner).expect("kind body is externally tagged by variant");
    let mut data = match fields {
        Value::Object(map) => map,
        other => panic!("event variant {variant} is not a struct variant: {other}"),
    };
    let event_type = format!("{kind}{variant}");
    let schema = current_schema(&event_type);
    data.insert(
        FIELD_CASE_ID.to_owned(),
        Value::String(event.case_id.0.to_string()),
    );
    data.insert(
        FIELD_OCCURRED_AT.to_owned(),
        Value::String(event.occurred_at.to_rfc3339()),
    );
    data.insert(FIELD_SCHEMA.to_owned(), Value::from(schema));
    EncodedEvent {
        event_type,
        data: Value::Object(data),
    }
}

/// Decode an event from the log, upgrading older schema versions.
pub fn decode(event_type: &str, data: &Value) -> Result<Event, DecodeError> {
    let kind = CaseKind::ALL
        .into_iter()
        .find(|k| {
            event_type
                .strip_prefix(k.event_type_prefix())
                .is_some_and(|rest| !rest.is_empty())
        })
        .ok_or_else(|| DecodeError::UnknownEventType(event_type.to_owned()))?;
    let variant = &event_type[kind.event_type_prefix().len()..];
    let mut fields = match data {
        Value::Object(map) => map.clone(),
        _ => {
            return Err(DecodeError::NotAnObject {
                event_type: event_type.to_owned(),
            });
        }
    };
    let missing = |field| DecodeError::MissingField {
        event_type: event_type.to_owned(),
        field,
    };
    let schema = fields
        .remove(FIELD_SCHEMA)
        .and_then(|v| v.as_u64())
        .ok_or_else(|| missing(FIELD_SCHEMA))?;
    let case_id = fields
        .remove(FIELD_CASE_ID)
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| missing(FIELD_CASE_ID))?;
    let occurred_at = fields
        .remove(FIELD_OCCURRED_AT)
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| missing(FIELD_OCCURRED_AT))?;
    upcast(event_type, schema, &mut fields)?;
    let tagged = Value::Object(Map::from_iter([(
        kind.event_type_prefix().to_owned(),
        Value::Object(Map::from_iter([(
            variant.to_owned(),
            Value::Object(fields),
        )])),
    )]));
    let body: EventBody = serde_json::from_value(tagged).map_err(|e| DecodeError::Invalid {
        event_type: event_type.to_owned(),
        message: e.to_string(),
    })?;
    Ok(Event {
        case_id,
        occurred_at,
        body,
    })
}

fn single_entry(value: Value) -> Option<(String, Value)> {
    match value {
        Value::Object(map) if map.len() == 1 => map.into_iter().next(),
        _ => None,
    }
}
