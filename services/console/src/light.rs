//! The deadline light of an open case, from the working days the queue computed: green, amber when due within
//! [`AMBER_WITHIN_WORKING_DAYS`], red when overdue, grey when the clock does not run (with why).

use maud::{Markup, html};

/// A case is amber from this many working days before its deadline (the deadline day counts as 0).
pub const AMBER_WITHIN_WORKING_DAYS: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Light {
    Green,
    Amber,
    Red,
    Grey,
}

impl Light {
    /// The light for `working_days_left` (None: no running deadline).
    pub fn of(working_days_left: Option<i64>) -> Light {
        match working_days_left {
            None => Light::Grey,
            Some(left) if left < 0 => Light::Red,
            Some(left) if left <= AMBER_WITHIN_WORKING_DAYS => Light::Amber,
            Some(_) => Light::Green,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Light::Green => "light green",
            Light::Amber => "light amber",
            Light::Red => "light red",
            Light::Grey => "light grey",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Light::Green => "正常",
            Light::Amber => "临期",
            Light::Red => "逾期",
            Light::Grey => "暂停/不计时",
        }
    }

    /// The light as a badge; `why` is the hover text (a grey light's reason).
    pub fn badge(self, why: &str) -> Markup {
        html! { span class=(self.class()) title=(why) data-light=(self.label()) { (self.label()) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lights_by_working_days_left() {
        assert_eq!(Light::of(None), Light::Grey);
        assert_eq!(Light::of(Some(-1)), Light::Red);
        assert_eq!(Light::of(Some(0)), Light::Amber);
        assert_eq!(Light::of(Some(AMBER_WITHIN_WORKING_DAYS)), Light::Amber);
        assert_eq!(Light::of(Some(AMBER_WITHIN_WORKING_DAYS + 1)), Light::Green);
    }
}
