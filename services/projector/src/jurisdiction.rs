//! Who may read which agency's figures: the one jurisdiction check of every Reporting RPC. The auth layer has
//! already checked the caller's role; this checks the agency the request names against the caller's agency
//! subtree. A report of an agency inside the subtree rolls up only agencies below it, so roll-ups never cross
//! the jurisdiction's border.

use casetrack_auth::Identity;
use tonic::{Request, Status};

use crate::agency::validate_agency;
use crate::error::ProjectorError;
use crate::grpc::status_from_error;

/// The caller, as the auth layer identified it; UNAUTHENTICATED if the request did not pass the layer.
pub fn caller<T>(request: &Request<T>) -> Result<Identity, Status> {
    request
        .extensions()
        .get::<Identity>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("请求未经身份验证层：服务须由 GrpcServer 启动"))
}

/// The agency a Reporting request of `identity` is about: `agency` when the caller's jurisdiction covers it
/// (PERMISSION_DENIED otherwise — an agency id is the caller's own input, so saying so reveals nothing), or
/// the caller's jurisdiction when `agency` is empty.
pub fn agency_for(identity: &Identity, agency: &str) -> Result<String, Status> {
    if agency.is_empty() {
        return Ok(identity
            .jurisdiction
            .as_ref()
            .map(|root| root.to_string())
            .unwrap_or_default());
    }
    let parsed = validate_agency(agency).map_err(status_from_error)?;
    if identity.covers(&parsed) {
        Ok(agency.to_owned())
    } else {
        Err(Status::permission_denied(format!(
            "机关 {agency} 不在 {} 的管辖范围内",
            identity.name
        )))
    }
}

/// `error` as `identity` may read it: the ids an unknown-agency error suggests are only those inside the
/// caller's jurisdiction, so a typo does not reveal which agencies exist elsewhere.
pub fn within_jurisdiction(identity: &Identity, error: ProjectorError) -> ProjectorError {
    match error {
        ProjectorError::UnknownAgency {
            agency,
            suggestions,
        } => ProjectorError::UnknownAgency {
            agency,
            suggestions: suggestions
                .into_iter()
                .filter(|id| validate_agency(id).is_ok_and(|id| identity.covers(&id)))
                .collect(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_outside_the_jurisdiction_are_dropped() {
        let officer = Identity {
            name: "finance".into(),
            roles: [casetrack_auth::Role::ReportOfficer].into(),
            source_system: "console".into(),
            jurisdiction: Some(validate_agency("simao/finance").expect("id")),
        };
        let error = ProjectorError::UnknownAgency {
            agency: "simao/finance/tax".into(),
            suggestions: vec!["simao/finance/taxes".into(), "simao/fiance".into()],
        };
        let ProjectorError::UnknownAgency { suggestions, .. } =
            within_jurisdiction(&officer, error)
        else {
            panic!("still unknown agency")
        };
        assert_eq!(suggestions, vec!["simao/finance/taxes".to_owned()]);
    }
}
