//! Reading a ledger file (CSV or the first sheet of an XLSX workbook) into header-mapped raw rows, numbered as
//! a spreadsheet numbers them (the header is row 1), so every message can point at the row a person sees.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;

use super::columns::{COLUMNS, Column, Requirement, column_for_header};
use super::error::LedgerError;

/// The UTF-8 byte-order mark Excel writes at the start of a "CSV UTF-8" file.
const UTF8_BOM_BYTES: &[u8] = b"\xEF\xBB\xBF";

/// The most data rows one file may hold; a bigger ledger is split into several files.
pub const MAX_LEDGER_ROWS: usize = 200_000;

/// One cell as read. XLSX date cells arrive as dates; everything else as trimmed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Date(NaiveDate),
}

/// One data row: its spreadsheet row number and its cells by column.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub number: usize,
    pub cells: BTreeMap<Column, Cell>,
}

impl RawRow {
    pub fn cell(&self, column: Column) -> &Cell {
        self.cells.get(&column).unwrap_or(&Cell::Empty)
    }
}

/// A read ledger file.
#[derive(Debug)]
pub struct Sheet {
    pub rows: Vec<RawRow>,
    /// Headers that name no column (kept to tell the user they were ignored).
    pub ignored_headers: Vec<String>,
}

/// Reads `path`, choosing the format by its extension (.csv or .xlsx).
pub fn read(path: &Path, agency_flag: bool) -> Result<Sheet, LedgerError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let table = match extension.as_deref() {
        Some("csv") => read_csv(path)?,
        Some("xlsx") => read_xlsx(path)?,
        _ => {
            return Err(LedgerError::UnsupportedFile {
                path: path.to_path_buf(),
            });
        }
    };
    into_sheet(path, table, agency_flag)
}

/// Rows of cells as they stand in the file, the header row first.
type Table = Vec<Vec<Cell>>;

fn read_csv(path: &Path) -> Result<Table, LedgerError> {
    let open = |message: String| LedgerError::Open {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| open(e.to_string()))?;
    let text = decode_text(&bytes)
        .ok_or_else(|| open("既不是 UTF-8 也不是 GBK 编码（neither UTF-8 nor GBK）".into()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| open(e.to_string()))?;
        table.push(record.iter().map(text_cell).collect());
        check_row_count(path, table.len())?;
    }
    Ok(table)
}

/// A CSV file's text: UTF-8 with or without a byte-order mark, or else GBK (what Excel on Chinese Windows
/// saves as "CSV"); `None` when it is neither. A GBK file is never valid UTF-8 in practice: its Chinese
/// characters' two-byte sequences are not UTF-8 sequences.
fn decode_text(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let bytes = bytes.strip_prefix(UTF8_BOM_BYTES).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(Cow::Borrowed(text)),
        Err(_) => encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes),
    }
}

fn read_xlsx(path: &Path) -> Result<Table, LedgerError> {
    let open = |message: String| LedgerError::Open {
        path: path.to_path_buf(),
        message,
    };
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| open(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| open("the workbook has no sheet".into()))?
        .map_err(|e| open(e.to_string()))?;
    // The used range may start below or right of A1; pad so row and column numbers match the sheet's.
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut table: Table = vec![Vec::new(); first_row as usize];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; first_column as usize];
        cells.extend(row.iter().map(xlsx_cell));
        table.push(cells);
        check_row_count(path, table.len())?;
    }
    Ok(table)
}

fn check_row_count(path: &Path, rows_with_header: usize) -> Result<(), LedgerError> {
    if rows_with_header > MAX_LEDGER_ROWS + 1 {
        return Err(LedgerError::TooManyRows {
            path: path.to_path_buf(),
            limit: MAX_LEDGER_ROWS,
        });
    }
    Ok(())
}

fn text_cell(text: &str) -> Cell {
    let text = text.trim();
    if text.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(text.to_owned())
    }
}

fn xlsx_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text_cell(text),
        Data::Int(n) => Cell::Text(n.to_string()),
        // Integral floats are how spreadsheets store numbers such as a ledger's "1001".
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => Cell::Text(format!("{x:.0}")),
        Data::Float(x) => Cell::Text(x.to_string()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(when) if when.is_datetime() => {
            let (year, month, day, ..) = when.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())
                .map_or_else(|| Cell::Text(when.as_f64().to_string()), Cell::Date)
        }
        Data::DateTime(when) => Cell::Text(when.as_f64().to_string()),
        Data::Error(error) => Cell::Text(format!("#{error:?}")),
    }
}

fn into_sheet(path: &Path, table: Table, agency_flag: bool) -> Result<Sheet, LedgerError> {
    let mut rows = table.into_iter().enumerate();
    // The header is the first row with any cell filled.
    let (header_index, header) = rows
        .by_ref()
        .find(|(_, cells)| cells.iter().any(|c| *c != Cell::Empty))
        .ok_or_else(|| LedgerError::NoHeader {
            path: path.to_path_buf(),
        })?;
    let mut by_position: BTreeMap<usize, Column> = BTreeMap::new();
    let mut seen: BTreeMap<Column, String> = BTreeMap::new();
    let mut ignored_headers = Vec::new();
    for (position, cell) in header.iter().enumerate() {
        let Cell::Text(name) = cell else { continue };
        match column_for_header(name) {
            Some(column) => {
                if let Some(first) = seen.insert(column, name.clone()) {
                    return Err(LedgerError::DuplicateColumn {
                        path: path.to_path_buf(),
                        column: column.name(),
                        first,
                        second: name.clone(),
                    });
                }
                by_position.insert(position, column);
            }
            None => ignored_headers.push(name.clone()),
        }
    }
    for spec in &COLUMNS {
        let needed = match spec.required {
            Requirement::Always => true,
            Requirement::UnlessAgencyFlag => !agency_flag,
            Requirement::Optional => false,
        };
        if needed && !seen.contains_key(&spec.column) {
            return Err(LedgerError::MissingColumn {
                path: path.to_path_buf(),
                header_row: header_index + 1,
                column: spec.en,
                zh: spec.zh.join(" / "),
            });
        }
    }
    let rows = rows
        .filter(|(_, cells)| cells.iter().any(|c| *c != Cell::Empty))
        .map(|(index, cells)| RawRow {
            number: index + 1,
            cells: cells
                .into_iter()
                .enumerate()
                .filter_map(|(position, cell)| {
                    by_position.get(&position).map(|column| (*column, cell))
                })
                .collect(),
        })
        .collect();
    Ok(Sheet {
        rows,
        ignored_headers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn rows_are_numbered_as_in_the_spreadsheet_and_blank_rows_skipped() {
        let table = vec![
            vec![Cell::Empty],
            vec![
                text("编号"),
                text("收到日期"),
                text("申请人类型"),
                text("渠道"),
                text("备注"),
            ],
            vec![
                text("A-1"),
                text("2018-03-05"),
                text("自然人"),
                text("当面"),
                text("x"),
            ],
            vec![Cell::Empty, Cell::Empty],
            vec![text("A-2")],
        ];
        let sheet = into_sheet(Path::new("t.csv"), table, true).expect("sheet");
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0].number, 3);
        assert_eq!(sheet.rows[0].cell(Column::ReceivedOn), &text("2018-03-05"));
        assert_eq!(sheet.rows[1].number, 5);
        assert_eq!(sheet.rows[1].cell(Column::Channel), &Cell::Empty);
        assert_eq!(sheet.ignored_headers, vec!["备注".to_owned()]);
    }

    #[test]
    fn a_missing_required_column_or_a_duplicate_is_refused() {
        let table = vec![vec![text("编号"), text("收到日期"), text("申请人类型")]];
        let error = into_sheet(Path::new("t.csv"), table, true).expect_err("channel is missing");
        assert!(
            matches!(
                error,
                LedgerError::MissingColumn {
                    column: "channel",
                    ..
                }
            ),
            "{error}"
        );
        let table = vec![vec![text("编号"), text("received_on"), text("收到日期")]];
        let error = into_sheet(Path::new("t.csv"), table, true).expect_err("received twice");
        assert!(
            matches!(
                error,
                LedgerError::DuplicateColumn {
                    column: "received_on",
                    ..
                }
            ),
            "{error}"
        );
        let table = vec![vec![
            text("编号"),
            text("收到日期"),
            text("申请人类型"),
            text("渠道"),
        ]];
        let error = into_sheet(Path::new("t.csv"), table, false)
            .expect_err("agency needed without the flag");
        assert!(
            matches!(
                error,
                LedgerError::MissingColumn {
                    column: "agency",
                    ..
                }
            ),
            "{error}"
        );
    }
}
