//! The demonstration district, modelled on the seed report (Simao district, Pu'er, Yunnan): the district
//! government `simao`, its 7 townships and 38 departments as the agency tree (ids are paths, so the projector
//! rolls every child up into `simao`).

/// The district government: the report's root agency.
pub const DISTRICT: &str = "simao";

/// The 5 towns (镇) and 2 townships (乡) of Simao district.
pub const TOWNSHIPS: [&str; 7] = [
    "simao_town",
    "nanping",
    "yixiang",
    "simaogang",
    "liushun",
    "longtan",
    "yunxian",
];

/// 38 district departments (工作部门 and directly affiliated bodies).
pub const DEPARTMENTS: [&str; 38] = [
    "government_office",
    "development_reform",
    "education",
    "science_technology",
    "industry_information",
    "public_security",
    "civil_affairs",
    "justice",
    "finance",
    "human_resources",
    "natural_resources",
    "ecology_environment",
    "housing_construction",
    "transport",
    "water_resources",
    "agriculture",
    "commerce",
    "culture_tourism",
    "health",
    "veterans_affairs",
    "emergency_management",
    "audit",
    "market_regulation",
    "statistics",
    "forestry",
    "medical_security",
    "government_services",
    "urban_management",
    "ethnic_religious",
    "rural_revitalization",
    "sports",
    "tax_service",
    "letters_visits",
    "archives",
    "housing_security",
    "investment_promotion",
    "land_reserve",
    "fire_rescue",
];

/// The agency id of a department or township: `simao/<name>`.
pub fn agency(name: &str) -> String {
    format!("{DISTRICT}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_tree_has_the_seed_reports_shape() {
        let agencies: Vec<String> = std::iter::once(DISTRICT.to_owned())
            .chain(
                DEPARTMENTS
                    .iter()
                    .chain(TOWNSHIPS.iter())
                    .map(|n| agency(n)),
            )
            .collect();
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
