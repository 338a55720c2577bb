//! casetrack's event bus: how committed events travel from the log to the services that react to them.
//!
//! A [`Bus`] is either in process (one binary, `casetrack serve`) or NATS JetStream (separate processes).
//! The [`Relay`] reads the committed log in order from its durable checkpoint and publishes each event on
//! `casetrack.{agency}.{event_type}` (see [`subject`]) with the event id as message id; services call
//! `bus.subscribe(filter, durable)` and ack what they have handled.
//!
//! Architecture invariant: the bus never carries an event that is not committed in the log, and never
//! writes to the log; the only publisher of events is the relay, which reads the committed log.

mod bus;
mod checkpoint;
mod delivery;
mod error;
mod in_process;
mod nats;
mod relay;
pub mod subject;

pub use bus::{Bus, Subscription};
pub use checkpoint::{CHECKPOINT_FILE, Checkpoint};
pub use delivery::Delivery;
pub use error::BusError;
pub use in_process::{IN_PROCESS_BUFFER, InProcessBus, InProcessSubscription};
pub use nats::{
    ACK_WAIT, DUPLICATE_WINDOW, MAX_ACK_PENDING, NATS_REQUEST_TIMEOUT, NatsBus, NatsReplay,
    NatsSubscription, PULL_BATCH, STREAM_MAX_AGE, STREAM_MAX_BYTES, STREAM_NAME,
};
pub use relay::{RELAY_BATCH_MAX, RELAY_IDLE_FLUSH, Relay};
