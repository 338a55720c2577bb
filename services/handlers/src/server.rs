//! One gRPC server setup for every casetrack process: the services given, plus the standard
//! `grpc.health.v1.Health` (each service reported SERVING) and server reflection over casetrack's file
//! descriptor set, so `grpcurl` and health checkers work against any of them.

use std::future::Future;

use tokio::net::TcpListener;
use tonic::service::RoutesBuilder;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;

/// Largest request a command service accepts, in bytes. A case command is a few hundred bytes; the log
/// accepts events of up to 1 MiB, so this refuses nothing legitimate and bounds what one call can make the
/// server decode. Larger requests fail with OUT_OF_RANGE before any handler runs.
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("grpc server: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// The services of one process and the names they are reported under by the health service.
#[derive(Default)]
pub struct GrpcServer {
    routes: RoutesBuilder,
    names: Vec<&'static str>,
}

impl GrpcServer {
    pub fn new() -> GrpcServer {
        GrpcServer::default()
    }

    /// The routes to add services to; name each with [`GrpcServer::serving`].
    pub fn routes(&mut self) -> &mut RoutesBuilder {
        &mut self.routes
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
        let (reporter, health) = tonic_health::server::health_reporter();
        for name in &self.names {
            reporter
                .set_service_status(*name, ServingStatus::Serving)
                .await;
        }
        // The empty name is the whole server (grpc.health.v1 convention).
        reporter
            .set_service_status("", ServingStatus::Serving)
            .await;
        let reflection = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(casetrack_api::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1()?;
        self.routes.add_service(health).add_service(reflection);
        Server::builder()
            .add_routes(self.routes.routes())
            .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
            .await?;
        Ok(())
    }
}
