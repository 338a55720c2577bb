//! One gRPC server setup for every casetrack process: the services given, behind the one auth layer
//! (`casetrack_auth::AuthLayer`: every call authenticated and checked against the policy table), plus the
//! standard `grpc.health.v1.Health` (each service SERVING unless a supervised task it depends on is down, see
//! `health.rs`) and server reflection over casetrack's file descriptor set, which answer without a token so
//! that `grpcurl` and health checkers work against any of them. A server cannot be built without the
//! identities it checks callers against; it serves TLS when given a `ServerTls` (every listener of a process
//! gets the same one).

use std::convert::Infallible;
use std::future::Future;

use casetrack_audit::Auditor;
use casetrack_auth::{AuthLayer, ServerTls, TokenSource, policy};
use tokio::net::TcpListener;
use tonic::body::Body;
use tonic::codegen::{Service, http};
use tonic::server::NamedService;
use tonic::service::RoutesBuilder;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tower::util::MapResponseLayer;

use crate::health::Health;
use crate::metrics::MetricsEndpoint;
use crate::rpc_metrics::RpcMetricsLayer;
use crate::watch::Watchers;
use crate::{AgenciesService, Commands, IntakeService, ReplyService, ReviewService, wire_status};

/// Largest request a command service accepts, in bytes. A case command is a few hundred bytes; the log
/// accepts events of up to 1 MiB, so this refuses nothing legitimate and bounds what one call can make the
/// server decode. Larger requests fail with RESOURCE_EXHAUSTED naming this limit before any handler runs
/// (`wire_status.rs`).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("grpc server: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// The services of one process, the names they are reported under by the health service, that health
/// (which the process's supervisor reports its tasks into), and the identities callers are checked against.
pub struct GrpcServer {
    routes: RoutesBuilder,
    names: Vec<&'static str>,
    health: Health,
    metrics: MetricsEndpoint,
    tokens: TokenSource,
    tls: Option<ServerTls>,
}

impl GrpcServer {
    pub fn new(tokens: TokenSource) -> GrpcServer {
        GrpcServer {
            routes: RoutesBuilder::default(),
            names: Vec::new(),
            health: Health::default(),
            metrics: MetricsEndpoint::new(tokens.clone()),
            tokens,
            tls: None,
        }
    }

    /// Serve every connection over TLS with `tls` (plaintext when never called).
    pub fn tls(&mut self, tls: ServerTls) -> &mut GrpcServer {
        self.tls = Some(tls);
        self
    }

    /// Add a generated tonic service and report it SERVING under its own full name, so a service is never
    /// routed without being named to the health service (or named under a mistyped name).
    pub fn add<S>(&mut self, service: S) -> &mut GrpcServer
    where
        S: Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.routes.add_service(service);
        self.serving(S::NAME)
    }

    /// Intake, Review, Reply and Agencies over one executor: the command side of the embedded `casetrack serve`.
    pub fn add_command_services(
        &mut self,
        commands: Commands,
        watchers: Watchers,
        auditor: Auditor,
    ) -> &mut GrpcServer {
        self.add(IntakeService::new(commands.clone(), watchers, auditor).into_server())
            .add(ReviewService::new(commands.clone()).into_server())
            .add(ReplyService::new(commands.clone()).into_server())
            .add(AgenciesService::new(commands).into_server())
    }

    /// The routes to add services to that [`GrpcServer::add`] cannot name; name each with
    /// [`GrpcServer::serving`].
    pub fn routes(&mut self) -> &mut RoutesBuilder {
        &mut self.routes
    }

    /// The health this server reports: hand it to the supervisor of the process's tasks.
    pub fn health(&self) -> Health {
        self.health.clone()
    }

    /// The process's Prometheus endpoint, checking scrapers against the same identities: add the process's
    /// collectors to it, then serve it on its own listener.
    pub fn metrics(&mut self) -> &mut MetricsEndpoint {
        &mut self.metrics
    }

    /// Report `name` (a service's full name, e.g. `casetrack.v1.Intake`) as SERVING.
    pub fn serving(&mut self, name: &'static str) -> &mut GrpcServer {
        self.names.push(name);
        self
    }

    /// Serve on `listener` until `shutdown` completes.
    pub async fn serve(
        mut self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ServeError> {
        // Reflection names exactly what this port serves: its own services, health and reflection. Both
        // reflection versions: grpcurl speaks v1, but many clients (Python's grpcio-reflection, older grpcurl
        // and GUI tools) still speak only v1alpha.
        let reflection = || {
            let builder = tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(casetrack_api::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(
                    tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
                );
            let served = self.names.iter().chain(&policy::PUBLIC_SERVICES);
            served.fold(builder, |builder, name| builder.with_service_name(*name))
        };
        let v1 = reflection().build_v1()?;
        let v1alpha = reflection().build_v1alpha()?;
        // The empty name is the whole server (grpc.health.v1 convention).
        self.names.push("");
        self.health.serve(&self.names).await;
        self.routes
            .add_service(self.health.service())
            .add_service(v1)
            .add_service(v1alpha);
        let mut builder = Server::builder();
        if let Some(tls) = &self.tls {
            builder = builder.tls_config(tls.grpc())?;
        }
        builder
            // Outside the auth layer, so that refused calls are counted too.
            .layer(RpcMetricsLayer)
            .layer(AuthLayer::new(self.tokens))
            .layer(MapResponseLayer::new(wire_status::correct::<Body>))
            .add_routes(self.routes.routes())
            .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
            .await?;
        Ok(())
    }
}
