//! Proto fields → domain values, each error naming the field. Codes are the public names (cell codes and the
//! domain's snake_case names), parsed through the domain types' own serde names so there is one spelling.

use casetrack_api::instant::from_timestamp;
use casetrack_api::v1 as pb;
use casetrack_domain::time::{REGULATIONS_IN_FORCE, start_of_day};
use casetrack_domain::{AgencyId, CaseId, Person};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use prost_types::Timestamp;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::command::RecordedAt;
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

/// How far a caller's clock may run ahead of the server's. An `occurred_at` up to this far ahead is recorded as
/// the server's now (the server's clock is the one the log keeps); anything later is refused, since a case
/// cannot be recorded before it happened.
pub const MAX_CLOCK_SKEW: TimeDelta = TimeDelta::seconds(120);

/// When the command is recorded: `occurred_at`, or the server's clock when absent. A past instant is back-entry
/// of a paper record and is kept, back to the day the 条例 took effect ([`REGULATIONS_IN_FORCE`]); one ahead of
/// `server_now` by at most [`MAX_CLOCK_SKEW`] is the server's clock, and one further ahead is refused. (That it
/// is not before the case's earlier events is the domain's rule.)
pub fn occurred_at(
    at: Option<&Timestamp>,
    server_now: DateTime<Utc>,
) -> Result<RecordedAt, HandlerError> {
    let Some(at) = at else {
        return Ok(RecordedAt::Server);
    };
    let invalid = |reason: String| HandlerError::invalid("occurred_at", reason);
    let at = from_timestamp(at).ok_or_else(|| invalid(format!("{at:?} is not an instant")))?;
    let text = at.to_rfc3339();
    if at > server_now + MAX_CLOCK_SKEW {
        return Err(invalid(format!(
            "{text} is later than the server's clock ({}) plus {} s",
            server_now.to_rfc3339(),
            MAX_CLOCK_SKEW.num_seconds()
        )));
    }
    if at < start_of_day(REGULATIONS_IN_FORCE) {
        return Err(invalid(format!(
            "{text} is before {REGULATIONS_IN_FORCE}, when the 政府信息公开条例 took effect"
        )));
    }
    Ok(if at > server_now {
        RecordedAt::Server
    } else {
        RecordedAt::Caller(at)
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

/// A domain enum by its snake_case name, e.g. `"post_signed"` → `Channel::PostSigned`, or by its Chinese name
/// where the domain has one (`"投诉"`); an unknown one is refused listing the allowed values (serde's message).
pub fn code<T: DeserializeOwned>(field: &str, text: &str) -> Result<T, HandlerError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|error| HandlerError::invalid(field, format!("unknown code {text:?}: {error}")))
}

/// A value looked up by a public code (cell codes), e.g. `Outcome::from_cell_row`.
pub fn lookup<T>(
    field: &str,
    text: &str,
    find: impl FnOnce(&str) -> Option<T>,
) -> Result<T, HandlerError> {
    find(text).ok_or_else(|| HandlerError::invalid(field, format!("unknown code {text:?}")))
}

/// The longest name, phone number and address a person may have, in characters: a full Chinese or foreign
/// name, a phone with extension, a full postal address — anything longer is not contact data.
pub const MAX_PERSON_NAME_CHARS: usize = 64;
pub const MAX_PERSON_PHONE_CHARS: usize = 32;
pub const MAX_PERSON_ADDRESS_CHARS: usize = 256;

/// A person's contact details from the request field `field` (e.g. "caller"): `None` when absent or all empty;
/// a part longer than its limit, or with control characters, is refused naming it (e.g. "caller.phone").
pub fn person(field: &str, person: Option<&pb::Person>) -> Result<Option<Person>, HandlerError> {
    let Some(person) = person else {
        return Ok(None);
    };
    let part = |name: &str, text: &str, max: usize| {
        let field = format!("{field}.{name}");
        if text.chars().count() > max {
            return Err(HandlerError::invalid(
                field,
                format!("longer than {max} characters"),
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(HandlerError::invalid(field, "contains control characters"));
        }
        Ok(text.trim().to_owned())
    };
    let person = Person {
        name: part("name", &person.name, MAX_PERSON_NAME_CHARS)?,
        phone: part("phone", &person.phone, MAX_PERSON_PHONE_CHARS)?,
        address: part("address", &person.address, MAX_PERSON_ADDRESS_CHARS)?,
    };
    Ok((person != Person::default()).then_some(person))
}

#[cfg(test)]
mod tests {
    use casetrack_domain::application::Channel;
    use casetrack_domain::hotline::HotlineCategory;

    use super::*;

    #[test]
    fn bad_values_name_their_field() {
        let error = date("handed_in_on", "2026-02-30").expect_err("no such day");
        assert!(error.to_string().starts_with("handed_in_on: "), "{error}");
        let error = code::<Channel>("channel", "pigeon").expect_err("no such channel");
        assert!(error.to_string().starts_with("channel: "), "{error}");
        assert!(
            error.to_string().contains("post_signed"),
            "lists the allowed values: {error}"
        );
        assert_eq!(
            code::<Channel>("channel", "当面").expect("Chinese"),
            Channel::InPerson
        );
        let category = code::<HotlineCategory>("category", "投诉").expect("Chinese");
        assert_eq!(category, HotlineCategory::Complaint);
        assert_eq!(
            code::<Channel>("channel", "post_signed").expect("known"),
            Channel::PostSigned
        );
        assert!(command_id(&Uuid::nil().to_string()).is_err());
    }

    #[test]
    fn a_person_is_bounded_part_by_part_and_an_empty_one_is_none() {
        let given = |phone: &str| pb::Person {
            name: "张三".to_owned(),
            phone: phone.to_owned(),
            address: String::new(),
        };
        let too_long = "1".repeat(MAX_PERSON_PHONE_CHARS + 1);
        let error = person("caller", Some(&given(&too_long))).expect_err("too long");
        assert!(error.to_string().starts_with("caller.phone: "), "{error}");
        let longest = "1".repeat(MAX_PERSON_PHONE_CHARS);
        let kept = person("caller", Some(&given(&longest))).expect("at the limit");
        assert_eq!(kept.map(|p| p.phone), Some(longest));
        assert_eq!(
            person("applicant", Some(&pb::Person::default())).ok(),
            Some(None)
        );
        assert_eq!(person("applicant", None).ok(), Some(None));
    }

    /// `text` as the Timestamp a client sends.
    fn stamp(text: &str) -> Timestamp {
        let at = DateTime::parse_from_rfc3339(text).expect("instant");
        Timestamp {
            seconds: at.timestamp(),
            nanos: 0,
        }
    }

    #[test]
    fn occurred_at_is_the_past_or_the_servers_now() {
        let now = DateTime::parse_from_rfc3339("2026-01-05T01:00:00Z")
            .expect("instant")
            .to_utc();
        assert_eq!(occurred_at(None, now).expect("absent"), RecordedAt::Server);
        let past = stamp("2019-01-05T09:00:00+08:00");
        let back_entry = "2019-01-05T01:00:00Z".parse().expect("instant");
        assert_eq!(
            occurred_at(Some(&past), now).expect("back-entry"),
            RecordedAt::Caller(back_entry)
        );
        // A client clock slightly ahead is the server's clock; further ahead is refused.
        let ahead = stamp(&(now + MAX_CLOCK_SKEW).to_rfc3339());
        assert_eq!(
            occurred_at(Some(&ahead), now).expect("within skew"),
            RecordedAt::Server
        );
        let beyond = stamp(&(now + MAX_CLOCK_SKEW + TimeDelta::seconds(1)).to_rfc3339());
        let negative_nanos = Timestamp {
            seconds: now.timestamp(),
            nanos: -1,
        };
        let out_of_range = Timestamp {
            seconds: i64::MAX,
            nanos: 0,
        };
        for bad in [
            beyond,
            stamp("9999-12-31T00:00:00Z"),
            stamp("0001-01-01T00:00:00Z"),
            stamp("2008-04-30T23:59:59+08:00"),
            negative_nanos,
            out_of_range,
        ] {
            let error = occurred_at(Some(&bad), now).expect_err("refused");
            assert!(error.to_string().starts_with("occurred_at: "), "{error}");
        }
        assert!(occurred_at(Some(&stamp("2008-05-01T00:00:00+08:00")), now).is_ok());
    }
}
