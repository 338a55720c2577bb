//! 依申请公开: an application for government information, from receipt to closing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::fees::{FeeBasis, Fen};
use crate::ids::{AgencyId, CaseId};
use crate::outcome::{ApplicantType, Outcome};

/// How an application reached the agency; decides which date is the receipt date (条例 Art. 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 当面: received the day it is handed in.
    InPerson,
    /// 信函, signed for: received the day the agency signs for it.
    PostSigned,
    /// 信函 needing no signature: received the day the agency confirms receipt with the applicant.
    PostUnsigned,
    /// 网络: received the day both sides confirm receipt.
    Internet,
    /// 传真 to the agency's fax: received the day both sides confirm receipt.
    Fax,
    /// Referred by a hotline ticket: received the day the referral reaches the agency.
    HotlineReferral,
}

impl Channel {
    /// Whether the receipt date is a separate confirmation (Art. 31(二) unsigned post, 31(三)).
    pub fn needs_receipt_confirmation(self) -> bool {
        matches!(self, Channel::PostUnsigned | Channel::Internet | Channel::Fax)
    }
}

/// The form of delivery the applicant asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryForm {
    Paper,
    Electronic,
    /// 查阅: inspection on site.
    Inspection,
    /// Not stated (every application received under schema v1).
    Unspecified,
}

/// Who is consulted while the clock pauses (Arts. 32 and 34).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultedParty {
    /// A third party whose rights may be affected (Art. 32).
    ThirdParty,
    /// Another agency that co-produced the information (Art. 34).
    Agency,
}

/// Why an application was abandoned; each maps to an outcome row of 三（六）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbandonReason {
    /// No 补正 by the deadline set (Art. 30) → `other.no_supplement`.
    NoSupplement,
    /// Fee notice not paid in time → `other.fee_unpaid`.
    FeeUnpaid,
}

impl AbandonReason {
    pub fn outcome(self) -> Outcome {
        match self {
            AbandonReason::NoSupplement => Outcome::OtherNoSupplement,
            AbandonReason::FeeUnpaid => Outcome::OtherFeeUnpaid,
        }
    }
}

/// Events of an application stream. Type names are `Application` + variant, e.g. `ApplicationReceived`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationEvent {
    /// The application arrived. `handed_in_on` is the day it was handed in, signed for, or referred;
    /// for channels needing confirmation the receipt date is `receipt_confirmed_on` (or a later
    /// `ReceiptConfirmed`). Schema v2 added `delivery_form`.
    Received {
        agency: AgencyId,
        applicant_type: ApplicantType,
        channel: Channel,
        handed_in_on: NaiveDate,
        receipt_confirmed_on: Option<NaiveDate>,
        content: String,
        delivery_form: DeliveryForm,
        referred_from: Option<CaseId>,
    },
    /// Both sides confirmed receipt (Art. 31(二)(三)).
    ReceiptConfirmed { confirmed_on: NaiveDate },
    /// 补正 requested (Art. 30): what to supplement and by when.
    SupplementRequested { requested_on: NaiveDate, what: String, supplement_by: NaiveDate },
    /// The supplemented application arrived; the reply period restarts from this day.
    Supplemented { received_on: NaiveDate },
    /// A consultation started; the clock pauses until it is answered (at most 15 working days).
    ConsultationStarted { party: String, party_kind: ConsultedParty, started_on: NaiveDate },
    ConsultationAnswered { party: String, answered_on: NaiveDate },
    /// The one extension (Art. 33), approved by the head of the disclosure office and notified.
    ExtensionApproved { working_days: u32, approved_by: String, reason: String, approved_on: NaiveDate },
    FeeNoticeIssued { basis: FeeBasis, amount: Fen, issued_on: NaiveDate, pay_by: NaiveDate },
    FeePaid { amount: Fen, paid_on: NaiveDate },
    /// The decision: exactly one outcome, with its legal reason.
    Decided { outcome: Outcome, legal_reason: String, decided_on: NaiveDate },
    ReplyDelivered { delivered_on: NaiveDate, method: String },
    /// Deemed abandoned (三（六）1 or 2); this is the application's outcome.
    Abandoned { reason: AbandonReason, abandoned_on: NaiveDate },
    Closed { closed_on: NaiveDate },
}

/// Consultations in progress or answered, by party.
pub type Consultations = BTreeMap<String, ConsultationWindow>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationWindow {
    pub party_kind: ConsultedParty,
    pub started_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
}
