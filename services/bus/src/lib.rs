//! How committed events reach what reacts to them: the one checkpointed [`Subscriber`] primitive, and NATS
//! JetStream between processes.
//!
//! Every reaction is a named [`Consumer`] with its own durable checkpoint, run by a [`Subscriber`] from an
//! [`EventSource`] (the log, embedded or over gRPC): every event at least once, in log order, in bounded
//! batches. The [`Relay`] is one: it publishes each committed event on `casetrack.{agency}.{event_type}` (see
//! [`subject`]) with the event id as message id, for the processes and tools that read the JetStream stream.
//!
//! Architecture invariant: the bus never carries an event that is not committed in the log, and never
//! writes to the log; the only publisher of events is the relay, which reads the committed log.

mod checkpoint;
mod delivery;
mod error;
mod failure;
mod feed;
mod nats;
mod relay;
pub mod subject;
mod subscriber;

pub use checkpoint::{CHECKPOINT_SUFFIX, Checkpoint};
pub use delivery::Delivery;
pub use error::BusError;
pub use failure::{BoxError, Failure, log_is_transient};
pub use feed::{FEED_BATCH, LogFeed, NatsFeedSource};
pub use nats::{
    ACK_WAIT, DUPLICATE_WINDOW, MAX_ACK_PENDING, NATS_REQUEST_TIMEOUT, NatsBus, NatsLive,
    NatsReplay, NatsSubscription, PULL_BATCH, STREAM_MAX_AGE, STREAM_MAX_BYTES, STREAM_NAME,
};
pub use relay::{RELAY_NAME, Relay};
pub use subscriber::{
    Consumer, EventSource, LogSource, Progress, SUBSCRIBER_BATCH_MAX, Subscriber,
};
