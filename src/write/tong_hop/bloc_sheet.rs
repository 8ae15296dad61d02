//! One bloc's detail sheet of tong-hop.xlsx: criteria down, two columns per
//! unit (self score, final score) across, group rows and totals as
//! formulas whose cached results are our exact figures.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::{award_text, INCOMPLETE_NOTE};
use crate::model::{column_letters, Points};
use crate::outcome::{BlocResult, Note};
use crate::reference::framework::{CriterionKind, Framework};
use crate::write::xlsx_kit::{formula, lines_needed, num, print_setup, Formats};

/// Widths of the criteria text and of each score column on a bloc sheet.
const TITLE_WIDTH: f64 = 38.0;
const UNIT_WIDTH: f64 = 7.5;

/// First table row of a bloc sheet (zero-based): title, subtitle, a blank
/// row and two header rows come first.
pub const BLOC_FIRST_ROW: u32 = 5;

/// One bloc's criteria × units detail: for every unit its self score and
/// the final score (the appraisal where there is one), group rows and
/// totals as formulas.
pub(super) fn bloc_sheet(
    ws: &mut Worksheet,
    year: i32,
    bloc: &BlocResult,
    fw: &Framework,
    f: &Formats,
) -> Result<(), XlsxError> {
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
        // The units' cells are written bare and given the row's format in
        // one call: rust_xlsxwriter hashes a format on every formatted write,
        // which was most of the cost of a province's bloc sheets.
        for (u, unit) in bloc.units.iter().enumerate() {
            for (k, scores) in [&unit.self_scores, &unit.final_scores].into_iter().enumerate() {
                let col = 3 + 2 * u as u16 + k as u16;
                let Some(value) = scores.get(i).copied() else {
                    continue;
                };
                if c.leaf {
                    ws.write_number(r, col, num(value))?;
                } else {
                    // =MIN(C12,SUM(D13,D14)), or =MIN(C12,0) for an empty group.
                    text.clear();
                    text.push_str("=MIN(C");
                    push_number(&mut text, r + 1);
                    text.push(',');
                    sum_of(&mut text, &letters[col as usize], &children[i], "0");
                    text.push(')');
                    ws.write_formula(r, col, formula(&text, value))?;
                }
            }
        }
        if !bloc.units.is_empty() {
            ws.set_range_format(r, 3, r, 3 + 2 * bloc.units.len() as u16 - 1, score)?;
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
    let kind_max = |kind: CriterionKind| -> Points {
        fw.tops()
            .filter(|&i| fw.criteria[i].kind == kind)
            .map(|i| fw.criteria[i].max)
            .sum()
    };
    let kinds = [CriterionKind::Standard, CriterionKind::Bonus, CriterionKind::Deduction];
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
                    let notes = match unit.award.as_ref().map(|_| award_text(unit)) {
                        Some(award) if unit.notes.is_empty() => format!("Đề nghị: {award}"),
                        Some(award) => format!("Đề nghị: {award}; {}", Note::join(&unit.notes)),
                        None => Note::join(&unit.notes),
                    };
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
}
