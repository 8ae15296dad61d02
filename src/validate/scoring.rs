//! A found table's rows matched to criteria, each score cell read and
//! checked, and the totals, subtotals and headings the member wrote
//! compared with ours.

use super::Scorecard;
use crate::model::{Code, Issue, Points};
use crate::read::table::is_total_row;
use crate::reference::framework::{Criterion, CriterionKind, Framework};
use crate::score::Scores;
use crate::score_table::{Cell, Table, TableRow};
use crate::text::fold;

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
pub(super) fn score_table(file: &str, table: &Table, framework: &Framework, issues: &mut Vec<Issue>) -> Scorecard {
    let n = framework.criteria.len();
    let mut row_of: Vec<Option<&TableRow>> = vec![None; n];
    // Criterion keys, made only when some row has to be matched by its text.
    let titles: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    let code_col = table.columns.code.or(table.columns.content).unwrap_or(0);
    // Visible rows first: a hidden row never wins over one the member sees.
    let visible = table.rows.iter().filter(|r| !r.hidden);
    let hidden = table.rows.iter().filter(|r| r.hidden);
    // The criterion row just above, for a text that runs on into the next
    // row with the score beside its second line.
    let mut above: Option<(usize, &TableRow)> = None;
    for row in visible.chain(hidden) {
        let run_on = above.take().filter(|(_, prev)| prev.row + 1 == row.row);
        let code = if row.code.is_empty() {
            split_code_prefix(&row.text).0.unwrap_or("")
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
            Some(i) if row_of[i].is_none() => {
                row_of[i] = Some(row);
                above = Some((i, row));
            }
            Some(_) => {}
            None => {
                // A bonus or deduction whose score sits on the next line of
                // its text: blank counts as 0 there, so the points would be
                // lost (or spared) with only a warning.
                let spilled = run_on.filter(|&(i, prev)| {
                    let c = &framework.criteria[i];
                    c.leaf
                        && c.kind != CriterionKind::Standard
                        && prev.self_score.is_empty()
                        && row.code.is_empty()
                        && !row.self_score.is_empty()
                        && !row.hidden
                });
                if let Some((i, prev)) = spilled {
                    issues.push(
                        Issue::new(
                            Code::ScoreBlank,
                            format!(
                                "Ô điểm tiêu chí {} để trống, còn dòng {} ngay dưới (phần tiếp của nội dung) có điểm {}. Ghi điểm vào ô của dòng tiêu chí {} (có thể gộp hai ô nội dung), rồi gửi lại.",
                                framework.criteria[i].code,
                                row.row + 1,
                                row.self_score.shown(),
                                framework.criteria[i].code
                            ),
                        )
                        .file(file)
                        .sheet(&table.sheet)
                        .at(prev.row, table.columns.self_score),
                    );
                    continue;
                }
                if !row.self_score.is_empty() && !row.hidden && !is_heading(row) {
                    issues.push(
                        Issue::new(
                            Code::CriterionUnknown,
                            format!(
                                "Dòng \"{}\" không khớp tiêu chí nào của bảng tiêu chí; điểm ở dòng này không được tính. Kiểm tra lại mã tiêu chí hoặc xóa dòng này.",
                                row.label()
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
    // The group rows (I, II, VI…) the member scored: compared like totals,
    // and a bonus or deduction written only there is an error.
    let groups: Vec<(usize, &TableRow)> = (0..n)
        .filter(|&i| !framework.criteria[i].leaf)
        .filter_map(|i| row_of[i].map(|row| (i, row)))
        .collect();
    let scored_on_group = groups_scored_alone(file, table, framework, &groups, &row_of, issues);
    check_totals(file, table, framework, &card, &groups, &scored_on_group, issues);
    card
}

/// Bonus and deduction groups whose score is written on the group row while
/// every criterion under it is blank: blank counts as 0 there, so the
/// member's points would be lost (or, for a deduction, spared) without a
/// word. Each is `score.blank` at the group's cell; returns their indexes.
fn groups_scored_alone(
    file: &str,
    table: &Table,
    framework: &Framework,
    groups: &[(usize, &TableRow)],
    row_of: &[Option<&TableRow>],
    issues: &mut Vec<Issue>,
) -> Vec<usize> {
    let mut alone = Vec::new();
    for &(i, row) in groups {
        let group = &framework.criteria[i];
        if group.kind == CriterionKind::Standard {
            // Blank standard criteria are `score.blank` each already.
            continue;
        }
        let Some(stated) = stated(&row.self_score).filter(|p| p.0 != 0) else {
            continue;
        };
        let leaves = leaves_under(framework, i);
        let blank = |j: &usize| row_of[*j].is_none_or(|r| r.self_score.is_empty());
        if leaves.is_empty() || !leaves.iter().all(blank) {
            continue;
        }
        let kind = if group.kind == CriterionKind::Bonus {
            "Điểm thưởng"
        } else {
            "Điểm trừ"
        };
        let codes: Vec<&str> = leaves.iter().map(|&j| framework.criteria[j].code.as_str()).collect();
        issues.push(
            Issue::new(
                Code::ScoreBlank,
                format!(
                    "{kind} {} chỉ ghi ở dòng nhóm ({}) mà các tiêu chí {} đều để trống, nên không tính được. Ghi điểm vào từng tiêu chí con; dòng nhóm tự cộng.",
                    group.code,
                    Points(stated.0.abs()).to_vietnamese(),
                    codes.join(", ")
                ),
            )
            .file(file)
            .sheet(&table.sheet)
            .at(row.row, table.columns.self_score),
        );
        alone.push(i);
    }
    alone
}

/// The leaves under criterion `i`, in framework order.
fn leaves_under(framework: &Framework, i: usize) -> Vec<usize> {
    let under = |mut j: usize| loop {
        match framework.criteria[j].parent {
            Some(p) if p == i => return true,
            Some(p) => j = p,
            None => return false,
        }
    };
    framework.leaves().filter(|&j| under(j)).collect()
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
    match crate::calendar::Date::from_serial(serial) {
        Some(crate::calendar::Date { month, day, .. }) if serial.fract() == 0.0 => format!(
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
/// and its group rows (`II. Cải cách hành chính…`) with the recomputed ones;
/// a label whose meaning is not plain is left alone, as is a group already
/// reported as scored on its row alone.
fn check_totals(
    file: &str,
    table: &Table,
    framework: &Framework,
    card: &Scorecard,
    groups: &[(usize, &TableRow)],
    scored_alone: &[usize],
    issues: &mut Vec<Issue>,
) {
    // A bare `Cộng` or `Tổng` is the grand total only when it is the one
    // such row and stands below the last criterion; otherwise each closes a
    // section, and which section is not plain.
    let label_of = |row: &TableRow| {
        if is_total_row(&row.code) {
            row.code.clone()
        } else {
            row.text.clone()
        }
    };
    let is_bare = |label: &str| matches!(fold(label).trim_end_matches([':', '.', ' ']), "cong" | "tong");
    let last_row = table.rows.iter().map(|r| r.row).max().unwrap_or(0);
    let bare_rows = table.totals.iter().filter(|r| is_bare(&label_of(r))).count();
    let totals = table.totals.iter().filter_map(|row| {
        let label = label_of(row);
        let meaning = total_meaning(&label, framework)?;
        let plain = !is_bare(&label) || (bare_rows == 1 && row.row > last_row);
        plain.then(|| (row, Some(label.trim().to_string()), meaning))
    });
    let group_rows = groups
        .iter()
        .filter(|(i, _)| !scored_alone.contains(i))
        .map(|&(i, row)| (row, None, Meaning::Groups(vec![(i, true)])));
    for (row, label, meaning) in totals.collect::<Vec<_>>().into_iter().chain(group_rows) {
        // A group row is named by its code and text, made only for a message.
        let label = || label.clone().unwrap_or_else(|| row.label());
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
            // A group whose criteria add up to more than its maximum counts
            // its maximum (docs/thu-muc-lam-viec.md, "Cách tính").
            let capped = match &meaning {
                Meaning::Groups(g) if g.len() == 1 => {
                    let max = framework.criteria[g[0].0].max;
                    (computed == max && stated.0 > max.0).then_some(max)
                }
                _ => None,
            };
            let message = if let Some(max) = capped {
                format!(
                    "Dòng \"{}\" ghi {}, vượt điểm tối đa {} của nhóm; điểm nhóm được tính là {}. Sửa dòng này thành {} (hoặc giảm điểm các tiêu chí trong nhóm).",
                    label(),
                    stated.to_vietnamese(),
                    max.to_vietnamese(),
                    max.to_vietnamese(),
                    max.to_vietnamese()
                )
            } else if meaning == Meaning::Total {
                format!(
                    "Tổng điểm ghi trong bảng là {}, nhưng cộng lại theo từng tiêu chí được {}. Dùng số cộng lại {}.",
                    stated.to_vietnamese(),
                    computed.to_vietnamese(),
                    computed.to_vietnamese()
                )
            } else {
                format!(
                    "Dòng \"{}\" ghi {}, nhưng cộng lại theo từng tiêu chí được {}. Dùng số cộng lại {}; sửa lại dòng này cho khớp.",
                    label(),
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
