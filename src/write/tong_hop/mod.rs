//! `tong-hop.xlsx`, the ranked workbook: a summary of every bloc, one
//! detail sheet per bloc ([`bloc_sheet`]), the proposals, every issue and
//! every input (sheets and columns: docs/thu-muc-lam-viec.md).
//!
//! Staff print, audit and forward this workbook, so every sheet is ready to
//! print (A4, fitted to one page wide, header rows repeated, page numbers)
//! and every total is a formula over the cells beside it whose cached result
//! is our exact figure: an office suite that recalculates gets the same
//! numbers. Text from the inputs is always written as a string, never as a
//! formula.

mod bloc_sheet;

use std::collections::BTreeMap;

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use crate::model::{Issue, Severity};
use crate::outcome::{BlocResult, InputStatus, Note, Outcome, UnitResult, UnitStatus};
use crate::reference::framework::Framework;

use std::path::Path;

use super::xlsx_kit::{
    add_large_sheet, bloc_sheet_name, finish_list_sheet, fit_row, formula, new_workbook, num, severity_label,
    write_cell_link, write_file_link, write_headers, Formats, SheetNames,
};
use crate::error::Fatal;
use crate::write::atomic_write_with;
use bloc_sheet::bloc_sheet;
/// The workbook's name under `out/`.
pub const SUMMARY_FILE: &str = "tong-hop.xlsx";

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

/// Column titles and widths of `Tổng hợp` (docs/thu-muc-lam-viec.md; an STT column first).
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

pub(crate) const INCOMPLETE_NOTE: &str = "Khối chưa đủ bảng chấm hợp lệ: đề nghị khen thưởng là tạm thời";

pub(crate) fn award_text(unit: &UnitResult) -> String {
    match (&unit.award, unit.provisional) {
        (Some(a), true) => format!("{a} (tạm thời)"),
        (Some(a), false) => a.clone(),
        (None, _) => String::new(),
    }
}

/// Builds tong-hop.xlsx in memory.
/// Writes tong-hop.xlsx to `path`, streamed straight to its file.
pub fn write_summary(path: &Path, input: &SummaryInput) -> Result<(), Fatal> {
    let mut workbook = summary_workbook(input).map_err(|e| Fatal::write(path, e))?;
    atomic_write_with(path, |file| {
        workbook
            .save_to_writer(std::io::BufWriter::new(file))
            .map_err(std::io::Error::other)
    })
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
            let (award, notes) = (award_text(unit), Note::join(&unit.notes));
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

const PROPOSAL_HEADERS: [(&str, f64); 13] = [
    ("STT", 5.0),
    ("Khối", 26.0),
    ("Hình thức khen thưởng", 26.0),
    ("Mã đơn vị", 9.0),
    ("Tên đơn vị", 34.0),
    ("Tổng điểm", 9.5),
    ("Xếp hạng", 7.5),
    ("Xếp loại", 12.0),
    // The meeting's vote for the award (phieu-bau.xlsx), blank without one.
    ("Phiếu đồng ý", 8.5),
    ("Tổng số phiếu", 8.5),
    ("Tỷ lệ đồng ý", 9.5),
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
                match unit.votes.iter().find(|v| v.form == award) {
                    Some(v) => {
                        ws.write_number_with_format(row, 8, f64::from(v.agree), &f.integer)?;
                        ws.write_number_with_format(row, 9, f64::from(v.total), &f.integer)?;
                        // Over the members when the award says so: the base is not a column.
                        let share = f64::from(v.share) / 10_000.0;
                        ws.write_number_with_format(row, 10, share, &f.text.clone().set_num_format("0.00%"))?;
                    }
                    None => {
                        for col in 8..=10 {
                            ws.write_blank(row, col, &f.integer)?;
                        }
                    }
                }
                let status = if unit.provisional {
                    "Tạm thời (khối chưa đủ)"
                } else {
                    "Đề nghị"
                };
                ws.write_string_with_format(row, 11, status, &f.wrap)?;
                let notes = Note::join(&unit.notes);
                ws.write_string_with_format(row, 12, &notes, &f.wrap)?;
                let w = |c: usize| PROPOSAL_HEADERS[c].1;
                let cells = [
                    (bloc.name.as_str(), w(1)),
                    (award, w(2)),
                    (unit.name.as_str(), w(4)),
                    (notes.as_str(), w(12)),
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
        let cell = cell.map(|c| c.to_string());
        match (target, sheet, &cell) {
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
const INPUT_HEADERS: [(&str, f64); 9] = [
    ("STT", 5.0),
    ("Khối", 22.0),
    ("Mã đơn vị", 9.0),
    ("Tên đơn vị", 30.0),
    ("Tình trạng đơn vị", 15.0),
    ("Tệp", 34.0),
    ("Tình trạng tệp", 12.0),
    ("Bảng đã đọc", 40.0),
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
        let read_from = record.table.as_ref().map(|t| t.label()).unwrap_or_default();
        ws.write_string_with_format(row, 7, &read_from, &f.wrap)?;
        ws.write_string_with_format(row, 8, record.sha256.as_deref().unwrap_or(""), &mono)?;
        let unit = record.unit.as_deref().and_then(|code| unit_of.get(code));
        let w = |c: usize| INPUT_HEADERS[c].1;
        let mut cells = vec![(record.file.as_str(), w(5)), (read_from.as_str(), w(7))];
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
                        for col in 5..=8 {
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
    fn roman_numerals_number_the_blocs() {
        assert_eq!(roman(1), "I");
        assert_eq!(roman(4), "IV");
        assert_eq!(roman(14), "XIV");
    }
}
