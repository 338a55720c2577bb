//! Proto fields → domain values, each error naming the field. Codes are the public names (cell codes and the
//! domain's snake_case names), parsed through the domain types' own serde names so there is one spelling.

use casetrack_domain::{AgencyId, CaseId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::HandlerError;

/// A "YYYY-MM-DD" date.
pub fn date(field: &str, text: &str) -> Result<NaiveDate, HandlerError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| HandlerError::invalid(field, format!("{text:?} is not a date (YYYY-MM-DD)")))
}

/// An optional date: empty means none.
pub fn optional_date(field: &str, text: &str) -> Result<Option<NaiveDate>, HandlerError> {
    if text.is_empty() {
        Ok(None)
    } else {
        date(field, text).map(Some)
    }
}

/// The command's "now": `occurred_at` as RFC 3339, or the server clock when empty.
pub fn occurred_at(text: &str) -> Result<DateTime<Utc>, HandlerError> {
    if text.is_empty() {
        return Ok(Utc::now());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|_| {
            HandlerError::invalid(
                "occurred_at",
                format!("{text:?} is not an RFC 3339 instant"),
            )
        })
}

/// An agency id, checked by the domain's one rule for agency ids.
pub fn agency(field: &str, text: &str) -> Result<AgencyId, HandlerError> {
    AgencyId::parse(text).map_err(|e| HandlerError::invalid(field, e.to_string()))
}

/// A UUID.
pub fn uuid(field: &str, text: &str) -> Result<Uuid, HandlerError> {
    Uuid::parse_str(text)
        .map_err(|_| HandlerError::invalid(field, format!("{text:?} is not a UUID")))
}

pub fn case_id(field: &str, text: &str) -> Result<CaseId, HandlerError> {
    uuid(field, text).map(CaseId)
}

pub fn optional_case_id(field: &str, text: &str) -> Result<Option<CaseId>, HandlerError> {
    if text.is_empty() {
        Ok(None)
    } else {
        case_id(field, text).map(Some)
    }
}

/// A command id: a UUID, never nil (a nil id would make every caller's commands collide).
pub fn command_id(text: &str) -> Result<Uuid, HandlerError> {
    let id = uuid("command_id", text)?;
    if id.is_nil() {
        return Err(HandlerError::invalid(
            "command_id",
            "must not be the nil UUID",
        ));
    }
    Ok(id)
}

/// A domain enum by its snake_case name, e.g. `"post_signed"` → `Channel::PostSigned`.
pub fn code<T: DeserializeOwned>(field: &str, text: &str) -> Result<T, HandlerError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| HandlerError::invalid(field, format!("unknown code {text:?}")))
}

/// A value looked up by a public code (cell codes), e.g. `Outcome::from_cell_row`.
pub fn lookup<T>(
    field: &str,
    text: &str,
    find: impl FnOnce(&str) -> Option<T>,
) -> Result<T, HandlerError> {
    find(text).ok_or_else(|| HandlerError::invalid(field, format!("unknown code {text:?}")))
}

#[cfg(test)]
mod tests {
    use casetrack_domain::application::Channel;

    use super::*;

    #[test]
    fn bad_values_name_their_field() {
        let error = date("handed_in_on", "2026-02-30").expect_err("no such day");
        assert!(error.to_string().starts_with("handed_in_on: "), "{error}");
        let error = code::<Channel>("channel", "pigeon").expect_err("no such channel");
        assert!(error.to_string().starts_with("channel: "), "{error}");
        assert_eq!(
            code::<Channel>("channel", "post_signed").expect("known"),
            Channel::PostSigned
        );
        assert!(command_id(&Uuid::nil().to_string()).is_err());
        assert!(occurred_at("yesterday").is_err());
        assert!(occurred_at("2026-01-05T09:00:00+08:00").is_ok());
    }
}
