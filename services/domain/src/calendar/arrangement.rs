//! A published holiday arrangement (放假安排通知) as a fact in the log. Each November the State Council publishes
//! next year's arrangement; an operator loads it (`casetrack calendar load`), and it is appended to one calendar
//! stream. The calendar in force at a log position is the embedded one amended by the arrangements before that
//! position, in log order — so a deadline shown then can be computed again, and the deadlines a new arrangement
//! moves can be listed.

use serde::{Deserialize, Serialize};

use super::{Calendar, CalendarError, parse_year};

/// The stream holding every loaded arrangement, in load order.
pub const CALENDAR_STREAM: &str = "calendar-arrangements";
/// The event type of one loaded arrangement.
pub const ARRANGEMENT_EVENT_TYPE: &str = "CalendarArrangementLoaded";
/// The largest year file accepted (a real one is about 5 KB).
pub const MAX_ARRANGEMENT_BYTES: usize = 64 * 1024;
/// The most arrangements a calendar stream may hold (one or two a year).
pub const MAX_ARRANGEMENTS: usize = 1_000;

/// One arrangement as loaded: the year, the notice it comes from, and the year file itself (holiday-cn JSON),
/// kept whole so the calendar is rebuilt from exactly what was loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrangement {
    pub year: i32,
    /// The notice: the first of the file's `papers` (the gov.cn address of the 通知).
    pub notice: String,
    pub year_file: String,
}

impl Arrangement {
    /// Reads a holiday-cn year file. A placeholder without papers or days is refused: there is nothing to load.
    pub fn from_year_file(text: &str) -> Result<Arrangement, CalendarError> {
        if text.len() > MAX_ARRANGEMENT_BYTES {
            return Err(CalendarError::Parse(format!(
                "a year file is at most {MAX_ARRANGEMENT_BYTES} bytes, this one {}",
                text.len()
            )));
        }
        let Some((year, _)) = parse_year(text)? else {
            return Err(CalendarError::Parse(
                "the year file lists no papers and no days: not a published arrangement".to_owned(),
            ));
        };
        let notice = super::papers_of(text)?.into_iter().next().ok_or_else(|| {
            CalendarError::Parse("the year file names no notice (papers is empty)".to_owned())
        })?;
        Ok(Arrangement {
            year,
            notice,
            year_file: text.to_owned(),
        })
    }
}

impl Calendar {
    /// This calendar amended by `arrangements` in order (the later wins for a year loaded twice). The version
    /// names the last arrangement's log position, so a deadline records which calendar it was computed under.
    pub fn with_arrangements<'a>(
        &self,
        arrangements: impl IntoIterator<Item = (u64, &'a Arrangement)>,
    ) -> Result<Calendar, CalendarError> {
        let mut calendar = self.clone();
        for (position, arrangement) in arrangements {
            let version = format!("{}+arrangement@{position}", self.base_version());
            calendar = calendar.amended(version, &arrangement.year_file)?;
        }
        Ok(calendar)
    }
}
