//! The ledger import: past disclosure applications kept in a spreadsheet (台账), one row per application,
//! turned into the events of the log.
//!
//! Column layout (headers in row 1, any order, Chinese or English; other columns are ignored):
//!
//! | English          | Chinese                      | required                | content |
//! |------------------|------------------------------|-------------------------|---------|
//! | `external_id`    | 编号 / 申请编号 / 序号        | yes                     | the ledger's number; with the agency, the row's identity |
//! | `agency`         | 机关 / 办理机关 / 单位        | unless `--agency`       | agency id, e.g. `simao/finance` |
//! | `received_on`    | 收到日期 / 受理日期 / 申请日期 | yes                     | statutory receipt date |
//! | `applicant_type` | 申请人类型 / 申请人情况       | yes                     | 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他 — or the column code |
//! | `channel`        | 渠道 / 申请方式              | yes                     | 当面, 信函, 网络, 传真, 热线转办 — or in_person, post, internet, fax, hotline_referral |
//! | `content`        | 申请内容 / 内容              | no                      | free text |
//! | `outcome`        | 办理结果 / 答复结果           | no (empty: still open)  | table 三 row code or its Chinese label |
//! | `legal_reason`   | 理由 / 法律依据              | no                      | default: the outcome's basis in the 条例 |
//! | `decided_on`     | 办结日期 / 答复日期 / 决定日期 | with an outcome         | decision date |
//! | `delivered_on`   | 送达日期                     | no                      | reply delivered and case closed; default: decision date |
//! | `supplement_requested_on` | 补正日期            | with other.no_supplement | the 补正 request the applicant never answered |
//! | `fee_notice_on`  | 收费通知日期                 | with other.fee_unpaid   | the fee notice the applicant never paid |
//! | `fee_yuan`       | 收费金额                     | no                      | the notice's fee; default: the lowest per-application fee |
//!
//! Dates: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日, or an xlsx date cell. `columns.rs` holds this table
//! as data (it drives both header recognition and `casetrack import --help`).
//!
//! Every row is parsed and checked before anything is written (`row.rs`); a row's events are built from it
//! (`events.rs`) under ids derived from the agency and external id (`identity.rs`), compared with what the log
//! already holds and appended idempotently (`apply.rs`), each new case with a tracking number from intake's own
//! allocator (`numbering.rs`).

pub mod apply;
pub mod columns;
pub mod error;
pub mod events;
pub mod identity;
pub mod numbering;
pub mod row;
pub mod sheet;
