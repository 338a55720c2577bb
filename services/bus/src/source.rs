//! Where the relay reads committed events: the embedded `EventLog` or a `RemoteLog` owned by another process.

use std::future::Future;
use std::pin::Pin;

use casetrack_eventlog::{EventLog, LogError, RemoteLog, SubscriptionMessage};
use futures::Stream;

/// A catch-up subscription to the whole log, as a stream (polling a stream and dropping the future loses
/// nothing, so the relay can wait on it with a timeout).
pub type LogStream = Pin<Box<dyn Stream<Item = Result<SubscriptionMessage, LogError>> + Send>>;

/// The two things the relay needs from a log.
pub trait LogSource {
    /// Every committed event from `from_position` on, in order, then live ones.
    fn subscribe_all(
        &self,
        from_position: u64,
    ) -> impl Future<Output = Result<LogStream, LogError>> + Send;

    /// The position the next committed event will get (= number of events committed).
    fn next_position(&self) -> impl Future<Output = Result<u64, LogError>> + Send;
}

impl LogSource for EventLog {
    async fn subscribe_all(&self, from_position: u64) -> Result<LogStream, LogError> {
        Ok(Box::pin(
            EventLog::subscribe_all(self, from_position).into_stream(),
        ))
    }

    async fn next_position(&self) -> Result<u64, LogError> {
        Ok(EventLog::next_position(self))
    }
}

impl LogSource for RemoteLog {
    async fn subscribe_all(&self, from_position: u64) -> Result<LogStream, LogError> {
        Ok(Box::pin(
            RemoteLog::subscribe_all(self, from_position)
                .await?
                .into_stream(),
        ))
    }

    async fn next_position(&self) -> Result<u64, LogError> {
        RemoteLog::next_position(self).await
    }
}
