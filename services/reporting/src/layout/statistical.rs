//! The pre-2019 《政府信息公开情况统计表》. annual-report.md marks its indicator list as reconstructed, so these
//! codes are this project's own. Each indicator is one cell `section.indicator.count` (or
//! `section.indicator.amount_10k_yuan` for money); the unit is part of the label.
//!
//! | section | codes (`.count` unless noted) |
//! |---|---|
//! | 一 `proactive` | `information`, `information_normative`, `normative_documents_issued`, `via_gazette`, `via_website`, `via_weibo`, `via_wechat`, `via_other` |
//! | 二 `responses` | `public_concerns`, `press_conferences`, `press_conferences_principal`, `online_interviews`, `online_interviews_principal`, `policy_interpretations`, `weibo_wechat`, `other_channels` |
//! | 三 `applications` | `received` (= `in_person` + `fax` + `online` + `letter`), `concluded` (= `concluded_on_time` + `concluded_extended`), `replies` (= `already_public` + `agreed` + `partly_agreed` + `refused` + `not_this_agency` + `not_exist` + `amend` + `other_route`), `refused` (= `refused_state_secret` + `refused_commercial_secret` + `refused_privacy` + `refused_security_stability` + `refused_not_government_information` + `refused_other_legal`) |
//! | 四 `challenges` | `reconsideration` (= `reconsideration_upheld` + `reconsideration_corrected` + `reconsideration_other`) |
//! | 五 `challenges` | `litigation` (= `litigation_upheld` + `litigation_corrected` + `litigation_other`) |
//! | 六 `complaints` | `received` |
//! | 七 `fees` | `applications.amount_10k_yuan` |
//! | 八 `organisation` | `dedicated_bodies`, `reading_points`, `staff` (= `staff_full_time` + `staff_part_time`), `budget.amount_10k_yuan` |
//! | 九 `training` | `meetings`, `courses`, `trainees` |

use super::{Block, Column, Row, RowKind, TableLayout, TableShape};
use crate::figure::Unit;
use crate::identity::Identity;

const COUNT: &[Column] = &[Column {
    code: "count",
    label_zh: "统计数",
    group_zh: None,
    unit: Unit::Count,
    total: None,
}];
const AMOUNT: &[Column] = &[Column {
    code: "amount_10k_yuan",
    label_zh: "统计数",
    group_zh: None,
    unit: Unit::Money,
    total: None,
}];

const fn row(code: &'static str, label_zh: &'static str, depth: u8) -> Row {
    Row {
        code: Some(code),
        label_zh,
        depth,
        kind: RowKind::Base,
    }
}

const fn sum(
    code: &'static str,
    label_zh: &'static str,
    depth: u8,
    parts: &'static [&'static str],
) -> Row {
    Row {
        code: Some(code),
        label_zh,
        depth,
        kind: RowKind::Sum {
            identity: Identity::SumOfParts,
            parts,
            printed: true,
        },
    }
}

const fn heading(label_zh: &'static str, depth: u8) -> Row {
    Row {
        code: None,
        label_zh,
        depth,
        kind: RowKind::Heading,
    }
}

const fn block(columns: &'static [Column], rows: &'static [&'static [Row]]) -> Block {
    Block {
        heading_zh: None,
        row_header_zh: "统计指标",
        columns,
        rows,
        balance: None,
    }
}

const fn table(
    code: &'static str,
    number_zh: &'static str,
    title_zh: &'static str,
    blocks: &'static [Block],
) -> TableLayout {
    TableLayout {
        code,
        number_zh,
        title_zh,
        shape: TableShape::Blocks,
        top_left_zh: None,
        columns_header_zh: None,
        blocks,
    }
}

pub const STATISTICAL_TABLES: &[TableLayout] = &[
    table(
        "proactive",
        "一",
        "主动公开情况",
        &[block(
            COUNT,
            &[&[
                row("information", "（一）主动公开政府信息数（条）", 0),
                row(
                    "information_normative",
                    "其中：主动公开规范性文件数（条）",
                    1,
                ),
                row("normative_documents_issued", "制发规范性文件总数（件）", 1),
                heading("（二）通过不同渠道和方式公开政府信息的情况", 0),
                row("via_gazette", "1. 政府公报公开政府信息数（条）", 1),
                row("via_website", "2. 政府网站公开政府信息数（条）", 1),
                row("via_weibo", "3. 政务微博公开政府信息数（条）", 1),
                row("via_wechat", "4. 政务微信公开政府信息数（条）", 1),
                row("via_other", "5. 其他方式公开政府信息数（条）", 1),
            ]],
        )],
    ),
    table(
        "responses",
        "二",
        "回应解读情况",
        &[block(
            COUNT,
            &[&[
                row(
                    "public_concerns",
                    "（一）回应公众关注热点或重大舆情数（次）",
                    0,
                ),
                heading("（二）通过不同渠道和方式回应解读的情况", 0),
                row(
                    "press_conferences",
                    "1. 参加或举办新闻发布会总次数（次）",
                    1,
                ),
                row(
                    "press_conferences_principal",
                    "其中：主要负责同志参加新闻发布会次数（次）",
                    2,
                ),
                row("online_interviews", "2. 政府网站在线访谈次数（次）", 1),
                row(
                    "online_interviews_principal",
                    "其中：主要负责同志参加政府网站在线访谈次数（次）",
                    2,
                ),
                row("policy_interpretations", "3. 政策解读稿件发布数（篇）", 1),
                row("weibo_wechat", "4. 微博微信回应事件数（次）", 1),
                row("other_channels", "5. 其他方式回应事件数（次）", 1),
            ]],
        )],
    ),
    table(
        "applications",
        "三",
        "依申请公开情况",
        &[block(
            COUNT,
            &[&[
                sum(
                    "received",
                    "（一）收到申请数（件）",
                    0,
                    &["in_person", "fax", "online", "letter"],
                ),
                row("in_person", "1. 当面申请数（件）", 1),
                row("fax", "2. 传真申请数（件）", 1),
                row("online", "3. 网络申请数（件）", 1),
                row("letter", "4. 信函申请数（件）", 1),
                sum(
                    "concluded",
                    "（二）申请办结数（件）",
                    0,
                    &["concluded_on_time", "concluded_extended"],
                ),
                row("concluded_on_time", "1. 按时办结数（件）", 1),
                row("concluded_extended", "2. 延期办结数（件）", 1),
                sum(
                    "replies",
                    "（三）申请答复数（件）",
                    0,
                    &[
                        "already_public",
                        "agreed",
                        "partly_agreed",
                        "refused",
                        "not_this_agency",
                        "not_exist",
                        "amend",
                        "other_route",
                    ],
                ),
                row("already_public", "1. 属于已主动公开范围数（件）", 1),
                row("agreed", "2. 同意公开答复数（件）", 1),
                row("partly_agreed", "3. 同意部分公开答复数（件）", 1),
                sum(
                    "refused",
                    "4. 不同意公开答复数（件）",
                    1,
                    &[
                        "refused_state_secret",
                        "refused_commercial_secret",
                        "refused_privacy",
                        "refused_security_stability",
                        "refused_not_government_information",
                        "refused_other_legal",
                    ],
                ),
                row("refused_state_secret", "其中：涉及国家秘密（件）", 2),
                row("refused_commercial_secret", "涉及商业秘密（件）", 2),
                row("refused_privacy", "涉及个人隐私（件）", 2),
                row(
                    "refused_security_stability",
                    "危及国家安全、公共安全、经济安全和社会稳定（件）",
                    2,
                ),
                row(
                    "refused_not_government_information",
                    "不是《条例》所指政府信息（件）",
                    2,
                ),
                row("refused_other_legal", "法律法规规定的其他情形（件）", 2),
                row("not_this_agency", "5. 不属于本行政机关公开数（件）", 1),
                row("not_exist", "6. 申请信息不存在数（件）", 1),
                row("amend", "7. 告知作出更改补充数（件）", 1),
                row("other_route", "8. 告知通过其他途径办理数（件）", 1),
            ]],
        )],
    ),
    table(
        "challenges",
        "四",
        "行政复议数量",
        &[block(
            COUNT,
            &[&[
                sum(
                    "reconsideration",
                    "行政复议数量（件）",
                    0,
                    &[
                        "reconsideration_upheld",
                        "reconsideration_corrected",
                        "reconsideration_other",
                    ],
                ),
                row("reconsideration_upheld", "1. 维持具体行政行为数（件）", 1),
                row("reconsideration_corrected", "2. 被依法纠错数（件）", 1),
                row("reconsideration_other", "3. 其他情形数（件）", 1),
            ]],
        )],
    ),
    table(
        "challenges",
        "五",
        "行政诉讼数量",
        &[block(
            COUNT,
            &[&[
                sum(
                    "litigation",
                    "行政诉讼数量（件）",
                    0,
                    &[
                        "litigation_upheld",
                        "litigation_corrected",
                        "litigation_other",
                    ],
                ),
                row(
                    "litigation_upheld",
                    "1. 维持具体行政行为或者驳回原告诉讼请求数（件）",
                    1,
                ),
                row("litigation_corrected", "2. 被依法纠错数（件）", 1),
                row("litigation_other", "3. 其他情形数（件）", 1),
            ]],
        )],
    ),
    table(
        "complaints",
        "六",
        "举报投诉数量",
        &[block(COUNT, &[&[row("received", "举报投诉数量（件）", 0)]])],
    ),
    table(
        "fees",
        "七",
        "依申请公开信息收取的费用",
        &[block(
            AMOUNT,
            &[&[row("applications", "依申请公开信息收取的费用（万元）", 0)]],
        )],
    ),
    table(
        "organisation",
        "八",
        "机构建设和保障经费情况",
        &[
            block(
                COUNT,
                &[&[
                    row(
                        "dedicated_bodies",
                        "（一）政府信息公开工作专门机构数（个）",
                        0,
                    ),
                    row("reading_points", "（二）设置政府信息公开查阅点数（个）", 0),
                    sum(
                        "staff",
                        "（三）从事政府信息公开工作人员数（人）",
                        0,
                        &["staff_full_time", "staff_part_time"],
                    ),
                    row("staff_full_time", "1. 专职人员数（人）", 1),
                    row("staff_part_time", "2. 兼职人员数（人）", 1),
                ]],
            ),
            block(
                AMOUNT,
                &[&[row("budget", "（四）政府信息公开专项经费（万元）", 0)]],
            ),
        ],
    ),
    table(
        "training",
        "九",
        "会议和培训情况",
        &[block(
            COUNT,
            &[&[
                row(
                    "meetings",
                    "（一）召开政府信息公开工作会议或专题会议数（次）",
                    0,
                ),
                row("courses", "（二）举办各类培训班数（次）", 0),
                row("trainees", "（三）接受培训人员数（人次）", 0),
            ]],
        )],
    ),
];
