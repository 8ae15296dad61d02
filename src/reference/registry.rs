//! The registry of blocs and units (`don-vi.xlsx`: sheets `Đơn vị` and
//! `Không xét`), and how a name or code typed by a member finds its unit.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::{find_header, ref_error, text_at, RefError};
use crate::model::a1;
use crate::read::Sheet;
use crate::text::{distance, fold};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Member,
    Leader,
    Deputy,
}

#[derive(Clone, Debug)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub role: Role,
    /// Other names the unit goes by in members' files (the optional
    /// `Tên khác` column): a name before a merger, a local abbreviation.
    pub aliases: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Bloc {
    pub name: String,
    /// Members in registry order (the order of rotation).
    pub units: Vec<Unit>,
}

/// A unit that is ranked but not proposed this year (`Không xét` sheet).
#[derive(Clone, Debug)]
pub struct Exclusion {
    pub reason: String,
    pub basis: String,
}

#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub blocs: Vec<Bloc>,
    /// By unit code.
    pub excluded: BTreeMap<String, Exclusion>,
    /// Folded names and codes → unit, built once: matching thousands of
    /// files against thousands of units must not fold every name each time.
    index: BTreeMap<String, UnitRef>,
    /// Every unit's name and other names as [`unit_words`] writes them, for
    /// suggesting the nearest.
    folded: Vec<(UnitRef, String)>,
    /// Every way a unit's name is written, as [`unit_words`] gives it (its
    /// name, without a leading "Ủy ban nhân dân" or a trailing "tỉnh"), and
    /// codes of three characters or more: the unit, or `None` when two
    /// units share it.
    aliases: Words<Option<UnitRef>>,
    /// The most words in an alias.
    alias_words: usize,
    /// The first word of every alias: a phrase starting with another word
    /// is not looked up.
    alias_starts: Words<()>,
}

/// Common abbreviations of agency names, as data a user can read.
const ABBREVIATIONS: &str = include_str!("abbreviations.tsv");

/// FNV-1a, for maps keyed by a few short folded words: std's SipHash
/// (built to resist keys chosen to collide, which a registry's names and
/// the abbreviation table are not) was a fifth of the time spent naming units.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A map from folded words.
type Words<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// The abbreviations, folded and without `& - . /`, to their folded words.
struct Abbreviations {
    full: Words<String>,
    /// The first words of the two-word abbreviations (`so` of `so tc`).
    pair_starts: Words<()>,
}

fn abbreviations() -> &'static Abbreviations {
    static TABLE: OnceLock<Abbreviations> = OnceLock::new();
    TABLE.get_or_init(|| {
        let full: Words<String> = ABBREVIATIONS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(short, full)| {
                let key: Vec<String> = fold(short).split_whitespace().map(compact).collect();
                (key.join(" "), words_of(&fold(full)))
            })
            .collect();
        let pair_starts = full
            .keys()
            .filter_map(|k| k.split_once(' '))
            .map(|(first, _)| (first.to_string(), ()))
            .collect();
        Abbreviations { full, pair_starts }
    })
}

/// A folded token without the marks that join the letters of an
/// abbreviation (`gd&dt`, `ld-tb&xh`, `p.`).
fn compact(token: &str) -> String {
    token.chars().filter(|c| !matches!(c, '&' | '-' | '.' | '/')).collect()
}

/// The words of a name as matched against the registry: folded, with
/// abbreviations written out ("Sở GD&ĐT" → "so giao duc va dao tao").
pub fn unit_words(text: &str) -> String {
    let folded = fold(text);
    let Abbreviations {
        full: table,
        pair_starts,
    } = abbreviations();
    let joined = |c: char| matches!(c, '&' | '-' | '.' | '/');
    // A token joined by `& - . /` stays whole when it is an abbreviation
    // (`gd&dt`), else it is its words (`so-y-te`, a file name).
    let mut tokens: Vec<Cow<str>> = Vec::new();
    let mut run = String::new();
    for raw in folded
        .split(|c: char| !(c.is_alphanumeric() || joined(c)))
        .filter(|t| !t.is_empty())
    {
        if !raw.contains(joined) {
            // Letters and digits only: the token is its one word.
            tokens.push(Cow::Borrowed(raw));
            continue;
        }
        let whole = compact(raw);
        if table.contains_key(&whole) {
            tokens.push(Cow::Owned(whole));
            continue;
        }
        // `so-gd-dt`: the longest run of parts that is an abbreviation
        // stays together.
        let parts: Vec<&str> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut i = 0;
        while i < parts.len() {
            let end = (i + 2..=parts.len().min(i + 4)).rev().find(|&j| {
                run.clear();
                parts[i..j].iter().for_each(|p| run.push_str(p));
                table.contains_key(&run)
            });
            match end {
                Some(j) => {
                    tokens.push(Cow::Owned(parts[i..j].concat()));
                    i = j;
                }
                None => {
                    tokens.push(Cow::Borrowed(parts[i]));
                    i += 1;
                }
            }
        }
    }
    let mut out = String::with_capacity(folded.len());
    let mut first = true;
    let mut push = |word: &str| {
        if !std::mem::take(&mut first) {
            out.push(' ');
        }
        out.push_str(word);
    };
    let mut i = 0;
    while i < tokens.len() {
        let pair = tokens
            .get(i + 1)
            .filter(|_| pair_starts.contains_key(tokens[i].as_ref()))
            .and_then(|next| {
                run.clear();
                run.push_str(&tokens[i]);
                run.push(' ');
                run.push_str(next);
                table.get(&run)
            });
        if let Some(full) = pair {
            push(full);
            i += 2;
            continue;
        }
        push(table.get(tokens[i].as_ref()).map_or(tokens[i].as_ref(), String::as_str));
        i += 1;
    }
    out
}

/// The alphanumeric words of a folded text, joined by single spaces.
fn words_of(folded: &str) -> String {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a unit stands in the registry: its bloc's index and its index
/// among the bloc's members. Orders by bloc, then registry order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitRef {
    pub bloc: usize,
    pub unit: usize,
}

impl UnitRef {
    pub fn new(bloc: usize, unit: usize) -> UnitRef {
        UnitRef { bloc, unit }
    }
}

pub const REGISTRY_SHEET: &str = "Đơn vị";
pub const EXCLUDED_SHEET: &str = "Không xét";
/// The registry's columns; the first three are required, `Tên khác` (other
/// names, separated by `;` or line breaks) is optional.
pub const REGISTRY_HEADERS: [&str; 5] = ["Khối", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tên khác"];
pub const EXCLUDED_HEADERS: [&str; 3] = ["Mã đơn vị", "Lý do", "Căn cứ"];

impl Registry {
    /// Builds the registry from the sheets of `don-vi.xlsx`.
    pub fn from_sheets(sheets: &[Sheet]) -> Result<Registry, RefError> {
        let sheet = sheets
            .iter()
            .find(|s| fold(&s.name) == fold(REGISTRY_SHEET))
            .or_else(|| sheets.first())
            .ok_or_else(|| ref_error(REGISTRY_SHEET, "tệp không có sheet nào"))?;
        let (header, cols) = find_header(sheet, &REGISTRY_HEADERS, 3).ok_or_else(|| {
            ref_error(
                &sheet.name,
                "không tìm thấy dòng tiêu đề gồm các cột \"Khối | Mã đơn vị | Tên đơn vị | Vai trò\"",
            )
        })?;
        let mut registry = Registry::default();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        // Folded bloc name → index, so a province of thousands of units is
        // grouped in one pass.
        let mut bloc_index: BTreeMap<String, usize> = BTreeMap::new();
        for row in sheet.rows.iter().filter(|r| r.index > header) {
            let r = row.index;
            let bloc = text_at(sheet, r, cols[0]);
            let code = text_at(sheet, r, cols[1]);
            let name = text_at(sheet, r, cols[2]);
            let role = text_at(sheet, r, cols[3]);
            let aliases: Vec<String> = text_at(sheet, r, cols[4])
                .split([';', '\n'])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect();
            if bloc.is_empty() && code.is_empty() && name.is_empty() {
                continue;
            }
            let here = |col: Option<u32>| a1(r, col.unwrap_or(0));
            if bloc.is_empty() {
                return Err(ref_error(&sheet.name, format!("ô {}: thiếu tên khối", here(cols[0]))));
            }
            if code.is_empty() {
                return Err(ref_error(&sheet.name, format!("ô {}: thiếu mã đơn vị", here(cols[1]))));
            }
            if name.is_empty() {
                return Err(ref_error(&sheet.name, format!("ô {}: thiếu tên đơn vị", here(cols[2]))));
            }
            if let Some(first) = seen.insert(fold(&code), here(cols[1])) {
                return Err(ref_error(
                    &sheet.name,
                    format!(
                        "ô {}: mã đơn vị \"{code}\" trùng với ô {first}; mỗi đơn vị cần một mã riêng",
                        here(cols[1])
                    ),
                ));
            }
            let role = match fold(&role).as_str() {
                "" => Role::Member,
                "truong khoi" | "cum truong" | "truong cum" | "khoi truong" => Role::Leader,
                "pho khoi" | "cum pho" | "pho cum" | "khoi pho" => Role::Deputy,
                _ => {
                    return Err(ref_error(
                        &sheet.name,
                        format!(
                            "ô {}: vai trò \"{role}\" không hợp lệ; để trống hoặc ghi \"Trưởng khối\", \"Phó khối\"",
                            here(cols[3])
                        ),
                    ))
                }
            };
            let unit = Unit {
                code,
                name,
                role,
                aliases,
            };
            match bloc_index.get(&fold(&bloc)) {
                Some(&b) => registry.blocs[b].units.push(unit),
                None => {
                    bloc_index.insert(fold(&bloc), registry.blocs.len());
                    registry.blocs.push(Bloc {
                        name: bloc,
                        units: vec![unit],
                    });
                }
            }
        }
        if registry.blocs.is_empty() {
            return Err(ref_error(&sheet.name, "danh sách đơn vị trống"));
        }
        registry.build_index();
        if let Some(ex) = sheets.iter().find(|s| fold(&s.name) == fold(EXCLUDED_SHEET)) {
            registry.read_exclusions(ex)?;
        }
        Ok(registry)
    }

    fn read_exclusions(&mut self, sheet: &Sheet) -> Result<(), RefError> {
        let Some((header, cols)) = find_header(sheet, &EXCLUDED_HEADERS, 1) else {
            return Ok(());
        };
        for row in sheet.rows.iter().filter(|r| r.index > header) {
            let code = text_at(sheet, row.index, cols[0]);
            if code.is_empty() {
                continue;
            }
            let Some(unit) = self.find_code(&code) else {
                return Err(ref_error(
                    &sheet.name,
                    format!(
                        "ô {}: mã đơn vị \"{code}\" không có trong sheet \"{REGISTRY_SHEET}\"",
                        a1(row.index, cols[0].unwrap_or(0))
                    ),
                ));
            };
            let code = self.unit(unit).code.clone();
            self.excluded.insert(
                code,
                Exclusion {
                    reason: text_at(sheet, row.index, cols[1]),
                    basis: text_at(sheet, row.index, cols[2]),
                },
            );
        }
        Ok(())
    }

    /// A registry from its blocs and exclusions.
    pub fn new(blocs: Vec<Bloc>, excluded: BTreeMap<String, Exclusion>) -> Registry {
        let mut registry = Registry {
            blocs,
            excluded,
            ..Registry::default()
        };
        registry.build_index();
        registry
    }

    /// Codes first, then names, so a code always wins over a name that
    /// happens to fold to the same text; the first unit of a name wins.
    fn build_index(&mut self) {
        let folded: Vec<(UnitRef, String, String)> = self
            .units()
            .map(|(at, unit)| (at, fold(&unit.name), fold(&unit.code)))
            .collect();
        let mut index = BTreeMap::new();
        for (at, _, code) in &folded {
            index.entry(code.clone()).or_insert(*at);
        }
        for (at, name, _) in &folded {
            index.entry(name.clone()).or_insert(*at);
        }
        // Other names come after every real name: they never take one over.
        for (at, unit) in self.units() {
            for alias in &unit.aliases {
                index.entry(fold(alias)).or_insert(at);
            }
        }
        let mut aliases: Words<Option<UnitRef>> = Words::default();
        let mut folded_words = Vec::with_capacity(folded.len());
        let mut add = |alias: String, at: UnitRef| {
            if alias.is_empty() {
                return;
            }
            aliases
                .entry(alias)
                .and_modify(|u| {
                    if *u != Some(at) {
                        *u = None;
                    }
                })
                .or_insert(Some(at));
        };
        for (at, _, code) in &folded {
            if code.len() >= 3 && !code.bytes().all(|b| b.is_ascii_digit()) && !code.contains(' ') {
                add(code.clone(), *at);
            }
        }
        for (at, unit) in self.units() {
            for name in std::iter::once(&unit.name).chain(&unit.aliases) {
                let words = unit_words(name);
                let bare = words.strip_prefix("uy ban nhan dan ").unwrap_or(&words).to_string();
                for alias in [&words, &bare] {
                    if let Some(short) = alias.strip_suffix(" tinh").filter(|s| s.contains(' ')) {
                        add(short.to_string(), at);
                    }
                }
                add(bare, at);
                folded_words.push((at, words.clone()));
                add(words, at);
            }
        }
        self.alias_words = aliases.keys().map(|k| k.split(' ').count()).max().unwrap_or(0);
        self.alias_starts = aliases
            .keys()
            .filter_map(|k| k.split(' ').next())
            .map(|w| (w.to_string(), ()))
            .collect();
        self.index = index;
        self.aliases = aliases;
        self.folded = folded_words;
    }

    pub fn unit(&self, at: UnitRef) -> &Unit {
        &self.blocs[at.bloc].units[at.unit]
    }

    pub fn units(&self) -> impl Iterator<Item = (UnitRef, &Unit)> {
        self.blocs.iter().enumerate().flat_map(|(b, bloc)| {
            bloc.units
                .iter()
                .enumerate()
                .map(move |(u, unit)| (UnitRef::new(b, u), unit))
        })
    }

    pub fn unit_count(&self) -> usize {
        self.blocs.iter().map(|b| b.units.len()).sum()
    }

    /// The unit with this code (compared folded).
    pub fn find_code(&self, code: &str) -> Option<UnitRef> {
        let key = fold(code);
        self.index
            .get(&key)
            .copied()
            .filter(|&at| fold(&self.unit(at).code) == key)
    }

    /// The one unit whose name (written any way [`unit_words`] knows) or
    /// code stands as whole words inside `text`: "Thanh tra tỉnh Bắc Ninh",
    /// a file named `NC04_thanh-tra`, a title "BẢNG TỰ CHẤM ĐIỂM CỦA SỞ
    /// GD&ĐT" name a registry unit all the same. The longest name wins; two
    /// different units equally long is no match.
    pub fn unit_in(&self, text: &str) -> Option<UnitRef> {
        self.unit_in_words(&unit_words(text))
    }

    /// [`Registry::unit_in`] for words [`unit_words`] already gave.
    pub fn unit_in_words(&self, words: &str) -> Option<UnitRef> {
        let words: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
        let mut best: Option<(usize, Option<UnitRef>)> = None;
        let mut phrase = String::new();
        for i in 0..words.len() {
            if !self.alias_starts.contains_key(words[i]) {
                continue;
            }
            phrase.clear();
            for (n, word) in words[i..].iter().take(self.alias_words).enumerate() {
                if n > 0 {
                    phrase.push(' ');
                }
                phrase.push_str(word);
                let Some(&hit) = self.aliases.get(phrase.as_str()) else {
                    continue;
                };
                let len = phrase.len();
                best = match best {
                    Some((l, u)) if l > len => Some((l, u)),
                    Some((l, u)) if l == len && u != hit => Some((l, None)),
                    _ => Some((len, hit)),
                };
            }
        }
        best.and_then(|(_, u)| u)
    }

    /// The unit whose name or code matches `text`, ignoring case, marks,
    /// spacing, Unicode form and the usual abbreviations; `Err` carries the
    /// nearest names to suggest.
    pub fn match_unit(&self, text: &str) -> Result<UnitRef, Option<String>> {
        let key = fold(text);
        if key.is_empty() {
            return Err(None);
        }
        if let Some(&at) = self.index.get(&key) {
            return Ok(at);
        }
        self.unit_in(text).ok_or_else(|| self.nearest(text, 1).pop())
    }

    /// Up to `count` registry names nearest to `text` (by edit distance of
    /// their written-out words), nearest first, within half the name's length.
    pub fn nearest(&self, text: &str, count: usize) -> Vec<String> {
        let key = unit_words(text);
        if key.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(usize, UnitRef)> = self
            .folded
            .iter()
            .map(|(at, name)| (distance(name, &key), name.chars().count(), *at))
            .filter(|(d, len, _)| *d <= (*len).max(4) / 2)
            .map(|(d, _, at)| (d, at))
            .collect();
        scored.sort();
        // A unit near by its name and by another name is offered once, by
        // its registry name.
        let mut offered: Vec<UnitRef> = Vec::with_capacity(count);
        for (_, at) in scored {
            if offered.len() == count {
                break;
            }
            if !offered.contains(&at) {
                offered.push(at);
            }
        }
        offered.into_iter().map(|at| self.unit(at).name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_sheets::sheet;
    use super::*;

    /// Other names (`Tên khác`): a name before a merger and a local short
    /// name find the unit everywhere a name is looked for; one that is
    /// another unit's real name never takes it over; suggestions offer the
    /// registry name.
    #[test]
    fn other_names_find_the_unit_but_never_take_a_real_name() {
        let s = sheet(
            "Đơn vị",
            &[
                &["Khối", "Mã đơn vị", "Tên đơn vị", "Vai trò", "Tên khác"],
                &[
                    "Khối A",
                    "A01",
                    "Sở Tài chính",
                    "",
                    "Sở Kế hoạch và Đầu tư; TTXT\nSở Y tế",
                ],
                &["Khối A", "A02", "Sở Y tế", "", ""],
            ],
        );
        let r = Registry::from_sheets(&[s]).unwrap();
        assert_eq!(
            r.unit(UnitRef::new(0, 0)).aliases,
            ["Sở Kế hoạch và Đầu tư", "TTXT", "Sở Y tế"]
        );
        assert_eq!(r.match_unit("SỞ KẾ HOẠCH VÀ ĐẦU TƯ"), Ok(UnitRef::new(0, 0)));
        assert_eq!(r.match_unit("Sở KH&ĐT"), Ok(UnitRef::new(0, 0)));
        assert_eq!(r.match_unit("ttxt"), Ok(UnitRef::new(0, 0)));
        assert_eq!(
            r.unit_in("BẢNG TỰ CHẤM ĐIỂM CỦA SỞ KẾ HOẠCH VÀ ĐẦU TƯ NĂM 2026"),
            Some(UnitRef::new(0, 0))
        );
        assert_eq!(r.match_unit("Sở Y tế"), Ok(UnitRef::new(0, 1)));
        assert_eq!(r.nearest("Sở Kế hoạch Đầu tư", 3), vec!["Sở Tài chính".to_string()]);
        // Without the column, nothing changes.
        let s = sheet(
            "Đơn vị",
            &[&["Khối", "Mã đơn vị", "Tên đơn vị"], &["Khối A", "A01", "Sở Tài chính"]],
        );
        let r = Registry::from_sheets(&[s]).unwrap();
        assert!(r.unit(UnitRef::new(0, 0)).aliases.is_empty());
        assert!(r.match_unit("Sở Kế hoạch và Đầu tư").is_err());
    }

    #[test]
    fn registry_matches_names_loosely_and_suggests() {
        let s = sheet(
            "Đơn vị",
            &[
                &["Khối", "Mã đơn vị", "Tên đơn vị", "Vai trò"],
                &["Khối A", "A01", "Sở Y tế", "Trưởng khối"],
                &["Khối A", "A02", "Sở Giáo dục và Đào tạo", ""],
            ],
        );
        let r = Registry::from_sheets(&[s]).unwrap();
        assert_eq!(r.match_unit("  SỞ Y TẾ "), Ok(UnitRef::new(0, 0)));
        assert_eq!(r.match_unit("a02"), Ok(UnitRef::new(0, 1)));
        assert_eq!(
            r.match_unit("Sở Giáo dục Đào tạo"),
            Err(Some("Sở Giáo dục và Đào tạo".into()))
        );
        assert_eq!(r.match_unit("Sở GD&ĐT"), Ok(UnitRef::new(0, 1)));
        assert_eq!(r.match_unit("SỞ GD-ĐT TỈNH BẮC NINH"), Ok(UnitRef::new(0, 1)));
        assert_eq!(
            r.unit_in("BẢNG TỰ CHẤM ĐIỂM CỦA SỞ Y TẾ NĂM 2026"),
            Some(UnitRef::new(0, 0))
        );
        assert_eq!(r.unit_in("UBND TỈNH BẮC NINH"), None);
        assert_eq!(r.match_unit("so-gd-dt"), Ok(UnitRef::new(0, 1)));
        assert_eq!(r.nearest("Sở Y ttế", 3), vec!["Sở Y tế".to_string()]);
        assert_eq!(r.unit(UnitRef::new(0, 0)).role, Role::Leader);
    }

    #[test]
    fn registry_finds_a_unit_named_inside_a_longer_text() {
        let s = sheet(
            "Đơn vị",
            &[
                &["Khối", "Mã đơn vị", "Tên đơn vị", "Vai trò"],
                &["Khối A", "NC04", "Thanh tra tỉnh", ""],
                &["Khối A", "NC05", "Sở Y tế", ""],
                &["Khối A", "NC06", "Sở Y tế dự phòng", ""],
            ],
        );
        let r = Registry::from_sheets(&[s]).unwrap();
        assert_eq!(r.match_unit("Thanh tra tỉnh Bắc Ninh"), Ok(UnitRef::new(0, 0)));
        assert_eq!(r.match_unit("nc04 thanh tra"), Ok(UnitRef::new(0, 0)));
        assert_eq!(r.match_unit("bang tu cham NC05 2026"), Ok(UnitRef::new(0, 1)));
        // The longest name contained wins.
        assert_eq!(r.match_unit("Sở Y tế dự phòng tỉnh"), Ok(UnitRef::new(0, 2)));
        assert_eq!(r.match_unit("Sở Y tế tỉnh"), Ok(UnitRef::new(0, 1)));
        // A word that merely starts a name is not a match.
        assert!(r.match_unit("Thanh").is_err());
    }
}
