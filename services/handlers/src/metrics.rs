//! The process's metrics in the Prometheus text format, on their own HTTP listener (`--metrics-listen`), behind
//! the same token file as the gRPC port: `GET /metrics` answers only a bearer token of an admin or auditor
//! identity (401 without a valid token, 403 for another role), so Prometheus scrapes it with
//! `authorization: { credentials_file: … }`. The `metrics` crate's recorder is installed once per process; the
//! crates record into it where things happen (the log's writer, the RPC layer, the supervisor), and collectors
//! run at each scrape for figures that are read rather than counted (open and overdue cases).

use std::future::Future;
use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use casetrack_auth::{Role, TokenSource, authenticate};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::rpc_metrics;

/// The path Prometheus scrapes.
pub const METRICS_PATH: &str = "/metrics";

/// Who may scrape: the metrics name agencies and subscribers but no case, like the raw log's readers.
pub const METRICS_READERS: &[Role] = &[Role::Admin, Role::Auditor];

/// Content type of the Prometheus text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A figure read at scrape time (e.g. the open cases by agency from the queue model), recorded as gauges.
pub type Collector = Arc<dyn Fn() + Send + Sync>;

/// The process's recorder: installed on first use, the same handle afterwards (several servers in one test
/// process share it).
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = with_buckets(PrometheusBuilder::new()).build_recorder();
            let handle = recorder.handle();
            // Fails only when another recorder is installed, which nothing in casetrack does.
            if let Err(error) = metrics::set_global_recorder(recorder) {
                tracing::warn!(%error, "metrics recorder not installed");
            }
            handle
        })
        .clone()
}

/// Histogram buckets of every histogram casetrack records (without, the exporter writes summaries).
fn with_buckets(builder: PrometheusBuilder) -> PrometheusBuilder {
    use casetrack_eventlog::metrics as log;
    let histograms: [(&str, &[f64]); 3] = [
        (log::FSYNC_SECONDS, log::FSYNC_SECONDS_BUCKETS),
        (log::EVENTS_PER_FSYNC, log::EVENTS_PER_FSYNC_BUCKETS),
        (
            rpc_metrics::HANDLING_SECONDS,
            rpc_metrics::HANDLING_SECONDS_BUCKETS,
        ),
    ];
    histograms
        .into_iter()
        .fold(builder, |builder, (name, buckets)| {
            builder
                .set_buckets_for_metric(Matcher::Full(name.to_owned()), buckets)
                .expect("the bucket constants are not empty")
        })
}

/// The `/metrics` route of one process.
#[derive(Clone)]
pub struct MetricsEndpoint {
    handle: PrometheusHandle,
    tokens: TokenSource,
    collectors: Vec<Collector>,
}

impl MetricsEndpoint {
    pub fn new(tokens: TokenSource) -> MetricsEndpoint {
        MetricsEndpoint {
            handle: recorder(),
            tokens,
            collectors: Vec::new(),
        }
    }

    /// Run `collector` before each scrape.
    pub fn collect(&mut self, collector: Collector) -> &mut MetricsEndpoint {
        self.collectors.push(collector);
        self
    }

    /// Serve `GET /metrics` on `listener` until `shutdown`.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = axum::Router::new()
            .route(METRICS_PATH, get(scrape))
            .with_state(Arc::new(self));
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// One scrape: the caller's token checked, the collectors run, the recorder rendered.
async fn scrape(State(endpoint): State<Arc<MetricsEndpoint>>, headers: HeaderMap) -> Response {
    if let Err(status) = authenticate(&endpoint.tokens, &headers, METRICS_READERS, METRICS_PATH) {
        let code = match status.code() {
            tonic::Code::PermissionDenied => StatusCode::FORBIDDEN,
            _ => StatusCode::UNAUTHORIZED,
        };
        let challenge = [(header::WWW_AUTHENTICATE, "Bearer")];
        return (code, challenge, status.message().to_owned()).into_response();
    }
    // Collectors read stores (RocksDB): off the async workers.
    let collectors = endpoint.collectors.clone();
    let collected =
        tokio::task::spawn_blocking(move || collectors.iter().for_each(|collect| collect()));
    if let Err(error) = collected.await {
        tracing::error!(%error, "a metrics collector failed");
    }
    (
        [(header::CONTENT_TYPE, TEXT_FORMAT)],
        endpoint.handle.render(),
    )
        .into_response()
}
