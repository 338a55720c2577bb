//! 规范性文件: normative documents, some issued in the three years before (in force, a few repealed this
//! year) and some issued this year. A district government issues no 规章, so that row stays 0.

use casetrack_api::v1 as pb;
use chrono::{Datelike, NaiveDate};

use super::generator::Generator;
use crate::demo::district::DISTRICT;
use crate::demo::script::{Step, Submit};
use crate::noon::occurred_at_noon;

/// Yearly volumes at scale 1.0, and the least kept at any scale (see [`Generator::count`]).
const NORMATIVE_DOCUMENTS: (f64, usize) = (12.0, 2);
const DOCUMENTS_IN_FORCE_BEFORE: (f64, usize) = (30.0, 2);
const DOCUMENTS_REPEALED: (f64, usize) = (3.0, 1);

const DOCUMENT_TOPICS: [(&str, u32); 4] = [
    ("城乡居民临时救助实施办法", 1),
    ("城区户外广告设置管理规定", 1),
    ("农村集体资产管理办法", 1),
    ("政府投资项目管理办法", 1),
];

impl Generator<'_> {
    pub(super) fn documents(&mut self) {
        let year = self.params.year;
        let before = self.count(DOCUMENTS_IN_FORCE_BEFORE);
        // Only documents already in force can be repealed this year.
        let repealed = self.count(DOCUMENTS_REPEALED).min(before);
        let this_year = self.count(NORMATIVE_DOCUMENTS);
        for n in 0..before + this_year {
            let issued_on = if n < before {
                let from = NaiveDate::from_ymd_opt(year - 3, 1, 2).unwrap_or(self.day(1, 2));
                let to = NaiveDate::from_ymd_opt(year - 1, 12, 20).unwrap_or(self.day(1, 2));
                self.working_day(from, to)
            } else {
                self.working_day(self.day(1, 5), self.day(12, 20))
            };
            let issuer = if self.chance(0.5) {
                DISTRICT.to_owned()
            } else {
                self.department()
            };
            let request = pb::RecordDocumentIssuedRequest {
                external_id: self.external_id("document", n),
                agency: issuer,
                kind: "normative_documents".into(),
                title: format!(
                    "思茅区{}（思政规〔{}〕{}号）",
                    self.pick(&DOCUMENT_TOPICS),
                    issued_on.year(),
                    n + 1
                ),
                issued_on: issued_on.to_string(),
                occurred_at: occurred_at_noon(issued_on),
            };
            let mut steps = Vec::new();
            if n < repealed {
                let repealed_on = self.working_day(self.day(3, 1), self.day(11, 30));
                let command_id = self.command_id();
                steps.push(Step::RepealDocument(pb::RecordDocumentRepealedRequest {
                    command_id,
                    case_id: String::new(),
                    repealed_on: repealed_on.to_string(),
                    occurred_at: occurred_at_noon(repealed_on),
                }));
            }
            self.push(Submit::Document(request), steps);
        }
    }
}
