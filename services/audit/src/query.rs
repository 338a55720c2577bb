//! Paging through the audit trail: the `audit` stream read forward from a revision (the page token), records
//! kept when they match every filter. A page holds at most [`MAX_AUDIT_PAGE`] records and one call reads at
//! most [`MAX_AUDIT_SCAN`] events, so a filter that matches rarely costs bounded work per call and returns a
//! short (even empty) page with a token to go on from.

use casetrack_eventlog::{Direction, Log, LogError};
use chrono::{DateTime, Utc};

use crate::record::{AUDIT_STREAM, AuditRecord, READ_EVENT_TYPE};

/// Records one page holds at most.
pub const MAX_AUDIT_PAGE: usize = 500;
/// Audit events one call reads at most, matching or not.
pub const MAX_AUDIT_SCAN: usize = 10_000;
/// Records per page when the request names no size.
pub const DEFAULT_AUDIT_PAGE: usize = 100;

/// Which records to list; `None` (or empty) matches everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub identity: Option<String>,
    pub case_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl AuditFilter {
    fn matches(&self, record: &AuditRecord) -> bool {
        self.identity
            .as_ref()
            .is_none_or(|name| *name == record.identity)
            && self
                .case_id
                .as_ref()
                .is_none_or(|id| record.case_ids.contains(id))
            && self.from.is_none_or(|from| record.at >= from)
            && self.to.is_none_or(|to| record.at < to)
    }
}

/// One page: the matching records with their log positions, and the revision to go on from (`None` when the
/// stream has nothing after what was read).
#[derive(Debug, Clone, Default)]
pub struct AuditPage {
    pub records: Vec<(u64, AuditRecord)>,
    pub next: Option<u64>,
}

/// The records matching `filter` from revision `from` of the audit stream on, at most `page_size` (clamped to
/// 1..=[`MAX_AUDIT_PAGE`]). A stored record that does not decode is a corrupt log, reported as such.
pub async fn list(
    log: &dyn Log,
    filter: &AuditFilter,
    from: u64,
    page_size: usize,
) -> Result<AuditPage, LogError> {
    let page_size = page_size.clamp(1, MAX_AUDIT_PAGE);
    let mut page = AuditPage::default();
    let mut revision = from;
    let mut scanned = 0;
    while scanned < MAX_AUDIT_SCAN {
        let batch = log
            .read_stream(AUDIT_STREAM, revision, Direction::Forward, MAX_AUDIT_PAGE)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(page);
        };
        let exhausted = batch.len() < MAX_AUDIT_PAGE;
        for event in batch.iter().filter(|e| e.event_type == READ_EVENT_TYPE) {
            let record: AuditRecord =
                serde_json::from_value(event.data.clone()).map_err(|error| LogError::Corrupt {
                    position: event.position,
                    reason: format!("audit record: {error}"),
                })?;
            if filter.matches(&record) {
                page.records.push((event.position, record));
            }
            if page.records.len() == page_size {
                page.next = Some(event.revision + 1);
                return Ok(page);
            }
        }
        scanned += batch.len();
        revision = last.revision + 1;
        if exhausted {
            return Ok(page);
        }
    }
    page.next = Some(revision);
    Ok(page)
}
