//! The validation stage: from one opened workbook to a unit's scorecard and
//! the issues found on the way, each with its file, sheet and cell.

use crate::form_layout::{FormMeta, META_MARK, META_SHEET, SCORE_SHEET};
use crate::model::{Code, Issue, Points};
use crate::read::table::{find_table, find_unit_line};
use crate::read::{Book, LegacyText, ReadFailure, Sheet};
use crate::reference::framework::{Criterion, CriterionKind, Framework, Frameworks};
use crate::reference::registry::{Registry, UnitRef};
use crate::score::{Scores, Totals};
use crate::score_table::{Cell, Table, TableRow};
use crate::text::fold;

/// What a workbook is checked against: the registry, each bloc's
/// framework and the year of the settings.
pub struct Expected<'a> {
    pub registry: &'a Registry,
    pub frameworks: &'a Frameworks,
    pub year: i32,
}

/// One unit's scores as it gave them and after appraisal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scorecard {
    pub self_scores: Scores,
    pub final_scores: Scores,
}

/// The outcome of reading and validating one file.
#[derive(Clone, Debug)]
pub struct Validated {
    pub unit: Option<UnitRef>,
    pub card: Option<Scorecard>,
    pub issues: Vec<Issue>,
    /// The table as found, kept when there are issues (for feedback workbooks).
    pub table: Option<Table>,
}

impl Validated {
    /// The outcome of a file that failed with `issue` before any unit or
    /// table was known.
    pub fn failed(issue: Issue) -> Validated {
        Validated {
            unit: None,
            card: None,
            issues: vec![issue],
            table: None,
        }
    }
}

/// Maps a read failure to its issue.
pub fn failure_issue(file: &str, failure: &ReadFailure) -> Issue {
    let (code, message) = match failure {
        ReadFailure::Unreadable(why) => (
            Code::FileUnreadable,
            format!("Không đọc được tệp ({why}). Mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại."),
        ),
        ReadFailure::Encrypted => (
            Code::FileEncrypted,
            "Tệp được đặt mật khẩu nên không đọc được. Đề nghị đơn vị gỡ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc) rồi gửi lại.".to_string(),
        ),
        ReadFailure::TooLarge(why) => (
            Code::FileTooLarge,
            format!("Tệp vượt giới hạn an toàn ({why}). Kiểm tra lại tệp, xóa các sheet, dòng, cột thừa rồi gửi lại."),
        ),
    };
    Issue::new(code, message).file(file)
}

/// Reads the metadata sheet of a form made by `thidua forms`, if present.
fn form_meta(book: &mut Book, names: &[(String, bool)]) -> Option<FormMeta> {
    let (name, _) = names.iter().find(|(n, _)| n == META_SHEET)?;
    let sheet = book.sheet(name).ok()?;
    if sheet.cell(0, 0).map(Cell::text).as_deref() != Some(META_MARK) {
        return None;
    }
    let pairs = sheet.rows.iter().skip(1).filter_map(|r| {
        let key = r.get(0)?.text();
        let value = r.get(1).map(Cell::text).unwrap_or_default();
        Some((key, value))
    });
    let owned: Vec<(String, String)> = pairs.collect();
    Some(FormMeta::from_pairs(owned.iter().map(|(k, v)| (k.as_str(), v.clone()))))
}

/// Finds the score table: the form's sheet first, then every other sheet in
/// workbook order, visible ones before hidden ones.
/// Also returns the sheet's name as the workbook spells it.
fn locate_table(book: &mut Book, names: &[(String, bool)]) -> Result<Option<(String, Sheet, Table)>, ReadFailure> {
    let mut order: Vec<&(String, bool)> = names.iter().filter(|(n, _)| n != META_SHEET).collect();
    order.sort_by_key(|(n, visible)| (fold(n) != fold(SCORE_SHEET), !visible));
    for (name, _) in order {
        let sheet = book.sheet(name)?;
        if let Some(table) = find_table(&sheet) {
            return Ok(Some((name.clone(), sheet, table)));
        }
    }
    Ok(None)
}

/// The warning for legacy-encoded text converted in the table's sheet.
fn legacy_issue(file: &str, sheet: &str, found: &LegacyText) -> Issue {
    Issue::new(
        Code::TextLegacyEncoding,
        format!(
            "Văn bản trong tệp được gõ bằng bảng mã cũ {} (không phải Unicode); đã tự chuyển sang Unicode để đọc. Đề nghị đơn vị chuyển tệp sang Unicode (ví dụ bằng Unikey) và dùng phông Times New Roman cho các lần sau.",
            found.encoding.label()
        ),
    )
    .file(file)
    .sheet(sheet)
    .at(found.row, found.col)
}

/// Reads and validates one opened workbook. `file` is the path shown in issues.
pub fn validate(file: &str, mut book: Book, ctx: &Expected) -> Validated {
    let names = book.sheet_names();
    let meta = form_meta(&mut book, &names);
    let (raw_name, sheet, table) = match locate_table(&mut book, &names) {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Validated::failed(
                Issue::new(
                    Code::TableNotFound,
                    "Không tìm thấy bảng chấm điểm: cần một dòng tiêu đề có cột \"Mã\" hoặc \"Nội dung\" và cột \"Điểm tự chấm\" trong 30 dòng đầu của một sheet. Đề nghị đơn vị dùng đúng biểu mẫu của khối.",
                )
                .file(file),
            )
        }
        Err(failure) => return Validated::failed(failure_issue(file, &failure)),
    };
    let mut issues: Vec<Issue> = book
        .legacy_text(&raw_name)
        .map(|found| legacy_issue(file, &sheet.name, found))
        .into_iter()
        .collect();
    let unit = match identify_unit(file, &sheet, &table, meta.as_ref(), ctx) {
        Ok(unit) => unit,
        Err(issue) => {
            issues.push(*issue);
            return Validated {
                unit: None,
                card: None,
                issues,
                table: None,
            };
        }
    };
    let unit_code = ctx.registry.unit(unit).code.clone();
    let framework = ctx.frameworks.of(unit.bloc);
    if let Some(meta) = &meta {
        if meta.framework != framework.fingerprint || meta.year != ctx.year {
            issues.push(
                Issue::new(
                    Code::FrameworkMismatch,
                    format!(
                        "Biểu mẫu được tạo cho năm {} từ bảng tiêu chí khác phiên bản hiện hành (năm {}). Điểm vẫn được đọc theo mã tiêu chí; nên dùng biểu mẫu mới.",
                        meta.year, ctx.year
                    ),
                )
                .file(file)
                .sheet(&sheet.name),
            );
        }
    }
    let card = score_table(file, &table, framework, &mut issues);
    for issue in &mut issues {
        issue.unit.get_or_insert_with(|| unit_code.clone());
    }
    let failed = issues.iter().any(Issue::is_error);
    Validated {
        unit: Some(unit),
        card: (!failed).then_some(card),
        table: (!issues.is_empty()).then_some(table),
        issues,
    }
}

/// The unit from form metadata, else a `Đơn vị: …` line, else the file name.
fn identify_unit(
    file: &str,
    sheet: &Sheet,
    table: &Table,
    meta: Option<&FormMeta>,
    ctx: &Expected,
) -> Result<UnitRef, Box<Issue>> {
    if let Some(meta) = meta {
        if let Some(unit) = ctx.registry.find_code(&meta.unit_code) {
            return Ok(unit);
        }
    }
    let line = find_unit_line(sheet, table.header_row);
    if let Some((name, row, col)) = &line {
        match ctx.registry.match_unit(name) {
            Ok(unit) => return Ok(unit),
            Err(nearest) => {
                return Err(Box::new(
                    unknown_unit(name, nearest).file(file).sheet(&sheet.name).at(*row, *col),
                ));
            }
        }
    }
    let stem = crate::text::file_stem(file);
    ctx.registry
        .match_unit(&stem.replace(['_', '-'], " "))
        .or_else(|_| ctx.registry.match_unit(stem))
        .map_err(|nearest| Box::new(unknown_unit(stem, nearest).file(file)))
}

fn unknown_unit(name: &str, nearest: Option<String>) -> Issue {
    let hint = match nearest {
        Some(n) => format!(
            " Có phải là \"{n}\"? Sửa tên đơn vị trong tệp (dòng \"Đơn vị: …\") cho đúng với danh sách don-vi.xlsx."
        ),
        None => " Ghi dòng \"Đơn vị: <tên đơn vị>\" ở đầu bảng, đúng tên trong don-vi.xlsx.".to_string(),
    };
    Issue::new(
        Code::UnitUnknown,
        format!("Không xác định được đơn vị \"{name}\" trong danh sách đơn vị.{hint}"),
    )
}

/// Maps table rows to criteria and reads every leaf's scores.
fn score_table(file: &str, table: &Table, framework: &Framework, issues: &mut Vec<Issue>) -> Scorecard {
    let n = framework.criteria.len();
    let mut row_of: Vec<Option<&TableRow>> = vec![None; n];
    // Folded criterion titles, made only when some row has to be matched by
    // its text.
    let titles: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    for row in &table.rows {
        let by_code = (!row.code.is_empty()).then(|| framework.find(&row.code)).flatten();
        let by_text = || {
            let key = fold(&row.text);
            (!key.is_empty())
                .then(|| {
                    titles
                        .get_or_init(|| framework.criteria.iter().map(|c| fold(&c.title)).collect())
                        .iter()
                        .position(|t| *t == key)
                })
                .flatten()
        };
        let found = match by_code {
            Some(i) if row_of[i].is_none() => Some(i),
            // The code is taken already: `1.10` typed as a number reads as
            // `1.1`. The text still tells which criterion the row is.
            Some(_) => by_text().filter(|&j| row_of[j].is_none()),
            None => by_text(),
        };
        if let (None, Some(i)) = (found, by_code) {
            if !row.self_score.is_empty() {
                issues.push(
                    Issue::new(
                        Code::CriterionUnknown,
                        format!(
                            "Dòng \"{} {}\" trùng mã với dòng {} của tiêu chí {}; điểm ở dòng này không được tính. Xóa dòng trùng hoặc sửa mã cho đúng.",
                            row.code,
                            row.text,
                            row_of[i].map(|r| r.row + 1).unwrap_or(0),
                            framework.criteria[i].code
                        ),
                    )
                    .file(file)
                    .sheet(&table.sheet)
                    .at(row.row, table.columns.code.or(table.columns.content).unwrap_or(0)),
                );
            }
            continue;
        }
        match found {
            Some(i) if row_of[i].is_none() => row_of[i] = Some(row),
            _ => {
                if !row.self_score.is_empty() && found.is_none() {
                    issues.push(
                        Issue::new(
                            Code::CriterionUnknown,
                            format!(
                                "Dòng \"{}\" không khớp tiêu chí nào của bảng tiêu chí; điểm ở dòng này không được tính. Kiểm tra lại mã tiêu chí hoặc xóa dòng này.",
                                [row.code.as_str(), row.text.as_str()]
                                    .iter()
                                    .filter(|t| !t.is_empty())
                                    .copied()
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ),
                        )
                        .file(file)
                        .sheet(&table.sheet)
                        .at(row.row, table.columns.code.or(table.columns.content).unwrap_or(0)),
                    );
                }
            }
        }
    }
    let mut self_scores = vec![Points::ZERO; n];
    let mut final_scores = vec![Points::ZERO; n];
    for i in framework.leaves() {
        let criterion = &framework.criteria[i];
        let Some(row) = row_of[i] else {
            issues.push(
                Issue::new(
                    Code::CriterionMissing,
                    format!(
                        "Thiếu tiêu chí {} \"{}\" trong bảng chấm điểm. Bổ sung dòng này (mã {}) rồi gửi lại.",
                        criterion.code, criterion.title, criterion.code
                    ),
                )
                .file(file)
                .sheet(&table.sheet),
            );
            continue;
        };
        let here = |col: u32| (row.row, col);
        let own = read_score(
            &row.self_score,
            criterion,
            here(table.columns.self_score),
            file,
            &table.sheet,
            issues,
        );
        self_scores[i] = own.unwrap_or_default();
        final_scores[i] = self_scores[i];
        if let (Some(cell), Some(col)) = (&row.appraisal, table.columns.appraisal) {
            if !cell.is_empty() {
                if let Some(p) = read_score(cell, criterion, here(col), file, &table.sheet, issues) {
                    final_scores[i] = p;
                }
            }
        }
    }
    let self_scores = Scores::of(framework, &self_scores);
    let final_scores = Scores::of(framework, &final_scores);
    check_total(file, table, &self_scores.totals, issues);
    Scorecard {
        self_scores,
        final_scores,
    }
}

/// Reads one score cell, pushing an issue for anything wrong. Returns the
/// score when the cell is usable.
fn read_score(
    cell: &Cell,
    criterion: &Criterion,
    (row, col): (u32, u32),
    file: &str,
    sheet: &str,
    issues: &mut Vec<Issue>,
) -> Option<Points> {
    let issue = |code: Code, message: String| Issue::new(code, message).file(file).sheet(sheet).at(row, col);
    let label = format!("tiêu chí {}", criterion.code);
    let points = match cell {
        Cell::Number(n) => Points::from_f64(*n),
        Cell::Empty => {
            if criterion.kind == CriterionKind::Standard {
                issues.push(issue(
                    Code::ScoreBlank,
                    format!(
                        "Chưa chấm điểm {label}. Nhập điểm từ 0 đến {}.",
                        criterion.max.to_vietnamese()
                    ),
                ));
                return None;
            }
            return Some(Points::ZERO);
        }
        Cell::Text(t) if t.trim().is_empty() => {
            return read_score(&Cell::Empty, criterion, (row, col), file, sheet, issues);
        }
        Cell::Text(t) => match Points::parse(t) {
            Some((p, comma)) => {
                if comma {
                    issues.push(issue(
                        Code::ScoreDecimalComma,
                        format!(
                            "Điểm {label} được nhập dạng chữ \"{}\" với dấu phẩy thập phân; đã đọc là {}. Nên nhập dạng số.",
                            t.trim(),
                            p.to_vietnamese()
                        ),
                    ));
                }
                Some(p)
            }
            None => {
                issues.push(issue(
                    Code::ScoreNotNumber,
                    format!(
                        "Điểm {label} là \"{}\", không phải một số. Nhập số điểm, ví dụ 8 hoặc 8,5.",
                        t.trim()
                    ),
                ));
                return None;
            }
        },
        Cell::Bool(_) => None,
        Cell::Error(e) => {
            issues.push(issue(
                Code::ScoreFormulaError,
                format!("Ô điểm {label} có lỗi công thức {e}. Sửa công thức hoặc nhập trực tiếp số điểm."),
            ));
            return None;
        }
        Cell::NoCachedValue => {
            issues.push(issue(
                Code::ScoreFormulaError,
                format!("Ô điểm {label} là công thức chưa được tính (không có giá trị lưu sẵn). Mở tệp bằng Excel, lưu lại rồi gửi lại."),
            ));
            return None;
        }
    };
    let Some(points) = points else {
        issues.push(issue(
            Code::ScoreNotNumber,
            format!(
                "Điểm {label} là \"{}\", không phải một số. Nhập số điểm, ví dụ 8 hoặc 8,5.",
                cell.text()
            ),
        ));
        return None;
    };
    if points.0 < 0 {
        issues.push(issue(
            Code::ScoreNegative,
            format!(
                "Điểm {label} là {}, nhỏ hơn 0. Nhập điểm từ 0 đến {}.",
                points.to_vietnamese(),
                criterion.max.to_vietnamese()
            ),
        ));
        return None;
    }
    if points > criterion.max {
        issues.push(issue(
            Code::ScoreOverMax,
            format!(
                "Điểm {label} là {}, vượt điểm tối đa {}. Nhập điểm từ 0 đến {}.",
                points.to_vietnamese(),
                criterion.max.to_vietnamese(),
                criterion.max.to_vietnamese()
            ),
        ));
        return None;
    }
    Some(points)
}

/// Compares the workbook's own total with the recomputed one.
fn check_total(file: &str, table: &Table, own: &Totals, issues: &mut Vec<Issue>) {
    let Some(total) = &table.total else { return };
    let stated = match &total.self_score {
        Cell::Number(n) => Points::from_f64(*n),
        Cell::Text(t) => Points::parse(t).map(|(p, _)| p),
        _ => None,
    };
    if let Some(stated) = stated {
        if stated != own.total {
            issues.push(
                Issue::new(
                    Code::TotalMismatch,
                    format!(
                        "Tổng điểm ghi trong bảng là {}, nhưng cộng lại theo từng tiêu chí được {}. Dùng số cộng lại {}.",
                        stated.to_vietnamese(),
                        own.total.to_vietnamese(),
                        own.total.to_vietnamese()
                    ),
                )
                .file(file)
                .sheet(&table.sheet)
                .at(total.row, table.columns.self_score),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score_table::Columns;

    fn framework(codes: &[(&str, &str)]) -> Framework {
        let mut criteria: Vec<Criterion> = vec![Criterion {
            code: "1".into(),
            title: "Nhóm".into(),
            max: Points(10000),
            kind: CriterionKind::Standard,
            guide: String::new(),
            parent: None,
            depth: 0,
            leaf: false,
        }];
        for (code, title) in codes {
            criteria.push(Criterion {
                code: code.to_string(),
                title: title.to_string(),
                max: Points(1000),
                kind: CriterionKind::Standard,
                guide: String::new(),
                parent: Some(0),
                depth: 1,
                leaf: true,
            });
        }
        Framework::new("Tiêu chí", criteria)
    }

    fn row(r: u32, code: &str, text: &str, score: f64) -> TableRow {
        TableRow {
            row: r,
            code: code.into(),
            text: text.into(),
            self_score: Cell::Number(score),
            appraisal: None,
        }
    }

    fn table(rows: Vec<TableRow>) -> Table {
        Table {
            sheet: "S".into(),
            header_row: 0,
            columns: Columns {
                code: Some(0),
                content: Some(1),
                max: None,
                self_score: 2,
                appraisal: None,
            },
            rows,
            total: None,
        }
    }

    /// Regression: a member typed code 1.10 as a number, which Excel keeps as
    /// 1.1; the row must go to criterion 1.10 by its text, not be dropped.
    #[test]
    fn code_typed_as_number_that_collides_falls_back_to_text() {
        let codes: Vec<(String, String)> = (1..=10)
            .map(|i| (format!("1.{i}"), format!("Tiêu chí số {i}")))
            .collect();
        let refs: Vec<(&str, &str)> = codes.iter().map(|(c, t)| (c.as_str(), t.as_str())).collect();
        let fw = framework(&refs);
        let mut rows: Vec<TableRow> = (1..=9)
            .map(|i| row(i, &format!("1.{i}"), &format!("Tiêu chí số {i}"), 5.0))
            .collect();
        rows.push(row(10, "1.1", "Tiêu chí số 10", 7.5));
        let mut issues = Vec::new();
        let card = score_table("f.xlsx", &table(rows), &fw, &mut issues);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(card.self_scores.criteria[fw.find("1.10").unwrap()], Points(750));
        assert_eq!(card.self_scores.totals.total, Points(9 * 500 + 750));
    }

    #[test]
    fn a_duplicated_row_is_reported_not_added() {
        let fw = framework(&[("1.1", "A"), ("1.2", "B")]);
        let rows = vec![
            row(1, "1.1", "A", 5.0),
            row(2, "1.2", "B", 5.0),
            row(3, "1.1", "A", 9.0),
        ];
        let mut issues = Vec::new();
        let card = score_table("f.xlsx", &table(rows), &fw, &mut issues);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].code, Code::CriterionUnknown);
        assert_eq!(issues[0].cell.map(|c| c.to_string()).as_deref(), Some("A4"));
        assert_eq!(card.self_scores.totals.total, Points(1000));
    }
}
