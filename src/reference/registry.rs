//! The registry of blocs and units (`don-vi.xlsx`: sheets `Đơn vị` and
//! `Không xét`), and how a name or code typed by a member finds its unit.

use std::collections::BTreeMap;

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
    /// Every unit's folded name (and its words joined by single spaces)
    /// and code, folded once for the searches after an exact miss.
    folded: Vec<FoldedUnit>,
}

#[derive(Clone, Debug, Default)]
struct FoldedUnit {
    at: UnitRef,
    name: String,
    words: String,
    code: String,
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
pub const REGISTRY_HEADERS: [&str; 4] = ["Khối", "Mã đơn vị", "Tên đơn vị", "Vai trò"];
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
            let unit = Unit { code, name, role };
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
            index: BTreeMap::new(),
            folded: Vec::new(),
        };
        registry.build_index();
        registry
    }

    /// Codes first, then names, so a code always wins over a name that
    /// happens to fold to the same text; the first unit of a name wins.
    fn build_index(&mut self) {
        let folded: Vec<FoldedUnit> = self
            .units()
            .map(|(at, unit)| {
                let name = fold(&unit.name);
                FoldedUnit {
                    at,
                    words: words_of(&name),
                    name,
                    code: fold(&unit.code),
                }
            })
            .collect();
        let mut index = BTreeMap::new();
        for f in &folded {
            index.entry(f.code.clone()).or_insert(f.at);
        }
        for f in &folded {
            index.entry(f.name.clone()).or_insert(f.at);
        }
        self.index = index;
        self.folded = folded;
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

    /// The one unit whose folded name, or code, stands as whole words inside
    /// `key`: "Thanh tra tỉnh Bắc Ninh" or a file named `NC04_thanh-tra`
    /// name a registry unit all the same. The longest name wins; two
    /// different units equally long is no match.
    fn contained_unit(&self, key: &str) -> Option<UnitRef> {
        let words = words_of(key);
        let spaced = format!(" {words} ");
        let mut best: Option<(usize, UnitRef)> = None;
        let mut tie = false;
        for f in &self.folded {
            let at = f.at;
            let code = &f.code;
            let hit = if !f.words.is_empty() && spaced.contains(&format!(" {} ", f.words)) {
                Some(f.words.len())
            } else if code.len() >= 3
                && !code.bytes().all(|b| b.is_ascii_digit())
                && words.split(' ').any(|w| w == code)
            {
                Some(code.len())
            } else {
                None
            };
            match (hit, best) {
                (Some(len), Some((best_len, best_at))) if len == best_len && best_at != at => tie = true,
                (Some(len), Some((best_len, _))) if len > best_len => {
                    best = Some((len, at));
                    tie = false;
                }
                (Some(len), None) => best = Some((len, at)),
                _ => {}
            }
        }
        best.filter(|_| !tie).map(|(_, at)| at)
    }

    /// The unit whose name or code matches `text`, ignoring case, marks,
    /// spacing and Unicode form; `Err` carries the nearest name to suggest.
    pub fn match_unit(&self, text: &str) -> Result<UnitRef, Option<String>> {
        let key = fold(text);
        if key.is_empty() {
            return Err(None);
        }
        if let Some(&at) = self.index.get(&key) {
            return Ok(at);
        }
        if let Some(at) = self.contained_unit(&key) {
            return Ok(at);
        }
        let nearest = self
            .folded
            .iter()
            .map(|f| (distance(&f.name, &key), f))
            .min_by_key(|(d, _)| *d)
            .filter(|(d, f)| *d <= f.name.chars().count().max(4) / 2)
            .map(|(_, f)| self.unit(f.at).name.clone());
        Err(nearest)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_sheets::sheet;
    use super::*;

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
