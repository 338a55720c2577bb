//! The summary of one case, derived from the domain's state of the case (case.rs): what the case list, the
//! queues, the drill-down and the annual memberships are computed from. Every fact comes from the domain
//! (its state and `case_state()`); this file only chooses the words and shapes the read models use.

use std::collections::{BTreeMap, BTreeSet};

use casetrack_domain::application::{ApplicationStage, ApplicationState, Channel};
use casetrack_domain::challenge::{ChallengeKind, ChallengeResult};
use casetrack_domain::hotline::HotlineCategory;
use casetrack_domain::records::{
    CountedMeasure, DisclosureChannel, DocumentKind, RecordEvent, RecordState,
};
use casetrack_domain::{AgencyId, ApplicantType, Case, CaseDetail, CaseId, CaseKind, CaseStatus};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::StoredCase;

/// A case in the words of the read models. `status` is where it stands: applications use the named stages
/// below; other kinds use the domain's stage (e.g. `dispatched`, `replied`, `pending`, `in_force`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub case_id: CaseId,
    /// The number quoted to applicants and staff ("SM-2026-000123") once intake assigned one; the case id
    /// until then (cases written straight to the log, e.g. imported, have no other).
    pub tracking_number: String,
    pub kind: CaseKind,
    pub agency: Option<AgencyId>,
    pub applicant_type: Option<ApplicantType>,
    /// Applications: the statutory receipt date (Art. 31); challenges: filed; documents: issued; hotline and
    /// proposals: received / assigned.
    pub received_on: Option<NaiveDate>,
    /// Applications: the day handling ended (decided or abandoned); challenges: concluded; documents: repealed.
    pub decided_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// Applications: the table 三 outcome row; challenges: the table 四 result column.
    pub outcome: Option<String>,
    pub status: String,
    /// Still being handled: counts in the queues (and, for applications, is carried forward).
    #[serde(default)]
    pub open: bool,
    pub challenge_kind: Option<ChallengeKind>,
    pub document_kind: Option<DocumentKind>,
    /// Applications: how it reached the agency (the statistical table counts receipts by channel).
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Applications: the one extension (Art. 33) was approved (the statistical table's 延期办结).
    #[serde(default)]
    pub extended: bool,
    /// Disclosure records: the channels the item was published on (it counts once, and once per channel).
    #[serde(default)]
    pub disclosure_channels: BTreeSet<DisclosureChannel>,
    /// Counted records: measure → year → count.
    #[serde(default)]
    pub counted: BTreeMap<CountedMeasure, BTreeMap<i32, u64>>,
    /// 行政事业性收费 collected (records): year → fen.
    #[serde(default)]
    pub fees_collected: BTreeMap<i32, u64>,
    /// An application's fee notice (at most one): the day it was issued and what it charged (fen).
    #[serde(default)]
    pub fee_notice: Option<(NaiveDate, u64)>,
    /// Fees the applicant paid for an application: year paid → fen.
    #[serde(default)]
    pub fees_paid: BTreeMap<i32, u64>,
    /// Who handles the case now when that is not the agency itself: a ticket's dispatched unit, a proposal's
    /// lead unit. The queues list the case under it.
    #[serde(default)]
    pub handling_unit: Option<AgencyId>,
    /// Hotline tickets: the source line (12345, 12328 …).
    #[serde(default)]
    pub line: Option<String>,
    /// Hotline tickets: the category (咨询, 投诉 …).
    #[serde(default)]
    pub category: Option<HotlineCategory>,
}

/// Application stages, as queue states: the domain's stages, with `received` (nothing done since receipt)
/// and `awaiting_fee` told apart from `under_review`.
pub const STATUS_RECEIVED: &str = "received";
pub const STATUS_AWAITING_RECEIPT: &str = "awaiting_receipt_confirmation";
pub const STATUS_AWAITING_SUPPLEMENT: &str = "awaiting_supplement";
pub const STATUS_UNDER_REVIEW: &str = "under_review";
pub const STATUS_AWAITING_FEE: &str = "awaiting_fee";
pub const STATUS_DECIDED: &str = "decided";
pub const STATUS_REPLIED: &str = "replied";
pub const STATUS_CLOSED: &str = "closed";

impl CaseSummary {
    fn new(case_id: CaseId, kind: CaseKind, tracking_number: Option<&str>) -> CaseSummary {
        CaseSummary {
            case_id,
            tracking_number: tracking_number.map_or_else(|| case_id.to_string(), str::to_string),
            kind,
            agency: None,
            applicant_type: None,
            received_on: None,
            decided_on: None,
            closed_on: None,
            outcome: None,
            status: String::new(),
            open: false,
            challenge_kind: None,
            document_kind: None,
            channel: None,
            extended: false,
            disclosure_channels: BTreeSet::new(),
            counted: BTreeMap::new(),
            fees_collected: BTreeMap::new(),
            fee_notice: None,
            fees_paid: BTreeMap::new(),
            handling_unit: None,
            line: None,
            category: None,
        }
    }

    /// The summary of a stored case, derived from the domain state.
    pub fn of(case: &StoredCase) -> CaseSummary {
        let mut out = CaseSummary::new(case.case_id, case.kind, case.tracking_number.as_deref());
        let Some(state) = case.state.summary() else {
            return out;
        };
        out.handling_unit = state.handling_unit().cloned();
        out.agency = Some(state.agency);
        out.received_on = Some(state.received_on);
        out.decided_on = state.decided_on;
        out.closed_on = state.closed_on;
        out.applicant_type = state.applicant_type;
        out.status = state.stage;
        out.open = state.status == CaseStatus::Open;
        match (&case.state, state.detail) {
            (Case::Application(app), _) => out.application(app),
            (_, CaseDetail::Challenge { kind, result, .. }) => {
                out.challenge_kind = Some(kind);
                out.outcome = result.map(|r| r.cell_column().to_string());
            }
            (_, CaseDetail::Proposal { result_class, .. }) => out.outcome = result_class,
            (_, CaseDetail::Hotline { line, category, .. }) => {
                out.line = Some(line);
                out.category = Some(category);
            }
            (Case::Record(record), _) => out.record(record),
            _ => {}
        }
        out
    }

    /// Whether the case is still being handled (counts in queues; for applications, carried forward).
    pub fn is_open(&self) -> bool {
        self.open
    }

    fn application(&mut self, app: &ApplicationState) {
        let Some(receipt) = app.receipt.as_ref() else {
            return;
        };
        self.channel = Some(receipt.channel);
        // The Art. 31 receipt date, unknown while a receipt awaits confirmation.
        self.received_on = receipt.received_on;
        self.extended = app.extension.is_some();
        // The table 三 row counts the first end of handling, a closure without a decision included.
        self.outcome = app
            .handling_ended
            .map(|(outcome, _)| outcome.cell_row().to_string());
        self.decided_on = app.handling_ended.map(|(_, on)| on);
        self.fee_notice = app.fee_notice.as_ref().map(|n| (n.issued_on, n.amount.0));
        for (amount, paid_on) in &app.fees_paid {
            add_to(&mut self.fees_paid, paid_on.year(), amount.0);
        }
        // A decided application has left the queues even before it is closed.
        self.open = self.decided_on.is_none() && self.closed_on.is_none();
        self.status = application_status(app).to_string();
    }

    fn record(&mut self, record: &RecordState) {
        // A record counts once, on its date; only a document's repeal ends anything.
        self.decided_on = record.repealed_on;
        self.closed_on = None;
        self.open = false;
        match &record.created {
            Some(RecordEvent::DisclosurePublished { channels, .. }) => {
                self.disclosure_channels = channels.clone()
            }
            Some(RecordEvent::DocumentIssued { kind, .. }) => self.document_kind = Some(*kind),
            Some(RecordEvent::Counted {
                measure,
                count,
                period_end,
                ..
            }) => add_to(
                self.counted.entry(*measure).or_default(),
                period_end.year(),
                *count,
            ),
            Some(RecordEvent::FeesCollected {
                amount,
                collected_on,
                ..
            }) => add_to(&mut self.fees_collected, collected_on.year(), amount.0),
            Some(RecordEvent::DocumentRepealed { .. }) | None => {}
        }
    }

    /// The table 四 result, if concluded.
    pub fn challenge_result(&self) -> Option<ChallengeResult> {
        let outcome = self.outcome.as_deref()?;
        ChallengeResult::ALL
            .into_iter()
            .find(|r| r.cell_column() == outcome)
    }
}

/// The queue state of an application: the domain's stage, in the queues' words.
fn application_status(app: &ApplicationState) -> &'static str {
    match app.stage() {
        None => "",
        Some(ApplicationStage::AwaitingReceiptConfirmation) => STATUS_AWAITING_RECEIPT,
        Some(ApplicationStage::AwaitingSupplement) => STATUS_AWAITING_SUPPLEMENT,
        Some(ApplicationStage::UnderReview) if app.fee_outstanding() => STATUS_AWAITING_FEE,
        Some(ApplicationStage::UnderReview) if untouched_since_receipt(app) => STATUS_RECEIVED,
        Some(ApplicationStage::UnderReview) => STATUS_UNDER_REVIEW,
        Some(ApplicationStage::Decided) => STATUS_DECIDED,
        Some(ApplicationStage::ReplyDelivered) => STATUS_REPLIED,
        Some(ApplicationStage::Closed) => STATUS_CLOSED,
    }
}

/// Nothing was done on the application since it was received: no supplement, consultation, extension or fee.
fn untouched_since_receipt(app: &ApplicationState) -> bool {
    app.supplement.is_none()
        && app.consultations.is_empty()
        && app.extension.is_none()
        && app.fee_notice.is_none()
        && app.fees_paid.is_empty()
}

/// Adds `amount` to the year's tally.
fn add_to(tally: &mut BTreeMap<i32, u64>, year: i32, amount: u64) {
    let slot = tally.entry(year).or_default();
    *slot = slot.saturating_add(amount);
}
