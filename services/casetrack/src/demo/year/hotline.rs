//! 热线工单: tickets from the 12345, 12328, 12369 and 96128 lines and the 政风行风热线 radio programme. Many
//! consultations (and most questions on the air) are answered at once; the rest are dispatched to a unit (sometimes returned and re-dispatched), signed, perhaps
//! reminded or extended, handled, replied to, closed and followed up — and handled again when the caller is
//! unsatisfied.

use casetrack_api::v1 as pb;
use chrono::{Duration, NaiveDate};

use super::generator::{Generator, close};
use crate::demo::district::DISTRICT;
use crate::demo::script::{Step, Submit};
use crate::noon::occurred_at_noon;

/// Yearly volume at scale 1.0, and the least kept at any scale (see [`Generator::count`]).
const HOTLINE_TICKETS: (f64, usize) = (1_200.0, 10);

/// The 政风行风热线: a radio programme on which the heads of departments answer callers' questions live; the seed
/// report counts its questions beside the 12345 lines'. A line is data, so its name is its code.
const ON_AIR_LINE: &str = "政风行风热线";

const HOTLINE_TOPICS: [(&str, u32); 8] = [
    ("咨询社保缴费及医保报销政策", 5),
    ("反映小区噪音扰民", 3),
    ("反映道路积水、路灯不亮", 3),
    ("投诉出租车拒载", 1),
    ("举报企业夜间排放废气", 1),
    ("咨询户籍迁移办理流程", 3),
    ("求助：家中老人走失", 1),
    ("建议增设公交线路站点", 1),
];

impl Generator<'_> {
    pub(super) fn hotline_tickets(&mut self) {
        for n in 0..self.count(HOTLINE_TICKETS) {
            // The hotline answers every day of the year, holidays included.
            let received_on = self.any_day(self.day(1, 1), self.day(12, 31));
            self.hotline_ticket(n, received_on);
        }
    }

    fn hotline_ticket(&mut self, n: usize, received_on: NaiveDate) {
        let line = self.pick(&[
            ("12345", 70),
            ("12328", 7),
            ("12369", 9),
            ("96128", 6),
            (ON_AIR_LINE, 8),
        ]);
        let category = self.pick(&[
            ("consultation", 40),
            ("help", 15),
            ("complaint", 25),
            ("report", 8),
            ("suggestion", 12),
        ]);
        let summary = format!("{}（{}）", self.pick(&HOTLINE_TOPICS), line);
        let request = pb::SubmitHotlineTicketRequest {
            caller: None,
            external_id: self.external_id("ticket", n),
            agency: DISTRICT.to_owned(),
            line: line.to_owned(),
            category: category.to_owned(),
            received_on: received_on.to_string(),
            summary,
            occurred_at: occurred_at_noon(received_on),
        };
        let mut steps = Vec::new();
        // On the radio line the department's head answers most questions on the air.
        let on_air = line == ON_AIR_LINE && self.chance(0.8);
        if on_air || (category == "consultation" && self.chance(0.6)) {
            let command_id = self.command_id();
            steps.push(Step::AnswerTicketAtOnce(pb::AnswerTicketAtOnceRequest {
                command_id,
                case_id: String::new(),
                answered_on: received_on.to_string(),
                answer: if on_air {
                    "节目中由部门负责人现场答复".into()
                } else {
                    "话务员依据知识库当场解答".into()
                },
                occurred_at: occurred_at_noon(received_on),
            }));
            let command_id = self.command_id();
            steps.push(close(command_id, received_on));
        } else {
            // Consultations and requests for help are due in 3 working days, the rest in 13.
            let limit = if matches!(category, "consultation" | "help") {
                3
            } else {
                13
            };
            let signed_on = self.dispatch_and_sign(&mut steps, limit, received_on);
            let (today, handling) = self.remind_or_extend(&mut steps, limit, signed_on);
            self.handle_until_followed_up(&mut steps, handling, today);
        }
        self.push(Submit::Hotline(request), steps);
    }

    /// Dispatches the ticket to a unit, which may return it as not its own (退单) to be dispatched to
    /// another; the unit that keeps it signs. Returns the day it signed.
    fn dispatch_and_sign(
        &mut self,
        steps: &mut Vec<Step>,
        limit: u32,
        today: NaiveDate,
    ) -> NaiveDate {
        let mut unit = self.department();
        let mut today = today;
        let command_id = self.command_id();
        steps.push(dispatch(command_id, &unit, limit, today));
        if self.chance(0.08) {
            today = self.after(today, 1);
            let command_id = self.command_id();
            steps.push(Step::ReturnTicket(pb::ReturnTicketRequest {
                command_id,
                case_id: String::new(),
                unit: unit.clone(),
                reason: "不属于本单位职责范围".into(),
                returned_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
            unit = self.department();
            let command_id = self.command_id();
            steps.push(dispatch(command_id, &unit, limit, today));
        }
        today = self.after_between(today, 0, 1);
        let command_id = self.command_id();
        steps.push(Step::SignTicket(pb::SignTicketRequest {
            command_id,
            case_id: String::new(),
            unit,
            signed_on: today.to_string(),
            occurred_at: occurred_at_noon(today),
        }));
        today
    }

    /// A few signed tickets are reminded (催办/督办) and a few extended by 5 working days. Returns the day of
    /// the last such step and the working days the unit has to handle the ticket.
    fn remind_or_extend(
        &mut self,
        steps: &mut Vec<Step>,
        limit: u32,
        today: NaiveDate,
    ) -> (NaiveDate, u32) {
        let mut today = today;
        if self.chance(0.06) {
            today = self.after(today, 1);
            let command_id = self.command_id();
            steps.push(Step::RemindTicket(pb::RemindTicketRequest {
                command_id,
                case_id: String::new(),
                level: self.pick(&[("urge", 3), ("supervise", 1)]).to_owned(),
                note: "请按时限办结并反馈".into(),
                reminded_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
        }
        let mut handling = limit;
        if self.chance(0.05) {
            today = self.after(today, 1);
            let command_id = self.command_id();
            steps.push(Step::ExtendTicket(pb::ExtendTicketRequest {
                command_id,
                case_id: String::new(),
                working_days: 5,
                reason: "需现场核查".into(),
                granted_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
            handling += 5;
        }
        (today, handling)
    }

    /// Handling rounds: handled within `handling` working days, replied to and closed the same day, followed
    /// up (回访) the day after. A few callers are unsatisfied once and the ticket is handled again.
    fn handle_until_followed_up(&mut self, steps: &mut Vec<Step>, handling: u32, today: NaiveDate) {
        let mut today = today;
        let mut rounds = if self.chance(0.05) { 2 } else { 1 };
        loop {
            today = self.after_between(today, 1, handling.saturating_sub(1).max(1));
            let command_id = self.command_id();
            steps.push(Step::HandleTicket(pb::HandleTicketRequest {
                command_id,
                case_id: String::new(),
                result: "已核实处理并告知来电人".into(),
                handled_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
            let command_id = self.command_id();
            steps.push(Step::ReplyToCaller(pb::ReplyToCallerRequest {
                command_id,
                case_id: String::new(),
                replied_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
            let command_id = self.command_id();
            steps.push(close(command_id, today));
            today += Duration::days(1);
            rounds -= 1;
            // Every round but the last ends unsatisfied: that is what sends the ticket back.
            let satisfaction = if rounds > 0 {
                "unsatisfied"
            } else {
                self.pick(&[
                    ("satisfied", 85),
                    ("basically_satisfied", 12),
                    ("unsatisfied", 3),
                ])
            };
            let command_id = self.command_id();
            steps.push(Step::RecordFollowUp(pb::RecordFollowUpRequest {
                command_id,
                case_id: String::new(),
                satisfaction: satisfaction.to_owned(),
                followed_up_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
            if rounds == 0 {
                return;
            }
            let command_id = self.command_id();
            steps.push(Step::OrderReHandling(pb::OrderReHandlingRequest {
                command_id,
                case_id: String::new(),
                reason: "回访不满意，重新办理".into(),
                ordered_on: today.to_string(),
                occurred_at: occurred_at_noon(today),
            }));
        }
    }
}

fn dispatch(command_id: String, unit: &str, limit: u32, on: NaiveDate) -> Step {
    Step::DispatchTicket(pb::DispatchTicketRequest {
        command_id,
        case_id: String::new(),
        unit: unit.to_owned(),
        time_limit_working_days: limit,
        dispatched_on: on.to_string(),
        occurred_at: occurred_at_noon(on),
    })
}
