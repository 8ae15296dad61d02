//! Workbooks for people to fill in: the member self-score forms of
//! `thidua forms` (docs/thu-muc-lam-viec.md), and the registry and criteria files of `init`.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, FormatAlign, ProtectionOptions, XlsxError};

use crate::calendar::Date;
use crate::error::Fatal;
use crate::form_layout::{FormMeta, COLUMNS, META_MARK, META_SHEET, SCORE_SHEET};
use crate::model::Points;
use crate::reference::framework::{Criterion, CriterionKind, Framework, Frameworks, CRITERIA_HEADERS};
use crate::reference::registry::{Registry, Role, EXCLUDED_HEADERS, EXCLUDED_SHEET, REGISTRY_HEADERS, REGISTRY_SHEET};
use crate::score::{criterion_scores, totals};
use crate::write::atomic_write;
use crate::write::names::{slug, unit_file_stem};
use crate::write::xlsx_kit::{fit_row, formula, new_workbook, num, print_setup, Formats, FONT};

/// Column widths of the form: code, text, maximum, score, explanation.
const FORM_WIDTHS: [f64; 5] = [8.0, 60.0, 10.0, 11.0, 34.0];

/// Excel's limit on a validation's input message, in characters.
const PROMPT_MAX: usize = 255;

/// The message shown when a score cell is selected: the range, and the
/// criterion's scoring guide when it fits.
fn prompt(c: &Criterion) -> String {
    let range = match c.kind {
        CriterionKind::Deduction => format!("Nhập điểm bị trừ (số dương) từ 0 đến {}.", c.max.to_vietnamese()),
        CriterionKind::Bonus => format!("Nhập điểm thưởng từ 0 đến {}.", c.max.to_vietnamese()),
        CriterionKind::Standard => format!("Nhập điểm từ 0 đến {}.", c.max.to_vietnamese()),
    };
    let guide = c.guide.trim();
    let with_guide = format!("{range} {guide}");
    if guide.is_empty() {
        range
    } else if with_guide.chars().count() <= PROMPT_MAX {
        with_guide
    } else {
        let room = PROMPT_MAX.saturating_sub(range.chars().count() + 2);
        format!("{range} {}…", guide.chars().take(room).collect::<String>().trim_end())
    }
}

/// What a form is for.
pub struct FormSpec<'a> {
    pub bloc: &'a str,
    pub unit_code: &'a str,
    pub unit_name: &'a str,
    pub year: i32,
    pub date: Date,
    pub framework: &'a Framework,
    /// Leaf scores to fill in (indexed like the framework), for examples
    /// and tests; `None` writes a blank form.
    pub filled: Option<&'a [Points]>,
}

/// The folder of blank forms under `out/`, one subfolder per bloc.
pub const FORMS_DIR: &str = "bieu-mau";

/// Writes one blank form per registry unit to
/// `out/bieu-mau/<bloc>/<unit>-<code>.xlsx`. Returns the files written.
pub fn write_forms(
    out: &Path,
    registry: &Registry,
    frameworks: &Frameworks,
    year: i32,
    date: Date,
) -> Result<Vec<PathBuf>, Fatal> {
    let mut written = Vec::new();
    for (b, bloc) in registry.blocs.iter().enumerate() {
        for unit in &bloc.units {
            let spec = FormSpec {
                bloc: &bloc.name,
                unit_code: &unit.code,
                unit_name: &unit.name,
                year,
                date,
                framework: frameworks.of(b),
                filled: None,
            };
            let path = out
                .join(FORMS_DIR)
                .join(slug(&bloc.name))
                .join(format!("{}.xlsx", unit_file_stem(&unit.name, &unit.code)));
            let bytes = form_workbook(&spec).map_err(|e| Fatal::write(&path, e))?;
            atomic_write(&path, &bytes)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// First row of the criteria table (zero-based): after the title block.
pub const TABLE_HEADER_ROW: u32 = 5;

/// Builds one member's self-score workbook.
pub fn form_workbook(spec: &FormSpec) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let framework = spec.framework;
    let mut wb = new_workbook(
        &format!("Bảng tự chấm điểm thi đua năm {} — {}", spec.year, spec.unit_name),
        spec.date,
    );
    let ws = wb.add_worksheet();
    ws.set_name(SCORE_SHEET)?;
    let plain = Format::new().set_font_name(FONT).set_font_size(12);
    let centered_bold = plain.clone().set_bold().set_align(FormatAlign::Center).set_text_wrap();
    ws.merge_range(0, 0, 0, 4, &spec.bloc.to_uppercase(), &centered_bold)?;
    ws.merge_range(
        1,
        0,
        1,
        4,
        &format!("BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM {}", spec.year),
        &f.title,
    )?;
    ws.merge_range(
        2,
        0,
        2,
        4,
        &format!("Đơn vị: {}", spec.unit_name),
        &plain.clone().set_align(FormatAlign::Center),
    )?;
    ws.merge_range(
        3,
        0,
        3,
        4,
        "(Nhập điểm vào cột \"Điểm tự chấm\"; các dòng nhóm và dòng tổng tự cộng)",
        &plain.clone().set_italic().set_align(FormatAlign::Center),
    )?;
    ws.set_row_height(0, 33)?;
    for (col, (title, width)) in COLUMNS.iter().zip(FORM_WIDTHS).enumerate() {
        ws.write_string_with_format(TABLE_HEADER_ROW, col as u16, *title, &f.header)?;
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_row_height(TABLE_HEADER_ROW, 33)?;
    let filled = spec.filled;
    let scores = filled.map(|s| criterion_scores(framework, s));
    let first = TABLE_HEADER_ROW + 1;
    let row_of = |i: usize| first + i as u32;
    let input = f.score.clone().set_unlocked().set_background_color("#FFF2CC");
    for (i, c) in framework.criteria.iter().enumerate() {
        let r = row_of(i);
        let (text_fmt, score_fmt) = if c.leaf {
            (&f.wrap, &f.score)
        } else {
            (&f.bold, &f.score_bold)
        };
        ws.write_string_with_format(r, 0, &c.code, text_fmt)?;
        let title = f.wrap.clone().set_indent(c.depth as u8);
        let title = if c.leaf { title } else { title.set_bold() };
        ws.write_string_with_format(r, 1, &c.title, &title)?;
        fit_row(ws, r, &[(&c.title, FORM_WIDTHS[1] - 2.0 * c.depth as f64)], 12)?;
        ws.write_number_with_format(r, 2, num(c.max), score_fmt)?;
        if c.leaf {
            match filled {
                Some(s) => ws.write_number_with_format(r, 3, num(s[i]), &input)?,
                None => ws.write_blank(r, 3, &input)?,
            };
            let max = c.max.as_f64();
            let rule = DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(0.0, max))
                .set_input_title(format!("Tiêu chí {}", c.code).chars().take(32).collect::<String>())?
                .set_input_message(prompt(c))?
                .set_error_title("Điểm không hợp lệ")?
                .set_error_message(format!(
                    "Điểm tiêu chí {} phải là số từ 0 đến {}.",
                    c.code,
                    c.max.to_vietnamese()
                ))?;
            ws.add_data_validation(r, 3, r, 3, &rule)?;
            ws.write_blank(r, 4, &f.wrap.clone().set_unlocked())?;
        } else {
            let children: Vec<String> = framework.children(i).map(|ch| format!("D{}", row_of(ch) + 1)).collect();
            let text = format!(
                "=MIN(C{},{})",
                r + 1,
                if children.is_empty() {
                    "0".into()
                } else {
                    format!("SUM({})", children.join(","))
                }
            );
            let result = scores.as_ref().map(|s| s[i]).unwrap_or_default();
            ws.write_formula_with_format(r, 3, formula(&text, result), score_fmt)?;
            ws.write_blank(r, 4, &f.wrap)?;
        }
    }
    let total_row = row_of(framework.criteria.len());
    let sign = |kind: CriterionKind| match kind {
        CriterionKind::Deduction => "-",
        _ => "+",
    };
    let terms: String = framework
        .tops()
        .map(|i| format!("{}D{}", sign(framework.criteria[i].kind), row_of(i) + 1))
        .collect();
    let total = filled.map(|s| totals(framework, s).total).unwrap_or_default();
    ws.write_string_with_format(total_row, 0, "", &f.bold)?;
    ws.write_string_with_format(total_row, 1, "Tổng cộng", &f.bold)?;
    ws.write_number_with_format(total_row, 2, num(framework.standard_max()), &f.score_bold)?;
    ws.write_formula_with_format(
        total_row,
        3,
        formula(&format!("={}", terms.trim_start_matches('+')), total),
        &f.score_bold,
    )?;
    ws.write_blank(total_row, 4, &f.wrap)?;
    let center = plain.clone().set_align(FormatAlign::Center);
    ws.merge_range(
        total_row + 2,
        3,
        total_row + 2,
        4,
        &format!("……………, ngày …… tháng …… năm {}", spec.date.year),
        &center.clone().set_italic(),
    )?;
    let sign_row = total_row + 3;
    ws.merge_range(sign_row, 3, sign_row, 4, "THỦ TRƯỞNG ĐƠN VỊ", &centered_bold)?;
    ws.merge_range(
        sign_row + 1,
        3,
        sign_row + 1,
        4,
        "(Ký, ghi rõ họ tên, đóng dấu)",
        &center.clone().set_italic(),
    )?;
    ws.write_string_with_format(sign_row, 1, "NGƯỜI LẬP BIỂU", &centered_bold)?;
    ws.write_string_with_format(sign_row + 1, 1, "(Ký, ghi rõ họ tên)", &center.set_italic())?;
    ws.set_freeze_panes(first, 0)?;
    if let Some(leaf) = framework.leaves().next() {
        ws.set_selection(row_of(leaf), 3, row_of(leaf), 3)?;
    }
    print_setup(ws, false, (TABLE_HEADER_ROW, TABLE_HEADER_ROW))?;
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);

    let meta = FormMeta {
        unit_code: spec.unit_code.into(),
        unit_name: spec.unit_name.into(),
        bloc: spec.bloc.into(),
        year: spec.year,
        framework: framework.fingerprint.clone(),
    };
    let ms = wb.add_worksheet();
    ms.set_name(META_SHEET)?;
    ms.write_string(0, 0, META_MARK)?;
    for (r, (key, value)) in meta.rows().iter().enumerate() {
        ms.write_string(r as u32 + 1, 0, *key)?;
        ms.write_string(r as u32 + 1, 1, value)?;
    }
    ms.set_hidden(true);
    ms.protect();
    wb.save_to_buffer()
}

/// `don-vi.xlsx` from a registry (used by `init`).
pub fn registry_workbook(registry: &Registry, date: Date) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = new_workbook("Danh sách khối và đơn vị thành viên", date);
    let ws = wb.add_worksheet();
    ws.set_name(REGISTRY_SHEET)?;
    for (col, (title, width)) in REGISTRY_HEADERS.iter().zip([40.0, 12.0, 45.0, 14.0, 40.0]).enumerate() {
        ws.write_string_with_format(0, col as u16, *title, &f.header)?;
        ws.set_column_width(col as u16, width)?;
    }
    for (row, (at, unit)) in registry.units().enumerate() {
        let r = row as u32 + 1;
        let role = match unit.role {
            Role::Leader => "Trưởng khối",
            Role::Deputy => "Phó khối",
            Role::Member => "",
        };
        ws.write_string_with_format(r, 0, &registry.blocs[at.bloc].name, &f.wrap)?;
        ws.write_string_with_format(r, 1, &unit.code, &f.text)?;
        ws.write_string_with_format(r, 2, &unit.name, &f.wrap)?;
        ws.write_string_with_format(r, 3, role, &f.text)?;
        ws.write_string_with_format(r, 4, unit.aliases.join("; "), &f.wrap)?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws, false, (0, 0))?;
    let ex = wb.add_worksheet();
    ex.set_name(EXCLUDED_SHEET)?;
    for (col, (title, width)) in EXCLUDED_HEADERS.iter().zip([12.0, 50.0, 40.0]).enumerate() {
        ex.write_string_with_format(0, col as u16, *title, &f.header)?;
        ex.set_column_width(col as u16, width)?;
    }
    for (row, (code, e)) in registry.excluded.iter().enumerate() {
        let r = row as u32 + 1;
        ex.write_string_with_format(r, 0, code, &f.text)?;
        ex.write_string_with_format(r, 1, &e.reason, &f.wrap)?;
        ex.write_string_with_format(r, 2, &e.basis, &f.wrap)?;
    }
    print_setup(ex, false, (0, 0))?;
    wb.save_to_buffer()
}

/// `tieu-chi.xlsx` from frameworks, one sheet each (used by `init`).
pub fn criteria_workbook(frameworks: &[Framework], date: Date) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = new_workbook("Bảng tiêu chí chấm điểm thi đua", date);
    for framework in frameworks {
        let ws = wb.add_worksheet();
        ws.set_name(&framework.name)?;
        for (col, (title, width)) in CRITERIA_HEADERS.iter().zip([8.0, 60.0, 11.0, 9.0, 50.0]).enumerate() {
            ws.write_string_with_format(0, col as u16, *title, &f.header)?;
            ws.set_column_width(col as u16, width)?;
        }
        for (i, c) in framework.criteria.iter().enumerate() {
            let r = i as u32 + 1;
            let text = if c.leaf { &f.wrap } else { &f.bold };
            ws.write_string_with_format(r, 0, &c.code, text)?;
            ws.write_string_with_format(r, 1, &c.title, &f.wrap.clone().set_indent(c.depth as u8))?;
            ws.write_number_with_format(r, 2, num(c.max), &f.score)?;
            ws.write_string_with_format(r, 3, c.kind.label(), &f.text)?;
            ws.write_string_with_format(r, 4, &c.guide, &f.wrap)?;
        }
        ws.set_freeze_panes(1, 0)?;
        print_setup(ws, true, (0, 0))?;
    }
    wb.save_to_buffer()
}
