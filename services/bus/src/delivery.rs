//! One event delivered by a durable NATS consumer, and how to acknowledge it.

use async_nats::jetstream;
use casetrack_eventlog::RecordedEvent;

use crate::error::BusError;

/// One delivered event. Call [`Delivery::ack`] once it is handled: an unacked event is redelivered after
/// `ACK_WAIT`, so handlers must be idempotent by event id anyway.
pub struct Delivery {
    pub event: RecordedEvent,
    message: jetstream::Message,
}

impl Delivery {
    pub(crate) fn nats(event: RecordedEvent, message: jetstream::Message) -> Delivery {
        Delivery { event, message }
    }

    /// Acknowledge the event and wait for the server to confirm, so a confirmed event is never redelivered
    /// to this durable consumer.
    pub async fn ack(&self) -> Result<(), BusError> {
        self.message
            .double_ack()
            .await
            .map_err(|e| BusError::nats("ack", e))
    }
}
