//! Table 二 (主动公开政府信息情况). The 2021 blocks and codes are the spec's; the 2019 blocks' codes are this
//! project's own, in the same `table.row.column` style:
//!
//! | 2019 block | rows | columns |
//! |---|---|---|
//! | 第二十条第（一）项 | `rules`, `normative_documents` | `new_made` 本年新制作数量, `new_published` 本年新公开数量, `total_published` 对外公开总数量 |
//! | 第二十条第（五）项 | `licensing`, `other_services` | `previous_items` 上一年项目数量, `change` 本年增/减 (signed), `decisions` 处理决定数量 |
//! | 第二十条第（六）项 | `penalty`, `compulsion` | same three as （五） |
//! | 第二十条第（八）项 | `fees` | `previous_items`, `change` |
//! | 第二十条第（九）项 | `procurement` | `projects` 采购项目数量, `amount_10k_yuan` 采购总金额 (money, 万元) |

use super::{Block, Column, Row, RowKind, TableLayout, TableShape};
use crate::figure::Unit;

const fn column(code: &'static str, label_zh: &'static str, unit: Unit) -> Column {
    Column {
        code,
        label_zh,
        group_zh: None,
        unit,
        total: None,
    }
}

const fn row(code: &'static str, label_zh: &'static str) -> Row {
    Row {
        code: Some(code),
        label_zh,
        depth: 0,
        kind: RowKind::Base,
    }
}

const fn block(
    heading_zh: &'static str,
    columns: &'static [Column],
    rows: &'static [&'static [Row]],
) -> Block {
    Block {
        heading_zh: Some(heading_zh),
        row_header_zh: "信息内容",
        columns,
        rows,
        balance: None,
    }
}

const fn table(blocks: &'static [Block]) -> TableLayout {
    TableLayout {
        code: "proactive",
        number_zh: "二",
        title_zh: "主动公开政府信息情况",
        shape: TableShape::Blocks,
        top_left_zh: None,
        columns_header_zh: None,
        blocks,
    }
}

const DOCUMENTS_2021: &[Column] = &[
    column("issued", "本年制发件数", Unit::Count),
    column("repealed", "本年废止件数", Unit::Count),
    column("in_force", "现行有效件数", Unit::Count),
];
const DECISIONS_2021: &[Column] = &[column("decisions", "本年处理决定数量", Unit::Count)];
const FEES_2021: &[Column] = &[column(
    "amount_10k_yuan",
    "本年收费金额（单位：万元）",
    Unit::Money,
)];

pub const PROACTIVE_2021: TableLayout = table(&[
    block(
        "第二十条第（一）项",
        DOCUMENTS_2021,
        &[&[
            row("rules", "规章"),
            row("normative_documents", "行政规范性文件"),
        ]],
    ),
    block(
        "第二十条第（五）项",
        DECISIONS_2021,
        &[&[row("licensing", "行政许可")]],
    ),
    block(
        "第二十条第（六）项",
        DECISIONS_2021,
        &[&[row("penalty", "行政处罚"), row("compulsion", "行政强制")]],
    ),
    block(
        "第二十条第（八）项",
        FEES_2021,
        &[&[row("fees", "行政事业性收费")]],
    ),
]);

const DOCUMENTS_2019: &[Column] = &[
    column("new_made", "本年新制作数量", Unit::Count),
    column("new_published", "本年新公开数量", Unit::Count),
    column("total_published", "对外公开总数量", Unit::Count),
];
const ITEMS_2019: &[Column] = &[
    column("previous_items", "上一年项目数量", Unit::Count),
    column("change", "本年增/减", Unit::Change),
    column("decisions", "处理决定数量", Unit::Count),
];
const FEES_2019: &[Column] = &[
    column("previous_items", "上一年项目数量", Unit::Count),
    column("change", "本年增/减", Unit::Change),
];
const PROCUREMENT_2019: &[Column] = &[
    column("projects", "采购项目数量", Unit::Count),
    column("amount_10k_yuan", "采购总金额", Unit::Money),
];

pub const PROACTIVE_2019: TableLayout = table(&[
    block(
        "第二十条第（一）项",
        DOCUMENTS_2019,
        &[&[
            row("rules", "规章"),
            row("normative_documents", "规范性文件"),
        ]],
    ),
    block(
        "第二十条第（五）项",
        ITEMS_2019,
        &[&[
            row("licensing", "行政许可"),
            row("other_services", "其他对外管理服务事项"),
        ]],
    ),
    block(
        "第二十条第（六）项",
        ITEMS_2019,
        &[&[row("penalty", "行政处罚"), row("compulsion", "行政强制")]],
    ),
    block(
        "第二十条第（八）项",
        FEES_2019,
        &[&[row("fees", "行政事业性收费")]],
    ),
    block(
        "第二十条第（九）项",
        PROCUREMENT_2019,
        &[&[row("procurement", "政府集中采购")]],
    ),
]);
