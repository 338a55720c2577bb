//! Helpers shared by the bus tests: a fresh log filled with events across agencies and types.

use casetrack_eventlog::{EventLog, ExpectedRevision, Metadata, NewEvent, RecordedEvent};
use uuid::Uuid;

/// Event types cycled through, so filters have something to select.
pub const EVENT_TYPES: [&str; 3] = ["ApplicationReceived", "SupplementRequested", "ReplyIssued"];

/// Agencies cycled through; `None` publishes under the "_" token, "city.hall" needs sanitising.
pub const AGENCIES: [Option<&str>; 3] = [Some("city-hall"), Some("city.hall"), None];

/// Append `count` events one at a time (so each is its own commit) and return them as recorded.
pub async fn append_events(log: &EventLog, count: usize) -> Vec<RecordedEvent> {
    let first = log.next_position();
    for i in 0..count {
        let event = NewEvent {
            event_id: Uuid::new_v4(),
            event_type: EVENT_TYPES[i % EVENT_TYPES.len()].to_owned(),
            data: serde_json::json!({ "n": i }),
            metadata: Metadata {
                agency: AGENCIES[i % AGENCIES.len()].map(str::to_owned),
                ..Metadata::default()
            },
        };
        log.append(
            &format!("application-{}", i % 5),
            ExpectedRevision::Any,
            vec![event],
        )
        .await
        .expect("append");
    }
    let events = log.read_all(first, count).expect("read back");
    assert_eq!(events.len(), count);
    events
}
