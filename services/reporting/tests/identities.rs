//! The identity checker catches each identity's violation in hand-built tables (the stored-report path,
//! where nothing is re-derived), naming the cells and both sides' values; builder and format rules.

mod common;

use casetrack_reporting::{
    Fen, Figure, Identity, IdentityFailure, NarrativeFigures, PublishedReport, Report,
    ReportBuilder, ReportFormat, ReportStatus, ReportingError, check,
};
use common::*;

const SEEDS: &[u32] = &[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];

fn unequal(
    failures: &[IdentityFailure],
    identity: Identity,
) -> Vec<(Vec<String>, i128, Vec<String>, i128)> {
    failures
        .iter()
        .filter_map(|f| match f {
            IdentityFailure::Unequal {
                identity: i,
                left,
                right,
            } if *i == identity => Some((
                left.cells.clone(),
                left.value,
                right.cells.clone(),
                right.value,
            )),
            _ => None,
        })
        .collect()
}

fn bump(report: &Report, code: &str, by: u64) -> (String, Figure) {
    (code.to_string(), Figure::Count(count(report, code) + by))
}

#[test]
fn a_generated_report_passes_every_identity() {
    let report = balanced("A", 2022, SEEDS);
    assert_eq!(check(&report, None), vec![]);
    let published = PublishedReport::publish(report, None, 42, "rules-1").expect("publish");
    assert_eq!(published.status, ReportStatus::Final);
}

#[test]
fn identity_1_balance_is_caught_per_column() {
    let good = balanced("A", 2022, SEEDS);
    // Keep 总计 consistent so only identity 1 breaks.
    let (a, fa) = bump(&good, "applications.carried_forward.research", 2);
    let (b, fb) = bump(&good, "applications.carried_forward.total", 2);
    let bad = with_cells(&good, &[(&a, fa), (&b, fb)]);
    let failures = check(&bad, None);
    let found = unequal(&failures, Identity::Balance);
    assert_eq!(found.len(), 2, "{failures:?}");
    let (left, lv, right, rv) = &found[0];
    assert_eq!(
        left,
        &vec![
            "applications.received.research".to_string(),
            "applications.carried_over.research".to_string()
        ]
    );
    assert_eq!(
        right,
        &vec![
            "applications.outcome_total.research".to_string(),
            "applications.carried_forward.research".to_string()
        ]
    );
    assert_eq!(*rv, *lv + 2);
    assert!(failures.iter().all(|f| f.identity() == Identity::Balance));
}

#[test]
fn identity_2_outcome_total_is_caught() {
    let good = balanced("A", 2022, SEEDS);
    let (code, figure) = bump(&good, "applications.outcome_total.business", 1);
    let failures = check(&with_cells(&good, &[(&code, figure)]), None);
    let found = unequal(&failures, Identity::OutcomeTotal);
    assert_eq!(found.len(), 1, "{failures:?}");
    let (left, lv, right, rv) = &found[0];
    assert_eq!(left, &vec![code.clone()]);
    assert_eq!(right.len(), 21, "（一）（二） and 19 reason rows");
    assert!(right.contains(&"applications.other.fee_unpaid.business".to_string()));
    assert_eq!(*lv, *rv + 1);
}

#[test]
fn identity_3_total_column_is_caught() {
    let good = balanced("A", 2022, SEEDS);
    let (code, figure) = bump(&good, "applications.withheld.process_info.total", 5);
    let failures = check(&with_cells(&good, &[(&code, figure)]), None);
    let found = unequal(&failures, Identity::TotalColumn);
    assert_eq!(found.len(), 1, "{failures:?}");
    assert_eq!(found[0].0, vec![code]);
    assert_eq!(found[0].2.len(), 6);
}

#[test]
fn identity_4_carry_over_is_caught_against_last_year() {
    let last = balanced("A", 2021, SEEDS);
    let mut builder = ReportBuilder::new("A", 2022).expect("builder");
    for column in APPLICANT_COLUMNS {
        let forward = count(&last, &format!("applications.carried_forward.{column}"));
        let over = if column == "nonprofit" {
            forward + 1
        } else {
            forward
        };
        builder
            .add(&format!("applications.carried_over.{column}"), over)
            .expect("over");
        builder
            .add(&format!("applications.disclosed.{column}"), over)
            .expect("disclosed");
    }
    let this = builder.build().expect("build");
    let failures = check(&this, Some(&last));
    let found: Vec<_> = failures
        .iter()
        .filter_map(|f| match f {
            IdentityFailure::Unequal {
                identity: Identity::CarryOver,
                left,
                right,
            } => Some((left, right)),
            _ => None,
        })
        .collect();
    // nonprofit and the total column.
    assert_eq!(found.len(), 2, "{failures:?}");
    let (left, right) = found[0];
    assert_eq!(
        left.cells,
        vec!["applications.carried_over.nonprofit".to_string()]
    );
    assert_eq!((left.year, right.year), (2022, 2021));
    assert_eq!(
        right.cells,
        vec!["applications.carried_forward.nonprofit".to_string()]
    );
    assert_eq!(left.value, right.value + 1);

    let other_agency = balanced("B", 2021, SEEDS);
    assert!(matches!(
        check(&this, Some(&other_agency)).as_slice(),
        [IdentityFailure::NotPreviousReport { found_agency, .. }] if found_agency == "B"
    ));
}

#[test]
fn identity_5_blank_cell_is_caught() {
    let good = balanced("A", 2022, SEEDS);
    let figures: Vec<_> = figures(&good)
        .into_iter()
        .filter(|(code, _)| code != "proactive.rules.repealed")
        .collect();
    let bad = Report::from_stored(
        "A",
        2022,
        ReportFormat::Format2021,
        figures,
        *good.narrative(),
    )
    .expect("stored");
    assert_eq!(
        check(&bad, None),
        vec![IdentityFailure::Blank {
            code: "proactive.rules.repealed".to_string()
        }]
    );
    let published = PublishedReport::publish(bad, None, 1, "rules-1").expect("publish");
    assert!(matches!(published.status, ReportStatus::Failed(ref f) if f.len() == 1));
}

#[test]
fn identity_6_narrative_is_caught() {
    let good = balanced("A", 2022, SEEDS);
    let narrative = NarrativeFigures {
        lawsuits: good.narrative().lawsuits + 1,
        ..*good.narrative()
    };
    let bad = Report::from_stored(
        "A",
        2022,
        ReportFormat::Format2021,
        figures(&good),
        narrative,
    )
    .expect("stored");
    let failures = check(&bad, None);
    let found = unequal(&failures, Identity::Narrative);
    assert_eq!(found.len(), 1, "{failures:?}");
    assert_eq!(found[0].0, vec!["narrative.lawsuits".to_string()]);
    assert_eq!(
        found[0].2,
        vec![
            "challenges.litigation_direct.total".to_string(),
            "challenges.litigation_after_reconsideration.total".to_string()
        ]
    );
}

#[test]
fn group_sums_and_challenge_totals_are_caught() {
    let good = balanced("A", 2022, SEEDS);
    let (g, fg) = bump(&good, "applications.unavailable.natural_person", 1);
    let (c, fc) = bump(&good, "challenges.litigation_direct.total", 1);
    let failures = check(&with_cells(&good, &[(&g, fg), (&c, fc)]), None);
    assert_eq!(unequal(&failures, Identity::GroupSum)[0].0, vec![g]);
    assert_eq!(
        unequal(&failures, Identity::ChallengeTotal)[0].0,
        vec![c.clone()]
    );
    // The narrative restates the lawsuit total, so it now disagrees with the cell too.
    assert_eq!(unequal(&failures, Identity::Narrative).len(), 1);
}

#[test]
fn statistical_table_sums_are_caught() {
    let good = balanced("A", 2018, SEEDS);
    let (code, figure) = bump(&good, "applications.refused.count", 1);
    let failures = check(&with_cells(&good, &[(&code, figure)]), None);
    let found = unequal(&failures, Identity::SumOfParts);
    // refused = Σ reasons fails, and replies = Σ (…, refused, …) now fails the other way.
    assert_eq!(found.len(), 2, "{failures:?}");
    assert!(found.iter().any(|f| f.0 == vec![code.clone()]));
    assert!(found.iter().any(|f| f.2.contains(&code)));
}

#[test]
fn format_follows_the_year_in_reports() {
    let seed = ReportBuilder::new("思茅区", 2018).expect("builder");
    assert_eq!(seed.format(), ReportFormat::StatisticalTable);
    for (year, format, other_code, has_other_rows) in [
        (
            2019,
            ReportFormat::Format2019,
            "applications.other.total",
            false,
        ),
        (
            2020,
            ReportFormat::Format2019,
            "applications.other.total",
            false,
        ),
        (
            2021,
            ReportFormat::Format2021,
            "applications.other.total",
            true,
        ),
        (
            2030,
            ReportFormat::Format2021,
            "applications.other.total",
            true,
        ),
    ] {
        let report = ReportBuilder::new("A", year)
            .and_then(|b| b.build())
            .expect("build");
        assert_eq!(report.format(), format);
        assert!(report.get(other_code).is_some());
        assert_eq!(
            report
                .get("applications.other.no_supplement.total")
                .is_some(),
            has_other_rows
        );
    }
    let seed = ReportBuilder::new("A", 2018)
        .and_then(|b| b.build())
        .expect("build");
    assert!(seed.get("applications.received.total").is_none());
    assert!(seed.get("applications.received.count").is_some());
}

#[test]
fn seed_year_2018_reproduces_two_applications() {
    let mut builder = ReportBuilder::new("思茅区", 2018).expect("builder");
    builder.add("applications.online.count", 2).expect("online");
    builder
        .add("applications.concluded_on_time.count", 2)
        .expect("on time");
    builder.add("applications.agreed.count", 2).expect("agreed");
    let report = builder.build().expect("build");
    assert_eq!(report.narrative().applications_received, 2);
    assert_eq!(count(&report, "applications.replies.count"), 2);
    assert_eq!(check(&report, None), vec![]);
}

#[test]
fn builder_rejects_bad_cells_with_named_errors() {
    let mut builder = ReportBuilder::new("A", 2022).expect("builder");
    assert_eq!(
        builder.add("applications.outcome_total.business", 1).err(),
        Some(ReportingError::DerivedCell {
            code: "applications.outcome_total.business".into()
        })
    );
    assert_eq!(
        builder.add("applications.received.total", 1).err(),
        Some(ReportingError::DerivedCell {
            code: "applications.received.total".into()
        })
    );
    assert!(matches!(
        builder.add("applications.nonsense.business", 1),
        Err(ReportingError::UnknownCell { code, .. }) if code == "applications.nonsense.business"
    ));
    assert!(matches!(
        builder.add("proactive.fees.amount_10k_yuan", 1),
        Err(ReportingError::UnitMismatch {
            expected: casetrack_reporting::Unit::Money,
            ..
        })
    ));
    builder
        .add("proactive.rules.issued", u64::MAX)
        .expect("max");
    assert_eq!(
        builder.add("proactive.rules.issued", 1).err(),
        Some(ReportingError::Overflow {
            code: "proactive.rules.issued".into()
        })
    );
    builder
        .add_money("proactive.fees.amount_10k_yuan", Fen(1_250_000))
        .expect("money");
    assert!(matches!(
        ReportBuilder::new("", 2022),
        Err(ReportingError::BadAgency { len: 0 })
    ));
    assert!(matches!(
        ReportBuilder::new("A", 1999),
        Err(ReportingError::YearOutOfRange { year: 1999 })
    ));
    assert!(matches!(
        Report::from_stored(
            "A",
            2020,
            ReportFormat::Format2021,
            vec![],
            NarrativeFigures::default()
        ),
        Err(ReportingError::WrongFormat { year: 2020, .. })
    ));
    assert_eq!(
        Report::roll_up("A", &[]).err(),
        Some(ReportingError::NoChildren)
    );
    let mixed = [balanced("a", 2022, SEEDS), balanced("b", 2023, SEEDS)];
    assert!(matches!(
        Report::roll_up("A", &mixed),
        Err(ReportingError::MixedYears { found: 2023, .. })
    ));
}
