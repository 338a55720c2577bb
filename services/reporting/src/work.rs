//! The year-end figures of hotline, proposal and petition work (hotline-report.md) as data: the sections, their
//! measures, rates and identities by cell code, and a [`WorkReport`] of one agency for a year or a month, whose
//! figures the projector counts. A cell code is `{section}.{measure}` for the whole agency, or
//! `{section}.{measure}@{dimension}={key}` for one row (a line, a category, a unit, a kind), e.g.
//! `hotline.closed_on_time@line=12345`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A measure of a section: (code, Chinese label).
pub type Measure = (&'static str, &'static str);

/// A section: (code, Chinese label, its measures in print order).
pub type Section = (&'static str, &'static str, &'static [Measure]);

/// The sections in print order.
pub const WORK_SECTIONS: [Section; 3] = [
    ("hotline", "热线工单", HOTLINE_MEASURES),
    ("proposals", "建议提案", PROPOSAL_MEASURES),
    ("petitions", "信访及投诉举报", PETITION_MEASURES),
];

const HOTLINE_MEASURES: &[Measure] = &[
    ("carried_over", "上期结转"),
    ("received", "受理量"),
    ("answered_at_once", "直接办结"),
    ("dispatched", "派单量"),
    ("returned", "退单"),
    ("closed", "办结量"),
    ("closed_on_time", "按时办结"),
    ("closed_late", "超期办结"),
    ("overdue", "超期"),
    ("open_at_end", "期末未办结"),
    ("rehandled", "重办"),
    ("followed_up", "回访"),
    ("satisfied", "满意"),
    ("merged", "并单"),
];

const PROPOSAL_MEASURES: &[Measure] = &[
    ("carried_over", "上期结转"),
    ("received", "交办"),
    ("answered", "已答复"),
    ("answered_on_time", "按时答复"),
    ("answered_late", "逾期答复"),
    ("open_at_end", "期末未答复"),
    ("published", "答复公开"),
];

const PETITION_MEASURES: &[Measure] = &[
    ("carried_over", "上期结转"),
    ("received", "受理投诉举报"),
    ("handled", "办结投诉举报"),
    ("open_at_end", "期末未办结"),
    ("tallied", "办理信访（台账）"),
];

/// The measures that say where cases stand rather than what happened in the period: a period whose figures
/// are of these alone saw nothing happen, and is refused rather than reported (as a year of the annual report
/// with carried cases only is).
pub const STOCK_MEASURES: [&str; 3] = ["carried_over", "open_at_end", "overdue"];

/// A rate printed beside a section's figures: (code `{section}.{rate}`, Chinese label, numerator measure,
/// denominator measure).
pub type Rate = (&'static str, &'static str, &'static str, &'static str);

/// The rates, in print order.
pub const WORK_RATES: [Rate; 4] = [
    (
        "hotline.on_time_rate",
        "按时办结率",
        "closed_on_time",
        "closed",
    ),
    ("hotline.follow_up_rate", "回访率", "followed_up", "closed"),
    (
        "hotline.satisfaction_rate",
        "满意率",
        "satisfied",
        "followed_up",
    ),
    (
        "proposals.on_time_rate",
        "按时答复率",
        "answered_on_time",
        "answered",
    ),
];

/// An identity every row of a section satisfies: (section, measures on the left, measures on the right).
pub type WorkIdentity = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// The identities of the sections.
pub const WORK_IDENTITIES: [WorkIdentity; 5] = [
    (
        "hotline",
        &["carried_over", "received"],
        &["closed", "open_at_end"],
    ),
    ("hotline", &["closed"], &["closed_on_time", "closed_late"]),
    (
        "proposals",
        &["carried_over", "received"],
        &["answered", "open_at_end"],
    ),
    (
        "proposals",
        &["answered"],
        &["answered_on_time", "answered_late"],
    ),
    (
        "petitions",
        &["carried_over", "received"],
        &["handled", "open_at_end"],
    ),
];

/// The dimensions a row breaks a section down by, in print order: (code, Chinese label).
pub const WORK_DIMENSIONS: [(&str, &str); 4] = [
    ("line", "热线"),
    ("category", "类别"),
    ("unit", "承办单位"),
    ("kind", "类型"),
];

/// The Chinese words of the keys the rows name by code (lines and units print as they are).
const KEY_LABELS: [(&str, &str); 7] = [
    ("consultation", "咨询"),
    ("help", "求助"),
    ("complaint", "投诉"),
    ("report", "举报"),
    ("suggestion", "建议"),
    ("npc_suggestion", "人大代表建议"),
    ("cppcc_proposal", "政协提案"),
];

/// Whether `code` names a cell of the work figures: `{section}.{measure}`, optionally `@{dimension}={key}`.
pub fn is_work_cell(code: &str) -> bool {
    let (measure, row) = code.split_once('@').unwrap_or((code, ""));
    let measure_known = measure.split_once('.').is_some_and(|(section, measure)| {
        measures_of(section).is_some_and(|ms| ms.iter().any(|(m, _)| *m == measure))
    });
    let row_known = row.is_empty()
        || row.split_once('=').is_some_and(|(dimension, key)| {
            !key.is_empty() && WORK_DIMENSIONS.iter().any(|(d, _)| *d == dimension)
        });
    measure_known && row_known
}

fn measures_of(section: &str) -> Option<&'static [Measure]> {
    WORK_SECTIONS
        .iter()
        .find(|(code, _, _)| *code == section)
        .map(|(_, _, measures)| *measures)
}

/// The figures of one agency (with its subtree, when asked so) for a year or one month of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkReport {
    pub agency: String,
    /// The registered name, printed instead of the id.
    pub agency_name: Option<String>,
    pub year: i32,
    /// `None`: the whole year.
    pub month: Option<u32>,
    /// The log position the figures were counted at (events `0..as_of_position`).
    pub as_of_position: u64,
    /// Cell code → figure; a cell no case counts in is absent (0).
    pub figures: BTreeMap<String, u64>,
}

/// One row of a section as printed: its label, its cell-code suffix ("" or "@line=12345"), its figures in
/// measure order and its rates (numerator, denominator) in [`WORK_RATES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkRow {
    pub label: String,
    pub suffix: String,
    pub figures: Vec<u64>,
    pub rates: Vec<(u64, u64)>,
}

/// One identity that fails in one row: the row's label, the identity's two sides in words and in figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkIdentityFailure {
    /// The cell code of the row's first left measure, e.g. `hotline.carried_over@line=12345`.
    pub cell: String,
    pub text_zh: String,
}

impl WorkReport {
    /// The figure of `code` (0 when no case counts in it).
    pub fn figure(&self, code: &str) -> u64 {
        self.figures.get(code).copied().unwrap_or(0)
    }

    /// "2018年" or "2018年3月".
    pub fn period_zh(&self) -> String {
        match self.month {
            None => format!("{}年", self.year),
            Some(m) => format!("{}年{m}月", self.year),
        }
    }

    /// The title: agency, period, name of the document.
    pub fn title_zh(&self) -> String {
        let name = self.agency_name.as_deref().unwrap_or(&self.agency);
        format!("{name}{}热线、建议提案及信访工作统计", self.period_zh())
    }

    /// Whether anything happened in the period: a figure of a measure other than the [`STOCK_MEASURES`].
    pub fn has_activity(&self) -> bool {
        self.figures.iter().any(|(code, figure)| {
            let measure = code.split('@').next().and_then(|m| m.split_once('.'));
            *figure > 0 && measure.is_some_and(|(_, m)| !STOCK_MEASURES.contains(&m))
        })
    }

    /// The rows of `section`: the whole agency first, then each dimension's rows in key order.
    pub fn rows(&self, section: &Section) -> Vec<WorkRow> {
        let (code, _, measures) = section;
        let prefix = format!("{code}.");
        let mut suffixes: Vec<(usize, String)> = self
            .figures
            .keys()
            .filter_map(|cell| cell.strip_prefix(&prefix)?.split_once('@'))
            .map(|(_, row)| (dimension_rank(row), format!("@{row}")))
            .collect();
        suffixes.sort();
        suffixes.dedup();
        let at = |m: &str, suffix: &str| self.figure(&format!("{code}.{m}{suffix}"));
        std::iter::once(String::new())
            .chain(suffixes.into_iter().map(|(_, suffix)| suffix))
            .map(|suffix| WorkRow {
                label: row_label(&suffix),
                figures: measures.iter().map(|(m, _)| at(m, &suffix)).collect(),
                rates: rates_of(code)
                    .map(|&(_, _, n, d)| (at(n, &suffix), at(d, &suffix)))
                    .collect(),
                suffix,
            })
            .collect()
    }

    /// The identities that fail, each named with its row: "热线工单 热线 12328：上期结转+受理量 ≠
    /// 办结量+期末未办结（50 ≠ 51）".
    pub fn identity_failures(&self) -> Vec<WorkIdentityFailure> {
        let mut out = Vec::new();
        for section in &WORK_SECTIONS {
            for row in self.rows(section) {
                for &(code, left, right) in WORK_IDENTITIES.iter().filter(|i| i.0 == section.0) {
                    let side = |ms: &[&str]| -> u64 {
                        ms.iter()
                            .map(|m| self.figure(&format!("{code}.{m}{}", row.suffix)))
                            .sum()
                    };
                    let (l, r) = (side(left), side(right));
                    if l != r {
                        out.push(WorkIdentityFailure {
                            cell: format!("{code}.{}{}", left[0], row.suffix),
                            text_zh: format!(
                                "{} {}：{} ≠ {}（{l} ≠ {r}）",
                                section.1,
                                row.label,
                                labels(section, left),
                                labels(section, right)
                            ),
                        });
                    }
                }
            }
        }
        out
    }
}

/// The rates of a section, in [`WORK_RATES`] order.
pub fn rates_of(section: &str) -> impl Iterator<Item = &'static Rate> + '_ {
    WORK_RATES
        .iter()
        .filter(move |r| r.0.split_once('.').is_some_and(|(s, _)| s == section))
}

/// A rate as printed: "98.5%", or "—" when nothing is counted below the line.
pub fn percent((numerator, denominator): (u64, u64)) -> String {
    if denominator == 0 {
        return "—".to_owned();
    }
    // Tenths of a percent, rounded half up, in integers: exact for any count.
    let tenths =
        (u128::from(numerator) * 2000 + u128::from(denominator)) / (2 * u128::from(denominator));
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn labels(section: &Section, measures: &[&str]) -> String {
    measures
        .iter()
        .map(|m| {
            section
                .2
                .iter()
                .find(|(code, _)| code == m)
                .map_or(*m, |(_, label)| *label)
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// The print position of a row `{dimension}={key}`: by its dimension's place in [`WORK_DIMENSIONS`].
fn dimension_rank(row: &str) -> usize {
    let dimension = row.split_once('=').map_or(row, |(d, _)| d);
    WORK_DIMENSIONS
        .iter()
        .position(|(d, _)| *d == dimension)
        .unwrap_or(WORK_DIMENSIONS.len())
}

/// "合计", or the dimension and key in Chinese: "热线 12345", "类别 投诉", "承办单位 simao/roads".
fn row_label(suffix: &str) -> String {
    let Some((dimension, key)) = suffix.strip_prefix('@').and_then(|s| s.split_once('=')) else {
        return "合计".to_owned();
    };
    let dimension = WORK_DIMENSIONS
        .iter()
        .find(|(d, _)| *d == dimension)
        .map_or(dimension, |(_, label)| *label);
    let key = KEY_LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, label)| *label);
    format!("{dimension} {key}")
}
