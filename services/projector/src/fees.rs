//! Part 六's 信息处理费 (国办函〔2020〕109号) of an agency's year, from the fee events as the domain folded them into
//! each application: the notices issued in the year with what they charged, and what was paid in the year (a
//! notice of December paid in January counts its payment in January's year). The domain takes a fee notice
//! and a payment only while an application is being handled, so every case with a fee in the year counts in
//! that year's table 三 as received or carried over: the cases read are the drill-down of those two rows.

use std::collections::BTreeSet;

use casetrack_reporting::{Fen, InformationFees};
use chrono::Datelike;

use crate::annual::{AgencyScope, case_card, drill_down};
use crate::error::ProjectorError;

/// The rows of table 三 whose cases include every case with a fee in the year.
const ROWS_WITH_EVERY_FEE: [&str; 2] = [
    "applications.received.total",
    "applications.carried_over.total",
];

/// The fees of the agencies `scope` covers under `agency` in `year` (a format with table 三's carry rows).
pub fn information_fees(
    kv: &dyn crate::kv::KvRead,
    agency: &str,
    year: i32,
    scope: AgencyScope,
) -> Result<InformationFees, ProjectorError> {
    let mut cases = BTreeSet::new();
    for row in ROWS_WITH_EVERY_FEE {
        cases.extend(
            drill_down(kv, agency, year, row, scope)?
                .into_iter()
                .map(|entry| entry.case_id),
        );
    }
    let mut fees = InformationFees::default();
    // Each notice is bounded by the domain's fee rules (a few thousand yuan) and the cases by MAX_DRILL_DOWN:
    // the sums stay far below u64; saturating all the same rather than wrapping.
    for case in cases {
        let (_, card) = case_card(kv, case)?;
        if let Some((issued_on, fen)) = card.fee_notice
            && issued_on.year() == year
        {
            fees.notices_issued += 1;
            fees.charged = Fen(fees.charged.0.saturating_add(fen));
        }
        let paid = card.fees_paid.get(&year).copied().unwrap_or(0);
        fees.collected = Fen(fees.collected.0.saturating_add(paid));
    }
    Ok(fees)
}
