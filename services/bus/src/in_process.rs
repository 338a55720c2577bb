//! The bus inside one process (`casetrack serve`): a bounded broadcast channel, no server needed.

use std::sync::Arc;

use casetrack_eventlog::RecordedEvent;
use tokio::sync::broadcast;

use crate::delivery::Delivery;
use crate::error::BusError;
use crate::subject::{matches, subject_for, validate_subscription};

/// Events the in-process bus holds for its slowest subscriber. A subscriber further behind is told how many it
/// missed (`BusError::Lagged`) instead of stalling the publisher (the relay) and with it every other subscriber.
pub const IN_PROCESS_BUFFER: usize = 4096;

/// Cloneable handle; every clone publishes into the same channel.
#[derive(Clone)]
pub struct InProcessBus {
    // Events are shared, not copied, between subscribers; the subject is computed once at publish.
    sender: broadcast::Sender<Arc<(String, RecordedEvent)>>,
}

impl Default for InProcessBus {
    fn default() -> Self {
        InProcessBus::new()
    }
}

impl InProcessBus {
    pub fn new() -> InProcessBus {
        InProcessBus::with_capacity(IN_PROCESS_BUFFER)
    }

    /// A bus with a smaller buffer, for tests of the lag path.
    pub fn with_capacity(capacity: usize) -> InProcessBus {
        assert!(
            (1..=IN_PROCESS_BUFFER).contains(&capacity),
            "in-process bus capacity {capacity} outside 1..={IN_PROCESS_BUFFER}"
        );
        let (sender, _) = broadcast::channel(capacity);
        InProcessBus { sender }
    }

    /// Hand the event to every current subscriber. Never blocks; with no subscriber the event is dropped (the
    /// log keeps it: the bus only notifies).
    pub fn publish(&self, event: &RecordedEvent) {
        // An Err only means "no subscriber right now", which is not a failure for a notification bus.
        let _ = self
            .sender
            .send(Arc::new((subject_for(event), event.clone())));
    }

    /// Receive, in publish order, every event published from now on whose subject matches `filter`. `durable`
    /// is checked like NATS would, but nothing is durable in process.
    pub fn subscribe(
        &self,
        filter: &str,
        durable: &str,
    ) -> Result<InProcessSubscription, BusError> {
        validate_subscription(filter, durable)?;
        Ok(InProcessSubscription {
            filter: filter.to_owned(),
            receiver: self.sender.subscribe(),
        })
    }
}

/// One subscriber's view of the in-process bus.
pub struct InProcessSubscription {
    filter: String,
    receiver: broadcast::Receiver<Arc<(String, RecordedEvent)>>,
}

impl InProcessSubscription {
    /// The next matching event. `Err(Lagged)` reports dropped events once; the next call continues with the
    /// oldest event still buffered. Cancel-safe.
    pub async fn next(&mut self) -> Result<Delivery, BusError> {
        loop {
            match self.receiver.recv().await {
                Ok(message) => {
                    let (subject, event) = message.as_ref();
                    if matches(&self.filter, subject) {
                        return Ok(Delivery::in_process(event.clone()));
                    }
                }
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    return Err(BusError::Lagged { missed });
                }
                Err(broadcast::error::RecvError::Closed) => return Err(BusError::Closed),
            }
        }
    }
}
