//! The information-processing fee (信息处理费) of 国办函〔2020〕109号: charged per application or per page,
//! progressively, never both on one application. Amounts are integer fen so sums stay exact.

use std::fmt;
use std::ops::Add;

use serde::{Deserialize, Serialize};

/// An amount of money in fen (1 yuan = 100 fen).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub u64);

impl Fen {
    pub const fn from_yuan(yuan: u64) -> Fen {
        Fen(yuan * 100)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, other: Fen) -> Fen {
        Fen(self.0 + other.0)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Applications per applicant per calendar month that are free.
pub const FREE_APPLICATIONS_PER_MONTH: u32 = 10;
/// The last application (per applicant per month) charged at the first tier.
pub const FIRST_TIER_LAST_APPLICATION: u32 = 30;
/// The first per-application tier: 100 yuan.
pub const FIRST_TIER_YUAN: u64 = 100;
/// From the 31st application, each block of this many applications costs [`FIRST_TIER_YUAN`] more each.
pub const APPLICATION_BLOCK: u32 = 10;
/// Pages that are free.
pub const FREE_PAGES: u32 = 30;
/// Upper page bounds and per-page prices (yuan) of the charged page bands; pages above the last bound cost
/// [`PAGE_PRICE_OVER_200_YUAN`].
pub const PAGE_BANDS: [(u32, u64); 2] = [(100, 10), (200, 20)];
pub const PAGE_PRICE_OVER_200_YUAN: u64 = 40;
/// More pages than this on one application is treated as bad input, not a fee.
pub const MAX_PAGES: u32 = 1_000_000;
/// More applications than this by one applicant in one month is treated as bad input.
pub const MAX_APPLICATIONS_PER_MONTH: u32 = 100_000;

/// How one application's fee is computed; one basis per application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "basis")]
pub enum FeeBasis {
    /// Charged by volume: this is the applicant's `nth` application in the calendar month (1-based).
    PerApplication { nth_in_month: u32 },
    /// Charged by pages of information provided.
    PerPage { pages: u32 },
}

impl FeeBasis {
    /// 按件计收 or 按量计收, with the count it was computed from.
    pub fn label_zh(self) -> String {
        match self {
            FeeBasis::PerApplication { nth_in_month } => {
                format!("按件计收，本月第 {nth_in_month} 件申请")
            }
            FeeBasis::PerPage { pages } => format!("按量计收，{pages} 页"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error("nth_in_month must be at least 1")]
    ZeroApplicationNumber,
    #[error("nth_in_month {0} exceeds the limit {MAX_APPLICATIONS_PER_MONTH}")]
    TooManyApplications(u32),
    #[error("pages {0} exceeds the limit {MAX_PAGES}")]
    TooManyPages(u32),
}

impl FeeBasis {
    /// The fee this basis charges.
    pub fn amount(self) -> Result<Fen, FeeError> {
        match self {
            FeeBasis::PerApplication { nth_in_month } => fee_for_nth_application(nth_in_month),
            FeeBasis::PerPage { pages } => fee_for_pages(pages),
        }
    }
}

/// The fee for an applicant's `nth` application in one calendar month.
pub fn fee_for_nth_application(nth: u32) -> Result<Fen, FeeError> {
    if nth == 0 {
        return Err(FeeError::ZeroApplicationNumber);
    }
    if nth > MAX_APPLICATIONS_PER_MONTH {
        return Err(FeeError::TooManyApplications(nth));
    }
    let yuan = if nth <= FREE_APPLICATIONS_PER_MONTH {
        0
    } else if nth <= FIRST_TIER_LAST_APPLICATION {
        FIRST_TIER_YUAN
    } else {
        let block = u64::from((nth - FIRST_TIER_LAST_APPLICATION - 1) / APPLICATION_BLOCK);
        FIRST_TIER_YUAN * (2 + block)
    };
    Ok(Fen::from_yuan(yuan))
}

/// The total an applicant owes for `count` applications in one calendar month.
pub fn fee_for_applications_in_month(count: u32) -> Result<Fen, FeeError> {
    (1..=count).try_fold(Fen::default(), |total, nth| {
        Ok(total + fee_for_nth_application(nth)?)
    })
}

/// The fee for `pages` pages, each band charged on the pages inside it.
pub fn fee_for_pages(pages: u32) -> Result<Fen, FeeError> {
    if pages > MAX_PAGES {
        return Err(FeeError::TooManyPages(pages));
    }
    let mut yuan = 0;
    let mut lower = FREE_PAGES;
    for (upper, price) in PAGE_BANDS {
        yuan += u64::from(pages.clamp(lower, upper) - lower) * price;
        lower = upper;
    }
    yuan += u64::from(pages.saturating_sub(lower)) * PAGE_PRICE_OVER_200_YUAN;
    Ok(Fen::from_yuan(yuan))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_application_tiers() {
        // (nth application in the month, fee for it, total for the month up to it), yuan.
        let table = [
            (1, 0, 0),
            (10, 0, 0),
            (11, 100, 100),
            (30, 100, 2_000),
            (31, 200, 2_200),
            (40, 200, 4_000),
            (41, 300, 4_300),
            (50, 300, 7_000),
            (51, 400, 7_400),
        ];
        for (nth, fee, total) in table {
            assert_eq!(
                fee_for_nth_application(nth),
                Ok(Fen::from_yuan(fee)),
                "nth {nth}"
            );
            assert_eq!(
                fee_for_applications_in_month(nth),
                Ok(Fen::from_yuan(total)),
                "total {nth}"
            );
        }
        assert_eq!(
            fee_for_nth_application(0),
            Err(FeeError::ZeroApplicationNumber)
        );
        assert_eq!(
            fee_for_nth_application(MAX_APPLICATIONS_PER_MONTH + 1),
            Err(FeeError::TooManyApplications(
                MAX_APPLICATIONS_PER_MONTH + 1
            ))
        );
    }

    #[test]
    fn per_page_bands() {
        // 31–100 at 10, 101–200 at 20, over 200 at 40 yuan per page.
        let table = [
            (0, 0),
            (30, 0),
            (31, 10),
            (100, 700),
            (101, 720),
            (200, 2_700),
            (201, 2_740),
            (250, 4_700),
        ];
        for (pages, yuan) in table {
            assert_eq!(
                fee_for_pages(pages),
                Ok(Fen::from_yuan(yuan)),
                "pages {pages}"
            );
        }
        assert_eq!(
            fee_for_pages(MAX_PAGES + 1),
            Err(FeeError::TooManyPages(MAX_PAGES + 1))
        );
    }

    #[test]
    fn basis_dispatches_and_displays() {
        assert_eq!(FeeBasis::PerPage { pages: 31 }.amount(), Ok(Fen(1_000)));
        assert_eq!(
            FeeBasis::PerApplication { nth_in_month: 31 }.amount(),
            Ok(Fen(20_000))
        );
        assert_eq!(Fen(12_345).to_string(), "¥123.45");
    }
}
