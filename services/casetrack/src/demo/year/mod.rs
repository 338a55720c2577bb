//! The year generator: a realistic year of the demonstration district, as scripts of gRPC requests. Pure and
//! seeded — the same (year, seed, scale) gives the same scripts, command ids and dates — so two runs of the
//! demo give byte-identical reports. Volumes follow the seed report (Simao district 2018), times `scale`:
//! hotline tickets from 12345, 12328, 12369 and 96128; 94 NPC suggestions and 110 CPPCC proposals; about 835
//! petitions; a few dozen disclosure applications with the outcomes a district sees (some received the
//! previous December, some carried into next year); reconsiderations and suits against some of them; about
//! 1,700 proactive disclosures on the website, Weibo and WeChat; normative documents issued and repealed;
//! licensing, penalty and compulsion decisions; fees collected; trainings and policy interpretations.
//!
//! One file per kind of case, each an `impl Generator` block with its volumes and topics;
//! `generator.rs` holds what they share: the seeded RNG and its draws (days, working days, agencies,
//! weighted picks), command and external ids, and the list of cases. Every kind draws from the one RNG, so
//! the order in which `generate` runs them is part of the output.

use casetrack_domain::Calendar;
use chrono::NaiveDate;

use super::script::DemoYear;
use generator::Generator;

mod applications;
mod challenges;
mod counts;
mod disclosures;
mod documents;
mod generator;
mod hotline;
mod proposals;

/// Largest accepted `--scale`: ten times the seed district is already a big city district.
pub const MAX_SCALE: f64 = 10.0;

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
    let mut generator = Generator::new(params, calendar);
    // One RNG serves every kind, so this order is part of the output; challenges name refused applications,
    // so they come after them.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::script::Submit;

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
