//! The work figures of hotline, proposal and petition work (the workload model) read through the Reporting
//! service, as the console's 热线看板 reads them: the same caller and jurisdiction check as every Reporting
//! read (`target`), the blocking pool, and a drill-down list recorded in the audit trail under DrillDown.
//! These are methods of the service, not yet RPCs of its own (a `GetWorkReport` RPC is planned): the console
//! calls them in-process under `Reporting/GetReport`'s and `Reporting/DrillDown`'s policy.

use casetrack_api::v1 as pb;
use tonic::{Request, Response, Status};

use crate::grpc::{DRILL_DOWN, ReportingService, drill_case, target};
use crate::jurisdiction::caller;
use crate::work_cells::Period;
use crate::work_rules::WorkRules;
use crate::workload::{WorkFigures, work_drill_down, work_figures};

/// Which work figures: an agency (with its subtree), a year and optionally one month of it, and for a
/// drill-down the cell.
#[derive(Debug, Clone, Default)]
pub struct WorkQuery {
    pub target: Option<pb::ReportTarget>,
    pub month: Option<u32>,
    /// A drill-down's cell code, e.g. `hotline.closed_on_time@line=12345`; ignored by `work_figures`.
    pub cell: String,
}

impl ReportingService {
    /// Every work figure of the query's agency and period, by cell code (absent: 0).
    pub async fn work_figures(
        &self,
        request: Request<WorkQuery>,
    ) -> Result<Response<WorkFigures>, Status> {
        let caller = caller(&request)?;
        let query = request.into_inner();
        let (agency, year, scope) = target(&caller, query.target)?;
        let figures = self
            .blocking(&caller, move |reports, clocks| {
                let period = Period::new(year, query.month)?;
                let rules = WorkRules::embedded()?;
                let view = reports.projector().store().view();
                work_figures(&view, clocks, (&agency, scope), &period, &rules)
            })
            .await?;
        Ok(Response::new(figures))
    }

    /// The cases behind one work figure, recorded in the audit trail as a DrillDown read.
    pub async fn work_drill_down(
        &self,
        request: Request<WorkQuery>,
    ) -> Result<Response<pb::DrillDownResponse>, Status> {
        let caller = caller(&request)?;
        let query = request.into_inner();
        let (agency, year, scope) = target(&caller, query.target)?;
        let (month, cell) = (query.month, query.cell);
        let audited =
            format!("agency={agency} year={year} month={month:?} cell={cell} scope={scope:?}");
        let cases = self
            .blocking(&caller, move |reports, clocks| {
                let period = Period::new(year, month)?;
                let rules = WorkRules::embedded()?;
                let view = reports.projector().store().view();
                work_drill_down(&view, clocks, (&agency, scope), &period, &rules, &cell)
            })
            .await?;
        let ids = cases.iter().map(|c| c.case_id.to_string()).collect();
        self.audit(&caller, DRILL_DOWN, ids, audited)?;
        Ok(Response::new(pb::DrillDownResponse {
            figure: cases.iter().map(|c| c.weight).sum(),
            cases: cases.into_iter().map(drill_case).collect(),
        }))
    }
}
