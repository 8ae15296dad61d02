//! Feedback workbooks (`out/phan-hoi/<unit>.xlsx`, docs/thu-muc-lam-viec.md): for every input
//! with issues, its score table laid out again at the cells where the member
//! put it, each problem cell highlighted with the message beside it and as a
//! cell note, and a first sheet listing every problem — ready for the
//! secretariat to send back. A file whose table could not be found gets the
//! first sheet alone, explaining what is wrong with the file.
//!
//! Every value from the member's workbook is written as what it was: numbers
//! as numbers, text always as a string (never a formula, even `=…`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, FormatAlign, Note, Worksheet, XlsxError};

use crate::calendar::Date;
use crate::error::Fatal;
use crate::model::{Issue, Severity};
use crate::outcome::{FoundTable, Outcome};
use crate::reference::framework::{Framework, Frameworks};
use crate::reference::registry::Registry;
use crate::score_table::{Cell, Table};
use crate::text::file_stem;
use crate::write::atomic_write;
use crate::write::names::{slug, unit_file_stem, UniqueStems};
use crate::write::xlsx_kit::{
    fit_row, new_workbook, num, print_setup, print_setup_titled, severity_label, sheet_ref, write_file_link, Formats,
    SheetNames,
};

/// The folder of feedback workbooks under `out/`.
pub const FEEDBACK_DIR: &str = "phan-hoi";

/// The list sheet, first in every feedback workbook.
pub const LIST_SHEET: &str = "Cần sửa";

/// What one feedback workbook is made from.
pub struct FeedbackInput<'a> {
    pub year: i32,
    pub date: Date,
    /// Unit name and code, when the file was matched to a unit.
    pub unit: Option<(&'a str, &'a str)>,
    pub bloc: Option<&'a str>,
    /// The input's path relative to the working folder (`nop/…`).
    pub file: &'a str,
    /// The same path relative to the feedback workbook, for a link.
    pub file_link: String,
    pub table: Option<&'a Table>,
    /// The unit's framework, for the maxima beside the member's scores.
    pub framework: Option<&'a Framework>,
    pub issues: &'a [Issue],
}

/// Writes `out/phan-hoi/<unit>.xlsx` for every input with issues and removes
/// feedback left from an earlier run. `input_base` makes a path relative to
/// the working folder relative to `out/` (see [`crate::outcome::FoundTable`]).
/// Returns each input's feedback file relative to `out/`, and the files
/// written.
pub fn write_feedback(
    out: &Path,
    input_base: &str,
    outcome: &Outcome,
    tables: &[FoundTable],
    registry: &Registry,
    frameworks: &Frameworks,
) -> Result<(BTreeMap<String, String>, Vec<PathBuf>), Fatal> {
    let up = if input_base.starts_with("../") || input_base.is_empty() {
        "../"
    } else {
        ""
    };
    let dir = out.join(FEEDBACK_DIR);
    let mut files = BTreeMap::new();
    let mut written = Vec::new();
    let mut stems = UniqueStems::default();
    let mut names = BTreeSet::new();
    // Issues and found tables by file, gathered once: a province may have
    // thousands of files with issues.
    let mut issues_of: BTreeMap<&str, Vec<Issue>> = BTreeMap::new();
    for issue in &outcome.issues {
        if let Some(file) = issue.file.as_deref() {
            issues_of.entry(file).or_default().push(issue.clone());
        }
    }
    let tables: BTreeMap<&str, &FoundTable> = tables.iter().map(|f| (f.file.as_str(), f)).collect();
    for record in &outcome.inputs {
        let Some(issues) = issues_of.get(record.file.as_str()) else {
            continue;
        };
        let found = tables.get(record.file.as_str()).copied();
        let unit = found
            .and_then(|f| f.unit)
            .or_else(|| record.unit.as_deref().and_then(|c| registry.find_code(c)));
        let stem = match unit {
            Some(u) => {
                let unit = registry.unit(u);
                unit_file_stem(&unit.name, &unit.code)
            }
            None => slug(file_stem(&record.file)),
        };
        let name = format!("{}.xlsx", stems.claim(&stem));
        let path = dir.join(&name);
        let input = FeedbackInput {
            year: outcome.year,
            date: outcome.report_date,
            unit: unit.map(|u| {
                let unit = registry.unit(u);
                (unit.name.as_str(), unit.code.as_str())
            }),
            bloc: unit.map(|u| registry.blocs[u.bloc].name.as_str()),
            file: &record.file,
            file_link: format!("{up}{input_base}{}", record.file),
            table: found.map(|f| &f.table),
            framework: unit.map(|u| frameworks.of(u.bloc)),
            issues,
        };
        let bytes = feedback_workbook(&input).map_err(|e| Fatal::write(&path, e))?;
        atomic_write(&path, &bytes)?;
        written.push(path);
        files.insert(record.file.clone(), format!("{FEEDBACK_DIR}/{name}"));
        names.insert(name);
    }
    // Feedback from an earlier run for inputs that are now clean would mislead.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".xlsx") && !names.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok((files, written))
}

/// The look of the problem cells.
struct Marks {
    error: Format,
    warning: Format,
    error_score: Format,
    warning_score: Format,
    message: Format,
}

impl Marks {
    fn new(f: &Formats) -> Marks {
        Marks {
            error: Marks::mark(&f.wrap, Severity::Error),
            warning: Marks::mark(&f.wrap, Severity::Warning),
            error_score: Marks::mark(&f.score, Severity::Error),
            warning_score: Marks::mark(&f.score, Severity::Warning),
            message: f.wrap.clone().set_font_color("#9C0006").set_italic(),
        }
    }

    /// `format` in the colours of a problem: red for an error, yellow for a
    /// warning.
    fn mark(format: &Format, severity: Severity) -> Format {
        match severity {
            Severity::Error => format.clone().set_background_color("#FFC7CE").set_font_color("#9C0006"),
            Severity::Warning => format.clone().set_background_color("#FFEB9C").set_font_color("#9C5700"),
        }
    }
}

/// Builds one feedback workbook in memory.
pub fn feedback_workbook(input: &FeedbackInput) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::sized(11);
    let who = input.unit.map(|(name, _)| name).unwrap_or(input.file);
    let mut wb = new_workbook(
        &format!("Phản hồi kiểm tra bảng tự chấm điểm năm {} — {who}", input.year),
        input.date,
    );
    let mut names = SheetNames::default();
    names.reserve(LIST_SHEET);
    // The re-laid sheet keeps the member's sheet name where Excel allows it.
    let layout_name = input.table.map(|t| names.unique(&t.sheet));
    list_sheet(wb.add_worksheet(), input, layout_name.as_deref(), &f)?;
    if let (Some(table), Some(name)) = (input.table, &layout_name) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        layout_sheet(ws, input, table, &f)?;
    }
    wb.save_to_buffer()
}

/// Whether an issue points at a cell of the re-laid table sheet.
fn on_table(issue: &Issue, table: &Table) -> Option<(u32, u16)> {
    if issue.sheet.as_deref().is_some_and(|s| s != table.sheet) {
        return None;
    }
    // Only a position Excel can address is laid out.
    let cell = issue.cell?;
    u16::try_from(cell.col)
        .ok()
        .filter(|&col| col < 16_384 && cell.row < 1_048_576)
        .map(|col| (cell.row, col))
}

const LIST_HEADERS: [(&str, f64); 6] = [
    ("STT", 5.0),
    ("Mức độ", 9.0),
    ("Mã lỗi", 18.0),
    ("Sheet", 16.0),
    ("Ô", 7.0),
    ("Nội dung cần sửa", 80.0),
];

fn list_sheet(ws: &mut Worksheet, input: &FeedbackInput, layout: Option<&str>, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(LIST_SHEET)?;
    let last = (LIST_HEADERS.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last,
        &format!("PHẢN HỒI KẾT QUẢ KIỂM TRA BẢNG TỰ CHẤM ĐIỂM NĂM {}", input.year),
        &f.title,
    )?;
    let left = Format::new()
        .set_font_name(crate::write::xlsx_kit::FONT)
        .set_font_size(11)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let unit_line = match input.unit {
        Some((name, code)) => format!("Đơn vị: {name} ({code})"),
        None => "Đơn vị: chưa xác định được từ tệp (xem nội dung bên dưới)".to_string(),
    };
    let bloc_line = input.bloc.map(|b| format!(" — {b}")).unwrap_or_default();
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!("{unit_line}{bloc_line}"),
        &left.clone().set_bold(),
    )?;
    ws.write_string_with_format(2, 0, "Tệp:", &left)?;
    ws.merge_range(2, 1, 2, last, "", &left)?;
    write_file_link(ws, 2, 1, &input.file_link, input.file, f)?;
    let errors = input.issues.iter().filter(|i| i.is_error()).count();
    let warnings = input.issues.len() - errors;
    let mut guide = format!("Số lỗi: {errors}; cảnh báo: {warnings}. ");
    guide.push_str(if errors > 0 {
        "Bảng tự chấm điểm chưa được tính vì còn lỗi. "
    } else {
        "Bảng tự chấm điểm đã được tính; các cảnh báo cần được xem lại. "
    });
    match layout {
        Some(sheet) => guide.push_str(&format!(
            "Sheet \"{sheet}\" dựng lại bảng điểm của đơn vị ở đúng vị trí các ô trong tệp gốc; ô đỏ là lỗi phải sửa, ô vàng là cảnh báo, lời giải thích ở cột bên phải và trong ghi chú của ô. Đề nghị đơn vị sửa trong tệp gốc rồi gửi lại."
        )),
        None => guide.push_str("Không dựng lại được bảng điểm từ tệp này; đề nghị đơn vị xử lý theo nội dung dưới đây rồi gửi lại."),
    }
    ws.merge_range(3, 0, 3, last, &guide, &left)?;
    let width: f64 = LIST_HEADERS.iter().map(|(_, w)| w).sum();
    fit_row(ws, 3, &[(&guide, width)], 11)?;
    let header_row = 5;
    for (col, (title, width)) in LIST_HEADERS.iter().enumerate() {
        ws.write_string_with_format(header_row, col as u16, *title, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    let marks = Marks::new(f);
    let mut row = header_row + 1;
    for (n, issue) in input.issues.iter().enumerate() {
        ws.write_number_with_format(row, 0, (n + 1) as f64, &f.integer)?;
        let level = if issue.is_error() { &marks.error } else { &marks.warning };
        ws.write_string_with_format(row, 1, severity_label(issue.severity), level)?;
        ws.write_string_with_format(row, 2, issue.code.as_str(), &f.text)?;
        ws.write_string_with_format(row, 3, issue.sheet.as_deref().unwrap_or(""), &f.wrap)?;
        let cell = issue.cell.map(|c| c.to_string()).unwrap_or_default();
        let target = input.table.zip(layout).filter(|(t, _)| on_table(issue, t).is_some());
        match target {
            Some((_, sheet)) if !cell.is_empty() => {
                let url = rust_xlsxwriter::Url::new(format!("internal:{}", sheet_ref(sheet, &cell))).set_text(&cell);
                ws.write_url_with_format(row, 4, url, &f.link)?;
            }
            _ => {
                ws.write_string_with_format(row, 4, &cell, &f.integer)?;
            }
        }
        ws.write_string_with_format(row, 5, &issue.message, &f.wrap)?;
        fit_row(ws, row, &[(&issue.message, LIST_HEADERS[5].1)], 11)?;
        row += 1;
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.autofilter(header_row, 0, row.saturating_sub(1).max(header_row + 1), last)?;
    print_setup(ws, true, (header_row, header_row))
}

/// A member's cell value, written as what it was.
fn write_value(ws: &mut Worksheet, row: u32, col: u16, value: &Cell, format: &Format) -> Result<(), XlsxError> {
    match value {
        Cell::Empty => ws.write_blank(row, col, format)?,
        Cell::Number(n) => ws.write_number_with_format(row, col, *n, format)?,
        // Shown as the member sees it: a date, a percentage.
        Cell::Date(_) | Cell::Percent(_) => ws.write_string_with_format(row, col, value.shown(), format)?,
        Cell::Text(s) => ws.write_string_with_format(row, col, s, format)?,
        Cell::Bool(b) => ws.write_boolean_with_format(row, col, *b, format)?,
        Cell::Error(e) => ws.write_string_with_format(row, col, e, format)?,
        Cell::NoCachedValue => ws.write_string_with_format(row, col, "(công thức chưa có kết quả)", format)?,
    };
    Ok(())
}

const CONTENT_WIDTH: f64 = 50.0;
const MESSAGE_WIDTH: f64 = 60.0;

fn layout_sheet(ws: &mut Worksheet, input: &FeedbackInput, table: &Table, f: &Formats) -> Result<(), XlsxError> {
    let marks = Marks::new(f);
    let cols = &table.columns;
    // Problems by cell and by row.
    let mut by_cell: BTreeMap<(u32, u16), (Severity, Vec<&str>)> = BTreeMap::new();
    let mut by_row: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for issue in input.issues {
        let Some((r, c)) = on_table(issue, table) else { continue };
        let entry = by_cell.entry((r, c)).or_insert((issue.severity, Vec::new()));
        entry.0 = entry.0.min(issue.severity);
        entry.1.push(&issue.message);
        by_row.entry(r).or_default().push(format!(
            "{} ({}): {}",
            issue.cell.map(|c| c.to_string()).unwrap_or_default(),
            severity_label(issue.severity),
            issue.message
        ));
    }
    let used = [cols.code, cols.content, cols.max, Some(cols.self_score), cols.appraisal];
    let last_table_col = used.iter().flatten().max().copied().unwrap_or(0);
    let last_issue_col = by_cell.keys().map(|(_, c)| *c as u32).max().unwrap_or(0);
    let message_col = (last_table_col.max(last_issue_col) + 1).min(16_383) as u16;
    let header = table.header_row;
    let mut titles: Vec<(u32, &str)> = vec![(cols.self_score, "Điểm tự chấm")];
    titles.extend(cols.code.map(|c| (c, "Mã")));
    titles.extend(cols.content.map(|c| (c, "Nội dung")));
    titles.extend(cols.max.map(|c| (c, "Điểm tối đa (theo bảng tiêu chí)")));
    titles.extend(cols.appraisal.map(|c| (c, "Điểm thẩm định")));
    let mut written: Vec<(u32, u16)> = Vec::new();
    for (col, title) in &titles {
        // A column title can carry an issue (`table.choice` names the
        // column read at its title): marked, never blanked.
        let at = (header, *col as u16);
        let format = match by_cell.get(&at) {
            Some((severity, _)) => Marks::mark(&f.header, *severity),
            None => f.header.clone(),
        };
        ws.write_string_with_format(header, at.1, *title, &format)?;
        written.push(at);
        let width = match *title {
            "Nội dung" => CONTENT_WIDTH,
            "Mã" => 8.0,
            _ => 12.0,
        };
        ws.set_column_width(*col as u16, width)?;
    }
    // The title rows above the table as the member wrote them (the
    // letterhead, the line that names the unit), marked where an issue
    // points at them.
    let plain = Format::new()
        .set_font_name(crate::write::xlsx_kit::FONT)
        .set_font_size(11);
    for (r, c, text) in &table.titles {
        let Some(col) = u16::try_from(*c).ok().filter(|&c| c < 16_384) else {
            continue;
        };
        let at = (*r, col);
        let format = match by_cell.get(&at) {
            Some((severity, _)) => Marks::mark(&plain, *severity),
            None => plain.clone(),
        };
        ws.write_string_with_format(*r, col, text, &format)?;
        written.push(at);
    }
    ws.write_string_with_format(header, message_col, "Vấn đề cần sửa", &f.header)?;
    ws.set_row_height(header, 33)?;
    ws.set_column_width(message_col, MESSAGE_WIDTH)?;
    let pick = |at: (u32, u16), normal: &Format, score: bool| -> Format {
        match by_cell.get(&at).map(|(s, _)| *s) {
            Some(Severity::Error) if score => marks.error_score.clone(),
            Some(Severity::Error) => marks.error.clone(),
            Some(Severity::Warning) if score => marks.warning_score.clone(),
            Some(Severity::Warning) => marks.warning.clone(),
            None => normal.clone(),
        }
    };
    let max_of = |code: &str| input.framework.and_then(|fw| fw.find(code).map(|i| fw.criteria[i].max));
    for (k, row) in table.rows.iter().chain(table.totals.iter()).enumerate() {
        let is_total = k >= table.rows.len();
        let r = row.row;
        let (text_fmt, score_fmt) = if is_total {
            (&f.bold, &f.score_bold)
        } else {
            (&f.wrap, &f.score)
        };
        if let Some(c) = cols.code {
            let at = (r, c as u16);
            ws.write_string_with_format(r, at.1, &row.code, &pick(at, text_fmt, false))?;
            written.push(at);
        }
        if let Some(c) = cols.content {
            let at = (r, c as u16);
            ws.write_string_with_format(r, at.1, &row.text, &pick(at, text_fmt, false))?;
            written.push(at);
        }
        if let Some(c) = cols.max {
            let at = (r, c as u16);
            match max_of(&row.code).filter(|_| !is_total) {
                Some(max) => ws.write_number_with_format(r, at.1, num(max), &pick(at, score_fmt, true))?,
                None => ws.write_blank(r, at.1, &pick(at, score_fmt, true))?,
            };
            written.push(at);
        }
        let at = (r, cols.self_score as u16);
        write_value(ws, r, at.1, &row.self_score, &pick(at, score_fmt, true))?;
        written.push(at);
        if let (Some(c), Some(value)) = (cols.appraisal, &row.appraisal) {
            let at = (r, c as u16);
            write_value(ws, r, at.1, value, &pick(at, score_fmt, true))?;
            written.push(at);
        }
    }
    // Problem cells outside the table (a unit line above it, say).
    for (&(r, c), (severity, _)) in &by_cell {
        if !written.contains(&(r, c)) {
            let format = if *severity == Severity::Error {
                &marks.error
            } else {
                &marks.warning
            };
            ws.write_blank(r, c, format)?;
        }
    }
    for (&(r, c), (_, messages)) in &by_cell {
        let note = Note::new(messages.join("\n"))
            .set_width(360)
            .set_height(120)
            .set_font_name(crate::write::xlsx_kit::FONT);
        ws.insert_note(r, c, &note)?;
    }
    let content_width = if cols.content.is_some() { CONTENT_WIDTH } else { 12.0 };
    let mut texts: BTreeMap<u32, &str> = BTreeMap::new();
    for row in table.rows.iter().chain(table.totals.iter()) {
        texts.insert(row.row, &row.text);
    }
    for (r, messages) in &by_row {
        let text = messages.join("\n");
        ws.write_string_with_format(*r, message_col, &text, &marks.message)?;
        let own = texts.get(r).copied().unwrap_or("");
        fit_row(ws, *r, &[(&text, MESSAGE_WIDTH), (own, content_width)], 11)?;
    }
    for (r, text) in texts.iter().filter(|(r, _)| !by_row.contains_key(r)) {
        fit_row(ws, *r, &[(text, content_width)], 11)?;
    }
    ws.set_freeze_panes(header + 1, 0)?;
    let title = match input.unit {
        Some((name, _)) => format!("PHẢN HỒI BẢNG TỰ CHẤM ĐIỂM — {}", name.to_uppercase()),
        None => "PHẢN HỒI BẢNG TỰ CHẤM ĐIỂM".to_string(),
    };
    print_setup_titled(ws, true, (header, header), &title)
}
