//! The statutory days off of a year whose State Council notice is not published yet.
//!
//! 《全国年节及纪念日放假办法》 as revised by the State Council decision of 2024-11-12 (in force 2025-01-01) fixes
//! which days are holidays; the yearly notice only adds the bridging (调休 make-up working days, extra days
//! joined to a break). So a year without a notice can still be counted, as an estimate: the statutory days off
//! and otherwise weekends. Three of those holidays follow the lunar calendar and one a solar term, which no
//! arithmetic on the Gregorian date gives; they come from the checked table below.

use chrono::NaiveDate;

/// The first year the 2024 revision governs. Earlier years had 春节 3 days and 劳动节 1 day, and are published
/// anyway, so no provisional year is ever computed before it.
pub const PROVISIONAL_RULES_FROM: i32 = 2025;

/// Names the rules and the table below. It is part of the version of every calendar holding a provisional year,
/// so correcting either one re-versions those calendars and their deadlines get recomputed.
pub const PROVISIONAL_RULES_ID: &str = "fangjia-2024/lunar-t1";

/// One year of the lunar and solar-term dates the holidays need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LunarDates {
    /// 正月初一; 除夕 is the day before it (the last day of the lunar year, whatever its month's length).
    pub spring_festival: NaiveDate,
    /// The day of the 清明 solar term (the sun at 15° ecliptic longitude, Beijing time).
    pub qingming: NaiveDate,
    /// 五月初五 (端午).
    pub dragon_boat: NaiveDate,
    /// 八月十五 (中秋).
    pub mid_autumn: NaiveDate,
}

/// (year, 正月初一 (month, day), 清明 day of April, 五月初五 (month, day), 八月十五 (month, day)).
type LunarRow = (i32, (u32, u32), u32, (u32, u32), (u32, u32));

/// Generated once with three independent implementations that agreed on every row: `lunardate` 0.3.0 (the Hong
/// Kong Observatory's conversion tables), `lunar-python` 1.4.8 (寿星 astronomical algorithm) and, for 清明,
/// `sxtwl` 2.0.7 plus the 寿星 formula [Y·0.2422 + 4.81] − [Y/4]. The years already published (from 2008, when
/// 清明, 端午 and 中秋 became holidays) are kept too: a test checks each row against its year's notice.
const LUNAR_TABLE: [LunarRow; 28] = [
    (2008, (2, 7), 4, (6, 8), (9, 14)),
    (2009, (1, 26), 4, (5, 28), (10, 3)),
    (2010, (2, 14), 5, (6, 16), (9, 22)),
    (2011, (2, 3), 5, (6, 6), (9, 12)),
    (2012, (1, 23), 4, (6, 23), (9, 30)),
    (2013, (2, 10), 4, (6, 12), (9, 19)),
    (2014, (1, 31), 5, (6, 2), (9, 8)),
    (2015, (2, 19), 5, (6, 20), (9, 27)),
    (2016, (2, 8), 4, (6, 9), (9, 15)),
    (2017, (1, 28), 4, (5, 30), (10, 4)),
    (2018, (2, 16), 5, (6, 18), (9, 24)),
    (2019, (2, 5), 5, (6, 7), (9, 13)),
    (2020, (1, 25), 4, (6, 25), (10, 1)),
    (2021, (2, 12), 4, (6, 14), (9, 21)),
    (2022, (2, 1), 5, (6, 3), (9, 10)),
    (2023, (1, 22), 5, (6, 22), (9, 29)),
    (2024, (2, 10), 4, (6, 10), (9, 17)),
    (2025, (1, 29), 4, (5, 31), (10, 6)),
    (2026, (2, 17), 5, (6, 19), (9, 25)),
    (2027, (2, 6), 5, (6, 9), (9, 15)),
    (2028, (1, 26), 4, (5, 28), (10, 3)),
    (2029, (2, 13), 4, (6, 16), (9, 22)),
    (2030, (2, 3), 5, (6, 5), (9, 12)),
    (2031, (1, 23), 5, (6, 24), (10, 1)),
    (2032, (2, 11), 4, (6, 12), (9, 19)),
    (2033, (1, 31), 4, (6, 1), (9, 8)),
    (2034, (2, 19), 5, (6, 20), (9, 27)),
    (2035, (2, 8), 5, (6, 10), (9, 16)),
];

/// The table's lunar and solar-term dates for `year`; `None` outside it.
pub(crate) fn lunar_dates(year: i32) -> Option<LunarDates> {
    let (_, new_year, qingming, dragon_boat, mid_autumn) =
        LUNAR_TABLE.iter().find(|row| row.0 == year)?;
    let date = |(month, day): (u32, u32)| NaiveDate::from_ymd_opt(year, month, day);
    Some(LunarDates {
        spring_festival: date(*new_year)?,
        qingming: date((4, *qingming))?,
        dragon_boat: date(*dragon_boat)?,
        mid_autumn: date(*mid_autumn)?,
    })
}

/// The statutory days off of `year` under the 2024 revision, in date order, each with its holiday's name (a
/// date can appear twice when two holidays meet, as 中秋 and 国庆 on 2031-10-01). `None` before
/// [`PROVISIONAL_RULES_FROM`] or past the table. Weekend days are included: they are holidays all the same.
pub fn statutory_days_off(year: i32) -> Option<Vec<(NaiveDate, &'static str)>> {
    if year < PROVISIONAL_RULES_FROM {
        return None;
    }
    let lunar = lunar_dates(year)?;
    let fixed = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day);
    let first = lunar.spring_festival;
    let mut days = vec![
        (fixed(1, 1)?, "元旦"),
        (first.pred_opt()?, "春节"),
        (first, "春节"),
        (first.succ_opt()?, "春节"),
        (first.succ_opt()?.succ_opt()?, "春节"),
        (lunar.qingming, "清明节"),
        (fixed(5, 1)?, "劳动节"),
        (fixed(5, 2)?, "劳动节"),
        (lunar.dragon_boat, "端午节"),
        (lunar.mid_autumn, "中秋节"),
        (fixed(10, 1)?, "国庆节"),
        (fixed(10, 2)?, "国庆节"),
        (fixed(10, 3)?, "国庆节"),
    ];
    days.sort();
    Some(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use chrono::Datelike;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn every_row_is_a_valid_date_in_its_range() {
        for row in LUNAR_TABLE {
            let lunar = lunar_dates(row.0).expect("valid row");
            // 正月初一 falls 21 Jan – 20 Feb; 清明 4–6 Apr; 端午 28 May – 25 Jun; 中秋 8 Sep – 7 Oct.
            assert!((d(row.0, 1, 21)..=d(row.0, 2, 20)).contains(&lunar.spring_festival));
            assert!((4..=6).contains(&lunar.qingming.day()));
            assert!((d(row.0, 5, 28)..=d(row.0, 6, 25)).contains(&lunar.dragon_boat));
            assert!((d(row.0, 9, 8)..=d(row.0, 10, 7)).contains(&lunar.mid_autumn));
        }
        let years: Vec<i32> = LUNAR_TABLE.iter().map(|row| row.0).collect();
        assert_eq!(years, (2008..=2035).collect::<Vec<_>>(), "one row a year");
    }

    /// Every published notice since 2008 gives 正月初一, 初二, 清明, 端午 and 中秋 off (the holidays common to the
    /// 2007, 2013 and 2024 rules), so a wrong table row shows as a working day here.
    #[test]
    fn table_agrees_with_every_published_arrangement() {
        let cal = Calendar::embedded().expect("embedded");
        for year in cal.published_years().filter(|year| *year >= 2008) {
            let lunar = lunar_dates(year).expect("table covers published years");
            let second = lunar.spring_festival.succ_opt().expect("date");
            for date in [
                lunar.spring_festival,
                second,
                lunar.qingming,
                lunar.dragon_boat,
                lunar.mid_autumn,
            ] {
                assert_eq!(cal.is_working_day(date), Ok(false), "{date}");
            }
        }
    }

    /// Under the 2024 rules the notices are the whole statutory set plus bridging: each computed day is off.
    #[test]
    fn computed_days_are_off_in_the_published_2025_and_2026() {
        let cal = Calendar::embedded().expect("embedded");
        for year in [2025, 2026] {
            let days = statutory_days_off(year).expect("in range");
            assert_eq!(days.len(), 13, "{year}: 1 + 4 + 1 + 2 + 1 + 1 + 3");
            for (date, name) in days {
                assert_eq!(cal.is_working_day(date), Ok(false), "{date} {name}");
            }
        }
        assert_eq!(statutory_days_off(2024), None, "older rules");
        assert_eq!(statutory_days_off(2036), None, "past the table");
    }

    #[test]
    fn known_dates() {
        let table = [
            (
                2026,
                d(2026, 2, 17),
                d(2026, 4, 5),
                d(2026, 6, 19),
                d(2026, 9, 25),
            ),
            (
                2027,
                d(2027, 2, 6),
                d(2027, 4, 5),
                d(2027, 6, 9),
                d(2027, 9, 15),
            ),
            (
                2028,
                d(2028, 1, 26),
                d(2028, 4, 4),
                d(2028, 5, 28),
                d(2028, 10, 3),
            ),
        ];
        for (year, spring_festival, qingming, dragon_boat, mid_autumn) in table {
            assert_eq!(
                lunar_dates(year),
                Some(LunarDates {
                    spring_festival,
                    qingming,
                    dragon_boat,
                    mid_autumn
                })
            );
        }
    }
}
