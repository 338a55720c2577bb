//! The `Reply` service: answering and closing cases, fees, follow-up, and the results of challenges. Each
//! method translates its fields into a domain command; [`Rpc`] does the rest.

use casetrack_api::v1 as pb;
use casetrack_api::v1::reply_server::{Reply, ReplyServer};
use casetrack_domain::application::ApplicationCommand;
use casetrack_domain::challenge::{ChallengeCommand, ChallengeResult};
use casetrack_domain::fees::{FeeBasis, Fen};
use casetrack_domain::hotline::HotlineCommand;
use casetrack_domain::proposal::ProposalCommand;
use casetrack_domain::{CaseKind, stream_name};
use tonic::{Request, Response, Status};

use crate::command::Commands;
use crate::error::HandlerError;
use crate::parse;
use crate::rpc::Rpc;
use crate::server::MAX_REQUEST_BYTES;
use casetrack_domain::CaseCommand;

#[derive(Clone)]
pub struct ReplyService {
    rpc: Rpc,
}

impl ReplyService {
    pub fn new(commands: Commands) -> ReplyService {
        ReplyService {
            rpc: Rpc::new(commands),
        }
    }

    /// The tonic server, refusing requests larger than [`MAX_REQUEST_BYTES`].
    pub fn into_server(self) -> ReplyServer<ReplyService> {
        ReplyServer::new(self).max_decoding_message_size(MAX_REQUEST_BYTES)
    }
}

#[tonic::async_trait]
impl Reply for ReplyService {
    async fn deliver_reply(
        &self,
        request: Request<pb::DeliverReplyRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::DeliverReply {
                    delivered_on: parse::date("delivered_on", &r.delivered_on)?,
                    method: r.method.clone(),
                }
                .into())
            })
            .await
    }

    async fn issue_fee_notice(
        &self,
        request: Request<pb::IssueFeeNoticeRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                let basis = match r.basis.as_str() {
                    "per_application" => FeeBasis::PerApplication {
                        nth_in_month: r.quantity,
                    },
                    "per_page" => FeeBasis::PerPage { pages: r.quantity },
                    other => {
                        return Err(HandlerError::invalid(
                            "basis",
                            format!("unknown code {other:?}"),
                        ));
                    }
                };
                let issued_on = parse::date("issued_on", &r.issued_on)?;
                Ok(ApplicationCommand::IssueFeeNotice { basis, issued_on }.into())
            })
            .await
    }

    async fn record_fee_paid(
        &self,
        request: Request<pb::RecordFeePaidRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::RecordFeePayment {
                    amount: Fen(r.amount_fen),
                    paid_on: parse::date("paid_on", &r.paid_on)?,
                }
                .into())
            })
            .await
    }

    async fn abandon(
        &self,
        request: Request<pb::AbandonRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::Abandon {
                    reason: parse::code("reason", &r.reason)?,
                    abandoned_on: parse::date("abandoned_on", &r.abandoned_on)?,
                }
                .into())
            })
            .await
    }

    async fn reply_to_caller(
        &self,
        request: Request<pb::ReplyToCallerRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::Reply {
                    replied_on: parse::date("replied_on", &r.replied_on)?,
                }
                .into())
            })
            .await
    }

    async fn record_follow_up(
        &self,
        request: Request<pb::RecordFollowUpRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::FollowUp {
                    satisfaction: parse::code("satisfaction", &r.satisfaction)?,
                    followed_up_on: parse::date("followed_up_on", &r.followed_up_on)?,
                }
                .into())
            })
            .await
    }

    async fn order_re_handling(
        &self,
        request: Request<pb::OrderReHandlingRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::ReHandle {
                    reason: r.reason.clone(),
                    ordered_on: parse::date("ordered_on", &r.ordered_on)?,
                }
                .into())
            })
            .await
    }

    async fn close(
        &self,
        request: Request<pb::CloseRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let case_id = parse::case_id("case_id", &r.case_id)?;
        let closed_on = parse::date("closed_on", &r.closed_on)?;
        // Applications and tickets both close; the case's own stream says which it is.
        let application = stream_name(CaseKind::Application, case_id);
        let command: CaseCommand = if self
            .rpc
            .commands()
            .log()
            .read_last(&application)
            .await
            .map_err(HandlerError::from)?
            .is_some()
        {
            ApplicationCommand::Close { closed_on }.into()
        } else {
            HotlineCommand::Close { closed_on }.into()
        };
        self.rpc.run(&caller, &r, command).await
    }

    async fn reply_proposal(
        &self,
        request: Request<pb::ReplyProposalRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ProposalCommand::Reply {
                    result_class: r.result_class.clone(),
                    replied_on: parse::date("replied_on", &r.replied_on)?,
                }
                .into())
            })
            .await
    }

    async fn publish_proposal(
        &self,
        request: Request<pb::PublishProposalRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ProposalCommand::Publish {
                    published_on: parse::date("published_on", &r.published_on)?,
                }
                .into())
            })
            .await
    }

    async fn conclude_challenge(
        &self,
        request: Request<pb::ConcludeChallengeRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                let result = parse::lookup("result", &r.result, |code| {
                    ChallengeResult::ALL
                        .into_iter()
                        .find(|c| c.cell_column() == code)
                })?;
                Ok(ChallengeCommand::Conclude {
                    result,
                    concluded_on: parse::date("concluded_on", &r.concluded_on)?,
                }
                .into())
            })
            .await
    }
}
