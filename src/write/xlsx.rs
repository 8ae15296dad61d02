//! `tong-hop.xlsx`, the ranked workbook, and the shared look of every
//! workbook we write: Times New Roman, A4, two-decimal scores, formulas with
//! their results cached (rust_xlsxwriter would otherwise cache 0).

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::model::Points;
use crate::outcome::Outcome;
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
}

impl Formats {
    pub fn new() -> Formats {
        let base = Format::new().set_font_name(FONT).set_font_size(12);
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
            title: base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center),
            score: cell.clone().set_num_format("0.00"),
            score_bold: cell.clone().set_num_format("0.00").set_bold(),
            integer: cell.set_align(FormatAlign::Center),
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
    ws.set_footer("&C&\"Times New Roman\"Trang &P/&N");
    Ok(())
}

/// Fixed document properties, so identical inputs give identical bytes.
pub fn set_properties(wb: &mut Workbook, title: &str, date: Date) {
    let created = ExcelDateTime::from_ymd(date.year as u16, date.month as u8, date.day as u8)
        .unwrap_or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1).expect("valid date"));
    let props = DocProperties::new()
        .set_title(title)
        .set_author("thidua")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
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

const SUMMARY_HEADERS: [(&str, f64); 11] = [
    ("Khối", 30.0),
    ("Mã đơn vị", 10.0),
    ("Tên đơn vị", 36.0),
    ("Điểm chuẩn", 10.0),
    ("Điểm thưởng", 10.0),
    ("Điểm trừ", 9.0),
    ("Tổng điểm", 10.0),
    ("Xếp hạng", 8.0),
    ("Xếp loại", 11.0),
    ("Đề nghị khen thưởng", 28.0),
    ("Ghi chú", 30.0),
];

pub const SUMMARY_SHEET: &str = "Tổng hợp";

/// Builds tong-hop.xlsx in memory.
pub fn summary_workbook(outcome: &Outcome) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    set_properties(&mut wb, "Tổng hợp kết quả chấm điểm thi đua", outcome.report_date);
    let ws = wb.add_worksheet();
    ws.set_name(SUMMARY_SHEET)?;
    for (col, (title, width)) in SUMMARY_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *title, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
    }
    let mut row = 1u32;
    for bloc in &outcome.blocs {
        for unit in &bloc.units {
            ws.write_string_with_format(row, 0, &bloc.name, &f.wrap)?;
            ws.write_string_with_format(row, 1, &unit.code, &f.text)?;
            ws.write_string_with_format(row, 2, &unit.name, &f.wrap)?;
            match &unit.final_totals {
                Some(t) => {
                    ws.write_number_with_format(row, 3, num(t.standard), &f.score)?;
                    ws.write_number_with_format(row, 4, num(t.bonus), &f.score)?;
                    ws.write_number_with_format(row, 5, num(t.deduction), &f.score)?;
                    let r = row + 1;
                    ws.write_formula_with_format(row, 6, formula(&format!("=D{r}+E{r}-F{r}"), t.total), &f.score_bold)?;
                }
                None => {
                    for col in 3..=6 {
                        ws.write_blank(row, col, &f.score)?;
                    }
                }
            }
            match unit.rank {
                Some(rank) => ws.write_number_with_format(row, 7, rank as f64, &f.integer)?,
                None => ws.write_blank(row, 7, &f.integer)?,
            };
            ws.write_string_with_format(row, 8, unit.classification.as_deref().unwrap_or(""), &f.text)?;
            let award = match (&unit.award, unit.provisional) {
                (Some(a), true) => format!("{a} (tạm thời)"),
                (Some(a), false) => a.clone(),
                (None, _) => String::new(),
            };
            ws.write_string_with_format(row, 9, &award, &f.wrap)?;
            ws.write_string_with_format(row, 10, unit.notes.join("; "), &f.wrap)?;
            row += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), (SUMMARY_HEADERS.len() - 1) as u16)?;
    print_setup(ws, true, (0, 0))?;
    wb.save_to_buffer()
}
