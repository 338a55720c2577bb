//! The read models and how one event updates each. Every model keeps its own copy of the case summaries it
//! needs, so each can be reset and rebuilt from position 0 on its own, behind or ahead of the others.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use casetrack_domain::calendar::Arrangement;
use casetrack_domain::{AgencyId, Case, CaseId, CaseKind};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::calendar::{apply_arrangement, keep_arrangement};
use crate::case::CASE_SCHEMA;
use crate::error::ProjectorError;
use crate::fees::{FEE_SUMS_LAYOUT, fee_memberships};
use crate::keys::{decode_u64, encode_u64, key};
use crate::kv::Overlay;
use crate::membership::{Membership, RULES_VERSION, Span, memberships};
use crate::ranges::{CaseCard, OPEN, RANGES_LAYOUT, card_key, decode_pair, encode_pair, range_key};
use crate::summary::CaseSummary;
use crate::tree_sums::{OWN_SUMS, SumTags, TREE_SUMS, TREE_SUMS_LAYOUT, ancestors_or_self};
use crate::workload::{WORKLOAD_SCHEMA, index_work};

/// A read model the projector maintains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReadModel {
    /// Annual tables per agency and year: base cells with drill-down membership.
    Annual,
    /// One summary per case.
    Cases,
    /// Open cases by agency and state (the staff console's queues).
    Queues,
    /// The cases behind the year-end figures of hotline, proposal and petition work, by agency (workload.rs).
    Workload,
}

impl ReadModel {
    pub const ALL: [ReadModel; 4] = [
        ReadModel::Annual,
        ReadModel::Cases,
        ReadModel::Queues,
        ReadModel::Workload,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ReadModel::Annual => "annual",
            ReadModel::Cases => "cases",
            ReadModel::Queues => "queues",
            ReadModel::Workload => "workload",
        }
    }

    /// The rules and summary schema this code folds the model by. A store folded by another version is reset
    /// on open and folded again from position 0 (store.rs), so old and new rules never mix in one model.
    pub fn version(self) -> String {
        match self {
            ReadModel::Annual => {
                format!(
                    "{CASE_SCHEMA}; {RULES_VERSION}; {RANGES_LAYOUT}; {TREE_SUMS_LAYOUT}; {FEE_SUMS_LAYOUT}"
                )
            }
            ReadModel::Cases => CASE_SCHEMA.to_string(),
            ReadModel::Queues => format!("{CASE_SCHEMA}; {QUEUE_SCHEMA}"),
            ReadModel::Workload => format!("{CASE_SCHEMA}; {WORKLOAD_SCHEMA}"),
        }
    }

    /// Whether the model keeps cases of `kind`: the workload model only the kinds the work figures can count,
    /// so that a province's applications are not a second copy there, filed and read at every work query.
    pub fn follows(self, kind: CaseKind) -> bool {
        match self {
            ReadModel::Workload => Case::kind_counts_in_work(kind),
            ReadModel::Annual | ReadModel::Cases | ReadModel::Queues => true,
        }
    }

    /// Folds a holiday arrangement loaded at log `position` into this model's staged writes.
    pub fn apply_arrangement(
        self,
        kv: &mut Overlay<'_>,
        position: u64,
        arrangement: &Arrangement,
    ) -> Result<(), ProjectorError> {
        // The queues and the work figures' on-time measures count working days; the annual figures do not
        // depend on the calendar.
        match self {
            ReadModel::Queues => apply_arrangement(kv, position, arrangement),
            ReadModel::Workload => {
                keep_arrangement(kv, ReadModel::Workload, position, arrangement);
                Ok(())
            }
            ReadModel::Annual | ReadModel::Cases => Ok(()),
        }
    }

    /// Folds the change of one case by the event at log `position` (its summary `before`, none for a new case,
    /// and `after`) into this model's staged writes. The case's own state is written by the fold, once per
    /// batch (fold.rs).
    pub fn apply(
        self,
        kv: &mut Overlay<'_>,
        position: u64,
        before: Option<&CaseSummary>,
        after: &CaseSummary,
    ) -> Result<(), ProjectorError> {
        match self {
            ReadModel::Annual => {
                // The event at `position` is in every as-of view from `position + 1` on.
                let since = position + 1;
                apply_annual(kv, since, after.case_id, before, after)
            }
            ReadModel::Cases => Ok(()),
            ReadModel::Queues => apply_queue(kv, before, after),
            ReadModel::Workload => {
                index_work(kv, after);
                Ok(())
            }
        }
    }
}

/// Where `model` keeps its state of `case`.
pub(crate) fn state_key(model: ReadModel, case: CaseId) -> Vec<u8> {
    key(&[model.name(), "s", &case.to_string()])
}

impl fmt::Display for ReadModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ReadModel {
    type Err = ProjectorError;
    fn from_str(s: &str) -> Result<ReadModel, ProjectorError> {
        ReadModel::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| ProjectorError::UnknownModel(s.to_string()))
    }
}

fn counted_agency(case: &CaseSummary) -> Option<&str> {
    case.agency.as_ref().map(AgencyId::as_str)
}

fn apply_annual(
    kv: &mut Overlay<'_>,
    since: u64,
    case_id: CaseId,
    before: Option<&CaseSummary>,
    after: &CaseSummary,
) -> Result<(), ProjectorError> {
    let old = match before {
        Some(before) => annual_memberships(before)?,
        None => BTreeSet::new(),
    };
    let new = annual_memberships(after)?;
    let case = case_id.to_string();
    if let Some(agency) = before.and_then(counted_agency) {
        for gone in old.difference(&new) {
            change_membership(kv, since, agency, &case, gone, false)?;
        }
    }
    if let Some(agency) = counted_agency(after) {
        for came in new.difference(&old) {
            change_membership(kv, since, agency, &case, came, true)?;
        }
        // The agency is registered from its first membership on, so only a case that starts counting under it
        // now can be that first: asking the store on every event would cost a read per event.
        let counted_here_before =
            !old.is_empty() && before.and_then(counted_agency) == Some(agency);
        let registry = key(&["annual", "a", agency]);
        if !new.is_empty() && !counted_here_before && kv.get(&registry)?.is_none() {
            kv.put(registry, encode_u64(since));
        }
    }
    let card = CaseCard::of(after);
    if before.map(CaseCard::of).as_ref() != Some(&card) {
        write_json(kv, card_key(case_id, since), &card);
    }
    Ok(())
}

/// Every membership the annual model keeps of `case`: its table cells and part 六's fee figures (none
/// without an agency).
fn annual_memberships(case: &CaseSummary) -> Result<BTreeSet<Membership>, ProjectorError> {
    if counted_agency(case).is_none() {
        return Ok(BTreeSet::new());
    }
    let counted = memberships(case);
    let fees = fee_memberships(case, &counted)?;
    Ok(counted.into_iter().chain(fees).collect())
}

/// Adds or removes one membership, opens or closes its range, and moves its cell's sum and the subtree sums of
/// its agency and every ancestor by the weight, with the subtree sums' new versions, in the same batch.
fn change_membership(
    kv: &mut Overlay<'_>,
    at: u64,
    agency: &str,
    case: &str,
    membership: &Membership,
    add: bool,
) -> Result<(), ProjectorError> {
    let cell = membership.cell.as_str();
    let (tag, year) = match membership.span {
        Span::Year(year) => ("m", year.to_string()),
        Span::From(year) => ("o", year.to_string()),
    };
    let parts = match membership.span {
        Span::Year(_) => [agency, year.as_str(), cell, case],
        Span::From(_) => [agency, cell, year.as_str(), case],
    };
    let member_key = key(&[&["annual", tag][..], &parts[..]].concat());
    let weight = membership.weight;
    if add {
        // The fold adds only what the case's memberships before lacked, so the key is absent unless the store
        // is corrupt: checked where tests run, not at a store read per added membership in release builds.
        debug_assert!(
            kv.get(&member_key)?.is_none(),
            "membership added twice: {}",
            String::from_utf8_lossy(&member_key)
        );
        kv.put(member_key, encode_pair(weight, at));
        kv.put(range_key(tag, &parts, at), encode_pair(weight, OPEN));
    } else {
        let held = kv.get(&member_key)?.unwrap_or_else(|| {
            panic!(
                "membership removed but absent: {}",
                String::from_utf8_lossy(&member_key)
            )
        });
        let (_, since) = decode_pair(&member_key, &held)?;
        kv.delete(member_key);
        kv.put(range_key(tag, &parts, since), encode_pair(weight, at));
    }
    let sum_tag = |tags: SumTags| match membership.span {
        Span::Year(_) => tags.year,
        Span::From(_) => tags.open,
    };
    move_sum(
        kv,
        &[&["annual", sum_tag(OWN_SUMS)][..], &parts[..3]].concat(),
        weight,
        add,
    )?;
    let tree_tag = sum_tag(TREE_SUMS);
    for subtree in ancestors_or_self(agency) {
        let sum_parts = [subtree, parts[1], parts[2]];
        let sum = move_sum(
            kv,
            &[&["annual", tree_tag][..], &sum_parts[..]].concat(),
            weight,
            add,
        )?;
        // The sum's version from here on, for reports as of a past position (tree_sums.rs); an agency's own
        // sums as of then are its subtree's less its children's, so they need no versions of their own.
        kv.put(range_key(tree_tag, &sum_parts, at), encode_u64(sum));
    }
    Ok(())
}

/// Moves the cell sum under the key of `parts` by `weight`, up or down, and returns it; a sum of 0 is deleted.
fn move_sum(
    kv: &mut Overlay<'_>,
    parts: &[&str],
    weight: u64,
    add: bool,
) -> Result<u64, ProjectorError> {
    let sum_key = key(parts);
    let sum = match kv.get(&sum_key)? {
        Some(value) => decode_u64(&sum_key, &value)?,
        None => 0,
    };
    let sum = if add {
        sum.checked_add(weight)
    } else {
        sum.checked_sub(weight)
    };
    // The sum is the total of the stored weights; leaving u64 means the store is corrupt.
    let sum = sum.ok_or_else(|| ProjectorError::Corrupt {
        key: String::from_utf8_lossy(&sum_key).into_owned(),
        reason: "cell sum out of range of its memberships".to_string(),
    })?;
    if sum == 0 {
        kv.delete(sum_key);
    } else {
        kv.put(sum_key, encode_u64(sum));
    }
    Ok(sum)
}

pub(crate) fn queue_key(agency: &str, status: &str, case: &CaseId) -> Vec<u8> {
    key(&["queues", "q", agency, status, &case.to_string()])
}

/// How the queue model files an open case: under its handling unit (a ticket's dispatched unit, a proposal's
/// lead unit), else its agency. A store filed otherwise is rebuilt on open.
pub const QUEUE_SCHEMA: &str = "queues/2 (by handling unit)";

/// The agency whose queue holds `case`: who handles it now.
fn queue_agency(case: &CaseSummary) -> Option<&str> {
    case.handling_unit
        .as_ref()
        .map(AgencyId::as_str)
        .or_else(|| counted_agency(case))
}

fn apply_queue(
    kv: &mut Overlay<'_>,
    before: Option<&CaseSummary>,
    after: &CaseSummary,
) -> Result<(), ProjectorError> {
    if let Some(before) = before
        && before.is_open()
        && let Some(agency) = queue_agency(before)
    {
        kv.delete(queue_key(agency, &before.status, &before.case_id));
    }
    if after.is_open()
        && let Some(agency) = queue_agency(after)
    {
        write_json(kv, queue_key(agency, &after.status, &after.case_id), after);
    }
    Ok(())
}

pub(crate) fn parse_json<T: DeserializeOwned>(
    key: &[u8],
    bytes: &[u8],
) -> Result<T, ProjectorError> {
    serde_json::from_slice(bytes).map_err(|e| ProjectorError::Corrupt {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    })
}

pub(crate) fn write_json<T: Serialize>(kv: &mut Overlay<'_>, key: Vec<u8>, value: &T) {
    // Cases and summaries are plain structs of strings, dates, numbers and maps with string keys: serde_json
    // cannot fail.
    let bytes = serde_json::to_vec(value).expect("cases and summaries serialise to JSON");
    kv.put(key, bytes);
}
