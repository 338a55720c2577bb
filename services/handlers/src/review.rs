//! The `Review` service: handling between intake and reply. Each method translates its fields into a domain
//! command and [`Rpc`] runs it on the case; the domain decides whether the case's state allows it.

use casetrack_api::v1 as pb;
use casetrack_api::v1::review_server::{Review, ReviewServer};
use casetrack_domain::application::ApplicationCommand;
use casetrack_domain::hotline::HotlineCommand;
use casetrack_domain::proposal::ProposalCommand;
use casetrack_domain::{Outcome, application::ConsultedParty};
use tonic::{Request, Response, Status};

use crate::command::{Actor, Commands, Step};
use crate::error::HandlerError;
use crate::parse;
use crate::rpc::Rpc;
use crate::server::MAX_REQUEST_BYTES;

#[derive(Clone)]
pub struct ReviewService {
    rpc: Rpc,
}

impl ReviewService {
    pub fn new(commands: Commands) -> ReviewService {
        ReviewService {
            rpc: Rpc::new(commands),
        }
    }

    /// The tonic server, refusing requests larger than [`MAX_REQUEST_BYTES`].
    pub fn into_server(self) -> ReviewServer<ReviewService> {
        ReviewServer::new(self).max_decoding_message_size(MAX_REQUEST_BYTES)
    }
}

#[tonic::async_trait]
impl Review for ReviewService {
    async fn confirm_receipt(
        &self,
        request: Request<pb::ConfirmReceiptRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::ConfirmReceipt {
                    confirmed_on: parse::date("confirmed_on", &r.confirmed_on)?,
                }
                .into())
            })
            .await
    }

    async fn request_supplement(
        &self,
        request: Request<pb::RequestSupplementRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::RequestSupplement {
                    requested_on: parse::date("requested_on", &r.requested_on)?,
                    what: r.what.clone(),
                    supplement_by: parse::date("supplement_by", &r.supplement_by)?,
                }
                .into())
            })
            .await
    }

    async fn receive_supplement(
        &self,
        request: Request<pb::ReceiveSupplementRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::ReceiveSupplement {
                    received_on: parse::date("received_on", &r.received_on)?,
                }
                .into())
            })
            .await
    }

    async fn start_consultation(
        &self,
        request: Request<pb::StartConsultationRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                let party_kind: ConsultedParty = parse::code("party_kind", &r.party_kind)?;
                Ok(ApplicationCommand::StartConsultation {
                    party: r.party.clone(),
                    party_kind,
                    started_on: parse::date("started_on", &r.started_on)?,
                }
                .into())
            })
            .await
    }

    async fn answer_consultation(
        &self,
        request: Request<pb::AnswerConsultationRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::AnswerConsultation {
                    party: r.party.clone(),
                    answered_on: parse::date("answered_on", &r.answered_on)?,
                }
                .into())
            })
            .await
    }

    async fn approve_extension(
        &self,
        request: Request<pb::ApproveExtensionRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::ApproveExtension {
                    working_days: r.working_days,
                    approved_by: r.approved_by.clone(),
                    reason: r.reason.clone(),
                    approved_on: parse::date("approved_on", &r.approved_on)?,
                }
                .into())
            })
            .await
    }

    async fn decide(
        &self,
        request: Request<pb::DecideRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ApplicationCommand::Decide {
                    outcome: parse::lookup("outcome", &r.outcome, Outcome::from_cell_row)?,
                    legal_reason: r.legal_reason.clone(),
                    decided_on: parse::date("decided_on", &r.decided_on)?,
                }
                .into())
            })
            .await
    }

    async fn answer_ticket_at_once(
        &self,
        request: Request<pb::AnswerTicketAtOnceRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::AnswerAtOnce {
                    answered_on: parse::date("answered_on", &r.answered_on)?,
                    answer: r.answer.clone(),
                }
                .into())
            })
            .await
    }

    async fn dispatch_ticket(
        &self,
        request: Request<pb::DispatchTicketRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::Dispatch {
                    unit: parse::agency("unit", &r.unit)?,
                    time_limit_working_days: r.time_limit_working_days,
                    dispatched_on: parse::date("dispatched_on", &r.dispatched_on)?,
                }
                .into())
            })
            .await
    }

    async fn sign_ticket(
        &self,
        request: Request<pb::SignTicketRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::Sign {
                    unit: parse::agency("unit", &r.unit)?,
                    signed_on: parse::date("signed_on", &r.signed_on)?,
                }
                .into())
            })
            .await
    }

    async fn return_ticket(
        &self,
        request: Request<pb::ReturnTicketRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::Return {
                    unit: parse::agency("unit", &r.unit)?,
                    reason: r.reason.clone(),
                    returned_on: parse::date("returned_on", &r.returned_on)?,
                }
                .into())
            })
            .await
    }

    async fn extend_ticket(
        &self,
        request: Request<pb::ExtendTicketRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::Extend {
                    working_days: r.working_days,
                    reason: r.reason.clone(),
                    granted_on: parse::date("granted_on", &r.granted_on)?,
                }
                .into())
            })
            .await
    }

    async fn handle_ticket(
        &self,
        request: Request<pb::HandleTicketRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::Handle {
                    result: r.result.clone(),
                    handled_on: parse::date("handled_on", &r.handled_on)?,
                }
                .into())
            })
            .await
    }

    async fn remind_ticket(
        &self,
        request: Request<pb::RemindTicketRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(HotlineCommand::Remind {
                    level: parse::code("level", &r.level)?,
                    note: r.note.clone(),
                    reminded_on: parse::date("reminded_on", &r.reminded_on)?,
                }
                .into())
            })
            .await
    }

    async fn merge_tickets(
        &self,
        request: Request<pb::MergeTicketsRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        let caller = self.rpc.identity(&request)?;
        let r = request.into_inner();
        let command_id = parse::command_id(&r.command_id)?;
        let duplicate = parse::case_id("case_id", &r.case_id)?;
        let primary = parse::case_id("primary_case_id", &r.primary_case_id)?;
        let merged_on = parse::date("merged_on", &r.merged_on)?;
        let at = parse::occurred_at(r.occurred_at.as_ref(), chrono::Utc::now())?;
        // Both sides of 并单 in one atomic append: the duplicate points at the primary and the primary links
        // the duplicate, or neither does.
        let steps = vec![
            Step {
                field: "case_id",
                case_id: duplicate,
                command: HotlineCommand::MergeInto { primary, merged_on }.into(),
            },
            Step {
                field: "primary_case_id",
                case_id: primary,
                command: HotlineCommand::LinkDuplicate {
                    duplicate,
                    linked_on: merged_on,
                }
                .into(),
            },
        ];
        let refs = self
            .rpc
            .commands()
            .execute(Actor::Caller(&caller), command_id, at, steps)
            .await
            .map_err(merge_field)?;
        Ok(Response::new(refs.into()))
    }

    async fn contact_proposer(
        &self,
        request: Request<pb::ContactProposerRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ProposalCommand::ContactProposer {
                    contacted_on: parse::date("contacted_on", &r.contacted_on)?,
                    note: r.note.clone(),
                }
                .into())
            })
            .await
    }

    async fn extend_proposal(
        &self,
        request: Request<pb::ExtendProposalRequest>,
    ) -> Result<Response<pb::CaseRef>, Status> {
        self.rpc
            .on_case(request, |r| {
                Ok(ProposalCommand::ExtendToSixMonths {
                    reason: r.reason.clone(),
                    extended_on: parse::date("extended_on", &r.extended_on)?,
                }
                .into())
            })
            .await
    }
}

/// The primary's half of a merge is the domain's `LinkDuplicate`, whose date field is the request's `merged_on`.
fn merge_field(error: HandlerError) -> HandlerError {
    match error {
        HandlerError::Rule(mut violation) if violation.field == "linked_on" => {
            violation.field = "merged_on";
            HandlerError::Rule(violation)
        }
        other => other,
    }
}
