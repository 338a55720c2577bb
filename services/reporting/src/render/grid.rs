//! The national tables as grids of spanning cells, so HTML and xlsx lay them out the same way:
//! table 三 with nested row labels and the 申请人情况 / 法人或其他组织 headers, table 四 as one data row
//! under three groups of five columns, table 二 and the statistical table as headed blocks.

use crate::figure::Figure;
use crate::layout::{Block, Row, RowKind, TableLayout, TableShape, catalogue};
use crate::report::Report;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Content {
    /// Column header or block heading.
    Header(String),
    /// Row label.
    Label(String),
    /// A figure and the code of its cell (what a page links to the cell's drill-down by, and what `audit` reads a
    /// printed table back by).
    Figure(Option<Figure>, String),
    /// A rate of the work statistics: numerator, denominator and the rate's code; printed as a percentage.
    Rate(u64, u64, String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GridCell {
    pub row: u32,
    pub col: u16,
    pub rowspan: u32,
    pub colspan: u16,
    pub content: Content,
}

#[derive(Debug)]
pub(crate) struct Grid {
    pub title: String,
    pub width: u16,
    pub height: u32,
    /// Column-header rows at the top, repeated on every printed page (0 for a table of headed blocks,
    /// whose headers belong to each block).
    pub head_rows: u32,
    /// Sorted by row, then column; the covered positions of a spanning cell hold nothing.
    pub cells: Vec<GridCell>,
}

/// Narrowest column, in character units (see [`text_units`]): a figure of six digits with its padding.
pub(crate) const MIN_COLUMN_UNITS: usize = 10;
/// Widest column, in character units: a longer label wraps rather than pushing the figures off the page.
pub(crate) const MAX_COLUMN_UNITS: usize = 32;
/// Room around a cell's text (padding and borders), in character units: without it a three-character
/// header such as 自然人 fills its column exactly and wraps.
pub(crate) const CELL_PADDING_UNITS: usize = 2;

/// Units of a CJK character in a label, which may wrap.
const LABEL_CJK_UNITS: usize = 2;
/// Units of a CJK character in a column header, weighted above a label's so that the header's column gets
/// room to print it on one line while the labels wrap instead.
const HEADER_CJK_UNITS: usize = 3;

/// The printed width of `text` in character units: an ASCII character takes one, a CJK one `cjk`.
fn text_units(text: &str, cjk: usize) -> usize {
    text.chars()
        .map(|c| if c.is_ascii() { 1 } else { cjk })
        .sum()
}

impl Grid {
    /// Each column's width in character units: its longest unspanned text, within [`MIN_COLUMN_UNITS`] and
    /// [`MAX_COLUMN_UNITS`]; so 自然人 never wraps one character per line and labels get the room they need.
    pub(crate) fn column_units(&self) -> Vec<usize> {
        let mut widths = vec![MIN_COLUMN_UNITS; usize::from(self.width)];
        for cell in self.cells.iter().filter(|c| c.colspan == 1) {
            let units = CELL_PADDING_UNITS
                + match &cell.content {
                    Content::Header(text) => text_units(text, HEADER_CJK_UNITS),
                    Content::Label(text) => text_units(text, LABEL_CJK_UNITS),
                    Content::Figure(figure, _) => super::print_figure(*figure).len(),
                    Content::Rate(n, d, _) => crate::work::percent((*n, *d)).chars().count(),
                };
            let width = &mut widths[usize::from(cell.col)];
            *width = (*width).max(units.min(MAX_COLUMN_UNITS));
        }
        widths
    }

    pub(crate) fn new(title: String) -> Grid {
        Grid {
            title,
            width: 0,
            height: 0,
            head_rows: 0,
            cells: Vec::new(),
        }
    }

    pub(crate) fn put(&mut self, row: u32, col: u16, rowspan: u32, colspan: u16, content: Content) {
        assert!(rowspan >= 1 && colspan >= 1, "empty span at {row},{col}");
        self.height = self.height.max(row + rowspan);
        self.width = self.width.max(col + colspan);
        self.cells.push(GridCell {
            row,
            col,
            rowspan,
            colspan,
            content,
        });
    }

    pub(crate) fn finish(mut self) -> Grid {
        self.cells.sort_by_key(|c| (c.row, c.col));
        self
    }
}

/// One grid per table of the report's format, in report order.
pub(crate) fn grids(report: &Report) -> Vec<Grid> {
    catalogue(report.format())
        .layout
        .tables
        .iter()
        .map(|table| match table.shape {
            TableShape::Applications => applications(report, table),
            TableShape::Challenges => challenges(report, table),
            TableShape::Blocks => blocks(report, table),
        })
        .collect()
}

fn figure(report: &Report, table: &TableLayout, row: &str, column: &str) -> Content {
    let code = format!("{}.{row}.{column}", table.code);
    Content::Figure(report.get(&code), code)
}

fn printed(row: &Row) -> bool {
    row.code.is_some() && !matches!(row.kind, RowKind::Sum { printed: false, .. })
}

fn small(n: usize) -> u16 {
    u16::try_from(n).expect("table layouts have far fewer than 65536 columns")
}

fn small_rows(n: usize) -> u32 {
    u32::try_from(n).expect("table layouts have far fewer than 2^32 rows")
}

/// Table 三. Label columns = deepest nesting + 1; a heading or group label spans its printed descendants.
fn applications(report: &Report, table: &TableLayout) -> Grid {
    let mut grid = Grid::new(table.heading_zh());
    let mut top = 0u32;
    for block in table.blocks {
        let rows: Vec<&Row> = block.rows().collect();
        let label_cols = small(rows.iter().map(|r| usize::from(r.depth)).max().unwrap_or(0) + 1);
        let header_rows =
            column_headers(&mut grid, block, top, label_cols, table.columns_header_zh);
        grid.put(
            top,
            0,
            header_rows,
            label_cols,
            Content::Header(table.top_left_zh.unwrap_or(block.row_header_zh).to_string()),
        );
        if top == 0 {
            grid.head_rows = header_rows;
        }
        let body = top + header_rows;
        // Grid row of each printed row, in order.
        let mut at = vec![None; rows.len()];
        let mut next = body;
        for (i, row) in rows.iter().enumerate() {
            if printed(row) {
                at[i] = Some(next);
                next += 1;
            }
        }
        for (i, row) in rows.iter().enumerate() {
            let depth = u16::from(row.depth);
            match (at[i], row.code) {
                (Some(r), Some(code)) => {
                    grid.put(
                        r,
                        depth,
                        1,
                        label_cols - depth,
                        Content::Label(row.label_zh.to_string()),
                    );
                    for (c, column) in block.columns.iter().enumerate() {
                        grid.put(
                            r,
                            label_cols + small(c),
                            1,
                            1,
                            figure(report, table, code, column.code),
                        );
                    }
                }
                _ => {
                    let descendants: Vec<u32> = rows[i + 1..]
                        .iter()
                        .zip(&at[i + 1..])
                        .take_while(|(r, _)| r.depth > row.depth)
                        .filter_map(|(_, a)| *a)
                        .collect();
                    if let Some(&first) = descendants.first() {
                        grid.put(
                            first,
                            depth,
                            small_rows(descendants.len()),
                            1,
                            Content::Label(row.label_zh.to_string()),
                        );
                    }
                }
            }
        }
        top = next;
    }
    grid.finish()
}

/// Column headers of a block starting at `left`: an optional header over all columns, then group headers
/// (法人或其他组织) over their sub-columns. Returns the number of header rows used.
fn column_headers(
    grid: &mut Grid,
    block: &Block,
    top: u32,
    left: u16,
    over_all: Option<&str>,
) -> u32 {
    let mut row = top;
    if let Some(text) = over_all {
        grid.put(
            row,
            left,
            1,
            small(block.columns.len()),
            Content::Header(text.to_string()),
        );
        row += 1;
    }
    let grouped = block.columns.iter().any(|c| c.group_zh.is_some());
    let mut c = 0;
    while c < block.columns.len() {
        let column = &block.columns[c];
        let col = left + small(c);
        match column.group_zh {
            Some(group) => {
                let run = block.columns[c..]
                    .iter()
                    .take_while(|k| k.group_zh == Some(group))
                    .count();
                grid.put(row, col, 1, small(run), Content::Header(group.to_string()));
                for (k, sub) in block.columns[c..c + run].iter().enumerate() {
                    grid.put(
                        row + 1,
                        col + small(k),
                        1,
                        1,
                        Content::Header(sub.label_zh.to_string()),
                    );
                }
                c += run;
            }
            None => {
                let span = if grouped { 2 } else { 1 };
                grid.put(
                    row,
                    col,
                    span,
                    1,
                    Content::Header(column.label_zh.to_string()),
                );
                c += 1;
            }
        }
    }
    row - top + if grouped { 2 } else { 1 }
}

/// Header rows of table 四: challenge kind, litigation kind, result; the figures are the row below.
const CHALLENGE_HEAD_ROWS: u32 = 3;

/// Table 四: top-level rows become column groups (行政复议; 行政诉讼 over its two kinds), each with its five
/// result columns, and the figures form a single data row.
fn challenges(report: &Report, table: &TableLayout) -> Grid {
    let mut grid = Grid::new(table.heading_zh());
    grid.head_rows = CHALLENGE_HEAD_ROWS;
    for block in table.blocks {
        let width = small(block.columns.len());
        let rows: Vec<&Row> = block.rows().collect();
        let mut col = 0u16;
        for (i, row) in rows.iter().enumerate() {
            if row.depth > 0 {
                continue;
            }
            let members: Vec<&Row> = match row.code {
                Some(_) => vec![*row],
                None => rows[i + 1..]
                    .iter()
                    .take_while(|r| r.depth > 0)
                    .copied()
                    .collect(),
            };
            let label = Content::Header(row.label_zh.to_string());
            grid.put(0, col, 1, width * small(members.len()), label);
            for member in members {
                let Some(code) = member.code else { continue };
                let header_top = if row.code.is_some() {
                    1
                } else {
                    grid.put(
                        1,
                        col,
                        1,
                        width,
                        Content::Header(member.label_zh.to_string()),
                    );
                    2
                };
                for (c, column) in block.columns.iter().enumerate() {
                    let x = col + small(c);
                    grid.put(
                        header_top,
                        x,
                        CHALLENGE_HEAD_ROWS - header_top,
                        1,
                        Content::Header(column.label_zh.to_string()),
                    );
                    grid.put(
                        CHALLENGE_HEAD_ROWS,
                        x,
                        1,
                        1,
                        figure(report, table, code, column.code),
                    );
                }
                col += width;
            }
        }
    }
    grid.finish()
}

/// Table 二 and the statistical table: per block a heading, a header row (信息内容 + columns), then rows;
/// a block with fewer columns than the widest lets its last column span the rest. A block that continues the
/// one before it under the same header prints no header of its own; a table whose blocks all share its first
/// row's header has that row as its head, repeated on every printed page.
fn blocks(report: &Report, table: &TableLayout) -> Grid {
    let mut grid = Grid::new(table.heading_zh());
    let width = 1 + small(
        table
            .blocks
            .iter()
            .map(|b| b.columns.len())
            .max()
            .unwrap_or(1),
    );
    let mut r = 0u32;
    let mut previous: Option<&Block> = None;
    for block in table.blocks {
        if let Some(heading) = block.heading_zh {
            grid.put(r, 0, 1, width, Content::Header(heading.to_string()));
            r += 1;
        }
        let n = small(block.columns.len());
        let span = |c: u16| if c + 1 == n { width - n } else { 1 };
        if !previous.is_some_and(|p| block.continues(p)) {
            grid.put(r, 0, 1, 1, Content::Header(block.row_header_zh.to_string()));
            for (c, column) in block.columns.iter().enumerate() {
                let c = small(c);
                grid.put(
                    r,
                    1 + c,
                    1,
                    span(c),
                    Content::Header(column.label_zh.to_string()),
                );
            }
            r += 1;
        }
        previous = Some(block);
        for row in block.rows() {
            let label = Content::Label(format!(
                "{}{}",
                "　".repeat(usize::from(row.depth)),
                row.label_zh
            ));
            match row.code.filter(|_| printed(row)) {
                Some(code) => {
                    grid.put(r, 0, 1, 1, label);
                    for (c, column) in block.columns.iter().enumerate() {
                        let c = small(c);
                        grid.put(
                            r,
                            1 + c,
                            1,
                            span(c),
                            figure(report, table, code, column.code),
                        );
                    }
                }
                None => grid.put(r, 0, 1, width, label),
            }
            r += 1;
        }
    }
    let one_header = table
        .blocks
        .windows(2)
        .all(|pair| pair[1].continues(&pair[0]));
    if table.blocks.first().is_some_and(|b| b.heading_zh.is_none()) && one_header {
        grid.head_rows = 1;
    }
    grid.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportBuilder;

    /// No two cells of a grid cover the same position, and every position is covered.
    fn assert_tiles(grid: &Grid) {
        let (w, h) = (usize::from(grid.width), grid.height as usize);
        let mut covered = vec![false; w * h];
        for cell in &grid.cells {
            for r in cell.row..cell.row + cell.rowspan {
                for c in cell.col..cell.col + cell.colspan {
                    let i = r as usize * w + usize::from(c);
                    assert!(!covered[i], "{}: overlap at {r},{c}", grid.title);
                    covered[i] = true;
                }
            }
        }
        assert!(covered.iter().all(|c| *c), "{}: holes in grid", grid.title);
    }

    #[test]
    fn grids_tile_exactly_in_every_format() {
        for year in [2018, 2020, 2021] {
            let report = ReportBuilder::new("A", year).and_then(|b| b.build());
            let Ok(report) = report else {
                panic!("build {year}")
            };
            for grid in grids(&report) {
                assert_tiles(&grid);
            }
        }
    }

    #[test]
    fn table_three_2021_is_3_label_columns_plus_7_and_25_body_rows() {
        let Ok(report) = ReportBuilder::new("A", 2021).and_then(|b| b.build()) else {
            panic!()
        };
        let grids = grids(&report);
        let three = &grids[1];
        assert_eq!(three.width, 10);
        assert_eq!(three.height, 3 + 25);
        let four = &grids[2];
        assert_eq!((four.width, four.height), (15, 4));
    }
}
