//! The gRPC services the console stands on, called in-process: every page and form names the gRPC method it
//! reads or performs, the caller is checked against the one policy table (`casetrack_auth::permit`, as the
//! gRPC auth layer does), and the handler runs with the session's `Identity` in the request's extensions —
//! exactly what a gRPC call would carry after the layer.

use std::future::Future;

use casetrack_auth::Identity;
use casetrack_handlers::{IntakeService, ReplyService, ReviewService};
use casetrack_projector::grpc::ReportingService;
use tonic::{Request, Response, Status};

/// The services of one process, as the gRPC server serves them.
#[derive(Clone)]
pub struct Backend {
    pub intake: IntakeService,
    pub review: ReviewService,
    pub reply: ReplyService,
    pub reporting: ReportingService,
}

impl Backend {
    /// Call the gRPC method `method` (`/casetrack.v1.Service/Method`) with `message` as `who`: refused with
    /// PERMISSION_DENIED when the policy does not let `who` call it, otherwise `rpc` runs the handler.
    pub async fn call<Req, Resp, Fut>(
        &self,
        who: &Identity,
        method: &str,
        message: Req,
        rpc: impl FnOnce(Backend, Request<Req>) -> Fut,
    ) -> Result<Resp, Status>
    where
        Fut: Future<Output = Result<Response<Resp>, Status>>,
    {
        casetrack_auth::permit(who, method)?;
        let mut request = Request::new(message);
        request.extensions_mut().insert(who.clone());
        Ok(rpc(self.clone(), request).await?.into_inner())
    }

    /// Whether the policy lets `who` call `method`: what decides which links and forms a page shows.
    pub fn may(who: &Identity, method: &str) -> bool {
        casetrack_auth::permit(who, method).is_ok()
    }
}
