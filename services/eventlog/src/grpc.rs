//! The `casetrack.v1.EventLog` gRPC service over an `EventLog`: a thin translation between protobuf and the
//! log. Blocking RocksDB reads run on tokio's blocking pool; errors become status codes in
//! `convert::status_from_error`, the one place that mapping lives.

use std::sync::Arc;

use casetrack_api::v1 as pb;
use casetrack_api::v1::event_log_server::{EventLog as EventLogRpc, EventLogServer};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::EventLog;
use crate::convert::{self, status_from_error};
use crate::error::LogError;
use crate::event::{Direction, RecordedEvent, StreamWrite};
use crate::guard::AppendGuard;

/// Largest gRPC message either side accepts: a full append (`MAX_APPEND_BYTES`) or read, plus JSON framing.
pub const GRPC_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;
/// Messages queued towards one gRPC subscriber; when full the subscription stops pulling, and a subscriber that
/// stays slow is told it fell behind.
pub const GRPC_SUBSCRIPTION_BUFFER: usize = 256;

/// The server side of the EventLog service.
#[derive(Clone)]
pub struct EventLogService {
    log: EventLog,
    guard: Arc<dyn AppendGuard>,
}

impl EventLogService {
    /// The service over `log`, letting through only the appends `guard` accepts.
    pub fn new(log: EventLog, guard: Arc<dyn AppendGuard>) -> EventLogService {
        EventLogService { log, guard }
    }

    /// The guard's verdict on an append, as the log's error.
    fn admit(&self, writes: &[StreamWrite]) -> Result<(), Status> {
        self.guard.check(writes).map_err(|refusal| {
            status_from_error(LogError::Refused {
                stream: refusal.stream,
                reason: refusal.reason,
            })
        })
    }

    /// The tonic service, ready for `Server::builder().add_service(..)`.
    pub fn into_server(self) -> EventLogServer<EventLogService> {
        EventLogServer::new(self)
            .max_decoding_message_size(GRPC_MAX_MESSAGE_BYTES)
            .max_encoding_message_size(GRPC_MAX_MESSAGE_BYTES)
    }

    /// Runs a blocking read on the blocking pool and encodes its events.
    async fn read(
        &self,
        read: impl FnOnce(&EventLog) -> Result<Vec<RecordedEvent>, LogError> + Send + 'static,
    ) -> Result<Response<pb::ReadEventsResponse>, Status> {
        let log = self.log.clone();
        let events = tokio::task::spawn_blocking(move || read(&log))
            .await
            .map_err(|e| Status::internal(format!("read task failed: {e}")))?
            .map_err(status_from_error)?;
        Ok(Response::new(pb::ReadEventsResponse {
            events: events.iter().map(convert::recorded_to_proto).collect(),
        }))
    }
}

#[tonic::async_trait]
impl EventLogRpc for EventLogService {
    async fn append(
        &self,
        request: Request<pb::AppendEventsRequest>,
    ) -> Result<Response<pb::AppendEventsResponse>, Status> {
        let request = request.into_inner();
        let write = convert::write_from_proto(pb::StreamWrite {
            stream: request.stream,
            expected: request.expected,
            events: request.events,
        })
        .map_err(status_from_error)?;
        self.admit(std::slice::from_ref(&write))?;
        let result = self
            .log
            .append(&write.stream, write.expected, write.events)
            .await
            .map_err(status_from_error)?;
        Ok(Response::new(pb::AppendEventsResponse {
            result: Some(convert::result_to_proto(&result)),
        }))
    }

    async fn append_multi(
        &self,
        request: Request<pb::AppendMultiRequest>,
    ) -> Result<Response<pb::AppendMultiResponse>, Status> {
        let writes = request
            .into_inner()
            .writes
            .into_iter()
            .map(convert::write_from_proto)
            .collect::<Result<Vec<_>, _>>()
            .map_err(status_from_error)?;
        self.admit(&writes)?;
        let results = self
            .log
            .append_multi(writes)
            .await
            .map_err(status_from_error)?;
        Ok(Response::new(pb::AppendMultiResponse {
            results: results.iter().map(convert::result_to_proto).collect(),
        }))
    }

    async fn read_stream(
        &self,
        request: Request<pb::ReadStreamRequest>,
    ) -> Result<Response<pb::ReadEventsResponse>, Status> {
        let request = request.into_inner();
        let direction = if request.backward {
            Direction::Backward
        } else {
            Direction::Forward
        };
        let max = convert::read_max(request.max);
        self.read(move |log| {
            log.read_stream(&request.stream, request.from_revision, direction, max)
        })
        .await
    }

    async fn read_all(
        &self,
        request: Request<pb::ReadAllRequest>,
    ) -> Result<Response<pb::ReadEventsResponse>, Status> {
        let request = request.into_inner();
        let max = convert::read_max(request.max);
        self.read(move |log| log.read_all(request.from_position, max))
            .await
    }

    async fn read_by_type(
        &self,
        request: Request<pb::ReadByTypeRequest>,
    ) -> Result<Response<pb::ReadEventsResponse>, Status> {
        let request = request.into_inner();
        let max = convert::read_max(request.max);
        self.read(move |log| log.read_by_type(&request.event_type, request.from_position, max))
            .await
    }

    async fn read_by_category(
        &self,
        request: Request<pb::ReadByCategoryRequest>,
    ) -> Result<Response<pb::ReadEventsResponse>, Status> {
        let request = request.into_inner();
        let max = convert::read_max(request.max);
        self.read(move |log| log.read_by_category(&request.category, request.from_position, max))
            .await
    }

    type SubscribeStream = ReceiverStream<Result<pb::SubscribeAllResponse, Status>>;

    async fn subscribe(
        &self,
        request: Request<pb::SubscribeAllRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let mut subscription = self.log.subscribe_all(request.into_inner().from_position);
        let (sender, receiver) = mpsc::channel(GRPC_SUBSCRIPTION_BUFFER);
        tokio::spawn(async move {
            loop {
                // Watching for the client to go away matters when the log is idle: otherwise the task (and the
                // log handle it holds) would linger until the next event failed to send.
                let message = tokio::select! {
                    message = subscription.next() => message,
                    () = sender.closed() => return,
                };
                let Some(message) = message else { return };
                let item = match message {
                    Ok(message) => Ok(convert::message_to_proto(&message)),
                    Err(error) => Err(status_from_error(error)),
                };
                if sender.send(item).await.is_err() {
                    return; // the client went away
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(receiver)))
    }

    async fn verify(
        &self,
        _request: Request<pb::VerifyLogRequest>,
    ) -> Result<Response<pb::VerifyLogResponse>, Status> {
        let log = self.log.clone();
        let report = tokio::task::spawn_blocking(move || log.verify())
            .await
            .map_err(|e| Status::internal(format!("verify task failed: {e}")))?
            .map_err(status_from_error)?;
        Ok(Response::new(convert::report_to_proto(&report)))
    }

    async fn next_position(
        &self,
        _request: Request<pb::NextPositionRequest>,
    ) -> Result<Response<pb::NextPositionResponse>, Status> {
        Ok(Response::new(pb::NextPositionResponse {
            next_position: self.log.next_position(),
        }))
    }
}
