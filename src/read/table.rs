//! Finding the score table in a sheet as members really lay it out: title
//! rows above, a header anywhere in the first rows (possibly over two rows),
//! columns in any order, extra columns, a total row and a signature block
//! below.

use crate::read::Sheet;
use crate::score_table::{Cell, Columns, Table, TableRow};
use crate::text::fold;

/// How far down the header row may sit.
const HEADER_SEARCH_ROWS: usize = 30;

/// What a column holds, by its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Code,
    Content,
    Max,
    SelfScore,
    Appraisal,
}

/// Folded titles of a column of criterion codes.
const CODE_TITLES: [&str; 4] = ["ma", "ma so", "ma tc", "ma tieu chi"];
/// Folded titles of a row-number column, which often holds the codes too.
const ROW_NUMBER_TITLES: [&str; 4] = ["stt", "tt", "so tt", "s tt"];

fn is_code_title(title: &str) -> bool {
    CODE_TITLES.contains(&title.trim_end_matches('.'))
}

/// Classifies a folded column title.
fn role_of(title: &str) -> Option<Role> {
    const APPRAISAL: [&str; 5] = ["tham dinh", "khoi cham", "cum cham", "hoi dong cham", "diem khoi"];
    const SELF: [&str; 4] = ["tu cham", "tu danh gia", "diem tu", "don vi cham"];
    const MAX: [&str; 6] = [
        "toi da",
        "diem chuan",
        "thang diem",
        "quy dinh",
        "diem gioi han",
        "khung diem",
    ];
    const CONTENT: [&str; 3] = ["noi dung", "tieu chi", "chi tieu"];
    if title.is_empty() {
        return None;
    }
    if APPRAISAL.iter().any(|k| title.contains(k)) {
        Some(Role::Appraisal)
    } else if SELF.iter().any(|k| title.contains(k)) {
        Some(Role::SelfScore)
    } else if MAX.iter().any(|k| title.contains(k)) {
        Some(Role::Max)
    } else if is_code_title(title) || ROW_NUMBER_TITLES.contains(&title.trim_end_matches('.')) {
        Some(Role::Code)
    } else if CONTENT.iter().any(|k| title.contains(k)) {
        Some(Role::Content)
    } else {
        None
    }
}

/// Titles of one header row (folded), by column. A two-row header joins the
/// upper title, carried right across a merged span, with the lower one:
/// "Điểm" over "Tự chấm" gives "diem tu cham".
fn titles(sheet: &Sheet, row: usize, two_rows: bool) -> Vec<(u32, String)> {
    let upper = &sheet.rows[row];
    let lower = sheet.rows.get(row + 1).filter(|r| r.index == upper.index + 1);
    if !two_rows {
        return upper.cells.iter().map(|(c, v)| (*c, fold(&v.as_text()))).collect();
    }
    let Some(lower) = lower else { return Vec::new() };
    let mut cols: Vec<u32> = upper.cells.iter().chain(lower.cells.iter()).map(|(c, _)| *c).collect();
    cols.sort_unstable();
    cols.dedup();
    let mut carried = String::new();
    cols.into_iter()
        .map(|c| {
            let up = upper.get(c).map(|v| fold(&v.as_text())).unwrap_or_default();
            let down = lower.get(c).map(|v| fold(&v.as_text())).unwrap_or_default();
            if !up.is_empty() {
                carried = up.clone();
            }
            let title = match (up.is_empty(), down.is_empty()) {
                (false, true) => up,
                (_, false) => format!("{} {down}", if up.is_empty() { &carried } else { &up }),
                (true, true) => String::new(),
            };
            (c, title)
        })
        .collect()
}

fn columns_from(titles: &[(u32, String)]) -> Option<Columns> {
    let mut found = Columns::default();
    let mut self_score = None;
    // A column titled "Mã" holds the codes even when an "STT" column of
    // row numbers comes first.
    found.code = titles.iter().find(|(_, t)| is_code_title(t)).map(|(c, _)| *c);
    for (col, title) in titles {
        let slot = match role_of(title) {
            Some(Role::Code) => &mut found.code,
            Some(Role::Content) => &mut found.content,
            Some(Role::Max) => &mut found.max,
            Some(Role::SelfScore) => &mut self_score,
            Some(Role::Appraisal) => &mut found.appraisal,
            None => continue,
        };
        slot.get_or_insert(*col);
    }
    found.self_score = self_score?;
    (found.code.is_some() || found.content.is_some()).then_some(found)
}

/// Folded labels that mark the total row.
fn is_total_label(label: &str) -> bool {
    let label = label.trim_end_matches([':', '.', ' ']);
    matches!(label, "cong" | "tong" | "tong so")
        || ["tong cong", "tong diem", "tong so diem"].iter().any(|k| {
            label
                .strip_prefix(k)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '(']))
        })
}

/// Whether a row label (as typed) marks the total row. Only labels whose
/// first word folds to "tong" or "cong" are folded whole: this runs on
/// every row, and many criteria start with T or C ("Thực hiện", "Công tác").
fn is_total_row(label: &str) -> bool {
    let label = label.trim_start();
    if !label.starts_with(['T', 't', 'C', 'c']) {
        return false;
    }
    let first = label.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    matches!(fold(first).as_str(), "tong" | "cong") && is_total_label(&fold(label))
}

/// Finds the score table in a sheet, or `None` when there is none.
pub fn find_table(sheet: &Sheet) -> Option<Table> {
    let limit = sheet.rows.len().min(HEADER_SEARCH_ROWS);
    let (row_pos, columns, header_row) = (0..limit).find_map(|i| {
        let index = sheet.rows[i].index;
        if index as usize >= HEADER_SEARCH_ROWS {
            return None;
        }
        if let Some(cols) = columns_from(&titles(sheet, i, false)) {
            // A sub-header row under a complete header adds the appraisal
            // or splits "Điểm" further: prefer the two-row reading then.
            if let Some(two) =
                columns_from(&titles(sheet, i, true)).filter(|t| t.appraisal.is_some() && cols.appraisal.is_none())
            {
                return Some((i + 1, two, index + 1));
            }
            return Some((i, cols, index));
        }
        columns_from(&titles(sheet, i, true)).map(|cols| (i + 1, cols, index + 1))
    })?;
    let text_at = |row: &crate::read::Row, col: Option<u32>| {
        col.and_then(|c| row.get(c))
            .map(|v| v.as_text().trim().to_string())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    let mut total = None;
    for row in &sheet.rows[row_pos + 1..] {
        let code = text_at(row, columns.code);
        let text = text_at(row, columns.content);
        let self_score = row.get(columns.self_score).cloned().unwrap_or(Cell::Empty);
        let appraisal = columns.appraisal.map(|c| row.get(c).cloned().unwrap_or(Cell::Empty));
        if code.is_empty() && text.is_empty() {
            continue;
        }
        let entry = TableRow {
            row: row.index,
            code,
            text,
            self_score,
            appraisal,
        };
        if is_total_row(&entry.code) || is_total_row(&entry.text) {
            total = Some(entry);
            break;
        }
        rows.push(entry);
    }
    Some(Table {
        sheet: sheet.name.clone(),
        header_row,
        columns,
        rows,
        total,
    })
}

/// The unit named in a title line above the table (`Đơn vị: Sở Y tế`, or
/// `Đơn vị:` with the name in the next cell). Returns the name and its cell.
pub fn find_unit_line(sheet: &Sheet, before_row: u32) -> Option<(String, u32, u32)> {
    const LABELS: [&str; 5] = ["don vi", "ten don vi", "co quan", "ten co quan", "don vi tu cham"];
    for row in sheet.rows.iter().take_while(|r| r.index < before_row) {
        for (i, (col, cell)) in row.cells.iter().enumerate() {
            let Cell::Text(text) = cell else { continue };
            let Some((label, rest)) = text.split_once(':') else {
                continue;
            };
            if !LABELS.contains(&fold(label).as_str()) {
                continue;
            }
            let rest = rest.trim();
            if !rest.is_empty() {
                return Some((rest.to_string(), row.index, *col));
            }
            if let Some((next_col, next)) = row.cells.get(i + 1) {
                let name = next.as_text().trim().to_string();
                if !name.is_empty() {
                    return Some((name, row.index, *next_col));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Row;

    fn sheet(rows: &[(u32, &[(u32, &str)])]) -> Sheet {
        Sheet {
            name: "S".into(),
            rows: rows
                .iter()
                .map(|(r, cells)| Row {
                    index: *r,
                    cells: cells.iter().map(|(c, t)| (*c, Cell::Text(t.to_string()))).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn finds_header_below_title_rows_with_reordered_columns() {
        let s = sheet(&[
            (0, &[(0, "BẢNG TỰ CHẤM ĐIỂM")]),
            (1, &[(0, "Đơn vị: Sở Y tế")]),
            (
                5,
                &[(0, "Nội dung"), (1, "ĐIỂM TỰ CHẤM"), (2, "Mã"), (3, "Điểm tối đa")],
            ),
            (6, &[(0, "Chỉ tiêu"), (1, "8,5"), (2, "I.1"), (3, "10")]),
            (7, &[(0, "Tổng cộng"), (1, "8,5")]),
            (9, &[(0, "Người lập biểu")]),
        ]);
        let t = find_table(&s).unwrap();
        assert_eq!(t.header_row, 5);
        assert_eq!(t.columns.code, Some(2));
        assert_eq!(t.columns.self_score, 1);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].code, "I.1");
        assert!(t.total.is_some());
        assert_eq!(find_unit_line(&s, 5), Some(("Sở Y tế".into(), 1, 0)));
    }

    #[test]
    fn reads_two_row_header() {
        let s = sheet(&[
            (3, &[(0, "TT"), (1, "Tiêu chí"), (2, "Điểm")]),
            (4, &[(2, "Tối đa"), (3, "Tự chấm"), (4, "Thẩm định")]),
            (5, &[(0, "1.1"), (1, "X"), (2, "10"), (3, "9"), (4, "8")]),
        ]);
        let t = find_table(&s).unwrap();
        assert_eq!(t.header_row, 4);
        assert_eq!(t.columns.max, Some(2));
        assert_eq!(t.columns.self_score, 3);
        assert_eq!(t.columns.appraisal, Some(4));
        assert_eq!(t.rows[0].appraisal, Some(Cell::Text("8".into())));
    }

    #[test]
    fn ma_column_wins_over_row_numbers() {
        let s = sheet(&[
            (0, &[(0, "STT"), (1, "Mã"), (2, "Nội dung"), (3, "Điểm tự chấm")]),
            (1, &[(0, "1"), (1, "I.1"), (2, "X"), (3, "9")]),
        ]);
        let t = find_table(&s).unwrap();
        assert_eq!(t.columns.code, Some(1));
        assert_eq!(t.rows[0].code, "I.1");
    }

    #[test]
    fn no_table_without_score_column() {
        let s = sheet(&[(0, &[(0, "Mã"), (1, "Nội dung")])]);
        assert_eq!(find_table(&s), None);
    }

    #[test]
    fn group_titles_starting_with_cong_are_not_totals() {
        assert!(!is_total_label("cong tac thi dua, khen thuong"));
        assert!(!is_total_label("tong ket phong trao"));
        assert!(is_total_label("tong cong"));
        assert!(is_total_label("tong diem (i+ii+iii)"));
        assert!(is_total_label("cong:"));
        for label in ["Tổng cộng", "TỔNG ĐIỂM (I+II)", "Cộng:", "tổng số điểm"] {
            assert!(is_total_row(label), "{label}");
        }
        for label in ["Thực hiện nhiệm vụ", "Công tác thi đua", "Tổng kết phong trào", "Tong1"] {
            assert!(!is_total_row(label), "{label}");
        }
    }
}
