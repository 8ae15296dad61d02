//! Plain data types that flow between the pipeline stages.
//!
//! Scores are exact: [`Points`] counts hundredths of a point in an `i64`, so
//! `0.1 + 0.2` is `0.3` and totals never drift the way f64 sums do.

use std::fmt;

use serde::{Serialize, Serializer};

/// A score in hundredths of a point (`8.5` is `Points(850)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub i64);

impl Points {
    pub const ZERO: Points = Points(0);

    /// Rounds a spreadsheet number to hundredths, half away from zero.
    /// Returns `None` for NaN, infinities and magnitudes no score can have.
    pub fn from_f64(value: f64) -> Option<Points> {
        if !value.is_finite() || value.abs() > 1e12 {
            return None;
        }
        Some(Points((value * 100.0).round() as i64))
    }

    /// Parses `8`, `8.5`, `8,5`, ` 9 `, `-1`. Returns the value and whether a
    /// decimal comma was used; `None` when the text is not a number or has
    /// more than two decimals.
    pub fn parse(text: &str) -> Option<(Points, bool)> {
        let t = text.trim();
        let (negative, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        if digits.is_empty() {
            return None;
        }
        let comma = digits.contains(',');
        let mut parts = digits.splitn(2, [',', '.']);
        let whole = parts.next().unwrap_or("");
        let frac = parts.next().unwrap_or("");
        let valid = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !valid(whole) || !valid(frac) || frac.len() > 2 || whole.len() > 12
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let frac_value: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse().ok()?,
        };
        let hundredths = whole * 100 + frac_value;
        Some((Points(if negative { -hundredths } else { hundredths }), comma))
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Vietnamese form with a decimal comma and no trailing zeros: `95,5`, `100`.
    pub fn to_vietnamese(self) -> String {
        self.to_string().replace('.', ",")
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, rhs: Points) -> Points {
        Points(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, rhs: Points) -> Points {
        Points(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl fmt::Display for Points {
    /// `89.5`, `100`, `0.25`, `-1` — at most two decimals, none when whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            f2 if f2 % 10 == 0 => write!(f, "{sign}{whole}.{}", f2 / 10),
            f2 => write!(f, "{sign}{whole}.{f2:02}"),
        }
    }
}

impl Serialize for Points {
    /// A JSON number with at most two decimals (`89.5`), never `89.49999`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            serializer.serialize_i64(self.0 / 100)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

/// How bad an issue is: errors reject the submission, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The issue catalogue (docs/ma-loi.md). The string codes are the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    FileUnreadable,
    FileEncrypted,
    FileTooLarge,
    TableNotFound,
    UnitUnknown,
    UnitDuplicate,
    UnitMissing,
    CriterionMissing,
    CriterionUnknown,
    ScoreBlank,
    ScoreNotNumber,
    ScoreNegative,
    ScoreOverMax,
    ScoreFormulaError,
    ScoreDecimalComma,
    TotalMismatch,
    FrameworkMismatch,
    TextLegacyEncoding,
    AwardTie,
    VoteInvalid,
    /// A vote row the settings do not use (a `Trưởng khối` / `Phó khối` row
    /// when next year's leader is not elected by vote): read, not counted.
    VoteIgnored,
    /// Next year's leader or deputy cannot be chosen by the policy (no
    /// current leader to rotate from, a tie, no votes): the meeting decides.
    LeaderUndecided,
    /// Several candidate sheets or columns; a rule chose (says which).
    TableChoice,
    /// Several candidate sheets or columns that no rule tells apart.
    TableAmbiguous,
    /// A score cell Excel turned into a date.
    ScoreDate,
    /// A percent-formatted score cell.
    ScorePercent,
    /// Two places in one workbook name different registry units.
    UnitConflict,
    /// An archive (.zip, .rar, .7z) in the submissions folder, not read.
    FileArchive,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::FileUnreadable => "file.unreadable",
            Code::FileEncrypted => "file.encrypted",
            Code::FileTooLarge => "file.too-large",
            Code::TableNotFound => "table.not-found",
            Code::UnitUnknown => "unit.unknown",
            Code::UnitDuplicate => "unit.duplicate",
            Code::UnitMissing => "unit.missing",
            Code::CriterionMissing => "criterion.missing",
            Code::CriterionUnknown => "criterion.unknown",
            Code::ScoreBlank => "score.blank",
            Code::ScoreNotNumber => "score.not-number",
            Code::ScoreNegative => "score.negative",
            Code::ScoreOverMax => "score.over-max",
            Code::ScoreFormulaError => "score.formula-error",
            Code::ScoreDecimalComma => "score.decimal-comma",
            Code::TotalMismatch => "total.mismatch",
            Code::FrameworkMismatch => "framework.mismatch",
            Code::TextLegacyEncoding => "text.legacy-encoding",
            Code::AwardTie => "award.tie",
            Code::VoteInvalid => "vote.invalid",
            Code::VoteIgnored => "vote.ignored",
            Code::LeaderUndecided => "leader.undecided",
            Code::TableChoice => "table.choice",
            Code::TableAmbiguous => "table.ambiguous",
            Code::ScoreDate => "score.date",
            Code::ScorePercent => "score.percent",
            Code::UnitConflict => "unit.conflict",
            Code::FileArchive => "file.archive",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::UnitMissing
            | Code::CriterionUnknown
            | Code::ScoreDecimalComma
            | Code::TotalMismatch
            | Code::FrameworkMismatch
            | Code::TextLegacyEncoding
            | Code::AwardTie
            | Code::VoteIgnored
            | Code::LeaderUndecided
            | Code::TableChoice
            | Code::FileArchive => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem found in the inputs, with the most precise location known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub severity: Severity,
    pub code: Code,
    pub file: Option<String>,
    pub sheet: Option<String>,
    pub cell: Option<CellRef>,
    pub unit: Option<String>,
    pub message: String,
}

impl Issue {
    pub fn new(code: Code, message: impl Into<String>) -> Issue {
        Issue {
            severity: code.severity(),
            code,
            file: None,
            sheet: None,
            cell: None,
            unit: None,
            message: message.into(),
        }
    }

    pub fn file(mut self, file: &str) -> Issue {
        self.file = Some(file.to_owned());
        self
    }

    pub fn sheet(mut self, sheet: &str) -> Issue {
        self.sheet = Some(sheet.to_owned());
        self
    }

    /// Sets the cell from zero-based row and column indexes.
    pub fn at(mut self, row: u32, col: u32) -> Issue {
        self.cell = Some(CellRef { row, col });
        self
    }

    pub fn unit(mut self, code: &str) -> Issue {
        self.unit = Some(code.to_owned());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file › sheet › cell: message`, leaving out the parts not known.
    pub fn located(&self) -> String {
        let cell = self.cell.map(|c| c.to_string());
        let place: Vec<&str> = [&self.file, &self.sheet, &cell]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if place.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", place.join(" › "), self.message)
        }
    }
}

/// Where in a sheet an issue is: zero-based row and column. Written in A1
/// form (`D14`) wherever a person reads it, ket-qua.json included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub row: u32,
    pub col: u32,
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", column_letters(self.col), self.row + 1)
    }
}

impl Serialize for CellRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A1 reference of a zero-based (row, column): `(0, 0)` is `A1`, `(13, 3)` is `D14`.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// Column letters of a zero-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_parse_accepts_member_spellings() {
        assert_eq!(Points::parse("8,5"), Some((Points(850), true)));
        assert_eq!(Points::parse(" 9 "), Some((Points(900), false)));
        assert_eq!(Points::parse("8.25"), Some((Points(825), false)));
        assert_eq!(Points::parse("-1"), Some((Points(-100), false)));
        assert_eq!(Points::parse(",5"), Some((Points(50), true)));
        assert_eq!(Points::parse("abc"), None);
        assert_eq!(Points::parse("8.555"), None);
        assert_eq!(Points::parse(""), None);
        assert_eq!(Points::parse("1,2,3"), None);
    }

    #[test]
    fn points_sum_is_exact() {
        let sum: Points = [Points::parse("0.1"), Points::parse("0.2")]
            .into_iter()
            .map(|p| p.unwrap().0)
            .sum();
        assert_eq!(sum, Points(30));
        assert_eq!(sum.to_string(), "0.3");
        assert_eq!(serde_json::to_string(&sum).unwrap(), "0.3");
        assert_eq!(serde_json::to_string(&Points(8950)).unwrap(), "89.5");
        assert_eq!(serde_json::to_string(&Points(10000)).unwrap(), "100");
        assert_eq!(Points(9550).to_vietnamese(), "95,5");
        assert_eq!(Points(-25).to_string(), "-0.25");
    }

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(13, 3), "D14");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
    }
}
