//! `tong-hop.xlsx`, the ranked workbook, and the shared look of every
//! workbook we write: Times New Roman, A4, two-decimal scores, formulas with
//! their results cached (rust_xlsxwriter would otherwise cache 0).
//!
//! Staff print, audit and forward this workbook, so every sheet is ready to
//! print (A4, fitted to one page wide, header rows repeated, page numbers)
//! and every total is a formula over the cells beside it whose cached result
//! is our exact figure: an office suite that recalculates gets the same
//! numbers. Text from the inputs is always written as a string, never as a
//! formula.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet,
    XlsxError,
};

use crate::model::{column_letters, Issue, Points, Severity};
use crate::outcome::{BlocResult, InputStatus, Outcome, UnitResult, UnitStatus};
use crate::registry::{Framework, Kind};
use crate::settings::Date;

/// Paper size code of A4 in the OOXML page setup.
pub const A4: u8 = 9;
pub const FONT: &str = "Times New Roman";

/// The formats every workbook uses.
pub struct Formats {
    pub text: Format,
    pub wrap: Format,
    pub bold: Format,
    pub header: Format,
    pub title: Format,
    pub score: Format,
    pub score_bold: Format,
    pub integer: Format,
    /// A bloc's heading row inside a table.
    pub group: Format,
    /// A hyperlink inside a bordered table.
    pub link: Format,
    /// An italic note under a title.
    pub italic: Format,
}

impl Formats {
    /// The formats in 12-point type (forms, registry files).
    pub fn new() -> Formats {
        Formats::sized(12)
    }

    /// The formats in `size`-point type (11 for the wide tables of tong-hop).
    pub fn sized(size: u8) -> Formats {
        let base = Format::new().set_font_name(FONT).set_font_size(size);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            bold: cell.clone().set_bold(),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color("#DDEBF7"),
            title: base
                .clone()
                .set_bold()
                .set_font_size(size + 2)
                .set_align(FormatAlign::Center),
            score: cell.clone().set_num_format("0.00"),
            score_bold: cell.clone().set_num_format("0.00").set_bold(),
            integer: cell.clone().set_align(FormatAlign::Center),
            group: cell.clone().set_bold().set_background_color("#F2F2F2"),
            link: cell
                .clone()
                .set_text_wrap()
                .set_font_color(Color::Blue)
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            italic: base.set_italic().set_text_wrap().set_align(FormatAlign::Center),
        }
    }
}

impl Default for Formats {
    fn default() -> Formats {
        Formats::new()
    }
}

/// A4, fitted to one page wide, header rows repeated, page numbers in the footer.
pub fn print_setup(ws: &mut Worksheet, landscape: bool, header_rows: (u32, u32)) -> Result<(), XlsxError> {
    ws.set_paper_size(A4);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_rows.0, header_rows.1)?;
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C&\"Times New Roman,Regular\"&10Trang &P/&N");
    Ok(())
}

/// [`print_setup`] with a title in the page header, for sheets whose table
/// starts on the first row.
pub fn print_setup_titled(
    ws: &mut Worksheet,
    landscape: bool,
    header_rows: (u32, u32),
    title: &str,
) -> Result<(), XlsxError> {
    print_setup(ws, landscape, header_rows)?;
    // `&` starts a control code in header text; a literal one is `&&`.
    ws.set_header(format!("&C&\"Times New Roman,Bold\"&12{}", title.replace('&', "&&")));
    Ok(())
}

/// The end of every list sheet (one header row, then a row per item up to
/// `row`): frozen header, filter over all columns, A4 landscape with the
/// header row repeated and `title` at the top of each page.
fn finish_list_sheet(ws: &mut Worksheet, row: u32, last_col: u16, title: &str) -> Result<(), XlsxError> {
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), last_col)?;
    print_setup_titled(ws, true, (0, 0), title)
}

/// A new workbook with fixed document properties, so identical inputs give
/// identical bytes, and fast compression: level 1 costs a few percent in
/// size and saves most of the time spent deflating at province scale.
pub fn new_workbook(title: &str, date: Date) -> Workbook {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(date.year as u16, date.month as u8, date.day as u8)
        .unwrap_or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1).expect("valid date"));
    let props = DocProperties::new()
        .set_title(title)
        .set_author("thidua")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    wb.set_zip_compression_level(1);
    wb
}

/// A score as a number cell value.
pub fn num(p: Points) -> f64 {
    p.as_f64()
}

/// A formula with its result cached, so a reader that does not recalculate
/// sees the right number.
pub fn formula(text: &str, result: Points) -> Formula {
    Formula::new(text).set_result(result.to_string())
}

/// Lines a wrapped text needs in a column `width` characters wide (Times
/// New Roman is narrower than the Calibri digit that widths count in, but
/// word wrapping wastes some of each line).
pub fn lines_needed(text: &str, width: f64) -> usize {
    let per_line = (width * 1.05).max(1.0);
    text.split('\n')
        .map(|line| ((line.chars().count() as f64) / per_line).ceil().max(1.0) as usize)
        .sum()
}

/// Sets a row's height to fit its wrapped cells, `(text, column width)`.
/// Explicit heights print the same in every office suite (LibreOffice does
/// not grow rows on load).
pub fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, f64)], font_size: u8) -> Result<(), XlsxError> {
    let lines = cells.iter().map(|(t, w)| lines_needed(t, *w)).max().unwrap_or(1);
    if lines > 1 {
        let line = f64::from(font_size) * 1.3;
        ws.set_row_height(row, (lines as f64 * line + 3.0).min(409.0))?;
    }
    Ok(())
}

/// Sheet names already given in a workbook, to keep new ones unique.
#[derive(Default)]
pub struct SheetNames {
    used: BTreeSet<String>,
}

/// Excel's sheet name limit, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;

impl SheetNames {
    /// Marks `name` as taken (a fixed sheet such as `Tổng hợp`).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_lowercase());
    }

    /// A valid, unique sheet name close to `wanted`: no `[]:*?/\`, no
    /// apostrophe at either end, at most 31 characters, unique ignoring
    /// case (a ` (2)` suffix when needed).
    pub fn unique(&mut self, wanted: &str) -> String {
        let cleaned: String = wanted
            .chars()
            .map(|c| {
                if "[]:*?/\\".contains(c) || c.is_control() {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        let cleaned = cleaned.trim().trim_matches('\'').trim().to_string();
        let base = if cleaned.is_empty() {
            "Sheet".to_string()
        } else {
            cleaned
        };
        for n in 1.. {
            let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
            let candidate = format!("{}{suffix}", truncate_utf16(&base, SHEET_NAME_MAX - suffix.len()));
            let key = candidate.to_lowercase();
            if key != "history" && !self.used.contains(&key) {
                self.used.insert(key);
                return candidate;
            }
        }
        unreachable!("some suffix is free")
    }
}

/// The longest prefix of `s` within `max` UTF-16 units, trimmed.
fn truncate_utf16(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        len += c.len_utf16();
        if len > max {
            break;
        }
        out.push(c);
    }
    out.trim_end().trim_end_matches('\'').to_string()
}

/// A bloc's sheet name: `Khối thi đua các cơ quan Nội chính` becomes
/// `Khối các cơ quan Nội chính`, short enough for Excel.
pub fn bloc_sheet_name(bloc: &str) -> String {
    for (long, short) in [("Khối thi đua ", "Khối "), ("Cụm thi đua ", "Cụm ")] {
        if let Some(rest) = bloc.strip_prefix(long) {
            return format!("{short}{rest}");
        }
    }
    bloc.to_string()
}

/// A sheet reference quoted for formulas and links: `'Khối A'!D5`.
pub fn sheet_ref(sheet: &str, cell: &str) -> String {
    format!("'{}'!{cell}", sheet.replace('\'', "''"))
}

/// Writes a link to a file (relative to the workbook), falling back to
/// plain text when the path cannot be a link (too long, `#` in it).
pub fn write_file_link(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    target: &str,
    text: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    if target.is_empty() || target.contains('#') || target.len() > 2000 {
        ws.write_string_with_format(row, col, text, &f.wrap)?;
        return Ok(());
    }
    file_link(ws, row, col, &format!("file:///{target}"), text, f)
}

/// Writes a link to a cell of a file (`target#'Sheet'!D14`).
pub fn write_cell_link(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    target: &str,
    sheet: &str,
    cell: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    if target.is_empty() || target.contains('#') || target.len() > 1900 {
        ws.write_string_with_format(row, col, cell, &f.text)?;
        return Ok(());
    }
    file_link(
        ws,
        row,
        col,
        &format!("file:///{target}#{}", sheet_ref(sheet, cell)),
        cell,
        f,
    )
}

fn file_link(ws: &mut Worksheet, row: u32, col: u16, url: &str, text: &str, f: &Formats) -> Result<(), XlsxError> {
    let link = Url::new(url).set_text(text);
    if ws.write_url_with_format(row, col, link, &f.link).is_err() {
        ws.write_string_with_format(row, col, text, &f.wrap)?;
    }
    Ok(())
}

/// What tong-hop.xlsx is made from, besides the outcome.
pub struct SummaryInput<'a> {
    pub outcome: &'a Outcome,
    /// The framework of every bloc, in the outcome's bloc order.
    pub frameworks: Vec<&'a Framework>,
    /// Award names in order of precedence (from the settings).
    pub awards: Vec<String>,
    /// Prefix that turns a path relative to the working folder into one
    /// relative to `out/` (`../` by default).
    pub input_base: String,
    /// Feedback workbook per input file, relative to `out/`.
    pub feedback: BTreeMap<String, String>,
}

pub const SUMMARY_SHEET: &str = "Tổng hợp";
pub const PROPOSALS_SHEET: &str = "Đề nghị khen thưởng";
pub const ISSUES_SHEET: &str = "Kiểm tra";
pub const INPUTS_SHEET: &str = "Nộp bài";

/// Column titles and widths of `Tổng hợp` (SPEC §5 and an STT column).
pub const SUMMARY_HEADERS: [(&str, f64); 12] = [
    ("STT", 5.0),
    ("Khối", 20.0),
    ("Mã đơn vị", 9.0),
    ("Tên đơn vị", 32.0),
    ("Điểm chuẩn", 9.5),
    ("Điểm thưởng", 9.5),
    ("Điểm trừ", 9.0),
    ("Tổng điểm", 9.5),
    ("Xếp hạng", 7.5),
    ("Xếp loại", 12.0),
    ("Đề nghị khen thưởng", 26.0),
    ("Ghi chú", 34.0),
];

/// Roman numeral for the bloc headings (I, II, …).
fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, letters) in TABLE {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    out
}

/// `8 đơn vị; đã chấm 7, chưa nộp 1` for a bloc heading.
fn bloc_counts(bloc: &BlocResult) -> String {
    let count = |s: UnitStatus| bloc.units.iter().filter(|u| u.status == s).count();
    let mut parts = vec![format!("đã chấm {}", count(UnitStatus::Scored))];
    if count(UnitStatus::Missing) > 0 {
        parts.push(format!("chưa nộp {}", count(UnitStatus::Missing)));
    }
    if count(UnitStatus::Rejected) > 0 {
        parts.push(format!("bị loại {}", count(UnitStatus::Rejected)));
    }
    format!("{} đơn vị; {}", bloc.units.len(), parts.join(", "))
}

const INCOMPLETE_NOTE: &str = "Khối chưa đủ bảng chấm hợp lệ: đề nghị khen thưởng là tạm thời";

fn award_text(unit: &UnitResult) -> String {
    match (&unit.award, unit.provisional) {
        (Some(a), true) => format!("{a} (tạm thời)"),
        (Some(a), false) => a.clone(),
        (None, _) => String::new(),
    }
}

fn write_headers(ws: &mut Worksheet, row: u32, headers: &[(&str, f64)], f: &Formats) -> Result<(), XlsxError> {
    for (col, (title, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *title, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    ws.set_row_height(row, 33)?;
    Ok(())
}

/// Builds tong-hop.xlsx in memory.
/// A worksheet for a sheet whose size grows with the province: in
/// constant-memory mode (rows go to a temporary file as they are finished)
/// when a temporary file can be made, else an ordinary one. Such sheets are
/// written strictly row by row.
fn add_large_sheet(wb: &mut Workbook) -> Result<&mut Worksheet, XlsxError> {
    if wb.add_worksheet_with_constant_memory().is_err() {
        wb.add_worksheet();
    }
    let last = wb.worksheets().len() - 1;
    wb.worksheet_from_index(last)
}

/// Builds tong-hop.xlsx; the caller saves it (straight to its file, see
/// `Workbook::save_to_writer`).
pub fn summary_workbook(input: &SummaryInput) -> Result<Workbook, XlsxError> {
    let outcome = input.outcome;
    let f = Formats::sized(11);
    let mut wb = new_workbook("Tổng hợp kết quả chấm điểm thi đua", outcome.report_date);
    let mut names = SheetNames::default();
    for fixed in [SUMMARY_SHEET, PROPOSALS_SHEET, ISSUES_SHEET, INPUTS_SHEET] {
        names.reserve(fixed);
    }
    summary_sheet(add_large_sheet(&mut wb)?, outcome, &f)?;
    for (b, bloc) in outcome.blocs.iter().enumerate() {
        let name = names.unique(&bloc_sheet_name(&bloc.name));
        let ws = add_large_sheet(&mut wb)?;
        ws.set_name(&name)?;
        bloc_sheet(ws, outcome.year, bloc, input.frameworks[b], &f)?;
    }
    proposals_sheet(wb.add_worksheet(), input, &f)?;
    issues_sheet(wb.add_worksheet(), input, &f)?;
    inputs_sheet(add_large_sheet(&mut wb)?, input, &f)?;
    Ok(wb)
}

fn summary_sheet(ws: &mut Worksheet, outcome: &Outcome, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    write_headers(ws, 0, &SUMMARY_HEADERS, f)?;
    let last_col = (SUMMARY_HEADERS.len() - 1) as u16;
    let mut row = 1u32;
    for (b, bloc) in outcome.blocs.iter().enumerate() {
        ws.write_string_with_format(row, 0, roman(b + 1), &f.group)?;
        ws.write_string_with_format(row, 1, &bloc.name, &f.group.clone().set_text_wrap())?;
        ws.write_blank(row, 2, &f.group)?;
        ws.write_string_with_format(row, 3, bloc_counts(bloc), &f.group.clone().set_text_wrap())?;
        for col in 4..last_col {
            ws.write_blank(row, col, &f.group)?;
        }
        let note = if bloc.complete { "" } else { INCOMPLETE_NOTE };
        ws.write_string_with_format(row, last_col, note, &f.group.clone().set_text_wrap())?;
        let w = |c: usize| SUMMARY_HEADERS[c].1;
        fit_row(ws, row, &[(&bloc.name, w(1)), (note, w(11))], 11)?;
        row += 1;
        for (u, unit) in bloc.units.iter().enumerate() {
            ws.write_number_with_format(row, 0, (u + 1) as f64, &f.integer)?;
            ws.write_string_with_format(row, 1, &bloc.name, &f.wrap)?;
            ws.write_string_with_format(row, 2, &unit.code, &f.integer)?;
            ws.write_string_with_format(row, 3, &unit.name, &f.wrap)?;
            match &unit.final_totals {
                Some(t) => {
                    ws.write_number_with_format(row, 4, num(t.standard), &f.score)?;
                    ws.write_number_with_format(row, 5, num(t.bonus), &f.score)?;
                    ws.write_number_with_format(row, 6, num(t.deduction), &f.score)?;
                    let r = row + 1;
                    ws.write_formula_with_format(row, 7, formula(&format!("=E{r}+F{r}-G{r}"), t.total), &f.score_bold)?;
                }
                None => {
                    for col in 4..=7 {
                        ws.write_blank(row, col, &f.score)?;
                    }
                }
            }
            match unit.rank {
                Some(rank) => ws.write_number_with_format(row, 8, rank as f64, &f.integer)?,
                None => ws.write_blank(row, 8, &f.integer)?,
            };
            let class = unit.classification.as_deref().unwrap_or("");
            let (award, notes) = (award_text(unit), unit.notes.join("; "));
            ws.write_string_with_format(row, 9, class, &f.wrap)?;
            ws.write_string_with_format(row, 10, &award, &f.wrap)?;
            ws.write_string_with_format(row, 11, &notes, &f.wrap)?;
            let cells = [
                (bloc.name.as_str(), w(1)),
                (unit.name.as_str(), w(3)),
                (class, w(9)),
                (award.as_str(), w(10)),
                (notes.as_str(), w(11)),
            ];
            fit_row(ws, row, &cells, 11)?;
            row += 1;
        }
    }
    finish_list_sheet(
        ws,
        row,
        last_col,
        &format!("TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA NĂM {}", outcome.year),
    )
}

/// Widths of the criteria text and of each score column on a bloc sheet.
const TITLE_WIDTH: f64 = 38.0;
const UNIT_WIDTH: f64 = 7.5;

/// First table row of a bloc sheet (zero-based): title, subtitle, a blank
/// row and two header rows come first.
pub const BLOC_FIRST_ROW: u32 = 5;

/// One bloc's criteria × units detail: for every unit its self score and
/// the final score (the appraisal where there is one), group rows and
/// totals as formulas.
fn bloc_sheet(ws: &mut Worksheet, year: i32, bloc: &BlocResult, fw: &Framework, f: &Formats) -> Result<(), XlsxError> {
    let n = bloc.units.len() as u16;
    let last_col = 2 + 2 * n.max(1);
    let header_top = BLOC_FIRST_ROW - 2;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {year} — {}", bloc.name.to_uppercase()),
        &f.title,
    )?;
    let mut subtitle = String::from(
        "Tự chấm: điểm đơn vị tự chấm. Kết quả: điểm được tính (điểm thẩm định nếu có). Dòng nhóm và dòng tổng là công thức.",
    );
    if !bloc.complete {
        subtitle.push_str(&format!(" {INCOMPLETE_NOTE}."));
    }
    ws.merge_range(1, 0, 1, last_col, &subtitle, &f.italic)?;
    ws.set_row_height(1, 30)?;
    // Rows are written strictly in order (the sheet may be in constant
    // memory mode): the upper header row with the unit names, then the
    // vertical titles that span both header rows, then the lower row.
    for (u, unit) in bloc.units.iter().enumerate() {
        let c = 3 + 2 * u as u16;
        ws.merge_range(
            header_top,
            c,
            header_top,
            c + 1,
            &format!("{} ({})", unit.name, unit.code),
            &f.header,
        )?;
        ws.set_column_width(c, UNIT_WIDTH)?;
        ws.set_column_width(c + 1, UNIT_WIDTH)?;
    }
    let longest = bloc
        .units
        .iter()
        .map(|u| lines_needed(&format!("{} ({})", u.name, u.code), 2.0 * UNIT_WIDTH))
        .max();
    ws.set_row_height(header_top, (longest.unwrap_or(1).max(2) as f64 * 14.5 + 3.0).min(409.0))?;
    for (col, (title, width)) in [("Mã", 6.0), ("Nội dung", TITLE_WIDTH), ("Điểm tối đa", 8.0)]
        .iter()
        .enumerate()
    {
        ws.merge_range(header_top, col as u16, header_top + 1, col as u16, title, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    for u in 0..bloc.units.len() {
        let c = 3 + 2 * u as u16;
        ws.write_string_with_format(header_top + 1, c, "Tự chấm", &f.header)?;
        ws.write_string_with_format(header_top + 1, c + 1, "Kết quả", &f.header)?;
    }
    let row_of = |i: usize| BLOC_FIRST_ROW + i as u32;
    // Criteria rows are as tall as their wrapped titles. The commonest
    // height becomes the sheet's default and only the other rows get their
    // own: a province has a thousand of these sheets, and every explicit
    // row height is kept in memory until the workbook is saved.
    let line_height = 11.0 * 1.3;
    let height = |lines: usize| (lines as f64 * line_height + 3.0).min(409.0);
    let lines: Vec<usize> = fw
        .criteria
        .iter()
        .map(|c| lines_needed(&c.title, TITLE_WIDTH - 2.0 * c.depth as f64))
        .collect();
    let common = {
        let mut counts = BTreeMap::new();
        for l in &lines {
            *counts.entry(*l).or_insert(0usize) += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(l, n)| (*n, std::cmp::Reverse(*l)))
            .map(|(l, _)| l)
            .unwrap_or(1)
    };
    if common > 1 {
        ws.set_default_row_height(height(common));
    }
    // Everything that is the same for many cells is made once per sheet:
    // column letters, the rows each group sums, the title formats by depth.
    // A province has a thousand of these sheets and a hundred thousand
    // formulas on them.
    let letters: Vec<String> = (0..=last_col).map(|c| column_letters(u32::from(c))).collect();
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); fw.criteria.len()];
    for (i, c) in fw.criteria.iter().enumerate() {
        if let Some(parent) = c.parent {
            children[parent].push(row_of(i) + 1);
        }
    }
    let mut title_formats: BTreeMap<(usize, bool), Format> = BTreeMap::new();
    let mut text = String::new();
    for (i, c) in fw.criteria.iter().enumerate() {
        let r = row_of(i);
        let (code_format, score) = if c.leaf {
            (&f.wrap, &f.score)
        } else {
            (&f.bold, &f.score_bold)
        };
        ws.write_string_with_format(r, 0, &c.code, code_format)?;
        let title = title_formats.entry((c.depth, c.leaf)).or_insert_with(|| {
            let title = f.wrap.clone().set_indent(c.depth as u8);
            if c.leaf {
                title
            } else {
                title.set_bold()
            }
        });
        ws.write_string_with_format(r, 1, &c.title, title)?;
        if lines[i] != common {
            ws.set_row_height(r, if lines[i] > 1 { height(lines[i]) } else { 15.0 })?;
        }
        ws.write_number_with_format(r, 2, num(c.max), score)?;
        for (u, unit) in bloc.units.iter().enumerate() {
            for (k, scores) in [&unit.self_scores, &unit.final_scores].into_iter().enumerate() {
                let col = 3 + 2 * u as u16 + k as u16;
                let Some(value) = scores.get(i).copied() else {
                    ws.write_blank(r, col, score)?;
                    continue;
                };
                if c.leaf {
                    ws.write_number_with_format(r, col, num(value), score)?;
                } else {
                    // =MIN(C12,SUM(D13,D14)), or =MIN(C12,0) for an empty group.
                    text.clear();
                    text.push_str("=MIN(C");
                    push_number(&mut text, r + 1);
                    text.push(',');
                    sum_of(&mut text, &letters[col as usize], &children[i], "0");
                    text.push(')');
                    ws.write_formula_with_format(r, col, formula(&text, value), score)?;
                }
            }
        }
    }
    // Totals under the criteria: standard, bonus, deduction, total, then
    // rank, classification and notes.
    let totals_row = row_of(fw.criteria.len());
    let labels = [
        "Điểm chuẩn",
        "Điểm thưởng",
        "Điểm trừ",
        "Tổng điểm",
        "Xếp hạng",
        "Xếp loại",
        "Ghi chú",
    ];
    let kind_max = |kind: Kind| -> Points {
        fw.tops()
            .filter(|&i| fw.criteria[i].kind == kind)
            .map(|i| fw.criteria[i].max)
            .sum()
    };
    let kinds = [Kind::Standard, Kind::Bonus, Kind::Deduction];
    // The rows (one-based) of the top groups of each kind.
    let kind_rows = kinds.map(|kind| {
        fw.tops()
            .filter(|&i| fw.criteria[i].kind == kind)
            .map(|i| row_of(i) + 1)
            .collect::<Vec<u32>>()
    });
    let rank_format = f.integer.clone().set_bold();
    let class_format = f.integer.clone().set_text_wrap();
    let mut note_lines = 1;
    for (k, label) in labels.iter().enumerate() {
        let r = totals_row + k as u32;
        ws.write_blank(r, 0, &f.bold)?;
        ws.write_string_with_format(r, 1, *label, &f.bold)?;
        if common > 1 && k < labels.len() - 1 {
            ws.set_row_height(r, 15.0)?;
        }
        match kinds.get(k) {
            Some(kind) => ws.write_number_with_format(r, 2, num(kind_max(*kind)), &f.score_bold)?,
            None => ws.write_blank(r, 2, &f.bold)?,
        };
        for (u, unit) in bloc.units.iter().enumerate() {
            let c = 3 + 2 * u as u16;
            match k {
                // Standard, bonus, deduction: sums of the top groups; total.
                0..=3 => {
                    for (j, totals) in [unit.self_totals, unit.final_totals].into_iter().enumerate() {
                        let col = c + j as u16;
                        let letters = &letters[col as usize];
                        let Some(t) = totals else {
                            ws.write_blank(r, col, &f.score_bold)?;
                            continue;
                        };
                        text.clear();
                        text.push('=');
                        let value = match kind_rows.get(k) {
                            // =SUM(D6,D20), or =0 when the bloc has no such group.
                            Some(rows) => {
                                sum_of(&mut text, letters, rows, "0");
                                [t.standard, t.bonus, t.deduction][k]
                            }
                            None => {
                                let (s, b, d) = (totals_row + 1, totals_row + 2, totals_row + 3);
                                let _ = write!(text, "{letters}{s}+{letters}{b}-{letters}{d}");
                                t.total
                            }
                        };
                        ws.write_formula_with_format(r, col, formula(&text, value), &f.score_bold)?;
                    }
                }
                4 => {
                    ws.write_blank(r, c, &f.integer)?;
                    match unit.rank {
                        Some(rank) => ws.write_number_with_format(r, c + 1, rank as f64, &rank_format)?,
                        None => ws.write_blank(r, c + 1, &f.integer)?,
                    };
                }
                5 => {
                    let class = unit.classification.clone().unwrap_or_default();
                    ws.merge_range(r, c, r, c + 1, &class, &class_format)?;
                }
                _ => {
                    let mut notes = unit.notes.clone();
                    if let Some(award) = unit.award.as_ref().map(|_| award_text(unit)) {
                        notes.insert(0, format!("Đề nghị: {award}"));
                    }
                    let notes = notes.join("; ");
                    ws.merge_range(r, c, r, c + 1, &notes, &f.wrap)?;
                    note_lines = note_lines.max(lines_needed(&notes, 2.0 * UNIT_WIDTH));
                }
            }
        }
    }
    ws.set_row_height(totals_row + 6, (note_lines as f64 * 14.5 + 3.0).min(409.0))?;
    ws.set_freeze_panes(BLOC_FIRST_ROW, 3)?;
    let last_row = totals_row + labels.len() as u32 - 1;
    ws.autofilter(BLOC_FIRST_ROW - 1, 0, last_row, last_col)?;
    print_setup(ws, true, (header_top, header_top + 1))
}

/// Appends `SUM(D6,D20)` (the cells of column `letters` in `rows`,
/// one-based) to `text`, or `empty` when there are none.
fn sum_of(text: &mut String, letters: &str, rows: &[u32], empty: &str) {
    if rows.is_empty() {
        text.push_str(empty);
        return;
    }
    text.push_str("SUM(");
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(letters);
        push_number(text, *row);
    }
    text.push(')');
}

/// Appends `n` in decimal (cheaper than `write!` for the hundred thousand
/// cell references of a province's formulas).
fn push_number(text: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    text.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
}

/// Column titles and widths of `Đề nghị khen thưởng`.
const PROPOSAL_HEADERS: [(&str, f64); 10] = [
    ("STT", 5.0),
    ("Khối", 26.0),
    ("Hình thức khen thưởng", 26.0),
    ("Mã đơn vị", 9.0),
    ("Tên đơn vị", 34.0),
    ("Tổng điểm", 9.5),
    ("Xếp hạng", 7.5),
    ("Xếp loại", 12.0),
    ("Tình trạng", 18.0),
    ("Ghi chú", 34.0),
];

fn proposals_sheet(ws: &mut Worksheet, input: &SummaryInput, f: &Formats) -> Result<(), XlsxError> {
    let outcome = input.outcome;
    ws.set_name(PROPOSALS_SHEET)?;
    write_headers(ws, 0, &PROPOSAL_HEADERS, f)?;
    let last_col = (PROPOSAL_HEADERS.len() - 1) as u16;
    let mut row = 1u32;
    for (b, bloc) in outcome.blocs.iter().enumerate() {
        ws.write_string_with_format(row, 0, roman(b + 1), &f.group)?;
        ws.write_string_with_format(row, 1, &bloc.name, &f.group.clone().set_text_wrap())?;
        for col in 2..last_col {
            ws.write_blank(row, col, &f.group)?;
        }
        let status = if bloc.complete { "" } else { INCOMPLETE_NOTE };
        ws.write_string_with_format(row, last_col, status, &f.group.clone().set_text_wrap())?;
        row += 1;
        // Awards in precedence order, then any name the settings do not list.
        let mut order: Vec<&str> = input.awards.iter().map(String::as_str).collect();
        for unit in &bloc.units {
            if let Some(a) = &unit.award {
                if !order.contains(&a.as_str()) {
                    order.push(a);
                }
            }
        }
        let mut seq = 0;
        for award in order {
            let mut units: Vec<&UnitResult> = bloc
                .units
                .iter()
                .filter(|u| u.award.as_deref() == Some(award))
                .collect();
            units.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
            for unit in units {
                seq += 1;
                ws.write_number_with_format(row, 0, seq as f64, &f.integer)?;
                ws.write_string_with_format(row, 1, &bloc.name, &f.wrap)?;
                ws.write_string_with_format(row, 2, award, &f.wrap)?;
                ws.write_string_with_format(row, 3, &unit.code, &f.integer)?;
                ws.write_string_with_format(row, 4, &unit.name, &f.wrap)?;
                match unit.final_totals {
                    Some(t) => ws.write_number_with_format(row, 5, num(t.total), &f.score)?,
                    None => ws.write_blank(row, 5, &f.score)?,
                };
                match unit.rank {
                    Some(rank) => ws.write_number_with_format(row, 6, rank as f64, &f.integer)?,
                    None => ws.write_blank(row, 6, &f.integer)?,
                };
                ws.write_string_with_format(row, 7, unit.classification.as_deref().unwrap_or(""), &f.wrap)?;
                let status = if unit.provisional {
                    "Tạm thời (khối chưa đủ)"
                } else {
                    "Đề nghị"
                };
                ws.write_string_with_format(row, 8, status, &f.wrap)?;
                let notes = unit.notes.join("; ");
                ws.write_string_with_format(row, 9, &notes, &f.wrap)?;
                let w = |c: usize| PROPOSAL_HEADERS[c].1;
                let cells = [
                    (bloc.name.as_str(), w(1)),
                    (award, w(2)),
                    (unit.name.as_str(), w(4)),
                    (notes.as_str(), w(9)),
                ];
                fit_row(ws, row, &cells, 11)?;
                row += 1;
            }
        }
        if seq == 0 {
            ws.write_blank(row, 0, &f.text)?;
            ws.write_string_with_format(row, 1, &bloc.name, &f.wrap)?;
            ws.write_string_with_format(row, 2, "Không có đơn vị được đề nghị", &f.wrap)?;
            for col in 3..=last_col {
                ws.write_blank(row, col, &f.text)?;
            }
            row += 1;
        }
    }
    finish_list_sheet(
        ws,
        row,
        last_col,
        &format!("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM {}", outcome.year),
    )
}

/// Column titles and widths of `Kiểm tra`.
const ISSUE_HEADERS: [(&str, f64); 9] = [
    ("STT", 5.0),
    ("Mức độ", 9.0),
    ("Mã lỗi", 17.0),
    ("Đơn vị", 24.0),
    ("Tệp", 30.0),
    ("Sheet", 14.0),
    ("Ô", 6.0),
    ("Nội dung", 60.0),
    ("Phiếu phản hồi", 24.0),
];

/// `Lỗi` or `Cảnh báo`.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Lỗi",
        Severity::Warning => "Cảnh báo",
    }
}

fn issues_sheet(ws: &mut Worksheet, input: &SummaryInput, f: &Formats) -> Result<(), XlsxError> {
    let outcome = input.outcome;
    ws.set_name(ISSUES_SHEET)?;
    write_headers(ws, 0, &ISSUE_HEADERS, f)?;
    let unit_names: BTreeMap<&str, &str> = outcome
        .blocs
        .iter()
        .flat_map(|b| &b.units)
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let error = f.integer.clone().set_font_color("#C00000").set_bold();
    let mut row = 1u32;
    for (n, issue) in outcome.issues.iter().enumerate() {
        let Issue {
            severity,
            code,
            file,
            sheet,
            cell,
            unit,
            message,
        } = issue;
        ws.write_number_with_format(row, 0, (n + 1) as f64, &f.integer)?;
        let level = if *severity == Severity::Error {
            &error
        } else {
            &f.integer
        };
        ws.write_string_with_format(row, 1, severity_label(*severity), level)?;
        ws.write_string_with_format(row, 2, code.as_str(), &f.text)?;
        let unit_text = match unit {
            Some(code) => match unit_names.get(code.as_str()) {
                Some(name) => format!("{name} ({code})"),
                None => code.clone(),
            },
            None => String::new(),
        };
        ws.write_string_with_format(row, 3, &unit_text, &f.wrap)?;
        let target = file.as_ref().map(|p| format!("{}{p}", input.input_base));
        match (file, &target) {
            (Some(file), Some(target)) => write_file_link(ws, row, 4, target, file, f)?,
            _ => {
                ws.write_blank(row, 4, &f.wrap)?;
            }
        }
        ws.write_string_with_format(row, 5, sheet.as_deref().unwrap_or(""), &f.wrap)?;
        match (target, sheet, cell) {
            (Some(target), Some(sheet), Some(cell)) => write_cell_link(ws, row, 6, &target, sheet, cell, f)?,
            _ => {
                ws.write_string_with_format(row, 6, cell.as_deref().unwrap_or(""), &f.integer)?;
            }
        }
        ws.write_string_with_format(row, 7, message, &f.wrap)?;
        let w = |c: usize| ISSUE_HEADERS[c].1;
        let cells = [
            (message.as_str(), w(7)),
            (file.as_deref().unwrap_or(""), w(4)),
            (unit_text.as_str(), w(3)),
        ];
        fit_row(ws, row, &cells, 11)?;
        match file.as_ref().and_then(|p| input.feedback.get(p)) {
            Some(path) => write_file_link(ws, row, 8, path, path, f)?,
            None => {
                ws.write_blank(row, 8, &f.wrap)?;
            }
        }
        row += 1;
    }
    if outcome.issues.is_empty() {
        ws.write_string_with_format(row, 7, "Không có lỗi hay cảnh báo nào.", &f.wrap)?;
        row += 1;
    }
    finish_list_sheet(
        ws,
        row,
        (ISSUE_HEADERS.len() - 1) as u16,
        &format!("KẾT QUẢ KIỂM TRA BẢNG TỰ CHẤM ĐIỂM NĂM {}", outcome.year),
    )
}

/// Column titles and widths of `Nộp bài`.
const INPUT_HEADERS: [(&str, f64); 8] = [
    ("STT", 5.0),
    ("Khối", 22.0),
    ("Mã đơn vị", 9.0),
    ("Tên đơn vị", 30.0),
    ("Tình trạng đơn vị", 15.0),
    ("Tệp", 34.0),
    ("Tình trạng tệp", 12.0),
    ("SHA-256", 68.0),
];

fn unit_status_label(status: UnitStatus) -> &'static str {
    match status {
        UnitStatus::Scored => "Đã chấm",
        UnitStatus::Missing => "Chưa nộp",
        UnitStatus::Rejected => "Bị loại (có lỗi)",
    }
}

/// Vietnamese label of an input's status.
pub fn input_status_label(status: InputStatus) -> &'static str {
    match status {
        InputStatus::Accepted => "Hợp lệ",
        InputStatus::Rejected => "Bị loại",
        InputStatus::Ignored => "Bỏ qua",
    }
}

fn inputs_sheet(ws: &mut Worksheet, input: &SummaryInput, f: &Formats) -> Result<(), XlsxError> {
    let outcome = input.outcome;
    ws.set_name(INPUTS_SHEET)?;
    write_headers(ws, 0, &INPUT_HEADERS, f)?;
    let mono = f.text.clone().set_font_name("Courier New").set_font_size(9);
    let mut row = 1u32;
    let mut seq = 0;
    // Inputs by unit code and units by code, looked up once per row (a
    // province has thousands of both).
    let mut files_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, record) in outcome.inputs.iter().enumerate() {
        if let Some(code) = record.unit.as_deref() {
            files_of.entry(code).or_default().push(i);
        }
    }
    let unit_of: BTreeMap<&str, (&BlocResult, &UnitResult)> = outcome
        .blocs
        .iter()
        .flat_map(|b| b.units.iter().map(move |u| (u.code.as_str(), (b, u))))
        .collect();
    let write_input = |ws: &mut Worksheet, row: u32, i: usize| -> Result<(), XlsxError> {
        let record = &outcome.inputs[i];
        write_file_link(
            ws,
            row,
            5,
            &format!("{}{}", input.input_base, record.file),
            &record.file,
            f,
        )?;
        ws.write_string_with_format(row, 6, input_status_label(record.status), &f.text)?;
        ws.write_string_with_format(row, 7, record.sha256.as_deref().unwrap_or(""), &mono)?;
        let unit = record.unit.as_deref().and_then(|code| unit_of.get(code));
        let w = |c: usize| INPUT_HEADERS[c].1;
        let mut cells = vec![(record.file.as_str(), w(5))];
        if let Some((b, u)) = unit {
            cells.extend([(b.name.as_str(), w(1)), (u.name.as_str(), w(3))]);
        }
        fit_row(ws, row, &cells, 11)?;
        Ok(())
    };
    let mut listed = vec![false; outcome.inputs.len()];
    for bloc in &outcome.blocs {
        for unit in &bloc.units {
            let files: &[usize] = files_of.get(unit.code.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            for k in 0..files.len().max(1) {
                seq += 1;
                ws.write_number_with_format(row, 0, seq as f64, &f.integer)?;
                ws.write_string_with_format(row, 1, &bloc.name, &f.wrap)?;
                ws.write_string_with_format(row, 2, &unit.code, &f.integer)?;
                ws.write_string_with_format(row, 3, &unit.name, &f.wrap)?;
                ws.write_string_with_format(row, 4, unit_status_label(unit.status), &f.text)?;
                match files.get(k) {
                    Some(&i) => {
                        listed[i] = true;
                        write_input(ws, row, i)?;
                    }
                    None => {
                        for col in 5..=7 {
                            ws.write_blank(row, col, &f.text)?;
                        }
                    }
                }
                row += 1;
            }
        }
    }
    for i in (0..outcome.inputs.len()).filter(|&i| !listed[i]) {
        seq += 1;
        ws.write_number_with_format(row, 0, seq as f64, &f.integer)?;
        for col in 1..=4 {
            ws.write_blank(row, col, &f.text)?;
        }
        write_input(ws, row, i)?;
        row += 1;
    }
    finish_list_sheet(
        ws,
        row,
        (INPUT_HEADERS.len() - 1) as u16,
        &format!("TÌNH HÌNH NỘP BẢNG TỰ CHẤM ĐIỂM NĂM {}", outcome.year),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_pieces_are_written_as_excel_expects() {
        let mut text = String::new();
        for n in [0, 7, 10, 99, 100, 1_048_576, u32::MAX] {
            text.clear();
            push_number(&mut text, n);
            assert_eq!(text, n.to_string());
        }
        text.clear();
        sum_of(&mut text, "AB", &[6, 20, 131], "0");
        assert_eq!(text, "SUM(AB6,AB20,AB131)");
        text.clear();
        sum_of(&mut text, "D", &[], "0");
        assert_eq!(text, "0");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut names = SheetNames::default();
        names.reserve(SUMMARY_SHEET);
        assert_eq!(names.unique("tổng hợp"), "tổng hợp (2)");
        let long = "Khối thi đua các cơ quan Nội chính và Tư pháp tỉnh";
        let a = names.unique(long);
        let b = names.unique(long);
        assert!(
            a.encode_utf16().count() <= 31 && b.encode_utf16().count() <= 31,
            "{a} {b}"
        );
        assert_ne!(a.to_lowercase(), b.to_lowercase());
        assert_eq!(names.unique("A/B: [x]*?\\"), "A-B- -x----");
        assert_eq!(names.unique("'quoted'"), "quoted");
        assert_eq!(names.unique("history"), "history (2)");
        assert_eq!(
            bloc_sheet_name("Khối thi đua các cơ quan Nội chính"),
            "Khối các cơ quan Nội chính"
        );
        assert_eq!(roman(14), "XIV");
    }
}
