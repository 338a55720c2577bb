//! Helpers shared by the domain's integration tests.
#![allow(dead_code)]

use casetrack_domain::application::{
    self, ApplicationCommand, ApplicationState, Channel, DeliveryForm,
};
use casetrack_domain::{AgencyId, ApplicantType, Calendar, CaseId, Event, RuleViolation};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

/// A fixed "now" later than every date the tests use.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2028-03-01T02:00:00Z")
        .expect("valid instant")
        .to_utc()
}

pub fn calendar() -> Calendar {
    Calendar::embedded().expect("embedded calendar")
}

pub fn case(n: u128) -> CaseId {
    CaseId(Uuid::from_u128(n))
}

pub fn receive_cmd(id: CaseId, channel: Channel, handed_in_on: NaiveDate) -> ApplicationCommand {
    ApplicationCommand::Receive {
        applicant: None,
        case_id: id,
        agency: AgencyId::parse("simao/gov").unwrap(),
        applicant_type: ApplicantType::NaturalPerson,
        channel,
        handed_in_on,
        receipt_confirmed_on: None,
        content: "2018 年度财政预算执行情况".to_owned(),
        delivery_form: DeliveryForm::Paper,
        referred_from: None,
    }
}

/// An application run: applies commands one by one, keeping the state and every event.
pub struct Run {
    pub state: ApplicationState,
    pub events: Vec<Event>,
    pub calendar: Calendar,
}

impl Run {
    pub fn new() -> Run {
        Run {
            state: ApplicationState::default(),
            events: Vec::new(),
            calendar: calendar(),
        }
    }

    pub fn try_apply(&mut self, command: ApplicationCommand) -> Result<(), RuleViolation> {
        let events = application::decide(&self.state, command, now(), &self.calendar)?;
        for event in &events {
            application::evolve(&mut self.state, event).expect("own events fold");
        }
        self.events.extend(events);
        Ok(())
    }

    pub fn apply(&mut self, command: ApplicationCommand) -> &mut Run {
        let shown = format!("{command:?}");
        if let Err(violation) = self.try_apply(command) {
            panic!("{shown} refused: {violation}");
        }
        self
    }
}
