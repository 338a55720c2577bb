//! The working-day calendar (工作日), loaded from the State Council's yearly holiday arrangements as data.
//!
//! A working day is Monday–Friday, minus the statutory days off, plus the weekend days made working days
//! (调休). Arrangements are published each November for the next year and are sometimes amended, so a
//! calendar is a versioned value: the same case evaluated under two versions may get two deadlines. A date
//! in a year the calendar does not cover is an error, never "no holidays".
//!
//! The next year's notice comes out in November or later, while deadlines already run into that year. So the
//! few years after the last published one are covered provisionally: their statutory days off are computed from
//! the law (see [`provisional`]), without the bridging only the notice can set. Such a calendar says which
//! years are provisional and its version says so too; loading the real notice replaces the provisional year.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

pub mod arrangement;
pub mod provisional;

pub use arrangement::{ARRANGEMENT_EVENT_TYPE, Arrangement, CALENDAR_STREAM, MAX_ARRANGEMENTS};
pub use provisional::{PROVISIONAL_RULES_FROM, PROVISIONAL_RULES_ID};

/// The version id of the arrangements embedded in this crate (upstream holiday-cn commit).
pub const EMBEDDED_VERSION: &str = "holiday-cn@d4e53bf2143d";

/// The embedded year files, 2007–2027, copied byte for byte from data/holiday-cn (see its README).
const EMBEDDED_YEARS: [&str; 21] = [
    include_str!("../data/holiday-cn/2007.json"),
    include_str!("../data/holiday-cn/2008.json"),
    include_str!("../data/holiday-cn/2009.json"),
    include_str!("../data/holiday-cn/2010.json"),
    include_str!("../data/holiday-cn/2011.json"),
    include_str!("../data/holiday-cn/2012.json"),
    include_str!("../data/holiday-cn/2013.json"),
    include_str!("../data/holiday-cn/2014.json"),
    include_str!("../data/holiday-cn/2015.json"),
    include_str!("../data/holiday-cn/2016.json"),
    include_str!("../data/holiday-cn/2017.json"),
    include_str!("../data/holiday-cn/2018.json"),
    include_str!("../data/holiday-cn/2019.json"),
    include_str!("../data/holiday-cn/2020.json"),
    include_str!("../data/holiday-cn/2021.json"),
    include_str!("../data/holiday-cn/2022.json"),
    include_str!("../data/holiday-cn/2023.json"),
    include_str!("../data/holiday-cn/2024.json"),
    include_str!("../data/holiday-cn/2025.json"),
    include_str!("../data/holiday-cn/2026.json"),
    include_str!("../data/holiday-cn/2027.json"),
];

/// A year's notice may arrange the last days of the previous December (New Year's Day breaks: 2006-12-30,
/// 2018-12-29 …), so a date from this day of December on is covered only when the next year is loaded too.
const DECEMBER_SPILLOVER_FROM_DAY: u32 = 25;
/// The longest span, in working days, any statutory computation may walk; more is an error, not a loop.
pub const MAX_WORKING_DAYS: u32 = 2_000;
/// The longest span, in calendar days, counted between two dates.
pub const MAX_SPAN_DAYS: i64 = 3_660;
/// The most exceptional days one year file may list.
pub const MAX_DAYS_PER_YEAR: usize = 366;
/// How many years after the last published one are computed provisionally. Two, so that a deadline running
/// from late in the first unpublished year (its December needs the year after, see
/// `DECEMBER_SPILLOVER_FROM_DAY`) still gets one; farther ahead the estimate would be guesswork and stays
/// [`CalendarError::YearNotCovered`].
pub const PROVISIONAL_YEARS_AHEAD: i32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar {version} has no holiday arrangement for {year} (needed for {date})")]
    YearNotCovered {
        version: String,
        year: i32,
        date: NaiveDate,
    },
    #[error("holiday file is not valid: {0}")]
    Parse(String),
    #[error(
        "holiday file for {year}: field days lists {count} entries, more than {MAX_DAYS_PER_YEAR}"
    )]
    TooManyDays { year: i32, count: usize },
    #[error(
        "holiday file for {year}: field days lists {date}, outside {year} and the December before it"
    )]
    DateOutsideYear { year: i32, date: NaiveDate },
    #[error("holiday files disagree about {date}")]
    Conflict { date: NaiveDate },
    #[error("span of {requested} exceeds the limit {limit}")]
    SpanTooLong { requested: i64, limit: i64 },
    #[error("calendar version id must not be empty")]
    EmptyVersion,
}

#[derive(Debug, Deserialize)]
struct YearFile {
    year: i32,
    papers: Vec<String>,
    days: Vec<DayEntry>,
}

#[derive(Debug, Deserialize)]
struct DayEntry {
    date: NaiveDate,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

/// A versioned working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The id given when loading.
    given: String,
    /// `given`, plus a provisional suffix when `provisional` is not empty.
    version: String,
    /// Each published year's exceptions, as listed in its file: date → is a day off.
    years: BTreeMap<i32, YearDays>,
    /// The computed years after the last published one: their statutory days off.
    provisional: BTreeMap<i32, YearDays>,
    /// All exceptions merged, published and provisional.
    exceptions: BTreeMap<NaiveDate, bool>,
}

impl Calendar {
    /// The arrangements embedded in this crate (2007–2026; 2027 is an unpublished placeholder), with the
    /// years after them provisional.
    pub fn embedded() -> Result<Calendar, CalendarError> {
        Calendar::from_year_files(EMBEDDED_VERSION, &EMBEDDED_YEARS)
    }

    /// Build a calendar from holiday-cn year files (JSON text). A file with no papers and no days is an
    /// unpublished placeholder: its year is not published, and is provisional when it follows the last
    /// published one closely enough.
    pub fn from_year_files(
        version: impl Into<String>,
        files: &[&str],
    ) -> Result<Calendar, CalendarError> {
        let mut years = BTreeMap::new();
        for text in files {
            if let Some((year, days)) = parse_year(text)? {
                years.insert(year, days);
            }
        }
        Calendar::build(version.into(), years)
    }

    /// A new calendar version with one year's arrangement replaced (or added) by an amending notice. A year
    /// that was provisional becomes published, and the provisional years move on after it.
    pub fn amended(
        &self,
        version: impl Into<String>,
        year_file: &str,
    ) -> Result<Calendar, CalendarError> {
        let mut years = self.years.clone();
        match parse_year(year_file)? {
            Some((year, days)) => years.insert(year, days),
            None => {
                return Err(CalendarError::Parse(
                    "an amendment must list its papers or days".to_owned(),
                ));
            }
        };
        Calendar::build(version.into(), years)
    }

    fn build(version: String, years: BTreeMap<i32, YearDays>) -> Result<Calendar, CalendarError> {
        if version.is_empty() {
            return Err(CalendarError::EmptyVersion);
        }
        let provisional = provisional_years_after(years.keys().next_back().copied());
        let mut exceptions = BTreeMap::new();
        for (date, off) in years.values().chain(provisional.values()).flatten() {
            if exceptions
                .insert(*date, *off)
                .is_some_and(|previous| previous != *off)
            {
                return Err(CalendarError::Conflict { date: *date });
            }
        }
        Ok(Calendar {
            version: provisional_version(version.clone(), &provisional),
            given: version,
            years,
            provisional,
            exceptions,
        })
    }

    /// The version id: the one given when loading, followed by `+provisional:FIRST-LAST@RULES` when the
    /// calendar computed some years, e.g.
    /// `holiday-cn@d4e53bf2143d+provisional:2027-2028@fangjia-2024/lunar-t1`, so a deadline's recorded version
    /// shows it was an estimate.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The version id given when loading, without the provisional suffix.
    pub fn base_version(&self) -> &str {
        &self.given
    }

    /// The years this calendar covers, published or provisional, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.published_years().chain(self.provisional_years())
    }

    /// The years whose arrangement was loaded from a notice, in order.
    pub fn published_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// The years computed from the law because their notice is not loaded, in order (all after the published
    /// ones).
    pub fn provisional_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.provisional.keys().copied()
    }

    /// Whether `year` is covered only provisionally (statutory days off, no bridging).
    pub fn is_provisional(&self, year: i32) -> bool {
        self.provisional.contains_key(&year)
    }

    /// The provisional years that the answers for the dates from `from` to `to` (inclusive, either order)
    /// depend on, in order; empty when every one of them is published. A date late in December depends on the
    /// next year too, as its notice may arrange it: a 20-day deadline due 2026-12-28 is provisional while 2027
    /// is. Pass a deadline's start and due date to learn whether it is an estimate.
    pub fn provisional_years_in(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (first, last) = (from.min(to), from.max(to));
        let latest = years_needed(last).into_iter().max().unwrap_or(last.year());
        let needed = first.year()..=latest;
        self.provisional_years()
            .filter(|year| needed.contains(year))
            .collect()
    }

    fn check_covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        match years_needed(date)
            .into_iter()
            .find(|year| !self.years.contains_key(year) && !self.is_provisional(*year))
        {
            Some(year) => Err(CalendarError::YearNotCovered {
                version: self.version.clone(),
                year,
                date,
            }),
            None => Ok(()),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_covered(date)?;
        Ok(match self.exceptions.get(&date) {
            Some(off) => !off,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// The `n`th working day after `start` (the start day itself is not counted, as with every statutory
    /// period); `n = 0` gives `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.nth_working_day_after(start, n, |_| false)
    }

    /// Like [`Calendar::add_working_days`], but working days for which `skip` is true do not count.
    pub fn nth_working_day_after(
        &self,
        start: NaiveDate,
        n: u32,
        skip: impl Fn(NaiveDate) -> bool,
    ) -> Result<NaiveDate, CalendarError> {
        if n > MAX_WORKING_DAYS {
            return Err(CalendarError::SpanTooLong {
                requested: n.into(),
                limit: MAX_WORKING_DAYS.into(),
            });
        }
        let mut date = start;
        let mut counted = 0;
        let mut walked: i64 = 0;
        while counted < n {
            date = next_day(date)?;
            walked += 1;
            if walked > MAX_SPAN_DAYS {
                return Err(CalendarError::SpanTooLong {
                    requested: walked,
                    limit: MAX_SPAN_DAYS,
                });
            }
            if self.is_working_day(date)? && !skip(date) {
                counted += 1;
            }
        }
        Ok(date)
    }

    /// The working days in `(from, to]`, in order; empty when `to <= from`.
    pub fn working_days_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<NaiveDate>, CalendarError> {
        let span = (to - from).num_days();
        if span > MAX_SPAN_DAYS {
            return Err(CalendarError::SpanTooLong {
                requested: span,
                limit: MAX_SPAN_DAYS,
            });
        }
        let mut days = Vec::new();
        let mut date = from;
        while date < to {
            date = next_day(date)?;
            if self.is_working_day(date)? {
                days.push(date);
            }
        }
        Ok(days)
    }
}

fn next_day(date: NaiveDate) -> Result<NaiveDate, CalendarError> {
    date.checked_add_days(Days::new(1))
        .ok_or(CalendarError::SpanTooLong {
            requested: MAX_SPAN_DAYS + 1,
            limit: MAX_SPAN_DAYS,
        })
}

type YearDays = BTreeMap<NaiveDate, bool>;

/// The years whose arrangement decides `date`: its own, and the next from `DECEMBER_SPILLOVER_FROM_DAY` of
/// December on.
fn years_needed(date: NaiveDate) -> Vec<i32> {
    let mut needed = vec![date.year()];
    if date.month() == 12 && date.day() >= DECEMBER_SPILLOVER_FROM_DAY {
        needed.push(date.year() + 1);
    }
    needed
}

/// The provisional years after `last_published`: up to [`PROVISIONAL_YEARS_AHEAD`] of them, stopping at the
/// first the rules cannot compute, so the covered years stay contiguous.
fn provisional_years_after(last_published: Option<i32>) -> BTreeMap<i32, YearDays> {
    let Some(last) = last_published else {
        return BTreeMap::new();
    };
    (last + 1..=last + PROVISIONAL_YEARS_AHEAD)
        .map_while(|year| {
            let days = provisional::statutory_days_off(year)?;
            Some((
                year,
                days.into_iter().map(|(date, _)| (date, true)).collect(),
            ))
        })
        .collect()
}

fn provisional_version(given: String, provisional: &BTreeMap<i32, YearDays>) -> String {
    match (provisional.keys().next(), provisional.keys().next_back()) {
        (Some(first), Some(last)) => {
            format!("{given}+provisional:{first}-{last}@{PROVISIONAL_RULES_ID}")
        }
        _ => given,
    }
}

/// The notices a year file names.
fn papers_of(text: &str) -> Result<Vec<String>, CalendarError> {
    let file: YearFile =
        serde_json::from_str(text).map_err(|e| CalendarError::Parse(e.to_string()))?;
    Ok(file.papers)
}

/// Parse one year file; `None` for an unpublished placeholder.
fn parse_year(text: &str) -> Result<Option<(i32, YearDays)>, CalendarError> {
    let file: YearFile =
        serde_json::from_str(text).map_err(|e| CalendarError::Parse(e.to_string()))?;
    if file.papers.is_empty() && file.days.is_empty() {
        return Ok(None);
    }
    if file.days.len() > MAX_DAYS_PER_YEAR {
        return Err(CalendarError::TooManyDays {
            year: file.year,
            count: file.days.len(),
        });
    }
    let mut days = BTreeMap::new();
    for entry in file.days {
        let in_year = entry.date.year() == file.year;
        let previous_december = entry.date.year() == file.year - 1
            && entry.date.month() == 12
            && entry.date.day() >= DECEMBER_SPILLOVER_FROM_DAY;
        if !in_year && !previous_december {
            return Err(CalendarError::DateOutsideYear {
                year: file.year,
                date: entry.date,
            });
        }
        days.insert(entry.date, entry.is_off_day);
    }
    Ok(Some((file.year, days)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn embedded_publishes_2007_to_2026_and_computes_2027_and_2028() {
        let cal = Calendar::embedded().expect("embedded data parses");
        assert_eq!(
            cal.published_years().collect::<Vec<_>>(),
            (2007..=2026).collect::<Vec<_>>()
        );
        assert_eq!(cal.provisional_years().collect::<Vec<_>>(), [2027, 2028]);
        assert_eq!(
            cal.years().collect::<Vec<_>>(),
            (2007..=2028).collect::<Vec<_>>()
        );
        assert!(!cal.is_provisional(2026) && cal.is_provisional(2027));
        assert_eq!(
            cal.version(),
            "holiday-cn@d4e53bf2143d+provisional:2027-2028@fangjia-2024/lunar-t1"
        );
    }

    #[test]
    fn no_provisional_years_after_arrangements_older_than_the_2024_rules() {
        let files = [
            include_str!("../data/holiday-cn/2018.json"),
            include_str!("../data/holiday-cn/2019.json"),
        ];
        let cal = Calendar::from_year_files("v", &files).expect("parses");
        assert_eq!(cal.provisional_years().count(), 0);
        assert_eq!(cal.version(), "v");
        assert!(matches!(
            cal.is_working_day(d(2020, 3, 2)),
            Err(CalendarError::YearNotCovered { year: 2020, .. })
        ));
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let cal = Calendar::embedded().expect("embedded");
        let table = [
            (d(2018, 9, 28), true),   // Friday
            (d(2018, 9, 29), true),   // Saturday, 调休 working day
            (d(2018, 9, 30), true),   // Sunday, 调休 working day
            (d(2018, 10, 1), false),  // 国庆节
            (d(2018, 10, 5), false),  // Friday inside the break
            (d(2018, 10, 8), true),   // Monday after
            (d(2018, 10, 13), false), // ordinary Saturday
            (d(2018, 12, 29), true),  // Saturday made working by the 2019 notice
            (d(2018, 12, 31), false), // New Year break arranged by the 2019 notice
        ];
        for (date, working) in table {
            assert_eq!(cal.is_working_day(date), Ok(working), "{date}");
        }
    }

    #[test]
    fn missing_year_is_an_error_not_a_holiday_free_year() {
        let cal = Calendar::embedded().expect("embedded");
        // Past the provisional years (2027, 2028), and before the data.
        for date in [d(2029, 3, 1), d(2006, 6, 1), d(2028, 12, 28)] {
            assert!(
                matches!(
                    cal.is_working_day(date),
                    Err(CalendarError::YearNotCovered { .. })
                ),
                "{date} must be uncovered"
            );
        }
        // Walking past the end of the data is an error too.
        assert!(matches!(
            cal.add_working_days(d(2028, 12, 1), 30),
            Err(CalendarError::YearNotCovered { year: 2029, .. })
        ));
    }

    #[test]
    fn add_and_count_working_days() {
        let cal = Calendar::embedded().expect("embedded");
        assert_eq!(cal.add_working_days(d(2018, 9, 28), 0), Ok(d(2018, 9, 28)));
        assert_eq!(cal.add_working_days(d(2018, 9, 28), 3), Ok(d(2018, 10, 8)));
        let days = cal
            .working_days_in(d(2018, 9, 28), d(2018, 10, 8))
            .expect("covered");
        assert_eq!(days, vec![d(2018, 9, 29), d(2018, 9, 30), d(2018, 10, 8)]);
        assert!(
            cal.working_days_in(d(2018, 10, 8), d(2018, 9, 28))
                .expect("covered")
                .is_empty()
        );
        assert!(matches!(
            cal.add_working_days(d(2018, 1, 1), MAX_WORKING_DAYS + 1),
            Err(CalendarError::SpanTooLong { .. })
        ));
    }

    #[test]
    fn bad_files_are_typed_errors() {
        assert!(matches!(
            Calendar::from_year_files("v", &["{"]),
            Err(CalendarError::Parse(_))
        ));
        let outside = r#"{"year": 2030, "papers": ["x"], "days": [{"name": "a", "date": "2031-01-01", "isOffDay": true}]}"#;
        assert!(matches!(
            Calendar::from_year_files("v", &[outside]),
            Err(CalendarError::DateOutsideYear { .. })
        ));
        assert_eq!(
            Calendar::from_year_files("", &[]),
            Err(CalendarError::EmptyVersion)
        );
    }
}
