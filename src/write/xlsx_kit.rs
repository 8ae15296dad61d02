//! The shared look of every workbook we write: Times New Roman, A4,
//! two-decimal scores, formulas with their results cached (rust_xlsxwriter
//! would otherwise cache 0), rows tall enough for their text, valid unique
//! sheet names and links back to the members' files.

use std::collections::BTreeSet;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet,
    XlsxError,
};

use crate::calendar::Date;
use crate::model::{Points, Severity};

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
pub fn finish_list_sheet(ws: &mut Worksheet, row: u32, last_col: u16, title: &str) -> Result<(), XlsxError> {
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

pub fn write_headers(ws: &mut Worksheet, row: u32, headers: &[(&str, f64)], f: &Formats) -> Result<(), XlsxError> {
    for (col, (title, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *title, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    ws.set_row_height(row, 33)?;
    Ok(())
}

/// A worksheet for a sheet whose size grows with the province: in
/// constant-memory mode (rows go to a temporary file as they are finished)
/// when a temporary file can be made, else an ordinary one. Such sheets are
/// written strictly row by row.
pub fn add_large_sheet(wb: &mut Workbook) -> Result<&mut Worksheet, XlsxError> {
    if wb.add_worksheet_with_constant_memory().is_err() {
        wb.add_worksheet();
    }
    let last = wb.worksheets().len() - 1;
    wb.worksheet_from_index(last)
}

/// `Lỗi` or `Cảnh báo`.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Lỗi",
        Severity::Warning => "Cảnh báo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut names = SheetNames::default();
        names.reserve("Tổng hợp");
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
    }
}
