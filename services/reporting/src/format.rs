//! Which national format a report must use: the format of the year whose data it reports.

use serde::{Deserialize, Serialize};

/// First year any report format applies to: the 条例 took effect on 2008-05-01.
pub const FIRST_REPORT_YEAR: i32 = 2008;
/// Last year accepted; a guard against typos (20210) rather than a statutory limit.
pub const LAST_REPORT_YEAR: i32 = 2999;

/// The three national formats the project can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReportFormat {
    /// 《政府信息公开情况统计表》 (framework 国办发〔2014〕32号), data years up to 2018.
    #[serde(rename = "statistical_table")]
    StatisticalTable,
    /// 国办公开办函〔2019〕60号 "格式（试行）", data years 2019–2020.
    #[serde(rename = "2019")]
    Format2019,
    /// 国办公开办函〔2021〕30号, data years 2021 onward.
    #[serde(rename = "2021")]
    Format2021,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 3] = [
        ReportFormat::StatisticalTable,
        ReportFormat::Format2019,
        ReportFormat::Format2021,
    ];

    /// The format in force for the data of `year` (annual-report.md §Formats in force).
    pub fn for_year(year: i32) -> ReportFormat {
        if year >= 2021 {
            ReportFormat::Format2021
        } else if year >= 2019 {
            ReportFormat::Format2019
        } else {
            ReportFormat::StatisticalTable
        }
    }

    /// Stable machine name, as used in JSON and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            ReportFormat::StatisticalTable => "statistical_table",
            ReportFormat::Format2019 => "2019",
            ReportFormat::Format2021 => "2021",
        }
    }

    /// The document that defines the format, as printed on the report.
    pub fn basis_zh(self) -> &'static str {
        match self {
            ReportFormat::StatisticalTable => "《政府信息公开情况统计表》（国办发〔2014〕32号）",
            ReportFormat::Format2019 => "国办公开办函〔2019〕60号",
            ReportFormat::Format2021 => "国办公开办函〔2021〕30号",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_data_year() {
        let cases = [
            (2008, ReportFormat::StatisticalTable),
            (2018, ReportFormat::StatisticalTable),
            (2019, ReportFormat::Format2019),
            (2020, ReportFormat::Format2019),
            (2021, ReportFormat::Format2021),
            (2025, ReportFormat::Format2021),
        ];
        for (year, format) in cases {
            assert_eq!(ReportFormat::for_year(year), format, "year {year}");
        }
    }
}
