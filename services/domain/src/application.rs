//! 依申请公开: an application for government information, from receipt to closing.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::acts::{Act, PROBE_TEXT};
use crate::calendar::Calendar;
use crate::event::{Event, EventBody, ReplayError, admit};
use crate::fees::{FeeBasis, Fen};
use crate::ids::{AgencyId, CaseId, CaseKind};
use crate::lifecycle::{DeadlineMove, ReminderLevel};
use crate::outcome::{ApplicantType, Outcome};
use crate::person::Person;
use crate::rule::{Rule, RuleViolation, check};
use crate::summary::{CaseDetail, CaseState, CaseStatus};
use crate::time::local_date;

/// How an application reached the agency; decides which date is the receipt date (条例 Art. 31). Read by its code
/// or, where one names a single channel, its Chinese name (信函 does not: signed for or not decides the date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 当面: received the day it is handed in.
    #[serde(alias = "当面")]
    InPerson,
    /// 信函, signed for: received the day the agency signs for it.
    PostSigned,
    /// 信函 needing no signature: received the day the agency confirms receipt with the applicant.
    PostUnsigned,
    /// 网络: received the day both sides confirm receipt.
    #[serde(alias = "网络")]
    Internet,
    /// 传真 to the agency's fax: received the day both sides confirm receipt.
    #[serde(alias = "传真")]
    Fax,
    /// Referred by a hotline ticket: received the day the referral reaches the agency.
    HotlineReferral,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::InPerson,
        Channel::PostSigned,
        Channel::PostUnsigned,
        Channel::Internet,
        Channel::Fax,
        Channel::HotlineReferral,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::InPerson => "in_person",
            Channel::PostSigned => "post_signed",
            Channel::PostUnsigned => "post_unsigned",
            Channel::Internet => "internet",
            Channel::Fax => "fax",
            Channel::HotlineReferral => "hotline_referral",
        }
    }

    /// How the case file names the channel.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交",
            Channel::PostSigned => "信函，已签收",
            Channel::PostUnsigned => "信函，无需签收",
            Channel::Internet => "网络提交",
            Channel::Fax => "传真",
            Channel::HotlineReferral => "热线转办",
        }
    }

    /// Whether the receipt date is a separate confirmation (Art. 31(二) unsigned post, 31(三)).
    pub fn needs_receipt_confirmation(self) -> bool {
        matches!(
            self,
            Channel::PostUnsigned | Channel::Internet | Channel::Fax
        )
    }

    /// The Art. 31 receipt date known on arrival: the day handed in, or for channels needing a
    /// confirmation, the day confirmed (None until then).
    fn receipt_date(
        self,
        handed_in_on: NaiveDate,
        confirmed_on: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        if self.needs_receipt_confirmation() {
            confirmed_on
        } else {
            Some(handed_in_on)
        }
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

impl DeliveryForm {
    pub fn label_zh(self) -> &'static str {
        match self {
            DeliveryForm::Paper => "纸质",
            DeliveryForm::Electronic => "电子",
            DeliveryForm::Inspection => "现场查阅",
            DeliveryForm::Unspecified => "未注明",
        }
    }
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
    pub fn label_zh(self) -> &'static str {
        match self {
            AbandonReason::NoSupplement => "逾期不补正",
            AbandonReason::FeeUnpaid => "逾期未缴纳信息处理费",
        }
    }

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
        /// The applicant's contact details (personal data); absent in events recorded before they were
        /// carried, and then absent from the JSON too, so those events stay byte-identical.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        applicant: Option<Person>,
    },
    /// Both sides confirmed receipt (Art. 31(二)(三)).
    ReceiptConfirmed {
        confirmed_on: NaiveDate,
    },
    /// 补正 requested (Art. 30): what to supplement and by when.
    SupplementRequested {
        requested_on: NaiveDate,
        what: String,
        supplement_by: NaiveDate,
    },
    /// The supplemented application arrived; the reply period restarts from this day.
    Supplemented {
        received_on: NaiveDate,
    },
    /// A consultation started; the clock pauses until it is answered (at most 15 working days).
    ConsultationStarted {
        party: String,
        party_kind: ConsultedParty,
        started_on: NaiveDate,
    },
    ConsultationAnswered {
        party: String,
        answered_on: NaiveDate,
    },
    /// The one extension (Art. 33), approved by the head of the disclosure office and notified.
    ExtensionApproved {
        working_days: u32,
        approved_by: String,
        reason: String,
        approved_on: NaiveDate,
    },
    FeeNoticeIssued {
        basis: FeeBasis,
        amount: Fen,
        issued_on: NaiveDate,
        pay_by: NaiveDate,
    },
    FeePaid {
        amount: Fen,
        paid_on: NaiveDate,
    },
    /// The decision: exactly one outcome, with its legal reason.
    Decided {
        outcome: Outcome,
        legal_reason: String,
        decided_on: NaiveDate,
    },
    ReplyDelivered {
        delivered_on: NaiveDate,
        method: String,
    },
    /// Deemed abandoned (三（六）1 or 2); this is the application's outcome.
    Abandoned {
        reason: AbandonReason,
        abandoned_on: NaiveDate,
    },
    Closed {
        closed_on: NaiveDate,
    },
    /// 催办 / 督办 of the reply deadline (by the reminder pass); a reminder moves no deadline.
    Reminded {
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    },
    /// A newly loaded holiday arrangement moved the reply deadline (history for the case and the staff; the
    /// deadline itself is always computed from the calendar in force).
    DeadlineMoved {
        old: Option<NaiveDate>,
        new: Option<NaiveDate>,
        notice: String,
    },
}

/// Consultations in progress or answered, by party.
pub type Consultations = BTreeMap<String, ConsultationWindow>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationWindow {
    pub party_kind: ConsultedParty,
    pub started_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
}

/// 补正 may be requested within this many working days of receipt (Art. 30).
pub const SUPPLEMENT_REQUEST_WORKING_DAYS: u32 = 7;
/// The one extension adds at most this many working days (Art. 33).
pub const MAX_EXTENSION_WORKING_DAYS: u32 = 20;
/// Working days the applicant has to pay a fee notice, from the day after it (provincial rule).
pub const FEE_PAYMENT_WORKING_DAYS: u32 = 20;
/// The most consultations one application may have open or answered.
pub const MAX_CONSULTATIONS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementRequest {
    pub requested_on: NaiveDate,
    pub supplement_by: NaiveDate,
    pub received_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub working_days: u32,
    pub approved_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeNotice {
    pub basis: FeeBasis,
    pub amount: Fen,
    pub issued_on: NaiveDate,
    pub pay_by: NaiveDate,
    pub paid_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub legal_reason: String,
    pub decided_on: NaiveDate,
}

/// Facts fixed at receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub case_id: CaseId,
    pub agency: AgencyId,
    pub applicant_type: ApplicantType,
    pub channel: Channel,
    pub handed_in_on: NaiveDate,
    /// The Art. 31 receipt date, once established.
    pub received_on: Option<NaiveDate>,
    pub delivery_form: DeliveryForm,
    pub referred_from: Option<CaseId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<Person>,
}

/// An application's state: a fold of its events. `Default` is "no such application yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationState {
    pub receipt: Option<Receipt>,
    pub supplement: Option<SupplementRequest>,
    pub consultations: Consultations,
    pub extension: Option<Extension>,
    pub fee_notice: Option<FeeNotice>,
    pub decision: Option<Decision>,
    pub abandoned: Option<(AbandonReason, NaiveDate)>,
    pub reply_delivered_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// The first end of handling and the table 三 row it counts in: a decision, an abandonment, or a closure
    /// without either (三（六）3 其他, e.g. withdrawn). A later ending event does not move the case to
    /// another row.
    pub handling_ended: Option<(Outcome, NaiveDate)>,
    /// Every fee payment with the day it was made (the annual report counts it in that year).
    pub fees_paid: Vec<(Fen, NaiveDate)>,
    /// Events folded so far (the stream revision + 1).
    pub event_count: u64,
}

/// Where an application is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStage {
    AwaitingReceiptConfirmation,
    AwaitingSupplement,
    UnderReview,
    Decided,
    ReplyDelivered,
    Closed,
}

impl ApplicationStage {
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStage::AwaitingReceiptConfirmation => "awaiting_receipt_confirmation",
            ApplicationStage::AwaitingSupplement => "awaiting_supplement",
            ApplicationStage::UnderReview => "under_review",
            ApplicationStage::Decided => "decided",
            ApplicationStage::ReplyDelivered => "reply_delivered",
            ApplicationStage::Closed => "closed",
        }
    }
}

impl ApplicationState {
    /// The outcome, once handling ended by a decision or by abandonment.
    pub fn outcome(&self) -> Option<Outcome> {
        self.decision
            .as_ref()
            .map(|d| d.outcome)
            .or(self.abandoned.map(|(reason, _)| reason.outcome()))
    }

    /// The day handling ended (decision or abandonment).
    pub fn ended_on(&self) -> Option<NaiveDate> {
        self.decision
            .as_ref()
            .map(|d| d.decided_on)
            .or(self.abandoned.map(|(_, on)| on))
    }

    pub fn supplement_outstanding(&self) -> bool {
        self.pending_supplement().is_some()
    }

    pub fn fee_outstanding(&self) -> bool {
        self.pending_fee_notice().is_some()
    }

    /// The 补正 request, while the supplement has not arrived.
    fn pending_supplement(&self) -> Option<&SupplementRequest> {
        self.supplement.as_ref().filter(|s| s.received_on.is_none())
    }

    /// The fee notice, while it is unpaid.
    fn pending_fee_notice(&self) -> Option<&FeeNotice> {
        self.fee_notice.as_ref().filter(|n| n.paid_on.is_none())
    }

    pub fn stage(&self) -> Option<ApplicationStage> {
        let receipt = self.receipt.as_ref()?;
        Some(if self.closed_on.is_some() {
            ApplicationStage::Closed
        } else if self.reply_delivered_on.is_some() {
            ApplicationStage::ReplyDelivered
        } else if self.outcome().is_some() {
            ApplicationStage::Decided
        } else if receipt.received_on.is_none() {
            ApplicationStage::AwaitingReceiptConfirmation
        } else if self.supplement_outstanding() {
            ApplicationStage::AwaitingSupplement
        } else {
            ApplicationStage::UnderReview
        })
    }

    /// The kind-independent summary; `None` before receipt.
    pub fn case_state(&self) -> Option<CaseState> {
        let receipt = self.receipt.as_ref()?;
        let stage = self.stage()?;
        Some(CaseState {
            case_id: receipt.case_id,
            kind: CaseKind::Application,
            agency: receipt.agency.clone(),
            received_on: receipt.received_on.unwrap_or(receipt.handed_in_on),
            status: if self.closed_on.is_some() {
                CaseStatus::Closed
            } else {
                CaseStatus::Open
            },
            stage: stage.code().to_owned(),
            outcome: self.outcome(),
            applicant_type: Some(receipt.applicant_type),
            decided_on: self.ended_on(),
            closed_on: self.closed_on,
            detail: CaseDetail::Application {
                channel: receipt.channel,
                extended: self.extension.is_some(),
                referred_from: receipt.referred_from,
            },
        })
    }
}

/// Fold one event into the state.
pub fn evolve(state: &mut ApplicationState, event: &Event) -> Result<(), ReplayError> {
    let creates = matches!(
        &event.body,
        EventBody::Application(ApplicationEvent::Received { .. })
    );
    admit(
        CaseKind::Application,
        state.receipt.as_ref().map(|r| r.case_id),
        event,
        creates,
    )?;
    let EventBody::Application(body) = &event.body else {
        unreachable!("admit verified the kind");
    };
    fold(state, event.case_id, body.clone());
    state.event_count += 1;
    Ok(())
}

/// Fold an event `evolve` admitted into the state.
fn fold(state: &mut ApplicationState, case_id: CaseId, body: ApplicationEvent) {
    match body {
        ApplicationEvent::Received {
            agency,
            applicant_type,
            channel,
            handed_in_on,
            receipt_confirmed_on,
            content: _,
            delivery_form,
            referred_from,
            applicant,
        } => {
            state.receipt = Some(Receipt {
                case_id,
                agency,
                applicant_type,
                channel,
                handed_in_on,
                received_on: channel.receipt_date(handed_in_on, receipt_confirmed_on),
                delivery_form,
                referred_from,
                applicant,
            });
        }
        ApplicationEvent::ReceiptConfirmed { confirmed_on } => {
            receipt_confirmed(state, confirmed_on)
        }
        ApplicationEvent::SupplementRequested {
            requested_on,
            what: _,
            supplement_by,
        } => supplement_requested(state, requested_on, supplement_by),
        ApplicationEvent::Supplemented { received_on } => supplemented(state, received_on),
        ApplicationEvent::ConsultationStarted {
            party,
            party_kind,
            started_on,
        } => consultation_started(state, party, party_kind, started_on),
        ApplicationEvent::ConsultationAnswered { party, answered_on } => {
            consultation_answered(state, &party, answered_on)
        }
        ApplicationEvent::ExtensionApproved {
            working_days,
            approved_by: _,
            reason: _,
            approved_on,
        } => extension_approved(state, working_days, approved_on),
        ApplicationEvent::FeeNoticeIssued {
            basis,
            amount,
            issued_on,
            pay_by,
        } => fee_notice_issued(state, basis, amount, issued_on, pay_by),
        ApplicationEvent::FeePaid { amount, paid_on } => fee_paid(state, amount, paid_on),
        ApplicationEvent::Decided {
            outcome,
            legal_reason,
            decided_on,
        } => decided(state, outcome, legal_reason, decided_on),
        ApplicationEvent::ReplyDelivered {
            delivered_on,
            method: _,
        } => state.reply_delivered_on = Some(delivered_on),
        ApplicationEvent::Abandoned {
            reason,
            abandoned_on,
        } => abandoned(state, reason, abandoned_on),
        ApplicationEvent::Closed { closed_on } => closed(state, closed_on),
        ApplicationEvent::Reminded { .. } | ApplicationEvent::DeadlineMoved { .. } => {}
    }
}

fn receipt_confirmed(state: &mut ApplicationState, confirmed_on: NaiveDate) {
    if let Some(receipt) = state.receipt.as_mut() {
        receipt.received_on = Some(confirmed_on);
    }
}

fn supplement_requested(
    state: &mut ApplicationState,
    requested_on: NaiveDate,
    supplement_by: NaiveDate,
) {
    state.supplement = Some(SupplementRequest {
        requested_on,
        supplement_by,
        received_on: None,
    });
}

fn supplemented(state: &mut ApplicationState, received_on: NaiveDate) {
    if let Some(supplement) = state.supplement.as_mut() {
        supplement.received_on = Some(received_on);
    }
}

fn consultation_started(
    state: &mut ApplicationState,
    party: String,
    party_kind: ConsultedParty,
    started_on: NaiveDate,
) {
    let window = ConsultationWindow {
        party_kind,
        started_on,
        answered_on: None,
    };
    state.consultations.insert(party, window);
}

fn consultation_answered(state: &mut ApplicationState, party: &str, answered_on: NaiveDate) {
    if let Some(window) = state.consultations.get_mut(party) {
        window.answered_on = Some(answered_on);
    }
}

fn extension_approved(state: &mut ApplicationState, working_days: u32, approved_on: NaiveDate) {
    state.extension = Some(Extension {
        working_days,
        approved_on,
    });
}

fn fee_notice_issued(
    state: &mut ApplicationState,
    basis: FeeBasis,
    amount: Fen,
    issued_on: NaiveDate,
    pay_by: NaiveDate,
) {
    state.fee_notice = Some(FeeNotice {
        basis,
        amount,
        issued_on,
        pay_by,
        paid_on: None,
    });
}

fn fee_paid(state: &mut ApplicationState, amount: Fen, paid_on: NaiveDate) {
    state.fees_paid.push((amount, paid_on));
    if let Some(notice) = state.fee_notice.as_mut() {
        notice.paid_on = Some(paid_on);
    }
}

fn decided(
    state: &mut ApplicationState,
    outcome: Outcome,
    legal_reason: String,
    decided_on: NaiveDate,
) {
    state.handling_ended.get_or_insert((outcome, decided_on));
    state.decision = Some(Decision {
        outcome,
        legal_reason,
        decided_on,
    });
}

fn abandoned(state: &mut ApplicationState, reason: AbandonReason, abandoned_on: NaiveDate) {
    state
        .handling_ended
        .get_or_insert((reason.outcome(), abandoned_on));
    state.abandoned = Some((reason, abandoned_on));
}

fn closed(state: &mut ApplicationState, closed_on: NaiveDate) {
    state
        .handling_ended
        .get_or_insert((Outcome::OtherOther, closed_on));
    state.closed_on = Some(closed_on);
}

/// An application event as the disclosure office's case file records it, e.g.
/// "收到申请（当面提交），申请人：自然人，申请内容：…". Exhaustive on purpose: a new event cannot go undescribed.
/// Longer than 70 lines for the same reason: one short arm per event, the whole vocabulary in one place.
pub fn describe(event: &ApplicationEvent) -> String {
    match event {
        ApplicationEvent::Received {
            agency: _,
            applicant_type,
            channel,
            handed_in_on: _,
            receipt_confirmed_on,
            content,
            delivery_form,
            referred_from,
            applicant: _,
        } => {
            let mut text = format!(
                "收到申请（{}），申请人：{}，申请内容：{content}",
                channel.label_zh(),
                applicant_type.label_zh()
            );
            if *delivery_form != DeliveryForm::Unspecified {
                text.push_str(&format!("，获取方式：{}", delivery_form.label_zh()));
            }
            if let Some(confirmed_on) = receipt_confirmed_on {
                text.push_str(&format!("，{confirmed_on} 确认收到"));
            }
            if let Some(ticket) = referred_from {
                text.push_str(&format!("，由热线工单 {ticket} 转来"));
            }
            text
        }
        ApplicationEvent::ReceiptConfirmed { confirmed_on } => {
            format!("确认收到申请，收到申请之日为 {confirmed_on}")
        }
        ApplicationEvent::SupplementRequested {
            requested_on: _,
            what,
            supplement_by,
        } => format!("要求补正：{what}，补正期限 {supplement_by}"),
        // Art. 30: the reply period counts again from the day the 补正 arrives, which is what staff need to see.
        ApplicationEvent::Supplemented { received_on } => {
            format!("收到补正材料，答复期限自 {received_on} 起重新计算")
        }
        ApplicationEvent::ConsultationStarted {
            party,
            party_kind,
            started_on: _,
        } => match party_kind {
            ConsultedParty::ThirdParty => format!("征求第三方意见：{party}"),
            ConsultedParty::Agency => format!("征求其他机关意见：{party}"),
        },
        ApplicationEvent::ConsultationAnswered {
            party,
            answered_on: _,
        } => format!("收到征求意见答复：{party}"),
        ApplicationEvent::ExtensionApproved {
            working_days,
            approved_by,
            reason,
            approved_on: _,
        } => format!("延期答复 {working_days} 个工作日（经 {approved_by} 批准），理由：{reason}"),
        ApplicationEvent::FeeNoticeIssued {
            basis,
            amount,
            issued_on: _,
            pay_by,
        } => format!(
            "发出收费通知：信息处理费 {amount}（{}），缴费期限 {pay_by}",
            basis.label_zh()
        ),
        ApplicationEvent::FeePaid { amount, paid_on: _ } => {
            format!("申请人缴纳信息处理费 {amount}")
        }
        ApplicationEvent::Decided {
            outcome,
            legal_reason,
            decided_on: _,
        } => format!(
            "作出答复决定：{}，依据：{legal_reason}",
            outcome.decision_zh()
        ),
        ApplicationEvent::ReplyDelivered {
            delivered_on: _,
            method,
        } => format!("送达答复，送达方式：{method}"),
        ApplicationEvent::Abandoned {
            reason,
            abandoned_on: _,
        } => format!("视为放弃申请：{}", reason.label_zh()),
        ApplicationEvent::Closed { closed_on: _ } => "办结".to_owned(),
        ApplicationEvent::Reminded {
            level,
            note,
            reminded_on: _,
        } => level.describe(note),
        ApplicationEvent::DeadlineMoved { old, new, notice } => DeadlineMove {
            old: *old,
            new: *new,
            notice: notice.clone(),
        }
        .describe(),
    }
}

/// What a caller can ask of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum ApplicationCommand {
    Receive {
        case_id: CaseId,
        agency: AgencyId,
        applicant_type: ApplicantType,
        channel: Channel,
        handed_in_on: NaiveDate,
        receipt_confirmed_on: Option<NaiveDate>,
        content: String,
        delivery_form: DeliveryForm,
        referred_from: Option<CaseId>,
        applicant: Option<Person>,
    },
    ConfirmReceipt {
        confirmed_on: NaiveDate,
    },
    RequestSupplement {
        requested_on: NaiveDate,
        what: String,
        supplement_by: NaiveDate,
    },
    ReceiveSupplement {
        received_on: NaiveDate,
    },
    StartConsultation {
        party: String,
        party_kind: ConsultedParty,
        started_on: NaiveDate,
    },
    AnswerConsultation {
        party: String,
        answered_on: NaiveDate,
    },
    ApproveExtension {
        working_days: u32,
        approved_by: String,
        reason: String,
        approved_on: NaiveDate,
    },
    IssueFeeNotice {
        basis: FeeBasis,
        issued_on: NaiveDate,
    },
    RecordFeePayment {
        amount: Fen,
        paid_on: NaiveDate,
    },
    Decide {
        outcome: Outcome,
        legal_reason: String,
        decided_on: NaiveDate,
    },
    DeliverReply {
        delivered_on: NaiveDate,
        method: String,
    },
    Abandon {
        reason: AbandonReason,
        abandoned_on: NaiveDate,
    },
    Close {
        closed_on: NaiveDate,
    },
    Remind {
        level: ReminderLevel,
        note: String,
        reminded_on: NaiveDate,
    },
    NoteDeadlineMoved {
        old: Option<NaiveDate>,
        new: Option<NaiveDate>,
        notice: String,
    },
}

/// Decide what a command means for an application: the events to append, or the rule that forbids it.
/// `calendar` is needed for the working-day rules (补正 within 7 working days, fee payment period).
/// A little over 70 lines: a flat match of sixteen commands, each arm one call to that command's function;
/// splitting it would only hide the one place every command is routed.
pub fn decide(
    state: &ApplicationState,
    command: ApplicationCommand,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<Vec<Event>, RuleViolation> {
    let today = local_date(now);
    let Some(receipt) = state.receipt.as_ref() else {
        return receive(command, now, today);
    };
    if state.closed_on.is_some() {
        return check::fail(Rule::Closed, "case_id");
    }
    let ctx = Ctx {
        state,
        receipt,
        today,
    };
    let body = match command {
        ApplicationCommand::Receive { .. } => check::fail(Rule::AlreadyExists, "case_id"),
        ApplicationCommand::ConfirmReceipt { confirmed_on } => confirm_receipt(&ctx, confirmed_on),
        ApplicationCommand::RequestSupplement {
            requested_on,
            what,
            supplement_by,
        } => request_supplement(&ctx, calendar, requested_on, what, supplement_by),
        ApplicationCommand::ReceiveSupplement { received_on } => {
            receive_supplement(&ctx, received_on)
        }
        ApplicationCommand::StartConsultation {
            party,
            party_kind,
            started_on,
        } => start_consultation(&ctx, party, party_kind, started_on),
        ApplicationCommand::AnswerConsultation { party, answered_on } => {
            answer_consultation(&ctx, party, answered_on)
        }
        ApplicationCommand::ApproveExtension {
            working_days,
            approved_by,
            reason,
            approved_on,
        } => approve_extension(&ctx, working_days, approved_by, reason, approved_on),
        ApplicationCommand::IssueFeeNotice { basis, issued_on } => {
            issue_fee_notice(&ctx, calendar, basis, issued_on)
        }
        ApplicationCommand::RecordFeePayment { amount, paid_on } => {
            record_fee_payment(&ctx, amount, paid_on)
        }
        ApplicationCommand::Decide {
            outcome,
            legal_reason,
            decided_on,
        } => decide_outcome(&ctx, outcome, legal_reason, decided_on),
        ApplicationCommand::DeliverReply {
            delivered_on,
            method,
        } => deliver_reply(&ctx, delivered_on, method),
        ApplicationCommand::Abandon {
            reason,
            abandoned_on,
        } => abandon(&ctx, reason, abandoned_on),
        ApplicationCommand::Close { closed_on } => close(&ctx, closed_on),
        ApplicationCommand::Remind {
            level,
            note,
            reminded_on,
        } => remind(&ctx, level, note, reminded_on),
        ApplicationCommand::NoteDeadlineMoved { old, new, notice } => {
            check::text(&notice, "notice")?;
            Ok(ApplicationEvent::DeadlineMoved { old, new, notice })
        }
    }?;
    let case_id = receipt.case_id;
    Ok(vec![Event::new(case_id, now, EventBody::Application(body))])
}

/// A command on a received application that is not closed: the state it is decided against, and today.
struct Ctx<'a> {
    state: &'a ApplicationState,
    receipt: &'a Receipt,
    today: NaiveDate,
}

/// What a date checked by [`Ctx::since_receipt`] may not precede, as named in the error.
const RECEIVED: &str = "the application was received";

impl Ctx<'_> {
    /// The earliest day for a date that only has to follow the hand-in (the receipt may be unconfirmed).
    fn handed_in(&self) -> Option<(NaiveDate, &'static str)> {
        Some((self.receipt.handed_in_on, "the application was handed in"))
    }

    /// `date` is not after today nor before the application was received.
    fn since_receipt(
        &self,
        date: NaiveDate,
        received_on: NaiveDate,
        field: &'static str,
    ) -> Result<(), RuleViolation> {
        check::date(date, self.today, Some((received_on, RECEIVED)), field)
    }

    /// The receipt date, for commands that need review still open and the receipt established.
    fn review_open(&self, field: &'static str) -> Result<NaiveDate, RuleViolation> {
        not_ended(self.state, field)?;
        self.receipt
            .received_on
            .ok_or(RuleViolation::new(Rule::ReceiptNotConfirmed, field))
    }
}

/// Handling has not ended by a decision or an abandonment.
fn not_ended(state: &ApplicationState, field: &'static str) -> Result<(), RuleViolation> {
    if state.outcome().is_some() {
        return check::fail(Rule::AlreadyDecided, field);
    }
    Ok(())
}

fn confirm_receipt(ctx: &Ctx, confirmed_on: NaiveDate) -> Result<ApplicationEvent, RuleViolation> {
    let channel = ctx.receipt.channel;
    if !channel.needs_receipt_confirmation() {
        let rule = Rule::NoConfirmationForChannel {
            channel: channel.code(),
        };
        return check::fail(rule, "confirmed_on");
    }
    if ctx.receipt.received_on.is_some() {
        return check::fail(Rule::ReceiptAlreadyConfirmed, "confirmed_on");
    }
    check::date(confirmed_on, ctx.today, ctx.handed_in(), "confirmed_on")?;
    Ok(ApplicationEvent::ReceiptConfirmed { confirmed_on })
}

fn request_supplement(
    ctx: &Ctx,
    calendar: &Calendar,
    requested_on: NaiveDate,
    what: String,
    supplement_by: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let received_on = ctx.review_open("requested_on")?;
    if ctx.state.supplement.is_some() {
        return check::fail(Rule::SupplementOnlyOnce, "requested_on");
    }
    ctx.since_receipt(requested_on, received_on, "requested_on")?;
    let last_day = calendar
        .add_working_days(received_on, SUPPLEMENT_REQUEST_WORKING_DAYS)
        .map_err(|e| check::calendar(e, received_on, "requested_on"))?;
    if requested_on > last_day {
        return check::fail(Rule::SupplementTooLate { last_day }, "requested_on");
    }
    check::text(&what, "what")?;
    if supplement_by <= requested_on {
        let rule = Rule::DateTooEarly {
            earliest: requested_on,
            what: "补正 was requested",
        };
        return check::fail(rule, "supplement_by");
    }
    Ok(ApplicationEvent::SupplementRequested {
        requested_on,
        what,
        supplement_by,
    })
}

fn receive_supplement(
    ctx: &Ctx,
    received_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let Some(supplement) = ctx.state.pending_supplement() else {
        return check::fail(Rule::NoSupplementOutstanding, "received_on");
    };
    not_ended(ctx.state, "received_on")?;
    let requested = Some((supplement.requested_on, "补正 was requested"));
    check::date(received_on, ctx.today, requested, "received_on")?;
    Ok(ApplicationEvent::Supplemented { received_on })
}

fn start_consultation(
    ctx: &Ctx,
    party: String,
    party_kind: ConsultedParty,
    started_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let received_on = ctx.review_open("started_on")?;
    let consultations = &ctx.state.consultations;
    if ctx.state.supplement_outstanding() {
        return check::fail(Rule::AwaitingSupplement, "started_on");
    }
    check::text(&party, "party")?;
    if consultations
        .get(&party)
        .is_some_and(|w| w.answered_on.is_none())
    {
        return check::fail(Rule::ConsultationAlreadyOpen, "party");
    }
    if consultations.len() >= MAX_CONSULTATIONS && !consultations.contains_key(&party) {
        let max = i64::try_from(MAX_CONSULTATIONS).unwrap_or(i64::MAX);
        let count = i64::try_from(consultations.len()).unwrap_or(i64::MAX);
        return check::fail(
            Rule::OutOfRange {
                value: count + 1,
                min: 1,
                max,
            },
            "party",
        );
    }
    ctx.since_receipt(started_on, received_on, "started_on")?;
    Ok(ApplicationEvent::ConsultationStarted {
        party,
        party_kind,
        started_on,
    })
}

fn answer_consultation(
    ctx: &Ctx,
    party: String,
    answered_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let Some(window) = ctx
        .state
        .consultations
        .get(&party)
        .filter(|w| w.answered_on.is_none())
    else {
        return check::fail(Rule::NoOpenConsultation, "party");
    };
    check::date(
        answered_on,
        ctx.today,
        Some((window.started_on, "the consultation started")),
        "answered_on",
    )?;
    Ok(ApplicationEvent::ConsultationAnswered { party, answered_on })
}

fn approve_extension(
    ctx: &Ctx,
    working_days: u32,
    approved_by: String,
    reason: String,
    approved_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let received_on = ctx.review_open("approved_on")?;
    if ctx.state.extension.is_some() {
        return check::fail(Rule::OnlyOneExtension, "working_days");
    }
    check::range(working_days, 1, MAX_EXTENSION_WORKING_DAYS, "working_days")?;
    check::text(&approved_by, "approved_by")?;
    check::text(&reason, "reason")?;
    ctx.since_receipt(approved_on, received_on, "approved_on")?;
    Ok(ApplicationEvent::ExtensionApproved {
        working_days,
        approved_by,
        reason,
        approved_on,
    })
}

fn issue_fee_notice(
    ctx: &Ctx,
    calendar: &Calendar,
    basis: FeeBasis,
    issued_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let received_on = ctx.review_open("issued_on")?;
    if ctx.state.fee_notice.is_some() {
        return check::fail(Rule::OnlyOneFeeNotice, "basis");
    }
    let amount = basis
        .amount()
        .map_err(|e| RuleViolation::new(Rule::Fee(e.to_string()), "quantity"))?;
    if amount == Fen(0) {
        return check::fail(Rule::FeeIsZero, "basis");
    }
    ctx.since_receipt(issued_on, received_on, "issued_on")?;
    let pay_by = calendar
        .add_working_days(issued_on, FEE_PAYMENT_WORKING_DAYS)
        .map_err(|e| check::calendar(e, issued_on, "issued_on"))?;
    Ok(ApplicationEvent::FeeNoticeIssued {
        basis,
        amount,
        issued_on,
        pay_by,
    })
}

fn record_fee_payment(
    ctx: &Ctx,
    amount: Fen,
    paid_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let Some(notice) = ctx.state.pending_fee_notice() else {
        return check::fail(Rule::NoFeeOutstanding, "paid_on");
    };
    not_ended(ctx.state, "paid_on")?;
    if amount != notice.amount {
        let rule = Rule::FeeAmountMismatch {
            expected: notice.amount,
        };
        return check::fail(rule, "amount_fen");
    }
    check::date(
        paid_on,
        ctx.today,
        Some((notice.issued_on, "the fee notice was issued")),
        "paid_on",
    )?;
    Ok(ApplicationEvent::FeePaid { amount, paid_on })
}

/// The `Decide` command (the name `decide` is the dispatcher's).
fn decide_outcome(
    ctx: &Ctx,
    outcome: Outcome,
    legal_reason: String,
    decided_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    let state = ctx.state;
    let received_on = ctx.review_open("decided_on")?;
    if matches!(
        outcome,
        Outcome::OtherNoSupplement | Outcome::OtherFeeUnpaid
    ) {
        return check::fail(Rule::OutcomeOnlyByAbandonment { outcome }, "outcome");
    }
    if legal_reason.trim().is_empty() {
        return check::fail(Rule::DecisionNeedsLegalReason, "legal_reason");
    }
    check::optional_text(&legal_reason, "legal_reason")?;
    if state.supplement_outstanding() {
        return check::fail(Rule::AwaitingSupplement, "decided_on");
    }
    if state.fee_outstanding() {
        return check::fail(Rule::FeeOutstanding, "decided_on");
    }
    if outcome == Outcome::UnavailableStillUnclear
        && state
            .supplement
            .as_ref()
            .is_none_or(|s| s.received_on.is_none())
    {
        return check::fail(Rule::StillUnclearNeedsSupplement, "outcome");
    }
    let earliest = state
        .supplement
        .as_ref()
        .and_then(|s| s.received_on)
        .map_or((received_on, RECEIVED), |on| (on, "the 补正 was received"));
    check::date(decided_on, ctx.today, Some(earliest), "decided_on")?;
    Ok(ApplicationEvent::Decided {
        outcome,
        legal_reason,
        decided_on,
    })
}

fn deliver_reply(
    ctx: &Ctx,
    delivered_on: NaiveDate,
    method: String,
) -> Result<ApplicationEvent, RuleViolation> {
    let Some(ended_on) = ctx.state.ended_on() else {
        return check::fail(Rule::NotDecided, "delivered_on");
    };
    if ctx.state.reply_delivered_on.is_some() {
        return check::fail(Rule::ReplyAlreadyDelivered, "delivered_on");
    }
    check::text(&method, "method")?;
    check::date(
        delivered_on,
        ctx.today,
        Some((ended_on, "handling ended")),
        "delivered_on",
    )?;
    Ok(ApplicationEvent::ReplyDelivered {
        delivered_on,
        method,
    })
}

fn abandon(
    ctx: &Ctx,
    reason: AbandonReason,
    abandoned_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    not_ended(ctx.state, "reason")?;
    check::date(abandoned_on, ctx.today, ctx.handed_in(), "abandoned_on")?;
    match reason {
        AbandonReason::NoSupplement => {
            let Some(supplement) = ctx.state.pending_supplement() else {
                return check::fail(Rule::NoSupplementOutstanding, "reason");
            };
            if abandoned_on <= supplement.supplement_by {
                let rule = Rule::SupplementPeriodRunning {
                    until: supplement.supplement_by,
                };
                return check::fail(rule, "abandoned_on");
            }
        }
        AbandonReason::FeeUnpaid => {
            let Some(notice) = ctx.state.pending_fee_notice() else {
                return check::fail(Rule::NoFeeOutstanding, "reason");
            };
            if abandoned_on <= notice.pay_by {
                let rule = Rule::FeePeriodRunning {
                    until: notice.pay_by,
                };
                return check::fail(rule, "abandoned_on");
            }
        }
    }
    Ok(ApplicationEvent::Abandoned {
        reason,
        abandoned_on,
    })
}

fn close(ctx: &Ctx, closed_on: NaiveDate) -> Result<ApplicationEvent, RuleViolation> {
    let state = ctx.state;
    let Some(ended_on) = state.ended_on() else {
        return check::fail(Rule::CloseWithoutOutcome, "closed_on");
    };
    if state.decision.is_some() && state.reply_delivered_on.is_none() {
        return check::fail(Rule::CloseBeforeReply, "closed_on");
    }
    let earliest = state
        .reply_delivered_on
        .map_or((ended_on, "handling ended"), |on| {
            (on, "the reply was delivered")
        });
    check::date(closed_on, ctx.today, Some(earliest), "closed_on")?;
    Ok(ApplicationEvent::Closed { closed_on })
}

fn remind(
    ctx: &Ctx,
    level: ReminderLevel,
    note: String,
    reminded_on: NaiveDate,
) -> Result<ApplicationEvent, RuleViolation> {
    // Only a pending reply has a deadline to remind of.
    let received_on = ctx.review_open("reminded_on")?;
    check::optional_text(&note, "note")?;
    ctx.since_receipt(reminded_on, received_on, "reminded_on")?;
    Ok(ApplicationEvent::Reminded {
        level,
        note,
        reminded_on,
    })
}

fn receive(
    command: ApplicationCommand,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<Event>, RuleViolation> {
    let ApplicationCommand::Receive {
        case_id,
        agency,
        applicant_type,
        channel,
        handed_in_on,
        receipt_confirmed_on,
        content,
        delivery_form,
        referred_from,
        applicant,
    } = command
    else {
        return check::fail(Rule::NotFound, "case_id");
    };
    check::text(&content, "content")?;
    check::date(handed_in_on, today, None, "handed_in_on")?;
    match receipt_confirmed_on {
        Some(_) if !channel.needs_receipt_confirmation() => {
            let rule = Rule::NoConfirmationForChannel {
                channel: channel.code(),
            };
            return check::fail(rule, "receipt_confirmed_on");
        }
        Some(on) => check::date(
            on,
            today,
            Some((handed_in_on, "the application was handed in")),
            "receipt_confirmed_on",
        )?,
        None => {}
    }
    if referred_from == Some(case_id) {
        return check::fail(Rule::SelfLink, "referred_from");
    }
    let body = ApplicationEvent::Received {
        agency,
        applicant_type,
        channel,
        handed_in_on,
        receipt_confirmed_on,
        content,
        delivery_form,
        referred_from,
        applicant,
    };
    Ok(vec![Event::new(case_id, now, EventBody::Application(body))])
}

/// The least demanding command of `act` this application admits (see `acts.rs`); `None` for an act on
/// another kind. Dates are today, except the 补正 request's, which must also fall within
/// `SUPPLEMENT_REQUEST_WORKING_DAYS` of receipt: it is dated on the receipt day itself.
pub fn probe(state: &ApplicationState, act: Act, today: NaiveDate) -> Option<ApplicationCommand> {
    let text = || PROBE_TEXT.to_owned();
    let open_party = state
        .consultations
        .iter()
        .find(|(_, w)| w.answered_on.is_none())
        .map(|(party, _)| party.clone());
    Some(match act {
        Act::ConfirmReceipt => ApplicationCommand::ConfirmReceipt {
            confirmed_on: today,
        },
        Act::RequestSupplement => {
            let requested_on = state
                .receipt
                .as_ref()
                .and_then(|r| r.received_on)
                .unwrap_or(today);
            ApplicationCommand::RequestSupplement {
                requested_on,
                what: text(),
                supplement_by: requested_on.succ_opt()?,
            }
        }
        Act::ReceiveSupplement => ApplicationCommand::ReceiveSupplement { received_on: today },
        Act::StartConsultation => ApplicationCommand::StartConsultation {
            party: probe_party(&state.consultations),
            party_kind: ConsultedParty::ThirdParty,
            started_on: today,
        },
        Act::AnswerConsultation => ApplicationCommand::AnswerConsultation {
            party: open_party.unwrap_or_else(text),
            answered_on: today,
        },
        Act::ApproveExtension => ApplicationCommand::ApproveExtension {
            working_days: 1,
            approved_by: text(),
            reason: text(),
            approved_on: today,
        },
        Act::Decide => ApplicationCommand::Decide {
            outcome: Outcome::Disclosed,
            legal_reason: text(),
            decided_on: today,
        },
        Act::DeliverReply => ApplicationCommand::DeliverReply {
            delivered_on: today,
            method: text(),
        },
        _ => return None,
    })
}

/// A party a consultation may start with: one already answered (consulting it again adds none to the
/// `MAX_CONSULTATIONS` bound), else one not consulted yet.
fn probe_party(consultations: &Consultations) -> String {
    if let Some((party, _)) = consultations.iter().find(|(_, w)| w.answered_on.is_some()) {
        return party.clone();
    }
    (0..)
        .map(|n| format!("{PROBE_TEXT}{n}"))
        .find(|party| !consultations.contains_key(party))
        .unwrap_or_default()
}
