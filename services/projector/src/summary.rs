//! The summary of one case, folded from its events: what the case list, the queues, the drill-down and the
//! annual memberships are computed from. One fold for every read model, so they describe the same case.

use std::collections::{BTreeMap, BTreeSet};

use casetrack_domain::application::{ApplicationEvent, Channel};
use casetrack_domain::challenge::{ChallengeEvent, ChallengeKind, ChallengeResult};
use casetrack_domain::records::{CountedMeasure, DisclosureChannel, DocumentKind, RecordEvent};
use casetrack_domain::{AgencyId, ApplicantType, CaseId, CaseKind, Event, EventBody, Outcome};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Where a case stands, in the words of the queues. Applications use the named stages; other kinds use the
/// last event's variant in snake_case (e.g. `dispatched`, `replied`).
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
    /// Fees the applicant paid for an application: year paid → fen.
    #[serde(default)]
    pub fees_paid: BTreeMap<i32, u64>,
}

/// Application stages, as queue states.
pub const STATUS_RECEIVED: &str = "received";
pub const STATUS_AWAITING_RECEIPT: &str = "awaiting_receipt_confirmation";
pub const STATUS_AWAITING_SUPPLEMENT: &str = "awaiting_supplement";
pub const STATUS_UNDER_REVIEW: &str = "under_review";
pub const STATUS_AWAITING_FEE: &str = "awaiting_fee";
pub const STATUS_DECIDED: &str = "decided";
pub const STATUS_REPLIED: &str = "replied";
pub const STATUS_CLOSED: &str = "closed";

impl CaseSummary {
    pub fn new(case_id: CaseId, kind: CaseKind) -> CaseSummary {
        CaseSummary {
            case_id,
            tracking_number: case_id.to_string(),
            kind,
            agency: None,
            applicant_type: None,
            received_on: None,
            decided_on: None,
            closed_on: None,
            outcome: None,
            status: String::new(),
            challenge_kind: None,
            document_kind: None,
            channel: None,
            extended: false,
            disclosure_channels: BTreeSet::new(),
            counted: BTreeMap::new(),
            fees_collected: BTreeMap::new(),
            fees_paid: BTreeMap::new(),
        }
    }

    /// Whether the case is still being handled (counts in queues; for applications, carried forward).
    pub fn is_open(&self) -> bool {
        match self.kind {
            CaseKind::Application | CaseKind::Challenge => {
                self.decided_on.is_none() && self.closed_on.is_none()
            }
            CaseKind::Record => false,
            // A duplicate merged into another ticket is handled there; a proposal ends when its reply is published.
            CaseKind::Hotline => self.closed_on.is_none() && self.status != "merged_into",
            CaseKind::Proposal => self.status != "published",
        }
    }

    /// Folds one event of this case.
    pub fn apply(&mut self, event: &Event) {
        assert_eq!(
            event.case_id, self.case_id,
            "an event folds into its own case"
        );
        match &event.body {
            EventBody::Application(e) => self.apply_application(e),
            EventBody::Challenge(e) => self.apply_challenge(e),
            EventBody::Record(e) => self.apply_record(e),
            EventBody::Hotline(_) | EventBody::Proposal(_) => self.apply_other(event),
        }
    }

    fn apply_application(&mut self, event: &ApplicationEvent) {
        match event {
            ApplicationEvent::Received {
                agency,
                applicant_type,
                channel,
                handed_in_on,
                receipt_confirmed_on,
                ..
            } => {
                self.agency = Some(agency.clone());
                self.applicant_type = Some(*applicant_type);
                self.channel = Some(*channel);
                // Art. 31: channels needing confirmation are received the day receipt is confirmed.
                self.received_on = if channel.needs_receipt_confirmation() {
                    *receipt_confirmed_on
                } else {
                    Some(*handed_in_on)
                };
                self.status = if self.received_on.is_some() {
                    STATUS_RECEIVED
                } else {
                    STATUS_AWAITING_RECEIPT
                }
                .to_string();
            }
            ApplicationEvent::ReceiptConfirmed { confirmed_on } => {
                self.received_on = Some(*confirmed_on);
                self.status = STATUS_RECEIVED.to_string();
            }
            ApplicationEvent::SupplementRequested { .. } => {
                self.status = STATUS_AWAITING_SUPPLEMENT.to_string()
            }
            ApplicationEvent::Supplemented { .. }
            | ApplicationEvent::ConsultationStarted { .. }
            | ApplicationEvent::ConsultationAnswered { .. } => {
                self.status = STATUS_UNDER_REVIEW.to_string()
            }
            ApplicationEvent::ExtensionApproved { .. } => {
                self.extended = true;
                self.status = STATUS_UNDER_REVIEW.to_string();
            }
            ApplicationEvent::FeePaid { amount, paid_on } => {
                add_to(&mut self.fees_paid, paid_on.year(), amount.0);
                self.status = STATUS_UNDER_REVIEW.to_string();
            }
            ApplicationEvent::FeeNoticeIssued { .. } => {
                self.status = STATUS_AWAITING_FEE.to_string()
            }
            ApplicationEvent::Decided {
                outcome,
                decided_on,
                ..
            } => self.end(*outcome, *decided_on),
            ApplicationEvent::Abandoned {
                reason,
                abandoned_on,
            } => self.end(reason.outcome(), *abandoned_on),
            ApplicationEvent::ReplyDelivered { .. } => self.status = STATUS_REPLIED.to_string(),
            ApplicationEvent::Closed { closed_on } => {
                // Closed without a decision (withdrawn and the like): handling ended as 三（六）3 其他.
                if self.decided_on.is_none() {
                    self.end(Outcome::OtherOther, *closed_on);
                }
                self.closed_on = Some(*closed_on);
                self.status = STATUS_CLOSED.to_string();
            }
        }
    }

    fn end(&mut self, outcome: Outcome, on: NaiveDate) {
        // One outcome per application: a second decision event does not move the case to another row.
        if self.decided_on.is_none() {
            self.outcome = Some(outcome.cell_row().to_string());
            self.decided_on = Some(on);
        }
        self.status = STATUS_DECIDED.to_string();
    }

    fn apply_challenge(&mut self, event: &ChallengeEvent) {
        match event {
            ChallengeEvent::Filed {
                agency,
                kind,
                filed_on,
                ..
            } => {
                self.agency = Some(agency.clone());
                self.challenge_kind = Some(*kind);
                self.received_on = Some(*filed_on);
                self.status = "filed".to_string();
            }
            ChallengeEvent::Concluded {
                result,
                concluded_on,
            } => {
                self.outcome = Some(result.cell_column().to_string());
                self.decided_on = Some(*concluded_on);
                self.status = "concluded".to_string();
            }
        }
    }

    /// The table 四 result, if concluded.
    pub fn challenge_result(&self) -> Option<ChallengeResult> {
        let outcome = self.outcome.as_deref()?;
        ChallengeResult::ALL
            .into_iter()
            .find(|r| r.cell_column() == outcome)
    }

    fn apply_record(&mut self, event: &RecordEvent) {
        match event {
            RecordEvent::DisclosurePublished {
                agency,
                published_on,
                channels,
                ..
            } => {
                self.agency = Some(agency.clone());
                self.disclosure_channels = channels.clone();
                self.received_on = Some(*published_on);
                self.status = "published".to_string();
            }
            RecordEvent::DocumentIssued {
                agency,
                kind,
                issued_on,
                ..
            } => {
                self.agency = Some(agency.clone());
                self.document_kind = Some(*kind);
                self.received_on = Some(*issued_on);
                self.status = "in_force".to_string();
            }
            RecordEvent::DocumentRepealed { repealed_on } => {
                self.decided_on = Some(*repealed_on);
                self.status = "repealed".to_string();
            }
            RecordEvent::Counted {
                agency,
                measure,
                count,
                period_end,
            } => {
                self.agency = Some(agency.clone());
                self.received_on.get_or_insert(*period_end);
                self.status = "counted".to_string();
                add_to(
                    self.counted.entry(*measure).or_default(),
                    period_end.year(),
                    *count,
                );
            }
            RecordEvent::FeesCollected {
                agency,
                amount,
                collected_on,
            } => {
                self.agency = Some(agency.clone());
                self.received_on.get_or_insert(*collected_on);
                self.status = "collected".to_string();
                add_to(&mut self.fees_collected, collected_on.year(), amount.0);
            }
        }
    }

    fn apply_other(&mut self, event: &Event) {
        match &event.body {
            EventBody::Hotline(casetrack_domain::hotline::HotlineEvent::Received {
                agency,
                received_on,
                ..
            }) => {
                self.agency = Some(agency.clone());
                self.received_on = Some(*received_on);
            }
            EventBody::Hotline(casetrack_domain::hotline::HotlineEvent::Closed { closed_on }) => {
                self.closed_on = Some(*closed_on);
            }
            EventBody::Proposal(casetrack_domain::proposal::ProposalEvent::Assigned {
                agency,
                assigned_on,
                ..
            }) => {
                self.agency = Some(agency.clone());
                self.received_on = Some(*assigned_on);
            }
            EventBody::Proposal(casetrack_domain::proposal::ProposalEvent::Replied {
                result_class,
                replied_on,
            }) => {
                self.outcome = Some(result_class.clone());
                self.decided_on = Some(*replied_on);
            }
            _ => {}
        }
        self.status = snake_case(variant_of(&event.event_type(), event.kind()));
    }
}

/// Adds `amount` to the year's tally.
fn add_to(tally: &mut BTreeMap<i32, u64>, year: i32, amount: u64) {
    let slot = tally.entry(year).or_default();
    *slot = slot.saturating_add(amount);
}

fn variant_of(event_type: &str, kind: CaseKind) -> &str {
    event_type
        .strip_prefix(kind.event_type_prefix())
        .unwrap_or(event_type)
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
