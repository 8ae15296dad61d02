//! The criteria framework (`tieu-chi.xlsx`): one sheet per framework, the
//! tree of groups and leaves built from the criteria codes.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::{find_header, ref_error, text_at, RefError};
use crate::model::{a1, Points};
use crate::read::Sheet;
use crate::score_table::Cell;
use crate::text::fold;

pub const CRITERIA_SHEET: &str = "Tiêu chí";
pub const CRITERIA_HEADERS: [&str; 5] = ["Mã", "Nội dung", "Điểm tối đa", "Loại", "Hướng dẫn chấm"];

/// CriterionKind of criterion: standard points, bonus on top, or a deduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CriterionKind {
    Standard,
    Bonus,
    Deduction,
}

impl CriterionKind {
    pub fn label(self) -> &'static str {
        match self {
            CriterionKind::Standard => "Chuẩn",
            CriterionKind::Bonus => "Thưởng",
            CriterionKind::Deduction => "Trừ",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Criterion {
    pub code: String,
    pub title: String,
    pub max: Points,
    pub kind: CriterionKind,
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
                Some(Cell::Number(n) | Cell::Date(n) | Cell::Percent(n)) => Points::from_f64(*n).filter(|p| p.0 >= 0),
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
                "chuan" => CriterionKind::Standard,
                "thuong" | "cong" | "diem thuong" => CriterionKind::Bonus,
                "tru" | "diem tru" => CriterionKind::Deduction,
                "" => parent.map(|p| criteria[p].kind).unwrap_or(CriterionKind::Standard),
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
            .filter(|&i| self.criteria[i].kind == CriterionKind::Standard)
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

/// Every framework of `tieu-chi.xlsx` and the one each bloc is scored on.
#[derive(Clone, Debug)]
pub struct Frameworks {
    pub all: Vec<Framework>,
    /// Index into `all` per bloc index.
    pub by_bloc: Vec<usize>,
}

impl Frameworks {
    /// The framework of the bloc at `bloc`.
    pub fn of(&self, bloc: usize) -> &Framework {
        &self.all[self.by_bloc[bloc]]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_sheets::sheet;
    use super::*;

    #[test]
    fn code_keys_ignore_case_spaces_and_trailing_marks() {
        assert_eq!(code_key("i.1."), "I.1");
        assert_eq!(code_key(" 1 . 2 "), "1.2");
        assert_eq!(code_key("ii.3)"), "II.3");
        assert_eq!(code_key("đ.1\u{a0}"), "Đ.1");
        assert_eq!(code_key("VII.2"), "VII.2");
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
        assert_eq!(f.criteria[4].kind, CriterionKind::Bonus);
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
}
