//! Table 三 (收到和处理政府信息公开申请情况) of the 2021 and 2019 formats: rows, columns and labels verbatim
//! from annual-report.md. The two formats differ only in （六）其他处理.

use super::{Balance, Block, Column, Row, RowKind, TableLayout, TableShape};
use crate::figure::Unit;
use crate::identity::Identity;

/// The official identity printed in the top-left cell, verbatim.
pub const IDENTITY_TEXT_ZH: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

const fn count(
    code: &'static str,
    label_zh: &'static str,
    group_zh: Option<&'static str>,
) -> Column {
    Column {
        code,
        label_zh,
        group_zh,
        unit: Unit::Count,
        total: None,
    }
}

const LEGAL: Option<&str> = Some("法人或其他组织");

const COLUMNS: &[Column] = &[
    count("natural_person", "自然人", None),
    count("business", "商业企业", LEGAL),
    count("research", "科研机构", LEGAL),
    count("nonprofit", "社会公益组织", LEGAL),
    count("legal_service", "法律服务机构", LEGAL),
    count("other_org", "其他", LEGAL),
    Column {
        code: "total",
        label_zh: "总计",
        group_zh: None,
        unit: Unit::Count,
        total: Some(Identity::TotalColumn),
    },
];

const fn base(code: &'static str, label_zh: &'static str, depth: u8) -> Row {
    Row {
        code: Some(code),
        label_zh,
        depth,
        kind: RowKind::Base,
    }
}

const fn group(code: &'static str, label_zh: &'static str, parts: &'static [&'static str]) -> Row {
    Row {
        code: Some(code),
        label_zh,
        depth: 1,
        kind: RowKind::Sum {
            identity: Identity::GroupSum,
            parts,
            printed: false,
        },
    }
}

const WITHHELD: &[&str] = &[
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.security_stability",
    "withheld.third_party",
    "withheld.internal_affairs",
    "withheld.process_info",
    "withheld.enforcement_file",
    "withheld.query_matter",
];
const UNAVAILABLE: &[&str] = &[
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.still_unclear",
];
const NOT_PROCESSED: &[&str] = &[
    "not_processed.petition_complaint",
    "not_processed.repeated",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirm_existing",
];
const OTHER_2021: &[&str] = &["other.no_supplement", "other.fee_unpaid", "other.other"];

/// Identity 2 for the 2021 format: （一） + （二） + every reason row of （三）–（六）.
const OUTCOMES_2021: &[&str] = &[
    "disclosed",
    "partly_disclosed",
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.security_stability",
    "withheld.third_party",
    "withheld.internal_affairs",
    "withheld.process_info",
    "withheld.enforcement_file",
    "withheld.query_matter",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.still_unclear",
    "not_processed.petition_complaint",
    "not_processed.repeated",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirm_existing",
    "other.no_supplement",
    "other.fee_unpaid",
    "other.other",
];

/// Identity 2 for the 2019 format, where （六）其他处理 is a single row.
const OUTCOMES_2019: &[&str] = &[
    "disclosed",
    "partly_disclosed",
    "withheld.state_secret",
    "withheld.prohibited_by_law",
    "withheld.security_stability",
    "withheld.third_party",
    "withheld.internal_affairs",
    "withheld.process_info",
    "withheld.enforcement_file",
    "withheld.query_matter",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.still_unclear",
    "not_processed.petition_complaint",
    "not_processed.repeated",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirm_existing",
    "other",
];

/// 一 … （五） with its reasons: identical in both formats.
const HEAD: &[Row] = &[
    base("received", "一、本年新收政府信息公开申请数量", 0),
    base("carried_over", "二、上年结转政府信息公开申请数量", 0),
    Row {
        code: None,
        label_zh: "三、本年度办理结果",
        depth: 0,
        kind: RowKind::Heading,
    },
    base("disclosed", "（一）予以公开", 1),
    base(
        "partly_disclosed",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        1,
    ),
    group("withheld", "（三）不予公开", WITHHELD),
    base("withheld.state_secret", "1. 属于国家秘密", 2),
    base(
        "withheld.prohibited_by_law",
        "2. 其他法律行政法规禁止公开",
        2,
    ),
    base("withheld.security_stability", "3. 危及“三安全一稳定”", 2),
    base("withheld.third_party", "4. 保护第三方合法权益", 2),
    base("withheld.internal_affairs", "5. 属于三类内部事务信息", 2),
    base("withheld.process_info", "6. 属于四类过程性信息", 2),
    base("withheld.enforcement_file", "7. 属于行政执法案卷", 2),
    base("withheld.query_matter", "8. 属于行政查询事项", 2),
    group("unavailable", "（四）无法提供", UNAVAILABLE),
    base("unavailable.not_held", "1. 本机关不掌握相关政府信息", 2),
    base(
        "unavailable.needs_creation",
        "2. 没有现成信息需要另行制作",
        2,
    ),
    base("unavailable.still_unclear", "3. 补正后申请内容仍不明确", 2),
    group("not_processed", "（五）不予处理", NOT_PROCESSED),
    base(
        "not_processed.petition_complaint",
        "1. 信访举报投诉类申请",
        2,
    ),
    base("not_processed.repeated", "2. 重复申请", 2),
    base("not_processed.publication", "3. 要求提供公开出版物", 2),
    base("not_processed.excessive", "4. 无正当理由大量反复申请", 2),
    base(
        "not_processed.confirm_existing",
        "5. 要求行政机关确认或重新出具已获取信息",
        2,
    ),
];

const fn outcome_total(parts: &'static [&'static str]) -> Row {
    Row {
        code: Some("outcome_total"),
        label_zh: "（七）总计",
        depth: 1,
        kind: RowKind::Sum {
            identity: Identity::OutcomeTotal,
            parts,
            printed: true,
        },
    }
}

const TAIL_2021: &[Row] = &[
    group("other", "（六）其他处理", OTHER_2021),
    base(
        "other.no_supplement",
        "1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        2,
    ),
    base(
        "other.fee_unpaid",
        "2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        2,
    ),
    base("other.other", "3. 其他", 2),
    outcome_total(OUTCOMES_2021),
    base("carried_forward", "四、结转下年度继续办理", 0),
];

const TAIL_2019: &[Row] = &[
    base("other", "（六）其他处理", 1),
    outcome_total(OUTCOMES_2019),
    base("carried_forward", "四、结转下年度继续办理", 0),
];

/// Identity 1, every column: 一 + 二 = 三（七）总计 + 四.
const BALANCE: Balance = Balance {
    left: &["received", "carried_over"],
    right: &["outcome_total", "carried_forward"],
};

const fn block(rows: &'static [&'static [Row]]) -> Block {
    Block {
        heading_zh: None,
        row_header_zh: "",
        columns: COLUMNS,
        rows,
        balance: Some(BALANCE),
    }
}

const BLOCKS_2021: &[Block] = &[block(&[HEAD, TAIL_2021])];
const BLOCKS_2019: &[Block] = &[block(&[HEAD, TAIL_2019])];

const fn table(blocks: &'static [Block]) -> TableLayout {
    TableLayout {
        code: "applications",
        number_zh: "三",
        title_zh: "收到和处理政府信息公开申请情况",
        shape: TableShape::Applications,
        top_left_zh: Some(IDENTITY_TEXT_ZH),
        columns_header_zh: Some("申请人情况"),
        blocks,
    }
}

pub const APPLICATIONS_2021: TableLayout = table(BLOCKS_2021);
pub const APPLICATIONS_2019: TableLayout = table(BLOCKS_2019);

#[cfg(test)]
mod tests {
    use super::*;

    /// The 三（七）总计 part lists restate the group lists by hand (const slices cannot be concatenated);
    /// this keeps them from drifting apart.
    #[test]
    fn outcome_totals_cover_every_reason_row_once() {
        let head: &[&str] = &["disclosed", "partly_disclosed"];
        let groups: &[&[&str]] = &[head, WITHHELD, UNAVAILABLE, NOT_PROCESSED];
        assert_eq!(OUTCOMES_2021, [groups, &[OTHER_2021]].concat().concat());
        assert_eq!(OUTCOMES_2019, [groups, &[&["other"][..]]].concat().concat());
    }
}
