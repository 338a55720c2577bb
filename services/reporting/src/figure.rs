//! A figure of a report: a count, a signed change, or an amount of money kept exactly in fen (分).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ReportingError;

/// Fen per 万元 (10,000 yuan × 100 fen). Money is stored in fen and shown in 万元, so six decimals are exact.
pub const FEN_PER_10K_YUAN: u64 = 1_000_000;
const DECIMALS_10K_YUAN: usize = 6;
/// Fen per 元.
const FEN_PER_YUAN: u64 = 100;

/// What a cell holds; fixed per cell by the format's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A number of applications, documents, decisions… never negative.
    Count,
    /// A signed year-on-year change (2019 format 本年增/减).
    Change,
    /// Money, stored in fen, printed in 万元.
    Money,
}

/// An amount of money in fen (分). Serialised as a JSON number in 万元 that states the amount exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub u64);

impl Fen {
    /// Exact decimal in 万元 with no trailing zeros: 1_250_000 fen → "1.25", 0 → "0", 1 → "0.000001".
    pub fn to_10k_yuan(self) -> String {
        let whole = self.0 / FEN_PER_10K_YUAN;
        let frac = self.0 % FEN_PER_10K_YUAN;
        if frac == 0 {
            return whole.to_string();
        }
        let digits = format!("{frac:0width$}", width = DECIMALS_10K_YUAN);
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }

    /// Exact decimal in 元 with no trailing zeros: 38_000 fen → "380", 38_050 → "380.5", 5 → "0.05".
    pub fn to_yuan(self) -> String {
        let (whole, fen) = (self.0 / FEN_PER_YUAN, self.0 % FEN_PER_YUAN);
        if fen == 0 {
            return whole.to_string();
        }
        format!("{whole}.{}", format!("{fen:02}").trim_end_matches('0'))
    }

    /// Parses an exact 万元 decimal ("12", "0.35", "1.000001"); more than six decimals would lose fen.
    pub fn parse_10k_yuan(text: &str) -> Result<Fen, ReportingError> {
        let bad = || ReportingError::BadMoney {
            text: text.to_string(),
        };
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) if !f.is_empty() => (w, f),
            Some(_) => return Err(bad()),
            None => (text, ""),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole)
            || (!frac.is_empty() && !all_digits(frac))
            || frac.len() > DECIMALS_10K_YUAN
        {
            return Err(bad());
        }
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        let frac_fen: u64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<width$}", width = DECIMALS_10K_YUAN)
                .parse()
                .map_err(|_| bad())?
        };
        whole
            .checked_mul(FEN_PER_10K_YUAN)
            .and_then(|f| f.checked_add(frac_fen))
            .map(Fen)
            .ok_or_else(bad)
    }
}

/// Largest amount written as a JSON or xlsx number: 15 significant digits, which an IEEE double (and Excel)
/// carries exactly, so the number's shortest decimal text is the amount itself. Larger amounts (beyond 10^9
/// 万元) are written as exact text.
pub const MAX_EXACT_NUMBER_FEN: u64 = 999_999_999_999_999;

impl Fen {
    /// The amount in 万元 as a number, when [`MAX_EXACT_NUMBER_FEN`] guarantees it is exact.
    pub fn as_10k_yuan_number(self) -> Option<f64> {
        // Both operands are exact doubles and IEEE division rounds correctly: the result is the double nearest
        // the decimal, whose shortest text is that decimal (at most 15 significant digits).
        #[allow(clippy::cast_precision_loss)] // exact: ≤ MAX_EXACT_NUMBER_FEN < 2^53
        let number =
            (self.0 <= MAX_EXACT_NUMBER_FEN).then(|| self.0 as f64 / FEN_PER_10K_YUAN as f64);
        number
    }

    /// The amount a JSON number in 万元 states exactly (at most six decimals), or `None`.
    pub fn from_10k_yuan_number(number: f64) -> Option<Fen> {
        let scaled = (number * FEN_PER_10K_YUAN as f64).round();
        if !(0.0..=MAX_EXACT_NUMBER_FEN as f64).contains(&scaled) {
            return None;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        // checked range, integral
        let fen = Fen(scaled as u64);
        (fen.as_10k_yuan_number() == Some(number)).then_some(fen)
    }
}

/// A JSON number in 万元 (exact: at most six decimals, see [`MAX_EXACT_NUMBER_FEN`]); an amount too large for
/// that is an exact decimal string.
impl Serialize for Fen {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_10k_yuan_number() {
            Some(number) => s.serialize_f64(number),
            None => s.serialize_str(&self.to_10k_yuan()),
        }
    }
}

/// Reads a 万元 amount written as a number or as an exact decimal string (documents before numbers, and
/// amounts beyond [`MAX_EXACT_NUMBER_FEN`]); more than six decimals is an error, never rounded.
impl<'de> Deserialize<'de> for Fen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fen, D::Error> {
        d.deserialize_any(FenVisitor)
    }
}

struct FenVisitor;

impl serde::de::Visitor<'_> for FenVisitor {
    type Value = Fen;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an amount in 万元 with at most six decimals, as a number or a decimal string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Fen, E> {
        Fen::parse_10k_yuan(text).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Fen, E> {
        n.checked_mul(FEN_PER_10K_YUAN)
            .filter(|fen| *fen <= MAX_EXACT_NUMBER_FEN)
            .map(Fen)
            .ok_or_else(|| E::custom(format!("{n} 万元 is beyond the exact range")))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Fen, E> {
        let n = u64::try_from(n).map_err(|_| E::custom(format!("negative amount {n}")))?;
        self.visit_u64(n)
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Fen, E> {
        Fen::from_10k_yuan_number(n)
            .ok_or_else(|| E::custom(format!("{n} 万元 is not an exact amount of fen")))
    }
}

/// One figure of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    Count(u64),
    Change(i64),
    Money(Fen),
}

impl Figure {
    pub fn unit(self) -> Unit {
        match self {
            Figure::Count(_) => Unit::Count,
            Figure::Change(_) => Unit::Change,
            Figure::Money(_) => Unit::Money,
        }
    }

    /// The figure as a wide integer (fen for money), for sums that cannot overflow.
    pub fn as_i128(self) -> i128 {
        match self {
            Figure::Count(n) => i128::from(n),
            Figure::Change(n) => i128::from(n),
            Figure::Money(Fen(f)) => i128::from(f),
        }
    }

    /// The zero of `unit`: every cell starts at 0, never blank (identity 5).
    pub fn zero(unit: Unit) -> Figure {
        match unit {
            Unit::Count => Figure::Count(0),
            Unit::Change => Figure::Change(0),
            Unit::Money => Figure::Money(Fen(0)),
        }
    }

    /// A figure of `unit` as printed: an integer, or an exact 万元 decimal for money; `None` for other text.
    pub fn parse(unit: Unit, text: &str) -> Option<Figure> {
        let text = text.trim();
        match unit {
            Unit::Count => text.parse().ok().map(Figure::Count),
            Unit::Change => text.parse().ok().map(Figure::Change),
            Unit::Money => Fen::parse_10k_yuan(text).ok().map(Figure::Money),
        }
    }

    /// Builds a figure of `unit` from a wide integer; `None` when it does not fit the unit.
    pub fn from_i128(unit: Unit, value: i128) -> Option<Figure> {
        match unit {
            Unit::Count => u64::try_from(value).ok().map(Figure::Count),
            Unit::Change => i64::try_from(value).ok().map(Figure::Change),
            Unit::Money => u64::try_from(value).ok().map(|f| Figure::Money(Fen(f))),
        }
    }
}

/// Prints the figure as the report shows it: counts as integers, money in 万元, zero as "0".
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Figure::Count(n) => write!(f, "{n}"),
            Figure::Change(n) => write!(f, "{n}"),
            Figure::Money(fen) => f.write_str(&fen.to_10k_yuan()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_prints_exact_yuan() {
        for (fen, text) in [
            (0, "0"),
            (5, "0.05"),
            (38_000, "380"),
            (38_050, "380.5"),
            (15_001, "150.01"),
        ] {
            assert_eq!(Fen(fen).to_yuan(), text);
        }
    }

    #[test]
    fn money_prints_exact_10k_yuan() {
        let cases = [
            (0, "0"),
            (1, "0.000001"),
            (1_250_000, "1.25"),
            (3_000_000, "3"),
            (12_345_678, "12.345678"),
        ];
        for (fen, text) in cases {
            assert_eq!(Fen(fen).to_10k_yuan(), text);
            assert_eq!(Fen::parse_10k_yuan(text).ok(), Some(Fen(fen)));
        }
    }

    #[test]
    fn money_as_a_number_is_exact_both_ways() {
        for fen in [0, 1, 38_000, 1_250_000, 12_345_678, MAX_EXACT_NUMBER_FEN] {
            let text = serde_json::to_string(&Fen(fen)).expect("serialise");
            assert!(!text.starts_with('"'), "{fen}: {text}");
            let parsed: f64 = text.parse().expect("a number");
            assert_eq!(Fen::from_10k_yuan_number(parsed), Some(Fen(fen)));
            assert_eq!(serde_json::from_str::<Fen>(&text).ok(), Some(Fen(fen)));
        }
        assert_eq!(
            serde_json::to_string(&Fen(12_345_678)).ok().as_deref(),
            Some("12.345678")
        );
        assert_eq!(
            serde_json::from_str::<Fen>("\"1.25\"").ok(),
            Some(Fen(1_250_000))
        );
        for inexact in ["0.0000015", "-1", "1e20"] {
            assert!(serde_json::from_str::<Fen>(inexact).is_err(), "{inexact}");
        }
        let huge = serde_json::to_string(&Fen(MAX_EXACT_NUMBER_FEN + 1)).expect("serialise");
        assert_eq!(huge, "\"1000000000\"");
    }

    #[test]
    fn money_rejects_inexact_or_malformed_text() {
        for text in ["", ".5", "1.", "1.0000001", "-1", "1e3", "1,5", "１"] {
            assert!(Fen::parse_10k_yuan(text).is_err(), "{text:?} accepted");
        }
    }

    #[test]
    fn zero_prints_as_0_in_every_unit() {
        for unit in [Unit::Count, Unit::Change, Unit::Money] {
            assert_eq!(Figure::zero(unit).to_string(), "0");
            assert_eq!(Figure::zero(unit).unit(), unit);
        }
    }
}
