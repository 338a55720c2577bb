//! The reporting desk: what the CLI and the gRPC service ask for — reports (latest or as of), drill-downs,
//! publication and its verification — over one projector and the log it folds.

use casetrack_domain::deadline::Clocks;
use casetrack_domain::time::local_date;
use casetrack_domain::{Calendar, CaseId};
use chrono::{NaiveDate, Utc};
use std::sync::Arc;

use casetrack_reporting::{PublishedReport, content_hash, json};

use crate::agency::{known_agency, validate_agency};
use crate::annual::{
    AgencyScope, DrillDownEntry, GeneratedReport, counts_in_year, drill_down, format_of, generate,
    seen_agencies,
};
use crate::as_of::{AsOf, fold_dated, fold_to, position_at_time};
use crate::as_of_view::AsOfView;
use crate::case::StoredCase;
use crate::error::ProjectorError;
use crate::keys::{key, prefix};
use crate::kv::KvRead;
use crate::model::{ReadModel, state_key};
use crate::narrative::written;
use crate::projector::Projector;
use crate::reader::LogReader;
use crate::summary::CaseSummary;

/// Most published versions listed for one agency and year.
pub const MAX_PUBLISHED_VERSIONS: usize = 1_000;

#[derive(Clone)]
pub struct Reports {
    projector: Projector,
    log: Arc<dyn LogReader>,
    /// The calendar and clock rules the work figures' on-time measures start from (the model's loaded
    /// arrangements amend the calendar); `None`: the embedded calendar and the default rules.
    clocks: Option<Arc<Clocks>>,
}

impl Reports {
    /// Reports from `projector`'s read models; `log` is what it folds, read again for reports as of the past.
    /// The work figures count deadlines by the embedded calendar and the default clock rules until
    /// the Reporting service gives it the process's own.
    pub fn new(projector: Projector, log: impl LogReader + 'static) -> Reports {
        Reports {
            projector,
            log: Arc::new(log),
            clocks: None,
        }
    }

    /// These reports with the calendar and clock rules the process runs by (e.g. its hotline limits).
    pub(crate) fn with_clocks(self, clocks: Clocks) -> Reports {
        Reports {
            clocks: Some(Arc::new(clocks)),
            ..self
        }
    }

    /// The clocks the work figures' deadlines are counted by before the model's arrangements amend them.
    pub(crate) fn base_clocks(&self) -> Result<Arc<Clocks>, ProjectorError> {
        match &self.clocks {
            Some(clocks) => Ok(Arc::clone(clocks)),
            None => Calendar::embedded()
                .map(|calendar| Arc::new(Clocks::new(calendar)))
                .map_err(|source| ProjectorError::Calendar { source }),
        }
    }

    pub fn projector(&self) -> &Projector {
        &self.projector
    }

    pub fn log(&self) -> &dyn LogReader {
        self.log.as_ref()
    }

    /// Runs `query` over the annual model as of `as_of`, with the position it reflects: the store itself, or
    /// its ranges as of a past position it has folded (`as_of_view.rs`); only a position beyond the annual
    /// model's checkpoint (the store is still catching up) is folded from the log into memory, as is a report as
    /// of a business date (its events are not a prefix of the log, so no stored range holds them).
    fn with_annual<T>(
        &self,
        as_of: AsOf,
        query: impl FnOnce(&dyn KvRead, u64) -> Result<T, ProjectorError>,
    ) -> Result<T, ProjectorError> {
        let view = self.projector.store().view();
        let checkpoint = view.checkpoint(ReadModel::Annual)?;
        let upto = match as_of {
            AsOf::Latest => return query(&view, checkpoint),
            AsOf::Position(position) => position,
            AsOf::Time(at) => position_at_time(self.log.as_ref(), at)?,
            AsOf::Date { on, upto } => {
                let (kv, upto) = fold_dated(self.log.as_ref(), ReadModel::Annual, on, upto)?;
                return query(&kv, upto);
            }
        };
        if upto <= checkpoint {
            return query(&AsOfView::new(&view, upto), upto);
        }
        let kv = fold_to(self.log.as_ref(), ReadModel::Annual, upto)?;
        query(&kv, upto)
    }

    /// The report of `agency` for `year`, checked and sealed; see [`generate`]. Its 落款 is dated today (China
    /// time), or the day of the instant it is as of; a report as of a business date carries that date. Refused for an agency neither
    /// registered nor in the log (`UnknownAgency`, with the nearest ids) and for a year in which nothing of the
    /// agency happened (`NoData`, even when cases of earlier years are still open): a table of zeros, or of
    /// carried cases only, would read as a real report of a year the log knows nothing of.
    pub fn report(
        &self,
        agency: &str,
        year: i32,
        scope: AgencyScope,
        as_of: AsOf,
    ) -> Result<GeneratedReport, ProjectorError> {
        format_of(year)?;
        let name = self.known_agency(agency)?;
        let id = validate_agency(agency)?;
        let mut generated = self.with_annual(as_of, |kv, position| {
            if !counts_in_year(kv, agency, year, scope)? {
                return Err(ProjectorError::NoData {
                    agency: agency.to_owned(),
                    year,
                });
            }
            generate(kv, agency, year, scope, position)
        })?;
        let signed_on = local_date(match as_of {
            AsOf::Time(at) => at,
            AsOf::Latest | AsOf::Position(_) | AsOf::Date { .. } => Utc::now(),
        });
        let as_of_date = match as_of {
            AsOf::Date { on, .. } => Some(on),
            AsOf::Latest | AsOf::Position(_) | AsOf::Time(_) => None,
        };
        let written = written(
            self.log.as_ref(),
            &id,
            year,
            generated.published.as_of_position,
        )?;
        generated.published = generated
            .published
            .with_written(written)
            .with_agency_name(name)
            .with_signed_on(Some(signed_on))
            .with_as_of_date(as_of_date);
        Ok(generated)
    }

    /// The registered name of `agency`; `UnknownAgency` when it is neither registered nor counted anywhere.
    pub(crate) fn known_agency(&self, agency: &str) -> Result<Option<String>, ProjectorError> {
        let seen = seen_agencies(&self.projector.store().view())?;
        known_agency(self.log.as_ref(), agency, &seen)
    }

    /// The cases behind `cell_code` of `agency`'s report for `year`.
    pub fn drill_down(
        &self,
        agency: &str,
        year: i32,
        cell_code: &str,
        scope: AgencyScope,
        as_of: AsOf,
    ) -> Result<Vec<DrillDownEntry>, ProjectorError> {
        self.known_agency(agency)?;
        self.with_annual(as_of, |kv, _| {
            drill_down(kv, agency, year, cell_code, scope)
        })
    }

    /// The summary of one case from the cases model (tracking number, kind, agency, dates, outcome, status).
    pub fn case_summary(&self, case_id: CaseId) -> Result<Option<CaseSummary>, ProjectorError> {
        let stored = StoredCase::read(
            self.projector.store(),
            &state_key(ReadModel::Cases, case_id),
        )?;
        Ok(stored.map(|case| CaseSummary::of(&case)))
    }

    /// Publishes the latest report, or the report as of business date `on` over the whole log: stored with the
    /// log position (and business date) it pins, rules version and content hash. A report whose identities fail
    /// is refused, with its problems.
    pub fn publish(
        &self,
        agency: &str,
        year: i32,
        scope: AgencyScope,
        on: Option<NaiveDate>,
    ) -> Result<GeneratedReport, ProjectorError> {
        let as_of = match on {
            Some(on) => AsOf::Date { on, upto: None },
            None => AsOf::Latest,
        };
        let generated = self.report(agency, year, scope, as_of)?;
        if !generated.published.is_final() {
            return Err(ProjectorError::NotFinal {
                agency: agency.to_string(),
                year,
                problems: generated.problems.len(),
                skipped: generated.skipped.iter().map(|s| s.position).collect(),
            });
        }
        let published = &generated.published;
        self.projector.store().put(
            published_key(agency, year, scope, published.as_of_position),
            json::to_json(published).into_bytes(),
        )?;
        Ok(generated)
    }

    /// Every published version of `agency`'s report for `year` with the scope it covers, by scope and position.
    pub fn published(
        &self,
        agency: &str,
        year: i32,
    ) -> Result<Vec<(AgencyScope, PublishedReport)>, ProjectorError> {
        let entries = self.projector.store().scan_prefix(&prefix(&[
            "published",
            agency,
            &year.to_string(),
        ]))?;
        if entries.len() > MAX_PUBLISHED_VERSIONS {
            return Err(ProjectorError::TooMany {
                what: "published versions",
                limit: MAX_PUBLISHED_VERSIONS,
                actual: entries.len(),
            });
        }
        entries
            .iter()
            .map(|(k, v)| {
                let corrupt = |reason: String| ProjectorError::Corrupt {
                    key: String::from_utf8_lossy(k).into_owned(),
                    reason,
                };
                let scope = match key_scope(k) {
                    Some(scope) => scope,
                    None => return Err(corrupt("unknown scope".to_string())),
                };
                let report = json::from_json(&String::from_utf8_lossy(v))
                    .map_err(|e| corrupt(e.to_string()))?;
                Ok((scope, report))
            })
            .collect()
    }

    /// Recomputes a published report as of its position and business date (with the scope it was published for)
    /// and compares content hashes: `Ok(true)` when the figures are reproduced exactly.
    pub fn verify_published(
        &self,
        published: &PublishedReport,
        scope: AgencyScope,
    ) -> Result<bool, ProjectorError> {
        published.verify_hash()?;
        let as_of = AsOf::of_published(published);
        let again = self.report(published.agency(), published.year(), scope, as_of)?;
        // A version published before reports carried part 六's fees sealed the tables alone.
        let recomputed = match published.information_fees {
            Some(_) => again.published.content_hash,
            None => content_hash(&again.published.report),
        };
        Ok(recomputed == published.content_hash)
    }
}

fn published_key(agency: &str, year: i32, scope: AgencyScope, position: u64) -> Vec<u8> {
    key(&[
        "published",
        agency,
        &year.to_string(),
        scope.name(),
        &format!("{position:020}"),
    ])
}

/// The scope part of a published key (`published\0{agency}\0{year}\0{scope}\0{position}`).
fn key_scope(key: &[u8]) -> Option<AgencyScope> {
    let mut parts = key.rsplit(|b| *b == crate::keys::SEP);
    parts.next()?;
    AgencyScope::from_name(&String::from_utf8_lossy(parts.next()?))
}
