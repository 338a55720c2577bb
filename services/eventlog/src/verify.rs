//! `verify`: walk every record from position 0, checking key, crc, position and hash chain, then the head
//! marker; report the first position where anything breaks.

use rocksdb::IteratorMode;
use serde::Serialize;

use crate::chain::{self, BreakKind, GENESIS_HASH};
use crate::error::LogError;
use crate::keys::{self, Head};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub position: u64,
    #[serde(serialize_with = "serialize_kind")]
    pub kind: BreakKind,
    pub detail: String,
}

fn serialize_kind<S: serde::Serializer>(
    kind: &BreakKind,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.as_str())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Records that verified before the first break (all of them when there is none).
    pub events_checked: u64,
    /// Hash of the last verified record.
    #[serde(serialize_with = "crate::event::hex_hash::serialize")]
    pub last_hash: [u8; 32],
    pub first_break: Option<ChainBreak>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }

    pub fn last_hash_hex(&self) -> String {
        hex::encode(self.last_hash)
    }
}

/// Walks the whole log as of one snapshot, so the head marker and the records agree even while the writer runs.
pub fn verify(store: &Store) -> Result<VerifyReport, LogError> {
    let snapshot = store.db.snapshot();
    let head = match snapshot.get_cf(store.cf(keys::CF_META), keys::META_HEAD)? {
        None => Head::EMPTY,
        Some(value) => match Head::decode(&value) {
            Some(head) => head,
            None => {
                let detail = "head marker is malformed".to_string();
                let first_break = Some(ChainBreak {
                    position: 0,
                    kind: BreakKind::Head,
                    detail,
                });
                return Ok(VerifyReport {
                    events_checked: 0,
                    last_hash: GENESIS_HASH,
                    first_break,
                });
            }
        },
    };
    let mut prev_hash = GENESIS_HASH;
    let mut checked = 0u64;
    let broken = |position, kind, detail: String, checked, last_hash| {
        Ok(VerifyReport {
            events_checked: checked,
            last_hash,
            first_break: Some(ChainBreak {
                position,
                kind,
                detail,
            }),
        })
    };
    for item in snapshot.iterator_cf(store.cf(keys::CF_EVENTS), IteratorMode::Start) {
        let (key, record) = item?;
        let position = checked;
        match keys::decode_u64(&key) {
            Some(key_position) if key_position == position => {}
            other => {
                let detail =
                    format!("expected the record of position {position}, found key {other:?}");
                return broken(position, BreakKind::Position, detail, checked, prev_hash);
            }
        }
        let unsealed = match chain::unseal(&record) {
            Ok(unsealed) => unsealed,
            Err(kind) => {
                return broken(
                    position,
                    kind,
                    "crc32 does not match".into(),
                    checked,
                    prev_hash,
                );
            }
        };
        if !chain::follows(&prev_hash, &unsealed) {
            let detail = "hash does not follow from the previous hash and this body".to_string();
            return broken(position, BreakKind::HashChain, detail, checked, prev_hash);
        }
        if let Err(error) = chain::decode_record(position, &record) {
            return broken(
                position,
                BreakKind::Decode,
                error.to_string(),
                checked,
                prev_hash,
            );
        }
        prev_hash = unsealed.hash;
        checked += 1;
    }
    // Records past the marker, or a marker past the records: either way something was added or removed.
    if checked != head.next_position {
        let detail = format!(
            "head marker counts {} events, records end at {checked}",
            head.next_position
        );
        return broken(
            checked.min(head.next_position),
            BreakKind::Position,
            detail,
            checked,
            prev_hash,
        );
    }
    if head.last_hash != prev_hash {
        let detail = "head marker's hash differs from the last record's".to_string();
        return broken(
            checked.saturating_sub(1),
            BreakKind::Head,
            detail,
            checked,
            prev_hash,
        );
    }
    Ok(VerifyReport {
        events_checked: checked,
        last_hash: prev_hash,
        first_break: None,
    })
}
