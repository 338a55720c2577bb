//! The `casetrack.v1.Reporting` gRPC service: a thin translation between protobuf and [`Reports`] / queues.
//! Blocking RocksDB work runs on tokio's blocking pool; errors become status codes in `status_from_error`,
//! the one place that mapping lives. Every answer that lists cases (drill-down, queues, moved deadlines) is
//! recorded by the [`Auditor`] before it is sent (the log's `audit` stream, written by `casetrack-audit`,
//! never by this crate); a list that cannot be recorded is refused.

use std::sync::Arc;

use casetrack_api::instant::from_timestamp;
use casetrack_api::v1 as pb;
use casetrack_api::v1::get_report_response::Rendered;
use casetrack_api::v1::reporting_server::{Reporting as ReportingRpc, ReportingServer};
use casetrack_audit::{Auditor, Read};
use casetrack_auth::Identity;
use casetrack_reporting::{ReportingError, WorkReport, render, render_work, work_format};
use chrono::{NaiveDate, Utc};
use tonic::{Request, Response, Status};

use crate::agency::validate_agency;
use crate::annual::{AgencyScope, DrillDownEntry, IdentityProblem};
use crate::as_of::AsOf;
use crate::calendar::{MovedDeadline, moved_deadlines};
use crate::error::ProjectorError;
use crate::jurisdiction::{agency_for, caller, within_jurisdiction};
use crate::narrative;
use crate::queues::{Due, QueueEntry, queue};
use crate::reports::Reports;
use crate::skipped::SkippedEvent;
use crate::wire::{output_format, rendered};
use crate::work_cells::Period;
use casetrack_domain::deadline::Clocks;
use casetrack_domain::narrative::{NarrativeError, Part};
use casetrack_eventlog::Log;

/// Largest message either side accepts: an xlsx or HTML report of a year with its problems.
pub const GRPC_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The server side of the Reporting service.
#[derive(Clone)]
pub struct ReportingService {
    reports: Reports,
    clocks: Arc<Clocks>,
    auditor: Auditor,
    /// Where the officer's narrative paragraphs are appended (`narrative.rs`): the embedded or remote log.
    log: Arc<dyn Log>,
}

/// The reads of this service that list cases, as audit records name them.
pub(crate) const DRILL_DOWN: &str = "/casetrack.v1.Reporting/DrillDown";
const DRILL_DOWN_WORK: &str = "/casetrack.v1.Reporting/DrillDownWork";
const QUEUE: &str = "/casetrack.v1.Reporting/Queue";
const DUE_SOON: &str = "/casetrack.v1.Reporting/DueSoon";
const OVERDUE: &str = "/casetrack.v1.Reporting/Overdue";
const MOVED_DEADLINES: &str = "/casetrack.v1.Reporting/MovedDeadlines";

impl ReportingService {
    /// The service over `reports` and `clocks` — the process's calendar and clock rules, which the reports'
    /// work figures count deadlines by too; the case lists it answers are recorded by `auditor`, the narrative
    /// paragraphs written are appended to `log`.
    pub fn new(
        reports: Reports,
        clocks: Clocks,
        auditor: Auditor,
        log: Arc<dyn Log>,
    ) -> ReportingService {
        ReportingService {
            reports: reports.with_clocks(clocks.clone()),
            clocks: Arc::new(clocks),
            auditor,
            log,
        }
    }

    /// Record that `caller` was shown `cases` by `method` asked `query`; refused when it cannot be recorded.
    pub(crate) fn audit(
        &self,
        caller: &Identity,
        method: &str,
        cases: Vec<String>,
        query: String,
    ) -> Result<(), Status> {
        Ok(self
            .auditor
            .record(caller, Read::new(method, cases, query))?)
    }

    /// The tonic service, ready for `Server::builder().add_service(..)`.
    pub fn into_server(self) -> ReportingServer<ReportingService> {
        ReportingServer::new(self)
            .max_decoding_message_size(GRPC_MAX_MESSAGE_BYTES)
            .max_encoding_message_size(GRPC_MAX_MESSAGE_BYTES)
    }

    /// Runs `work` on the blocking pool; its error is told as `caller` may see it.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        caller: &Identity,
        work: impl FnOnce(&Reports, &Clocks) -> Result<T, ProjectorError> + Send + 'static,
    ) -> Result<T, Status> {
        let (reports, clocks) = (self.reports.clone(), Arc::clone(&self.clocks));
        tokio::task::spawn_blocking(move || work(&reports, &clocks))
            .await
            .map_err(|e| Status::internal(format!("report task failed: {e}")))?
            .map_err(|e| status_from_error(within_jurisdiction(caller, e)))
    }

    async fn queue_of(
        &self,
        caller: &Identity,
        method: &str,
        request: pb::QueueRequest,
        due: Due,
    ) -> Result<Response<pb::QueueResponse>, Status> {
        let agency = agency_for(caller, &request.agency)?;
        let query = format!(
            "agency={agency} state={} today={} due={due:?}",
            request.state, request.today
        );
        let today = match request.today.as_str() {
            "" => casetrack_domain::time::local_date(Utc::now()),
            text => parse_date("today", text)?,
        };
        let state = Some(request.state).filter(|s| !s.is_empty());
        let scope = if request.include_subagencies {
            AgencyScope::Tree
        } else {
            AgencyScope::Own
        };
        let entries = self
            .blocking(caller, move |reports, clocks| {
                let view = reports.projector().store().view();
                queue(
                    &view,
                    clocks,
                    (&agency, scope),
                    state.as_deref(),
                    today,
                    due,
                )
            })
            .await?;
        let cases = entries.iter().map(|e| e.case.case_id.to_string());
        self.audit(caller, method, cases.collect(), query)?;
        Ok(Response::new(pb::QueueResponse {
            cases: entries.into_iter().map(queue_case).collect(),
        }))
    }
}

/// The agency (inside the caller's jurisdiction), year and scope a report request names.
pub(crate) fn target(
    caller: &Identity,
    target: Option<pb::ReportTarget>,
) -> Result<(String, i32, AgencyScope), Status> {
    let target = target.ok_or_else(|| Status::invalid_argument("target: required"))?;
    let agency = agency_for(caller, &target.agency)?;
    let scope = if target.include_subagencies {
        AgencyScope::Tree
    } else {
        AgencyScope::Own
    };
    Ok((agency, target.year, scope))
}

/// The period of the work figures a request names: the year, or month 1–12 of it (0: the whole year).
fn work_period(year: i32, month: u32) -> Result<Period, Status> {
    Period::new(year, Some(month).filter(|m| *m != 0)).map_err(status_from_error)
}

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, Status> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| Status::invalid_argument(format!("{field}: {text:?} is not an ISO date: {e}")))
}

impl ReportingService {
    /// The statistics a `GetWorkReport` asks for, before rendering (its `output` is not read): what the RPC
    /// renders and the console's 热线看板 shows, under the RPC's policy.
    pub async fn work_statistics(
        &self,
        request: Request<pb::GetWorkReportRequest>,
    ) -> Result<Response<WorkReport>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let (agency, year, scope) = target(&caller, request.target)?;
        let period = work_period(year, request.month)?;
        let as_of = as_of(request.as_of)?;
        let report = self
            .blocking(&caller, move |reports, _| {
                reports.work_report(&agency, period, scope, as_of)
            })
            .await?;
        Ok(Response::new(report))
    }
}

/// The statistics' response: the rendered text or bytes, the position, the identities that fail.
fn work_response(report: &WorkReport, rendered: Rendered) -> pb::GetWorkReportResponse {
    use pb::get_work_report_response::Rendered as WorkRendered;
    let rendered = match rendered {
        Rendered::Text(text) => WorkRendered::Text(text),
        Rendered::Binary(bytes) => WorkRendered::Binary(bytes),
    };
    pb::GetWorkReportResponse {
        rendered: Some(rendered),
        as_of_position: report.as_of_position,
        identity_failures: report
            .identity_failures()
            .into_iter()
            .map(|f| pb::WorkIdentityFailure {
                cell_code: f.cell,
                text: f.text_zh,
            })
            .collect(),
    }
}

/// The point a request's `as_of` oneof names, in one shape: each request that has one generates its own enum.
enum AsOfWire {
    Position(u64),
    Time(prost_types::Timestamp),
    Date(String),
}

trait AsOfChoice {
    fn wire(self) -> AsOfWire;
}

macro_rules! as_of_choice {
    ($($request:ident),*) => {$(
        impl AsOfChoice for pb::$request::AsOf {
            fn wire(self) -> AsOfWire {
                match self {
                    pb::$request::AsOf::AsOfPosition(position) => AsOfWire::Position(position),
                    pb::$request::AsOf::AsOfTime(time) => AsOfWire::Time(time),
                    pb::$request::AsOf::AsOfDate(date) => AsOfWire::Date(date),
                }
            }
        }
    )*};
}

as_of_choice!(
    get_report_request,
    get_work_report_request,
    drill_down_work_request
);

fn as_of(as_of: Option<impl AsOfChoice>) -> Result<AsOf, Status> {
    Ok(match as_of.map(AsOfChoice::wire) {
        None => AsOf::Latest,
        Some(AsOfWire::Position(position)) => AsOf::Position(position),
        Some(AsOfWire::Time(t)) => AsOf::Time(from_timestamp(&t).ok_or_else(|| {
            Status::invalid_argument("as_of_time: negative nanos or out of range")
        })?),
        Some(AsOfWire::Date(text)) => AsOf::Date {
            on: parse_date("as_of_date", &text)?,
            upto: None,
        },
    })
}

/// An optional business date (`as_of_date` of a drill-down or a publication): empty is none.
fn optional_date(field: &str, text: &str) -> Result<Option<NaiveDate>, Status> {
    match text {
        "" => Ok(None),
        text => parse_date(field, text).map(Some),
    }
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

pub(crate) fn drill_case(entry: DrillDownEntry) -> pb::DrillDownCase {
    pb::DrillDownCase {
        case_id: entry.case_id.to_string(),
        tracking_number: entry.tracking_number,
        kind: entry.kind.category().to_string(),
        agency: entry.agency.into(),
        cell_code: entry.cell,
        applicant_type: entry
            .applicant_type
            .map(|t| t.cell_column().to_string())
            .unwrap_or_default(),
        received_on: date_text(entry.received_on),
        decided_on: date_text(entry.decided_on),
        outcome: entry.outcome.unwrap_or_default(),
        weight: entry.weight,
    }
}

fn queue_case(entry: QueueEntry) -> pb::QueueCase {
    let case = entry.case;
    // A category is a snake_case serde name: it serialises to a JSON string.
    let category = case
        .category
        .and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    pb::QueueCase {
        handling_unit: case.handling_unit.map(String::from).unwrap_or_default(),
        line: case.line.unwrap_or_default(),
        category,
        state: case.status.clone(),
        case: Some(pb::DrillDownCase {
            case_id: case.case_id.to_string(),
            tracking_number: case.tracking_number,
            kind: case.kind.category().to_string(),
            agency: case.agency.map(String::from).unwrap_or_default(),
            cell_code: String::new(),
            applicant_type: case
                .applicant_type
                .map(|t| t.cell_column().to_string())
                .unwrap_or_default(),
            received_on: date_text(case.received_on),
            decided_on: date_text(case.decided_on),
            outcome: case.outcome.unwrap_or_default(),
            weight: 1,
        }),
        deadline: date_text(entry.deadline),
        has_deadline: entry.deadline.is_some(),
        working_days_left: entry.working_days_left.unwrap_or_default(),
        no_deadline_reason: entry.no_deadline_reason.unwrap_or_default(),
        deadline_provisional: entry.deadline_provisional,
    }
}

fn problem(problem: IdentityProblem) -> pb::IdentityProblem {
    pb::IdentityProblem {
        identity: serde_json::to_value(problem.failure.identity())
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        detail_json: serde_json::to_string(&problem.failure).unwrap_or_default(),
        cases: problem.cases.into_iter().map(drill_case).collect(),
    }
}

fn skipped_event(skipped: SkippedEvent) -> pb::SkippedEvent {
    pb::SkippedEvent {
        position: skipped.position,
        stream: skipped.stream,
        event_type: skipped.event_type,
        agency: skipped.agency.unwrap_or_default(),
        reason: skipped.reason,
    }
}

/// Maps every projector error to its status code: the one place this mapping lives.
pub fn status_from_error(error: ProjectorError) -> Status {
    let message = error.to_string();
    match error {
        ProjectorError::BadAgency { .. }
        | ProjectorError::BadArgument { .. }
        | ProjectorError::UnknownCell { .. }
        | ProjectorError::UnknownModel(_)
        | ProjectorError::AsOfBeyondHead { .. } => Status::invalid_argument(message),
        ProjectorError::Reporting(
            ReportingError::BadAgency { .. }
            | ReportingError::YearOutOfRange { .. }
            | ReportingError::UnknownCell { .. }
            | ReportingError::UnknownOutputFormat(_)
            | ReportingError::KirogovIsAnnualOnly,
        ) => Status::invalid_argument(message),
        ProjectorError::UnknownAgency { .. }
        | ProjectorError::NoData { .. }
        | ProjectorError::NoWorkData { .. } => Status::not_found(message),
        ProjectorError::NotFinal { .. }
        | ProjectorError::Reporting(ReportingError::NotInKirogovSchema { .. }) => {
            Status::failed_precondition(message)
        }
        ProjectorError::TooMany { .. } => Status::resource_exhausted(message),
        ProjectorError::Narrative(NarrativeError::Conflict { .. })
        | ProjectorError::Contended { .. } => Status::aborted(message),
        ProjectorError::Narrative(_) => Status::invalid_argument(message),
        _ => Status::internal(message),
    }
}

#[tonic::async_trait]
impl ReportingRpc for ReportingService {
    async fn get_report(
        &self,
        request: Request<pb::GetReportRequest>,
    ) -> Result<Response<pb::GetReportResponse>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let (agency, year, scope) = target(&caller, request.target)?;
        let output = output_format(request.output)?;
        let as_of = as_of(request.as_of)?;
        let generated = self
            .blocking(&caller, move |reports, _| {
                let generated = reports.report(&agency, year, scope, as_of)?;
                reports.quoting_work(generated, scope)
            })
            .await?;
        let bytes =
            render(&generated.published, output).map_err(|e| status_from_error(e.into()))?;
        let published = generated.published;
        Ok(Response::new(pb::GetReportResponse {
            rendered: Some(rendered(bytes, output)?),
            is_final: published.is_final(),
            problems: generated.problems.into_iter().map(problem).collect(),
            as_of_position: published.as_of_position,
            as_of_date: date_text(published.as_of_date),
            rules_version: published.rules_version,
            content_hash: published.content_hash,
            skipped: generated.skipped.into_iter().map(skipped_event).collect(),
        }))
    }

    async fn drill_down(
        &self,
        request: Request<pb::DrillDownRequest>,
    ) -> Result<Response<pb::DrillDownResponse>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let (agency, year, scope) = target(&caller, request.target)?;
        let as_of = match optional_date("as_of_date", &request.as_of_date)? {
            Some(on) => AsOf::Date { on, upto: None },
            None => AsOf::Latest,
        };
        let cell = request.cell_code;
        let query = format!(
            "agency={agency} year={year} cell={cell} scope={scope:?} as_of_date={}",
            request.as_of_date
        );
        let cases = self
            .blocking(&caller, move |reports, _| {
                reports.drill_down(&agency, year, &cell, scope, as_of)
            })
            .await?;
        let ids = cases.iter().map(|c| c.case_id.to_string()).collect();
        self.audit(&caller, DRILL_DOWN, ids, query)?;
        Ok(Response::new(pb::DrillDownResponse {
            figure: cases.iter().map(|c| c.weight).sum(),
            cases: cases.into_iter().map(drill_case).collect(),
        }))
    }

    async fn drill_down_work(
        &self,
        request: Request<pb::DrillDownWorkRequest>,
    ) -> Result<Response<pb::DrillDownResponse>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let (agency, year, scope) = target(&caller, request.target)?;
        let (cell, month) = (request.cell_code, request.month);
        let query =
            format!("agency={agency} year={year} month={month} cell={cell} scope={scope:?}");
        let period = work_period(year, month)?;
        let as_of = as_of(request.as_of)?;
        let cases = self
            .blocking(&caller, move |reports, _| {
                reports.work_drill_down(&agency, period, &cell, scope, as_of)
            })
            .await?;
        let ids = cases.iter().map(|c| c.case_id.to_string()).collect();
        self.audit(&caller, DRILL_DOWN_WORK, ids, query)?;
        Ok(Response::new(pb::DrillDownResponse {
            figure: cases.iter().map(|c| c.weight).sum(),
            cases: cases.into_iter().map(drill_case).collect(),
        }))
    }

    async fn get_work_report(
        &self,
        request: Request<pb::GetWorkReportRequest>,
    ) -> Result<Response<pb::GetWorkReportResponse>, Status> {
        let output = work_format(output_format(request.get_ref().output)?)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let report = self.work_statistics(request).await?.into_inner();
        let bytes = render_work(&report, output).map_err(|e| status_from_error(e.into()))?;
        Ok(Response::new(work_response(
            &report,
            rendered(bytes, output)?,
        )))
    }

    async fn queue(
        &self,
        request: Request<pb::QueueRequest>,
    ) -> Result<Response<pb::QueueResponse>, Status> {
        self.queue_of(&caller(&request)?, QUEUE, request.into_inner(), Due::All)
            .await
    }

    async fn due_soon(
        &self,
        request: Request<pb::DueSoonRequest>,
    ) -> Result<Response<pb::QueueResponse>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let queue = request
            .queue
            .ok_or_else(|| Status::invalid_argument("queue: required"))?;
        self.queue_of(
            &caller,
            DUE_SOON,
            queue,
            Due::Within(i64::from(request.within_working_days)),
        )
        .await
    }

    async fn overdue(
        &self,
        request: Request<pb::QueueRequest>,
    ) -> Result<Response<pb::QueueResponse>, Status> {
        self.queue_of(
            &caller(&request)?,
            OVERDUE,
            request.into_inner(),
            Due::Overdue,
        )
        .await
    }

    async fn moved_deadlines(
        &self,
        request: Request<pb::MovedDeadlinesRequest>,
    ) -> Result<Response<pb::MovedDeadlinesResponse>, Status> {
        let caller = caller(&request)?;
        let asked = agency_for(&caller, &request.into_inner().agency)?;
        let query = format!("agency={asked}");
        let agency = match asked.as_str() {
            "" => None,
            text => Some(validate_agency(text).map_err(status_from_error)?),
        };
        let moved = self
            .blocking(&caller, move |reports, _| {
                moved_deadlines(&reports.projector().store().view(), agency.as_ref())
            })
            .await?;
        let ids = moved.iter().map(|m| m.case_id.to_string()).collect();
        self.audit(&caller, MOVED_DEADLINES, ids, query)?;
        Ok(Response::new(pb::MovedDeadlinesResponse {
            moved: moved.into_iter().map(moved_deadline).collect(),
        }))
    }

    async fn publish(
        &self,
        request: Request<pb::PublishRequest>,
    ) -> Result<Response<pb::PublishResponse>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let (agency, year, scope) = target(&caller, request.target)?;
        let on = optional_date("as_of_date", &request.as_of_date)?;
        let generated = self
            .blocking(&caller, move |reports, _| {
                reports.publish(&agency, year, scope, on)
            })
            .await?;
        let published = generated.published;
        Ok(Response::new(pb::PublishResponse {
            as_of_position: published.as_of_position,
            as_of_date: date_text(published.as_of_date),
            rules_version: published.rules_version.clone(),
            content_hash: published.content_hash.clone(),
            report_json: casetrack_reporting::json::to_json(&published),
        }))
    }

    async fn write_narrative(
        &self,
        request: Request<pb::WriteNarrativeRequest>,
    ) -> Result<Response<pb::WriteNarrativeResponse>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let agency = agency_for(&caller, &request.agency)?;
        let agency = validate_agency(&agency).map_err(status_from_error)?;
        let part = narrative_part(request.part)?;
        let written = narrative::write(
            self.log.as_ref(),
            &caller.name,
            (agency, request.year),
            part,
            request.text,
            request.replaces_version,
        )
        .await
        .map_err(|e| status_from_error(within_jurisdiction(&caller, e)))?;
        Ok(Response::new(pb::WriteNarrativeResponse {
            version: written.version,
            position: written.position,
        }))
    }
}

/// The part a request names, refused naming `part`.
fn narrative_part(part: u32) -> Result<Part, Status> {
    Part::new(part).map_err(|e| status_from_error(e.into()))
}

/// A moved deadline in the API's words.
fn moved_deadline(moved: MovedDeadline) -> pb::MovedDeadline {
    pb::MovedDeadline {
        case_id: moved.case_id.to_string(),
        tracking_number: moved.tracking_number,
        agency: moved.agency.map(String::from).unwrap_or_default(),
        old_deadline: date_text(moved.old),
        new_deadline: date_text(moved.new),
        notice: moved.notice,
        position: moved.position,
    }
}
