//! The cases the demo leaves open, dated back from today: after the demonstrated year (all of it closed), one
//! case in each state staff meet in their 待办 queues — an application just received, one awaiting the
//! confirmation of its receipt, one awaiting the applicant's 补正, one paused for a third party's opinion, one
//! extended, one decided but not yet delivered, one overdue; a ticket awaiting dispatch, one dispatched and
//! not signed, one signed, one extended, one overdue — so the console shows every light and every action.
//! They are submitted after the report is computed (as of its log position), so the report does not change.

use casetrack_api::v1 as pb;
use casetrack_domain::Calendar;
use chrono::{Duration, NaiveDate};

use super::district::agency;
use super::script::{CaseScript, DemoYear, Step, Submit};
use crate::noon::occurred_at_noon;

/// Working days since receipt of the overdue application: past the 20 of Art. 33.
const OVERDUE_APPLICATION_AGE: u32 = 30;
/// Working days since receipt of the overdue ticket, dispatched at once with [`TICKET_LIMIT`].
const OVERDUE_TICKET_AGE: u32 = 12;
/// The time limit the demo's dispatches give, in working days.
const TICKET_LIMIT: u32 = 5;

/// Days of the open cases, counted back from `today` in working days of `calendar`.
struct Days<'a> {
    today: NaiveDate,
    calendar: &'a Calendar,
}

impl Days<'_> {
    /// The working day `n` working days before today (today itself, or the last working day, for 0).
    fn back(&self, n: u32) -> NaiveDate {
        let working = |day: NaiveDate| self.calendar.is_working_day(day).unwrap_or(true);
        let mut day = self.today;
        while !working(day) {
            day -= Duration::days(1);
        }
        for _ in 0..n {
            day -= Duration::days(1);
            while !working(day) {
                day -= Duration::days(1);
            }
        }
        day
    }

    /// When an event of `day` happened: noon that day, or now for today (noon may be still to come).
    fn at(&self, day: NaiveDate) -> Option<prost_types::Timestamp> {
        if day < self.today {
            occurred_at_noon(day)
        } else {
            None
        }
    }
}

/// The open cases' scripts, as of `today`.
pub fn open_cases(today: NaiveDate, calendar: &Calendar) -> DemoYear {
    let days = Days { today, calendar };
    let mut cases = applications(&days);
    cases.extend(tickets(&days));
    DemoYear {
        year: today.format("%Y").to_string().parse().unwrap_or_default(),
        cases,
    }
}

fn command_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn application(
    days: &Days<'_>,
    n: usize,
    received: u32,
    channel: &str,
    department: &str,
) -> pb::SubmitApplicationRequest {
    let on = days.back(received);
    pb::SubmitApplicationRequest {
        applicant: None,
        external_id: format!("demo-open-application-{n}"),
        agency: agency(department),
        applicant_type: "natural_person".into(),
        channel: channel.into(),
        handed_in_on: on.to_string(),
        receipt_confirmed_on: if channel == "internet" {
            on.to_string()
        } else {
            String::new()
        },
        content: "申请公开本村土地征收补偿安置方案及批复文件".into(),
        delivery_form: "electronic".into(),
        referred_from: String::new(),
        occurred_at: days.at(on),
    }
}

fn applications(days: &Days<'_>) -> Vec<CaseScript> {
    let script = |n, received, channel, department, steps| CaseScript {
        submit: Submit::Application(application(days, n, received, channel, department)),
        steps,
    };
    let (supplement, consulted, extended, decided) =
        (days.back(3), days.back(5), days.back(2), days.back(1));
    vec![
        script(1, 0, "internet", "finance", vec![]),
        script(2, 0, "post_unsigned", "education", vec![]),
        script(
            3,
            5,
            "in_person",
            "natural_resources",
            vec![Step::RequestSupplement(pb::RequestSupplementRequest {
                command_id: command_id(),
                case_id: String::new(),
                requested_on: supplement.to_string(),
                what: "请明确所需信息的名称、文号或者便于查询的其他特征性描述".into(),
                supplement_by: days
                    .calendar
                    .add_working_days(supplement, 15)
                    .unwrap_or(days.today)
                    .to_string(),
                occurred_at: days.at(supplement),
            })],
        ),
        script(
            4,
            8,
            "internet",
            "housing_construction",
            vec![Step::StartConsultation(pb::StartConsultationRequest {
                command_id: command_id(),
                case_id: String::new(),
                party: "某房地产开发有限公司".into(),
                party_kind: "third_party".into(),
                started_on: consulted.to_string(),
                occurred_at: days.at(consulted),
            })],
        ),
        script(
            5,
            18,
            "internet",
            "ecology_environment",
            vec![Step::ApproveExtension(pb::ApproveExtensionRequest {
                command_id: command_id(),
                case_id: String::new(),
                working_days: 20,
                approved_by: "区政务公开办负责人".into(),
                reason: "涉及多个业务科室，需要检索归档资料".into(),
                approved_on: extended.to_string(),
                occurred_at: days.at(extended),
            })],
        ),
        script(
            6,
            10,
            "internet",
            "transport",
            vec![Step::Decide(pb::DecideRequest {
                command_id: command_id(),
                case_id: String::new(),
                outcome: "disclosed".into(),
                legal_reason: "《中华人民共和国政府信息公开条例》第三十六条第（二）项".into(),
                decided_on: decided.to_string(),
                occurred_at: days.at(decided),
            })],
        ),
        script(
            7,
            OVERDUE_APPLICATION_AGE,
            "internet",
            "civil_affairs",
            vec![],
        ),
    ]
}

fn ticket(days: &Days<'_>, n: usize, received: NaiveDate, summary: &str) -> Submit {
    Submit::Hotline(pb::SubmitHotlineTicketRequest {
        caller: None,
        external_id: format!("demo-open-ticket-{n}"),
        agency: super::district::DISTRICT.into(),
        line: "12345".into(),
        category: "complaint".into(),
        received_on: received.to_string(),
        summary: summary.into(),
        occurred_at: days.at(received),
    })
}

/// Dispatch on `on` to `department`, and (when `signed`) its signature the same day.
fn handled_by(days: &Days<'_>, on: NaiveDate, department: &str, signed: bool) -> Vec<Step> {
    let mut steps = vec![Step::DispatchTicket(pb::DispatchTicketRequest {
        command_id: command_id(),
        case_id: String::new(),
        unit: agency(department),
        time_limit_working_days: TICKET_LIMIT,
        dispatched_on: on.to_string(),
        occurred_at: days.at(on),
    })];
    if signed {
        steps.push(Step::SignTicket(pb::SignTicketRequest {
            command_id: command_id(),
            case_id: String::new(),
            unit: agency(department),
            signed_on: on.to_string(),
            occurred_at: days.at(on),
        }));
    }
    steps
}

fn tickets(days: &Days<'_>) -> Vec<CaseScript> {
    let (today, recent, older, overdue) = (
        days.back(0),
        days.back(1),
        days.back(3),
        days.back(OVERDUE_TICKET_AGE),
    );
    let mut extended = handled_by(days, older, "water_resources", true);
    extended.push(Step::ExtendTicket(pb::ExtendTicketRequest {
        command_id: command_id(),
        case_id: String::new(),
        working_days: 5,
        reason: "需协调供水企业抢修主管道".into(),
        granted_on: recent.to_string(),
        occurred_at: days.at(recent),
    }));
    vec![
        CaseScript {
            submit: ticket(days, 1, today, "小区门口道路积水严重，请尽快处理"),
            steps: vec![],
        },
        CaseScript {
            submit: ticket(days, 2, recent, "夜间施工噪音扰民"),
            steps: handled_by(days, recent, "urban_management", false),
        },
        CaseScript {
            submit: ticket(days, 3, older, "菜市场占道经营"),
            steps: handled_by(days, older, "market_regulation", true),
        },
        CaseScript {
            submit: ticket(days, 4, older, "片区停水未提前通知"),
            steps: extended,
        },
        CaseScript {
            submit: ticket(days, 5, overdue, "路灯长期不亮"),
            steps: handled_by(days, overdue, "housing_construction", true),
        },
    ]
}
