//! A report: one agency's figures for one year, in the format of that year, addressed by cell code.
//! Base cells are filled through [`ReportBuilder`]; derived cells (total column, group sums, （七）总计,
//! challenge totals) are computed here and nowhere else.

use crate::error::ReportingError;
use crate::figure::{Fen, Figure};
use crate::format::{FIRST_REPORT_YEAR, LAST_REPORT_YEAR, ReportFormat};
use crate::layout::{Catalogue, CellSpec, MAX_DERIVATION_DEPTH, catalogue};
use crate::narrative::NarrativeFigures;

/// Longest agency identifier accepted (characters).
pub const MAX_AGENCY_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    agency: String,
    year: i32,
    format: ReportFormat,
    /// One slot per catalogue cell, in table order; `None` only in a stored report that left a cell blank.
    values: Vec<Option<Figure>>,
    narrative: NarrativeFigures,
}

/// A cell of a report, in table order.
#[derive(Debug, Clone, Copy)]
pub struct ReportCell<'a> {
    pub spec: &'a CellSpec,
    /// `None` only for a blank cell of a stored report (identity 5 fails).
    pub figure: Option<Figure>,
}

fn validate_header(agency: &str, year: i32) -> Result<(), ReportingError> {
    let len = agency.chars().count();
    if len == 0 || len > MAX_AGENCY_LEN {
        return Err(ReportingError::BadAgency { len });
    }
    if !(FIRST_REPORT_YEAR..=LAST_REPORT_YEAR).contains(&year) {
        return Err(ReportingError::YearOutOfRange { year });
    }
    Ok(())
}

fn lookup(catalogue: &Catalogue, code: &str) -> Result<usize, ReportingError> {
    catalogue
        .index_of(code)
        .ok_or_else(|| ReportingError::UnknownCell {
            code: code.to_string(),
            format: catalogue.layout.format.code(),
        })
}

impl Report {
    pub fn agency(&self) -> &str {
        &self.agency
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn format(&self) -> ReportFormat {
        self.format
    }

    pub fn narrative(&self) -> &NarrativeFigures {
        &self.narrative
    }

    /// The figure of `code` (`table.row.column`); `None` for an unknown code or a blank stored cell.
    pub fn get(&self, code: &str) -> Option<Figure> {
        self.value_at(catalogue(self.format).index_of(code)?)
    }

    pub(crate) fn value_at(&self, index: usize) -> Option<Figure> {
        self.values.get(index).copied().flatten()
    }

    /// Every cell of the format, in table order (tables 二, 三, 四; rows top to bottom; columns left to right).
    pub fn cells(&self) -> impl Iterator<Item = ReportCell<'static>> + '_ {
        catalogue(self.format)
            .cells()
            .iter()
            .zip(&self.values)
            .map(|(spec, figure)| ReportCell {
                spec,
                figure: *figure,
            })
    }

    /// A report as stored or received: every given cell must exist in the format and hold its unit, but
    /// nothing is derived or checked, so [`crate::check`] judges the figures exactly as they were given.
    /// Cells not given stay blank.
    pub fn from_stored(
        agency: impl Into<String>,
        year: i32,
        format: ReportFormat,
        figures: impl IntoIterator<Item = (String, Figure)>,
        narrative: NarrativeFigures,
    ) -> Result<Report, ReportingError> {
        let agency = agency.into();
        validate_header(&agency, year)?;
        let expected = ReportFormat::for_year(year);
        if format != expected {
            return Err(ReportingError::WrongFormat {
                year,
                expected: expected.code(),
                found: format.code(),
            });
        }
        let catalogue = catalogue(format);
        let mut values = vec![None; catalogue.cells().len()];
        for (code, figure) in figures {
            let i = lookup(catalogue, &code)?;
            let unit = catalogue.cells()[i].unit;
            if figure.unit() != unit {
                return Err(ReportingError::UnitMismatch {
                    code,
                    expected: unit,
                    found: figure.unit(),
                });
            }
            if values[i].replace(figure).is_some() {
                return Err(ReportingError::DuplicateCell { code });
            }
        }
        Ok(Report {
            agency,
            year,
            format,
            values,
            narrative,
        })
    }

    /// A report read from a printed table (another tool's export, a spreadsheet): the given cells as they were
    /// printed, the convenience group sums a printed table leaves out (（三）不予公开 …) computed from their
    /// reasons, and the narrative figures restated from the cells, so [`crate::check`] judges the table and a
    /// narrative text is compared separately (`audit`).
    pub fn from_printed(
        agency: impl Into<String>,
        year: i32,
        format: ReportFormat,
        figures: impl IntoIterator<Item = (String, Figure)>,
    ) -> Result<Report, ReportingError> {
        let mut report =
            Report::from_stored(agency, year, format, figures, NarrativeFigures::default())?;
        let catalogue = catalogue(format);
        // A group sum of group sums needs one pass per level; the catalogue's depth bounds the levels.
        for _ in 0..MAX_DERIVATION_DEPTH {
            let mut filled = false;
            for (i, spec) in catalogue.cells().iter().enumerate() {
                if spec.printed || report.values[i].is_some() {
                    continue;
                }
                let Some(equation) = catalogue.derivation_of(i) else {
                    continue;
                };
                let parts: Option<i128> = equation
                    .right
                    .iter()
                    .map(|&part| report.value_at(part).map(Figure::as_i128))
                    .sum();
                if let Some(figure) = parts.and_then(|sum| Figure::from_i128(spec.unit, sum)) {
                    report.values[i] = Some(figure);
                    filled = true;
                }
            }
            if !filled {
                break;
            }
        }
        report.narrative = NarrativeFigures::restated(&report);
        Ok(report)
    }

    /// The report of a parent agency: every base cell is the sum of the children's; derived cells and the
    /// narrative are computed afresh. Children must be of one year and have no blank base cell.
    pub fn roll_up(
        agency: impl Into<String>,
        children: &[Report],
    ) -> Result<Report, ReportingError> {
        let first = children.first().ok_or(ReportingError::NoChildren)?;
        let mut builder = ReportBuilder::new(agency, first.year)?;
        let catalogue = catalogue(first.format);
        for child in children {
            if child.year != first.year {
                return Err(ReportingError::MixedYears {
                    agency: child.agency.clone(),
                    expected: first.year,
                    found: child.year,
                });
            }
            for (i, spec) in catalogue.cells().iter().enumerate() {
                if spec.derived {
                    continue;
                }
                let figure = child.value_at(i).ok_or_else(|| ReportingError::BlankCell {
                    code: spec.code.clone(),
                    agency: child.agency.clone(),
                })?;
                builder.add_figure(i, figure)?;
            }
        }
        builder.build()
    }
}

/// Fills a report's base cells (per applicant type, per reason, per challenge result, table 二) and then
/// computes the rest. Every base cell starts at 0, so an unfilled cell prints 0, never blank.
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    agency: String,
    year: i32,
    format: ReportFormat,
    values: Vec<Figure>,
}

impl ReportBuilder {
    /// A builder for `agency`'s report on `year`, in the format of that year.
    pub fn new(agency: impl Into<String>, year: i32) -> Result<ReportBuilder, ReportingError> {
        let agency = agency.into();
        validate_header(&agency, year)?;
        let format = ReportFormat::for_year(year);
        let values = catalogue(format)
            .cells()
            .iter()
            .map(|c| Figure::zero(c.unit))
            .collect();
        Ok(ReportBuilder {
            agency,
            year,
            format,
            values,
        })
    }

    pub fn format(&self) -> ReportFormat {
        self.format
    }

    /// Adds `n` to the count cell `code` (e.g. `applications.withheld.third_party.business`).
    pub fn add(&mut self, code: &str, n: u64) -> Result<&mut ReportBuilder, ReportingError> {
        self.add_by_code(code, Figure::Count(n))
    }

    /// Adds a signed change to a 本年增/减 cell (2019 format).
    pub fn add_change(
        &mut self,
        code: &str,
        delta: i64,
    ) -> Result<&mut ReportBuilder, ReportingError> {
        self.add_by_code(code, Figure::Change(delta))
    }

    /// Adds an amount of money to a 万元 cell, exactly, in fen.
    pub fn add_money(
        &mut self,
        code: &str,
        amount: Fen,
    ) -> Result<&mut ReportBuilder, ReportingError> {
        self.add_by_code(code, Figure::Money(amount))
    }

    fn add_by_code(
        &mut self,
        code: &str,
        figure: Figure,
    ) -> Result<&mut ReportBuilder, ReportingError> {
        let i = lookup(catalogue(self.format), code)?;
        self.add_figure(i, figure)?;
        Ok(self)
    }

    fn add_figure(&mut self, i: usize, figure: Figure) -> Result<(), ReportingError> {
        let spec = &catalogue(self.format).cells()[i];
        if spec.derived {
            return Err(ReportingError::DerivedCell {
                code: spec.code.clone(),
            });
        }
        if figure.unit() != spec.unit {
            return Err(ReportingError::UnitMismatch {
                code: spec.code.clone(),
                expected: spec.unit,
                found: figure.unit(),
            });
        }
        let sum = self.values[i].as_i128() + figure.as_i128();
        self.values[i] =
            Figure::from_i128(spec.unit, sum).ok_or_else(|| ReportingError::Overflow {
                code: spec.code.clone(),
            })?;
        Ok(())
    }

    /// Computes every derived cell from the base cells, then the narrative figures from the cells.
    pub fn build(self) -> Result<Report, ReportingError> {
        let catalogue = catalogue(self.format);
        let mut derived: Vec<Option<Figure>> = vec![None; self.values.len()];
        for (i, spec) in catalogue.cells().iter().enumerate() {
            if spec.derived {
                derive(catalogue, &self.values, &mut derived, i, 0)?;
            }
        }
        let values = self
            .values
            .iter()
            .zip(derived)
            .map(|(base, derived)| Some(derived.unwrap_or(*base)))
            .collect();
        let mut report = Report {
            agency: self.agency,
            year: self.year,
            format: self.format,
            values,
            narrative: NarrativeFigures::default(),
        };
        report.narrative = NarrativeFigures::from_cells(&report)?;
        Ok(report)
    }
}

/// Value of cell `i`: base cells as filled, derived cells as the sum of their derivation's parts (memoised).
fn derive(
    catalogue: &Catalogue,
    base: &[Figure],
    derived: &mut [Option<Figure>],
    i: usize,
    depth: usize,
) -> Result<Figure, ReportingError> {
    let spec = &catalogue.cells()[i];
    if !spec.derived {
        return Ok(base[i]);
    }
    if let Some(figure) = derived[i] {
        return Ok(figure);
    }
    assert!(
        depth < MAX_DERIVATION_DEPTH,
        "derivation cycle at {}",
        spec.code
    );
    let Some(equation) = catalogue.derivation_of(i) else {
        unreachable!(
            "catalogue asserts every derived cell has a derivation: {}",
            spec.code
        )
    };
    let mut sum = 0i128;
    for &part in &equation.right {
        sum += derive(catalogue, base, derived, part, depth + 1)?.as_i128();
    }
    let figure = Figure::from_i128(spec.unit, sum).ok_or_else(|| ReportingError::Overflow {
        code: spec.code.clone(),
    })?;
    derived[i] = Some(figure);
    Ok(figure)
}
