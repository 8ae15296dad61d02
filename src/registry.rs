//! The secretariat's own reference data: the registry of blocs and units
//! (`don-vi.xlsx`) and the criteria framework (`tieu-chi.xlsx`).
//!
//! Both are built from [`Sheet`]s the reader produced. A problem here stops
//! the command (exit code 2): without them nothing can be scored.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use crate::model::{a1, Points};
use crate::read::{Cell, Sheet};
use crate::text::{distance, fold};

/// A problem in a reference file, with the sheet and cell where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
    pub sheet: String,
    pub message: String,
}

fn ref_error(sheet: &str, message: impl Into<String>) -> RefError {
    RefError {
        sheet: sheet.to_string(),
        message: message.into(),
    }
}

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

/// Position of a unit: (bloc index, unit index within the bloc).
pub type UnitRef = (usize, usize);

pub const REGISTRY_SHEET: &str = "Đơn vị";
pub const EXCLUDED_SHEET: &str = "Không xét";
pub const REGISTRY_HEADERS: [&str; 4] = ["Khối", "Mã đơn vị", "Tên đơn vị", "Vai trò"];
pub const EXCLUDED_HEADERS: [&str; 3] = ["Mã đơn vị", "Lý do", "Căn cứ"];
pub const CRITERIA_SHEET: &str = "Tiêu chí";
pub const CRITERIA_HEADERS: [&str; 5] = ["Mã", "Nội dung", "Điểm tối đa", "Loại", "Hướng dẫn chấm"];

/// Finds a header row among the first rows: the row where every wanted title
/// is present (compared folded). Returns the row index and each title's column.
pub fn find_header(sheet: &Sheet, wanted: &[&str], required: usize) -> Option<(u32, Vec<Option<u32>>)> {
    let wanted: Vec<String> = wanted.iter().map(|w| fold(w)).collect();
    sheet.rows.iter().take(15).find_map(|row| {
        let cols: Vec<Option<u32>> = wanted
            .iter()
            .map(|w| {
                row.cells
                    .iter()
                    .find(|(_, c)| fold(&c.as_text()) == *w)
                    .map(|(col, _)| *col)
            })
            .collect();
        cols[..required]
            .iter()
            .all(Option::is_some)
            .then_some((row.index, cols))
    })
}

fn text_at(sheet: &Sheet, row: u32, col: Option<u32>) -> String {
    col.and_then(|c| sheet.cell(row, c))
        .map(|c| c.as_text().trim().to_string())
        .unwrap_or_default()
}

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
        &self.blocs[at.0].units[at.1]
    }

    pub fn units(&self) -> impl Iterator<Item = (UnitRef, &Unit)> {
        self.blocs
            .iter()
            .enumerate()
            .flat_map(|(b, bloc)| bloc.units.iter().enumerate().map(move |(u, unit)| ((b, u), unit)))
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

/// Kind of criterion: standard points, bonus on top, or a deduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Standard,
    Bonus,
    Deduction,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Standard => "Chuẩn",
            Kind::Bonus => "Thưởng",
            Kind::Deduction => "Trừ",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Criterion {
    pub code: String,
    pub title: String,
    pub max: Points,
    pub kind: Kind,
    pub guide: String,
    /// Index of the parent group, if any.
    pub parent: Option<usize>,
    /// 0 for top-level groups.
    pub depth: usize,
    /// Only leaves are scored.
    pub leaf: bool,
}

/// A scoring table: criteria in table order, with the tree from their codes.
#[derive(Clone, Debug)]
pub struct Framework {
    /// The sheet of tieu-chi.xlsx it comes from.
    pub name: String,
    pub criteria: Vec<Criterion>,
    /// Short hash of codes, maxima and kinds: tells forms made from another version.
    pub fingerprint: String,
    /// Criterion index by code: every row of every workbook is looked up.
    by_code: HashMap<String, usize>,
}

/// Normal form of a criterion code for matching: `i.1.` → `I.1`, `1 . 2` → `1.2`.
pub fn code_key(code: &str) -> String {
    // Every row of every workbook comes through here: ASCII codes skip the
    // Unicode case tables.
    let mut out = String::with_capacity(code.len());
    for c in code.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii() {
            out.push(c.to_ascii_uppercase());
        } else {
            out.extend(c.to_uppercase());
        }
    }
    while out.ends_with('.') || out.ends_with(')') {
        out.pop();
    }
    out
}

impl Framework {
    /// Builds a framework from one sheet of tieu-chi.xlsx.
    pub fn from_sheet(sheet: &Sheet) -> Result<Framework, RefError> {
        let (header, cols) = find_header(sheet, &CRITERIA_HEADERS, 3).ok_or_else(|| {
            ref_error(
                &sheet.name,
                "không tìm thấy dòng tiêu đề gồm các cột \"Mã | Nội dung | Điểm tối đa | Loại | Hướng dẫn chấm\"",
            )
        })?;
        let mut criteria: Vec<Criterion> = Vec::new();
        for row in sheet.rows.iter().filter(|r| r.index > header) {
            let r = row.index;
            let code = code_key(&text_at(sheet, r, cols[0]));
            let title = text_at(sheet, r, cols[1]);
            if code.is_empty() && title.is_empty() {
                continue;
            }
            let here = |col: Option<u32>| a1(r, col.unwrap_or(0));
            if code.is_empty() {
                return Err(ref_error(
                    &sheet.name,
                    format!("ô {}: tiêu chí \"{title}\" thiếu mã", here(cols[0])),
                ));
            }
            if criteria.iter().any(|c| c.code == code) {
                return Err(ref_error(
                    &sheet.name,
                    format!("ô {}: mã tiêu chí \"{code}\" bị trùng", here(cols[0])),
                ));
            }
            let max = match cols[2].and_then(|c| sheet.cell(r, c)) {
                Some(Cell::Number(n)) => Points::from_f64(*n).filter(|p| p.0 >= 0),
                Some(Cell::Text(t)) => Points::parse(t).map(|(p, _)| p).filter(|p| p.0 >= 0),
                _ => None,
            }
            .ok_or_else(|| {
                ref_error(
                    &sheet.name,
                    format!(
                        "ô {}: điểm tối đa của tiêu chí {code} phải là số không âm",
                        here(cols[2])
                    ),
                )
            })?;
            let parent_code = code.rsplit_once('.').map(|(p, _)| p.to_string());
            let parent = match &parent_code {
                Some(p) => Some(criteria.iter().position(|c| &c.code == p).ok_or_else(|| {
                    ref_error(
                        &sheet.name,
                        format!(
                            "ô {}: tiêu chí {code} nằm dưới nhóm {p}, nhưng nhóm {p} chưa có ở các dòng phía trên",
                            here(cols[0])
                        ),
                    )
                })?),
                None => None,
            };
            let kind_text = text_at(sheet, r, cols[3]);
            let kind = match fold(&kind_text).as_str() {
                "chuan" => Kind::Standard,
                "thuong" | "cong" | "diem thuong" => Kind::Bonus,
                "tru" | "diem tru" => Kind::Deduction,
                "" => parent.map(|p| criteria[p].kind).unwrap_or(Kind::Standard),
                _ => {
                    return Err(ref_error(
                        &sheet.name,
                        format!(
                            "ô {}: loại \"{kind_text}\" không hợp lệ; ghi \"Chuẩn\", \"Thưởng\" hoặc \"Trừ\"",
                            here(cols[3])
                        ),
                    ))
                }
            };
            let depth = parent.map(|p| criteria[p].depth + 1).unwrap_or(0);
            if let Some(p) = parent {
                criteria[p].leaf = false;
                if criteria[p].kind != kind {
                    return Err(ref_error(
                        &sheet.name,
                        format!(
                            "ô {}: tiêu chí {code} khác loại với nhóm {}",
                            here(cols[3]),
                            criteria[p].code
                        ),
                    ));
                }
            }
            criteria.push(Criterion {
                code,
                title,
                max,
                kind,
                guide: text_at(sheet, r, cols[4]),
                parent,
                depth,
                leaf: true,
            });
        }
        if criteria.is_empty() {
            return Err(ref_error(&sheet.name, "bảng tiêu chí trống"));
        }
        Ok(Framework::new(&sheet.name, criteria))
    }

    /// A framework from its criteria, with its fingerprint computed.
    pub fn new(name: &str, criteria: Vec<Criterion>) -> Framework {
        let mut hasher = Sha256::new();
        for c in &criteria {
            hasher.update(format!("{}|{}|{:?};", c.code, c.max.0, c.kind));
        }
        let digest = hasher.finalize();
        let fingerprint = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        // The first of equal codes, as a search from the top would find.
        let mut by_code = HashMap::new();
        for (i, c) in criteria.iter().enumerate() {
            by_code.entry(c.code.clone()).or_insert(i);
        }
        Framework {
            name: name.to_string(),
            criteria,
            fingerprint,
            by_code,
        }
    }

    /// Indexes of the leaves: the criteria that are scored.
    pub fn leaves(&self) -> impl Iterator<Item = usize> + '_ {
        self.criteria.iter().enumerate().filter(|(_, c)| c.leaf).map(|(i, _)| i)
    }

    /// Indexes of the top-level criteria.
    pub fn tops(&self) -> impl Iterator<Item = usize> + '_ {
        self.criteria
            .iter()
            .enumerate()
            .filter(|(_, c)| c.parent.is_none())
            .map(|(i, _)| i)
    }

    /// Indexes of the direct children of `parent`.
    pub fn children(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        self.criteria
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.parent == Some(parent))
            .map(|(i, _)| i)
    }

    pub fn find(&self, code: &str) -> Option<usize> {
        self.by_code.get(&code_key(code)).copied()
    }

    /// The sum of the top-level maxima of standard criteria (usually 100).
    pub fn standard_max(&self) -> Points {
        self.tops()
            .filter(|&i| self.criteria[i].kind == Kind::Standard)
            .map(|i| self.criteria[i].max)
            .sum()
    }
}

/// Every framework in tieu-chi.xlsx, by sheet, in workbook order.
pub fn frameworks_from_sheets(sheets: &[Sheet]) -> Result<Vec<Framework>, RefError> {
    let mut out = Vec::new();
    let mut first_error = None;
    for sheet in sheets {
        match Framework::from_sheet(sheet) {
            Ok(f) => out.push(f),
            Err(e) if find_header(sheet, &CRITERIA_HEADERS, 3).is_some() => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if out.is_empty() {
        return Err(first_error.unwrap_or_else(|| ref_error(CRITERIA_SHEET, "tệp không có sheet tiêu chí nào")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_keys_ignore_case_spaces_and_trailing_marks() {
        assert_eq!(code_key("i.1."), "I.1");
        assert_eq!(code_key(" 1 . 2 "), "1.2");
        assert_eq!(code_key("ii.3)"), "II.3");
        assert_eq!(code_key("đ.1\u{a0}"), "Đ.1");
        assert_eq!(code_key("VII.2"), "VII.2");
    }
    use crate::read::Row;

    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(r, cells)| Row {
                    index: r as u32,
                    cells: cells
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| !t.is_empty())
                        .map(|(c, t)| {
                            let cell = match t.parse::<f64>() {
                                Ok(n) => Cell::Number(n),
                                Err(_) => Cell::Text(t.to_string()),
                            };
                            (c as u32, cell)
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn framework_tree_follows_codes() {
        let s = sheet(
            "Tiêu chí",
            &[
                &["Mã", "Nội dung", "Điểm tối đa", "Loại", "Hướng dẫn chấm"],
                &["I", "Nhiệm vụ", "60", "Chuẩn", ""],
                &["I.1", "Chỉ tiêu", "30", "", ""],
                &["I.2", "Báo cáo", "30", "", ""],
                &["II", "Thưởng", "5", "Thưởng", ""],
                &["II.1", "Sáng kiến", "5", "", ""],
            ],
        );
        let f = Framework::from_sheet(&s).unwrap();
        assert_eq!(f.leaves().count(), 3);
        assert_eq!(f.criteria[1].parent, Some(0));
        assert_eq!(f.criteria[4].kind, Kind::Bonus);
        assert_eq!(f.standard_max(), Points(6000));
        assert_eq!(f.find("i.1."), Some(1));
    }

    #[test]
    fn framework_rejects_orphan_code() {
        let s = sheet(
            "Tiêu chí",
            &[
                &["Mã", "Nội dung", "Điểm tối đa", "Loại"],
                &["I.1", "Chỉ tiêu", "30", "Chuẩn"],
            ],
        );
        let e = Framework::from_sheet(&s).unwrap_err();
        assert!(e.message.contains("A2"), "{}", e.message);
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
        assert_eq!(r.match_unit("  SỞ Y TẾ "), Ok((0, 0)));
        assert_eq!(r.match_unit("a02"), Ok((0, 1)));
        assert_eq!(
            r.match_unit("Sở Giáo dục Đào tạo"),
            Err(Some("Sở Giáo dục và Đào tạo".into()))
        );
        assert_eq!(r.unit((0, 0)).role, Role::Leader);
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
        assert_eq!(r.match_unit("Thanh tra tỉnh Bắc Ninh"), Ok((0, 0)));
        assert_eq!(r.match_unit("nc04 thanh tra"), Ok((0, 0)));
        assert_eq!(r.match_unit("bang tu cham NC05 2026"), Ok((0, 1)));
        // The longest name contained wins.
        assert_eq!(r.match_unit("Sở Y tế dự phòng tỉnh"), Ok((0, 2)));
        assert_eq!(r.match_unit("Sở Y tế tỉnh"), Ok((0, 1)));
        // A word that merely starts a name is not a match.
        assert!(r.match_unit("Thanh").is_err());
    }
}
