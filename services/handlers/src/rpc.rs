//! What every command RPC does around its own field parsing: take the caller's identity (authenticated and
//! authorised by the server's auth layer), parse the request into a domain command, run it on the case the
//! request names, and answer with the case's `CaseRef`. Each RPC method of `Review` and `Reply` is then only
//! its translation from proto fields to a domain command.

use casetrack_api::v1 as pb;
use tonic::{Request, Response, Status};

use casetrack_auth::Identity;

use crate::command::Commands;
use crate::error::HandlerError;
use casetrack_domain::CaseCommand;
use prost_types::Timestamp;

/// A request for a command on one existing case: every such message carries `command_id` (idempotency),
/// `case_id` and `occurred_at` under those names.
pub trait OnCase {
    /// The raw `command_id`, `case_id` and `occurred_at`, parsed by [`Commands::single`].
    fn ids(&self) -> (&str, &str, Option<&Timestamp>);
}

macro_rules! on_case {
    ($($request:ident),* $(,)?) => {$(
        impl OnCase for pb::$request {
            fn ids(&self) -> (&str, &str, Option<&Timestamp>) {
                (&self.command_id, &self.case_id, self.occurred_at.as_ref())
            }
        }
    )*};
}

on_case!(
    // Intake
    RecordDocumentRepealedRequest,
    // Review
    ConfirmReceiptRequest,
    RequestSupplementRequest,
    ReceiveSupplementRequest,
    StartConsultationRequest,
    AnswerConsultationRequest,
    ApproveExtensionRequest,
    DecideRequest,
    AnswerTicketAtOnceRequest,
    DispatchTicketRequest,
    SignTicketRequest,
    ReturnTicketRequest,
    ExtendTicketRequest,
    HandleTicketRequest,
    RemindTicketRequest,
    ContactProposerRequest,
    ExtendProposalRequest,
    // Reply
    DeliverReplyRequest,
    IssueFeeNoticeRequest,
    RecordFeePaidRequest,
    AbandonRequest,
    ReplyToCallerRequest,
    RecordFollowUpRequest,
    OrderReHandlingRequest,
    CloseRequest,
    ReplyProposalRequest,
    PublishProposalRequest,
    ConcludeChallengeRequest,
);

/// The state every command service holds: the executor.
#[derive(Clone)]
pub struct Rpc {
    commands: Commands,
}

impl Rpc {
    pub fn new(commands: Commands) -> Rpc {
        Rpc { commands }
    }

    pub fn commands(&self) -> &Commands {
        &self.commands
    }

    /// The caller, as the auth layer identified it; UNAUTHENTICATED if the request did not pass the layer
    /// (a server not built by `GrpcServer`), so a handler never runs for nobody.
    pub fn identity<T>(&self, request: &Request<T>) -> Result<Identity, Status> {
        let identity = request.extensions().get::<Identity>().cloned();
        Ok(identity.ok_or(HandlerError::Unauthenticated(
            "请求未经身份验证层：服务须由 GrpcServer 启动",
        ))?)
    }

    /// The whole of a one-case command RPC: take the caller's identity, let `command` translate the request's own fields
    /// (its errors name the field), then run it on the case the request names.
    pub async fn on_case<R: OnCase>(
        &self,
        request: Request<R>,
        command: impl FnOnce(&R) -> Result<CaseCommand, HandlerError>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.identity(&request)?;
        let request = request.into_inner();
        let command = command(&request)?;
        self.run(&caller, &request, command).await
    }

    /// Run `command` on the case `request` names, for an RPC that needed more than [`Rpc::on_case`] to build
    /// it (e.g. a log read).
    pub async fn run(
        &self,
        caller: &Identity,
        request: &impl OnCase,
        command: CaseCommand,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let (command_id, case_id, occurred_at) = request.ids();
        let case_ref = self
            .commands
            .single(caller, command_id, case_id, occurred_at, command)
            .await?;
        Ok(Response::new(case_ref))
    }
}
