//! The 信息处理费 (information processing fees, 国办函〔2020〕109号) of an agency's year, which part 六 of the 2021
//! format reports apart from table 二's 行政事业性收费: the fee notices issued in the year, what they charged, and
//! what applicants paid in the year. The projector computes them from the fee events; a report carries them
//! only when there were any, and then seals them in its content hash.

use serde::{Deserialize, Serialize};

use crate::figure::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InformationFees {
    /// Fee notices (收费通知) issued in the year.
    pub notices_issued: u64,
    /// What those notices charged; in JSON a number in 万元, like every amount.
    #[serde(rename = "charged_10k_yuan")]
    pub charged: Fen,
    /// What applicants paid in the year.
    #[serde(rename = "collected_10k_yuan")]
    pub collected: Fen,
}

impl InformationFees {
    /// Whether any fee was charged or paid in the year.
    pub fn any(&self) -> bool {
        *self != InformationFees::default()
    }

    /// The sentence part 六 prints, amounts in 元 as published reports state them ("收取信息处理费380元").
    pub fn text_zh(&self) -> String {
        format!(
            "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度发出信息处理费缴费通知{}件，\
             应收信息处理费{}元，实际收取信息处理费{}元（与表二“行政事业性收费”分别统计）。",
            self.notices_issued,
            self.charged.to_yuan(),
            self.collected.to_yuan()
        )
    }
}
