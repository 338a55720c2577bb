//! What the projector's queue model tells the process's metrics at each scrape: open and overdue cases by
//! agency, and how far the holiday calendar in force is published (deadlines past it are provisional).

use std::collections::BTreeSet;
use std::sync::Mutex;

use casetrack_domain::deadline::Clocks;
use chrono::NaiveDate;

use crate::calendar::clocks_in;
use crate::error::ProjectorError;
use crate::projector::Projector;
use crate::queues::open_by_agency;

/// Open cases, by `agency`.
pub const CASES_OPEN: &str = "casetrack_cases_open";
/// Open cases past their deadline, by `agency`.
pub const CASES_OVERDUE: &str = "casetrack_cases_overdue";
/// The last year whose State Council holiday arrangement the calendar in force holds.
pub const CALENDAR_PUBLISHED_THROUGH: &str = "casetrack_calendar_published_through_year";

/// Records the queue model's figures as gauges; remembers the agencies it reported, so an agency whose last
/// open case closed reads 0 rather than its last count.
#[derive(Default)]
pub struct QueueGauges {
    reported: Mutex<BTreeSet<String>>,
}

impl QueueGauges {
    /// Set the gauges from `projector`'s queue model on `today` under `clocks` (amended by the loaded arrangements).
    pub fn record(
        &self,
        projector: &Projector,
        clocks: &Clocks,
        today: NaiveDate,
    ) -> Result<(), ProjectorError> {
        let view = projector.store().view();
        let counts = open_by_agency(&view, clocks, today)?;
        let in_force = clocks_in(&view, clocks)?;
        if let Some(year) = in_force.calendar.published_years().max() {
            metrics::gauge!(CALENDAR_PUBLISHED_THROUGH).set(f64::from(year));
        }
        let mut reported = self
            .reported
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for agency in reported
            .iter()
            .filter(|agency| !counts.contains_key(*agency))
        {
            metrics::gauge!(CASES_OPEN, "agency" => agency.clone()).set(0.0);
            metrics::gauge!(CASES_OVERDUE, "agency" => agency.clone()).set(0.0);
        }
        for (agency, count) in &counts {
            metrics::gauge!(CASES_OPEN, "agency" => agency.clone()).set(count.open as f64);
            metrics::gauge!(CASES_OVERDUE, "agency" => agency.clone()).set(count.overdue as f64);
        }
        reported.extend(counts.into_keys());
        Ok(())
    }
}
