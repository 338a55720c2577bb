//! The agency registry (机关名录) as facts in the log. An agency id is only a path (`simao/finance`); which
//! agencies exist, what they are called (思茅区财政局), which one they answer to and from when to when they
//! exist is registered data, appended to one `agencies` stream by an administrator. Intake refuses a case of an
//! agency that is not registered, or not in existence on the day the case was received, and reports print the
//! registered name. The rules are checked here, on the registry folded from the stream, before anything is
//! appended: a parent must be registered, the parent chain never loops, an id registered again must say the
//! same, and a change to a registered agency is an explicit amendment.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::AgencyId;

/// The stream holding every registration and amendment, in order.
pub const AGENCIES_STREAM: &str = "agencies";
/// The event type registering a new agency.
pub const AGENCY_REGISTERED: &str = "AgencyRegistered";
/// The event type replacing a registered agency's entry.
pub const AGENCY_AMENDED: &str = "AgencyAmended";
/// The longest display name, in characters (the longest real names, e.g. of a 管理委员会, are about 30).
pub const MAX_AGENCY_NAME_CHARS: usize = 64;
/// The most registrations and amendments the stream may hold: a bound on what every reader folds (a district
/// has a few hundred agencies).
pub const MAX_AGENCY_EVENTS: usize = 100_000;

/// One agency as registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    /// The name printed on reports, e.g. 思茅区财政局.
    pub name: String,
    /// The agency it answers to; `None` for a root (a district government).
    pub parent: Option<AgencyId>,
    /// The first day the agency exists.
    pub valid_from: NaiveDate,
    /// The last day it exists (a merged or abolished agency); `None` while it exists.
    pub valid_to: Option<NaiveDate>,
}

impl Agency {
    /// Whether the agency exists on `day`.
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// A registry event: what the `agencies` stream holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgencyEvent {
    Registered(Agency),
    Amended(Agency),
}

impl AgencyEvent {
    /// The event type and JSON data it is stored as.
    pub fn encode(&self) -> (&'static str, serde_json::Value) {
        let (event_type, agency) = match self {
            AgencyEvent::Registered(agency) => (AGENCY_REGISTERED, agency),
            AgencyEvent::Amended(agency) => (AGENCY_AMENDED, agency),
        };
        // An `Agency` is plain strings and dates: serialising it cannot fail.
        let data = serde_json::to_value(agency).expect("an agency serialises");
        (event_type, data)
    }

    pub fn decode(event_type: &str, data: &serde_json::Value) -> Result<AgencyEvent, String> {
        let agency = || serde_json::from_value::<Agency>(data.clone()).map_err(|e| e.to_string());
        match event_type {
            AGENCY_REGISTERED => Ok(AgencyEvent::Registered(agency()?)),
            AGENCY_AMENDED => Ok(AgencyEvent::Amended(agency()?)),
            other => Err(format!("{other:?} is not an agency event")),
        }
    }
}

/// Why a registration, an amendment or a case's agency is refused; `field` names the request field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// A field of the entry is malformed or breaks a registry rule.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The id is registered already, with other content; `fields` are those that differ.
    #[error("id: {id} 已登记，内容不同（{}）；修改请用 amend", fields.join("、"))]
    Conflict {
        id: AgencyId,
        fields: Vec<&'static str>,
    },
}

fn invalid(field: &'static str, reason: impl Into<String>) -> RegistryError {
    RegistryError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// Every registered agency, as folded from the `agencies` stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    agencies: BTreeMap<AgencyId, Agency>,
}

impl Registry {
    /// The registry the events describe, each event checked as when it was decided.
    pub fn replay(
        events: impl IntoIterator<Item = AgencyEvent>,
    ) -> Result<Registry, RegistryError> {
        let mut registry = Registry::default();
        for event in events {
            let decided = match event {
                AgencyEvent::Registered(agency) => registry.register(agency)?,
                AgencyEvent::Amended(agency) => registry.amend(agency)?,
            };
            if let Some(event) = decided {
                registry.apply(event);
            }
        }
        Ok(registry)
    }

    /// The registry a stored `agencies` stream describes, from each event's type and JSON data in order.
    pub fn from_stored<'a>(
        stored: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>,
    ) -> Result<Registry, String> {
        let events = stored
            .into_iter()
            .map(|(event_type, data)| AgencyEvent::decode(event_type, data))
            .collect::<Result<Vec<_>, _>>()?;
        Registry::replay(events).map_err(|e| e.to_string())
    }

    /// Folds one decided event.
    pub fn apply(&mut self, event: AgencyEvent) {
        let (AgencyEvent::Registered(agency) | AgencyEvent::Amended(agency)) = event;
        self.agencies.insert(agency.id.clone(), agency);
    }

    /// The event registering `agency`; `None` when it is registered already with exactly this content.
    pub fn register(&self, agency: Agency) -> Result<Option<AgencyEvent>, RegistryError> {
        check_entry(&agency)?;
        if let Some(existing) = self.agencies.get(&agency.id) {
            let fields = differing_fields(existing, &agency);
            if fields.is_empty() {
                return Ok(None);
            }
            return Err(RegistryError::Conflict {
                id: agency.id,
                fields,
            });
        }
        self.check_parent(&agency)?;
        Ok(Some(AgencyEvent::Registered(agency)))
    }

    /// The event amending a registered agency to `agency`; `None` when nothing changes.
    pub fn amend(&self, agency: Agency) -> Result<Option<AgencyEvent>, RegistryError> {
        check_entry(&agency)?;
        let Some(existing) = self.agencies.get(&agency.id) else {
            return Err(invalid("id", format!("{} 未登记，不能修改", agency.id)));
        };
        if *existing == agency {
            return Ok(None);
        }
        self.check_parent(&agency)?;
        Ok(Some(AgencyEvent::Amended(agency)))
    }

    /// The agency a case names, if it is registered and exists on `received_on`; the error names `field`.
    pub fn require(
        &self,
        field: &'static str,
        id: &AgencyId,
        received_on: NaiveDate,
    ) -> Result<&Agency, RegistryError> {
        let Some(agency) = self.agencies.get(id) else {
            return Err(invalid(
                field,
                format!("机关 {id} 未登记（请先用 casetrack agency add 登记）"),
            ));
        };
        if !agency.is_valid_on(received_on) {
            let to = agency.valid_to.map_or(String::new(), |to| to.to_string());
            return Err(invalid(
                field,
                format!(
                    "机关 {id}（{}）在 {received_on} 不存在（有效期 {} 至 {to}）",
                    agency.name, agency.valid_from
                ),
            ));
        }
        Ok(agency)
    }

    pub fn get(&self, id: &AgencyId) -> Option<&Agency> {
        self.agencies.get(id)
    }

    /// Every registered agency, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Agency> {
        self.agencies.values()
    }

    /// The parent is registered and, following parents up from it, `agency` is never reached (no cycle).
    fn check_parent(&self, agency: &Agency) -> Result<(), RegistryError> {
        let mut next = agency.parent.clone();
        // A chain longer than the number of agencies repeats one: the bound is the registry's size.
        for _ in 0..=self.agencies.len() {
            let Some(parent) = next else {
                return Ok(());
            };
            if parent == agency.id {
                return Err(invalid(
                    "parent",
                    format!("{} 不能是自己的上级（上级链形成环）", agency.id),
                ));
            }
            let Some(registered) = self.agencies.get(&parent) else {
                return Err(invalid("parent", format!("上级机关 {parent} 未登记")));
            };
            next = registered.parent.clone();
        }
        Err(invalid("parent", "上级链形成环"))
    }
}

/// The rules of one entry on its own: a name, and dates in order.
fn check_entry(agency: &Agency) -> Result<(), RegistryError> {
    let name = agency.name.trim();
    if name.is_empty() {
        return Err(invalid("name", "机关名称不能为空"));
    }
    if agency.name.chars().count() > MAX_AGENCY_NAME_CHARS {
        return Err(invalid(
            "name",
            format!("机关名称最多 {MAX_AGENCY_NAME_CHARS} 个字"),
        ));
    }
    if name != agency.name || agency.name.chars().any(char::is_control) {
        return Err(invalid("name", "机关名称不能含控制字符或首尾空白"));
    }
    if agency.valid_to.is_some_and(|to| to < agency.valid_from) {
        return Err(invalid("valid_to", "截止日期早于起始日期"));
    }
    Ok(())
}

/// The fields in which two entries for the same id differ.
fn differing_fields(a: &Agency, b: &Agency) -> Vec<&'static str> {
    [
        ("name", a.name != b.name),
        ("parent", a.parent != b.parent),
        ("valid_from", a.valid_from != b.valid_from),
        ("valid_to", a.valid_to != b.valid_to),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agency(id: &str, name: &str, parent: Option<&str>) -> Agency {
        Agency {
            id: AgencyId::parse(id).expect("id"),
            name: name.to_owned(),
            parent: parent.map(|p| AgencyId::parse(p).expect("parent")),
            valid_from: day("2020-01-01"),
            valid_to: None,
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    /// 思茅区人民政府 with 思茅区财政局 below it.
    fn district() -> Registry {
        Registry::replay([
            AgencyEvent::Registered(agency("simao", "思茅区人民政府", None)),
            AgencyEvent::Registered(agency("simao/finance", "思茅区财政局", Some("simao"))),
        ])
        .expect("a valid registry")
    }

    /// The field a refusal names.
    fn field(error: RegistryError) -> &'static str {
        match error {
            RegistryError::Invalid { field, .. } => field,
            RegistryError::Conflict { .. } => "conflict",
        }
    }

    #[test]
    fn registrations_are_checked_against_the_registry() {
        let long = "局".repeat(MAX_AGENCY_NAME_CHARS + 1);
        let mut ended = agency("simao/roads", "思茅区公路局", Some("simao"));
        ended.valid_to = Some(day("2019-12-31"));
        let table: [(Agency, Result<bool, &str>); 9] = [
            (
                agency("simao/roads", "思茅区公路局", Some("simao")),
                Ok(true),
            ),
            (agency("puer", "普洱市人民政府", None), Ok(true)),
            // The same registration again appends nothing.
            (
                agency("simao/finance", "思茅区财政局", Some("simao")),
                Ok(false),
            ),
            (
                agency("simao/finance", "思茅区财政厅", Some("simao")),
                Err("conflict"),
            ),
            (
                agency("simao/roads", "思茅区公路局", Some("puer")),
                Err("parent"),
            ),
            (agency("simao/roads", "", Some("simao")), Err("name")),
            (agency("simao/roads", &long, Some("simao")), Err("name")),
            (
                agency("simao/roads", "思茅\u{0}公路局", Some("simao")),
                Err("name"),
            ),
            (ended, Err("valid_to")),
        ];
        let registry = district();
        for (entry, expected) in table {
            let what = format!("{entry:?}");
            match (registry.register(entry), expected) {
                (Ok(event), Ok(appends)) => assert_eq!(event.is_some(), appends, "{what}"),
                (Err(error), Err(named)) => assert_eq!(field(error), named, "{what}"),
                (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_conflicting_registration_names_the_fields_that_differ() {
        let mut other = agency("simao/finance", "思茅区财政厅", None);
        other.valid_from = day("2021-01-01");
        let Err(RegistryError::Conflict { fields, .. }) = district().register(other) else {
            panic!("a different registration of the same id must conflict");
        };
        assert_eq!(fields, ["name", "parent", "valid_from"]);
    }

    #[test]
    fn amendments_are_explicit_and_never_make_a_cycle() {
        let mut registry = district();
        let table = [
            (
                agency("simao/finance", "思茅区财政局", Some("simao")),
                Ok(false),
            ),
            (
                agency("simao/finance", "普洱市思茅区财政局", Some("simao")),
                Ok(true),
            ),
            (
                agency("simao/tax", "思茅区税务局", Some("simao")),
                Err("id"),
            ),
            (
                agency("simao", "思茅区人民政府", Some("simao/finance")),
                Err("parent"),
            ),
            (
                agency("simao", "思茅区人民政府", Some("simao")),
                Err("parent"),
            ),
        ];
        for (entry, expected) in table {
            let what = format!("{entry:?}");
            match (registry.amend(entry), expected) {
                (Ok(event), Ok(appends)) => assert_eq!(event.is_some(), appends, "{what}"),
                (Err(error), Err(named)) => assert_eq!(field(error), named, "{what}"),
                (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
            }
        }
        let renamed = agency("simao/finance", "普洱市思茅区财政局", Some("simao"));
        registry.apply(AgencyEvent::Amended(renamed.clone()));
        assert_eq!(registry.get(&renamed.id), Some(&renamed));
    }

    #[test]
    fn a_case_needs_an_agency_registered_and_in_existence_on_its_receipt_day() {
        let mut registry = district();
        let mut merged = agency("simao/forestry", "思茅区林业局", Some("simao"));
        merged.valid_to = Some(day("2023-12-31"));
        registry.apply(AgencyEvent::Registered(merged));
        let id = |text| AgencyId::parse(text).expect("id");
        let table = [
            ("simao/finance", "2024-03-01", true),
            ("simao/finance", "2019-12-31", false),
            ("simao/forestry", "2023-12-31", true),
            ("simao/forestry", "2024-01-01", false),
            ("simao/tax", "2024-03-01", false),
        ];
        for (agency, on, accepted) in table {
            let result = registry.require("agency", &id(agency), day(on));
            assert_eq!(result.is_ok(), accepted, "{agency} on {on}: {result:?}");
            if let Err(error) = result {
                assert_eq!(field(error), "agency");
            }
        }
    }

    #[test]
    fn events_round_trip_and_replay_refuses_a_broken_stream() {
        let event = AgencyEvent::Registered(agency("simao", "思茅区人民政府", None));
        let (event_type, data) = event.encode();
        assert_eq!(AgencyEvent::decode(event_type, &data), Ok(event));
        assert!(AgencyEvent::decode("AgencyRenamed", &data).is_err());
        let orphan =
            AgencyEvent::Registered(agency("simao/finance", "思茅区财政局", Some("simao")));
        assert!(Registry::replay([orphan]).is_err());
    }
}
