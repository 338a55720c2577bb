//! A generated year as data: for every case, the intake request that creates it and the review/reply
//! requests that follow, each exactly as the public gRPC API takes it. `case_id` fields are left empty: the
//! server derives the case id, and the driver fills it in from the intake's answer.

use casetrack_api::v1 as pb;

/// The request that brings a case (or a counted record) into the system.
#[derive(Debug, Clone, PartialEq)]
pub enum Submit {
    Application(pb::SubmitApplicationRequest),
    Hotline(pb::SubmitHotlineTicketRequest),
    Proposal(pb::SubmitProposalRequest),
    Disclosure(pb::RecordDisclosureRequest),
    Document(pb::RecordDocumentIssuedRequest),
    Count(pb::RecordCountRequest),
    Fees(pb::RecordFeesCollectedRequest),
    /// A challenge of the application at index `application` of [`DemoYear::cases`]; litigation after
    /// reconsideration names the reconsideration's index in `prior`.
    Challenge {
        request: pb::SubmitChallengeRequest,
        application: usize,
        prior: Option<usize>,
    },
}

/// A command on the case its script created.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    ConfirmReceipt(pb::ConfirmReceiptRequest),
    RequestSupplement(pb::RequestSupplementRequest),
    ReceiveSupplement(pb::ReceiveSupplementRequest),
    StartConsultation(pb::StartConsultationRequest),
    AnswerConsultation(pb::AnswerConsultationRequest),
    ApproveExtension(pb::ApproveExtensionRequest),
    Decide(pb::DecideRequest),
    DeliverReply(pb::DeliverReplyRequest),
    Abandon(pb::AbandonRequest),
    Close(pb::CloseRequest),
    AnswerTicketAtOnce(pb::AnswerTicketAtOnceRequest),
    DispatchTicket(pb::DispatchTicketRequest),
    SignTicket(pb::SignTicketRequest),
    ReturnTicket(pb::ReturnTicketRequest),
    ExtendTicket(pb::ExtendTicketRequest),
    HandleTicket(pb::HandleTicketRequest),
    RemindTicket(pb::RemindTicketRequest),
    ReplyToCaller(pb::ReplyToCallerRequest),
    RecordFollowUp(pb::RecordFollowUpRequest),
    OrderReHandling(pb::OrderReHandlingRequest),
    ContactProposer(pb::ContactProposerRequest),
    ExtendProposal(pb::ExtendProposalRequest),
    ReplyProposal(pb::ReplyProposalRequest),
    PublishProposal(pb::PublishProposalRequest),
    RepealDocument(pb::RecordDocumentRepealedRequest),
    ConcludeChallenge(pb::ConcludeChallengeRequest),
}

/// One case from intake to its last step.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseScript {
    pub submit: Submit,
    pub steps: Vec<Step>,
}

impl CaseScript {
    /// Every gRPC call the script makes.
    pub fn calls(&self) -> usize {
        1 + self.steps.len()
    }

    /// Challenges link to other cases, so they run after the cases they name have run.
    pub fn is_challenge(&self) -> bool {
        matches!(self.submit, Submit::Challenge { .. })
    }
}

/// A generated year: every case in the order it is submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoYear {
    pub year: i32,
    pub cases: Vec<CaseScript>,
}

impl DemoYear {
    pub fn calls(&self) -> usize {
        self.cases.iter().map(CaseScript::calls).sum()
    }
}
