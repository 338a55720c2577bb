//! 建议 / 提案: NPC deputies' suggestions and CPPCC members' proposals, assigned to a lead unit (and perhaps
//! co-units) after the district's two sessions, then contacted, perhaps extended, replied to and published.

use casetrack_api::v1 as pb;
use chrono::NaiveDate;

use super::generator::Generator;
use crate::demo::district::DISTRICT;
use crate::demo::script::{Step, Submit};
use crate::noon::occurred_at_noon;

/// Yearly volumes at scale 1.0, and the least kept at any scale (see [`Generator::count`]).
const NPC_SUGGESTIONS: (f64, usize) = (94.0, 2);
const CPPCC_PROPOSALS: (f64, usize) = (110.0, 2);

const PROPOSAL_TOPICS: [(&str, u32); 6] = [
    ("关于加快普洱茶产业提质增效的建议", 2),
    ("关于改善城区停车难问题的建议", 2),
    ("关于加强农村饮水安全保障的建议", 1),
    ("关于推进义务教育优质均衡发展的提案", 2),
    ("关于加强思茅河流域生态保护的提案", 1),
    ("关于优化营商环境的提案", 1),
];

impl Generator<'_> {
    pub(super) fn proposals(&mut self) {
        let npc = self.count(NPC_SUGGESTIONS);
        let cppcc = self.count(CPPCC_PROPOSALS);
        for n in 0..npc + cppcc {
            // Each body numbers its own from 1.
            let (kind, number) = if n < npc {
                ("npc_suggestion", format!("区人大建议第{}号", n + 1))
            } else {
                ("cppcc_proposal", format!("区政协提案第{}号", n - npc + 1))
            };
            // Assigned after the district's two sessions (两会) in late winter.
            let assigned_on = self.working_day(self.day(3, 5), self.day(3, 31));
            let lead_unit = self.department();
            let mut co_units = Vec::new();
            for _ in 0..self.between(0, 2) {
                let unit = self.department();
                if unit != lead_unit && !co_units.contains(&unit) {
                    co_units.push(unit);
                }
            }
            let request = pb::SubmitProposalRequest {
                external_id: self.external_id("proposal", n),
                agency: DISTRICT.to_owned(),
                kind: kind.to_owned(),
                number,
                title: self.pick(&PROPOSAL_TOPICS).to_owned(),
                lead_unit,
                co_units,
                assigned_on: assigned_on.to_string(),
                occurred_at: occurred_at_noon(assigned_on),
            };
            let steps = self.proposal_steps(assigned_on);
            self.push(Submit::Proposal(request), steps);
        }
    }

    /// The lead unit contacts the proposer, replies (a few after a 40-working-day extension) and publishes the
    /// reply.
    fn proposal_steps(&mut self, assigned_on: NaiveDate) -> Vec<Step> {
        let mut steps = Vec::new();
        let contacted_on = self.after_between(assigned_on, 5, 15);
        let command_id = self.command_id();
        steps.push(Step::ContactProposer(pb::ContactProposerRequest {
            command_id,
            case_id: String::new(),
            contacted_on: contacted_on.to_string(),
            note: "电话沟通办理思路".into(),
            occurred_at: occurred_at_noon(contacted_on),
        }));
        let mut reply_within = self.between(25, 55);
        if self.chance(0.06) {
            let command_id = self.command_id();
            steps.push(Step::ExtendProposal(pb::ExtendProposalRequest {
                command_id,
                case_id: String::new(),
                reason: "涉及面广、需多部门协调".into(),
                extended_on: contacted_on.to_string(),
                occurred_at: occurred_at_noon(contacted_on),
            }));
            reply_within += 40;
        }
        let replied_on = self.after(contacted_on, reply_within);
        let command_id = self.command_id();
        steps.push(Step::ReplyProposal(pb::ReplyProposalRequest {
            command_id,
            case_id: String::new(),
            result_class: self.pick(&[("A", 55), ("B", 35), ("C", 10)]).to_owned(),
            replied_on: replied_on.to_string(),
            occurred_at: occurred_at_noon(replied_on),
        }));
        let published_on = self.after_between(replied_on, 3, 10);
        let command_id = self.command_id();
        steps.push(Step::PublishProposal(pb::PublishProposalRequest {
            command_id,
            case_id: String::new(),
            published_on: published_on.to_string(),
            occurred_at: occurred_at_noon(published_on),
        }));
        steps
    }
}
