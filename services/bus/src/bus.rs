//! The one bus a service holds: in-process for `casetrack serve`, NATS JetStream for separate processes.
//!
//! An enum rather than a trait: callers hold a plain `Bus`, no generics or boxing, and the two variants are
//! all there will be.

use casetrack_eventlog::RecordedEvent;

use crate::delivery::Delivery;
use crate::error::BusError;
use crate::in_process::{InProcessBus, InProcessSubscription};
use crate::nats::{NatsBus, NatsSubscription};

/// Where committed events are published and from where services receive them.
#[derive(Clone)]
pub enum Bus {
    InProcess(InProcessBus),
    Nats(NatsBus),
}

impl Bus {
    /// A fresh in-process bus with the default buffer.
    pub fn in_process() -> Bus {
        Bus::InProcess(InProcessBus::new())
    }

    /// Connect to NATS at `url` and ensure the casetrack stream exists.
    pub async fn nats(url: &str) -> Result<Bus, BusError> {
        Ok(Bus::Nats(NatsBus::connect(url).await?))
    }

    /// Publish one committed event. For NATS, returns once JetStream has stored it (or dropped it as a repeat).
    pub async fn publish(&self, event: &RecordedEvent) -> Result<(), BusError> {
        match self {
            Bus::InProcess(bus) => {
                bus.publish(event);
                Ok(())
            }
            Bus::Nats(bus) => bus.publish(event).await,
        }
    }

    /// Receive the events whose subject matches `filter` (e.g. `casetrack.*.ApplicationReceived`), in order.
    /// `durable` names the consumer: on NATS it remembers what was acked across restarts; in process there is
    /// no durability and a subscriber sees only what is published after it subscribed.
    pub async fn subscribe(&self, filter: &str, durable: &str) -> Result<Subscription, BusError> {
        match self {
            Bus::InProcess(bus) => Ok(Subscription::InProcess(bus.subscribe(filter, durable)?)),
            Bus::Nats(bus) => Ok(Subscription::Nats(bus.subscribe(filter, durable).await?)),
        }
    }
}

/// A subscriber's stream of deliveries, from whichever bus.
pub enum Subscription {
    InProcess(InProcessSubscription),
    Nats(NatsSubscription),
}

impl Subscription {
    /// The next matching event, in order. Errors: `Lagged` (in process: events were dropped for this
    /// subscriber, it continues with the oldest still buffered), `Closed`, `Payload`, `Nats`.
    pub async fn next(&mut self) -> Result<Delivery, BusError> {
        match self {
            Subscription::InProcess(subscription) => subscription.next().await,
            Subscription::Nats(subscription) => subscription.next().await,
        }
    }
}
