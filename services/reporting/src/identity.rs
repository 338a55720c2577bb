//! The identities a correct report satisfies (annual-report.md §Identities), checked on stored values only,
//! so a table filled wrongly by any path (deserialised, hand-built) is caught, not just a mis-derived one.

use serde::{Deserialize, Serialize};

use crate::layout::catalogue;
use crate::narrative::NarrativeFigures;
use crate::report::Report;

/// Which identity a failure breaks. Numbers 1–6 are the spec's; the others are its sum rules by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// 1. 一 + 二 = 三（七）总计 + 四, every column.
    Balance,
    /// 2. （七）总计 = （一） + （二） + every reason row, every column.
    OutcomeTotal,
    /// 3. 总计 column = the six applicant-type columns, every row.
    TotalColumn,
    /// 4. This year's 二 = last year's 四, same agency, every column.
    CarryOver,
    /// 5. No blank cells.
    NoBlank,
    /// 6. Narrative figures equal the cells they restate.
    Narrative,
    /// A convenience group sum (withheld, unavailable, not_processed, other) = its reason rows.
    GroupSum,
    /// Table 四: 维持 + 纠正 + 其他 + 尚未审结 = 总计, each group.
    ChallengeTotal,
    /// Statistical table: an indicator = the sum of its sub-indicators.
    SumOfParts,
}

impl Identity {
    /// The identity as an auditor names it, in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Identity::Balance => "勾稽关系1：一+二=三（七）总计+四",
            Identity::OutcomeTotal => "勾稽关系2：（七）总计=各项办理结果之和",
            Identity::TotalColumn => "勾稽关系3：总计=各类申请人之和",
            Identity::CarryOver => "勾稽关系4：本年“上年结转”=上年“结转下年度继续办理”",
            Identity::NoBlank => "勾稽关系5：表格不得留空",
            Identity::Narrative => "勾稽关系6：正文数字=表格数字",
            Identity::GroupSum => "分组小计=各项之和",
            Identity::ChallengeTotal => "表四：维持+纠正+其他+尚未审结=总计",
            Identity::SumOfParts => "统计表：指标=各分项之和",
        }
    }

    /// The spec's number for identities 1–6.
    pub fn number(self) -> Option<u8> {
        match self {
            Identity::Balance => Some(1),
            Identity::OutcomeTotal => Some(2),
            Identity::TotalColumn => Some(3),
            Identity::CarryOver => Some(4),
            Identity::NoBlank => Some(5),
            Identity::Narrative => Some(6),
            Identity::GroupSum | Identity::ChallengeTotal | Identity::SumOfParts => None,
        }
    }
}

/// One side of a failed equation: the cells of report `year` and their sum (fen for money).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub year: i32,
    pub cells: Vec<String>,
    pub value: i128,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum IdentityFailure {
    /// Σ left ≠ Σ right.
    Unequal {
        identity: Identity,
        left: Side,
        right: Side,
    },
    /// Identity 5: the cell has no value.
    Blank { code: String },
    /// Identity 4 was asked against a report that is not the same agency's previous year.
    NotPreviousReport {
        expected_agency: String,
        expected_year: i32,
        found_agency: String,
        found_year: i32,
    },
}

impl IdentityFailure {
    pub fn identity(&self) -> Identity {
        match self {
            IdentityFailure::Unequal { identity, .. } => *identity,
            IdentityFailure::Blank { .. } => Identity::NoBlank,
            IdentityFailure::NotPreviousReport { .. } => Identity::CarryOver,
        }
    }

    /// Every cell code the failure involves, for drill-down to the cases behind them.
    pub fn cells(&self) -> Vec<&str> {
        match self {
            IdentityFailure::Unequal { left, right, .. } => left
                .cells
                .iter()
                .chain(&right.cells)
                .map(String::as_str)
                .collect(),
            IdentityFailure::Blank { code } => vec![code.as_str()],
            IdentityFailure::NotPreviousReport { .. } => Vec::new(),
        }
    }
}

/// Row of table 三 that must equal last year's `CARRIED_FORWARD_ROW`, column by column.
const CARRIED_OVER_ROW: (&str, &str) = ("applications", "carried_over");
const CARRIED_FORWARD_ROW: (&str, &str) = ("applications", "carried_forward");

/// Checks identities 1–6 and the table sums on `report`; identity 4 only when `previous_year` is given
/// and both formats have the carry rows (the statistical table has none).
pub fn check(report: &Report, previous_year: Option<&Report>) -> Vec<IdentityFailure> {
    let catalogue = catalogue(report.format());
    let cells = catalogue.cells();
    let mut failures: Vec<IdentityFailure> = cells
        .iter()
        .enumerate()
        .filter(|(i, _)| report.value_at(*i).is_none())
        .map(|(_, spec)| IdentityFailure::Blank {
            code: spec.code.clone(),
        })
        .collect();

    let side = |indices: &[usize]| -> Option<Side> {
        let mut value = 0i128;
        for &i in indices {
            value += report.value_at(i)?.as_i128();
        }
        Some(Side {
            year: report.year(),
            cells: indices.iter().map(|&i| cells[i].code.clone()).collect(),
            value,
        })
    };
    for equation in catalogue.equations() {
        // A blank cell is already reported; its equation cannot be judged.
        if let (Some(left), Some(right)) = (side(&equation.left), side(&equation.right))
            && left.value != right.value
        {
            failures.push(IdentityFailure::Unequal {
                identity: equation.identity,
                left,
                right,
            });
        }
    }

    failures.extend(check_narrative(report));
    if let Some(previous) = previous_year {
        failures.extend(check_carry_over(report, previous));
    }
    failures
}

fn check_narrative(report: &Report) -> Vec<IdentityFailure> {
    let source = &catalogue(report.format()).layout.narrative;
    let stated = report.narrative();
    let fields: [(&str, Option<i128>, &[&str]); 4] = [
        (
            "applications_received",
            Some(i128::from(stated.applications_received)),
            source.applications_received,
        ),
        (
            "reconsiderations",
            Some(i128::from(stated.reconsiderations)),
            source.reconsiderations,
        ),
        (
            "lawsuits",
            Some(i128::from(stated.lawsuits)),
            source.lawsuits,
        ),
        (
            "fees_collected_10k_yuan",
            stated.fees_collected_10k_yuan.map(|f| i128::from(f.0)),
            source.fees_collected.as_slice(),
        ),
    ];
    let mut failures = Vec::new();
    for (name, stated, codes) in fields {
        let restated = if codes.is_empty() {
            None
        } else {
            match NarrativeFigures::sum_cells(report, codes) {
                Some(value) => Some(value),
                // A blank source cell is already reported under identity 5.
                None => continue,
            }
        };
        if stated != restated {
            // A figure stated without a source cell (or the reverse) shows as 0 on the missing side.
            failures.push(narrative_failure(
                report,
                name,
                stated.unwrap_or(0),
                codes,
                restated.unwrap_or(0),
            ));
        }
    }
    failures
}

fn narrative_failure(
    report: &Report,
    name: &str,
    stated: i128,
    codes: &[&str],
    restated: i128,
) -> IdentityFailure {
    IdentityFailure::Unequal {
        identity: Identity::Narrative,
        left: Side {
            year: report.year(),
            cells: vec![format!("narrative.{name}")],
            value: stated,
        },
        right: Side {
            year: report.year(),
            cells: codes.iter().map(|c| c.to_string()).collect(),
            value: restated,
        },
    }
}

fn check_carry_over(report: &Report, previous: &Report) -> Vec<IdentityFailure> {
    if previous.agency() != report.agency() || previous.year() + 1 != report.year() {
        return vec![IdentityFailure::NotPreviousReport {
            expected_agency: report.agency().to_string(),
            expected_year: report.year() - 1,
            found_agency: previous.agency().to_string(),
            found_year: previous.year(),
        }];
    }
    let mut failures = Vec::new();
    let carried_over = catalogue(report.format())
        .cells()
        .iter()
        .filter(|c| (c.table, c.row) == CARRIED_OVER_ROW);
    for cell in carried_over {
        let forward_code = format!(
            "{}.{}.{}",
            CARRIED_FORWARD_ROW.0, CARRIED_FORWARD_ROW.1, cell.column
        );
        // Blank cells are reported by each report's own identity 5.
        if let (Some(now), Some(before)) = (report.get(&cell.code), previous.get(&forward_code))
            && now != before
        {
            failures.push(IdentityFailure::Unequal {
                identity: Identity::CarryOver,
                left: Side {
                    year: report.year(),
                    cells: vec![cell.code.clone()],
                    value: now.as_i128(),
                },
                right: Side {
                    year: previous.year(),
                    cells: vec![forward_code],
                    value: before.as_i128(),
                },
            });
        }
    }
    failures
}
