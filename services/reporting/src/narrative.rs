//! The figures the narrative parts 一 and 六 quote, taken from the same cells as the tables (identity 6).

use serde::{Deserialize, Serialize};

use crate::error::ReportingError;
use crate::figure::{Fen, Figure};
use crate::format::ReportFormat;
use crate::layout::catalogue;
use crate::report::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NarrativeFigures {
    /// 本年新收政府信息公开申请数量, 总计 column.
    pub applications_received: u64,
    /// 行政复议, 总计.
    pub reconsiderations: u64,
    /// 行政诉讼 (direct + after reconsideration), 总计.
    pub lawsuits: u64,
    /// The money figure of the tables (2021: 行政事业性收费 本年收费金额; statistical table: 依申请公开信息收取的
    /// 费用); `None` in the 2019 format, whose tables carry no amount.
    pub fees_collected_10k_yuan: Option<Fen>,
}

impl NarrativeFigures {
    /// The heading of the pre-filled narrative figures. In the 2019 and 2021 formats they belong to part
    /// 一、总体情况; the pre-2019 statistical table numbers its own sections 一 to 九, so there the heading
    /// carries no numeral of its own.
    pub fn heading_zh(format: ReportFormat) -> &'static str {
        match format {
            ReportFormat::StatisticalTable => "总体情况（预填数字）",
            ReportFormat::Format2019 | ReportFormat::Format2021 => "一、总体情况（预填数字）",
        }
    }

    /// Reads the narrative figures from the report's cells; errors name a blank or overflowing cell.
    pub(crate) fn from_cells(report: &Report) -> Result<NarrativeFigures, ReportingError> {
        let source = &catalogue(report.format()).layout.narrative;
        let count = |name: &str, codes: &[&str]| -> Result<u64, ReportingError> {
            let sum = Self::sum_cells(report, codes).ok_or_else(|| ReportingError::BlankCell {
                code: codes.join("+"),
                agency: report.agency().to_string(),
            })?;
            u64::try_from(sum).map_err(|_| ReportingError::Overflow {
                code: format!("narrative.{name}"),
            })
        };
        let fees = match source.fees_collected {
            Some(code) => match report.get(code) {
                Some(Figure::Money(fen)) => Some(fen),
                _ => {
                    return Err(ReportingError::BlankCell {
                        code: code.to_string(),
                        agency: report.agency().to_string(),
                    });
                }
            },
            None => None,
        };
        Ok(NarrativeFigures {
            applications_received: count("applications_received", source.applications_received)?,
            reconsiderations: count("reconsiderations", source.reconsiderations)?,
            lawsuits: count("lawsuits", source.lawsuits)?,
            fees_collected_10k_yuan: fees,
        })
    }

    /// The figures as the cells restate them, for a report read from a table that states none of its own: a
    /// figure whose cells are blank (identity 5 reports them) is 0, or no amount.
    pub(crate) fn restated(report: &Report) -> NarrativeFigures {
        let source = &catalogue(report.format()).layout.narrative;
        let count = |codes: &[&str]| {
            Self::sum_cells(report, codes)
                .and_then(|sum| u64::try_from(sum).ok())
                .unwrap_or(0)
        };
        NarrativeFigures {
            applications_received: count(source.applications_received),
            reconsiderations: count(source.reconsiderations),
            lawsuits: count(source.lawsuits),
            fees_collected_10k_yuan: source.fees_collected.and_then(|code| {
                match report.get(code) {
                    Some(Figure::Money(fen)) => Some(fen),
                    _ => None,
                }
            }),
        }
    }

    /// Σ of the cells `codes`; `None` when one is blank or unknown.
    pub(crate) fn sum_cells(report: &Report, codes: &[&str]) -> Option<i128> {
        codes
            .iter()
            .map(|code| report.get(code).map(Figure::as_i128))
            .sum()
    }

    /// The sentence parts 一 and 六 pre-fill, in Chinese.
    pub fn text_zh(&self) -> String {
        let mut text = format!(
            "本年度新收政府信息公开申请{}件；政府信息公开行政复议{}件，行政诉讼{}件",
            self.applications_received, self.reconsiderations, self.lawsuits
        );
        if let Some(fees) = self.fees_collected_10k_yuan {
            text.push_str(&format!("；收费金额{}万元", fees.to_10k_yuan()));
        }
        text.push('。');
        text
    }
}
