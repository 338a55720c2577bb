//! RPC metrics: a tower layer outside the auth layer (`server.rs`), so refused calls count too, recording every
//! call's count and latency by service, method and gRPC status code under the names operators know from
//! go-grpc-prometheus (`grpc_server_handled_total`, `grpc_server_handling_seconds`). The code is the one the
//! response starts with: a unary call's, or a stream's if it fails before its first message. A path outside the
//! policy table is counted as `unknown`, so a caller cannot make up series.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use casetrack_auth::policy;
use tokio::time::Instant;
use tonic::Code;
use tonic::codegen::http;
use tower::{Layer, Service};

/// Calls answered, by `grpc_service`, `grpc_method` and `grpc_code`.
pub const HANDLED_TOTAL: &str = "grpc_server_handled_total";
/// Seconds from request to response headers, by the same labels.
pub const HANDLING_SECONDS: &str = "grpc_server_handling_seconds";
/// Buckets of [`HANDLING_SECONDS`]: an fsynced append takes milliseconds, a report up to seconds.
pub const HANDLING_SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The label of a path the policy table does not name.
const UNKNOWN: &str = "unknown";

/// Wraps a server's routes in [`RpcMetrics`].
#[derive(Clone, Copy, Default)]
pub struct RpcMetricsLayer;

impl<S> Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;

    fn layer(&self, inner: S) -> RpcMetrics<S> {
        RpcMetrics { inner }
    }
}

/// Counts and times every call to the inner service.
#[derive(Clone)]
pub struct RpcMetrics<S> {
    inner: S,
}

impl<S, B, R> Service<http::Request<B>> for RpcMetrics<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<R>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let (service, method) = labels(request.uri().path());
        let started = Instant::now();
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            let code = format!("{:?}", response_code(response.headers()));
            let labels = [
                ("grpc_service", service),
                ("grpc_method", method),
                ("grpc_code", code),
            ];
            metrics::counter!(HANDLED_TOTAL, &labels).increment(1);
            metrics::histogram!(HANDLING_SECONDS, &labels).record(started.elapsed().as_secs_f64());
            Ok(response)
        })
    }
}

/// Service and method of a gRPC path the policy table names (or a public service's), else `unknown` twice.
fn labels(path: &str) -> (String, String) {
    let known = policy::roles_for(path).is_some() || policy::is_public(path);
    match path.strip_prefix('/').and_then(|rest| rest.split_once('/')) {
        Some((service, method)) if known => (service.to_owned(), method.to_owned()),
        _ => (UNKNOWN.to_owned(), UNKNOWN.to_owned()),
    }
}

/// The status a response starts with: `grpc-status` in its headers (an error answered at once), else OK.
fn response_code(headers: &http::HeaderMap) -> Code {
    headers
        .get("grpc-status")
        .and_then(|value| value.to_str().ok()?.parse::<i32>().ok())
        .map_or(Code::Ok, Code::from_i32)
}
