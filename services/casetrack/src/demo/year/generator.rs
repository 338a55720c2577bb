//! What every kind of case shares: the generator's state (the one seeded RNG, the command counter, the cases
//! so far) and the draws and ids built on it. Each draw consumes the RNG, so a kind's output depends on the
//! exact sequence of draws it makes; changing the sequence changes every case generated after it.

use casetrack_api::v1 as pb;
use casetrack_domain::Calendar;
use chrono::{Duration, NaiveDate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::Params;
use crate::demo::district::{DEPARTMENTS, DISTRICT, TOWNSHIPS, agency};
use crate::demo::script::{CaseScript, Step, Submit};
use crate::noon::occurred_at_noon;

/// The namespace of every command id the demo derives (with the seed and a counter).
const DEMO_NAMESPACE: Uuid = uuid::uuid!("553a3c55-5a18-450d-b6c1-a73fa5405293");

pub(super) struct Generator<'a> {
    rng: ChaCha8Rng,
    calendar: &'a Calendar,
    pub(super) params: Params,
    commands: u64,
    pub(super) cases: Vec<CaseScript>,
}

impl<'a> Generator<'a> {
    pub(super) fn new(params: Params, calendar: &'a Calendar) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(params.seed),
            calendar,
            params,
            commands: 0,
            cases: Vec::new(),
        }
    }

    /// A yearly volume `(per year at scale 1.0, least)` at this scale; the least keeps every row of a small
    /// demo's report non-empty.
    pub(super) fn count(&self, (per_year, least): (f64, usize)) -> usize {
        ((per_year * self.params.scale).round() as usize).max(least)
    }

    /// Command ids come from the seed and a counter, not a random UUID, so a rerun sends the same ids.
    pub(super) fn command_id(&mut self) -> String {
        self.commands += 1;
        let name = format!("{}/{}", self.params.seed, self.commands);
        Uuid::new_v5(&DEMO_NAMESPACE, name.as_bytes()).to_string()
    }

    pub(super) fn external_id(&self, kind: &str, n: usize) -> String {
        format!(
            "demo-{}-{}-{kind}-{n:05}",
            self.params.year, self.params.seed
        )
    }

    pub(super) fn day(&self, month: u32, day: u32) -> NaiveDate {
        // Months and days below are literal calendar dates, valid in every year.
        NaiveDate::from_ymd_opt(self.params.year, month, day).expect("a literal calendar date")
    }

    /// A uniformly random day in `from..=to`.
    pub(super) fn any_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0);
        from + Duration::days(self.rng.random_range(0..=span))
    }

    /// A random working day in `from..=to` (the first working day on or after a random day).
    pub(super) fn working_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
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

    pub(super) fn after(&self, day: NaiveDate, working_days: u32) -> NaiveDate {
        if working_days == 0 {
            return self.next_working_day(day);
        }
        self.calendar
            .add_working_days(day, working_days)
            .unwrap_or(day + Duration::days(i64::from(working_days) * 7 / 5))
    }

    /// `low..=high` working days after `day`, drawn at random.
    pub(super) fn after_between(&mut self, day: NaiveDate, low: u32, high: u32) -> NaiveDate {
        let working_days = self.between(low, high);
        self.after(day, working_days)
    }

    pub(super) fn between(&mut self, low: u32, high: u32) -> u32 {
        self.rng.random_range(low..=high)
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    pub(super) fn pick<T: Copy>(&mut self, weighted: &[(T, u32)]) -> T {
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

    pub(super) fn department(&mut self) -> String {
        let index = self.rng.random_range(0..DEPARTMENTS.len());
        agency(DEPARTMENTS[index].0)
    }

    /// Where a case lands: mostly departments, some townships, some the district government itself.
    pub(super) fn any_agency(&mut self) -> String {
        match self.pick(&[(0, 15), (1, 65), (2, 20)]) {
            0 => DISTRICT.to_owned(),
            1 => self.department(),
            _ => {
                let index = self.rng.random_range(0..TOWNSHIPS.len());
                agency(TOWNSHIPS[index].0)
            }
        }
    }

    /// Appends a case; returns its index, by which challenges name it.
    pub(super) fn push(&mut self, submit: Submit, steps: Vec<Step>) -> usize {
        self.cases.push(CaseScript { submit, steps });
        self.cases.len() - 1
    }
}

/// Closing is the last step of both applications and hotline tickets.
pub(super) fn close(command_id: String, closed_on: NaiveDate) -> Step {
    Step::Close(pb::CloseRequest {
        command_id,
        case_id: String::new(),
        closed_on: closed_on.to_string(),
        occurred_at: occurred_at_noon(closed_on),
    })
}
