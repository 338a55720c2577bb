//! `Intake.ListCodes`: the codes the submissions take, each with its Chinese name, read from the domain's own
//! types — each code is the spelling intake parses (a value's serde name for `parse::code`, the table 三
//! column code for applicant types).

use casetrack_api::v1 as pb;
use casetrack_domain::ApplicantType;
use casetrack_domain::application::Channel;
use casetrack_domain::hotline::{HotlineCategory, NAMED_LINES};
use serde::Serialize;

/// Every code of the categories, channels, applicant types and named lines.
pub fn codes() -> pb::Codes {
    pb::Codes {
        hotline_categories: HotlineCategory::ALL
            .into_iter()
            .map(|category| named(category, category.label_zh()))
            .collect(),
        application_channels: Channel::ALL
            .into_iter()
            .map(|channel| named(channel, channel.label_zh()))
            .collect(),
        // Read by its table 三 column code (`ApplicantType::from_cell_column`), as intake reads it.
        applicant_types: ApplicantType::ALL
            .into_iter()
            .map(|applicant| pb::NamedCode {
                code: applicant.cell_column().to_owned(),
                name_zh: applicant.label_zh().to_owned(),
            })
            .collect(),
        hotline_lines: NAMED_LINES
            .into_iter()
            .map(|(line, name)| pb::NamedCode {
                code: line.to_owned(),
                name_zh: name.to_owned(),
            })
            .collect(),
    }
}

/// `value` by its serde name, with `name_zh`.
fn named(value: impl Serialize, name_zh: &str) -> pb::NamedCode {
    // A unit enum variant serialises to its name; anything else would be a domain type that is not a code.
    let code = serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default();
    pb::NamedCode {
        code,
        name_zh: name_zh.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn every_listed_code_and_category_name_is_one_intake_reads() {
        let codes = codes();
        for listed in &codes.hotline_categories {
            let by_code: HotlineCategory = parse::code("category", &listed.code).expect("code");
            let by_name: HotlineCategory = parse::code("category", &listed.name_zh).expect("name");
            assert_eq!(by_code, by_name, "{listed:?}");
        }
        for listed in &codes.application_channels {
            parse::code::<Channel>("channel", &listed.code).expect("channel code");
        }
        for listed in &codes.applicant_types {
            assert!(
                ApplicantType::from_cell_column(&listed.code).is_some(),
                "{listed:?}"
            );
        }
        assert_eq!(codes.hotline_categories.len(), HotlineCategory::ALL.len());
        assert!(
            codes
                .hotline_categories
                .iter()
                .any(|c| c.code == "complaint" && c.name_zh == "投诉")
        );
        assert!(codes.hotline_lines.iter().any(|l| l.code == "12345"));
    }
}
