//! The `casetrack.v1.Audit` gRPC service: the audit trail, filtered and paged, for auditors and admins (the
//! auth layer's policy table decides who calls it; the trail spans every agency, so it is for roles that span
//! the deployment).

use std::sync::Arc;

use casetrack_api::instant::{from_timestamp, to_timestamp};
use casetrack_api::v1 as pb;
use casetrack_api::v1::audit_server::{Audit, AuditServer};
use casetrack_bus::log_is_transient;
use casetrack_eventlog::{Log, LogError};
use chrono::{DateTime, Utc};
use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::query::{AuditFilter, DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, list};
use crate::record::AuditRecord;

/// The server side of the Audit service, reading the trail from the log.
#[derive(Clone)]
pub struct AuditService {
    log: Arc<dyn Log>,
}

impl AuditService {
    pub fn new(log: Arc<dyn Log>) -> AuditService {
        AuditService { log }
    }

    pub fn into_server(self) -> AuditServer<AuditService> {
        AuditServer::new(self)
    }
}

fn invalid(field: &str, reason: &str) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {reason}"),
        ErrorDetails::with_bad_request_violation(field, reason),
    )
}

fn instant(
    field: &str,
    at: Option<prost_types::Timestamp>,
) -> Result<Option<DateTime<Utc>>, Status> {
    at.map(|at| from_timestamp(&at).ok_or_else(|| invalid(field, "纳秒为负或时间超出范围")))
        .transpose()
}

fn filter(request: &pb::ListAuditRecordsRequest) -> Result<AuditFilter, Status> {
    let text = |value: &str| Some(value.to_owned()).filter(|v| !v.is_empty());
    Ok(AuditFilter {
        identity: text(&request.identity),
        case_id: text(&request.case_id),
        from: instant("from", request.from)?,
        to: instant("to", request.to)?,
    })
}

fn page_size(requested: u32) -> Result<usize, Status> {
    match usize::try_from(requested) {
        Ok(0) => Ok(DEFAULT_AUDIT_PAGE),
        Ok(size) if size <= MAX_AUDIT_PAGE => Ok(size),
        _ => Err(invalid(
            "page_size",
            &format!("每页至多 {MAX_AUDIT_PAGE} 条"),
        )),
    }
}

fn status_from_log(error: LogError) -> Status {
    if log_is_transient(&error) {
        Status::unavailable(format!("事件日志暂不可用：{error}"))
    } else {
        Status::internal(format!("读取审计记录失败：{error}"))
    }
}

fn record(position: u64, record: AuditRecord) -> pb::AuditRecord {
    pb::AuditRecord {
        at: Some(to_timestamp(record.at)),
        identity: record.identity,
        roles: record.roles,
        method: record.method,
        case_ids: record.case_ids,
        query: record.query,
        position,
    }
}

#[tonic::async_trait]
impl Audit for AuditService {
    async fn list_audit_records(
        &self,
        request: Request<pb::ListAuditRecordsRequest>,
    ) -> Result<Response<pb::ListAuditRecordsResponse>, Status> {
        let request = request.into_inner();
        let filter = filter(&request)?;
        let from = match request.page_token.as_str() {
            "" => 0,
            token => token
                .parse()
                .map_err(|_| invalid("page_token", "不是上一页返回的 next_page_token"))?,
        };
        let page = list(
            self.log.as_ref(),
            &filter,
            from,
            page_size(request.page_size)?,
        )
        .await
        .map_err(status_from_log)?;
        Ok(Response::new(pb::ListAuditRecordsResponse {
            records: page
                .records
                .into_iter()
                .map(|(p, r)| record(p, r))
                .collect(),
            next_page_token: page.next.map(|n| n.to_string()).unwrap_or_default(),
        }))
    }
}
