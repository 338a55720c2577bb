//! Helpers shared by this crate's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use casetrack_eventlog::{Metadata, NewEvent};
use uuid::Uuid;

pub fn event(event_type: &str, data: serde_json::Value) -> NewEvent {
    NewEvent {
        event_id: Uuid::new_v4(),
        event_type: event_type.to_string(),
        data,
        metadata: Metadata {
            actor: Some("tester".to_string()),
            source_system: Some("12345".to_string()),
            correlation_id: Some(Uuid::new_v4()),
            causation_id: None,
            agency: Some("agency-1".to_string()),
        },
    }
}

pub fn events(count: usize, event_type: &str) -> Vec<NewEvent> {
    (0..count)
        .map(|i| event(event_type, serde_json::json!({ "i": i })))
        .collect()
}
