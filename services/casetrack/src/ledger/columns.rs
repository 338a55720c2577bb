//! The ledger's column layout: which headers name which field, in Chinese or English. The same table drives
//! header recognition and the layout printed by `casetrack import --help`, so the two cannot drift apart.

use std::fmt::Write as _;

/// A field of a ledger row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    ExternalId,
    Agency,
    ReceivedOn,
    ApplicantType,
    Channel,
    Content,
    Outcome,
    LegalReason,
    DecidedOn,
    DeliveredOn,
    SupplementRequestedOn,
    FeeNoticeOn,
    FeeYuan,
}

/// One column of the layout: the English header (also the field name in messages), the Chinese headers
/// accepted for it, whether a file must have it, and what goes in it.
pub struct ColumnSpec {
    pub column: Column,
    pub en: &'static str,
    pub zh: &'static [&'static str],
    pub required: Requirement,
    pub meaning: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Every row must fill it.
    Always,
    /// The file may leave the column out when `--agency` gives the value for every row.
    UnlessAgencyFlag,
    /// May be empty.
    Optional,
}

/// The layout, in the order `--help` prints it.
pub const COLUMNS: [ColumnSpec; 13] = [
    ColumnSpec {
        column: Column::ExternalId,
        en: "external_id",
        zh: &["编号", "申请编号", "序号"],
        required: Requirement::Always,
        meaning: "the ledger's own number of the application; with the agency it is the row's identity, \
                  so re-importing a file changes nothing",
    },
    ColumnSpec {
        column: Column::Agency,
        en: "agency",
        zh: &["机关", "办理机关", "单位"],
        required: Requirement::UnlessAgencyFlag,
        meaning: "the agency id (e.g. simao/finance); empty or absent: the value of --agency",
    },
    ColumnSpec {
        column: Column::ReceivedOn,
        en: "received_on",
        zh: &["收到日期", "受理日期", "申请日期"],
        required: Requirement::Always,
        meaning: "the statutory receipt date (条例 Art. 31): YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, \
                  YYYY年M月D日 or an xlsx date cell",
    },
    ColumnSpec {
        column: Column::ApplicantType,
        en: "applicant_type",
        zh: &["申请人类型", "申请人情况"],
        required: Requirement::Always,
        meaning: "自然人|natural_person, 商业企业|business, 科研机构|research, 社会公益组织|nonprofit, \
                  法律服务机构|legal_service, 其他|other_org",
    },
    ColumnSpec {
        column: Column::Channel,
        en: "channel",
        zh: &["渠道", "申请方式"],
        required: Requirement::Always,
        meaning: "当面|in_person, 信函|post, 网络|internet, 传真|fax, 热线转办|hotline_referral",
    },
    ColumnSpec {
        column: Column::Content,
        en: "content",
        zh: &["申请内容", "内容"],
        required: Requirement::Optional,
        meaning: "what was asked for (free text)",
    },
    ColumnSpec {
        column: Column::Outcome,
        en: "outcome",
        zh: &["办理结果", "答复结果"],
        required: Requirement::Optional,
        meaning: "the table 三 row code (e.g. withheld.third_party) or its Chinese label (e.g. 保护第三方合法权益 \
                  or （三）4.保护第三方合法权益; 逾期不补正 and 逾期未缴费 for （六）1 and 2); empty: the application \
                  is still open",
    },
    ColumnSpec {
        column: Column::LegalReason,
        en: "legal_reason",
        zh: &["理由", "法律依据"],
        required: Requirement::Optional,
        meaning: "the legal reason given; empty: the outcome's basis in the 条例",
    },
    ColumnSpec {
        column: Column::DecidedOn,
        en: "decided_on",
        zh: &["办结日期", "答复日期", "决定日期"],
        required: Requirement::Optional,
        meaning: "the day the decision was made; required with an outcome, must be empty without one",
    },
    ColumnSpec {
        column: Column::DeliveredOn,
        en: "delivered_on",
        zh: &["送达日期"],
        required: Requirement::Optional,
        meaning: "the day the reply reached the applicant (the case closes that day); empty: the decision day",
    },
    ColumnSpec {
        column: Column::SupplementRequestedOn,
        en: "supplement_requested_on",
        zh: &["补正日期"],
        required: Requirement::Optional,
        meaning: "the day 补正 was requested; required with outcome other.no_supplement (逾期不补正), whose \
                  decision date is then the day the application was deemed abandoned; must be empty otherwise",
    },
    ColumnSpec {
        column: Column::FeeNoticeOn,
        en: "fee_notice_on",
        zh: &["收费通知日期"],
        required: Requirement::Optional,
        meaning: "the day the fee notice was issued; required with outcome other.fee_unpaid (逾期未缴费), whose \
                  decision date is then the day the application was dropped (after the 20 working days to pay); \
                  must be empty otherwise",
    },
    ColumnSpec {
        column: Column::FeeYuan,
        en: "fee_yuan",
        zh: &["收费金额"],
        required: Requirement::Optional,
        meaning: "the fee the notice asked for, whole yuan, as 国办函〔2020〕109号 charges it (per application or \
                  per page); empty: the lowest per-application fee; only with fee_notice_on",
    },
];

impl Column {
    pub fn spec(self) -> &'static ColumnSpec {
        // COLUMNS is in declaration order; the test below proves it.
        &COLUMNS[self as usize]
    }

    /// The English header, used to name the field in every message.
    pub fn name(self) -> &'static str {
        self.spec().en
    }
}

/// The column a header names, if any. English headers match case-insensitively; surrounding spaces and a
/// UTF-8 byte-order mark (Excel writes one into CSV) are ignored.
pub fn column_for_header(header: &str) -> Option<Column> {
    let header = header.trim_start_matches('\u{feff}').trim();
    COLUMNS
        .iter()
        .find(|spec| spec.en.eq_ignore_ascii_case(header) || spec.zh.contains(&header))
        .map(|spec| spec.column)
}

/// The layout as `casetrack import --help` prints it.
pub fn layout_help() -> String {
    let mut text = String::from(
        "LEDGER LAYOUT (one row per application; the first row holds the headers, in any order; \
         other columns are ignored)\n",
    );
    for spec in &COLUMNS {
        let required = match spec.required {
            Requirement::Always => "required",
            Requirement::UnlessAgencyFlag => "required unless --agency",
            Requirement::Optional => "optional",
        };
        // Writing to a String cannot fail.
        let _ = writeln!(
            text,
            "  {} / {} ({required}): {}",
            spec.en,
            spec.zh.join(" / "),
            spec.meaning
        );
    }
    text.push_str(
        "\nEach decided row becomes the events received → decided → reply delivered → closed, decided by the domain's \
         rules and recorded at noon China time of each date; a row without an outcome stays open. other.no_supplement \
         and other.fee_unpaid rows become received → 补正 requested (period ending the day before the decision date) \
         or fee notice issued → abandoned on the decision date → reply delivered → closed, and need \
         supplement_requested_on or fee_notice_on. Every new case gets a tracking number \
         (--tracking-prefix, year of receipt), as intake gives one. Files: .csv (UTF-8) and .xlsx (first sheet). Rows are written straight \
         into the event log of --data (do not run it while `casetrack serve` holds that log).",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_in_declaration_order() {
        for (index, spec) in COLUMNS.iter().enumerate() {
            assert_eq!(
                spec.column as usize, index,
                "COLUMNS out of order at {}",
                spec.en
            );
        }
    }

    #[test]
    fn headers_match_in_both_languages() {
        assert_eq!(column_for_header("收到日期"), Some(Column::ReceivedOn));
        assert_eq!(column_for_header(" Received_On "), Some(Column::ReceivedOn));
        assert_eq!(column_for_header("\u{feff}编号"), Some(Column::ExternalId));
        assert_eq!(column_for_header("办理结果"), Some(Column::Outcome));
        assert_eq!(column_for_header("申请人姓名"), None);
        for spec in &COLUMNS {
            assert_eq!(column_for_header(spec.en), Some(spec.column));
            for zh in spec.zh {
                assert_eq!(column_for_header(zh), Some(spec.column), "{zh}");
            }
        }
    }
}
