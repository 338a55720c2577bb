//! A report as published: its identity-check status, the log position and rules version it was computed
//! at, and a content hash so a stored copy can be re-checked later.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::error::ReportingError;
use crate::fees::InformationFees;
use crate::figure::Figure;
use crate::format::ReportFormat;
use crate::identity::{IdentityFailure, check};
use crate::report::Report;
use crate::written::WrittenPart;

/// Longest rules/calendar version string accepted.
pub const MAX_RULES_VERSION_LEN: usize = 128;

/// A report with failures is never final; the caller attaches the cases behind the failing cells. Nor is one
/// whose figures miss events that could not be counted: it names their log positions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Final,
    Failed(Vec<IdentityFailure>),
    Incomplete { skipped_positions: Vec<u64> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedReport {
    /// Log position the figures were computed at: the first `as_of_position` events (positions
    /// `0..as_of_position`), so the event at this position itself is not included.
    pub as_of_position: u64,
    /// Version of the rules and calendar used to compute the figures.
    pub rules_version: String,
    /// Hex SHA-256 of the canonical JSON of the figures ([`content_hash`]).
    pub content_hash: String,
    pub status: ReportStatus,
    pub report: Report,
    /// The agency's registered name (思茅区财政局), printed with its id; not part of the figures or the hash.
    pub agency_name: Option<String>,
    /// Part 六's 信息处理费, when the agency charged or collected any; sealed in the content hash when present.
    pub information_fees: Option<InformationFees>,
    /// The date of the 落款 (the day the report was generated, or the instant it is as of); not hashed.
    pub signed_on: Option<NaiveDate>,
    /// The business date the figures were computed as of — the case events among the first `as_of_position`
    /// whose own date (China time) is on or before it — or `None` for every event before `as_of_position`.
    /// Pinned with the position when published; not hashed, like the position.
    pub as_of_date: Option<NaiveDate>,
    /// The officer's paragraphs of parts 一–六, by part, with their versions; not hashed (they are no figure).
    pub written: Vec<WrittenPart>,
    /// The year's figures of hotline, proposal and petition work (`work.rs` cell codes) that parts 一 and 六
    /// quote; empty when the agency had none. Figures of cases, not of the tables: not hashed.
    pub work: BTreeMap<String, u64>,
}

impl PublishedReport {
    /// Checks every identity (4 against `previous_year` when given) and seals the report with its hash.
    pub fn publish(
        report: Report,
        previous_year: Option<&Report>,
        as_of_position: u64,
        rules_version: impl Into<String>,
    ) -> Result<PublishedReport, ReportingError> {
        let rules_version = rules_version.into();
        let len = rules_version.chars().count();
        if len == 0 || len > MAX_RULES_VERSION_LEN {
            return Err(ReportingError::BadJson {
                field: "rules_version".to_string(),
                reason: format!("must be 1..={MAX_RULES_VERSION_LEN} characters, got {len}"),
            });
        }
        let failures = check(&report, previous_year);
        let status = if failures.is_empty() {
            ReportStatus::Final
        } else {
            ReportStatus::Failed(failures)
        };
        Ok(PublishedReport {
            as_of_position,
            rules_version,
            content_hash: content_hash(&report),
            status,
            report,
            agency_name: None,
            information_fees: None,
            signed_on: None,
            as_of_date: None,
            written: Vec::new(),
            work: BTreeMap::new(),
        })
    }

    /// This report with the agency's registered name to print.
    pub fn with_agency_name(self, name: Option<String>) -> PublishedReport {
        PublishedReport {
            agency_name: name,
            ..self
        }
    }

    /// This report with part 六's 信息处理费, sealed in its content hash.
    pub fn with_information_fees(self, fees: InformationFees) -> PublishedReport {
        PublishedReport {
            content_hash: content_hash_with(&self.report, Some(&fees)),
            information_fees: Some(fees),
            ..self
        }
    }

    /// This report as computed as of business date `as_of_date` (`None`: by log position alone).
    pub fn with_as_of_date(self, as_of_date: Option<NaiveDate>) -> PublishedReport {
        PublishedReport { as_of_date, ..self }
    }

    /// This report with the officer's paragraphs of its parts.
    pub fn with_written(self, written: Vec<WrittenPart>) -> PublishedReport {
        PublishedReport { written, ..self }
    }

    /// This report with the year's work figures its parts 一 and 六 quote.
    pub fn with_work(self, work: BTreeMap<String, u64>) -> PublishedReport {
        PublishedReport { work, ..self }
    }

    /// This report with the date its 落款 prints.
    pub fn with_signed_on(self, signed_on: Option<NaiveDate>) -> PublishedReport {
        PublishedReport { signed_on, ..self }
    }

    /// The agency's name as a title and the 落款 print it: the registered name, or the id when it has none.
    pub fn display_name(&self) -> &str {
        self.agency_name.as_deref().unwrap_or(self.agency())
    }

    /// The agency as printed: its registered name followed by the id, or the id alone when it has no name.
    pub fn agency_title(&self) -> String {
        match &self.agency_name {
            Some(name) => format!("{name}（{}）", self.agency()),
            None => self.agency().to_owned(),
        }
    }

    pub fn agency(&self) -> &str {
        self.report.agency()
    }

    pub fn year(&self) -> i32 {
        self.report.year()
    }

    pub fn format(&self) -> ReportFormat {
        self.report.format()
    }

    pub fn is_final(&self) -> bool {
        self.status == ReportStatus::Final
    }

    /// The same figures, marked incomplete: the events at `skipped_positions` (before `as_of_position`)
    /// could not be counted, so no figure may be taken as final, whatever the identities say.
    pub fn incomplete(self, skipped_positions: Vec<u64>) -> PublishedReport {
        PublishedReport {
            status: ReportStatus::Incomplete { skipped_positions },
            ..self
        }
    }

    /// Recomputes the hash of the figures and compares it with the stored one.
    pub fn verify_hash(&self) -> Result<(), ReportingError> {
        let computed = content_hash_with(&self.report, self.information_fees.as_ref());
        if computed == self.content_hash {
            Ok(())
        } else {
            Err(ReportingError::HashMismatch {
                stored: self.content_hash.clone(),
                computed,
            })
        }
    }
}

/// How money is written among the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MoneyAs {
    /// An exact 万元 decimal string: the content hash's form, fixed since the first published report so that
    /// every stored hash still verifies.
    Text,
    /// A JSON number in 万元, exact (see `Fen`'s `Serialize`): the report documents' form.
    Number,
}

/// The figures keyed by cell code in table order; a blank cell as null. Written entry by entry, so the order
/// does not depend on serde_json's map features.
pub(crate) struct FiguresInTableOrder<'a>(pub &'a Report, pub MoneyAs);

impl Serialize for FiguresInTableOrder<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for cell in self.0.cells() {
            match cell.figure {
                Some(Figure::Count(n)) => map.serialize_entry(&cell.spec.code, &n)?,
                Some(Figure::Change(n)) => map.serialize_entry(&cell.spec.code, &n)?,
                Some(Figure::Money(fen)) => match self.1 {
                    MoneyAs::Text => map.serialize_entry(&cell.spec.code, &fen.to_10k_yuan())?,
                    MoneyAs::Number => map.serialize_entry(&cell.spec.code, &fen)?,
                },
                None => map.serialize_entry(&cell.spec.code, &())?,
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Canonical<'a> {
    agency: &'a str,
    year: i32,
    format: ReportFormat,
    figures: FiguresInTableOrder<'a>,
    // Absent from reports without fee figures, so their hashes are those they were published with.
    #[serde(skip_serializing_if = "Option::is_none")]
    information_fees: Option<&'a InformationFees>,
}

/// Hex SHA-256 over the compact canonical JSON `{"agency","year","format","figures":{code: value…}}`,
/// figures in table order. The narrative and status are derived from these, so they are not hashed.
pub fn content_hash(report: &Report) -> String {
    content_hash_with(report, None)
}

/// [`content_hash`] of the figures and, when given, part 六's 信息处理费 after them.
pub fn content_hash_with(report: &Report, fees: Option<&InformationFees>) -> String {
    let canonical = Canonical {
        agency: report.agency(),
        year: report.year(),
        format: report.format(),
        figures: FiguresInTableOrder(report, MoneyAs::Text),
        information_fees: fees,
    };
    // Strings, integers and null written to memory: serde_json cannot fail on these.
    let bytes = serde_json::to_vec(&canonical).expect("canonical JSON of strings and integers");
    hex::encode(Sha256::digest(&bytes))
}
