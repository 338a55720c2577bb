//! What every command RPC does around its own field parsing: authenticate the caller, parse the request into
//! a domain command, run it on the case the request names, and answer with the case's `CaseRef`. Each RPC
//! method of `Review` and `Reply` is then only its translation from proto fields to a domain command.

use casetrack_api::v1 as pb;
use tonic::{Request, Response, Status};

use crate::auth::{Caller, Tokens};
use crate::command::Commands;
use crate::error::HandlerError;
use casetrack_domain::CaseCommand;

/// A request for a command on one existing case: every such message carries `command_id` (idempotency),
/// `case_id` and `occurred_at` under those names.
pub trait OnCase {
    /// The raw `command_id`, `case_id` and `occurred_at`, parsed by [`Commands::single`].
    fn ids(&self) -> (&str, &str, &str);
}

macro_rules! on_case {
    ($($request:ident),* $(,)?) => {$(
        impl OnCase for pb::$request {
            fn ids(&self) -> (&str, &str, &str) {
                (&self.command_id, &self.case_id, &self.occurred_at)
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

/// The state every command service holds: the executor and the tokens that say who is calling.
#[derive(Clone)]
pub struct Rpc {
    commands: Commands,
    tokens: Tokens,
}

impl Rpc {
    pub fn new(commands: Commands, tokens: Tokens) -> Rpc {
        Rpc { commands, tokens }
    }

    pub fn commands(&self) -> &Commands {
        &self.commands
    }

    /// The authenticated caller; UNAUTHENTICATED before anything else is looked at.
    pub fn caller<T>(&self, request: &Request<T>) -> Result<Caller, Status> {
        Ok(self.tokens.caller(request.metadata())?)
    }

    /// The whole of a one-case command RPC: authenticate, let `command` translate the request's own fields
    /// (its errors name the field), then run it on the case the request names.
    pub async fn on_case<R: OnCase>(
        &self,
        request: Request<R>,
        command: impl FnOnce(&R) -> Result<CaseCommand, HandlerError>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let request = request.into_inner();
        let command = command(&request)?;
        self.run(&caller, &request, command).await
    }

    /// Run `command` on the case `request` names, for an RPC that needed more than [`Rpc::on_case`] to build
    /// it (e.g. a log read).
    pub async fn run(
        &self,
        caller: &Caller,
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
