//! The validation stage: from one opened workbook to a unit's scorecard and
//! the issues found on the way, each with its file, sheet and cell.

use crate::form_layout::{FormMeta, META_MARK, META_SHEET, SCORE_SHEET};
use crate::model::{column_letters, Code, Issue, Points};
use crate::outcome::TableRecord;
use crate::read::choose::{decide, Candidate, Decision, Rule, YearMark};
use crate::read::table::{find_table, find_unit_line, is_total_row, years, Found, ScoreColumn};
use crate::read::{Book, LegacyText, ReadFailure, Sheet};
use crate::reference::framework::{Criterion, CriterionKind, Framework, Frameworks};
use crate::reference::registry::{unit_words, Registry, UnitRef};
use crate::score::Scores;
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

/// A sheet with a score table, as a candidate.
struct SheetCandidate {
    /// The name as the workbook spells it (for `Book::legacy_text`).
    raw_name: String,
    sheet: Sheet,
    found: Found,
}

/// Where the score table was found, or why it was not.
enum Location {
    Found {
        raw_name: String,
        sheet: Sheet,
        table: Table,
        /// `table.choice` warnings.
        notes: Vec<Issue>,
    },
    /// `table.ambiguous`.
    Refused(Issue),
    NotFound,
}

/// Finds the score table by the rules of docs/thu-muc-lam-viec.md ("Khi tệp
/// có nhiều bảng hoặc nhiều cột điểm"): every sheet with a table is a
/// candidate; the form's metadata, then visibility, then the settings'
/// year choose among them, and then among the self-score and appraisal
/// columns of the sheet chosen.
fn locate_table(
    file: &str,
    book: &mut Book,
    names: &[(String, bool)],
    has_meta: bool,
    year: i32,
) -> Result<Location, ReadFailure> {
    let mut candidates = Vec::new();
    let mut failure = None;
    for (name, visible) in names.iter().filter(|(n, _)| n != META_SHEET) {
        let sheet = match book.sheet(name) {
            Ok(sheet) => sheet,
            Err(e) => {
                failure.get_or_insert(e);
                continue;
            }
        };
        if let Some(found) = find_table(&sheet) {
            candidates.push(Candidate {
                by_form: has_meta && fold(name) == fold(SCORE_SHEET),
                visible: *visible,
                year: YearMark::None,
                item: SheetCandidate {
                    raw_name: name.clone(),
                    sheet,
                    found,
                },
            });
        }
    }
    // The year of a sheet matters only where there is a choice.
    if candidates.len() > 1 {
        for c in &mut candidates {
            c.year = YearMark::of(&years(&c.item.found.context(&c.item.sheet)), year);
        }
    }
    if candidates.is_empty() {
        return match failure {
            Some(e) => Err(e),
            None => Ok(Location::NotFound),
        };
    }
    let (chosen, sheets_aside) = match decide(candidates) {
        Decision::Chosen { item, aside } => (item, aside),
        Decision::Ambiguous(left) => {
            let list: Vec<String> = left.iter().map(|c| describe_sheet(c, year)).collect();
            return Ok(Location::Refused(
                Issue::new(
                    Code::TableAmbiguous,
                    format!(
                        "Tệp có {} bảng chấm điểm mà không biết bảng nào là của năm {year}: {}. Xóa (hoặc ẩn) các bảng không dùng, hoặc ghi \"năm {year}\" vào tên sheet của bảng đúng, rồi gửi lại.",
                        left.len(),
                        list.join("; ")
                    ),
                )
                .file(file),
            ));
        }
        Decision::None => return Ok(Location::NotFound),
    };
    let SheetCandidate { raw_name, sheet, found } = chosen;
    let column_candidates = |columns: &[ScoreColumn]| -> Vec<Candidate<ScoreColumn>> {
        columns
            .iter()
            .map(|c| Candidate {
                by_form: false,
                visible: !c.hidden,
                year: YearMark::of(&years(&c.title), year),
                item: c.clone(),
            })
            .collect()
    };
    let header_cell = |col: u32| (found.first_header_row, col);
    let ambiguous = |what: &str, left: &[ScoreColumn]| {
        let list: Vec<String> = left.iter().map(|c| describe_column(&sheet, &found, c)).collect();
        Issue::new(
            Code::TableAmbiguous,
            format!(
                "Sheet \"{}\" có {} cột {what} mà không biết cột nào là của năm {year}: {}. Xóa các cột không dùng, hoặc ghi \"năm {year}\" vào tiêu đề cột đúng, rồi gửi lại.",
                sheet.name,
                left.len(),
                list.join("; ")
            ),
        )
        .file(file)
        .sheet(&sheet.name)
        .at(found.first_header_row, left[0].col)
    };
    let (self_col, self_aside) = match decide(column_candidates(&found.self_columns)) {
        Decision::Chosen { item, aside } => (item, aside),
        Decision::Ambiguous(left) => return Ok(Location::Refused(ambiguous("điểm tự chấm", &left))),
        Decision::None => return Ok(Location::NotFound),
    };
    let (appraisal_col, appraisal_aside) = match decide(column_candidates(&found.appraisal_columns)) {
        Decision::Chosen { item, aside } => (Some(item), aside),
        Decision::Ambiguous(left) => return Ok(Location::Refused(ambiguous("điểm thẩm định", &left))),
        Decision::None => (None, Vec::new()),
    };
    let mut notes = Vec::new();
    let (r, c) = header_cell(self_col.col);
    if !sheets_aside.is_empty() {
        let aside: Vec<String> = sheets_aside
            .iter()
            .map(|(c, rule)| format!("{} ({})", describe_sheet(c, year), reason(*rule, year)))
            .collect();
        notes.push(
            Issue::new(
                Code::TableChoice,
                format!(
                    "Tệp có {} bảng chấm điểm; đã đọc sheet \"{}\" (cột {} \"{}\"), bỏ qua {}. Nếu đọc nhầm, xóa các bảng không dùng rồi gửi lại.",
                    sheets_aside.len() + 1,
                    sheet.name,
                    column_letters(self_col.col),
                    header_text(&sheet, &found, self_col.col),
                    aside.join("; ")
                ),
            )
            .file(file)
            .sheet(&sheet.name)
            .at(r, c),
        );
    }
    for (what, chosen, aside) in [
        ("điểm tự chấm", Some(&self_col), &self_aside),
        ("điểm thẩm định", appraisal_col.as_ref(), &appraisal_aside),
    ] {
        if aside.is_empty() {
            continue;
        }
        let left: Vec<String> = aside
            .iter()
            .map(|(c, rule)| format!("{} ({})", describe_column(&sheet, &found, c), reason(*rule, year)))
            .collect();
        let read = match chosen {
            Some(col) => format!("đã đọc {}", describe_column(&sheet, &found, col)),
            None => "không đọc cột nào".to_string(),
        };
        notes.push(
            Issue::new(
                Code::TableChoice,
                format!(
                    "Sheet \"{}\" có {} cột {what}; {read}, bỏ qua {}. Nếu đọc nhầm, xóa các cột không dùng rồi gửi lại.",
                    sheet.name,
                    aside.len() + usize::from(chosen.is_some()),
                    left.join("; ")
                ),
            )
            .file(file)
            .sheet(&sheet.name)
            .at(found.first_header_row, chosen.map(|c| c.col).unwrap_or(aside[0].0.col)),
        );
    }
    let table = found.table(&sheet, self_col.col, appraisal_col.map(|c| c.col));
    Ok(Location::Found {
        raw_name,
        sheet,
        table,
        notes,
    })
}

/// Why a rule set a candidate aside, in words.
fn reason(rule: Rule, year: i32) -> String {
    match rule {
        Rule::Form => "không phải sheet của biểu mẫu".into(),
        Rule::Hidden => "đang bị ẩn".into(),
        Rule::Year => format!("không ghi năm {year}"),
    }
}

/// `sheet "Năm 2025" (tiêu đề ở dòng 5, cột điểm E "Điểm tự chấm")`.
fn describe_sheet(c: &SheetCandidate, year: i32) -> String {
    let named: Vec<String> = years(&c.found.context(&c.sheet)).iter().map(i32::to_string).collect();
    let col = c.found.self_columns.first().map(|s| s.col).unwrap_or(0);
    let mut text = format!(
        "sheet \"{}\" (tiêu đề ở dòng {}, cột điểm {} \"{}\"",
        c.sheet.name,
        c.found.first_header_row + 1,
        column_letters(col),
        header_text(&c.sheet, &c.found, col)
    );
    if !named.is_empty() && !named.contains(&year.to_string()) {
        text.push_str(&format!(", ghi năm {}", named.join(", ")));
    }
    text.push(')');
    text
}

/// `cột E "Điểm tự chấm Năm 2026"` (and whether it is hidden).
fn describe_column(sheet: &Sheet, found: &Found, c: &ScoreColumn) -> String {
    format!(
        "cột {} \"{}\"{}",
        column_letters(c.col),
        header_text(sheet, found, c.col),
        if c.hidden { " (cột ẩn)" } else { "" }
    )
}

/// A column's header as the member sees it: both rows of a two-row header,
/// the upper title carried from the left across a merged span.
fn header_text(sheet: &Sheet, found: &Found, col: u32) -> String {
    let mut parts = Vec::new();
    for r in found.first_header_row..=found.header_row {
        let own = sheet.cell(r, col).map(|v| v.text()).filter(|t| !t.trim().is_empty());
        let text = own.or_else(|| {
            (r < found.header_row)
                .then(|| {
                    let row = sheet.rows.iter().find(|x| x.index == r)?;
                    row.cells
                        .iter()
                        .rev()
                        .find(|(c, v)| *c < col && !v.is_empty())
                        .map(|(_, v)| v.text())
                })
                .flatten()
        });
        parts.extend(text.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")));
    }
    parts.join(" ")
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
            issues.push(*issue);
            return Validated {
                unit: None,
                card: None,
                issues,
                table: None,
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

/// A place in the workbook, or its path, that names a unit.
struct UnitSource {
    unit: UnitRef,
    /// How the place is described in a message.
    place: String,
    /// The cell, for the issue.
    cell: Option<(u32, u32)>,
}

/// Lines of the title block that name no unit of their own: the addressee
/// and the legal bases.
const NOT_THE_UNIT: [&str; 5] = ["kinh gui", "noi nhan", "can cu", "thuc hien", "khoi thi dua"];

/// The unit, from every place that may name it, in order: the form's
/// metadata, a `Đơn vị: …` line, the other title rows (letterhead, "BẢNG TỰ
/// CHẤM ĐIỂM CỦA …"), the file name, its folders. A place that names no
/// registry unit gives way to the next; two places naming different units
/// is `unit.conflict`; none is `unit.unknown` with the nearest units.
fn identify_unit(
    file: &str,
    sheet: &Sheet,
    table: &Table,
    meta: Option<&FormMeta>,
    ctx: &Expected,
) -> Result<UnitRef, Box<Issue>> {
    let registry = ctx.registry;
    let mut sources: Vec<UnitSource> = Vec::new();
    if let Some(unit) = meta.and_then(|m| registry.find_code(&m.unit_code)) {
        sources.push(UnitSource {
            unit,
            place: "thông tin của biểu mẫu".into(),
            cell: None,
        });
    }
    let line = find_unit_line(sheet, table.first_header_row);
    if let Some((name, row, col)) = &line {
        if let Ok(unit) = registry.match_unit(name) {
            sources.push(UnitSource {
                unit,
                place: format!("dòng \"Đơn vị: {name}\""),
                cell: Some((*row, *col)),
            });
        }
    }
    // The other title rows: one unit named among them, or none counted.
    let mut titled: Option<UnitSource> = None;
    let mut several = false;
    for row in sheet.rows.iter().take_while(|r| r.index < table.first_header_row) {
        for (col, cell) in &row.cells {
            let Cell::Text(text) = cell else { continue };
            if line.as_ref().is_some_and(|(_, r, c)| (*r, *c) == (row.index, *col)) {
                continue;
            }
            let words = unit_words(text);
            if NOT_THE_UNIT.iter().any(|k| words.starts_with(k)) || words.starts_with("don vi") {
                continue;
            }
            if let Some(unit) = registry.unit_in_words(&words) {
                match &titled {
                    Some(t) if t.unit != unit => several = true,
                    Some(_) => {}
                    None => {
                        titled = Some(UnitSource {
                            unit,
                            place: format!("tiêu đề \"{}\"", text.trim()),
                            cell: Some((row.index, *col)),
                        })
                    }
                }
            }
        }
    }
    if !several {
        sources.extend(titled);
    }
    let stem = crate::text::file_stem(file);
    if let Ok(unit) = registry.match_unit(stem) {
        sources.push(UnitSource {
            unit,
            place: format!("tên tệp \"{stem}\""),
            cell: None,
        });
    }
    if sources.is_empty() {
        // Folders come last and only where nothing else names the unit: a
        // folder often names the bloc.
        let folders = file.rsplit('/').skip(1);
        if let Some(unit) = folders.filter_map(|folder| registry.match_unit(folder).ok()).next() {
            return Ok(unit);
        }
    }
    let Some(first) = sources.first() else {
        return Err(Box::new(match &line {
            Some((name, row, col)) => unknown_unit(name, registry.nearest(name, 3))
                .file(file)
                .sheet(&sheet.name)
                .at(*row, *col),
            None => unknown_unit(stem, registry.nearest(stem, 3)).file(file),
        }));
    };
    if let Some(other) = sources.iter().find(|s| s.unit != first.unit) {
        let name = |u: UnitRef| &registry.unit(u).name;
        let mut issue = Issue::new(
            Code::UnitConflict,
            format!(
                "Tệp ghi hai đơn vị khác nhau: {} là \"{}\", còn {} là \"{}\". Sửa cho thống nhất (đúng tên trong don-vi.xlsx) rồi gửi lại; nếu gửi nhầm tệp của đơn vị khác, gửi đúng tệp.",
                first.place,
                name(first.unit),
                other.place,
                name(other.unit)
            ),
        )
        .file(file);
        if let Some((r, c)) = other.cell.or(first.cell) {
            issue = issue.sheet(&sheet.name).at(r, c);
        }
        return Err(Box::new(issue));
    }
    Ok(first.unit)
}

fn unknown_unit(name: &str, nearest: Vec<String>) -> Issue {
    let hint = match nearest.as_slice() {
        [] => " Ghi dòng \"Đơn vị: <tên đơn vị>\" ở đầu bảng, đúng tên trong don-vi.xlsx.".to_string(),
        [one] => format!(
            " Có phải là \"{one}\"? Sửa tên đơn vị trong tệp (dòng \"Đơn vị: …\") cho đúng với danh sách don-vi.xlsx."
        ),
        many => format!(
            " Gần nhất là: {}. Sửa tên đơn vị trong tệp (dòng \"Đơn vị: …\") cho đúng với danh sách don-vi.xlsx.",
            many.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
        ),
    };
    Issue::new(
        Code::UnitUnknown,
        format!("Không xác định được đơn vị \"{name}\" trong danh sách đơn vị.{hint}"),
    )
}

/// A criterion text as compared: folded, without a leading code (`1.2.`,
/// `II.`, `a)`), quotes and punctuation, so a title retyped with straight
/// quotes or a final period still matches.
fn criterion_key(text: &str) -> String {
    let folded = fold(text);
    let (_, rest) = split_code_prefix(&folded);
    let mut out = String::with_capacity(rest.len());
    for word in rest.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A leading code written into a text (`1.2. Hoàn thành …`, `II. CÔNG TÁC
/// …`, `a) …`): the code and the rest; no code, the whole text.
fn split_code_prefix(text: &str) -> (Option<&str>, &str) {
    let t = text.trim_start();
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(t.len());
    let (head, rest) = t.split_at(end);
    let code = head.trim_end_matches('.');
    let separated = head.ends_with('.') || rest.starts_with(')') || rest.starts_with(" ");
    let codeish = !code.is_empty()
        && (code.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || (code.len() <= 5 && code.bytes().all(|b| b"ivxlcIVXLC".contains(&b)))
            || (code.len() == 1 && code.bytes().all(|b| b.is_ascii_alphabetic()) && rest.starts_with(')')));
    if codeish
        && separated
        && !rest.trim_start_matches([')', ' ', '-', ':']).is_empty()
        && (head.ends_with('.') || rest.starts_with(')'))
    {
        (Some(code), rest.trim_start_matches([')', ' ', '-', ':']))
    } else {
        (None, t)
    }
}

/// Whether a row that matches no criterion is a heading (upper-case text,
/// `II. CÔNG TÁC XÂY DỰNG ĐẢNG`) rather than a mistyped criterion.
fn is_heading(row: &TableRow) -> bool {
    let letters = || row.text.chars().filter(|c| c.is_alphabetic());
    letters().next().is_some() && letters().all(|c| !c.is_lowercase())
}

/// Maps table rows to criteria and reads every leaf's scores.
fn score_table(file: &str, table: &Table, framework: &Framework, issues: &mut Vec<Issue>) -> Scorecard {
    let n = framework.criteria.len();
    let mut row_of: Vec<Option<&TableRow>> = vec![None; n];
    // Criterion keys, made only when some row has to be matched by its text.
    let titles: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    let code_col = table.columns.code.or(table.columns.content).unwrap_or(0);
    // Visible rows first: a hidden row never wins over one the member sees.
    let visible = table.rows.iter().filter(|r| !r.hidden);
    let hidden = table.rows.iter().filter(|r| r.hidden);
    for row in visible.chain(hidden) {
        let prefix = split_code_prefix(&row.text).0;
        let code = if row.code.is_empty() {
            prefix.unwrap_or("")
        } else {
            row.code.as_str()
        };
        let by_code = (!code.is_empty()).then(|| framework.find(code)).flatten();
        let by_text = || {
            let key = criterion_key(&row.text);
            (!key.is_empty())
                .then(|| {
                    titles
                        .get_or_init(|| framework.criteria.iter().map(|c| criterion_key(&c.title)).collect())
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
            let first = row_of[i].map(|r| r.row + 1).unwrap_or(0);
            if row.hidden && !framework.criteria[i].leaf {
                continue;
            }
            if row.hidden {
                issues.push(
                    Issue::new(
                        Code::TableChoice,
                        format!(
                            "Dòng {} đang bị ẩn và trùng tiêu chí {} với dòng {}; đã đọc dòng {} (dòng đang hiện). Xóa dòng ẩn nếu không dùng.",
                            row.row + 1,
                            framework.criteria[i].code,
                            first,
                            first
                        ),
                    )
                    .file(file)
                    .sheet(&table.sheet)
                    .at(row.row, code_col),
                );
            } else if !row.self_score.is_empty() && framework.criteria[i].leaf {
                issues.push(
                    Issue::new(
                        Code::CriterionUnknown,
                        format!(
                            "Dòng \"{} {}\" trùng mã với dòng {} của tiêu chí {}; điểm ở dòng này không được tính. Xóa dòng trùng hoặc sửa mã cho đúng.",
                            row.code, row.text, first, framework.criteria[i].code
                        ),
                    )
                    .file(file)
                    .sheet(&table.sheet)
                    .at(row.row, code_col),
                );
            }
            continue;
        }
        match found {
            Some(i) if row_of[i].is_none() => row_of[i] = Some(row),
            Some(_) => {}
            None => {
                if !row.self_score.is_empty() && !row.hidden && !is_heading(row) {
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
                        .at(row.row, code_col),
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
    let card = Scorecard {
        self_scores: Scores::of(framework, &self_scores),
        final_scores: Scores::of(framework, &final_scores),
    };
    check_totals(file, table, framework, &card, issues);
    card
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
        Cell::Date(serial) => {
            issues.push(issue(Code::ScoreDate, date_message(&label, cell, *serial)));
            return None;
        }
        Cell::Percent(n) => {
            let typed = Points::from_f64(n * 100.0)
                .map(Points::to_vietnamese)
                .unwrap_or_else(|| cell.shown());
            issues.push(issue(
                Code::ScorePercent,
                format!(
                    "Ô điểm {label} được định dạng phần trăm nên Excel hiện {} (tức là {}). Chọn ô, đổi định dạng sang Number (Format Cells › Number) rồi gõ lại {typed}.",
                    cell.shown(),
                    Points::from_f64(*n).map(Points::to_vietnamese).unwrap_or_default()
                ),
            ));
            return None;
        }
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

/// What Excel did to a score typed as `7.5` under a Vietnamese locale, and
/// what to type instead.
fn date_message(label: &str, cell: &Cell, serial: f64) -> String {
    match crate::score_table::excel_date(serial) {
        Some((_, month, day)) if serial.fract() == 0.0 => format!(
            "Ô điểm {label} đang là ngày {}: Excel đã đổi {day}.{month} thành ngày {day:02}/{month:02}; gõ lại {day},{month} (dấu phẩy thập phân), hoặc định dạng ô là Number trước khi gõ.",
            cell.shown()
        ),
        _ => format!(
            "Ô điểm {label} được định dạng ngày giờ (Excel hiện {}). Đổi định dạng ô sang Number rồi gõ lại số điểm, ví dụ 7,5.",
            cell.shown()
        ),
    }
}

/// What a total or subtotal row adds up, where its label says it plainly.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Meaning {
    Total,
    Standard,
    Bonus,
    Deduction,
    /// Groups (criterion indexes) added (`true`) or taken away.
    Groups(Vec<(usize, bool)>),
}

/// Reads a total row's label: `Tổng cộng` is the total, `Cộng mục I` the
/// score of group I, `Tổng điểm chuẩn (I+II+III)` those groups added,
/// `Cộng điểm thưởng` the bonus. `None` when the meaning is not plain.
fn total_meaning(label: &str, framework: &Framework) -> Option<Meaning> {
    let folded = fold(label);
    let folded = folded.trim_end_matches([':', '.', ' ']);
    if let (Some(open), Some(close)) = (folded.find('('), folded.rfind(')')) {
        if open < close {
            let inner = &folded[open + 1..close];
            let mut groups = Vec::new();
            let mut add = true;
            for token in inner.split_inclusive(['+', '-']) {
                let code = token.trim_end_matches(['+', '-']).trim();
                let i = framework.find(code)?;
                groups.push((i, add));
                add = !token.ends_with('-');
            }
            if !groups.is_empty() {
                return Some(Meaning::Groups(groups));
            }
        }
    }
    let head = folded.split('(').next().unwrap_or("").trim();
    let rest = ["tong so diem", "tong cong", "tong diem", "tong so", "tong", "cong"]
        .iter()
        .find_map(|p| head.strip_prefix(p))?
        .trim_start_matches([' ', ':']);
    let words: Vec<&str> = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.contains(&"chuan") {
        return Some(Meaning::Standard);
    }
    if words.contains(&"thuong") {
        return Some(Meaning::Bonus);
    }
    if words.contains(&"tru") {
        return Some(Meaning::Deduction);
    }
    let code = rest
        .trim_start_matches("muc")
        .trim_start_matches("phan")
        .trim_start_matches("nhom")
        .trim()
        .trim_end_matches(['.', ':']);
    if !code.is_empty() && !code.contains(' ') {
        return framework
            .find(code)
            .filter(|&i| !framework.criteria[i].leaf)
            .map(|i| Meaning::Groups(vec![(i, true)]));
    }
    const TOTAL: [&str; 8] = [
        "",
        "diem",
        "cong",
        "diem tu cham",
        "tu cham",
        "diem dat",
        "diem dat duoc",
        "diem tu danh gia",
    ];
    TOTAL.contains(&words.join(" ").as_str()).then_some(Meaning::Total)
}

/// The stated number of a total cell, when it is one.
fn stated(cell: &Cell) -> Option<Points> {
    match cell {
        Cell::Number(n) => Points::from_f64(*n),
        Cell::Text(t) => Points::parse(t).map(|(p, _)| p),
        _ => None,
    }
}

/// Compares the workbook's own totals and subtotals, wherever they stand,
/// with the recomputed ones; a label whose meaning is not plain is left alone.
fn check_totals(file: &str, table: &Table, framework: &Framework, card: &Scorecard, issues: &mut Vec<Issue>) {
    for row in &table.totals {
        let label = if is_total_row(&row.code) { &row.code } else { &row.text };
        let Some(meaning) = total_meaning(label, framework) else {
            continue;
        };
        let columns = [
            (Some(&row.self_score), table.columns.self_score, &card.self_scores),
            (
                row.appraisal.as_ref(),
                table.columns.appraisal.unwrap_or(0),
                &card.final_scores,
            ),
        ];
        for (cell, col, scores) in columns {
            let Some(stated) = cell.and_then(stated) else { continue };
            let totals = &scores.totals;
            let computed = match &meaning {
                Meaning::Total => totals.total,
                Meaning::Standard => totals.standard,
                Meaning::Bonus => totals.bonus,
                Meaning::Deduction => totals.deduction,
                Meaning::Groups(groups) => groups.iter().fold(Points::ZERO, |sum, &(i, add)| {
                    if add {
                        sum + scores.criteria[i]
                    } else {
                        Points(sum.0 - scores.criteria[i].0)
                    }
                }),
            };
            // A deduction written as a negative number says the same.
            let same = stated == computed
                || (matches!(meaning, Meaning::Deduction) && stated.0 == -computed.0)
                || matches!(&meaning, Meaning::Groups(g) if g.len() == 1
                    && framework.criteria[g[0].0].kind == CriterionKind::Deduction
                    && stated.0 == -computed.0);
            if same {
                continue;
            }
            let message = if meaning == Meaning::Total {
                format!(
                    "Tổng điểm ghi trong bảng là {}, nhưng cộng lại theo từng tiêu chí được {}. Dùng số cộng lại {}.",
                    stated.to_vietnamese(),
                    computed.to_vietnamese(),
                    computed.to_vietnamese()
                )
            } else {
                format!(
                    "Dòng \"{}\" ghi {}, nhưng cộng lại theo từng tiêu chí được {}. Dùng số cộng lại {}; sửa lại dòng này cho khớp.",
                    label.trim(),
                    stated.to_vietnamese(),
                    computed.to_vietnamese(),
                    computed.to_vietnamese()
                )
            };
            issues.push(
                Issue::new(Code::TotalMismatch, message)
                    .file(file)
                    .sheet(&table.sheet)
                    .at(row.row, col),
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
