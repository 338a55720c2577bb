//! The actions staff take on an existing case — what a case page offers — and which of them a case accepts
//! now. A case accepts an act when its kind's `decide` accepts the act's *probe*: the least demanding command of
//! that act the case's state admits (every date the earliest or latest its rules allow, every text filled,
//! the unit or party the state names). So the offer is the command rules themselves, asked, and cannot
//! disagree with them: what is offered is accepted for some input, what is not offered is refused for every
//! input (a property test over generated histories, `tests/properties.rs`).

use serde::{Deserialize, Serialize};

/// An action on an existing case, each one command of one kind (and one gRPC method of the handlers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    ConfirmReceipt,
    RequestSupplement,
    ReceiveSupplement,
    StartConsultation,
    AnswerConsultation,
    ApproveExtension,
    Decide,
    DeliverReply,
    DispatchTicket,
    SignTicket,
    ReturnTicket,
    ExtendTicket,
    HandleTicket,
    MergeTickets,
    RecordFollowUp,
}

impl Act {
    pub const ALL: [Act; 15] = [
        Act::ConfirmReceipt,
        Act::RequestSupplement,
        Act::ReceiveSupplement,
        Act::StartConsultation,
        Act::AnswerConsultation,
        Act::ApproveExtension,
        Act::Decide,
        Act::DeliverReply,
        Act::DispatchTicket,
        Act::SignTicket,
        Act::ReturnTicket,
        Act::ExtendTicket,
        Act::HandleTicket,
        Act::MergeTickets,
        Act::RecordFollowUp,
    ];

    /// The act's code, as `GetCase` lists what a case accepts: the snake_case of its gRPC method's name.
    pub fn code(self) -> &'static str {
        match self {
            Act::ConfirmReceipt => "confirm_receipt",
            Act::RequestSupplement => "request_supplement",
            Act::ReceiveSupplement => "receive_supplement",
            Act::StartConsultation => "start_consultation",
            Act::AnswerConsultation => "answer_consultation",
            Act::ApproveExtension => "approve_extension",
            Act::Decide => "decide",
            Act::DeliverReply => "deliver_reply",
            Act::DispatchTicket => "dispatch_ticket",
            Act::SignTicket => "sign_ticket",
            Act::ReturnTicket => "return_ticket",
            Act::ExtendTicket => "extend_ticket",
            Act::HandleTicket => "handle_ticket",
            Act::MergeTickets => "merge_tickets",
            Act::RecordFollowUp => "record_follow_up",
        }
    }
}

/// The text a probe fills every required text field with: any non-empty text within bounds passes.
pub const PROBE_TEXT: &str = "探询";
