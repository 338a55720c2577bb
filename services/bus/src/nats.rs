//! The bus across processes: NATS JetStream, one stream capturing `casetrack.>`, durable pull consumers.
//!
//! Exactly-once in effect: the relay publishes each event with `Nats-Msg-Id` = event id and awaits the
//! stream's ack, so a repeat after a relay crash (within [`DUPLICATE_WINDOW`]) is dropped by JetStream.
//! Consumers ack explicitly after handling; an unacked event is redelivered.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use bytes::Bytes;
use casetrack_eventlog::RecordedEvent;
use futures::{FutureExt, StreamExt};

use crate::delivery::Delivery;
use crate::error::BusError;
use crate::subject::{ALL_EVENTS, subject_for, validate_subscription};

/// The JetStream stream holding every casetrack event.
pub const STREAM_NAME: &str = "CASETRACK";

/// How long JetStream remembers message ids to drop repeats. The relay persists its checkpoint far more often
/// (after each batch), so a relay restart never republishes anything older than this.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Stream size limit. Discard policy is New: when full, publishing fails and the relay stops with the error,
/// rather than old events vanishing silently under a consumer that has not read them yet.
pub const STREAM_MAX_BYTES: i64 = 1 << 30;

/// Events older than this leave the stream (the log keeps them; a consumer gone this long rebuilds from it).
pub const STREAM_MAX_AGE: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// Events a durable consumer may hold unacknowledged; the server stops delivering beyond it.
pub const MAX_ACK_PENDING: i64 = 256;

/// Events fetched per pull request.
pub const PULL_BATCH: usize = 64;

/// How long the server waits for an ack before redelivering.
pub const ACK_WAIT: Duration = Duration::from_secs(30);

/// Bound on connecting and on every request/ack round trip (stream set-up, publish ack).
pub const NATS_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Cloneable handle on a NATS connection with the casetrack stream ensured.
#[derive(Clone)]
pub struct NatsBus {
    // Boxed: the context is large, and `Bus` should stay small for the in-process case.
    jetstream: Box<jetstream::Context>,
}

impl NatsBus {
    /// Connect and create (or bring up to date) the [`STREAM_NAME`] stream. Idempotent: every process may call it.
    pub async fn connect(url: &str) -> Result<NatsBus, BusError> {
        let bus = NatsBus::connect_only(url).await?;
        bus.jetstream
            .create_or_update_stream(stream_config())
            .await
            .map_err(|e| BusError::nats("create stream", e))?;
        Ok(bus)
    }

    /// Connect without creating or changing any stream: for reading a stream that must already exist
    /// ([`NatsBus::replay`]), possibly under another name whose subjects would overlap [`STREAM_NAME`]'s.
    pub async fn connect_only(url: &str) -> Result<NatsBus, BusError> {
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(NATS_REQUEST_TIMEOUT)
            .request_timeout(Some(NATS_REQUEST_TIMEOUT))
            .connect(url)
            .await
            .map_err(|e| BusError::nats("connect", e))?;
        Ok(NatsBus {
            jetstream: Box::new(jetstream::new(client)),
        })
    }

    /// Every event stored in the JetStream stream `stream_name` when this is called, in stream order (which is
    /// log order: the relay publishes in log order and JetStream drops its repeats), through an ordered
    /// consumer that acknowledges nothing and leaves no durable state behind. For re-feeding a restored log.
    pub async fn replay(&self, stream_name: &str) -> Result<NatsReplay, BusError> {
        let (stream, state) = self.stream_state(stream_name).await?;
        let last_sequence = state.last_sequence;
        let consumer = stream
            .create_consumer(consumer::pull::OrderedConfig {
                deliver_policy: consumer::DeliverPolicy::All,
                ..Default::default()
            })
            .await
            .map_err(|e| BusError::nats("create ordered consumer", e))?;
        let messages = consumer
            .messages()
            .await
            .map_err(|e| BusError::nats("consume", e))?;
        Ok(NatsReplay {
            messages: Box::new(messages),
            last_sequence,
            done: last_sequence == 0,
        })
    }

    /// Every event stored in [`STREAM_NAME`] from now on, in stream order, through an ordered consumer: it
    /// leaves no durable state on the server and acknowledges nothing, so any number of readers (several
    /// `casetrack reporting` processes) may follow the stream side by side. Events stored before this call
    /// are read from the log ([`crate::LogFeed`] does both).
    pub async fn live(&self) -> Result<NatsLive, BusError> {
        let consumer = self
            .jetstream
            .create_consumer_on_stream(
                consumer::pull::OrderedConfig {
                    deliver_policy: consumer::DeliverPolicy::New,
                    filter_subject: ALL_EVENTS.to_owned(),
                    ..Default::default()
                },
                STREAM_NAME,
            )
            .await
            .map_err(|e| BusError::nats("create ordered consumer", e))?;
        let messages = consumer
            .messages()
            .await
            .map_err(|e| BusError::nats("consume", e))?;
        Ok(NatsLive {
            messages: Box::new(messages),
        })
    }

    /// Publish one event and wait until JetStream has stored it (or recognised it as a repeat).
    pub async fn publish(&self, event: &RecordedEvent) -> Result<(), BusError> {
        let payload = serde_json::to_vec(event).map_err(|source| BusError::Payload {
            subject: subject_for(event),
            source,
        })?;
        let message = jetstream::message::PublishMessage::build()
            .payload(Bytes::from(payload))
            .message_id(event.event_id.to_string());
        let ack = self
            .jetstream
            .send_publish(subject_for(event), message)
            .await
            .map_err(|e| BusError::nats("publish", e))?;
        ack.await.map_err(|e| BusError::nats("publish ack", e))?;
        Ok(())
    }

    /// Attach to (creating if needed) the durable pull consumer `durable` with filter `filter`. It delivers
    /// from the first stored event on first use, then from where that durable last acked.
    pub async fn subscribe(
        &self,
        filter: &str,
        durable: &str,
    ) -> Result<NatsSubscription, BusError> {
        validate_subscription(filter, durable)?;
        let config = consumer::pull::Config {
            durable_name: Some(durable.to_owned()),
            filter_subject: filter.to_owned(),
            ack_policy: consumer::AckPolicy::Explicit,
            deliver_policy: consumer::DeliverPolicy::All,
            ack_wait: ACK_WAIT,
            max_ack_pending: MAX_ACK_PENDING,
            ..Default::default()
        };
        let consumer: consumer::PullConsumer = self
            .jetstream
            .create_consumer_on_stream(config, STREAM_NAME)
            .await
            .map_err(|e| BusError::nats("create consumer", e))?;
        let messages = consumer
            .stream()
            .max_messages_per_batch(PULL_BATCH)
            .messages()
            .await
            .map_err(|e| BusError::nats("consume", e))?;
        Ok(NatsSubscription {
            messages: Box::new(messages),
        })
    }

    /// Messages currently stored in the stream (operations and tests: after a relay restart it must equal the
    /// number of events relayed, repeats having been dropped).
    pub async fn stored_messages(&self) -> Result<u64, BusError> {
        Ok(self.stream_state(STREAM_NAME).await?.1.messages)
    }

    /// The JetStream stream `stream_name` and its state as of now.
    async fn stream_state(
        &self,
        stream_name: &str,
    ) -> Result<(jetstream::stream::Stream, stream::State), BusError> {
        let mut stream = self
            .jetstream
            .get_stream(stream_name)
            .await
            .map_err(|e| BusError::nats("get stream", e))?;
        let state = stream
            .info()
            .await
            .map_err(|e| BusError::nats("stream info", e))?
            .state
            .clone();
        Ok((stream, state))
    }
}

fn stream_config() -> stream::Config {
    stream::Config {
        name: STREAM_NAME.to_owned(),
        subjects: vec![ALL_EVENTS.to_owned()],
        storage: stream::StorageType::File,
        retention: stream::RetentionPolicy::Limits,
        discard: stream::DiscardPolicy::New,
        max_bytes: STREAM_MAX_BYTES,
        max_age: STREAM_MAX_AGE,
        duplicate_window: DUPLICATE_WINDOW,
        num_replicas: 1,
        ..Default::default()
    }
}

/// The events of a JetStream stream up to its last message at the start of the replay ([`NatsBus::replay`]).
pub struct NatsReplay {
    // Boxed: the ordered stream is large.
    messages: Box<consumer::pull::Ordered>,
    last_sequence: u64,
    done: bool,
}

impl NatsReplay {
    /// The next stored event, or `None` after the last message that was stored when the replay began.
    pub async fn next(&mut self) -> Result<Option<RecordedEvent>, BusError> {
        if self.done {
            return Ok(None);
        }
        let message = match self.messages.next().await {
            None => return Err(BusError::Closed),
            Some(message) => message.map_err(|e| BusError::nats("replay", e))?,
        };
        let sequence = message
            .info()
            .map_err(|e| BusError::nats("replay message info", e))?
            .stream_sequence;
        self.done = sequence >= self.last_sequence;
        serde_json::from_slice(&message.payload)
            .map(Some)
            .map_err(|source| BusError::Payload {
                subject: message.subject.to_string(),
                source,
            })
    }
}

/// The events stored in the stream after [`NatsBus::live`] was called, in stream order.
pub struct NatsLive {
    // Boxed: the ordered stream is large.
    messages: Box<consumer::pull::Ordered>,
}

impl NatsLive {
    /// Waits for the next event, then takes those already received behind it, `max` in all. A message that
    /// is not a recorded event is skipped with a warning: a reader checks positions and fills holes from the
    /// log, so nothing is lost by skipping it.
    pub async fn next_chunk(&mut self, max: usize) -> Result<Vec<RecordedEvent>, BusError> {
        let mut chunk = Vec::new();
        let mut message = self.messages.next().await;
        loop {
            match message {
                None => return Err(BusError::Closed),
                Some(Err(e)) => return Err(BusError::nats("live", e)),
                Some(Ok(message)) => match serde_json::from_slice(&message.payload) {
                    Ok(event) => chunk.push(event),
                    Err(error) => {
                        tracing::warn!(subject = %message.subject, %error, "not a recorded event; skipped");
                    }
                },
            }
            if chunk.len() >= max {
                return Ok(chunk);
            }
            // Only what has already arrived: an empty chunk waits, a started one is handed over.
            match self.messages.next().now_or_never() {
                Some(next) => message = next,
                None if chunk.is_empty() => message = self.messages.next().await,
                None => return Ok(chunk),
            }
        }
    }
}

/// A durable consumer's deliveries, in stream order.
pub struct NatsSubscription {
    // Boxed: the pull stream is large, and `Subscription` should stay small for the in-process case.
    messages: Box<consumer::pull::Stream>,
}

impl NatsSubscription {
    /// The next event; ack it with [`Delivery::ack`] once handled, or it is redelivered after [`ACK_WAIT`].
    pub async fn next(&mut self) -> Result<Delivery, BusError> {
        loop {
            let message = match self.messages.next().await {
                None => return Err(BusError::Closed),
                Some(Ok(message)) => message,
                // A missed heartbeat is transient: the pull stream re-issues its request and carries on.
                Some(Err(error))
                    if error.kind() == consumer::pull::MessagesErrorKind::MissingHeartbeat =>
                {
                    tracing::warn!(%error, "nats consumer missed a heartbeat; continuing");
                    continue;
                }
                Some(Err(error)) => return Err(BusError::nats("consume", error)),
            };
            return match serde_json::from_slice(&message.payload) {
                Ok(event) => Ok(Delivery::nats(event, message)),
                Err(source) => {
                    // Terminate it so a foreign message is reported once, not redelivered forever.
                    message
                        .ack_with(jetstream::AckKind::Term)
                        .await
                        .map_err(|e| BusError::nats("terminate", e))?;
                    Err(BusError::Payload {
                        subject: message.subject.to_string(),
                        source,
                    })
                }
            };
        }
    }
}
