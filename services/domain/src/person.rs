//! A person's contact details — an application's applicant, a ticket's caller: personal data, which the house
//! rule says only those who need it read. The domain keeps them whole; who sees them whole is the policy's
//! (`casetrack-auth`), and [`Person::masked`] is the one way they are shown to everyone else.

use serde::{Deserialize, Serialize};

/// 姓名, 联系电话, 地址. Each may be empty (not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub phone: String,
    pub address: String,
}

/// How many of a phone number's leading and trailing characters a masked phone keeps ("138****1234").
const PHONE_KEPT_HEAD: usize = 3;
const PHONE_KEPT_TAIL: usize = 4;

impl Person {
    /// The person as shown to a role that does not handle the case: the name's first character then "*", the
    /// phone's first 3 and last 4 characters around "****" (a phone too short for that is all "*"), no address.
    pub fn masked(&self) -> Person {
        let name = self
            .name
            .chars()
            .next()
            .map(|first| format!("{first}*"))
            .unwrap_or_default();
        let phone: Vec<char> = self.phone.chars().collect();
        let phone = if phone.is_empty() {
            String::new()
        } else if phone.len() <= PHONE_KEPT_HEAD + PHONE_KEPT_TAIL {
            "*".repeat(phone.len())
        } else {
            let head: String = phone[..PHONE_KEPT_HEAD].iter().collect();
            let tail: String = phone[phone.len() - PHONE_KEPT_TAIL..].iter().collect();
            format!("{head}****{tail}")
        };
        Person {
            name,
            phone,
            address: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, phone: &str, address: &str) -> Person {
        Person {
            name: name.to_owned(),
            phone: phone.to_owned(),
            address: address.to_owned(),
        }
    }

    #[test]
    fn masking_keeps_the_surname_and_the_phones_ends_and_withholds_the_address() {
        let masked = person("张三丰", "13812341234", "思茅区振兴大道 1 号").masked();
        assert_eq!(masked, person("张*", "138****1234", ""));
    }

    #[test]
    fn a_short_phone_is_masked_whole_and_empty_fields_stay_empty() {
        assert_eq!(person("", "110", "").masked(), person("", "***", ""));
        assert_eq!(person("", "", "x").masked(), person("", "", ""));
    }
}
