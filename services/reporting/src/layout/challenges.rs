//! Table 四 (政府信息公开行政复议、行政诉讼情况) of the 2021 and 2019 formats: three groups of five columns.

use super::{Block, Column, Row, RowKind, TableLayout, TableShape};
use crate::figure::Unit;
use crate::identity::Identity;

const fn count(code: &'static str, label_zh: &'static str) -> Column {
    Column {
        code,
        label_zh,
        group_zh: None,
        unit: Unit::Count,
        total: None,
    }
}

const COLUMNS: &[Column] = &[
    count("upheld", "结果维持"),
    count("corrected", "结果纠正"),
    count("other", "其他结果"),
    count("pending", "尚未审结"),
    Column {
        code: "total",
        label_zh: "总计",
        group_zh: None,
        unit: Unit::Count,
        total: Some(Identity::ChallengeTotal),
    },
];

const ROWS: &[Row] = &[
    Row {
        code: Some("reconsideration"),
        label_zh: "行政复议",
        depth: 0,
        kind: RowKind::Base,
    },
    Row {
        code: None,
        label_zh: "行政诉讼",
        depth: 0,
        kind: RowKind::Heading,
    },
    Row {
        code: Some("litigation_direct"),
        label_zh: "未经复议直接起诉",
        depth: 1,
        kind: RowKind::Base,
    },
    Row {
        code: Some("litigation_after_reconsideration"),
        label_zh: "复议后起诉",
        depth: 1,
        kind: RowKind::Base,
    },
];

pub const CHALLENGES: TableLayout = TableLayout {
    code: "challenges",
    number_zh: "四",
    title_zh: "政府信息公开行政复议、行政诉讼情况",
    shape: TableShape::Challenges,
    top_left_zh: None,
    columns_header_zh: None,
    blocks: &[Block {
        heading_zh: None,
        row_header_zh: "",
        columns: COLUMNS,
        rows: &[ROWS],
        balance: None,
    }],
};
