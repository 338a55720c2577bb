//! The `Reply` service: answering and closing cases, fees, follow-up, and the results of challenges.

use casetrack_api::v1 as pb;
use casetrack_api::v1::reply_server::{Reply, ReplyServer};
use casetrack_domain::application::ApplicationCommand;
use casetrack_domain::challenge::{ChallengeCommand, ChallengeResult};
use casetrack_domain::fees::{FeeBasis, Fen};
use casetrack_domain::hotline::HotlineCommand;
use casetrack_domain::proposal::ProposalCommand;
use casetrack_domain::{CaseKind, stream_name};
use tonic::{Request, Response, Status};

use crate::auth::{Caller, Tokens};
use crate::command::Commands;
use crate::error::HandlerError;
use crate::lifecycle::CaseCommand;
use crate::parse;
use crate::server::MAX_REQUEST_BYTES;

#[derive(Clone)]
pub struct ReplyService {
    commands: Commands,
    tokens: Tokens,
}

impl ReplyService {
    pub fn new(commands: Commands, tokens: Tokens) -> ReplyService {
        ReplyService { commands, tokens }
    }

    /// The tonic server, refusing requests larger than [`MAX_REQUEST_BYTES`].
    pub fn into_server(self) -> ReplyServer<ReplyService> {
        ReplyServer::new(self).max_decoding_message_size(MAX_REQUEST_BYTES)
    }

    fn caller<T>(&self, request: &Request<T>) -> Result<Caller, Status> {
        Ok(self.tokens.caller(request.metadata())?)
    }

    async fn run(
        &self,
        caller: Caller,
        ids: (&str, &str, &str),
        command: CaseCommand,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let (command_id, case_id, occurred_at) = ids;
        Ok(Response::new(
            self.commands
                .single(&caller, command_id, case_id, occurred_at, command)
                .await?,
        ))
    }
}

fn app(command: ApplicationCommand) -> CaseCommand {
    CaseCommand::Application(command)
}

fn ticket(command: HotlineCommand) -> CaseCommand {
    CaseCommand::Hotline(command)
}

#[tonic::async_trait]
impl Reply for ReplyService {
    async fn deliver_reply(
        &self,
        request: Request<pb::DeliverReplyRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let delivered_on = parse::date("delivered_on", &r.delivered_on)?;
        let command = app(ApplicationCommand::DeliverReply {
            delivered_on,
            method: r.method.clone(),
        });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn issue_fee_notice(
        &self,
        request: Request<pb::IssueFeeNoticeRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let basis = match r.basis.as_str() {
            "per_application" => FeeBasis::PerApplication {
                nth_in_month: r.quantity,
            },
            "per_page" => FeeBasis::PerPage { pages: r.quantity },
            other => {
                return Err(
                    HandlerError::invalid("basis", format!("unknown code {other:?}")).into(),
                );
            }
        };
        let issued_on = parse::date("issued_on", &r.issued_on)?;
        let command = app(ApplicationCommand::IssueFeeNotice { basis, issued_on });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn record_fee_paid(
        &self,
        request: Request<pb::RecordFeePaidRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let paid_on = parse::date("paid_on", &r.paid_on)?;
        let command = app(ApplicationCommand::RecordFeePayment {
            amount: Fen(r.amount_fen),
            paid_on,
        });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn abandon(
        &self,
        request: Request<pb::AbandonRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let reason = parse::code("reason", &r.reason)?;
        let abandoned_on = parse::date("abandoned_on", &r.abandoned_on)?;
        let command = app(ApplicationCommand::Abandon {
            reason,
            abandoned_on,
        });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn reply_to_caller(
        &self,
        request: Request<pb::ReplyToCallerRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let replied_on = parse::date("replied_on", &r.replied_on)?;
        self.run(
            caller,
            (&r.command_id, &r.case_id, &r.occurred_at),
            ticket(HotlineCommand::Reply { replied_on }),
        )
        .await
    }

    async fn record_follow_up(
        &self,
        request: Request<pb::RecordFollowUpRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let satisfaction = parse::code("satisfaction", &r.satisfaction)?;
        let followed_up_on = parse::date("followed_up_on", &r.followed_up_on)?;
        let command = ticket(HotlineCommand::FollowUp {
            satisfaction,
            followed_up_on,
        });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn order_re_handling(
        &self,
        request: Request<pb::OrderReHandlingRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let ordered_on = parse::date("ordered_on", &r.ordered_on)?;
        let command = ticket(HotlineCommand::ReHandle {
            reason: r.reason.clone(),
            ordered_on,
        });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn close(
        &self,
        request: Request<pb::CloseRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let case_id = parse::case_id("case_id", &r.case_id)?;
        let closed_on = parse::date("closed_on", &r.closed_on)?;
        // Applications and tickets both close; the case's own stream says which it is.
        let application = stream_name(CaseKind::Application, case_id);
        let command = if self
            .commands
            .log()
            .read_last(&application)
            .await
            .map_err(HandlerError::from)?
            .is_some()
        {
            app(ApplicationCommand::Close { closed_on })
        } else {
            ticket(HotlineCommand::Close { closed_on })
        };
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn reply_proposal(
        &self,
        request: Request<pb::ReplyProposalRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let replied_on = parse::date("replied_on", &r.replied_on)?;
        let command = CaseCommand::Proposal(ProposalCommand::Reply {
            result_class: r.result_class.clone(),
            replied_on,
        });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn publish_proposal(
        &self,
        request: Request<pb::PublishProposalRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let published_on = parse::date("published_on", &r.published_on)?;
        let command = CaseCommand::Proposal(ProposalCommand::Publish { published_on });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }

    async fn conclude_challenge(
        &self,
        request: Request<pb::ConcludeChallengeRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.caller(&request)?;
        let r = request.into_inner();
        let result = parse::lookup("result", &r.result, |code| {
            ChallengeResult::ALL
                .into_iter()
                .find(|c| c.cell_column() == code)
        })?;
        let concluded_on = parse::date("concluded_on", &r.concluded_on)?;
        let command = CaseCommand::Challenge(ChallengeCommand::Conclude {
            result,
            concluded_on,
        });
        self.run(caller, (&r.command_id, &r.case_id, &r.occurred_at), command)
            .await
    }
}
