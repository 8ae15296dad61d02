//! Which table of a workbook is read, and which score columns: every
//! candidate sheet and column, chosen by explicit rules or refused as
//! ambiguous (docs/thu-muc-lam-viec.md).

use crate::form_layout::{META_SHEET, SCORE_SHEET};
use crate::model::{column_letters, Code, Issue};
use crate::read::choose::{decide, Candidate, Decision, Rule, YearMark};
use crate::read::table::{find_table, years, Found, ScoreColumn};
use crate::read::{Book, ReadFailure, Sheet};
use crate::score_table::Table;
use crate::text::fold;

/// A sheet with a score table, as a candidate.
struct SheetCandidate {
    /// The name as the workbook spells it (for `Book::legacy_text`).
    raw_name: String,
    sheet: Sheet,
    found: Found,
}

/// Where the score table was found, or why it was not.
pub(super) enum Location {
    Found {
        raw_name: String,
        sheet: Sheet,
        table: Table,
        /// `table.choice` warnings.
        notes: Vec<Issue>,
    },
    /// `table.ambiguous`.
    Refused(Issue),
    NotFound,
}

/// Finds the score table by the rules of docs/thu-muc-lam-viec.md ("Khi tệp
/// có nhiều bảng hoặc nhiều cột điểm"): every sheet with a table is a
/// candidate; the form's metadata, then visibility, then the settings'
/// year choose among them, and then among the self-score and appraisal
/// columns of the sheet chosen.
pub(super) fn locate_table(
    file: &str,
    book: &mut Book,
    names: &[(String, bool)],
    has_meta: bool,
    year: i32,
) -> Result<Location, ReadFailure> {
    let mut candidates = Vec::new();
    let mut failure = None;
    for (name, visible) in names.iter().filter(|(n, _)| n != META_SHEET) {
        let sheet = match book.sheet(name) {
            Ok(sheet) => sheet,
            Err(e) => {
                failure.get_or_insert(e);
                continue;
            }
        };
        if let Some(found) = find_table(&sheet) {
            candidates.push(Candidate {
                by_form: has_meta && fold(name) == fold(SCORE_SHEET),
                visible: *visible,
                year: YearMark::None,
                item: SheetCandidate {
                    raw_name: name.clone(),
                    sheet,
                    found,
                },
            });
        }
    }
    // The year of a sheet matters only where there is a choice.
    if candidates.len() > 1 {
        for c in &mut candidates {
            c.year = YearMark::of(&years(&c.item.found.context(&c.item.sheet)), year);
        }
    }
    if candidates.is_empty() {
        return match failure {
            Some(e) => Err(e),
            None => Ok(Location::NotFound),
        };
    }
    let (chosen, sheets_aside) = match decide(candidates) {
        Decision::Chosen { item, aside } => (item, aside),
        Decision::Ambiguous(left) => {
            let list: Vec<String> = left.iter().map(|c| describe_sheet(c, year)).collect();
            return Ok(Location::Refused(
                Issue::new(
                    Code::TableAmbiguous,
                    format!(
                        "Tệp có {} bảng chấm điểm mà không biết bảng nào là của năm {year}: {}. Xóa (hoặc ẩn) các bảng không dùng, hoặc ghi \"năm {year}\" vào tên sheet của bảng đúng, rồi gửi lại.",
                        left.len(),
                        list.join("; ")
                    ),
                )
                .file(file),
            ));
        }
        Decision::None => return Ok(Location::NotFound),
    };
    let SheetCandidate { raw_name, sheet, found } = chosen;
    let column_candidates = |columns: &[ScoreColumn]| -> Vec<Candidate<ScoreColumn>> {
        columns
            .iter()
            .map(|c| Candidate {
                by_form: false,
                visible: !c.hidden,
                year: YearMark::of(&years(&c.title), year),
                item: c.clone(),
            })
            .collect()
    };
    // A column is pointed at by its title in the last header row: under a
    // two-row `Điểm tự chấm | Năm 2025 · Năm 2026`, the `Năm 2026` cell.
    let header_cell = |col: u32| (found.header_row, col);
    let ambiguous = |what: &str, left: &[ScoreColumn]| {
        let list: Vec<String> = left.iter().map(|c| describe_column(&sheet, &found, c)).collect();
        Issue::new(
            Code::TableAmbiguous,
            format!(
                "Sheet \"{}\" có {} cột {what} mà không biết cột nào là của năm {year}: {}. Xóa các cột không dùng, hoặc ghi \"năm {year}\" vào tiêu đề cột đúng, rồi gửi lại.",
                sheet.name,
                left.len(),
                list.join("; ")
            ),
        )
        .file(file)
        .sheet(&sheet.name)
        .at(found.header_row, left[0].col)
    };
    let (self_col, self_aside) = match decide(column_candidates(&found.self_columns)) {
        Decision::Chosen { item, aside } => (item, aside),
        Decision::Ambiguous(left) => return Ok(Location::Refused(ambiguous("điểm tự chấm", &left))),
        Decision::None => return Ok(Location::NotFound),
    };
    let (appraisal_col, appraisal_aside) = match decide(column_candidates(&found.appraisal_columns)) {
        Decision::Chosen { item, aside } => (Some(item), aside),
        Decision::Ambiguous(left) => return Ok(Location::Refused(ambiguous("điểm thẩm định", &left))),
        Decision::None => (None, Vec::new()),
    };
    let mut notes = Vec::new();
    let (r, c) = header_cell(self_col.col);
    if !sheets_aside.is_empty() {
        let aside: Vec<String> = sheets_aside
            .iter()
            .map(|(c, rule)| format!("{} ({})", describe_sheet(c, year), reason(*rule, year)))
            .collect();
        notes.push(
            Issue::new(
                Code::TableChoice,
                format!(
                    "Tệp có {} bảng chấm điểm; đã đọc sheet \"{}\" (cột {} \"{}\"), bỏ qua {}. Nếu đọc nhầm, xóa các bảng không dùng rồi gửi lại.",
                    sheets_aside.len() + 1,
                    sheet.name,
                    column_letters(self_col.col),
                    header_text(&sheet, &found, self_col.col),
                    aside.join("; ")
                ),
            )
            .file(file)
            .sheet(&sheet.name)
            .at(r, c),
        );
    }
    for (what, chosen, aside) in [
        ("điểm tự chấm", Some(&self_col), &self_aside),
        ("điểm thẩm định", appraisal_col.as_ref(), &appraisal_aside),
    ] {
        if aside.is_empty() {
            continue;
        }
        let left: Vec<String> = aside
            .iter()
            .map(|(c, rule)| {
                let column = describe_column(&sheet, &found, c);
                // "(cột ẩn) (đang bị ẩn)" says it twice.
                let column = match rule {
                    Rule::Hidden => column.trim_end_matches(" (cột ẩn)").to_string(),
                    _ => column,
                };
                format!("{column} ({})", reason(*rule, year))
            })
            .collect();
        let read = match chosen {
            Some(col) => format!("đã đọc {}", describe_column(&sheet, &found, col)),
            None => "không đọc cột nào".to_string(),
        };
        notes.push(
            Issue::new(
                Code::TableChoice,
                format!(
                    "Sheet \"{}\" có {} cột {what}; {read}, bỏ qua {}. Nếu đọc nhầm, xóa các cột không dùng rồi gửi lại.",
                    sheet.name,
                    aside.len() + usize::from(chosen.is_some()),
                    left.join("; ")
                ),
            )
            .file(file)
            .sheet(&sheet.name)
            .at(found.header_row, chosen.map(|c| c.col).unwrap_or(aside[0].0.col)),
        );
    }
    let table = found.table(&sheet, self_col.col, appraisal_col.map(|c| c.col));
    Ok(Location::Found {
        raw_name,
        sheet,
        table,
        notes,
    })
}

/// Why a rule set a candidate aside, in words.
fn reason(rule: Rule, year: i32) -> String {
    match rule {
        Rule::Form => "không phải sheet của biểu mẫu".into(),
        Rule::Hidden => "đang bị ẩn".into(),
        Rule::Year => format!("không ghi năm {year}"),
    }
}

/// `sheet "Năm 2025" (tiêu đề ở dòng 5, cột điểm E "Điểm tự chấm")`.
fn describe_sheet(c: &SheetCandidate, year: i32) -> String {
    let mut named = years(&c.found.context(&c.sheet));
    named.sort_unstable();
    named.dedup();
    let named: Vec<String> = named.iter().map(i32::to_string).collect();
    let col = c.found.self_columns.first().map(|s| s.col).unwrap_or(0);
    let mut text = format!(
        "sheet \"{}\" (tiêu đề ở dòng {}, cột điểm {} \"{}\"",
        c.sheet.name,
        c.found.first_header_row + 1,
        column_letters(col),
        header_text(&c.sheet, &c.found, col)
    );
    if !named.is_empty() && !named.contains(&year.to_string()) {
        text.push_str(&format!(", ghi năm {}", named.join(", ")));
    }
    text.push(')');
    text
}

/// `cột E "Điểm tự chấm Năm 2026"` (and whether it is hidden).
fn describe_column(sheet: &Sheet, found: &Found, c: &ScoreColumn) -> String {
    format!(
        "cột {} \"{}\"{}",
        column_letters(c.col),
        header_text(sheet, found, c.col),
        if c.hidden { " (cột ẩn)" } else { "" }
    )
}

/// A column's header as the member sees it: both rows of a two-row header,
/// the upper title carried from the left across a merged span.
fn header_text(sheet: &Sheet, found: &Found, col: u32) -> String {
    let mut parts = Vec::new();
    for r in found.first_header_row..=found.header_row {
        let own = sheet.cell(r, col).map(|v| v.text()).filter(|t| !t.trim().is_empty());
        let text = own.or_else(|| {
            (r < found.header_row)
                .then(|| {
                    let row = sheet.rows.iter().find(|x| x.index == r)?;
                    row.cells
                        .iter()
                        .rev()
                        .find(|(c, v)| *c < col && !v.is_empty())
                        .map(|(_, v)| v.text())
                })
                .flatten()
        });
        parts.extend(text.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")));
    }
    parts.join(" ")
}
