//! `out/phieu-bau-mau.xlsx`: the votes workbook pre-filled, so that nobody
//! types a unit's name at the meeting (docs/thu-muc-lam-viec.md). Sheet
//! `Phiếu bầu` lists every candidate of every voted award (and, under
//! `policy = "vote"`, every member for `Trưởng khối` and `Phó khối`) with
//! its counts blank, validated as whole numbers from 0 to the bloc's size;
//! sheet `Hội nghị` has a row per bloc for the meeting's facts. Everything
//! but the cells to fill is locked (no password). Saved as
//! `DIR/phieu-bau.xlsx`, it is read back by `crate::reference::votes`.

use std::path::Path;

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, ProtectionOptions, Workbook, Worksheet,
    XlsxError,
};

use super::xlsx_kit::{fit_row, new_workbook, print_setup, write_headers, Formats};
use crate::error::Fatal;
use crate::outcome::{BlocResult, Outcome};
use crate::settings::{LeaderPolicy, Settings, DEPUTY_VOTE, LEADER_VOTE};
use crate::write::atomic_write;

/// The file's name under `out/`.
pub const VOTES_FORM_FILE: &str = "phieu-bau-mau.xlsx";

const VOTES_SHEET: &str = "Phiếu bầu";
const MEETING_SHEET: &str = "Hội nghị";
/// The header row (zero-based) of both sheets, under the title rows.
const HEADER_ROW: u32 = 3;

const VOTE_COLUMNS: [(&str, f64); 8] = [
    ("STT", 5.0),
    ("Khối", 28.0),
    ("Mã đơn vị", 10.0),
    ("Tên đơn vị", 32.0),
    ("Xếp hạng", 8.0),
    ("Hình thức", 30.0),
    ("Đồng ý", 9.0),
    ("Tổng số phiếu", 10.0),
];

const MEETING_COLUMNS: [(&str, f64); 8] = [
    ("Khối", 30.0),
    ("Số thành viên", 10.0),
    ("Ngày họp", 12.0),
    ("Địa điểm", 24.0),
    ("Chủ trì", 22.0),
    ("Thư ký", 22.0),
    ("Số thành viên có mặt", 11.0),
    ("Vắng mặt", 30.0),
];

/// Writes `out/phieu-bau-mau.xlsx`. Fails when the file cannot be written.
pub fn write_votes_form(out: &Path, outcome: &Outcome, settings: &Settings) -> Result<(), Fatal> {
    let path = out.join(VOTES_FORM_FILE);
    let bytes = votes_form_workbook(outcome, settings)
        .and_then(|mut wb| wb.save_to_buffer())
        .map_err(|e| Fatal::write(&path, e))?;
    atomic_write(&path, &bytes)
}

/// Builds the pre-filled votes workbook.
pub fn votes_form_workbook(outcome: &Outcome, settings: &Settings) -> Result<Workbook, XlsxError> {
    let mut wb = new_workbook("Phiếu bầu: kết quả bỏ phiếu hội nghị khối", outcome.report_date);
    let f = Formats::sized(11);
    votes_sheet(wb.add_worksheet(), outcome, settings, &f)?;
    meeting_sheet(wb.add_worksheet(), outcome, &f)?;
    Ok(wb)
}

/// One row of `Phiếu bầu`: the unit (index in its bloc) and the form.
fn bloc_rows<'a>(bloc: &'a BlocResult, settings: &Settings) -> Vec<(usize, &'a str)> {
    let mut rows: Vec<(usize, &str)> = bloc
        .ballot
        .iter()
        .flat_map(|b| b.candidates.iter().map(move |&u| (u, b.award.as_str())))
        .collect();
    if settings.next_leader.policy == LeaderPolicy::Vote {
        for form in [LEADER_VOTE, DEPUTY_VOTE] {
            rows.extend((0..bloc.units.len()).map(|u| (u, form)));
        }
    }
    rows
}

fn title(ws: &mut Worksheet, text: &str, hint: &str, last_col: u16, f: &Formats) -> Result<(), XlsxError> {
    ws.merge_range(0, 0, 0, last_col, text, &f.title)?;
    ws.merge_range(1, 0, 1, last_col, hint, &f.italic)?;
    ws.set_row_height(1, 30)?;
    Ok(())
}

fn protect(ws: &mut Worksheet) {
    ws.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
}

fn votes_sheet(ws: &mut Worksheet, outcome: &Outcome, settings: &Settings, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(VOTES_SHEET)?;
    let last_col = (VOTE_COLUMNS.len() - 1) as u16;
    title(
        ws,
        &format!("KẾT QUẢ BỎ PHIẾU BÌNH XÉT THI ĐUA, KHEN THƯỞNG NĂM {}", outcome.year),
        &format!(
            "Sau khi kiểm phiếu, nhập số phiếu đồng ý và tổng số phiếu thu về vào hai cột có nền vàng (để trống dòng chưa bỏ phiếu), rồi lưu tệp vào thư mục làm việc với tên {} và chạy lại thidua.",
            settings.files.votes
        ),
        last_col,
        f,
    )?;
    write_headers(ws, HEADER_ROW, &VOTE_COLUMNS, f)?;
    let input = f.integer.clone().set_unlocked().set_background_color("#FFF2CC");
    let mut row = HEADER_ROW + 1;
    for bloc in &outcome.blocs {
        let size = bloc.units.len() as u32;
        let rule = DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, size as i32))
            .set_error_title("Số phiếu không hợp lệ")?
            .set_error_message(format!(
                "Số phiếu là số nguyên từ 0 đến {size} (số thành viên của khối); số phiếu đồng ý không lớn hơn tổng số phiếu."
            ))?;
        for (u, form) in bloc_rows(bloc, settings) {
            let unit = &bloc.units[u];
            ws.write_number_with_format(row, 0, f64::from(row - HEADER_ROW), &f.integer)?;
            ws.write_string_with_format(row, 1, &bloc.name, &f.wrap)?;
            ws.write_string_with_format(row, 2, &unit.code, &f.integer)?;
            ws.write_string_with_format(row, 3, &unit.name, &f.wrap)?;
            match unit.rank {
                Some(rank) => ws.write_number_with_format(row, 4, f64::from(rank), &f.integer)?,
                None => ws.write_blank(row, 4, &f.integer)?,
            };
            ws.write_string_with_format(row, 5, form, &f.wrap)?;
            ws.write_blank(row, 6, &input)?;
            ws.write_blank(row, 7, &input)?;
            ws.add_data_validation(row, 6, row, 7, &rule)?;
            let w = |c: usize| VOTE_COLUMNS[c].1;
            fit_row(ws, row, &[(&bloc.name, w(1)), (&unit.name, w(3)), (form, w(5))], 11)?;
            row += 1;
        }
    }
    if row == HEADER_ROW + 1 {
        ws.merge_range(
            row,
            0,
            row,
            last_col,
            "Không có hình thức khen thưởng nào cần bỏ phiếu (không [[award]] nào có vote_threshold) và Trưởng khối không được bầu bằng phiếu.",
            &f.wrap,
        )?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    print_setup(ws, true, (HEADER_ROW, HEADER_ROW))?;
    ws.set_selection(HEADER_ROW + 1, 6, HEADER_ROW + 1, 6)?;
    protect(ws);
    Ok(())
}

fn meeting_sheet(ws: &mut Worksheet, outcome: &Outcome, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(MEETING_SHEET)?;
    let last_col = (MEETING_COLUMNS.len() - 1) as u16;
    title(
        ws,
        "THÔNG TIN HỘI NGHỊ BÌNH XÉT CỦA CÁC KHỐI",
        "Mỗi khối một dòng. Vắng mặt: tên hoặc mã các đơn vị vắng, cách nhau bằng dấu ; . Ô để trống được để chấm (……) trong biên bản để ghi tay.",
        last_col,
        f,
    )?;
    write_headers(ws, HEADER_ROW, &MEETING_COLUMNS, f)?;
    let input = f.wrap.clone().set_unlocked().set_background_color("#FFF2CC");
    let date = Format::new()
        .set_font_name(super::xlsx_kit::FONT)
        .set_font_size(11)
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_num_format("dd/mm/yyyy")
        .set_unlocked()
        .set_background_color("#FFF2CC");
    let count = f.integer.clone().set_unlocked().set_background_color("#FFF2CC");
    let first = ExcelDateTime::from_ymd(2000, 1, 1)?;
    let last = ExcelDateTime::from_ymd(2099, 12, 31)?;
    let date_rule = DataValidation::new()
        .allow_date(DataValidationRule::Between(first, last))
        .set_error_title("Ngày không hợp lệ")?
        .set_error_message("Nhập ngày họp dạng ngày/tháng/năm, ví dụ 05/12/2026.")?;
    for (i, bloc) in outcome.blocs.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        let size = bloc.units.len() as u32;
        ws.write_string_with_format(row, 0, &bloc.name, &f.wrap)?;
        ws.write_number_with_format(row, 1, f64::from(size), &f.integer)?;
        ws.write_blank(row, 2, &date)?;
        ws.add_data_validation(row, 2, row, 2, &date_rule)?;
        for col in [3, 4, 5, 7] {
            ws.write_blank(row, col, &input)?;
        }
        ws.write_blank(row, 6, &count)?;
        let rule = DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, size as i32))
            .set_error_title("Số thành viên không hợp lệ")?
            .set_error_message(format!("Số thành viên có mặt là số nguyên từ 0 đến {size}."))?;
        ws.add_data_validation(row, 6, row, 6, &rule)?;
        fit_row(ws, row, &[(&bloc.name, MEETING_COLUMNS[0].1)], 11)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    print_setup(ws, true, (HEADER_ROW, HEADER_ROW))?;
    protect(ws);
    Ok(())
}
