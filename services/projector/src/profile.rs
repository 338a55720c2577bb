//! The profile of a year's applications behind the report page's charts: the applications received in the
//! year (exactly the cases behind the report's `applications.received.total`, by the same drill-down) by month
//! of receipt and by channel, and how many of those whose handling has ended were answered within the
//! statutory period (the domain's `Case::answered_on_time`, under the calendar the annual model has folded).
//! Read through the `ReportingService` in-process (no RPC of its own), under `GetReport`'s policy.

use std::collections::BTreeMap;

use casetrack_api::v1 as pb;
use casetrack_domain::CaseId;
use casetrack_domain::deadline::Clocks;
use chrono::Datelike;
use tonic::{Request, Response, Status};

use crate::annual::{AgencyScope, drill_down};
use crate::calendar::model_clocks;
use crate::case::StoredCase;
use crate::error::ProjectorError;
use crate::grpc::{ReportingService, target};
use crate::jurisdiction::caller;
use crate::kv::KvRead;
use crate::model::{ReadModel, state_key};
use crate::summary::CaseSummary;

/// The cell whose cases the profile counts.
const RECEIVED: &str = "applications.received.total";

/// The applications received in a year, counted three ways. Empty for a year whose format has no
/// `applications.received.total` (the statistical table before 2019).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationProfile {
    /// Received in month 1–12 (index 0–11).
    pub by_month: [u64; 12],
    /// By channel code (`in_person`, `internet` …).
    pub by_channel: BTreeMap<String, u64>,
    /// Of those whose handling ended: answered by the deadline, and after it.
    pub on_time: u64,
    pub late: u64,
}

/// The profile of `agency`'s (or its subtree's) applications received in `year`.
pub fn application_profile(
    kv: &dyn KvRead,
    base: &Clocks,
    (agency, scope): (&str, AgencyScope),
    year: i32,
) -> Result<ApplicationProfile, ProjectorError> {
    let cases = match drill_down(kv, agency, year, RECEIVED, scope) {
        Err(ProjectorError::UnknownCell { .. }) => return Ok(ApplicationProfile::default()),
        other => other?,
    };
    let clocks = model_clocks(kv, ReadModel::Annual, base)?;
    let mut profile = ApplicationProfile::default();
    for entry in cases {
        let stored = stored_case(kv, entry.case_id)?;
        let summary = CaseSummary::of(&stored);
        if let Some(month) = entry.received_on.map(|on| on.month0() as usize) {
            profile.by_month[month] += entry.weight;
        }
        if let Some(channel) = summary.channel {
            *profile
                .by_channel
                .entry(channel.code().to_owned())
                .or_default() += entry.weight;
        }
        match stored.state.answered_on_time(&clocks) {
            Some(true) => profile.on_time += entry.weight,
            Some(false) => profile.late += entry.weight,
            None => {}
        }
    }
    Ok(profile)
}

/// The case as the annual model last saw it.
fn stored_case(kv: &dyn KvRead, case_id: CaseId) -> Result<StoredCase, ProjectorError> {
    let state_key = state_key(ReadModel::Annual, case_id);
    StoredCase::read(kv, &state_key)?.ok_or_else(|| ProjectorError::Corrupt {
        key: String::from_utf8_lossy(&state_key).into_owned(),
        reason: "a counted case has no state".into(),
    })
}

impl ReportingService {
    /// The profile of the target's applications of its year, jurisdiction checked as every report read.
    pub async fn application_profile(
        &self,
        request: Request<pb::ReportTarget>,
    ) -> Result<Response<ApplicationProfile>, Status> {
        let caller = caller(&request)?;
        let (agency, year, scope) = target(&caller, Some(request.into_inner()))?;
        let profile = self
            .blocking(&caller, move |reports, clocks| {
                let view = reports.projector().store().view();
                application_profile(&view, clocks, (&agency, scope), year)
            })
            .await?;
        Ok(Response::new(profile))
    }
}
