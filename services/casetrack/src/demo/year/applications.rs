//! 依申请公开: disclosure applications, received over the year (a few the previous December, a few so late
//! they are carried into next year), each reviewed on one of the paths a district sees — plain, supplement
//! requested, third party consulted, deadline extended — then decided, delivered and closed.

use casetrack_api::v1 as pb;
use casetrack_domain::{ApplicantType, Outcome};
use chrono::NaiveDate;

use super::generator::{Generator, close};
use crate::demo::script::{Step, Submit};
use crate::noon::occurred_at_noon;

/// Yearly volumes at scale 1.0, and the least kept at any scale (see [`Generator::count`]).
const APPLICATIONS: (f64, usize) = (40.0, 8);
const APPLICATIONS_CARRIED_OVER: (f64, usize) = (3.0, 1);
const APPLICATIONS_CARRIED_FORWARD: (f64, usize) = (3.0, 1);

/// Outcomes of decided applications and how often a district sees each (abandonment and still-unclear are
/// reached through their own paths).
const DECISION_OUTCOMES: [(Outcome, u32); 17] = [
    (Outcome::Disclosed, 38),
    (Outcome::PartlyDisclosed, 12),
    (Outcome::WithheldStateSecret, 1),
    (Outcome::WithheldProhibitedByLaw, 1),
    (Outcome::WithheldSecurityStability, 1),
    (Outcome::WithheldThirdParty, 4),
    (Outcome::WithheldInternalAffairs, 2),
    (Outcome::WithheldProcessInfo, 4),
    (Outcome::WithheldEnforcementFile, 1),
    (Outcome::WithheldQueryMatter, 2),
    (Outcome::UnavailableNotHeld, 18),
    (Outcome::UnavailableNeedsCreation, 5),
    (Outcome::NotProcessedPetitionComplaint, 4),
    (Outcome::NotProcessedRepeated, 3),
    (Outcome::NotProcessedPublication, 1),
    (Outcome::NotProcessedConfirmExisting, 1),
    (Outcome::OtherOther, 2),
];

const APPLICATION_TOPICS: [(&str, u32); 8] = [
    ("申请公开本村土地征收补偿安置方案及批复文件", 4),
    ("申请公开某路段道路改造工程的立项批复和招投标信息", 2),
    ("申请公开本人房屋所在片区的棚户区改造项目征收决定", 3),
    ("申请公开某企业环境影响评价批复文件", 1),
    ("申请公开某年度城乡居民最低生活保障资金分配情况", 1),
    ("申请公开对某公司作出行政处罚决定的依据", 1),
    ("申请公开某学校新建项目的规划许可信息", 1),
    ("申请公开某年度财政预算执行情况明细", 1),
];

/// How the review before the decision ended.
enum Review {
    /// Ready to decide on `on`; `supplemented` applications may still be too unclear to answer.
    Done { on: NaiveDate, supplemented: bool },
    /// The applicant never supplemented: the case is abandoned and closed, with no decision.
    Abandoned,
}

impl Generator<'_> {
    pub(super) fn applications(&mut self) {
        let year = self.params.year;
        let previous_december = (
            NaiveDate::from_ymd_opt(year - 1, 12, 1).unwrap_or(self.day(1, 1)),
            NaiveDate::from_ymd_opt(year - 1, 12, 24).unwrap_or(self.day(1, 1)),
        );
        let mut received: Vec<NaiveDate> = Vec::new();
        for _ in 0..self.count(APPLICATIONS_CARRIED_OVER) {
            received.push(self.working_day(previous_december.0, previous_december.1));
        }
        for _ in 0..self.count(APPLICATIONS) {
            received.push(self.working_day(self.day(1, 2), self.day(12, 10)));
        }
        for _ in 0..self.count(APPLICATIONS_CARRIED_FORWARD) {
            received.push(self.working_day(self.day(12, 18), self.day(12, 28)));
        }
        // External ids number applications in the order they were received, whichever group drew them.
        received.sort();
        for (n, received_on) in received.into_iter().enumerate() {
            self.application(n, received_on);
        }
    }

    fn application(&mut self, n: usize, received_on: NaiveDate) {
        let (channel, request) = self.application_request(n, received_on);
        let mut steps = Vec::new();
        let mut today = received_on;
        if channel == "post_unsigned" {
            today = self.after(today, 1);
            let command_id = self.command_id();
            steps.push(Step::ConfirmReceipt(pb::ConfirmReceiptRequest {
                command_id,
                case_id: String::new(),
                confirmed_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
        }
        if let Review::Done { on, supplemented } = self.review(&mut steps, today) {
            self.decide_and_deliver(&mut steps, channel, on, supplemented);
        }
        self.push(Submit::Application(request), steps);
    }

    /// The application as received; returns its channel too, which decides the receipt and delivery steps.
    fn application_request(
        &mut self,
        n: usize,
        received_on: NaiveDate,
    ) -> (&'static str, pb::SubmitApplicationRequest) {
        let channel = self.pick(&[
            ("internet", 50),
            ("in_person", 20),
            ("post_signed", 15),
            ("post_unsigned", 5),
            ("fax", 5),
            ("hotline_referral", 5),
        ]);
        let applicant_type = self.pick(&[
            (ApplicantType::NaturalPerson, 70),
            (ApplicantType::Business, 14),
            (ApplicantType::Research, 3),
            (ApplicantType::Nonprofit, 3),
            (ApplicantType::LegalService, 6),
            (ApplicantType::OtherOrg, 4),
        ]);
        let content = self.pick(&APPLICATION_TOPICS).to_owned();
        // Unsigned letters are confirmed the next working day by a separate step; internet and fax at once.
        let confirmed_at_once = matches!(channel, "internet" | "fax");
        let request = pb::SubmitApplicationRequest {
            applicant: None,
            external_id: self.external_id("application", n),
            agency: self.any_agency(),
            applicant_type: applicant_type.cell_column().to_owned(),
            channel: channel.to_owned(),
            handed_in_on: received_on.to_string(),
            receipt_confirmed_on: if confirmed_at_once {
                received_on.to_string()
            } else {
                String::new()
            },
            content,
            delivery_form: self
                .pick(&[("electronic", 60), ("paper", 35), ("inspection", 5)])
                .to_owned(),
            referred_from: String::new(),
            occurred_at: occurred_at_noon(received_on),
        };
        (channel, request)
    }

    /// The review from `today` on: most applications go straight to a decision, the rest take one detour.
    fn review(&mut self, steps: &mut Vec<Step>, today: NaiveDate) -> Review {
        let path = self.pick(&[
            ("plain", 80),
            ("supplement", 8),
            ("consultation", 6),
            ("extension", 6),
        ]);
        match path {
            "supplement" => self.supplement(steps, today),
            "consultation" => Review::Done {
                on: self.consultation(steps, today),
                supplemented: false,
            },
            "extension" => {
                let approved_on = self.after_between(today, 12, 18);
                let command_id = self.command_id();
                steps.push(Step::ApproveExtension(pb::ApproveExtensionRequest {
                    command_id,
                    case_id: String::new(),
                    working_days: 20,
                    approved_by: "区政务公开办负责人".into(),
                    reason: "涉及多个业务科室，需要检索归档资料".into(),
                    approved_on: approved_on.to_string(),
                    occurred_at: occurred_at_noon(approved_on),
                }));
                Review::Done {
                    on: approved_on,
                    supplemented: false,
                }
            }
            _ => Review::Done {
                on: today,
                supplemented: false,
            },
        }
    }

    /// A supplement is requested; the applicant sends it, or lets the deadline pass and the case is closed.
    fn supplement(&mut self, steps: &mut Vec<Step>, today: NaiveDate) -> Review {
        let requested_on = self.after_between(today, 1, 5);
        let supplement_by = self.after(requested_on, 15);
        let command_id = self.command_id();
        steps.push(Step::RequestSupplement(pb::RequestSupplementRequest {
            command_id,
            case_id: String::new(),
            requested_on: requested_on.to_string(),
            what: "请明确所需信息的名称、文号或者便于查询的其他特征性描述".into(),
            supplement_by: supplement_by.to_string(),
            occurred_at: occurred_at_noon(requested_on),
        }));
        if self.chance(0.3) {
            // No supplement by the deadline: deemed abandoned (三（六）1), then closed.
            let abandoned_on = self.after(supplement_by, 1);
            let command_id = self.command_id();
            steps.push(Step::Abandon(pb::AbandonRequest {
                command_id,
                case_id: String::new(),
                reason: "no_supplement".into(),
                abandoned_on: abandoned_on.to_string(),
                occurred_at: occurred_at_noon(abandoned_on),
            }));
            let command_id = self.command_id();
            steps.push(close(command_id, abandoned_on));
            return Review::Abandoned;
        }
        let received_on = self.after_between(requested_on, 2, 10);
        let command_id = self.command_id();
        steps.push(Step::ReceiveSupplement(pb::ReceiveSupplementRequest {
            command_id,
            case_id: String::new(),
            received_on: received_on.to_string(),
            occurred_at: occurred_at_noon(received_on),
        }));
        Review::Done {
            on: received_on,
            supplemented: true,
        }
    }

    /// A third party is consulted; returns the day it answered.
    fn consultation(&mut self, steps: &mut Vec<Step>, today: NaiveDate) -> NaiveDate {
        let started_on = self.after_between(today, 2, 6);
        let party = format!("第三方{}", self.between(1, 99));
        let command_id = self.command_id();
        steps.push(Step::StartConsultation(pb::StartConsultationRequest {
            command_id,
            case_id: String::new(),
            party: party.clone(),
            party_kind: "third_party".into(),
            started_on: started_on.to_string(),
            occurred_at: occurred_at_noon(started_on),
        }));
        let answered_on = self.after_between(started_on, 3, 15);
        let command_id = self.command_id();
        steps.push(Step::AnswerConsultation(pb::AnswerConsultationRequest {
            command_id,
            case_id: String::new(),
            party,
            answered_on: answered_on.to_string(),
            occurred_at: occurred_at_noon(answered_on),
        }));
        answered_on
    }

    /// The decision, its delivery by the channel's own means, and the close.
    fn decide_and_deliver(
        &mut self,
        steps: &mut Vec<Step>,
        channel: &str,
        today: NaiveDate,
        supplemented: bool,
    ) {
        // Only a supplemented application can still be too unclear to answer.
        let outcome = if supplemented && self.chance(0.3) {
            Outcome::UnavailableStillUnclear
        } else {
            self.pick(&DECISION_OUTCOMES)
        };
        let decided_on = self.after_between(today, 3, 16);
        let command_id = self.command_id();
        steps.push(Step::Decide(pb::DecideRequest {
            command_id,
            case_id: String::new(),
            outcome: outcome.cell_row().to_owned(),
            legal_reason: outcome.legal_basis().to_owned(),
            decided_on: decided_on.to_string(),
            occurred_at: occurred_at_noon(decided_on),
        }));
        let delivered_on = self.after_between(decided_on, 0, 3);
        let method = match channel {
            "internet" | "fax" => "email",
            "in_person" => "in_person",
            _ => "post",
        };
        let command_id = self.command_id();
        steps.push(Step::DeliverReply(pb::DeliverReplyRequest {
            command_id,
            case_id: String::new(),
            delivered_on: delivered_on.to_string(),
            method: method.into(),
            occurred_at: occurred_at_noon(delivered_on),
        }));
        let command_id = self.command_id();
        steps.push(close(command_id, delivered_on));
    }
}
