//! Which registry unit a workbook belongs to, from every source it offers:
//! form metadata, the `Đơn vị:` line, title rows, the file name, folders.

use super::Expected;
use crate::form_layout::FormMeta;
use crate::model::{Code, Issue};
use crate::read::table::find_unit_line;
use crate::read::Sheet;
use crate::reference::registry::{unit_words, UnitRef};
use crate::score_table::{Cell, Table};

/// A place in the workbook, or its path, that names a unit.
struct UnitSource {
    unit: UnitRef,
    /// How the place is described in a message.
    place: String,
    /// The cell, for the issue.
    cell: Option<(u32, u32)>,
}

/// Lines of the title block that name no unit of their own: the addressee,
/// the legal bases, the document the table is attached to ("(Kèm theo Công
/// văn số … của Sở Nội vụ)").
const NOT_THE_UNIT: [&str; 7] = [
    "kinh gui",
    "noi nhan",
    "can cu",
    "thuc hien",
    "khoi thi dua",
    "kem theo",
    "ban hanh kem theo",
];

/// The unit, from every place that may name it, in order: the form's
/// metadata, a `Đơn vị: …` line, the other title rows (letterhead, "BẢNG TỰ
/// CHẤM ĐIỂM CỦA …"), the file name, its folders. A place that names no
/// registry unit gives way to the next; two places naming different units
/// is `unit.conflict`; none is `unit.unknown` with the nearest units.
pub(super) fn identify_unit(
    file: &str,
    sheet: &Sheet,
    table: &Table,
    meta: Option<&FormMeta>,
    ctx: &Expected,
) -> Result<UnitRef, Box<Issue>> {
    let registry = ctx.registry;
    let mut sources: Vec<UnitSource> = Vec::new();
    if let Some(unit) = meta.and_then(|m| registry.find_code(&m.unit_code)) {
        sources.push(UnitSource {
            unit,
            place: "thông tin của biểu mẫu".into(),
            cell: None,
        });
    }
    let line = find_unit_line(sheet, table.first_header_row);
    if let Some((name, row, col)) = &line {
        if let Ok(unit) = registry.match_unit(name) {
            sources.push(UnitSource {
                unit,
                place: format!("dòng \"Đơn vị: {name}\""),
                cell: Some((*row, *col)),
            });
        }
    }
    // The other title rows: one unit named among them, or none counted.
    let mut titled: Option<UnitSource> = None;
    let mut several = false;
    let mut others: Vec<UnitRef> = Vec::new();
    for row in sheet.rows.iter().take_while(|r| r.index < table.first_header_row) {
        for (col, cell) in &row.cells {
            let Cell::Text(text) = cell else { continue };
            if line.as_ref().is_some_and(|(_, r, c)| (*r, *c) == (row.index, *col)) {
                continue;
            }
            let words = unit_words(text);
            if NOT_THE_UNIT.iter().any(|k| words.starts_with(k)) || words.starts_with("don vi") {
                continue;
            }
            if let Some(unit) = registry.unit_in_words(&words) {
                match &titled {
                    Some(t) if t.unit != unit => {
                        several = true;
                        if !others.contains(&unit) {
                            others.push(unit);
                        }
                    }
                    Some(_) => {}
                    None => {
                        titled = Some(UnitSource {
                            unit,
                            place: format!("tiêu đề \"{}\"", text.trim()),
                            cell: Some((row.index, *col)),
                        })
                    }
                }
            }
        }
    }
    if !several {
        sources.extend(titled.take());
    }
    let stem = crate::text::file_stem(file);
    if let Ok(unit) = registry.match_unit(stem) {
        sources.push(UnitSource {
            unit,
            place: format!("tên tệp \"{stem}\""),
            cell: None,
        });
    }
    if sources.is_empty() {
        // Folders come last and only where nothing else names the unit: a
        // folder often names the bloc.
        let folders = file.rsplit('/').skip(1);
        if let Some(unit) = folders.filter_map(|folder| registry.match_unit(folder).ok()).next() {
            return Ok(unit);
        }
    }
    let Some(first) = sources.first() else {
        return Err(Box::new(match (&line, &titled) {
            (Some((name, row, col)), _) => unknown_unit(name, registry.nearest(name, 3))
                .file(file)
                .sheet(&sheet.name)
                .at(*row, *col),
            // The title names several units and nothing else names one.
            (None, Some(title)) if several => {
                let mut names: Vec<&str> = vec![registry.unit(title.unit).name.as_str()];
                names.extend(others.iter().map(|&u| registry.unit(u).name.as_str()));
                let issue = Issue::new(
                    Code::UnitUnknown,
                    format!(
                        "Không xác định được đơn vị của tệp: phần tiêu đề nêu nhiều đơn vị ({}) và tệp không có dòng \"Đơn vị: …\". Ghi dòng \"Đơn vị: <tên đơn vị>\" ở đầu bảng, đúng tên trong don-vi.xlsx.",
                        names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .file(file);
                match title.cell {
                    Some((r, c)) => issue.sheet(&sheet.name).at(r, c),
                    None => issue,
                }
            }
            (None, _) => Issue::new(
                Code::UnitUnknown,
                format!(
                    "Không xác định được đơn vị của tệp: không có dòng \"Đơn vị: …\", phần tiêu đề và tên tệp \"{stem}\" không khớp tên nào trong don-vi.xlsx.{}",
                    unknown_hint(&registry.nearest(stem, 3))
                ),
            )
            .file(file),
        }));
    };
    if let Some(other) = sources.iter().find(|s| s.unit != first.unit) {
        let name = |u: UnitRef| &registry.unit(u).name;
        let mut issue = Issue::new(
            Code::UnitConflict,
            format!(
                "Tệp ghi hai đơn vị khác nhau: {} là \"{}\", còn {} là \"{}\". Sửa cho thống nhất (đúng tên trong don-vi.xlsx) rồi gửi lại; nếu gửi nhầm tệp của đơn vị khác, gửi đúng tệp.",
                first.place,
                name(first.unit),
                other.place,
                name(other.unit)
            ),
        )
        .file(file);
        if let Some((r, c)) = other.cell.or(first.cell) {
            issue = issue.sheet(&sheet.name).at(r, c);
        }
        return Err(Box::new(issue));
    }
    Ok(first.unit)
}

fn unknown_unit(name: &str, nearest: Vec<String>) -> Issue {
    Issue::new(
        Code::UnitUnknown,
        format!(
            "Không xác định được đơn vị \"{name}\" trong danh sách đơn vị.{}",
            unknown_hint(&nearest)
        ),
    )
}

/// What to do about an unknown unit: the nearest registry names, if any.
fn unknown_hint(nearest: &[String]) -> String {
    match nearest {
        [] => " Ghi dòng \"Đơn vị: <tên đơn vị>\" ở đầu bảng, đúng tên trong don-vi.xlsx.".to_string(),
        [one] => format!(
            " Có phải là \"{one}\"? Sửa tên đơn vị trong tệp (dòng \"Đơn vị: …\") cho đúng với danh sách don-vi.xlsx."
        ),
        many => format!(
            " Gần nhất là: {}. Sửa tên đơn vị trong tệp (dòng \"Đơn vị: …\") cho đúng với danh sách don-vi.xlsx.",
            many.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
        ),
    }
}
