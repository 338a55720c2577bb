//! `RemoteLog`: the EventLog service seen from another process, implementing `Log` like `EventLog` does, so the
//! stateless services run unchanged against a remote log in multi-process mode.

use casetrack_api::v1 as pb;
use casetrack_api::v1::event_log_client::EventLogClient;
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::convert::{self, error_from_status};
use crate::error::LogError;
use crate::event::{
    AppendResult, Direction, ExpectedRevision, NewEvent, RecordedEvent, StreamWrite,
};
use crate::grpc::GRPC_MAX_MESSAGE_BYTES;
use crate::log::{Log, LogStream};
use crate::verify::VerifyReport;

/// A client of a remote EventLog service; cheap to clone (one HTTP/2 channel underneath).
#[derive(Clone)]
pub struct RemoteLog {
    client: EventLogClient<InterceptedService<Channel, BearerToken>>,
}

/// Puts `authorization: Bearer <token>` on every call of a tonic client, as casetrack's servers require.
#[derive(Clone)]
pub struct BearerToken(MetadataValue<Ascii>);

impl BearerToken {
    /// `None` for a token that cannot be an HTTP header value (not visible ASCII).
    pub fn new(token: &str) -> Option<BearerToken> {
        format!("Bearer {token}").parse().ok().map(BearerToken)
    }
}

impl Interceptor for BearerToken {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
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
    /// Connects to `endpoint`, e.g. `http://127.0.0.1:50051`, calling with `token`.
    pub async fn connect(endpoint: impl Into<String>, token: &str) -> Result<RemoteLog, LogError> {
        let channel = Endpoint::from_shared(endpoint.into())
            .map_err(unavailable)?
            .connect()
            .await
            .map_err(unavailable)?;
        RemoteLog::from_channel(channel, token)
    }

    /// A client over `channel` calling with `token`; INVALID_ARGUMENT for a token that is not visible ASCII.
    pub fn from_channel(channel: Channel, token: &str) -> Result<RemoteLog, LogError> {
        let bearer = BearerToken::new(token).ok_or(LogError::InvalidArgument {
            field: "token",
            reason: "must be visible ASCII".into(),
        })?;
        let client = EventLogClient::with_interceptor(channel, bearer)
            .max_decoding_message_size(GRPC_MAX_MESSAGE_BYTES)
            .max_encoding_message_size(GRPC_MAX_MESSAGE_BYTES);
        Ok(RemoteLog { client })
    }
}

impl Log for RemoteLog {
    fn append<'a>(
        &'a self,
        stream: &'a str,
        expected: ExpectedRevision,
        events: Vec<NewEvent>,
    ) -> BoxFuture<'a, Result<AppendResult, LogError>> {
        let request = pb::AppendEventsRequest {
            stream: stream.to_string(),
            expected: Some(convert::expected_to_proto(expected)),
            events: events.iter().map(convert::new_event_to_proto).collect(),
        };
        let mut client = self.client.clone();
        async move {
            let response = client
                .append(request)
                .await
                .map_err(error_from_status)?
                .into_inner();
            let result = response
                .result
                .ok_or_else(|| unavailable("append response carries no result"))?;
            Ok(convert::result_from_proto(result))
        }
        .boxed()
    }

    fn append_multi(
        &self,
        writes: Vec<StreamWrite>,
    ) -> BoxFuture<'_, Result<Vec<AppendResult>, LogError>> {
        let request = pb::AppendMultiRequest {
            writes: writes.iter().map(convert::write_to_proto).collect(),
        };
        let mut client = self.client.clone();
        async move {
            let response = client
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
        .boxed()
    }

    fn read_stream<'a>(
        &'a self,
        stream: &'a str,
        from_revision: u64,
        direction: Direction,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>> {
        let mut client = self.client.clone();
        async move {
            let request = pb::ReadStreamRequest {
                stream: stream.to_string(),
                from_revision,
                backward: direction == Direction::Backward,
                max: read_max(max)?,
            };
            let response = client
                .read_stream(request)
                .await
                .map_err(error_from_status)?;
            convert::recorded_list_from_proto(response.into_inner().events)
        }
        .boxed()
    }

    fn read_all(
        &self,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'_, Result<Vec<RecordedEvent>, LogError>> {
        let mut client = self.client.clone();
        async move {
            let request = pb::ReadAllRequest {
                from_position,
                max: read_max(max)?,
            };
            let response = client.read_all(request).await.map_err(error_from_status)?;
            convert::recorded_list_from_proto(response.into_inner().events)
        }
        .boxed()
    }

    fn read_by_type<'a>(
        &'a self,
        event_type: &'a str,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>> {
        let mut client = self.client.clone();
        async move {
            let request = pb::ReadByTypeRequest {
                event_type: event_type.to_string(),
                from_position,
                max: read_max(max)?,
            };
            let response = client
                .read_by_type(request)
                .await
                .map_err(error_from_status)?;
            convert::recorded_list_from_proto(response.into_inner().events)
        }
        .boxed()
    }

    fn read_by_category<'a>(
        &'a self,
        category: &'a str,
        from_position: u64,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<RecordedEvent>, LogError>> {
        let mut client = self.client.clone();
        async move {
            let request = pb::ReadByCategoryRequest {
                category: category.to_string(),
                from_position,
                max: read_max(max)?,
            };
            let response = client
                .read_by_category(request)
                .await
                .map_err(error_from_status)?;
            convert::recorded_list_from_proto(response.into_inner().events)
        }
        .boxed()
    }

    fn subscribe_all(&self, from_position: u64) -> BoxFuture<'_, Result<LogStream, LogError>> {
        let mut client = self.client.clone();
        async move {
            let messages = client
                .subscribe(pb::SubscribeAllRequest { from_position })
                .await
                .map_err(error_from_status)?
                .into_inner();
            // The server ends the stream after `FellBehind`; a transport error arrives as one `Err` item.
            let stream: LogStream = messages
                .map(|message| match message {
                    Ok(response) => convert::message_from_proto(response),
                    Err(status) => Err(error_from_status(status)),
                })
                .boxed();
            Ok(stream)
        }
        .boxed()
    }

    fn next_position(&self) -> BoxFuture<'_, Result<u64, LogError>> {
        let mut client = self.client.clone();
        async move {
            let response = client
                .next_position(pb::NextPositionRequest {})
                .await
                .map_err(error_from_status)?;
            Ok(response.into_inner().next_position)
        }
        .boxed()
    }

    fn verify(&self) -> BoxFuture<'_, Result<VerifyReport, LogError>> {
        let mut client = self.client.clone();
        async move {
            let response = client
                .verify(pb::VerifyLogRequest {})
                .await
                .map_err(error_from_status)?;
            convert::report_from_proto(response.into_inner())
        }
        .boxed()
    }
}
