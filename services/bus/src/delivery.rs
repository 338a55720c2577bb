//! One delivered event and how to acknowledge it, whichever bus it came from.

use async_nats::jetstream;
use casetrack_eventlog::RecordedEvent;

use crate::error::BusError;

/// One delivered event. Call [`Delivery::ack`] once it is handled: on NATS an unacked event is redelivered
/// after `ACK_WAIT`, so handlers must be idempotent by event id anyway.
pub struct Delivery {
    pub event: RecordedEvent,
    // The NATS message to ack; None in process, where nothing is ever redelivered.
    nats_message: Option<jetstream::Message>,
}

impl Delivery {
    pub(crate) fn in_process(event: RecordedEvent) -> Delivery {
        Delivery {
            event,
            nats_message: None,
        }
    }

    pub(crate) fn nats(event: RecordedEvent, message: jetstream::Message) -> Delivery {
        Delivery {
            event,
            nats_message: Some(message),
        }
    }

    /// Acknowledge the event. On NATS, waits for the server to confirm, so a confirmed event is never
    /// redelivered to this durable consumer. In process, a no-op.
    pub async fn ack(&self) -> Result<(), BusError> {
        match &self.nats_message {
            None => Ok(()),
            Some(message) => message
                .double_ack()
                .await
                .map_err(|e| BusError::nats("ack", e)),
        }
    }
}
