//! The year generator: a realistic year of the demonstration district, as scripts of gRPC requests. Pure and
//! seeded — the same (year, seed, scale) gives the same scripts, command ids and dates — so two runs of the
//! demo give byte-identical reports. Volumes follow the seed report (Simao district 2018), times `scale`:
//! hotline tickets from 12345, 12328, 12369 and 96128; 94 NPC suggestions and 110 CPPCC proposals; about 835
//! petitions; a few dozen disclosure applications with the outcomes a district sees (some received the
//! previous December, some carried into next year); reconsiderations and suits against some of them; about
//! 1,700 proactive disclosures on the website, Weibo and WeChat; normative documents issued and repealed;
//! licensing, penalty and compulsion decisions; fees collected; trainings and policy interpretations.

use casetrack_api::v1 as pb;
use casetrack_domain::{ApplicantType, Calendar, Outcome};
use chrono::{Datelike, Duration, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::district::{DEPARTMENTS, DISTRICT, TOWNSHIPS, agency};
use super::script::{CaseScript, DemoYear, Step, Submit};
use crate::noon::noon_in_china;

/// Largest accepted `--scale`: ten times the seed district is already a big city district.
pub const MAX_SCALE: f64 = 10.0;

/// The namespace of every command id the demo derives (with the seed and a counter).
const DEMO_NAMESPACE: Uuid = uuid::uuid!("553a3c55-5a18-450d-b6c1-a73fa5405293");

/// Yearly volumes at scale 1.0, and the least of each kept at any scale so a small demo still shows every row.
const APPLICATIONS: (f64, usize) = (40.0, 8);
const APPLICATIONS_CARRIED_OVER: (f64, usize) = (3.0, 1);
const APPLICATIONS_CARRIED_FORWARD: (f64, usize) = (3.0, 1);
const HOTLINE_TICKETS: (f64, usize) = (1_200.0, 10);
const NPC_SUGGESTIONS: (f64, usize) = (94.0, 2);
const CPPCC_PROPOSALS: (f64, usize) = (110.0, 2);
const PROACTIVE_DISCLOSURES: (f64, usize) = (1_735.0, 10);
const NORMATIVE_DOCUMENTS: (f64, usize) = (12.0, 2);
const DOCUMENTS_IN_FORCE_BEFORE: (f64, usize) = (30.0, 2);
const DOCUMENTS_REPEALED: (f64, usize) = (3.0, 1);
const PETITIONS: (f64, usize) = (835.0, 12);
const RECONSIDERATIONS: (f64, usize) = (4.0, 1);
const LITIGATIONS_DIRECT: (f64, usize) = (2.0, 1);

/// The generator's inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub year: i32,
    pub seed: u64,
    pub scale: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("--scale must be > 0 and at most {MAX_SCALE}, got {0}")]
    Scale(f64),
    #[error("the holiday calendar does not cover {year}-{next}: {reason}", next = year + 1)]
    Calendar { year: i32, reason: String },
}

/// The last day any generated fact falls on: the end of June of the next year (decisions on December's
/// applications, replies to extended proposals). The demo only runs years whose horizon is past.
pub fn horizon(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year + 1, 6, 30)
}

/// Generates the year.
pub fn generate(params: Params, calendar: &Calendar) -> Result<DemoYear, GenerateError> {
    if !(params.scale > 0.0 && params.scale <= MAX_SCALE) {
        return Err(GenerateError::Scale(params.scale));
    }
    for year in [params.year - 1, params.year, params.year + 1] {
        let first = NaiveDate::from_ymd_opt(year, 1, 1);
        let covered = first.map(|day| calendar.is_working_day(day));
        if let Some(Err(error)) = covered {
            return Err(GenerateError::Calendar {
                year: params.year,
                reason: error.to_string(),
            });
        }
    }
    let mut generator = Generator {
        rng: ChaCha8Rng::seed_from_u64(params.seed),
        calendar,
        params,
        commands: 0,
        cases: Vec::new(),
    };
    generator.applications();
    generator.challenges();
    generator.hotline_tickets();
    generator.proposals();
    generator.disclosures();
    generator.documents();
    generator.counts();
    Ok(DemoYear {
        year: params.year,
        cases: generator.cases,
    })
}

struct Generator<'a> {
    rng: ChaCha8Rng,
    calendar: &'a Calendar,
    params: Params,
    commands: u64,
    cases: Vec<CaseScript>,
}

/// The steps of one case under construction, with the command-id source.
struct Steps(Vec<Step>);

impl Generator<'_> {
    fn count(&self, (per_year, least): (f64, usize)) -> usize {
        ((per_year * self.params.scale).round() as usize).max(least)
    }

    fn command_id(&mut self) -> String {
        self.commands += 1;
        let name = format!("{}/{}", self.params.seed, self.commands);
        Uuid::new_v5(&DEMO_NAMESPACE, name.as_bytes()).to_string()
    }

    fn external_id(&self, kind: &str, n: usize) -> String {
        format!(
            "demo-{}-{}-{kind}-{n:05}",
            self.params.year, self.params.seed
        )
    }

    fn day(&self, month: u32, day: u32) -> NaiveDate {
        // Months and days below are literal calendar dates, valid in every year.
        NaiveDate::from_ymd_opt(self.params.year, month, day).expect("a literal calendar date")
    }

    /// A uniformly random day in `from..=to`.
    fn any_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0);
        from + Duration::days(self.rng.random_range(0..=span))
    }

    /// A random working day in `from..=to` (the first working day on or after a random day).
    fn working_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let day = self.any_day(from, to);
        self.next_working_day(day)
    }

    fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        // The calendar covers year-1..=year+1 (checked in `generate`); adding working days from the day
        // before lands on `day` itself when it is a working day.
        self.calendar
            .add_working_days(day - Duration::days(1), 1)
            .unwrap_or(day)
    }

    fn after(&self, day: NaiveDate, working_days: u32) -> NaiveDate {
        if working_days == 0 {
            return self.next_working_day(day);
        }
        self.calendar
            .add_working_days(day, working_days)
            .unwrap_or(day + Duration::days(i64::from(working_days) * 7 / 5))
    }

    /// `low..=high` working days after `day`, drawn at random.
    fn after_between(&mut self, day: NaiveDate, low: u32, high: u32) -> NaiveDate {
        let working_days = self.between(low, high);
        self.after(day, working_days)
    }

    fn between(&mut self, low: u32, high: u32) -> u32 {
        self.rng.random_range(low..=high)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<T: Copy>(&mut self, weighted: &[(T, u32)]) -> T {
        let total: u32 = weighted.iter().map(|(_, w)| w).sum();
        let mut ticket = self.rng.random_range(0..total);
        for (item, weight) in weighted {
            if ticket < *weight {
                return *item;
            }
            ticket -= weight;
        }
        unreachable!("the ticket is below the total weight")
    }

    fn department(&mut self) -> String {
        let index = self.rng.random_range(0..DEPARTMENTS.len());
        agency(DEPARTMENTS[index])
    }

    /// Where a case lands: mostly departments, some townships, some the district government itself.
    fn any_agency(&mut self) -> String {
        match self.pick(&[(0, 15), (1, 65), (2, 20)]) {
            0 => DISTRICT.to_owned(),
            1 => self.department(),
            _ => {
                let index = self.rng.random_range(0..TOWNSHIPS.len());
                agency(TOWNSHIPS[index])
            }
        }
    }

    fn push(&mut self, submit: Submit, steps: Vec<Step>) -> usize {
        self.cases.push(CaseScript { submit, steps });
        self.cases.len() - 1
    }

    // ---- 依申请公开 -------------------------------------------------------------------------------------------

    fn applications(&mut self) {
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
        received.sort();
        for (n, received_on) in received.into_iter().enumerate() {
            self.application(n, received_on);
        }
    }

    fn application(&mut self, n: usize, received_on: NaiveDate) {
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
            occurred_at: noon_in_china(received_on).to_rfc3339(),
        };
        let mut steps = Steps(Vec::new());
        let mut today = received_on;
        if channel == "post_unsigned" {
            today = self.after(today, 1);
            let command_id = self.command_id();
            steps.push(Step::ConfirmReceipt(pb::ConfirmReceiptRequest {
                command_id,
                case_id: String::new(),
                confirmed_on: today.to_string(),
                occurred_at: noon_in_china(today).to_rfc3339(),
            }));
        }
        let path = self.pick(&[
            ("plain", 80),
            ("supplement", 8),
            ("consultation", 6),
            ("extension", 6),
        ]);
        let mut still_unclear_possible = false;
        match path {
            "supplement" => {
                let requested_on = self.after_between(today, 1, 5);
                let supplement_by = self.after(requested_on, 15);
                let command_id = self.command_id();
                steps.push(Step::RequestSupplement(pb::RequestSupplementRequest {
                    command_id,
                    case_id: String::new(),
                    requested_on: requested_on.to_string(),
                    what: "请明确所需信息的名称、文号或者便于查询的其他特征性描述".into(),
                    supplement_by: supplement_by.to_string(),
                    occurred_at: noon_in_china(requested_on).to_rfc3339(),
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
                        occurred_at: noon_in_china(abandoned_on).to_rfc3339(),
                    }));
                    let command_id = self.command_id();
                    steps.push(close(command_id, abandoned_on));
                    self.push(Submit::Application(request), steps.0);
                    return;
                }
                today = self.after_between(requested_on, 2, 10);
                let command_id = self.command_id();
                steps.push(Step::ReceiveSupplement(pb::ReceiveSupplementRequest {
                    command_id,
                    case_id: String::new(),
                    received_on: today.to_string(),
                    occurred_at: noon_in_china(today).to_rfc3339(),
                }));
                still_unclear_possible = true;
            }
            "consultation" => {
                let started_on = self.after_between(today, 2, 6);
                let party = format!("第三方{}", self.between(1, 99));
                let command_id = self.command_id();
                steps.push(Step::StartConsultation(pb::StartConsultationRequest {
                    command_id,
                    case_id: String::new(),
                    party: party.clone(),
                    party_kind: "third_party".into(),
                    started_on: started_on.to_string(),
                    occurred_at: noon_in_china(started_on).to_rfc3339(),
                }));
                today = self.after_between(started_on, 3, 15);
                let command_id = self.command_id();
                steps.push(Step::AnswerConsultation(pb::AnswerConsultationRequest {
                    command_id,
                    case_id: String::new(),
                    party,
                    answered_on: today.to_string(),
                    occurred_at: noon_in_china(today).to_rfc3339(),
                }));
            }
            "extension" => {
                today = self.after_between(today, 12, 18);
                let command_id = self.command_id();
                steps.push(Step::ApproveExtension(pb::ApproveExtensionRequest {
                    command_id,
                    case_id: String::new(),
                    working_days: 20,
                    approved_by: "区政务公开办负责人".into(),
                    reason: "涉及多个业务科室，需要检索归档资料".into(),
                    approved_on: today.to_string(),
                    occurred_at: noon_in_china(today).to_rfc3339(),
                }));
            }
            _ => {}
        }
        let outcome = if still_unclear_possible && self.chance(0.3) {
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
            occurred_at: noon_in_china(decided_on).to_rfc3339(),
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
            occurred_at: noon_in_china(delivered_on).to_rfc3339(),
        }));
        let command_id = self.command_id();
        steps.push(close(command_id, delivered_on));
        self.push(Submit::Application(request), steps.0);
    }

    // ---- 行政复议 / 行政诉讼 ----------------------------------------------------------------------------------

    /// Reconsiderations and suits against refusals: filed some weeks after the decision, most concluded
    /// within the year (upheld, corrected or other), some still pending at year end.
    fn challenges(&mut self) {
        let refusals: Vec<(usize, NaiveDate, String)> = self
            .cases
            .iter()
            .enumerate()
            .filter_map(|(index, case)| {
                let Submit::Application(request) = &case.submit else {
                    return None;
                };
                case.steps.iter().find_map(|step| match step {
                    Step::Decide(d)
                        if d.outcome != "disclosed" && d.outcome != "partly_disclosed" =>
                    {
                        let decided_on =
                            NaiveDate::parse_from_str(&d.decided_on, "%Y-%m-%d").ok()?;
                        (decided_on.year() == self.params.year)
                            .then(|| (index, decided_on, request.agency.clone()))
                    }
                    _ => None,
                })
            })
            .collect();
        if refusals.is_empty() {
            return;
        }
        let reconsiderations = self.count(RECONSIDERATIONS);
        let direct = self.count(LITIGATIONS_DIRECT);
        let mut went_to_court = false;
        for n in 0..reconsiderations + direct {
            let (application, decided_on, agency_id) = refusals[n % refusals.len()].clone();
            let kind = if n < reconsiderations {
                "reconsideration"
            } else {
                "litigation_direct"
            };
            let filed_on = self.after_between(decided_on, 5, 25);
            let concluded = self.challenge(n, kind, application, None, &agency_id, filed_on);
            // The first reconsideration that ends upheld in time goes on to court (复议后起诉).
            if let Some((index, concluded_on, "upheld")) = concluded
                && kind == "reconsideration"
                && !went_to_court
            {
                went_to_court = true;
                let filed_on = self.after_between(concluded_on, 3, 10);
                self.challenge(
                    reconsiderations + direct,
                    "litigation_after_reconsideration",
                    application,
                    Some(index),
                    &agency_id,
                    filed_on,
                );
            }
        }
    }

    /// Pushes one challenge; returns its index, conclusion day and result when it concluded.
    fn challenge(
        &mut self,
        n: usize,
        kind: &str,
        application: usize,
        prior: Option<usize>,
        agency_id: &str,
        filed_on: NaiveDate,
    ) -> Option<(usize, NaiveDate, &'static str)> {
        let request = pb::SubmitChallengeRequest {
            external_id: self.external_id("challenge", n),
            agency: agency_id.to_owned(),
            kind: kind.to_owned(),
            application_case_id: String::new(),
            prior_reconsideration_case_id: String::new(),
            filed_on: filed_on.to_string(),
            occurred_at: noon_in_china(filed_on).to_rfc3339(),
        };
        let concluded_on = self.after_between(filed_on, 20, 60);
        let result = self.pick(&[
            ("upheld", 60),
            ("corrected", 20),
            ("other", 10),
            ("pending", 10),
        ]);
        let submit = Submit::Challenge {
            request,
            application,
            prior,
        };
        if result == "pending" || concluded_on.year() > self.params.year {
            self.push(submit, Vec::new());
            return None;
        }
        let command_id = self.command_id();
        let step = Step::ConcludeChallenge(pb::ConcludeChallengeRequest {
            command_id,
            case_id: String::new(),
            result: result.to_owned(),
            concluded_on: concluded_on.to_string(),
            occurred_at: noon_in_china(concluded_on).to_rfc3339(),
        });
        let index = self.push(submit, vec![step]);
        Some((index, concluded_on, result))
    }

    // ---- 热线工单 -----------------------------------------------------------------------------------------

    fn hotline_tickets(&mut self) {
        for n in 0..self.count(HOTLINE_TICKETS) {
            let received_on = self.any_day(self.day(1, 1), self.day(12, 31));
            self.hotline_ticket(n, received_on);
        }
    }

    fn hotline_ticket(&mut self, n: usize, received_on: NaiveDate) {
        let line = self.pick(&[("12345", 75), ("12328", 8), ("12369", 10), ("96128", 7)]);
        let category = self.pick(&[
            ("consultation", 40),
            ("help", 15),
            ("complaint", 25),
            ("report", 8),
            ("suggestion", 12),
        ]);
        let summary = format!("{}（{}）", self.pick(&HOTLINE_TOPICS), line);
        let request = pb::SubmitHotlineTicketRequest {
            external_id: self.external_id("ticket", n),
            agency: DISTRICT.to_owned(),
            line: line.to_owned(),
            category: category.to_owned(),
            received_on: received_on.to_string(),
            summary,
            occurred_at: noon_in_china(received_on).to_rfc3339(),
        };
        let mut steps = Steps(Vec::new());
        if category == "consultation" && self.chance(0.6) {
            let command_id = self.command_id();
            steps.push(Step::AnswerTicketAtOnce(pb::AnswerTicketAtOnceRequest {
                command_id,
                case_id: String::new(),
                answered_on: received_on.to_string(),
                answer: "话务员依据知识库当场解答".into(),
                occurred_at: noon_in_china(received_on).to_rfc3339(),
            }));
            let command_id = self.command_id();
            steps.push(close(command_id, received_on));
            self.push(Submit::Hotline(request), steps.0);
            return;
        }
        let limit = if matches!(category, "consultation" | "help") {
            3
        } else {
            13
        };
        let mut unit = self.department();
        let mut today = received_on;
        let command_id = self.command_id();
        steps.push(dispatch(command_id, &unit, limit, today));
        if self.chance(0.08) {
            // 退单: not this unit's responsibility; the centre dispatches to another unit.
            today = self.after(today, 1);
            let command_id = self.command_id();
            steps.push(Step::ReturnTicket(pb::ReturnTicketRequest {
                command_id,
                case_id: String::new(),
                unit: unit.clone(),
                reason: "不属于本单位职责范围".into(),
                returned_on: today.to_string(),
                occurred_at: noon_in_china(today).to_rfc3339(),
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
            unit: unit.clone(),
            signed_on: today.to_string(),
            occurred_at: noon_in_china(today).to_rfc3339(),
        }));
        if self.chance(0.06) {
            today = self.after(today, 1);
            let command_id = self.command_id();
            steps.push(Step::RemindTicket(pb::RemindTicketRequest {
                command_id,
                case_id: String::new(),
                level: self.pick(&[("urge", 3), ("supervise", 1)]).to_owned(),
                note: "请按时限办结并反馈".into(),
                reminded_on: today.to_string(),
                occurred_at: noon_in_china(today).to_rfc3339(),
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
                occurred_at: noon_in_china(today).to_rfc3339(),
            }));
            handling += 5;
        }
        let mut rounds = if self.chance(0.05) { 2 } else { 1 };
        loop {
            today = self.after_between(today, 1, handling.saturating_sub(1).max(1));
            let command_id = self.command_id();
            steps.push(Step::HandleTicket(pb::HandleTicketRequest {
                command_id,
                case_id: String::new(),
                result: "已核实处理并告知来电人".into(),
                handled_on: today.to_string(),
                occurred_at: noon_in_china(today).to_rfc3339(),
            }));
            let command_id = self.command_id();
            steps.push(Step::ReplyToCaller(pb::ReplyToCallerRequest {
                command_id,
                case_id: String::new(),
                replied_on: today.to_string(),
                occurred_at: noon_in_china(today).to_rfc3339(),
            }));
            let command_id = self.command_id();
            steps.push(close(command_id, today));
            // 回访 the day after closing.
            today += Duration::days(1);
            rounds -= 1;
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
                occurred_at: noon_in_china(today).to_rfc3339(),
            }));
            if rounds == 0 {
                break;
            }
            let command_id = self.command_id();
            steps.push(Step::OrderReHandling(pb::OrderReHandlingRequest {
                command_id,
                case_id: String::new(),
                reason: "回访不满意，重新办理".into(),
                ordered_on: today.to_string(),
                occurred_at: noon_in_china(today).to_rfc3339(),
            }));
        }
        self.push(Submit::Hotline(request), steps.0);
    }

    // ---- 建议 / 提案 --------------------------------------------------------------------------------------

    fn proposals(&mut self) {
        let npc = self.count(NPC_SUGGESTIONS);
        let cppcc = self.count(CPPCC_PROPOSALS);
        for n in 0..npc + cppcc {
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
                occurred_at: noon_in_china(assigned_on).to_rfc3339(),
            };
            let mut steps = Steps(Vec::new());
            let contacted_on = self.after_between(assigned_on, 5, 15);
            let command_id = self.command_id();
            steps.push(Step::ContactProposer(pb::ContactProposerRequest {
                command_id,
                case_id: String::new(),
                contacted_on: contacted_on.to_string(),
                note: "电话沟通办理思路".into(),
                occurred_at: noon_in_china(contacted_on).to_rfc3339(),
            }));
            let mut reply_within = self.between(25, 55);
            if self.chance(0.06) {
                let command_id = self.command_id();
                steps.push(Step::ExtendProposal(pb::ExtendProposalRequest {
                    command_id,
                    case_id: String::new(),
                    reason: "涉及面广、需多部门协调".into(),
                    extended_on: contacted_on.to_string(),
                    occurred_at: noon_in_china(contacted_on).to_rfc3339(),
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
                occurred_at: noon_in_china(replied_on).to_rfc3339(),
            }));
            let published_on = self.after_between(replied_on, 3, 10);
            let command_id = self.command_id();
            steps.push(Step::PublishProposal(pb::PublishProposalRequest {
                command_id,
                case_id: String::new(),
                published_on: published_on.to_string(),
                occurred_at: noon_in_china(published_on).to_rfc3339(),
            }));
            self.push(Submit::Proposal(request), steps.0);
        }
    }

    // ---- 主动公开 and the other counted records ----------------------------------------------------------------

    fn disclosures(&mut self) {
        for n in 0..self.count(PROACTIVE_DISCLOSURES) {
            let published_on = self.working_day(self.day(1, 2), self.day(12, 31));
            let mut channels = vec!["website".to_owned()];
            for (channel, p) in [
                ("weibo", 0.3),
                ("wechat", 0.45),
                ("gazette", 0.04),
                ("other", 0.03),
            ] {
                if self.chance(p) {
                    channels.push(channel.to_owned());
                }
            }
            let category = self.pick(&DISCLOSURE_CATEGORIES);
            let request = pb::RecordDisclosureRequest {
                external_id: self.external_id("disclosure", n),
                agency: self.any_agency(),
                title: format!(
                    "{category}（{}第{}期）",
                    published_on.format("%Y年%m月"),
                    n + 1
                ),
                channels,
                published_on: published_on.to_string(),
                occurred_at: noon_in_china(published_on).to_rfc3339(),
            };
            self.push(Submit::Disclosure(request), Vec::new());
        }
    }

    /// Normative documents: some issued in the three years before (in force, a few repealed this year) and
    /// some issued this year. A district government issues no 规章, so that row stays 0.
    fn documents(&mut self) {
        let year = self.params.year;
        let before = self.count(DOCUMENTS_IN_FORCE_BEFORE);
        let repealed = self.count(DOCUMENTS_REPEALED).min(before);
        let this_year = self.count(NORMATIVE_DOCUMENTS);
        for n in 0..before + this_year {
            let issued_on = if n < before {
                let from = NaiveDate::from_ymd_opt(year - 3, 1, 2).unwrap_or(self.day(1, 2));
                let to = NaiveDate::from_ymd_opt(year - 1, 12, 20).unwrap_or(self.day(1, 2));
                self.working_day(from, to)
            } else {
                self.working_day(self.day(1, 5), self.day(12, 20))
            };
            let issuer = if self.chance(0.5) {
                DISTRICT.to_owned()
            } else {
                self.department()
            };
            let request = pb::RecordDocumentIssuedRequest {
                external_id: self.external_id("document", n),
                agency: issuer,
                kind: "normative_documents".into(),
                title: format!(
                    "思茅区{}（思政规〔{}〕{}号）",
                    self.pick(&DOCUMENT_TOPICS),
                    issued_on.year(),
                    n + 1
                ),
                issued_on: issued_on.to_string(),
                occurred_at: noon_in_china(issued_on).to_rfc3339(),
            };
            let mut steps = Vec::new();
            if n < repealed {
                let repealed_on = self.working_day(self.day(3, 1), self.day(11, 30));
                let command_id = self.command_id();
                steps.push(Step::RepealDocument(pb::RecordDocumentRepealedRequest {
                    command_id,
                    case_id: String::new(),
                    repealed_on: repealed_on.to_string(),
                    occurred_at: noon_in_china(repealed_on).to_rfc3339(),
                }));
            }
            self.push(Submit::Document(request), steps);
        }
    }

    /// Quarterly counts of decisions, monthly petitions, trainings, interpretations, and fees collected.
    fn counts(&mut self) {
        let quarter_ends = [
            self.day(3, 31),
            self.day(6, 30),
            self.day(9, 30),
            self.day(12, 31),
        ];
        let scale = self.params.scale;
        let mut n = 0;
        let mut count = |generator: &mut Self,
                         agency_id: &str,
                         measure: &str,
                         value: u64,
                         period_end: NaiveDate| {
            n += 1;
            let request = pb::RecordCountRequest {
                external_id: generator.external_id("count", n),
                agency: agency_id.to_owned(),
                measure: measure.to_owned(),
                count: value,
                period_end: period_end.to_string(),
                occurred_at: noon_in_china(period_end).to_rfc3339(),
            };
            generator.push(Submit::Count(request), Vec::new());
        };
        for (name, licensing, penalty, compulsion) in DECIDING_DEPARTMENTS {
            for end in quarter_ends {
                let jitter = |g: &mut Self, base: u32| -> u64 {
                    let scaled = (f64::from(base) * scale).round() as u32;
                    u64::from(g.between(scaled * 8 / 10, scaled * 12 / 10))
                };
                let agency_id = agency(name);
                let values = [
                    ("licensing_decisions", licensing),
                    ("penalty_decisions", penalty),
                    ("compulsion_decisions", compulsion),
                ];
                for (measure, base) in values {
                    // A count is a positive number of decisions: a quarter without any records nothing.
                    let value = jitter(self, base);
                    if value > 0 {
                        count(self, &agency_id, measure, value, end);
                    }
                }
            }
        }
        let petitions = self.count(PETITIONS) as u64;
        let letters = agency("letters_visits");
        for month in 1..=12u32 {
            let end = month_end(self.params.year, month);
            let share = petitions / 12 + u64::from(u64::from(month) <= petitions % 12);
            count(self, &letters, "petitions_handled", share, end);
        }
        let training_day = self.working_day(self.day(6, 1), self.day(6, 30));
        count(self, DISTRICT, "training_sessions", 2, training_day);
        count(
            self,
            DISTRICT,
            "training_participants",
            (110.0 * scale).round().max(1.0) as u64,
            training_day,
        );
        for end in quarter_ends {
            let interpretations = u64::from(self.between(4, 6));
            count(
                self,
                DISTRICT,
                "policy_interpretations",
                interpretations,
                end,
            );
            count(self, DISTRICT, "press_conferences", 1, end);
        }
        count(
            self,
            DISTRICT,
            "public_concern_responses",
            1,
            self.day(12, 31),
        );
        for (k, name) in [
            "natural_resources",
            "housing_construction",
            "market_regulation",
        ]
        .into_iter()
        .enumerate()
        {
            let collected_on = quarter_ends[k + 1];
            let amount_fen = u64::from(self.between(20_000, 90_000)) * 100;
            let request = pb::RecordFeesCollectedRequest {
                external_id: self.external_id("fees", k),
                agency: agency(name),
                amount_fen,
                collected_on: collected_on.to_string(),
                occurred_at: noon_in_china(collected_on).to_rfc3339(),
            };
            self.push(Submit::Fees(request), Vec::new());
        }
    }
}

impl Steps {
    fn push(&mut self, step: Step) {
        self.0.push(step);
    }
}

fn close(command_id: String, closed_on: NaiveDate) -> Step {
    Step::Close(pb::CloseRequest {
        command_id,
        case_id: String::new(),
        closed_on: closed_on.to_string(),
        occurred_at: noon_in_china(closed_on).to_rfc3339(),
    })
}

fn dispatch(command_id: String, unit: &str, limit: u32, on: NaiveDate) -> Step {
    Step::DispatchTicket(pb::DispatchTicketRequest {
        command_id,
        case_id: String::new(),
        unit: unit.to_owned(),
        time_limit_working_days: limit,
        dispatched_on: on.to_string(),
        occurred_at: noon_in_china(on).to_rfc3339(),
    })
}

fn month_end(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    first_of_next
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MIN)
}

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

/// Departments that decide licences, penalties and compulsory measures: quarterly volumes at scale 1.
const DECIDING_DEPARTMENTS: [(&str, u32, u32, u32); 6] = [
    ("government_services", 900, 0, 0),
    ("market_regulation", 250, 60, 8),
    ("natural_resources", 120, 15, 2),
    ("ecology_environment", 20, 12, 3),
    ("transport", 80, 40, 5),
    ("urban_management", 30, 90, 10),
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

const PROPOSAL_TOPICS: [(&str, u32); 6] = [
    ("关于加快普洱茶产业提质增效的建议", 2),
    ("关于改善城区停车难问题的建议", 2),
    ("关于加强农村饮水安全保障的建议", 1),
    ("关于推进义务教育优质均衡发展的提案", 2),
    ("关于加强思茅河流域生态保护的提案", 1),
    ("关于优化营商环境的提案", 1),
];

const DISCLOSURE_CATEGORIES: [(&str, u32); 6] = [
    ("重点领域信息：财政预决算", 2),
    ("重点领域信息：重大建设项目", 2),
    ("重点领域信息：公共资源配置", 2),
    ("政务动态", 8),
    ("通知公告", 3),
    ("政策解读", 1),
];

const DOCUMENT_TOPICS: [(&str, u32); 4] = [
    ("城乡居民临时救助实施办法", 1),
    ("城区户外广告设置管理规定", 1),
    ("农村集体资产管理办法", 1),
    ("政府投资项目管理办法", 1),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar() -> Calendar {
        Calendar::embedded().expect("embedded calendar")
    }

    fn params(seed: u64) -> Params {
        Params {
            year: 2025,
            seed,
            scale: 0.05,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_year_and_another_seed_another() {
        let calendar = calendar();
        let a = generate(params(7), &calendar).expect("year");
        assert_eq!(a, generate(params(7), &calendar).expect("year"));
        assert_ne!(a, generate(params(8), &calendar).expect("year"));
    }

    #[test]
    fn a_year_has_every_kind_of_case_and_nothing_after_the_horizon() {
        let calendar = calendar();
        let year = generate(params(1), &calendar).expect("year");
        let kinds = |f: fn(&Submit) -> bool| year.cases.iter().filter(|c| f(&c.submit)).count();
        assert!(kinds(|s| matches!(s, Submit::Application(_))) >= 10);
        assert!(kinds(|s| matches!(s, Submit::Hotline(_))) >= 10);
        assert!(kinds(|s| matches!(s, Submit::Proposal(_))) >= 4);
        assert!(kinds(|s| matches!(s, Submit::Challenge { .. })) >= 2);
        assert!(kinds(|s| matches!(s, Submit::Disclosure(_))) >= 10);
        let carried_over = year.cases.iter().filter(
            |c| matches!(&c.submit, Submit::Application(r) if r.handed_in_on.starts_with("2024-")),
        );
        assert!(carried_over.count() >= 1);
        let horizon = horizon(2025).expect("horizon");
        for case in &year.cases {
            for step in &case.steps {
                let text = format!("{step:?}");
                // Every date field is "YYYY-MM-DD"; none may lie past the horizon.
                for date in text
                    .split('"')
                    .filter_map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                {
                    assert!(date <= horizon, "{date} after {horizon} in {text}");
                }
            }
        }
        // Challenges only name cases that come before them.
        for (index, case) in year.cases.iter().enumerate() {
            if let Submit::Challenge {
                application, prior, ..
            } = &case.submit
            {
                assert!(*application < index && prior.is_none_or(|p| p < index));
            }
        }
    }

    #[test]
    fn bad_scales_are_refused() {
        let calendar = calendar();
        for scale in [0.0, -1.0, f64::NAN, MAX_SCALE * 2.0] {
            let error = generate(Params { scale, ..params(1) }, &calendar).expect_err("bad scale");
            assert!(matches!(error, GenerateError::Scale(_)));
        }
    }
}
