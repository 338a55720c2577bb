//! The demonstration district, modelled on the seed report (Simao district, Pu'er, Yunnan): the district
//! government `simao`, its 7 townships and 38 departments as the agency tree (ids are paths, so the projector
//! rolls every child up into `simao`), each with the name the demo registers it under.

/// The district government: the report's root agency.
pub const DISTRICT: &str = "simao";

/// The district government's registered name.
pub const DISTRICT_NAME: &str = "普洱市思茅区人民政府";
/// The day every demo agency's registration takes effect: the 条例 took effect on 2008-05-01, so every year
/// the demo can generate falls within it.
pub const REGISTERED_FROM: &str = "2008-05-01";

/// The 5 towns (镇) and 2 townships (乡) of Simao district: id part and registered name.
pub const TOWNSHIPS: [(&str, &str); 7] = [
    ("simao_town", "思茅镇人民政府"),
    ("nanping", "南屏镇人民政府"),
    ("yixiang", "倚象镇人民政府"),
    ("simaogang", "思茅港镇人民政府"),
    ("liushun", "六顺镇人民政府"),
    ("longtan", "龙潭乡人民政府"),
    ("yunxian", "云仙乡人民政府"),
];

/// 38 district departments (工作部门 and directly affiliated bodies): id part and registered name.
pub const DEPARTMENTS: [(&str, &str); 38] = [
    ("government_office", "思茅区人民政府办公室"),
    ("development_reform", "思茅区发展和改革局"),
    ("education", "思茅区教育局"),
    ("science_technology", "思茅区科学技术局"),
    ("industry_information", "思茅区工业和信息化局"),
    ("public_security", "普洱市公安局思茅分局"),
    ("civil_affairs", "思茅区民政局"),
    ("justice", "思茅区司法局"),
    ("finance", "思茅区财政局"),
    ("human_resources", "思茅区人力资源和社会保障局"),
    ("natural_resources", "普洱市自然资源局思茅分局"),
    ("ecology_environment", "普洱市生态环境局思茅分局"),
    ("housing_construction", "思茅区住房和城乡建设局"),
    ("transport", "思茅区交通运输局"),
    ("water_resources", "思茅区水务局"),
    ("agriculture", "思茅区农业农村局"),
    ("commerce", "思茅区商务局"),
    ("culture_tourism", "思茅区文化和旅游局"),
    ("health", "思茅区卫生健康局"),
    ("veterans_affairs", "思茅区退役军人事务局"),
    ("emergency_management", "思茅区应急管理局"),
    ("audit", "思茅区审计局"),
    ("market_regulation", "思茅区市场监督管理局"),
    ("statistics", "思茅区统计局"),
    ("forestry", "思茅区林业和草原局"),
    ("medical_security", "思茅区医疗保障局"),
    ("government_services", "思茅区政务服务管理局"),
    ("urban_management", "思茅区城市管理综合执法局"),
    ("ethnic_religious", "思茅区民族宗教事务局"),
    ("rural_revitalization", "思茅区乡村振兴局"),
    ("sports", "思茅区体育局"),
    ("tax_service", "国家税务总局普洱市思茅区税务局"),
    ("letters_visits", "思茅区信访局"),
    ("archives", "思茅区档案馆"),
    ("housing_security", "思茅区住房保障中心"),
    ("investment_promotion", "思茅区投资促进局"),
    ("land_reserve", "思茅区土地储备中心"),
    ("fire_rescue", "思茅区消防救援大队"),
];

/// The agency id of a department or township: `simao/<name>`.
pub fn agency(name: &str) -> String {
    format!("{DISTRICT}/{name}")
}

/// Every agency of the district as (id, registered name), parents first: what the demo registers before it
/// submits a case.
pub fn registry() -> Vec<(String, &'static str)> {
    std::iter::once((DISTRICT.to_owned(), DISTRICT_NAME))
        .chain(
            DEPARTMENTS
                .iter()
                .chain(TOWNSHIPS.iter())
                .map(|(id, name)| (agency(id), *name)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_tree_has_the_seed_reports_shape() {
        let agencies: Vec<String> = registry().into_iter().map(|(id, _)| id).collect();
        assert_eq!(agencies.len(), 1 + 38 + 7);
        assert_eq!(
            agencies.iter().collect::<BTreeSet<_>>().len(),
            agencies.len(),
            "ids are unique"
        );
        assert!(
            agencies[1..]
                .iter()
                .all(|a| a.starts_with("simao/") && a.matches('/').count() == 1)
        );
    }
}
