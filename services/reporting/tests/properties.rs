//! Property tests: derived cells equal sums computed here from the spec's lists, identities hold on every
//! generated table, and a roll-up equals the cell-wise sum of its parts.

mod common;

use casetrack_reporting::{Figure, Report, ReportFormat, cells, check};
use common::*;
use proptest::prelude::*;

fn seeds() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..1_000, 1..60)
}

fn assert_derived_cells(report: &Report) {
    let format = report.format();
    let get = |code: String| count(report, &code);
    for column in APPLICANT_COLUMNS {
        let sum = |rows: &[&str], prefix: &str| -> u64 {
            rows.iter()
                .map(|r| get(format!("applications.{prefix}{r}.{column}")))
                .sum()
        };
        assert_eq!(
            get(format!("applications.withheld.{column}")),
            sum(&WITHHELD, "withheld.")
        );
        assert_eq!(
            get(format!("applications.unavailable.{column}")),
            sum(&UNAVAILABLE, "unavailable.")
        );
        assert_eq!(
            get(format!("applications.not_processed.{column}")),
            sum(&NOT_PROCESSED, "not_processed.")
        );
        if format == ReportFormat::Format2021 {
            assert_eq!(
                get(format!("applications.other.{column}")),
                sum(&OTHER_2021, "other.")
            );
        }
        let outcomes: u64 = outcome_rows(format)
            .iter()
            .map(|r| get(format!("applications.{r}.{column}")))
            .sum();
        assert_eq!(
            get(format!("applications.outcome_total.{column}")),
            outcomes
        );
    }
    // Every row of table 三 (base and derived): 总计 = the six applicant columns.
    for spec in cells(format)
        .iter()
        .filter(|c| c.table == "applications" && c.column == "total")
    {
        let parts: u64 = APPLICANT_COLUMNS
            .iter()
            .map(|c| get(format!("applications.{}.{c}", spec.row)))
            .sum();
        assert_eq!(get(spec.code.clone()), parts, "{}", spec.code);
    }
    for row in CHALLENGE_ROWS {
        let parts: u64 = CHALLENGE_COLUMNS
            .iter()
            .map(|c| get(format!("challenges.{row}.{c}")))
            .sum();
        assert_eq!(get(format!("challenges.{row}.total")), parts);
    }
    let narrative = report.narrative();
    assert_eq!(
        narrative.applications_received,
        get("applications.received.total".into())
    );
    assert_eq!(
        narrative.reconsiderations,
        get("challenges.reconsideration.total".into())
    );
    assert_eq!(
        narrative.lawsuits,
        get("challenges.litigation_direct.total".into())
            + get("challenges.litigation_after_reconsideration.total".into())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn derived_cells_equal_independent_sums_2021(seeds in seeds()) {
        let report = balanced("A", 2023, &seeds);
        assert_derived_cells(&report);
        let fees = report.get("proactive.fees.amount_10k_yuan");
        prop_assert_eq!(report.narrative().fees_collected_10k_yuan.map(Figure::Money), fees);
        prop_assert_eq!(check(&report, None), vec![]);
    }

    #[test]
    fn derived_cells_equal_independent_sums_2019(seeds in seeds()) {
        let report = balanced("A", 2020, &seeds);
        prop_assert_eq!(report.format(), ReportFormat::Format2019);
        assert_derived_cells(&report);
        prop_assert_eq!(check(&report, None), vec![]);
    }

    #[test]
    fn statistical_table_sums_hold(seeds in seeds()) {
        let report = balanced("A", 2018, &seeds);
        let get = |code: &str| count(&report, code);
        prop_assert_eq!(
            get("applications.received.count"),
            ["in_person", "fax", "online", "letter"].iter().map(|r| get(&format!("applications.{r}.count"))).sum::<u64>()
        );
        let refused: u64 = [
            "refused_state_secret", "refused_commercial_secret", "refused_privacy",
            "refused_security_stability", "refused_not_government_information", "refused_other_legal",
        ].iter().map(|r| get(&format!("applications.{r}.count"))).sum();
        prop_assert_eq!(get("applications.refused.count"), refused);
        let replies: u64 = ["already_public", "agreed", "partly_agreed", "not_this_agency", "not_exist", "amend", "other_route"]
            .iter().map(|r| get(&format!("applications.{r}.count"))).sum::<u64>() + refused;
        prop_assert_eq!(get("applications.replies.count"), replies);
        prop_assert_eq!(check(&report, None), vec![]);
    }

    #[test]
    fn roll_up_equals_cell_wise_sum_and_keeps_identities(
        children in prop::collection::vec(seeds(), 1..5),
        year in prop::sample::select(vec![2018, 2020, 2022]),
    ) {
        let parts: Vec<Report> = children
            .iter()
            .enumerate()
            .map(|(i, s)| balanced(&format!("dept-{i}"), year, s))
            .collect();
        let Ok(total) = Report::roll_up("district", &parts) else { panic!("roll-up failed") };
        prop_assert_eq!(total.agency(), "district");
        for cell in total.cells() {
            let expected: i128 = parts
                .iter()
                .map(|p| p.get(&cell.spec.code).expect("child cell").as_i128())
                .sum();
            prop_assert_eq!(cell.figure.map(Figure::as_i128), Some(expected), "{}", cell.spec.code);
        }
        prop_assert_eq!(check(&total, None), vec![]);
    }

    #[test]
    fn carry_over_identity_holds_when_last_year_forward_is_this_year_over(seeds in seeds()) {
        let last = balanced("A", 2021, &seeds);
        // This year: carried_over = last year's carried_forward, everything else from the same seeds.
        let mut builder = casetrack_reporting::ReportBuilder::new("A", 2022).expect("builder");
        for column in APPLICANT_COLUMNS {
            let forward = count(&last, &format!("applications.carried_forward.{column}"));
            builder.add(&format!("applications.carried_over.{column}"), forward).expect("over");
            builder.add(&format!("applications.disclosed.{column}"), forward).expect("disclosed");
        }
        let this = builder.build().expect("build");
        prop_assert_eq!(check(&this, Some(&last)), vec![]);
    }
}
