//! The counted records: quarterly licensing, penalty and compulsion decisions of the deciding departments,
//! monthly petitions handled (信访, counted rather than tracked case by case), trainings, policy
//! interpretations, press conferences and responses to public concern, and fees collected.

use casetrack_api::v1 as pb;
use chrono::NaiveDate;

use super::generator::Generator;
use crate::demo::district::{DISTRICT, agency};
use crate::demo::script::Submit;
use crate::noon::occurred_at_noon;

/// Yearly volume at scale 1.0, and the least kept at any scale (see [`Generator::count`]).
const PETITIONS: (f64, usize) = (835.0, 12);

/// Departments that decide licences, penalties and compulsory measures: quarterly volumes at scale 1.
const DECIDING_DEPARTMENTS: [(&str, u32, u32, u32); 6] = [
    ("government_services", 900, 0, 0),
    ("market_regulation", 250, 60, 8),
    ("natural_resources", 120, 15, 2),
    ("ecology_environment", 20, 12, 3),
    ("transport", 80, 40, 5),
    ("urban_management", 30, 90, 10),
];

/// Departments that collect fees, one payment each, in the second, third and fourth quarters.
const FEE_COLLECTORS: [&str; 3] = [
    "natural_resources",
    "housing_construction",
    "market_regulation",
];

/// One count before it is numbered and recorded.
struct Counted {
    agency: String,
    measure: &'static str,
    value: u64,
    period_end: NaiveDate,
}

impl Counted {
    fn new(agency: &str, measure: &'static str, value: u64, period_end: NaiveDate) -> Counted {
        Counted {
            agency: agency.to_owned(),
            measure,
            value,
            period_end,
        }
    }
}

impl Generator<'_> {
    pub(super) fn counts(&mut self) {
        let quarter_ends = [
            self.day(3, 31),
            self.day(6, 30),
            self.day(9, 30),
            self.day(12, 31),
        ];
        let mut counts = self.decision_counts(quarter_ends);
        counts.extend(self.petition_counts());
        counts.extend(self.publicity_counts(quarter_ends));
        // External ids number the count records from 1 in the order they are recorded.
        for (n, counted) in counts.into_iter().enumerate() {
            let request = pb::RecordCountRequest {
                external_id: self.external_id("count", n + 1),
                agency: counted.agency,
                measure: counted.measure.to_owned(),
                count: counted.value,
                period_end: counted.period_end.to_string(),
                occurred_at: occurred_at_noon(counted.period_end),
            };
            self.push(Submit::Count(request), Vec::new());
        }
        self.fees(quarter_ends);
    }

    /// Each deciding department's decisions per quarter: its volume at this scale, ±20%.
    fn decision_counts(&mut self, quarter_ends: [NaiveDate; 4]) -> Vec<Counted> {
        let scale = self.params.scale;
        let mut counts = Vec::new();
        for (name, licensing, penalty, compulsion) in DECIDING_DEPARTMENTS {
            let agency_id = agency(name);
            for end in quarter_ends {
                let values = [
                    ("licensing_decisions", licensing),
                    ("penalty_decisions", penalty),
                    ("compulsion_decisions", compulsion),
                ];
                for (measure, base) in values {
                    let scaled = (f64::from(base) * scale).round() as u32;
                    let value = u64::from(self.between(scaled * 8 / 10, scaled * 12 / 10));
                    // A count is a positive number of decisions: a quarter without any records nothing.
                    if value > 0 {
                        counts.push(Counted::new(&agency_id, measure, value, end));
                    }
                }
            }
        }
        counts
    }

    /// The year's petitions spread over the months, the remainder going to the first months.
    fn petition_counts(&self) -> Vec<Counted> {
        let petitions = self.count(PETITIONS) as u64;
        let letters = agency("letters_visits");
        (1..=12u32)
            .map(|month| {
                let share = petitions / 12 + u64::from(u64::from(month) <= petitions % 12);
                let end = month_end(self.params.year, month);
                Counted::new(&letters, "petitions_handled", share, end)
            })
            .collect()
    }

    /// The district's publicity work: a June training, quarterly interpretations and press conferences, and
    /// one response to public concern at year end.
    fn publicity_counts(&mut self, quarter_ends: [NaiveDate; 4]) -> Vec<Counted> {
        let training_day = self.working_day(self.day(6, 1), self.day(6, 30));
        let participants = (110.0 * self.params.scale).round().max(1.0) as u64;
        let mut counts = vec![
            Counted::new(DISTRICT, "training_sessions", 2, training_day),
            Counted::new(
                DISTRICT,
                "training_participants",
                participants,
                training_day,
            ),
        ];
        for end in quarter_ends {
            let interpretations = u64::from(self.between(4, 6));
            counts.push(Counted::new(
                DISTRICT,
                "policy_interpretations",
                interpretations,
                end,
            ));
            counts.push(Counted::new(DISTRICT, "press_conferences", 1, end));
        }
        let year_end = self.day(12, 31);
        counts.push(Counted::new(
            DISTRICT,
            "public_concern_responses",
            1,
            year_end,
        ));
        counts
    }

    fn fees(&mut self, quarter_ends: [NaiveDate; 4]) {
        for (k, name) in FEE_COLLECTORS.into_iter().enumerate() {
            let collected_on = quarter_ends[k + 1];
            let amount_fen = u64::from(self.between(20_000, 90_000)) * 100;
            let request = pb::RecordFeesCollectedRequest {
                external_id: self.external_id("fees", k),
                agency: agency(name),
                amount_fen,
                collected_on: collected_on.to_string(),
                occurred_at: occurred_at_noon(collected_on),
            };
            self.push(Submit::Fees(request), Vec::new());
        }
    }
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
