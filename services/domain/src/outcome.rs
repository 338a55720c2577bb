//! The outcome taxonomy of an application (table 三 of the 2021 annual-report format) and the applicant types
//! (its columns). Every way an application can end is exactly one [`Outcome`], and every outcome is exactly one
//! table row; the cell codes are the public names from annual-report.md and never change.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every way the handling of an application can end. Serialised as its cell row code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Disclosed,
    PartlyDisclosed,
    WithheldStateSecret,
    WithheldProhibitedByLaw,
    WithheldSecurityStability,
    WithheldThirdParty,
    WithheldInternalAffairs,
    WithheldProcessInfo,
    WithheldEnforcementFile,
    WithheldQueryMatter,
    UnavailableNotHeld,
    UnavailableNeedsCreation,
    UnavailableStillUnclear,
    NotProcessedPetitionComplaint,
    NotProcessedRepeated,
    NotProcessedPublication,
    NotProcessedExcessive,
    NotProcessedConfirmExisting,
    OtherNoSupplement,
    OtherFeeUnpaid,
    OtherOther,
}

/// One row of table 三: the outcome, its cell row code, the printed label and the legal basis (条例 2019).
struct Row {
    outcome: Outcome,
    code: &'static str,
    label: &'static str,
    basis: &'static str,
}

/// The single source of truth for codes, labels and legal bases, in table order.
const ROWS: [Row; 21] = [
    Row {
        outcome: Outcome::Disclosed,
        code: "disclosed",
        label: "（一）予以公开",
        basis: "《政府信息公开条例》第三十六条第（一）项、第（二）项",
    },
    Row {
        outcome: Outcome::PartlyDisclosed,
        code: "partly_disclosed",
        label: "（二）部分公开",
        basis: "《政府信息公开条例》第三十七条",
    },
    Row {
        outcome: Outcome::WithheldStateSecret,
        code: "withheld.state_secret",
        label: "（三）1.属于国家秘密",
        basis: "《政府信息公开条例》第十四条（国家秘密）",
    },
    Row {
        outcome: Outcome::WithheldProhibitedByLaw,
        code: "withheld.prohibited_by_law",
        label: "（三）2.其他法律行政法规禁止公开",
        basis: "《政府信息公开条例》第十四条（法律、行政法规禁止公开）",
    },
    Row {
        outcome: Outcome::WithheldSecurityStability,
        code: "withheld.security_stability",
        label: "（三）3.危及“三安全一稳定”",
        basis: "《政府信息公开条例》第十四条（危及国家安全、公共安全、经济安全、社会稳定）",
    },
    Row {
        outcome: Outcome::WithheldThirdParty,
        code: "withheld.third_party",
        label: "（三）4.保护第三方合法权益",
        basis: "《政府信息公开条例》第十五条",
    },
    Row {
        outcome: Outcome::WithheldInternalAffairs,
        code: "withheld.internal_affairs",
        label: "（三）5.属于三类内部事务信息",
        basis: "《政府信息公开条例》第十六条第一款",
    },
    Row {
        outcome: Outcome::WithheldProcessInfo,
        code: "withheld.process_info",
        label: "（三）6.属于四类过程性信息",
        basis: "《政府信息公开条例》第十六条第二款（过程性信息）",
    },
    Row {
        outcome: Outcome::WithheldEnforcementFile,
        code: "withheld.enforcement_file",
        label: "（三）7.属于行政执法案卷",
        basis: "《政府信息公开条例》第十六条第二款（行政执法案卷信息）",
    },
    Row {
        outcome: Outcome::WithheldQueryMatter,
        code: "withheld.query_matter",
        label: "（三）8.属于行政查询事项",
        basis: "《政府信息公开条例》第三十六条第（七）项（法律、行政法规对信息获取有特别规定）",
    },
    Row {
        outcome: Outcome::UnavailableNotHeld,
        code: "unavailable.not_held",
        label: "（四）1.本机关不掌握相关政府信息",
        basis: "《政府信息公开条例》第三十六条第（四）项、第（五）项",
    },
    Row {
        outcome: Outcome::UnavailableNeedsCreation,
        code: "unavailable.needs_creation",
        label: "（四）2.没有现成信息需要另行制作",
        basis: "《政府信息公开条例》第三十八条",
    },
    Row {
        outcome: Outcome::UnavailableStillUnclear,
        code: "unavailable.still_unclear",
        label: "（四）3.补正后申请内容仍不明确",
        basis: "《政府信息公开条例》第三十条",
    },
    Row {
        outcome: Outcome::NotProcessedPetitionComplaint,
        code: "not_processed.petition_complaint",
        label: "（五）1.信访举报投诉类申请",
        basis: "《政府信息公开条例》第三十九条第一款",
    },
    Row {
        outcome: Outcome::NotProcessedRepeated,
        code: "not_processed.repeated",
        label: "（五）2.重复申请",
        basis: "《政府信息公开条例》第三十六条第（六）项",
    },
    Row {
        outcome: Outcome::NotProcessedPublication,
        code: "not_processed.publication",
        label: "（五）3.要求提供公开出版物",
        basis: "《政府信息公开条例》第三十九条第二款",
    },
    Row {
        outcome: Outcome::NotProcessedExcessive,
        code: "not_processed.excessive",
        label: "（五）4.无正当理由大量反复申请",
        basis: "《政府信息公开条例》第三十五条",
    },
    Row {
        outcome: Outcome::NotProcessedConfirmExisting,
        code: "not_processed.confirm_existing",
        label: "（五）5.要求行政机关确认或重新出具已获取信息",
        basis: "《政府信息公开条例》（无专条；要求确认或重新出具已获取的信息，不属于政府信息公开申请）",
    },
    Row {
        outcome: Outcome::OtherNoSupplement,
        code: "other.no_supplement",
        label: "（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        basis: "《政府信息公开条例》第三十条",
    },
    Row {
        outcome: Outcome::OtherFeeUnpaid,
        code: "other.fee_unpaid",
        label: "（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        basis: "《政府信息公开条例》第四十二条；国办函〔2020〕109号",
    },
    Row {
        outcome: Outcome::OtherOther,
        code: "other.other",
        label: "（六）3.其他",
        basis: "其他情形（如申请人撤回申请）",
    },
];

impl Outcome {
    /// Every outcome, in table order.
    pub fn all() -> [Outcome; 21] {
        ROWS.map(|row| row.outcome)
    }

    fn row(self) -> &'static Row {
        // ROWS is in declaration order, so the discriminant is the index; the test below proves it.
        &ROWS[self as usize]
    }

    /// The table 三 row cell code, e.g. `"withheld.third_party"`.
    pub fn cell_row(self) -> &'static str {
        self.row().code
    }

    /// The printed row label of the 2021 format.
    pub fn label_zh(self) -> &'static str {
        self.row().label
    }

    /// The legal basis (条例 article) the outcome rests on.
    pub fn legal_basis(self) -> &'static str {
        self.row().basis
    }

    /// The group code (`withheld`, `unavailable`, `not_processed`, `other`) for reason rows; `None` for
    /// `disclosed` and `partly_disclosed`, which are rows of their own.
    pub fn cell_group(self) -> Option<&'static str> {
        self.cell_row().split_once('.').map(|(group, _)| group)
    }

    /// The decision as an answer letter states it, e.g. "予以公开" or "不予公开（保护第三方合法权益）": the
    /// row's label without its table numbering, under its group's name.
    pub fn decision_zh(self) -> String {
        let label = self.label_zh();
        let unnumbered = label.split_once('）').map_or(label, |(_, rest)| rest);
        let reason = unnumbered
            .split_once('.')
            .map_or(unnumbered, |(_, rest)| rest);
        let group = match self.cell_group() {
            None => return reason.to_owned(),
            Some("withheld") => "不予公开",
            Some("unavailable") => "无法提供",
            Some("not_processed") => "不予处理",
            Some(_) => "其他处理",
        };
        format!("{group}（{reason}）")
    }

    pub fn from_cell_row(code: &str) -> Option<Outcome> {
        ROWS.iter()
            .find(|row| row.code == code)
            .map(|row| row.outcome)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cell_row())
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.cell_row())
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Outcome::from_cell_row(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown outcome cell row {code:?}")))
    }
}

/// 申请人情况: the applicant columns of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantType {
    /// 自然人.
    NaturalPerson,
    /// 商业企业.
    Business,
    /// 科研机构.
    Research,
    /// 社会公益组织.
    Nonprofit,
    /// 法律服务机构.
    LegalService,
    /// 其他 (other legal persons and organisations).
    OtherOrg,
}

impl ApplicantType {
    pub const ALL: [ApplicantType; 6] = [
        ApplicantType::NaturalPerson,
        ApplicantType::Business,
        ApplicantType::Research,
        ApplicantType::Nonprofit,
        ApplicantType::LegalService,
        ApplicantType::OtherOrg,
    ];

    /// The table 三 column cell code.
    pub fn cell_column(self) -> &'static str {
        match self {
            ApplicantType::NaturalPerson => "natural_person",
            ApplicantType::Business => "business",
            ApplicantType::Research => "research",
            ApplicantType::Nonprofit => "nonprofit",
            ApplicantType::LegalService => "legal_service",
            ApplicantType::OtherOrg => "other_org",
        }
    }

    /// 申请人情况 as the case file and table 三 name it.
    pub fn label_zh(self) -> &'static str {
        match self {
            ApplicantType::NaturalPerson => "自然人",
            ApplicantType::Business => "商业企业",
            ApplicantType::Research => "科研机构",
            ApplicantType::Nonprofit => "社会公益组织",
            ApplicantType::LegalService => "法律服务机构",
            ApplicantType::OtherOrg => "其他",
        }
    }

    pub fn from_cell_column(code: &str) -> Option<ApplicantType> {
        ApplicantType::ALL
            .into_iter()
            .find(|t| t.cell_column() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn rows_are_in_declaration_order_and_codes_unique() {
        for (index, row) in ROWS.iter().enumerate() {
            assert_eq!(
                row.outcome as usize, index,
                "ROWS out of order at {}",
                row.code
            );
        }
        let codes: BTreeSet<_> = Outcome::all().iter().map(|o| o.cell_row()).collect();
        assert_eq!(codes.len(), 21);
    }

    #[test]
    fn every_outcome_maps_to_one_cell_row_and_back() {
        let table: [(&str, Option<&str>); 21] = [
            ("disclosed", None),
            ("partly_disclosed", None),
            ("withheld.state_secret", Some("withheld")),
            ("withheld.prohibited_by_law", Some("withheld")),
            ("withheld.security_stability", Some("withheld")),
            ("withheld.third_party", Some("withheld")),
            ("withheld.internal_affairs", Some("withheld")),
            ("withheld.process_info", Some("withheld")),
            ("withheld.enforcement_file", Some("withheld")),
            ("withheld.query_matter", Some("withheld")),
            ("unavailable.not_held", Some("unavailable")),
            ("unavailable.needs_creation", Some("unavailable")),
            ("unavailable.still_unclear", Some("unavailable")),
            ("not_processed.petition_complaint", Some("not_processed")),
            ("not_processed.repeated", Some("not_processed")),
            ("not_processed.publication", Some("not_processed")),
            ("not_processed.excessive", Some("not_processed")),
            ("not_processed.confirm_existing", Some("not_processed")),
            ("other.no_supplement", Some("other")),
            ("other.fee_unpaid", Some("other")),
            ("other.other", Some("other")),
        ];
        for (outcome, (code, group)) in Outcome::all().into_iter().zip(table) {
            assert_eq!(outcome.cell_row(), code);
            assert_eq!(outcome.cell_group(), group);
            assert_eq!(Outcome::from_cell_row(code), Some(outcome));
            assert!(!outcome.legal_basis().is_empty());
            let json = serde_json::to_value(outcome).expect("serialise");
            assert_eq!(json, serde_json::Value::String(code.to_owned()));
            assert_eq!(
                serde_json::from_value::<Outcome>(json).expect("parse"),
                outcome
            );
        }
        assert_eq!(Outcome::from_cell_row("withheld"), None);
        assert_eq!(Outcome::from_cell_row("outcome_total"), None);
    }

    #[test]
    fn applicant_columns() {
        let expected = [
            "natural_person",
            "business",
            "research",
            "nonprofit",
            "legal_service",
            "other_org",
        ];
        for (t, code) in ApplicantType::ALL.into_iter().zip(expected) {
            assert_eq!(t.cell_column(), code);
            assert_eq!(ApplicantType::from_cell_column(code), Some(t));
            assert_eq!(
                serde_json::to_value(t).expect("serialise"),
                serde_json::json!(code)
            );
        }
    }
}
