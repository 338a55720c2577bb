//! 行政复议 / 行政诉讼: reconsiderations and suits against this year's refusals, filed some weeks after the
//! decision, most concluded within the year (upheld, corrected or other), some still pending at year end; the
//! first reconsideration upheld goes on to court.

use casetrack_api::v1 as pb;
use chrono::{Datelike, NaiveDate};

use super::generator::Generator;
use crate::demo::script::{Step, Submit};
use crate::noon::occurred_at_noon;

/// Yearly volumes at scale 1.0, and the least kept at any scale (see [`Generator::count`]).
const RECONSIDERATIONS: (f64, usize) = (4.0, 1);
const LITIGATIONS_DIRECT: (f64, usize) = (2.0, 1);

/// A refused application a challenge can name: its index among the cases, decision day and agency.
type Refusal = (usize, NaiveDate, String);

impl Generator<'_> {
    pub(super) fn challenges(&mut self) {
        let refusals = self.refusals();
        if refusals.is_empty() {
            return;
        }
        let reconsiderations = self.count(RECONSIDERATIONS);
        let direct = self.count(LITIGATIONS_DIRECT);
        let mut went_to_court = false;
        for n in 0..reconsiderations + direct {
            // Fewer refusals than challenges: some refusals are challenged more than once.
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

    /// Applications refused (neither disclosed nor partly disclosed) by a decision of this year, in case
    /// order; a decision falling next year (an application carried forward) is next year's to challenge.
    fn refusals(&self) -> Vec<Refusal> {
        self.cases
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
            .collect()
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
            occurred_at: occurred_at_noon(filed_on),
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
        // A conclusion that would fall next year is still pending at this year's end.
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
            occurred_at: occurred_at_noon(concluded_on),
        });
        let index = self.push(submit, vec![step]);
        Some((index, concluded_on, result))
    }
}
