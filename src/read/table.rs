//! Finding the score table in a sheet as members really lay it out: title
//! rows above, a header anywhere in the first rows (possibly over two rows),
//! columns in any order, extra columns, a total row and a signature block
//! below.

use crate::model::Points;
use crate::read::{Row, Sheet};
use crate::score_table::{Cell, Columns, Table, TableRow};
use crate::text::{fold, fold_letter};

/// How far down the header row may sit.
const HEADER_SEARCH_ROWS: usize = 30;

/// What a column holds, by its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Code,
    Content,
    Max,
    SelfScore,
    /// A score column by a title that says less (`Điểm`, `Số điểm`): used
    /// only where no column says "tự chấm" or the like.
    WeakScore,
    Appraisal,
}

/// Folded titles of a column of criterion codes.
const CODE_TITLES: [&str; 4] = ["ma", "ma so", "ma tc", "ma tieu chi"];
/// Folded titles of a row-number column, which often holds the codes too.
const ROW_NUMBER_TITLES: [&str; 4] = ["stt", "tt", "so tt", "s tt"];

fn is_code_title(title: &str) -> bool {
    CODE_TITLES.contains(&title.trim_end_matches('.'))
}

/// Words that make a title name something other than a score (agency
/// names, evidence, remarks) unless it also says "điểm".
const NOT_A_SCORE: [&str; 9] = [
    "co quan",
    "y kien",
    "nhan xet",
    "ghi chu",
    "minh chung",
    "giai trinh",
    "tai lieu",
    "can cu",
    "ly do",
];

/// Classifies a folded column title.
fn role_of(title: &str) -> Option<Role> {
    const APPRAISAL: [&str; 5] = ["tham dinh", "khoi cham", "cum cham", "hoi dong cham", "diem khoi"];
    const SELF: [&str; 7] = [
        "tu cham",
        "tu danh gia",
        "diem tu",
        "don vi cham",
        "diem dat",
        "diem don vi",
        "diem thuc hien",
    ];
    const WEAK: [&str; 5] = ["diem", "so diem", "diem so", "ket qua", "ket qua cham"];
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
    let scoreish = !NOT_A_SCORE.iter().any(|k| title.contains(k)) || title.contains("diem");
    let bare = title.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, ' ' | '.' | ':' | '(' | ')'));
    if scoreish && APPRAISAL.iter().any(|k| title.contains(k)) {
        Some(Role::Appraisal)
    } else if scoreish && SELF.iter().any(|k| title.contains(k)) {
        Some(Role::SelfScore)
    } else if MAX.iter().any(|k| title.contains(k)) {
        Some(Role::Max)
    } else if is_code_title(title) || ROW_NUMBER_TITLES.contains(&title.trim_end_matches('.')) {
        Some(Role::Code)
    } else if CONTENT.iter().any(|k| title.contains(k)) {
        Some(Role::Content)
    } else if WEAK.contains(&bare)
        || WEAK
            .iter()
            .any(|k| title.strip_prefix(k).is_some_and(|r| r.starts_with(" nam")))
    {
        Some(Role::WeakScore)
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

/// A column that may hold scores, by its title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreColumn {
    pub col: u32,
    /// The folded title (both rows of a two-row header).
    pub title: String,
    /// Hidden in Excel.
    pub hidden: bool,
}

/// The columns a header offers, every score candidate kept.
#[derive(Clone, Debug, Default)]
struct Offered {
    code: Option<u32>,
    content: Option<u32>,
    max: Option<u32>,
    self_score: Vec<(u32, String)>,
    weak: Vec<(u32, String)>,
    appraisal: Vec<(u32, String)>,
}

fn offered(titles: &[(u32, String)]) -> Option<Offered> {
    let mut found = Offered {
        // A column titled "Mã" holds the codes even when an "STT" column of
        // row numbers comes first.
        code: titles.iter().find(|(_, t)| is_code_title(t)).map(|(c, _)| *c),
        ..Offered::default()
    };
    for (col, title) in titles {
        let entry = (*col, title.clone());
        match role_of(title) {
            Some(Role::Code) => {
                found.code.get_or_insert(*col);
            }
            Some(Role::Content) => {
                found.content.get_or_insert(*col);
            }
            Some(Role::Max) => {
                found.max.get_or_insert(*col);
            }
            Some(Role::SelfScore) => found.self_score.push(entry),
            Some(Role::WeakScore) => found.weak.push(entry),
            Some(Role::Appraisal) => found.appraisal.push(entry),
            None => {}
        }
    }
    if found.self_score.is_empty() {
        found.self_score = std::mem::take(&mut found.weak);
    }
    (!found.self_score.is_empty() && (found.code.is_some() || found.content.is_some())).then_some(found)
}

/// Whether the row under a header row carries sub-titles (`Năm 2025 | Năm
/// 2026` under a merged `Điểm tự chấm`, `Tối đa | Tự chấm` under `Điểm`)
/// rather than the first criterion: text only, no number, no code, and at
/// least one sub-title under a spanned title or naming a role or a year.
fn is_sub_header(sheet: &Sheet, row: usize) -> bool {
    let upper = &sheet.rows[row];
    let Some(lower) = sheet.rows.get(row + 1).filter(|r| r.index == upper.index + 1) else {
        return false;
    };
    let mut telling = false;
    for (col, cell) in &lower.cells {
        let Cell::Text(text) = cell else { return false };
        let folded = fold(text);
        if folded.is_empty() {
            continue;
        }
        if Points::parse(text).is_some() || looks_like_code(&folded) || folded.len() > 40 {
            return false;
        }
        let under_span = upper.get(*col).is_none_or(|v| v.is_empty());
        if under_span || role_of(&folded).is_some() || !years(&folded).is_empty() {
            telling = true;
        }
    }
    telling
}

/// `I`, `1.2`, `a)`, `II.`: what a criterion code looks like (folded).
fn looks_like_code(folded: &str) -> bool {
    let t = folded.trim_end_matches(['.', ')', ' ']);
    !t.is_empty()
        && t.len() <= 12
        && (t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || (t.len() <= 5 && t.bytes().all(|b| b"ivxlc".contains(&b)))
            || (t.len() == 1 && t.bytes().all(|b| b.is_ascii_lowercase())))
}

/// The years (1990-2100) a folded text names as whole numbers.
pub fn years(folded: &str) -> Vec<i32> {
    folded
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .filter(|y| (1990..=2100).contains(y))
        .collect()
}

/// A row of column numbers under the header (`1 2 3 4 5`, `(1) (2) …`,
/// `A B 1 2`), which some layouts carry.
fn is_column_numbers(row: &Row) -> bool {
    row.cells.len() >= 3
        && row.cells.iter().all(|(_, cell)| {
            let t = cell.as_text();
            let t = t.trim().trim_start_matches('(').trim_end_matches(')');
            !t.is_empty()
                && t.len() <= 2
                && (t.bytes().all(|b| b.is_ascii_digit()) || t.bytes().all(|b| b.is_ascii_alphabetic()))
        })
}

/// Folded labels that mark a total or subtotal row: `Tổng cộng`, `Cộng`,
/// `Tổng điểm (I+II+III)`, `Cộng mục I`, `Tổng điểm chuẩn`, `Cộng điểm
/// thưởng`. "Công tác …" and "Tổng kết …" fold the same way at first and
/// are criteria: the word after the first decides.
pub fn is_total_label(label: &str) -> bool {
    let label = label.trim_end_matches([':', '.', ' ']);
    let rest = if let Some(rest) = label.strip_prefix("tong") {
        rest
    } else if let Some(rest) = label.strip_prefix("cong") {
        rest
    } else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    if !rest.starts_with([' ', ':', '(']) {
        return false;
    }
    let rest = rest.trim_start_matches([' ', ':']);
    if rest.is_empty() || rest.starts_with('(') {
        return true;
    }
    let first = rest.split([' ', ':', '(']).next().unwrap_or("");
    matches!(first, "cong" | "diem" | "muc" | "phan" | "nhom" | "chuong" | "cac")
        || (first == "so" && (rest == "so" || rest.starts_with("so diem")))
        || looks_like_code(first)
}

/// Whether a row label (as typed) marks a total row. Only labels whose
/// first word folds to "tong" or "cong" are folded whole: this runs on
/// every row, and many criteria start with T or C ("Thực hiện", "Công tác").
pub fn is_total_row(label: &str) -> bool {
    let label = label.trim_start();
    if !label.starts_with(['T', 't', 'C', 'c']) {
        return false;
    }
    let first = label.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    matches!(fold(first).as_str(), "tong" | "cong") && is_total_label(&fold(label))
}

/// Whether a row starts the signature block under a table: the end of it.
fn is_signature(label: &str) -> bool {
    const MARKS: [&str; 9] = [
        "nguoi lap",
        "thu truong",
        "xac nhan",
        "giam doc",
        "kt. ",
        "tm. ",
        "noi nhan",
        "nguoi ky",
        "ngay ",
    ];
    // Folding every row's whole label is not needed: these start with one
    // of these letters (any case, with or without marks), and only the
    // first words tell.
    let Some(first) = label.chars().next() else {
        return false;
    };
    if !matches!(first, 'N' | 'n' | 'T' | 't' | 'X' | 'x' | 'G' | 'g' | 'K' | 'k') {
        return false;
    }
    // Most criteria that pass ("Thực hiện", "Tổ chức", "Kết quả") part
    // from every mark within their first letters, folded one by one.
    let mut prefix = [0u8; 4];
    let mut len = 0;
    for b in label.chars().map_while(fold_letter).take(prefix.len()) {
        prefix[len] = b;
        len += 1;
    }
    let could_be = |mark: &str| {
        let n = len.min(mark.len());
        mark.as_bytes()[..n] == prefix[..n]
    };
    if !MARKS.iter().any(|m| could_be(m.trim_end())) {
        return false;
    }
    let head = label.char_indices().nth(12).map_or(label, |(end, _)| &label[..end]);
    let folded = fold(head);
    MARKS
        .iter()
        .any(|m| folded.starts_with(m.trim_end()) && (folded.len() > m.trim_end().len() || m.ends_with(' ')))
        && (!folded.starts_with("ngay") || fold(label).contains("thang"))
}

/// A score table found in a sheet, with every score column its header
/// offers; [`Found::table`] reads the rows for the columns chosen.
#[derive(Clone, Debug)]
pub struct Found {
    pub sheet: String,
    pub first_header_row: u32,
    pub header_row: u32,
    /// Position in `sheet.rows` of the last header row.
    row_pos: usize,
    pub code: Option<u32>,
    pub content: Option<u32>,
    pub max: Option<u32>,
    /// Self-score candidates: text columns left out.
    pub self_columns: Vec<ScoreColumn>,
    /// Appraisal candidates: text columns left out.
    pub appraisal_columns: Vec<ScoreColumn>,
    /// The rows under the header, read once.
    body: Vec<BodyRow>,
}

/// A row of the table's body: where it stands in `sheet.rows`, its code
/// and text as typed (trimmed), and whether it is a total row.
#[derive(Clone, Debug)]
struct BodyRow {
    pos: usize,
    code: String,
    text: String,
    total: bool,
}

/// Finds the score table in a sheet, or `None` when there is none.
pub fn find_table(sheet: &Sheet) -> Option<Found> {
    let limit = sheet.rows.len().min(HEADER_SEARCH_ROWS);
    let (row_pos, offer, first_header_row, header_row) = (0..limit).find_map(|i| {
        let index = sheet.rows[i].index;
        if index as usize >= HEADER_SEARCH_ROWS {
            return None;
        }
        if let Some(one) = offered(&titles(sheet, i, false)) {
            if is_sub_header(sheet, i) {
                if let Some(two) = offered(&titles(sheet, i, true)) {
                    return Some((i + 1, two, index, index + 1));
                }
            }
            return Some((i, one, index, index));
        }
        // A two-row header has titles across its upper row: a lone title
        // line (`Đơn vị: …`) above the header is not one.
        (sheet.rows[i].cells.len() >= 2)
            .then(|| offered(&titles(sheet, i, true)))
            .flatten()
            .map(|two| (i + 1, two, index, index + 1))
    })?;
    let mut found = Found {
        sheet: sheet.name.clone(),
        first_header_row,
        header_row,
        row_pos,
        code: offer.code,
        content: offer.content,
        max: offer.max,
        self_columns: Vec::new(),
        appraisal_columns: Vec::new(),
        body: Vec::new(),
    };
    found.body = found.read_body(sheet);
    let column = |(col, title): (u32, String)| ScoreColumn {
        hidden: sheet.col_hidden(col),
        col,
        title,
    };
    let self_all: Vec<ScoreColumn> = offer.self_score.into_iter().map(column).collect();
    let appraisal_all: Vec<ScoreColumn> = offer.appraisal.into_iter().map(column).collect();
    // A column of text is never a score column, whatever its title says;
    // where every self-score column is text, they stay, so that each cell
    // gets its own message.
    // A lone column stays either way: it is not scanned.
    let numeric: Vec<ScoreColumn> = match self_all.len() {
        1 => Vec::new(),
        _ => self_all
            .iter()
            .filter(|c| !found.is_text_column(sheet, c.col))
            .cloned()
            .collect(),
    };
    found.self_columns = if numeric.is_empty() { self_all } else { numeric };
    found.appraisal_columns = appraisal_all
        .into_iter()
        .filter(|c| !found.is_text_column(sheet, c.col))
        .collect();
    Some(found)
}

impl Found {
    /// The sheet's name, the title rows above the header and the header
    /// itself, folded: where a sheet names its year.
    pub fn context(&self, sheet: &Sheet) -> String {
        let mut context = fold(&sheet.name);
        for row in &sheet.rows[..=self.row_pos] {
            for (_, cell) in &row.cells {
                if let Cell::Text(t) = cell {
                    context.push(' ');
                    context.push_str(&fold(t));
                }
            }
        }
        context
    }

    /// The rows of the table under the header, up to the signature block.
    fn read_body(&self, sheet: &Sheet) -> Vec<BodyRow> {
        let text_at = |row: &Row, col: Option<u32>| {
            col.and_then(|c| row.get(c))
                .map(|v| v.as_text().trim().to_string())
                .unwrap_or_default()
        };
        let mut body = Vec::new();
        for (pos, row) in sheet.rows.iter().enumerate().skip(self.row_pos + 1) {
            let code = text_at(row, self.code);
            let text = text_at(row, self.content);
            if code.is_empty() && text.is_empty() {
                continue;
            }
            if is_signature(&text) || is_signature(&code) {
                break;
            }
            let total = is_total_row(&code) || is_total_row(&text);
            body.push(BodyRow { pos, code, text, total });
        }
        body
    }

    /// Whether a column holds text rather than numbers in the criterion rows.
    fn is_text_column(&self, sheet: &Sheet, col: u32) -> bool {
        let (mut numbers, mut texts) = (0u32, 0u32);
        for body in self.body.iter().filter(|b| !b.total) {
            match sheet.rows[body.pos].get(col) {
                Some(Cell::Text(t)) if !t.trim().is_empty() => {
                    if Points::parse(t).is_some() {
                        numbers += 1;
                    } else {
                        texts += 1;
                    }
                }
                Some(Cell::Text(_) | Cell::Empty) | None => {}
                Some(_) => numbers += 1,
            }
        }
        texts > numbers
    }

    /// The table read with the chosen self-score and appraisal columns.
    pub fn table(self, sheet: &Sheet, self_score: u32, appraisal: Option<u32>) -> Table {
        let mut rows = Vec::with_capacity(self.body.len());
        let mut totals = Vec::new();
        for body in self.body {
            let row = &sheet.rows[body.pos];
            if is_column_numbers(row) {
                continue;
            }
            let entry = TableRow {
                row: row.index,
                self_score: row.get(self_score).cloned().unwrap_or(Cell::Empty),
                appraisal: appraisal.map(|c| row.get(c).cloned().unwrap_or(Cell::Empty)),
                hidden: sheet.row_hidden(row.index),
                code: body.code,
                text: body.text,
            };
            if body.total {
                totals.push(entry);
            } else {
                rows.push(entry);
            }
        }
        Table {
            sheet: sheet.name.clone(),
            first_header_row: self.first_header_row,
            header_row: self.header_row,
            columns: Columns {
                code: self.code,
                content: self.content,
                max: self.max,
                self_score,
                appraisal,
            },
            rows,
            totals,
            titles: sheet
                .rows
                .iter()
                .take_while(|r| r.index < self.first_header_row)
                .flat_map(|r| {
                    r.cells.iter().filter_map(|(c, cell)| match cell {
                        Cell::Text(t) => Some((r.index, *c, t.clone())),
                        _ => None,
                    })
                })
                .collect(),
        }
    }
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
            ..Sheet::default()
        }
    }

    /// The table read with the first candidate columns.
    fn first_table(s: &Sheet) -> Option<Table> {
        let f = find_table(s)?;
        let (self_col, appraisal_col) = (f.self_columns[0].col, f.appraisal_columns.first().map(|c| c.col));
        Some(f.table(s, self_col, appraisal_col))
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
        let t = first_table(&s).unwrap();
        assert_eq!(t.header_row, 5);
        assert_eq!(t.columns.code, Some(2));
        assert_eq!(t.columns.self_score, 1);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].code, "I.1");
        assert_eq!(t.totals.len(), 1);
        assert_eq!(find_unit_line(&s, 5), Some(("Sở Y tế".into(), 1, 0)));
    }

    #[test]
    fn reads_two_row_header() {
        let s = sheet(&[
            (3, &[(0, "TT"), (1, "Tiêu chí"), (2, "Điểm")]),
            (4, &[(2, "Tối đa"), (3, "Tự chấm"), (4, "Thẩm định")]),
            (5, &[(0, "1.1"), (1, "X"), (2, "10"), (3, "9"), (4, "8")]),
        ]);
        let t = first_table(&s).unwrap();
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
        let t = first_table(&s).unwrap();
        assert_eq!(t.columns.code, Some(1));
        assert_eq!(t.rows[0].code, "I.1");
    }

    #[test]
    fn no_table_without_score_column() {
        let s = sheet(&[(0, &[(0, "Mã"), (1, "Nội dung")])]);
        assert!(find_table(&s).is_none());
    }

    #[test]
    fn group_titles_starting_with_cong_are_not_totals() {
        assert!(!is_total_label("cong tac thi dua, khen thuong"));
        assert!(!is_total_label("tong ket phong trao"));
        assert!(is_total_label("tong cong"));
        assert!(is_total_label("tong diem (i+ii+iii)"));
        assert!(is_total_label("cong:"));
        assert!(is_total_label("cong muc i"));
        assert!(is_total_label("tong diem chuan (i+ii+iii)"));
        assert!(is_total_label("cong diem thuong"));
        assert!(!is_total_label("tong so doan vien tham gia"));
        assert!(!is_total_label("cong khai tai chinh"));
        for label in ["Tổng cộng", "TỔNG ĐIỂM (I+II)", "Cộng:", "tổng số điểm"] {
            assert!(is_total_row(label), "{label}");
        }
        for label in ["Thực hiện nhiệm vụ", "Công tác thi đua", "Tổng kết phong trào", "Tong1"] {
            assert!(!is_total_row(label), "{label}");
        }
    }
}
