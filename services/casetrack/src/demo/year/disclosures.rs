//! 主动公开: proactive disclosures, published on working days over the year, always on the website and often
//! also on Weibo, WeChat, the gazette or elsewhere.

use casetrack_api::v1 as pb;

use super::generator::Generator;
use crate::demo::script::Submit;
use crate::noon::occurred_at_noon;

/// Yearly volume at scale 1.0, and the least kept at any scale (see [`Generator::count`]).
const PROACTIVE_DISCLOSURES: (f64, usize) = (1_735.0, 10);

const DISCLOSURE_CATEGORIES: [(&str, u32); 6] = [
    ("重点领域信息：财政预决算", 2),
    ("重点领域信息：重大建设项目", 2),
    ("重点领域信息：公共资源配置", 2),
    ("政务动态", 8),
    ("通知公告", 3),
    ("政策解读", 1),
];

impl Generator<'_> {
    pub(super) fn disclosures(&mut self) {
        for n in 0..self.count(PROACTIVE_DISCLOSURES) {
            let published_on = self.working_day(self.day(1, 2), self.day(12, 31));
            let mut channels = vec!["website".to_owned()];
            for (channel, p) in [
                ("weibo", 0.3),
                ("wechat", 0.45),
                ("gazette", 0.04),
                ("other", 0.03),
            ] {
                if self.chance(p) {
                    channels.push(channel.to_owned());
                }
            }
            let category = self.pick(&DISCLOSURE_CATEGORIES);
            let request = pb::RecordDisclosureRequest {
                external_id: self.external_id("disclosure", n),
                agency: self.any_agency(),
                title: format!(
                    "{category}（{}第{}期）",
                    published_on.format("%Y年%m月"),
                    n + 1
                ),
                channels,
                published_on: published_on.to_string(),
                occurred_at: occurred_at_noon(published_on),
            };
            self.push(Submit::Disclosure(request), Vec::new());
        }
    }
}
