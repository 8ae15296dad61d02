//! `thidua.toml`: the settings a user rarely changes (every key is in
//! docs/thidua-toml.md).
//!
//! Parsed strictly: an unknown key or an invalid value is a fatal error that
//! names the key and says what is expected, in Vietnamese
//! ([`toml_error`]). Checks against the registry and the criteria live in
//! [`crate::workspace`].

mod toml_error;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::calendar::Date;
use crate::error::Fatal;
use crate::model::Points;
use crate::read::Limits;
use crate::text::fold;
use toml_error::explain_toml_error;

/// The default settings file written by `thidua init`, with `{{year}}` and
/// `{{report_date}}` to fill in.
pub const DEFAULT_TOML: &str = include_str!("../../templates/thidua.toml");

/// The `Hình thức` of the vote rows that elect next year's leader and
/// deputy (`[next_leader] policy = "vote"`); no `[[award]]` may take these
/// names.
pub const LEADER_VOTE: &str = "Trưởng khối";
pub const DEPUTY_VOTE: &str = "Phó khối";

/// The settings file name inside a working folder.
pub const FILE_NAME: &str = "thidua.toml";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub year: i32,
    #[serde(default)]
    pub report_date: Option<Date>,
    pub place: String,
    #[serde(default)]
    pub files: Files,
    #[serde(default)]
    pub limits: Limits,
    pub letterhead: Letterhead,
    pub documents: Documents,
    pub signer: Signer,
    #[serde(default)]
    pub ranking: Ranking,
    #[serde(rename = "band", default)]
    pub bands: Vec<Band>,
    #[serde(rename = "award", default)]
    pub awards: Vec<Award>,
    #[serde(default)]
    pub next_leader: NextLeader,
    #[serde(rename = "bloc", default)]
    pub blocs: Vec<BlocSettings>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Files {
    pub registry: String,
    pub criteria: String,
    pub submissions: String,
    pub votes: String,
}

impl Default for Files {
    fn default() -> Files {
        Files {
            registry: "don-vi.xlsx".into(),
            criteria: "tieu-chi.xlsx".into(),
            submissions: "nop".into(),
            votes: "phieu-bau.xlsx".into(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letterhead {
    pub parent: String,
    #[serde(default)]
    pub code: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Documents {
    pub recipient: String,
    #[serde(default)]
    pub legal_bases: Vec<String>,
    #[serde(default)]
    pub copies: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Signer {
    pub form: String,
    pub title: String,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ranking {
    pub tie_break: Vec<TieBreak>,
}

impl Default for Ranking {
    fn default() -> Ranking {
        Ranking {
            tie_break: vec![TieBreak::Standard, TieBreak::Deduction, TieBreak::Bonus],
        }
    }
}

/// A ranking key applied after the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TieBreak {
    /// Standard score, higher first.
    Standard,
    /// Bonus score, higher first.
    Bonus,
    /// Deduction, lower first.
    Deduction,
    /// A group's score (by code), higher first.
    Group(String),
}

impl<'de> Deserialize<'de> for TieBreak {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TieBreak, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "standard" => Ok(TieBreak::Standard),
            "bonus" => Ok(TieBreak::Bonus),
            "deduction" => Ok(TieBreak::Deduction),
            other => match other.strip_prefix("group:") {
                Some(code) if !code.trim().is_empty() => Ok(TieBreak::Group(code.trim().into())),
                _ => Err(serde::de::Error::custom(format!(
                    "\"{other}\" không hợp lệ; cần \"standard\", \"bonus\", \"deduction\" hoặc \"group:<mã nhóm>\""
                ))),
            },
        }
    }
}

/// A share such as `0.85`, kept exactly in millionths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Share(pub u32);

impl Share {
    pub const ONE: u32 = 1_000_000;

    /// `floor(self × n)`, exactly.
    pub fn of(self, n: usize) -> usize {
        (self.0 as u64 * n as u64 / Share::ONE as u64) as usize
    }

    /// Whether `part / whole ≥ self`, exactly.
    pub fn reached_by(self, part: i64, whole: i64) -> bool {
        whole > 0 && part as i128 * Share::ONE as i128 >= self.0 as i128 * whole as i128
    }

    /// As a Vietnamese percentage to one decimal: `80%`, `66,7%`.
    pub fn percent(self) -> String {
        let tenths = (u64::from(self.0) + 500) / 1000;
        if tenths % 10 == 0 {
            format!("{}%", tenths / 10)
        } else {
            format!("{},{}%", tenths / 10, tenths % 10)
        }
    }
}

impl serde::Serialize for Share {
    /// A JSON number: `0.8`, `0.666667`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % Share::ONE == 0 {
            s.serialize_u32(self.0 / Share::ONE)
        } else {
            s.serialize_f64(f64::from(self.0) / f64::from(Share::ONE))
        }
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Share, D::Error> {
        let v = f64::deserialize(d)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(serde::de::Error::custom(format!(
                "{v} không hợp lệ; cần một tỷ lệ từ 0 đến 1, ví dụ 0.8"
            )));
        }
        Ok(Share((v * Share::ONE as f64).round() as u32))
    }
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        let v = f64::deserialize(d)?;
        Points::from_f64(v)
            .filter(|p| p.0 >= 0)
            .ok_or_else(|| serde::de::Error::custom(format!("{v} không hợp lệ; cần số điểm không âm")))
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub name: String,
    #[serde(default)]
    pub min_total: Points,
    #[serde(default)]
    pub min_group_share: Option<Share>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Award {
    pub name: String,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub share: Option<Share>,
    #[serde(default)]
    pub min_total: Option<Points>,
    #[serde(default)]
    pub min_band: Option<String>,
    #[serde(default)]
    pub vote_threshold: Option<Share>,
    /// What a vote share is counted over: the ballots cast (default) or all
    /// the bloc's registry members (`vote_base = "members"`).
    #[serde(default)]
    pub vote_base: VoteBase,
    /// Prize as a multiple of the base salary (Nghị định 152/2025), for reports.
    #[serde(default)]
    pub prize: Option<f64>,
    /// Only these blocs propose this award (all when empty).
    #[serde(default)]
    pub blocs: Vec<String>,
}

impl Award {
    /// Whether this award is proposed in the bloc named `bloc`.
    pub fn applies_to(&self, bloc: &str) -> bool {
        self.blocs.is_empty() || self.blocs.iter().any(|b| fold(b) == fold(bloc))
    }
}

/// The base of a vote share: `Đồng ý / Tổng số phiếu` (ballots) or
/// `Đồng ý / số thành viên của khối` (members, as councils count for the
/// highest awards).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum VoteBase {
    #[default]
    Ballots,
    Members,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LeaderPolicy {
    #[default]
    Rotation,
    Top,
    Vote,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NextLeader {
    pub policy: LeaderPolicy,
    /// With `policy = "vote"`: the share of agree votes the elected leader
    /// (and deputy) needs; without it the highest share wins.
    pub vote_threshold: Option<Share>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlocSettings {
    pub name: String,
    #[serde(default)]
    pub framework: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub signer: Option<Signer>,
    #[serde(default)]
    pub quotas: BTreeMap<String, u32>,
    /// The báo cáo's number once the registry office gives it (`Số: 12/BC-…`);
    /// blank in the document when absent.
    #[serde(default)]
    pub report_number: Option<String>,
    /// The tờ trình's number, likewise.
    #[serde(default)]
    pub proposal_number: Option<String>,
}

impl Settings {
    /// Reads and checks `DIR/thidua.toml`.
    ///
    /// Fails with [`Fatal::Settings`] naming the key and what is expected.
    pub fn load(dir: &Path) -> Result<Settings, Fatal> {
        let path = dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|e| Fatal::io(&path, e))?;
        Settings::parse(&text).map_err(|message| Fatal::Settings { path, message })
    }

    /// Parses settings text; the error is a Vietnamese message.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let settings: Settings = toml::from_str(text).map_err(|e| explain_toml_error(&e, text))?;
        settings.check()?;
        Ok(settings)
    }

    /// The default settings for a year, as `init` writes them.
    pub fn default_text(year: i32, report_date: Date) -> String {
        DEFAULT_TOML
            .replace("{{year}}", &year.to_string())
            .replace("{{report_date}}", &report_date.to_string())
    }

    fn check(&self) -> Result<(), String> {
        if !(1900..=9999).contains(&self.year) {
            return Err(format!(
                "khóa \"year\": {} không hợp lệ; cần năm có 4 chữ số, ví dụ 2026",
                self.year
            ));
        }
        if self.bands.is_empty() {
            return Err("cần ít nhất một mục [[band]] (xếp loại)".into());
        }
        self.check_bands()?;
        for (i, award) in self.awards.iter().enumerate() {
            let key = format!("[[award]] thứ {} (\"{}\")", i + 1, award.name);
            if award.name.trim().is_empty() {
                return Err(format!("{key}: khóa \"name\" để trống; cần tên hình thức khen thưởng"));
            }
            if let Some(j) = self.awards[..i].iter().position(|a| fold(&a.name) == fold(&award.name)) {
                return Err(format!(
                    "{key}: \"name\" trùng với [[award]] thứ {}; mỗi hình thức khen thưởng chỉ ghi một lần",
                    j + 1
                ));
            }
            if fold(&award.name) == fold(LEADER_VOTE) || fold(&award.name) == fold(DEPUTY_VOTE) {
                return Err(format!(
                    "{key}: \"name\" không được là \"Trưởng khối\" hay \"Phó khối\" (dành cho phiếu bầu khối năm sau)"
                ));
            }
            match (award.count, award.share) {
                (Some(_), Some(_)) => {
                    return Err(format!("{key}: chỉ ghi một trong hai khóa \"count\" hoặc \"share\""))
                }
                (None, None) => return Err(format!("{key}: cần khóa \"count\" (số lượng) hoặc \"share\" (tỷ lệ)")),
                _ => {}
            }
            if let Some(band) = &award.min_band {
                if !self.bands.iter().any(|b| &b.name == band) {
                    return Err(format!(
                        "{key}: \"min_band\" = \"{band}\" không có trong các mục [[band]]; cần một trong: {}",
                        self.band_names()
                    ));
                }
            }
        }
        for bloc in &self.blocs {
            for award in bloc.quotas.keys() {
                if !self.awards.iter().any(|a| &a.name == award) {
                    return Err(format!(
                        "[[bloc]] \"{}\": \"quotas\" nêu hình thức \"{award}\" không có trong các mục [[award]]; cần một trong: {}",
                        bloc.name,
                        self.award_names()
                    ));
                }
            }
        }
        Ok(())
    }

    fn award_names(&self) -> String {
        self.awards
            .iter()
            .map(|a| format!("\"{}\"", a.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Bands must be named once each and listed highest first.
    fn check_bands(&self) -> Result<(), String> {
        for (i, band) in self.bands.iter().enumerate() {
            let key = format!("[[band]] thứ {} (\"{}\")", i + 1, band.name);
            if band.name.trim().is_empty() {
                return Err(format!("{key}: khóa \"name\" để trống; cần tên xếp loại"));
            }
            if let Some(j) = self.bands[..i].iter().position(|b| fold(&b.name) == fold(&band.name)) {
                return Err(format!("{key}: \"name\" trùng với [[band]] thứ {}", j + 1));
            }
            if let Some(prev) = i.checked_sub(1).map(|j| &self.bands[j]) {
                if band.min_total > prev.min_total {
                    return Err(format!(
                        "{key}: \"min_total\" = {} cao hơn mục xếp loại đứng trước (\"{}\", {}); các mục [[band]] cần xếp từ cao xuống thấp",
                        band.min_total, prev.name, prev.min_total
                    ));
                }
            }
        }
        Ok(())
    }

    fn band_names(&self) -> String {
        self.bands
            .iter()
            .map(|b| format!("\"{}\"", b.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The per-bloc settings for a bloc name, if any.
    pub fn bloc(&self, name: &str) -> Option<&BlocSettings> {
        self.blocs.iter().find(|b| b.name == name)
    }

    /// The quota of `award` in a bloc of `members` registry units.
    pub fn quota(&self, award: &Award, bloc: &str, members: usize) -> usize {
        if let Some(n) = self.bloc(bloc).and_then(|b| b.quotas.get(&award.name)) {
            return *n as usize;
        }
        match (award.count, award.share) {
            (Some(n), _) => n as usize,
            (None, Some(share)) => share.of(members),
            (None, None) => 0,
        }
    }

    /// The signer block for a bloc: its own, else the default.
    pub fn signer(&self, bloc: &str) -> &Signer {
        self.bloc(bloc).and_then(|b| b.signer.as_ref()).unwrap_or(&self.signer)
    }

    /// The report date, or today when the settings leave it out.
    pub fn report_date(&self) -> Date {
        self.report_date.unwrap_or_else(Date::today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default settings file as `init` writes it for 2026.
    fn default_text() -> String {
        Settings::default_text(
            2026,
            Date {
                year: 2026,
                month: 12,
                day: 5,
            },
        )
    }

    fn default_settings() -> Settings {
        let text = default_text();
        Settings::parse(&text).expect("default settings parse")
    }

    #[test]
    fn default_settings_parse() {
        let s = default_settings();
        assert_eq!(s.year, 2026);
        assert_eq!(s.bands.len(), 4);
        assert_eq!(s.bands[0].min_total, Points(9000));
        assert_eq!(s.bands[0].min_group_share, Some(Share(850_000)));
        assert!(s.awards.len() >= 4);
        assert_eq!(s.next_leader.policy, LeaderPolicy::Rotation);
    }

    #[test]
    fn every_rule_of_the_default_file_has_a_comment() {
        let text = DEFAULT_TOML;
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let rule =
                line.starts_with("[[award]]") || line.starts_with("[ranking]") || line.starts_with("[next_leader]");
            let first_band = line.starts_with("[[band]]") && !lines[..i].iter().any(|l| l.starts_with("[[band]]"));
            if rule || first_band {
                let before = lines[..i].iter().rev().find(|l| !l.trim().is_empty()).unwrap();
                let after = lines.get(i + 1).unwrap();
                assert!(
                    before.starts_with('#') || after.starts_with('#'),
                    "line {}: {line} has no comment",
                    i + 1
                );
            }
        }
        let s = default_settings();
        assert_eq!(s.awards.len(), 4);
        assert!(s.awards.iter().all(|a| a.blocs.is_empty()));
    }

    #[test]
    fn award_rules_are_checked() {
        let base = default_text();
        let err = |from: &str, to: &str| {
            let text = base.replacen(from, to, 1);
            assert_ne!(text, base);
            Settings::parse(&text).unwrap_err()
        };
        let e = err(
            "name = \"Bằng khen của Thủ tướng Chính phủ\"",
            "name = \"Cờ thi đua của Chính phủ\"",
        );
        assert!(e.contains("trùng với [[award]] thứ 1"), "{e}");
        let e = err("name = \"Khá\"", "name = \"Tốt\"");
        assert!(e.contains("[[band]] thứ 3") && e.contains("trùng"), "{e}");
        let e = err("count = 1\n", "");
        assert!(e.contains("\"count\"") && e.contains("\"share\""), "{e}");
        let e = err("name = \"Cờ thi đua của Chính phủ\"", "name = \"Trưởng khối\"");
        assert!(e.contains("Trưởng khối"), "{e}");
    }

    #[test]
    fn unknown_key_names_the_key() {
        let text = default_text().replace("place = ", "plase = \"x\"\nplace = ");
        let err = Settings::parse(&text).unwrap_err();
        assert!(err.contains("\"plase\""), "{err}");
        assert!(err.contains("dòng"), "{err}");
    }

    fn bad(from: &str, to: &str) -> String {
        let text = default_text();
        assert!(text.contains(from), "{from}");
        Settings::parse(&text.replacen(from, to, 1)).unwrap_err()
    }

    #[test]
    fn wrong_types_name_the_key_and_what_is_expected() {
        let err = bad("year = 2026", "year = \"abc\"");
        assert!(err.contains("khóa \"year\""), "{err}");
        assert!(err.contains("cần số nguyên"), "{err}");
        let err = bad("report_date = \"2026-12-05\"", "report_date = 2026-12-05");
        assert!(err.contains("\"report_date\""), "{err}");
        assert!(err.contains("dấu nháy kép"), "{err}");
        let err = bad("policy = \"rotation\"", "policy = \"xoay\"");
        assert!(err.contains("mục [next_leader]"), "{err}");
        assert!(err.contains("\"rotation\", \"top\", \"vote\""), "{err}");
    }

    #[test]
    fn syntax_errors_and_duplicates_are_explained_in_vietnamese() {
        let err = bad("[ranking]", "[ranking");
        assert!(err.contains("sai cú pháp TOML"), "{err}");
        assert!(err.starts_with("dòng "), "{err}");
        let err = bad("year = 2026", "year = 2026\nyear = 2027");
        assert!(err.contains("ghi hai lần"), "{err}");
        assert!(err.contains("\"year\""), "{err}");
    }

    #[test]
    fn invalid_share_is_explained() {
        let text = default_text().replace("share = 0.3", "share = 3");
        let err = Settings::parse(&text).unwrap_err();
        assert!(err.contains("tỷ lệ từ 0 đến 1"), "{err}");
    }

    #[test]
    fn shares_are_exact() {
        assert_eq!(Share(290_000).of(100), 29);
        assert_eq!(Share(300_000).of(10), 3);
        assert!(Share(800_000).reached_by(8, 10));
        assert!(!Share(800_000).reached_by(7, 10));
    }
}
