//! The reporting desk's hotline, proposal and petition statistics: the work figures of an agency for a year or
//! a month as a [`WorkReport`] (latest, or as of a past position or instant), and the cases behind each
//! figure. Refused like the annual report: an unknown agency, or a period in which nothing of that work
//! happened (`NoWorkData`), never a table of zeros. And the year's figures an annual report's parts 一 and 六
//! quote, counted as of the report's own position.

use casetrack_reporting::WorkReport;

use crate::annual::{AgencyScope, DrillDownEntry, GeneratedReport};
use crate::as_of::{AsOf, fold_cases, fold_dated, fold_to, position_at_time};
use crate::error::ProjectorError;
use crate::kv::KvRead;
use crate::model::ReadModel;
use crate::reports::Reports;
use crate::work_cells::Period;
use crate::work_rules::WorkRules;
use crate::workload::{WorkFigures, filed_cases, work_drill_down, work_figures};

impl Reports {
    /// The hotline, proposal and petition statistics of `agency` (with its subtree for a tree) in `period`.
    pub fn work_report(
        &self,
        agency: &str,
        period: Period,
        scope: AgencyScope,
        as_of: AsOf,
    ) -> Result<WorkReport, ProjectorError> {
        let agency_name = self.known_agency(agency)?;
        let (figures, as_of_position) =
            self.with_workload((agency, scope), as_of, |kv, position| {
                Ok((self.figures(kv, agency, scope, &period)?, position))
            })?;
        let report = WorkReport {
            agency: agency.to_owned(),
            agency_name,
            year: period.year,
            month: period.month,
            as_of_position,
            figures,
        };
        if !report.has_activity() {
            return Err(ProjectorError::NoWorkData {
                field: if period.month.is_some() {
                    "month"
                } else {
                    "year"
                },
                agency: agency.to_owned(),
                period: report.period_zh(),
            });
        }
        Ok(report)
    }

    /// The cases behind `cell_code` (a cell of the work figures) of `agency`'s statistics in `period`, as of
    /// the same point as the figures: their weights sum to the figure.
    pub fn work_drill_down(
        &self,
        agency: &str,
        period: Period,
        cell_code: &str,
        scope: AgencyScope,
        as_of: AsOf,
    ) -> Result<Vec<DrillDownEntry>, ProjectorError> {
        self.known_agency(agency)?;
        let clocks = self.base_clocks()?;
        let rules = WorkRules::embedded()?;
        self.with_workload((agency, scope), as_of, |kv, _| {
            work_drill_down(kv, &clocks, (agency, scope), &period, &rules, cell_code)
        })
    }

    /// `generated` with the year's work figures that its parts 一 and 六 quote, counted as of the point of its
    /// tables (its log position, and its business date when it has one) (cheap at the model's own position; a past one folds the log into memory). Kept apart from
    /// [`Reports::report`]: the tables and their hash do not depend on them.
    pub fn quoting_work(
        &self,
        generated: GeneratedReport,
        scope: AgencyScope,
    ) -> Result<GeneratedReport, ProjectorError> {
        let published = &generated.published;
        let period = Period::new(published.year(), None)?;
        let agency = published.agency();
        let work =
            self.with_workload((agency, scope), AsOf::of_published(published), |kv, _| {
                self.figures(kv, agency, scope, &period)
            })?;
        Ok(GeneratedReport {
            published: generated.published.with_work(work),
            ..generated
        })
    }

    /// The work figures of `agency` in `period` over `kv`.
    fn figures(
        &self,
        kv: &dyn KvRead,
        agency: &str,
        scope: AgencyScope,
        period: &Period,
    ) -> Result<WorkFigures, ProjectorError> {
        let rules = WorkRules::embedded()?;
        let clocks = self.base_clocks()?;
        work_figures(kv, &clocks, (agency, scope), period, &rules)
    }

    /// Runs `query` about `agency`'s cases (with its subtree's, for a tree) over the workload model as of
    /// `as_of`, with the position it reflects: the store itself for the latest or the position it has folded
    /// to; else a fold into memory (the workload model keeps the cases as they stand and counts when asked, so
    /// a past point is a past fold): of the streams of the cases filed under the agency when the store has
    /// folded that far, else of the log — up to the position, and of the events dated on or before a
    /// business date.
    fn with_workload<T>(
        &self,
        (agency, scope): (&str, AgencyScope),
        as_of: AsOf,
        query: impl FnOnce(&dyn KvRead, u64) -> Result<T, ProjectorError>,
    ) -> Result<T, ProjectorError> {
        let view = self.projector().store().view();
        let checkpoint = view.checkpoint(ReadModel::Workload)?;
        let (upto, on) = match as_of {
            AsOf::Latest => (checkpoint, None),
            AsOf::Position(position) => (position, None),
            AsOf::Time(at) => (position_at_time(self.log(), at)?, None),
            AsOf::Date { on, upto } => (
                upto.map_or_else(|| self.log().next_position(), Ok)?,
                Some(on),
            ),
        };
        if on.is_none() && upto == checkpoint {
            return query(&view, checkpoint);
        }
        let kv = if upto <= checkpoint {
            let cases = filed_cases(&view, agency, scope)?;
            fold_cases(self.log(), &view, ReadModel::Workload, &cases, (upto, on))?
        } else if let Some(on) = on {
            fold_dated(self.log(), ReadModel::Workload, on, Some(upto))?.0
        } else {
            fold_to(self.log(), ReadModel::Workload, upto)?
        };
        query(&kv, upto)
    }
}
