//! The shape of each format's tables: blocks, rows, columns, verbatim Chinese labels and the sums that tie
//! cells together; and the catalogue that flattens them into addressable cells `table.row.column`.

mod applications;
mod challenges;
mod proactive;
mod statistical;

use std::collections::HashMap;
use std::sync::LazyLock;

pub use applications::IDENTITY_TEXT_ZH;

use crate::figure::Unit;
use crate::format::ReportFormat;
use crate::identity::Identity;

/// How a table is printed; the cells are the same whatever the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableShape {
    /// Table 三: nested row labels (三、/（三）/1.) beside applicant-type columns.
    Applications,
    /// Table 四: one data row, three groups of five columns.
    Challenges,
    /// Table 二 and the statistical table: headed blocks of label + figure columns.
    Blocks,
}

#[derive(Debug)]
pub struct TableLayout {
    /// First part of every cell code in this table.
    pub code: &'static str,
    pub number_zh: &'static str,
    pub title_zh: &'static str,
    pub shape: TableShape,
    /// Text of the top-left cell (table 三: the official identity, verbatim).
    pub top_left_zh: Option<&'static str>,
    /// Header spanning all figure columns (table 三: 申请人情况).
    pub columns_header_zh: Option<&'static str>,
    pub blocks: &'static [Block],
}

impl TableLayout {
    /// "三、收到和处理政府信息公开申请情况"
    pub fn heading_zh(&self) -> String {
        format!("{}、{}", self.number_zh, self.title_zh)
    }
}

#[derive(Debug)]
pub struct Block {
    /// Block heading spanning the table (table 二: 第二十条第（一）项).
    pub heading_zh: Option<&'static str>,
    /// Header of the label column (信息内容, 统计指标).
    pub row_header_zh: &'static str,
    pub columns: &'static [Column],
    /// Rows in print order, kept as segments so formats can share them.
    pub rows: &'static [&'static [Row]],
    /// Identity 1, when the block has it.
    pub balance: Option<Balance>,
}

impl Block {
    pub fn rows(&self) -> impl Iterator<Item = &'static Row> + use<> {
        let segments: &'static [&'static [Row]] = self.rows;
        segments.iter().flat_map(|segment| segment.iter())
    }

    /// Whether this block's rows continue `previous`'s under the same header: it has no heading of its own and
    /// its label and column headers read the same (the statistical table's 八, whose 经费 in 万元 follows the
    /// counts under 统计指标 / 统计数). Printed, it takes no header row of its own.
    pub fn continues(&self, previous: &Block) -> bool {
        let headers = |block: &Block| {
            block
                .columns
                .iter()
                .map(|c| (c.label_zh, c.group_zh))
                .collect::<Vec<_>>()
        };
        self.heading_zh.is_none()
            && self.row_header_zh == previous.row_header_zh
            && headers(self) == headers(previous)
    }
}

/// Every column: Σ left rows = Σ right rows.
#[derive(Debug)]
pub struct Balance {
    pub left: &'static [&'static str],
    pub right: &'static [&'static str],
}

#[derive(Debug)]
pub struct Column {
    pub code: &'static str,
    pub label_zh: &'static str,
    /// Header spanning this and its neighbours with the same group (法人或其他组织).
    pub group_zh: Option<&'static str>,
    pub unit: Unit,
    /// `Some`: this column is the sum of the block's other columns, by that identity.
    pub total: Option<Identity>,
}

#[derive(Debug)]
pub struct Row {
    /// Row part of the cell code; `None` for a heading that has no cells.
    pub code: Option<&'static str>,
    pub label_zh: &'static str,
    /// Nesting level: 0 for 一、, 1 for （一）, 2 for 1.
    pub depth: u8,
    pub kind: RowKind,
}

#[derive(Debug)]
pub enum RowKind {
    /// A label only (三、本年度办理结果); no cells.
    Heading,
    /// Filled by the projector.
    Base,
    /// Computed: in every column, this row = Σ `parts` rows.
    Sum {
        identity: Identity,
        parts: &'static [&'static str],
        /// A convenience group sum (（三）不予公开) is addressable but prints as a heading without a figure.
        printed: bool,
    },
}

/// Which cells the narrative parts 一 and 六 quote (identity 6).
#[derive(Debug)]
pub struct NarrativeSource {
    pub applications_received: &'static [&'static str],
    pub reconsiderations: &'static [&'static str],
    pub lawsuits: &'static [&'static str],
    /// The only money figure the format's tables carry, if any.
    pub fees_collected: Option<&'static str>,
}

#[derive(Debug)]
pub struct FormatLayout {
    pub format: ReportFormat,
    pub tables: &'static [TableLayout],
    pub narrative: NarrativeSource,
}

const NATIONAL_LAWSUITS: &[&str] = &[
    "challenges.litigation_direct.total",
    "challenges.litigation_after_reconsideration.total",
];

static LAYOUT_2021: FormatLayout = FormatLayout {
    format: ReportFormat::Format2021,
    tables: &[
        proactive::PROACTIVE_2021,
        applications::APPLICATIONS_2021,
        challenges::CHALLENGES,
    ],
    narrative: NarrativeSource {
        applications_received: &["applications.received.total"],
        reconsiderations: &["challenges.reconsideration.total"],
        lawsuits: NATIONAL_LAWSUITS,
        fees_collected: Some("proactive.fees.amount_10k_yuan"),
    },
};

static LAYOUT_2019: FormatLayout = FormatLayout {
    format: ReportFormat::Format2019,
    tables: &[
        proactive::PROACTIVE_2019,
        applications::APPLICATIONS_2019,
        challenges::CHALLENGES,
    ],
    narrative: NarrativeSource {
        applications_received: &["applications.received.total"],
        reconsiderations: &["challenges.reconsideration.total"],
        lawsuits: NATIONAL_LAWSUITS,
        // The 2019 table 二 records fee items, not amounts.
        fees_collected: None,
    },
};

static LAYOUT_STATISTICAL: FormatLayout = FormatLayout {
    format: ReportFormat::StatisticalTable,
    tables: statistical::STATISTICAL_TABLES,
    narrative: NarrativeSource {
        applications_received: &["applications.received.count"],
        reconsiderations: &["challenges.reconsideration.count"],
        lawsuits: &["challenges.litigation.count"],
        fees_collected: Some("fees.applications.amount_10k_yuan"),
    },
};

/// One addressable figure of a format.
#[derive(Debug)]
pub struct CellSpec {
    /// `table.row.column`, e.g. `applications.withheld.third_party.business`.
    pub code: String,
    pub table: &'static str,
    pub row: &'static str,
    pub column: &'static str,
    /// Row labels from the outermost heading down, then column labels, joined by " / ".
    pub label_zh: String,
    pub unit: Unit,
    /// Computed by the model from other cells; never filled directly.
    pub derived: bool,
    /// Printed in the national table (a convenience group sum is not).
    pub printed: bool,
}

/// Σ left = Σ right over stored cells (by index into the catalogue).
#[derive(Debug)]
pub struct Equation {
    pub identity: Identity,
    pub left: Vec<usize>,
    pub right: Vec<usize>,
}

/// A format's cells in table order, their index, and every sum identity between them.
#[derive(Debug)]
pub struct Catalogue {
    pub layout: &'static FormatLayout,
    cells: Vec<CellSpec>,
    index: HashMap<String, usize>,
    equations: Vec<Equation>,
    /// For each derived cell, the equation whose single left cell it is: how the model computes it.
    derivation: Vec<Option<usize>>,
}

/// The catalogue of `format`, built once.
pub fn catalogue(format: ReportFormat) -> &'static Catalogue {
    static C2021: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::build(&LAYOUT_2021));
    static C2019: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::build(&LAYOUT_2019));
    static CSTAT: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::build(&LAYOUT_STATISTICAL));
    match format {
        ReportFormat::Format2021 => &C2021,
        ReportFormat::Format2019 => &C2019,
        ReportFormat::StatisticalTable => &CSTAT,
    }
}

/// Nesting of sums is at most group → outcome_total → total column; deeper means a cycle in the layout.
pub const MAX_DERIVATION_DEPTH: usize = 8;

impl Catalogue {
    pub fn cells(&self) -> &[CellSpec] {
        &self.cells
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub fn equations(&self) -> &[Equation] {
        &self.equations
    }

    /// The equation that computes derived cell `cell`.
    pub fn derivation_of(&self, cell: usize) -> Option<&Equation> {
        self.derivation
            .get(cell)
            .copied()
            .flatten()
            .map(|e| &self.equations[e])
    }

    fn build(layout: &'static FormatLayout) -> Catalogue {
        let mut cells = Vec::new();
        for table in layout.tables {
            for block in table.blocks {
                let mut ancestors: Vec<&str> = Vec::new();
                for row in block.rows() {
                    ancestors.truncate(usize::from(row.depth));
                    let Some(row_code) = row.code else {
                        ancestors.push(row.label_zh);
                        continue;
                    };
                    let row_label = ancestors
                        .iter()
                        .chain(std::iter::once(&row.label_zh))
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" / ");
                    ancestors.push(row.label_zh);
                    for column in block.columns {
                        let column_label = match column.group_zh {
                            Some(group) => format!("{group} / {}", column.label_zh),
                            None => column.label_zh.to_string(),
                        };
                        let row_sum = matches!(row.kind, RowKind::Sum { .. });
                        cells.push(CellSpec {
                            code: format!("{}.{row_code}.{}", table.code, column.code),
                            table: table.code,
                            row: row_code,
                            column: column.code,
                            label_zh: format!("{row_label} / {column_label}"),
                            unit: column.unit,
                            derived: row_sum || column.total.is_some(),
                            printed: !matches!(row.kind, RowKind::Sum { printed: false, .. }),
                        });
                    }
                }
            }
        }
        let mut index = HashMap::with_capacity(cells.len());
        for (i, cell) in cells.iter().enumerate() {
            let previous = index.insert(cell.code.clone(), i);
            assert!(previous.is_none(), "layout defines {} twice", cell.code);
        }
        let equations = equations(layout, &index);
        for e in &equations {
            let unit = cells[e.left[0]].unit;
            assert!(
                e.left
                    .iter()
                    .chain(&e.right)
                    .all(|&i| cells[i].unit == unit),
                "equation mixes units at {}",
                cells[e.left[0]].code
            );
        }
        let derivation = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let found = equations.iter().position(|e| e.left == [i]);
                assert!(
                    !cell.derived || found.is_some(),
                    "no derivation for {}",
                    cell.code
                );
                found.filter(|_| cell.derived)
            })
            .collect();
        Catalogue {
            layout,
            cells,
            index,
            equations,
            derivation,
        }
    }
}

/// Every sum the layout states: row sums, total columns, then balances. Row sums come first so a derived
/// row's total-column cell is computed as the sum of its reasons' totals; either order gives the same value.
fn equations(layout: &FormatLayout, index: &HashMap<String, usize>) -> Vec<Equation> {
    let cell = |table: &str, row: &str, column: &str| {
        let code = format!("{table}.{row}.{column}");
        match index.get(&code) {
            Some(&i) => i,
            None => panic!("layout refers to missing cell {code}"),
        }
    };
    let mut out = Vec::new();
    for table in layout.tables {
        for block in table.blocks {
            for row in block.rows() {
                if let (
                    Some(code),
                    RowKind::Sum {
                        identity, parts, ..
                    },
                ) = (row.code, &row.kind)
                {
                    for column in block.columns {
                        out.push(Equation {
                            identity: *identity,
                            left: vec![cell(table.code, code, column.code)],
                            right: parts
                                .iter()
                                .map(|p| cell(table.code, p, column.code))
                                .collect(),
                        });
                    }
                }
            }
            for total in block.columns {
                let Some(identity) = total.total else {
                    continue;
                };
                for code in block.rows().filter_map(|r| r.code) {
                    out.push(Equation {
                        identity,
                        left: vec![cell(table.code, code, total.code)],
                        right: block
                            .columns
                            .iter()
                            .filter(|c| c.total.is_none())
                            .map(|c| cell(table.code, code, c.code))
                            .collect(),
                    });
                }
            }
            if let Some(balance) = &block.balance {
                for column in block.columns {
                    let side = |rows: &[&str]| {
                        rows.iter()
                            .map(|r| cell(table.code, r, column.code))
                            .collect()
                    };
                    out.push(Equation {
                        identity: Identity::Balance,
                        left: side(balance.left),
                        right: side(balance.right),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_three_2021_has_22_figure_rows_under_outcomes_and_7_columns() {
        let c = catalogue(ReportFormat::Format2021);
        let rows: Vec<&str> = c
            .cells()
            .iter()
            .filter(|s| s.table == "applications" && s.column == "total" && s.printed)
            .map(|s| s.row)
            .collect();
        // 一, 二, 22 rows under 三, 四.
        assert_eq!(rows.len(), 25);
        let columns = c.cells().iter().filter(|s| s.row == "received").count();
        assert_eq!(columns, 7);
        assert!(
            c.index_of("applications.withheld.third_party.business")
                .is_some()
        );
        assert!(c.index_of("applications.other.other.total").is_some());
        assert!(c.index_of("proactive.fees.amount_10k_yuan").is_some());
    }

    #[test]
    fn table_three_2019_has_20_rows_under_outcomes_and_single_other_row() {
        let c = catalogue(ReportFormat::Format2019);
        let printed = c
            .cells()
            .iter()
            .filter(|s| s.table == "applications" && s.column == "total" && s.printed)
            .count();
        assert_eq!(printed, 23);
        assert!(c.index_of("applications.other.natural_person").is_some());
        assert!(
            c.index_of("applications.other.no_supplement.total")
                .is_none()
        );
        assert!(
            c.index_of("proactive.procurement.amount_10k_yuan")
                .is_some()
        );
    }

    #[test]
    fn every_catalogue_builds_and_labels_are_composed() {
        for format in ReportFormat::ALL {
            let c = catalogue(format);
            assert!(!c.cells().is_empty());
            assert!(c.cells().iter().all(|s| !s.label_zh.is_empty()));
        }
        let c = catalogue(ReportFormat::Format2021);
        let i = c
            .index_of("applications.withheld.third_party.business")
            .unwrap_or(usize::MAX);
        assert_eq!(
            c.cells()[i].label_zh,
            "三、本年度办理结果 / （三）不予公开 / 4. 保护第三方合法权益 / 法人或其他组织 / 商业企业"
        );
    }
}
