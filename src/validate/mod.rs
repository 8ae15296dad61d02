//! The validation stage: from one opened workbook to a unit's scorecard and
//! the issues found on the way, each with its file, sheet and cell.

use crate::form_layout::{FormMeta, META_MARK, META_SHEET};
use crate::model::{Code, Issue};
use crate::outcome::TableRecord;
use crate::read::{Book, LegacyText, ReadFailure};
use crate::reference::framework::Frameworks;
use crate::reference::registry::{Registry, UnitRef};
use crate::score::Scores;
use crate::score_table::{Cell, Table};

mod locate;
mod scoring;
mod unit;

use locate::{locate_table, Location};
use scoring::score_table;
use unit::identify_unit;

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
    /// Where the scores were read (`inputs[].table`).
    pub source: Option<TableRecord>,
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
            source: None,
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
    let (raw_name, sheet, table, notes) = match locate_table(file, &mut book, &names, meta.is_some(), ctx.year) {
        Ok(Location::Found {
            raw_name,
            sheet,
            table,
            notes,
        }) => (raw_name, sheet, table, notes),
        Ok(Location::NotFound) => {
            return Validated::failed(
                Issue::new(
                    Code::TableNotFound,
                    "Không tìm thấy bảng chấm điểm: cần một dòng tiêu đề có cột \"Mã\" hoặc \"Nội dung\" và cột \"Điểm tự chấm\" trong 30 dòng đầu của một sheet. Đề nghị đơn vị dùng đúng biểu mẫu của khối.",
                )
                .file(file),
            )
        }
        Ok(Location::Refused(issue)) => return Validated::failed(issue),
        Err(failure) => return Validated::failed(failure_issue(file, &failure)),
    };
    let mut issues: Vec<Issue> = book
        .legacy_text(&raw_name)
        .map(|found| legacy_issue(file, &sheet.name, found))
        .into_iter()
        .collect();
    issues.extend(notes);
    let unit = match identify_unit(file, &sheet, &table, meta.as_ref(), ctx) {
        Ok(unit) => unit,
        Err(issue) => {
            // The table was found: the feedback workbook still lays it out,
            // with the cell that names the unit marked.
            issues.push(*issue);
            return Validated {
                unit: None,
                card: None,
                issues,
                table: Some(table),
                source: None,
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
        source: Some(TableRecord::of(&table)),
        table: (!issues.is_empty()).then_some(table),
        issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Points;
    use crate::reference::framework::{Criterion, CriterionKind, Framework};
    use crate::score_table::{Columns, TableRow};

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
            hidden: false,
        }
    }

    fn table(rows: Vec<TableRow>) -> Table {
        Table {
            sheet: "S".into(),
            first_header_row: 0,
            header_row: 0,
            columns: Columns {
                code: Some(0),
                content: Some(1),
                max: None,
                self_score: 2,
                appraisal: None,
            },
            rows,
            totals: Vec::new(),
            titles: Vec::new(),
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

    /// A group row is compared with its criteria: the group's maximum caps
    /// it, and the message says so rather than "adds up to".
    #[test]
    fn a_group_row_over_its_maximum_is_told_the_cap() {
        let mut fw = framework(&[("1.1", "A"), ("1.2", "B")]);
        fw.criteria[0].max = Points(1500);
        let fw = Framework::new("Tiêu chí", fw.criteria);
        let rows = vec![
            row(1, "1", "Nhóm", 17.0),
            row(2, "1.1", "A", 9.0),
            row(3, "1.2", "B", 8.0),
        ];
        let mut issues = Vec::new();
        let card = score_table("f.xlsx", &table(rows), &fw, &mut issues);
        assert_eq!(card.self_scores.totals.total, Points(1500));
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].code, Code::TotalMismatch);
        assert_eq!(issues[0].cell.map(|c| c.to_string()).as_deref(), Some("C2"));
        assert_eq!(
            issues[0].message,
            "Dòng \"1 Nhóm\" ghi 17, vượt điểm tối đa 15 của nhóm; điểm nhóm được tính là 15. Sửa dòng này thành 15 (hoặc giảm điểm các tiêu chí trong nhóm)."
        );
        // The same row equal to the capped sum says nothing.
        let rows = vec![
            row(1, "1", "Nhóm", 15.0),
            row(2, "1.1", "A", 9.0),
            row(3, "1.2", "B", 8.0),
        ];
        let mut issues = Vec::new();
        score_table("f.xlsx", &table(rows), &fw, &mut issues);
        assert!(issues.is_empty(), "{issues:?}");
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
