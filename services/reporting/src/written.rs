//! The report officer's own paragraphs of parts 一–六 of the six-part report, each with its version: words
//! beside the computed figures, which every renderer prints in its part after what the part computes. They are
//! no figure and no cell, so they cannot change one, and they are not sealed in the content hash (a report
//! published as of a log position prints the versions in force at that position).

use serde::{Deserialize, Serialize};

/// One part's paragraphs (line breaks between paragraphs) as last written, and the version they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrittenPart {
    /// 1 = 一 … 6 = 六.
    pub part: u8,
    pub version: u64,
    pub text: String,
}

impl WrittenPart {
    /// The part's numeral (一 … 六); `?` for a number outside 1–6, which no writer produces.
    pub fn numeral_zh(&self) -> &'static str {
        const NUMERALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
        usize::from(self.part)
            .checked_sub(1)
            .and_then(|i| NUMERALS.get(i))
            .copied()
            .unwrap_or("?")
    }

    /// The part's name where a sheet or a row states it (第五部分（本机关撰写）).
    pub fn label_zh(&self) -> &'static str {
        const LABELS: [&str; 6] = [
            "第一部分（本机关撰写）",
            "第二部分（本机关撰写）",
            "第三部分（本机关撰写）",
            "第四部分（本机关撰写）",
            "第五部分（本机关撰写）",
            "第六部分（本机关撰写）",
        ];
        usize::from(self.part)
            .checked_sub(1)
            .and_then(|i| LABELS.get(i))
            .copied()
            .unwrap_or("本机关撰写")
    }

    /// The paragraphs, blank lines dropped.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.text.lines().map(str::trim).filter(|l| !l.is_empty())
    }
}

/// The part `part` of `written`, when the officer wrote any.
pub(crate) fn part(written: &[WrittenPart], part: u8) -> Option<&WrittenPart> {
    written.iter().find(|w| w.part == part)
}

/// The colophon's line of the versions printed (一 第2版；五 第1版), when any part was written.
pub(crate) fn versions_line(written: &[WrittenPart]) -> Option<(&'static str, String)> {
    let versions: Vec<String> = written
        .iter()
        .map(|w| format!("{} 第{}版", w.numeral_zh(), w.version))
        .collect();
    (!versions.is_empty()).then(|| ("本机关撰写部分的版本", versions.join("；")))
}

/// The part of the six-part report that its table `index` (0 = table 二, in layout order) stands in.
pub(crate) fn part_of_table(index: usize) -> u8 {
    u8::try_from(index + 2).unwrap_or(u8::MAX)
}
