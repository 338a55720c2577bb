//! Status updates back to the source system that submitted a case (`Intake.WatchStatus`).
//!
//! Every event of a case carries the case's source system in its metadata (intake sets it, later commands
//! copy it from the case's first event), so the watcher filters the bus by that field. On NATS the consumer
//! is durable per source system (`intake-watch-{source}`): a source system that reconnects receives what it
//! missed, and an update is acked only once it was handed to the gRPC stream. Two concurrent watches by one
//! source system share that consumer and split the updates between them.

use std::sync::Arc;

use casetrack_api::v1 as pb;
use casetrack_bus::Bus;
use casetrack_bus::subject::{ALL_EVENTS, sanitize_token};
use casetrack_domain::parse_stream_name;
use casetrack_eventlog::{Log, RecordedEvent};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use crate::auth::Caller;
use crate::error::HandlerError;
use crate::tracking;

/// Updates buffered per watcher before the bus is no longer read (back-pressure, not loss).
pub const WATCH_BUFFER: usize = 64;

/// Subscribe to the bus for `caller` and stream its cases' updates until the client goes away.
pub async fn status_updates(
    bus: &Bus,
    log: Arc<dyn Log>,
    caller: Caller,
) -> Result<ReceiverStream<Result<pb::StatusUpdate, Status>>, Status> {
    let durable = format!("intake-watch-{}", sanitize_token(&caller.source_system));
    let mut subscription = bus
        .subscribe(ALL_EVENTS, &durable)
        .await
        .map_err(HandlerError::from)?;
    let (sender, receiver) = mpsc::channel(WATCH_BUFFER);
    tokio::spawn(async move {
        loop {
            // Stop as soon as the client goes away, not at the next update: on NATS a forgotten pull on the
            // shared durable consumer would hold back updates meant for the source system's next watch.
            let next = tokio::select! {
                next = subscription.next() => next,
                () = sender.closed() => return,
            };
            let delivery = match next {
                Ok(delivery) => delivery,
                Err(error) => {
                    let _ = sender
                        .send(Err(HandlerError::from(error).into_status()))
                        .await;
                    return;
                }
            };
            let event = &delivery.event;
            if event.metadata.source_system.as_deref() == Some(caller.source_system.as_str())
                && let Some(update) = update_for(log.as_ref(), event).await
                && sender.send(update).await.is_err()
            {
                return; // the client went away; the unacked update is redelivered to its next watch
            }
            if let Err(error) = delivery.ack().await {
                tracing::warn!(%error, "ack of a status update failed; it will be redelivered");
            }
        }
    });
    Ok(ReceiverStream::new(receiver))
}

/// The update for one committed event of a case; `None` for events outside case streams (tracking indexes).
async fn update_for(
    log: &dyn Log,
    event: &RecordedEvent,
) -> Option<Result<pb::StatusUpdate, Status>> {
    let (_, case_id) = parse_stream_name(&event.stream)?;
    let tracking_number = match tracking::number_of(log, case_id).await {
        Ok(found) => found
            .map(|(assignment, _)| assignment.number)
            .unwrap_or_default(),
        Err(error) => return Some(Err(error.into_status())),
    };
    Some(Ok(pb::StatusUpdate {
        case_id: case_id.to_string(),
        tracking_number,
        status: event.event_type.clone(),
        position: event.position,
        occurred_at: event
            .data
            .get("occurred_at")
            .and_then(|v| v.as_str())
            .map_or_else(|| event.recorded_at.to_rfc3339(), str::to_owned),
        data_json: event.data.to_string(),
    }))
}
