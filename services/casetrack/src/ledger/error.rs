//! What can be wrong with a ledger: a whole file (it cannot be read, or its header lacks a column) or one row
//! (named by file, spreadsheet row number and column, so a person can find and fix the cell).

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{}: only .csv and .xlsx ledgers can be imported", path.display())]
    UnsupportedFile { path: PathBuf },
    #[error("{}: cannot read: {message}", path.display())]
    Open { path: PathBuf, message: String },
    #[error("{}: no header row (the file is empty)", path.display())]
    NoHeader { path: PathBuf },
    #[error("{}: row {header_row}: the header has no column {column} ({zh})", path.display())]
    MissingColumn {
        path: PathBuf,
        header_row: usize,
        column: &'static str,
        zh: String,
    },
    #[error("{}: the headers {first:?} and {second:?} both name column {column}", path.display())]
    DuplicateColumn {
        path: PathBuf,
        column: &'static str,
        first: String,
        second: String,
    },
    #[error("{}: more than {limit} rows; split the ledger into several files", path.display())]
    TooManyRows { path: PathBuf, limit: usize },
}

/// One bad row. `column` is the English field name (see columns.rs); `None` when the row as a whole is wrong
/// (for instance it repeats a row identity, or disagrees with what an earlier import wrote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: PathBuf,
    pub row: usize,
    pub column: Option<&'static str>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: row {}", self.file.display(), self.row)?;
        if let Some(column) = self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}
