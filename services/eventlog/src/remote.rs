//! `RemoteLog`: the EventLog service seen from another process, with the same method names and Rust types as
//! `EventLog`, so the stateless services run unchanged against a remote log in multi-process mode.

use casetrack_api::v1 as pb;
use casetrack_api::v1::event_log_client::EventLogClient;
use futures::Stream;
use tonic::transport::{Channel, Endpoint};

use crate::convert::{self, error_from_status};
use crate::error::LogError;
use crate::event::{
    AppendResult, Direction, ExpectedRevision, NewEvent, RecordedEvent, StreamWrite,
};
use crate::grpc::GRPC_MAX_MESSAGE_BYTES;
use crate::subscribe::SubscriptionMessage;
use crate::verify::VerifyReport;

/// A client of a remote EventLog service; cheap to clone (one HTTP/2 channel underneath).
#[derive(Clone)]
pub struct RemoteLog {
    client: EventLogClient<Channel>,
}

fn unavailable(error: impl ToString) -> LogError {
    LogError::Remote {
        code: tonic::Code::Unavailable,
        message: error.to_string(),
    }
}

fn read_max(max: usize) -> Result<u32, LogError> {
    u32::try_from(max).map_err(|_| LogError::TooLarge {
        field: "max",
        limit: u32::MAX as usize,
        actual: max,
    })
}

impl RemoteLog {
    /// Connects to `endpoint`, e.g. `http://127.0.0.1:50051`.
    pub async fn connect(endpoint: impl Into<String>) -> Result<RemoteLog, LogError> {
        let channel = Endpoint::from_shared(endpoint.into())
            .map_err(unavailable)?
            .connect()
            .await
            .map_err(unavailable)?;
        Ok(RemoteLog::from_channel(channel))
    }

    pub fn from_channel(channel: Channel) -> RemoteLog {
        let client = EventLogClient::new(channel)
            .max_decoding_message_size(GRPC_MAX_MESSAGE_BYTES)
            .max_encoding_message_size(GRPC_MAX_MESSAGE_BYTES);
        RemoteLog { client }
    }

    pub async fn append(
        &self,
        stream: &str,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, LogError> {
        let request = pb::AppendEventsRequest {
            stream: stream.to_string(),
            expected: Some(convert::expected_to_proto(expected)),
            events: events.iter().map(convert::new_event_to_proto).collect(),
        };
        let response = self
            .client
            .clone()
            .append(request)
            .await
            .map_err(error_from_status)?
            .into_inner();
        let result = response
            .result
            .ok_or_else(|| unavailable("append response carries no result"))?;
        Ok(convert::result_from_proto(result))
    }

    pub async fn append_multi(
        &self,
        writes: Vec<StreamWrite>,
    ) -> Result<Vec<AppendResult>, LogError> {
        let request = pb::AppendMultiRequest {
            writes: writes.iter().map(convert::write_to_proto).collect(),
        };
        let response = self
            .client
            .clone()
            .append_multi(request)
            .await
            .map_err(error_from_status)?
            .into_inner();
        Ok(response
            .results
            .into_iter()
            .map(convert::result_from_proto)
            .collect())
    }

    pub async fn read_stream(
        &self,
        stream: &str,
        from_revision: u64,
        direction: Direction,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        let request = pb::ReadStreamRequest {
            stream: stream.to_string(),
            from_revision,
            backward: direction == Direction::Backward,
            max: read_max(max)?,
        };
        let response = self
            .client
            .clone()
            .read_stream(request)
            .await
            .map_err(error_from_status)?;
        convert::recorded_list_from_proto(response.into_inner().events)
    }

    pub async fn read_all(
        &self,
        from_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        let request = pb::ReadAllRequest {
            from_position,
            max: read_max(max)?,
        };
        let response = self
            .client
            .clone()
            .read_all(request)
            .await
            .map_err(error_from_status)?;
        convert::recorded_list_from_proto(response.into_inner().events)
    }

    pub async fn read_by_type(
        &self,
        event_type: &str,
        from_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        let request = pb::ReadByTypeRequest {
            event_type: event_type.to_string(),
            from_position,
            max: read_max(max)?,
        };
        let response = self
            .client
            .clone()
            .read_by_type(request)
            .await
            .map_err(error_from_status)?;
        convert::recorded_list_from_proto(response.into_inner().events)
    }

    pub async fn read_by_category(
        &self,
        category: &str,
        from_position: u64,
        max: usize,
    ) -> Result<Vec<RecordedEvent>, LogError> {
        let request = pb::ReadByCategoryRequest {
            category: category.to_string(),
            from_position,
            max: read_max(max)?,
        };
        let response = self
            .client
            .clone()
            .read_by_category(request)
            .await
            .map_err(error_from_status)?;
        convert::recorded_list_from_proto(response.into_inner().events)
    }

    /// A catch-up subscription to the whole log from `from_position`, served by the remote log.
    pub async fn subscribe_all(&self, from_position: u64) -> Result<RemoteSubscription, LogError> {
        let request = pb::SubscribeAllRequest { from_position };
        let stream = self
            .client
            .clone()
            .subscribe(request)
            .await
            .map_err(error_from_status)?
            .into_inner();
        Ok(RemoteSubscription { stream })
    }

    pub async fn next_position(&self) -> Result<u64, LogError> {
        let response = self
            .client
            .clone()
            .next_position(pb::NextPositionRequest {})
            .await;
        Ok(response
            .map_err(error_from_status)?
            .into_inner()
            .next_position)
    }

    pub async fn verify(&self) -> Result<VerifyReport, LogError> {
        let response = self
            .client
            .clone()
            .verify(pb::VerifyLogRequest {})
            .await
            .map_err(error_from_status)?;
        convert::report_from_proto(response.into_inner())
    }
}

/// A remote catch-up subscription; the same messages as `Subscription`.
pub struct RemoteSubscription {
    stream: tonic::Streaming<pb::SubscribeAllResponse>,
}

impl RemoteSubscription {
    /// The next message; `None` once the server ended the subscription (after `FellBehind`).
    pub async fn next(&mut self) -> Option<Result<SubscriptionMessage, LogError>> {
        match self.stream.message().await {
            Ok(Some(response)) => Some(convert::message_from_proto(response)),
            Ok(None) => None,
            Err(status) => Some(Err(error_from_status(status))),
        }
    }

    /// The subscription as a `futures::Stream`.
    pub fn into_stream(
        self,
    ) -> impl Stream<Item = Result<SubscriptionMessage, LogError>> + Send + 'static {
        futures::stream::unfold(self, |mut subscription| async move {
            subscription
                .next()
                .await
                .map(|message| (message, subscription))
        })
    }
}
