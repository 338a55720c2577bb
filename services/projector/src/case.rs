//! The state every read model keeps per case: the domain's own `Case`, advanced by the domain's `evolve`, with
//! the tracking number intake assigned; and the [`Fact`]s that advance it. The projector derives what it shows
//! and counts from it (summary.rs) and never folds case events by rules of its own.

use casetrack_domain::calendar::Arrangement;
use casetrack_domain::{Case, CaseId, CaseKind, Event};
use serde::{Deserialize, Serialize};

use crate::error::ProjectorError;
use crate::kv::KvRead;

/// Version of the per-case state every model stores; changing what is stored or how it is folded bumps it
/// (/3: the domain's `Case`, with the time limit set at a ticket's dispatch; /4: with a ticket's first dispatch,
/// follow-up, re-handling and merge dates; /5: MessagePack instead of JSON).
pub const CASE_SCHEMA: &str = "casetrack-case/5 (domain Case per case, MessagePack)";

/// Room reserved for one encoded state: about an application's, so that most are written without growing
/// the buffer (growing it from empty copied each state several times).
const ENCODED_CASE_BYTES: usize = 1024;

/// What the read models learn from one recorded event.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Case(Event),
    TrackingNumber {
        case_id: CaseId,
        kind: CaseKind,
        number: String,
    },
    /// A holiday arrangement loaded into the calendar stream: no case's fact (see calendar.rs).
    Arrangement {
        position: u64,
        arrangement: Arrangement,
    },
}

impl Fact {
    /// The case the fact is about. Panics for an arrangement: callers route those to calendar.rs first.
    pub fn case_id(&self) -> CaseId {
        match self {
            Fact::Case(event) => event.case_id,
            Fact::TrackingNumber { case_id, .. } => *case_id,
            Fact::Arrangement { .. } => unreachable!("an arrangement is no case's fact"),
        }
    }

    /// The kind of the case the fact is about; panics for an arrangement, like `case_id`.
    pub fn kind(&self) -> CaseKind {
        match self {
            Fact::Case(event) => event.kind(),
            Fact::TrackingNumber { kind, .. } => *kind,
            Fact::Arrangement { .. } => unreachable!("an arrangement is no case's fact"),
        }
    }
}

/// One case as a read model stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCase {
    pub case_id: CaseId,
    pub kind: CaseKind,
    /// The number intake assigned, once its `TrackingNumberAssigned` event was folded.
    pub tracking_number: Option<String>,
    pub state: Case,
}

impl StoredCase {
    pub fn new(case_id: CaseId, kind: CaseKind) -> StoredCase {
        StoredCase {
            case_id,
            kind,
            tracking_number: None,
            state: Case::new(kind),
        }
    }

    /// Folds one fact about this case. A stream the domain cannot fold (an event before the one creating the
    /// case) means the log is corrupt: it is reported, never skipped.
    pub fn apply(&mut self, fact: &Fact) -> Result<(), ProjectorError> {
        assert_eq!(
            fact.case_id(),
            self.case_id,
            "a fact folds into its own case"
        );
        match fact {
            Fact::Case(event) => {
                self.state
                    .evolve(event)
                    .map_err(|source| ProjectorError::Replay {
                        case_id: self.case_id,
                        source,
                    })
            }
            Fact::TrackingNumber { number, .. } => {
                self.tracking_number = Some(number.clone());
                Ok(())
            }
            Fact::Arrangement { .. } => unreachable!("an arrangement is no case's fact"),
        }
    }

    /// The state as the store keeps it: MessagePack with field names. Every model writes each case it folds
    /// once per batch, so this is most of the bytes the fold writes; it is about half the size of JSON and
    /// cheaper to write. Field names stay in it because the domain's types skip absent options and tag some
    /// enums by a field (their JSON is the events' format), which a positional encoding cannot read back.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(ENCODED_CASE_BYTES);
        // Strings, dates, numbers, options and maps: MessagePack has a form for each, so encoding cannot fail.
        rmp_serde::encode::write_named(&mut out, self)
            .expect("a case state encodes as MessagePack");
        out
    }

    /// The state stored under `key`, as [`StoredCase::encode`] wrote it.
    pub fn decode(key: &[u8], bytes: &[u8]) -> Result<StoredCase, ProjectorError> {
        rmp_serde::from_slice(bytes).map_err(|e| ProjectorError::Corrupt {
            key: String::from_utf8_lossy(key).into_owned(),
            reason: e.to_string(),
        })
    }

    /// The state stored under `key` in `kv`, if any.
    pub fn read(kv: &dyn KvRead, key: &[u8]) -> Result<Option<StoredCase>, ProjectorError> {
        kv.get(key)?
            .map(|bytes| StoredCase::decode(key, &bytes))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use casetrack_domain::application::{ApplicationState, FeeNotice};
    use casetrack_domain::fees::{FeeBasis, Fen};
    use casetrack_domain::hotline::HotlineState;
    use chrono::NaiveDate;
    use uuid::Uuid;

    use super::*;

    fn stored(kind: CaseKind, state: Case) -> StoredCase {
        StoredCase {
            case_id: CaseId(Uuid::from_u128(7)),
            kind,
            tracking_number: Some("SM-2024-000007".to_string()),
            state,
        }
    }

    /// The forms JSON writes in ways a positional encoding would misread: an option skipped before another
    /// field, an option of an option present as `null`, an enum tagged by a field.
    #[test]
    fn every_form_of_state_reads_back_as_written() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).expect("date");
        let fee_notice = FeeNotice {
            basis: FeeBasis::PerPage { pages: 12 },
            amount: Fen(1_000),
            issued_on: day,
            pay_by: day,
            paid_on: None,
        };
        let states = [
            stored(CaseKind::Hotline, Case::new(CaseKind::Hotline)),
            stored(
                CaseKind::Hotline,
                Case::Hotline(HotlineState {
                    referred_application: Some(None),
                    event_count: 3,
                    ..HotlineState::default()
                }),
            ),
            stored(
                CaseKind::Application,
                Case::Application(ApplicationState {
                    fee_notice: Some(fee_notice),
                    ..ApplicationState::default()
                }),
            ),
            StoredCase::new(CaseId(Uuid::from_u128(8)), CaseKind::Record),
        ];
        for state in states {
            assert_eq!(
                StoredCase::decode(b"k", &state.encode()).expect("decodes"),
                state
            );
        }
    }

    #[test]
    fn a_damaged_state_is_reported_under_its_key() {
        let bytes = stored(CaseKind::Hotline, Case::new(CaseKind::Hotline)).encode();
        match StoredCase::decode(b"cases\0s\0x", &bytes[..bytes.len() / 2]) {
            Err(ProjectorError::Corrupt { key, .. }) => assert_eq!(key, "cases\0s\0x"),
            other => panic!("expected a corrupt state, got {other:?}"),
        }
    }
}
