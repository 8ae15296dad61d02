//! The walking skeleton end to end, as a secretariat and its members would
//! use it (issue #2, last "done when"): `init` a folder, replace its registry
//! and criteria with the bloc's own, hand out the blank forms, let every
//! member type its scores (some re-save the form through LibreOffice, one
//! types a score as text with a decimal comma), then `run` and read the
//! outputs back against totals computed here, independently of the library.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};

/// One row of this bloc's criteria framework. `max` is in hundredths.
struct Crit {
    code: &'static str,
    title: &'static str,
    max: i64,
    /// As written in the `Loại` column; empty inherits from the group.
    kind: &'static str,
}

const fn crit(code: &'static str, title: &'static str, max: i64, kind: &'static str) -> Crit {
    Crit { code, title, max, kind }
}

/// Numeric codes on three levels; group 1.1 (35 under a cap of 30), the
/// bonus group 3 (12.5 under 10) and the deduction group 4 (12.5 under 10)
/// actually cap; maxima such as 2.5, 7.5 and 12.5.
const CRITERIA: &[Crit] = &[
    crit("1", "Thực hiện nhiệm vụ chuyên môn", 5000, "Chuẩn"),
    crit("1.1", "Kết quả thực hiện kế hoạch công tác năm", 3000, ""),
    crit("1.1.1", "Hoàn thành các chỉ tiêu kinh tế", 1500, ""),
    crit("1.1.2", "Hoàn thành các chỉ tiêu văn hóa - xã hội", 1250, ""),
    crit("1.1.3", "Cải cách hành chính, chuyển đổi số", 750, "Chuẩn"),
    crit("1.2", "Chế độ thông tin, báo cáo", 2000, ""),
    crit("1.2.1", "Báo cáo định kỳ đúng hạn", 1000, ""),
    crit("1.2.2", "Chất lượng báo cáo", 1000, ""),
    crit("2", "Xây dựng hệ thống chính trị", 5000, "Chuẩn"),
    crit("2.1", "Công tác xây dựng Đảng", 2500, ""),
    crit("2.1.1", "Sinh hoạt chi bộ định kỳ", 1000, ""),
    crit("2.1.2", "Kết nạp đảng viên mới", 250, ""),
    crit("2.1.3", "Học tập, quán triệt nghị quyết", 1250, ""),
    crit("2.2", "Hoạt động của các đoàn thể", 2500, ""),
    crit("3", "Điểm thưởng", 1000, "Thưởng"),
    crit("3.1", "Sáng kiến được công nhận", 500, ""),
    crit("3.2", "Được khen thưởng đột xuất", 750, ""),
    crit("4", "Điểm trừ", 1000, "Trừ"),
    crit("4.1", "Chậm nộp báo cáo", 250, ""),
    crit("4.2", "Vi phạm kỷ luật, kỷ cương hành chính", 1000, ""),
];

const FRAMEWORK_SHEET: &str = "Tiêu chí";

/// A member unit and what it types into its form's leaf rows, in framework
/// leaf order (1.1.1, 1.1.2, 1.1.3, 1.2.1, 1.2.2, 2.1.1, 2.1.2, 2.1.3, 2.2,
/// 3.1, 3.2, 4.1, 4.2). An empty string leaves the cell blank (bonus and
/// deduction only).
struct Member {
    code: &'static str,
    name: &'static str,
    role: &'static str,
    scores: [&'static str; 13],
    /// Path under `nop/` the member's file ends up at.
    file: &'static str,
    /// Re-saved through LibreOffice after typing.
    libreoffice: bool,
}

const BLOC_A: &str = "Cụm thi đua các xã ven biển";
const BLOC_B: &str = "Khối thi đua các doanh nghiệp nhà nước";

/// The member who types 8,5 as text (criterion 1.1.2).
const COMMA_UNIT: &str = "XB03";
const COMMA_LEAF: &str = "1.1.2";

#[rustfmt::skip]
const BLOCS: &[(&str, &[Member])] = &[
    (BLOC_A, &[
        Member { code: "XB01", name: "UBND xã Hải Thịnh", role: "Trưởng khối",
            scores: ["15", "12.5", "7.5", "10", "9.5", "10", "2.5", "12.25", "24.5", "5", "7.5", "", ""],
            file: "Bảng tự chấm - UBND xã Hải Thịnh.xlsx", libreoffice: true },
        Member { code: "XB02", name: "UBND xã Giao Thủy", role: "Phó khối",
            scores: ["14.5", "11", "4.5", "10", "9", "9.75", "2", "12", "23", "2.5", "", "0.5", ""],
            file: "Cụm ven biển/Giao Thủy - tự chấm 2025.xlsx", libreoffice: true },
        Member { code: "XB03", name: "UBND xã Quất Lâm", role: "",
            scores: ["13", "8.5", "6", "9.5", "9", "9", "2.5", "11.5", "22.75", "", "3", "2.5", "8.5"],
            file: "Cụm ven biển/Bảng tự chấm - UBND xã Quất Lâm.xlsx", libreoffice: false },
        Member { code: "XB04", name: "UBND xã Nghĩa Hưng", role: "",
            scores: ["12.25", "10", "7", "8", "8.5", "8.5", "1.5", "10", "21", "0.25", "", "", "1"],
            file: "Bảng tự chấm - UBND xã Nghĩa Hưng.xlsx", libreoffice: false },
        Member { code: "XB05", name: "UBND xã Hải Hậu", role: "",
            scores: ["15", "12", "7.5", "9", "8", "10", "2.5", "12.5", "25", "", "", "", ""],
            file: "Cụm ven biển/Hải Hậu/bang tu cham.xlsx", libreoffice: true },
        Member { code: "XB06", name: "UBND xã Rạng Đông", role: "",
            scores: ["10", "9.75", "5.25", "7", "7.5", "8", "1", "9.25", "20.5", "1.5", "2", "0.75", "0"],
            file: "Bảng tự chấm - UBND xã Rạng Đông.xlsx", libreoffice: false },
    ]),
    (BLOC_B, &[
        Member { code: "DN01", name: "Công ty TNHH MTV Thủy lợi Bắc Nam Hà", role: "Trưởng khối",
            scores: ["14", "12.5", "7.5", "10", "10", "9.5", "2.5", "12.5", "24", "5", "5", "", ""],
            file: "Doanh nghiệp/Bảng tự chấm - Thủy lợi Bắc Nam Hà.xlsx", libreoffice: true },
        Member { code: "DN02", name: "Công ty Cổ phần Cấp nước Nam Định", role: "",
            scores: ["13.5", "11.5", "6.5", "9.5", "9.25", "9", "2", "11.75", "23.5", "1", "", "", ""],
            file: "Doanh nghiệp/Bảng tự chấm - Cấp nước Nam Định.xlsx", libreoffice: false },
        // DN03 and DN04 tie on the total (94.5); DN03's higher standard score
        // (91.5 against 90.5) ranks it first, the first tie-break key.
        Member { code: "DN03", name: "Công ty TNHH MTV Xổ số kiến thiết", role: "",
            scores: ["12", "10.5", "6", "9", "9", "9.25", "2.5", "11", "22.25", "2", "1.5", "0.5", ""],
            file: "Doanh nghiệp/Gửi lại lần 2/Xổ số kiến thiết.xlsx", libreoffice: true },
        Member { code: "DN04", name: "Công ty Cổ phần Môi trường đô thị", role: "Phó khối",
            scores: ["12", "10", "6", "9", "8.5", "9", "2", "11", "23", "4", "", "", ""],
            file: "Bảng tự chấm - Môi trường đô thị.xlsx", libreoffice: false },
        Member { code: "DN05", name: "Công ty TNHH MTV Khai thác công trình thủy lợi", role: "",
            scores: ["9.5", "8", "4.5", "6.5", "7", "7.25", "0.5", "8.75", "18", "", "", "2.5", "0.25"],
            file: "Doanh nghiệp/Khai thác công trình thủy lợi.xlsx", libreoffice: true },
    ]),
];

// ------------------------------------------------------------ exact scores

/// `"12.25"` → 1225 hundredths; `""` → 0.
fn hundredths(text: &str) -> i64 {
    if text.is_empty() {
        return 0;
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(frac.len() <= 2, "{text}");
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

/// A JSON or cell number → hundredths (scores have at most two decimals).
fn to_hundredths(value: f64) -> i64 {
    let h = (value * 100.0).round();
    assert!((value * 100.0 - h).abs() < 1e-6, "{value} has more than two decimals");
    h as i64
}

fn is_leaf(i: usize) -> bool {
    let prefix = format!("{}.", CRITERIA[i].code);
    !CRITERIA.iter().any(|c| c.code.starts_with(&prefix))
}

fn leaves() -> Vec<usize> {
    (0..CRITERIA.len()).filter(|&i| is_leaf(i)).collect()
}

/// Kind of a criterion: its own `Loại`, else its top-level group's.
fn kind(i: usize) -> &'static str {
    let top = CRITERIA[i].code.split('.').next().unwrap();
    CRITERIA.iter().find(|c| c.code == top).unwrap().kind
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expected {
    standard: i64,
    bonus: i64,
    deduction: i64,
    total: i64,
    /// Scores of top-level standard groups with their maxima (for bands).
    groups: [(i64, i64); 2],
}

/// Totals from typed leaf scores: a group is the sum of its children capped
/// at its maximum; total = standard + bonus − deduction.
fn expected(member: &Member) -> Expected {
    let leaf_ids = leaves();
    fn score(i: usize, typed: &dyn Fn(usize) -> i64) -> i64 {
        let prefix = format!("{}.", CRITERIA[i].code);
        let children: Vec<usize> = (0..CRITERIA.len())
            .filter(|&j| {
                CRITERIA[j]
                    .code
                    .strip_prefix(&prefix)
                    .is_some_and(|rest| !rest.contains('.'))
            })
            .collect();
        let raw = if children.is_empty() {
            typed(i)
        } else {
            children.iter().map(|&j| score(j, typed)).sum()
        };
        raw.min(CRITERIA[i].max)
    }
    let typed = |i: usize| {
        let at = leaf_ids.iter().position(|&l| l == i).unwrap();
        hundredths(member.scores[at])
    };
    let tops: Vec<usize> = (0..CRITERIA.len())
        .filter(|&i| !CRITERIA[i].code.contains('.'))
        .collect();
    let sum = |k: &str| -> i64 { tops.iter().filter(|&&i| kind(i) == k).map(|&i| score(i, &typed)).sum() };
    let (standard, bonus, deduction) = (sum("Chuẩn"), sum("Thưởng"), sum("Trừ"));
    let standard_groups: Vec<(i64, i64)> = tops
        .iter()
        .filter(|&&i| kind(i) == "Chuẩn")
        .map(|&i| (score(i, &typed), CRITERIA[i].max))
        .collect();
    Expected {
        standard,
        bonus,
        deduction,
        total: standard + bonus - deduction,
        groups: [standard_groups[0], standard_groups[1]],
    }
}

/// The default bands of thidua.toml: (name, min total, min group share in %).
const BANDS: [(&str, i64, i64); 4] = [
    ("Xuất sắc", 9000, 85),
    ("Tốt", 8000, 80),
    ("Khá", 7000, 70),
    ("Trung bình", 0, 0),
];

fn band(e: &Expected) -> &'static str {
    BANDS
        .iter()
        .find(|(_, min, share)| e.total >= *min && e.groups.iter().all(|(score, max)| score * 100 >= share * max))
        .unwrap()
        .0
}

/// Ranking key after the default tie-breaks: total, standard (higher
/// first), deduction (lower first), bonus (higher first).
fn key(e: &Expected) -> (i64, i64, i64, i64) {
    (e.total, e.standard, -e.deduction, e.bonus)
}

// ------------------------------------------------------------ reference files

fn write_registry(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Đơn vị").unwrap();
    for (c, title) in ["Khối", "Mã đơn vị", "Tên đơn vị", "Vai trò"].iter().enumerate() {
        ws.write_string(0, c as u16, *title).unwrap();
    }
    let mut r = 1;
    for (bloc, members) in BLOCS {
        for m in *members {
            ws.write_string(r, 0, *bloc).unwrap();
            ws.write_string(r, 1, m.code).unwrap();
            ws.write_string(r, 2, m.name).unwrap();
            ws.write_string(r, 3, m.role).unwrap();
            r += 1;
        }
    }
    wb.save(path).unwrap();
}

fn write_criteria(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(FRAMEWORK_SHEET).unwrap();
    for (c, title) in ["Mã", "Nội dung", "Điểm tối đa", "Loại", "Hướng dẫn chấm"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *title).unwrap();
    }
    for (i, c) in CRITERIA.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, c.code).unwrap();
        ws.write_string(r, 1, c.title).unwrap();
        ws.write_number(r, 2, c.max as f64 / 100.0).unwrap();
        ws.write_string(r, 3, c.kind).unwrap();
        if is_leaf(i) {
            ws.write_string(
                r,
                4,
                format!("Chấm từ 0 đến tối đa; lẻ đến 0,25 điểm (tiêu chí {}).", c.code),
            )
            .unwrap();
        }
    }
    wb.save(path).unwrap();
}

// ------------------------------------------------------------ filling a form

fn col_letters(mut col: u32) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (col % 26) as u8) as char);
        if col < 26 {
            return s;
        }
        col = col / 26 - 1;
    }
}

/// Where each criterion's `Điểm tự chấm` cell is in a blank form, found the
/// way a member finds it: by the code in the `Mã` column. Also returns the
/// cell of the `Tổng cộng` row's score.
fn score_cells(form: &Path) -> (Vec<(String, String)>, String) {
    let mut wb = open_workbook_auto(form).unwrap();
    let range = wb.worksheet_range("Tự chấm điểm").unwrap();
    let (r0, c0) = range.start().unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let (header, cols) = rows
        .iter()
        .enumerate()
        .find_map(|(r, row)| {
            let at = |t: &str| row.iter().position(|c| *c == t);
            Some((r, (at("Mã")?, at("Nội dung")?, at("Điểm tự chấm")?)))
        })
        .expect("header row of the form");
    let (code_col, text_col, score_col) = cols;
    let cell = |r: usize| format!("{}{}", col_letters(c0 + score_col as u32), r0 + r as u32 + 1);
    let mut cells = Vec::new();
    let mut total = None;
    for (r, row) in rows.iter().enumerate().skip(header + 1) {
        let code = row[code_col].to_string();
        if !code.is_empty() {
            cells.push((code, cell(r)));
        } else if row[text_col] == "Tổng cộng" {
            total = Some(cell(r));
        }
    }
    (cells, total.expect("a Tổng cộng row"))
}

/// The worksheet part of the sheet named `name`, from workbook.xml and its rels.
fn sheet_part(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let text = |p: &str| {
        let (_, bytes) = parts.iter().find(|(n, _)| n == p).unwrap();
        String::from_utf8(bytes.clone()).unwrap()
    };
    let workbook = text("xl/workbook.xml");
    let at = workbook
        .find(&format!("<sheet name=\"{name}\""))
        .expect("sheet in workbook.xml");
    let rest = &workbook[at..];
    let id_at = rest.find("r:id=\"").unwrap() + 6;
    let id = &rest[id_at..id_at + rest[id_at..].find('"').unwrap()];
    let rels = text("xl/_rels/workbook.xml.rels");
    let rel_at = rels.find(&format!("Id=\"{id}\"")).unwrap();
    let rel_start = rels[..rel_at].rfind('<').unwrap();
    let rel = &rels[rel_start..rel_start + rels[rel_start..].find('>').unwrap()];
    let target_at = rel.find("Target=\"").unwrap() + 8;
    let target = &rel[target_at..target_at + rel[target_at..].find('"').unwrap()];
    format!("xl/{}", target.trim_start_matches('/').trim_start_matches("xl/"))
}

fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (entry.name().to_string(), data)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)], path: &Path) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data) in parts {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
}

/// Puts `content` into the blank cell `cell` (`<c r="D7" s="12"/>`), keeping
/// its style: the unlocked input cell a member types into.
fn type_into(xml: &str, cell: &str, content: &str, inline_string: bool) -> String {
    let open = format!("<c r=\"{cell}\"");
    let at = xml.find(&open).unwrap_or_else(|| panic!("no cell {cell}"));
    let end = at + xml[at..].find('>').unwrap();
    assert!(xml[..end].ends_with('/'), "cell {cell} is not blank in the form");
    let attrs = &xml[at + open.len()..end - 1];
    let element = if inline_string {
        format!("{open}{attrs} t=\"inlineStr\"><is><t>{content}</t></is></c>")
    } else {
        format!("{open}{attrs}><v>{content}</v></c>")
    };
    format!("{}{element}{}", &xml[..at], &xml[end + 1..])
}

/// Drops the cached results of formulas, as a hand edit leaves them: Excel
/// recalculates on opening anyway (the form sets fullCalcOnLoad). Returns
/// the number of formulas.
fn drop_cached_values(xml: &mut String) -> usize {
    let mut count = 0;
    let mut from = 0;
    while let Some(at) = xml[from..].find("</f><v>").map(|i| from + i) {
        let v = at + "</f>".len();
        let end = v + xml[v..].find("</v>").unwrap() + "</v>".len();
        xml.replace_range(v..end, "");
        from = v;
        count += 1;
    }
    count
}

/// Fills a blank form as `member` types it; writes the result to `to`.
/// Returns the cell of the comma-typed score, if this member types one.
fn fill(form: &Path, member: &Member, to: &Path) -> Option<String> {
    let (cells, _) = score_cells(form);
    let mut parts = unzip(form);
    let part = sheet_part(&parts, "Tự chấm điểm");
    let (_, bytes) = parts.iter_mut().find(|(n, _)| *n == part).unwrap();
    let mut xml = String::from_utf8(bytes.clone()).unwrap();
    let mut comma_cell = None;
    for (at, &i) in leaves().iter().enumerate() {
        let code = CRITERIA[i].code;
        let typed = member.scores[at];
        if typed.is_empty() {
            assert!(
                kind(i) != "Chuẩn",
                "{}: a standard criterion must be scored",
                member.code
            );
            continue;
        }
        let (_, cell) = cells
            .iter()
            .find(|(c, _)| c == code)
            .unwrap_or_else(|| panic!("no row {code}"));
        if member.code == COMMA_UNIT && code == COMMA_LEAF {
            xml = type_into(&xml, cell, &typed.replace('.', ","), true);
            comma_cell = Some(cell.clone());
        } else {
            xml = type_into(&xml, cell, typed, false);
        }
    }
    let groups = (0..CRITERIA.len()).filter(|&i| !is_leaf(i)).count();
    assert_eq!(
        drop_cached_values(&mut xml),
        groups + 1,
        "group rows and the total are formulas"
    );
    *bytes = xml.into_bytes();
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    rezip(&parts, to);
    comma_cell
}

/// A LibreOffice profile folder of its own, as a `-env:UserInstallation` URL.
fn soffice_profile(dir: &Path) -> String {
    let path = dir.to_string_lossy().replace('\\', "/");
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("-env:UserInstallation=file://{slash}{path}")
}

/// Opens every file of `dir` in LibreOffice and saves it again as .xlsx
/// into `out` (one soffice start for all of them).
fn resave_with_libreoffice(dir: &Path, out: &Path, profile: &Path) {
    let files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    let output = std::process::Command::new("soffice")
        .arg(soffice_profile(profile))
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(out)
        .args(&files)
        .output()
        .expect("run soffice");
    assert!(
        output.status.success(),
        "soffice: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn number(cell: &Data) -> Option<f64> {
    match cell {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The cached value of `cell` (A1) in the form's score sheet.
fn cached(path: &Path, cell: &str) -> Data {
    let split = cell.find(|c: char| c.is_ascii_digit()).unwrap();
    let col = cell[..split]
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = cell[split..].parse::<u32>().unwrap() - 1;
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range("Tự chấm điểm").unwrap();
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn members() -> Vec<(&'static str, &'static Member)> {
    BLOCS
        .iter()
        .flat_map(|(bloc, ms)| ms.iter().map(move |m| (*bloc, m)))
        .collect()
}

/// Steps 1 and 2: `thidua init DIR` (no sample), this bloc's own registry
/// and criteria in place of the sample's, then `thidua forms DIR`. Returns
/// the blank forms written.
fn prepare(dir: &Path) -> Vec<PathBuf> {
    let d = dir.to_str().unwrap();
    let out = thidua(&["init", d]);
    assert_eq!(code(&out), 0, "init: {}", stderr(&out));
    write_registry(&dir.join("don-vi.xlsx"));
    write_criteria(&dir.join("tieu-chi.xlsx"));
    let out = thidua(&["forms", d]);
    assert_eq!(code(&out), 0, "forms: {}{}", stdout(&out), stderr(&out));
    let mut forms: Vec<PathBuf> = Vec::new();
    for bloc in std::fs::read_dir(dir.join("out/bieu-mau")).unwrap() {
        for form in std::fs::read_dir(bloc.unwrap().path()).unwrap() {
            forms.push(form.unwrap().path());
        }
    }
    forms
}

/// The blank form of a unit, by the code in the form's metadata sheet.
fn form_of(forms: &[PathBuf], code: &str) -> PathBuf {
    forms
        .iter()
        .find(|f| {
            let rows = sheet_rows(f, "thidua");
            rows.iter().any(|r| r.len() > 1 && r[0] == "Mã đơn vị" && r[1] == code)
        })
        .unwrap_or_else(|| panic!("no form for {code}"))
        .clone()
}

// ------------------------------------------------------------ the walkthrough

#[test]
fn init_forms_fill_run_gives_exact_totals_and_consistent_ranks() {
    let tmp = tempdir();
    let dir = tmp.path().join("thi-dua");
    let d = dir.to_str().unwrap();

    // 1–2. A fresh folder with this bloc's own registry and criteria, and
    // one blank form per unit.
    let forms = prepare(&dir);
    let members = members();
    assert_eq!(forms.len(), members.len(), "{forms:?}");

    // 3. Every member fills its own form (found by the unit code in the
    // form's metadata sheet, as the secretariat sends each its own).
    let form_of = |code: &str| form_of(&forms, code);
    let nop = dir.join("nop");
    let soffice = require(&["soffice"], "các tệp được lưu lại bằng LibreOffice");
    let staging = tmp.path().join("lo-in");
    std::fs::create_dir_all(&staging).unwrap();
    let mut comma_cell = None;
    let mut totals_cell = Vec::new();
    for (i, (_, m)) in members.iter().enumerate() {
        let form = form_of(m.code);
        let (_, total_cell) = score_cells(&form);
        totals_cell.push(total_cell);
        let target = if m.libreoffice && soffice {
            staging.join(format!("{i:02}-{}.xlsx", m.code))
        } else {
            nop.join(m.file)
        };
        if let Some(cell) = fill(&form, m, &target) {
            comma_cell = Some(cell);
        }
    }
    let comma_cell = comma_cell.expect("the comma member typed its score");
    if soffice {
        let lo_out = tmp.path().join("lo-out");
        resave_with_libreoffice(&staging, &lo_out, &tmp.path().join("lo-profile"));
        for (i, (_, m)) in members.iter().enumerate().filter(|(_, (_, m))| m.libreoffice) {
            let saved = lo_out.join(format!("{i:02}-{}.xlsx", m.code));
            let target = nop.join(m.file);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::rename(&saved, &target).unwrap_or_else(|e| panic!("{}: {e}", saved.display()));
        }
    }

    // What the members' files hold before the run: LibreOffice stored the
    // recalculated totals; the hand-edited files carry no cached total.
    let expect: Vec<Expected> = members.iter().map(|(_, m)| expected(m)).collect();
    for (i, (_, m)) in members.iter().enumerate() {
        let total = cached(&nop.join(m.file), &totals_cell[i]);
        if m.libreoffice && soffice {
            let value = number(&total).unwrap_or_else(|| panic!("{}: no cached total: {total:?}", m.code));
            assert_eq!(to_hundredths(value), expect[i].total, "{}: LibreOffice's total", m.code);
        } else {
            assert!(
                number(&total).is_none(),
                "{}: hand-edited total has a value {total:?}",
                m.code
            );
        }
    }

    // 4. The run.
    let out = thidua(&["run", d]);
    assert_eq!(code(&out), 0, "run: {}{}", stdout(&out), stderr(&out));
    let json = result_json(&dir);

    // The only issue is the comma warning, at the cell typed; in particular
    // no total.mismatch (LibreOffice's cached totals are right; a formula
    // with no cached value states no total) and no score.formula-error
    // (group and total formulas are not scores).
    let issues = json["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let comma_file = members.iter().find(|(_, m)| m.code == COMMA_UNIT).unwrap().1.file;
    assert_eq!(issues[0]["code"], "score.decimal-comma");
    assert_eq!(issues[0]["severity"], "warning");
    assert_eq!(issues[0]["unit"], COMMA_UNIT);
    assert_eq!(issues[0]["file"], format!("nop/{comma_file}"));
    assert_eq!(issues[0]["sheet"], "Tự chấm điểm");
    assert_eq!(issues[0]["cell"], comma_cell.as_str());

    let inputs = json["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), members.len(), "{inputs:#?}");
    for (_, m) in &members {
        let file = format!("nop/{}", m.file);
        let input = inputs
            .iter()
            .find(|x| x["file"] == file.as_str())
            .unwrap_or_else(|| panic!("{file}"));
        assert_eq!(input["status"], "accepted", "{file}");
        assert_eq!(input["unit"], m.code, "{file}");
    }

    // Totals, ranks and bands in ket-qua.json.
    let blocs = json["blocs"].as_array().unwrap();
    assert_eq!(blocs.len(), BLOCS.len());
    let mut ranks = std::collections::BTreeMap::new();
    for (b, (bloc, ms)) in BLOCS.iter().enumerate() {
        assert_eq!(blocs[b]["name"], *bloc);
        assert_eq!(blocs[b]["complete"], true);
        // Rotation: the unit after this year's leader (the first unit).
        assert_eq!(blocs[b]["next_leader"], ms[1].name);
        let units = blocs[b]["units"].as_array().unwrap();
        assert_eq!(units.len(), ms.len());
        let mine: Vec<Expected> = ms.iter().map(expected).collect();
        for (u, m) in ms.iter().enumerate() {
            let unit = &units[u];
            let e = mine[u];
            assert_eq!(unit["code"], m.code);
            assert_eq!(unit["name"], m.name);
            assert_eq!(unit["status"], "scored", "{}", m.code);
            assert_eq!(unit["source"], format!("nop/{}", m.file));
            for side in ["self", "final"] {
                let got = |k: &str| to_hundredths(unit[side][k].as_f64().unwrap());
                assert_eq!(got("standard"), e.standard, "{} {side} standard", m.code);
                assert_eq!(got("bonus"), e.bonus, "{} {side} bonus", m.code);
                assert_eq!(got("deduction"), e.deduction, "{} {side} deduction", m.code);
                assert_eq!(got("total"), e.total, "{} {side} total", m.code);
            }
            // No two units of a bloc are equal on every key here, so ranks
            // are 1 + the number of units strictly ahead.
            let ahead = mine.iter().filter(|o| key(o) > key(&e)).count();
            assert_eq!(unit["rank"].as_u64().unwrap() as usize, ahead + 1, "{} rank", m.code);
            assert_eq!(unit["classification"], band(&e), "{} band", m.code);
            ranks.insert(m.code, ahead + 1);
        }
        let mut keys: Vec<_> = mine.iter().map(key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ms.len(), "{bloc}: the data was meant to have no full tie");
    }

    // The caps did bite, and the tie-break was needed: otherwise this test
    // would not check what it claims.
    let e = |code: &str| expect[members.iter().position(|(_, m)| m.code == code).unwrap()];
    assert_eq!(e("XB01").bonus, 1000, "bonus 12.5 capped at 10");
    assert_eq!(e("XB03").deduction, 1000, "deduction 11 capped at 10");
    assert_eq!(e("XB01").groups[0].0, 4950, "1.1 = 35 capped at 30, + 19.5");
    assert_eq!(e("DN03").total, e("DN04").total);
    assert_eq!((ranks["DN03"], ranks["DN04"]), (3, 4));

    // The same figures in the cached values of the Tổng hợp sheet.
    let rows = sheet_rows(&dir.join("out/tong-hop.xlsx"), "Tổng hợp");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let col = |t: &str| {
        header
            .iter()
            .position(|h| h == t)
            .unwrap_or_else(|| panic!("column {t}: {header:?}"))
    };
    let data: Vec<&Vec<Data>> = rows
        .iter()
        .skip(1)
        .filter(|r| !r[col("Mã đơn vị")].to_string().is_empty())
        .collect();
    assert_eq!(data.len(), members.len());
    for (i, (bloc, m)) in members.iter().enumerate() {
        let row = data
            .iter()
            .find(|r| r[col("Mã đơn vị")] == m.code)
            .unwrap_or_else(|| panic!("{} not in Tổng hợp", m.code));
        let value = |t: &str| {
            to_hundredths(number(&row[col(t)]).unwrap_or_else(|| panic!("{} {t}: {:?}", m.code, row[col(t)])))
        };
        assert_eq!(row[col("Khối")].to_string(), *bloc);
        assert_eq!(row[col("Tên đơn vị")].to_string(), m.name);
        assert_eq!(value("Điểm chuẩn"), expect[i].standard, "{} sheet standard", m.code);
        assert_eq!(value("Điểm thưởng"), expect[i].bonus, "{} sheet bonus", m.code);
        assert_eq!(value("Điểm trừ"), expect[i].deduction, "{} sheet deduction", m.code);
        assert_eq!(value("Tổng điểm"), expect[i].total, "{} sheet total", m.code);
        assert_eq!(value("Xếp hạng"), ranks[m.code] as i64 * 100, "{} sheet rank", m.code);
        assert_eq!(
            row[col("Xếp loại")].to_string(),
            band(&expect[i]),
            "{} sheet band",
            m.code
        );
    }
}

/// A member who typed `8,5` as text and then re-saved the form in
/// LibreOffice: LibreOffice's SUM skips the text, so the workbook states a
/// total 8.5 short, and so do the group rows above it. The run warns (decimal
/// comma; total and group mismatches), uses the recomputed total and still
/// exits 0.
#[test]
fn comma_score_resaved_by_libreoffice_states_a_short_total_and_the_exact_one_is_used() {
    if !require(&["soffice"], "tệp có điểm dạng chữ được lưu lại bằng LibreOffice") {
        return;
    }
    let tmp = tempdir();
    let dir = tmp.path().join("thi-dua");
    let forms = prepare(&dir);
    let (_, m) = members().into_iter().find(|(_, m)| m.code == COMMA_UNIT).unwrap();
    let staging = tmp.path().join("lo-in");
    let typed = fill(&form_of(&forms, m.code), m, &staging.join("tu-cham.xlsx"));
    let comma_cell = typed.expect("the comma cell");
    let lo_out = tmp.path().join("lo-out");
    resave_with_libreoffice(&staging, &lo_out, &tmp.path().join("lo-profile"));
    let file = dir.join("nop/tu-cham.xlsx");
    std::fs::rename(lo_out.join("tu-cham.xlsx"), &file).unwrap();

    let e = expected(m);
    let (_, total_cell) = score_cells(&form_of(&forms, m.code));
    let stated = number(&cached(&file, &total_cell)).expect("LibreOffice's cached total");
    assert_eq!(
        to_hundredths(stated),
        e.total - 850,
        "LibreOffice's SUM skips the text 8,5"
    );

    let out = thidua(&["run", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "run: {}{}", stdout(&out), stderr(&out));
    let json = result_json(&dir);
    let mine: Vec<&serde_json::Value> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file"] == "nop/tu-cham.xlsx")
        .collect();
    let codes: Vec<&str> = mine.iter().map(|i| i["code"].as_str().unwrap()).collect();
    // The total row and the two group rows above 1.1.2 (1.1 and 1) each
    // state the same short sum: one warning each.
    assert_eq!(
        codes,
        [
            "score.decimal-comma",
            "total.mismatch",
            "total.mismatch",
            "total.mismatch"
        ],
        "{mine:#?}"
    );
    assert_eq!(mine[0]["cell"], comma_cell.as_str());
    assert_eq!(mine[1]["cell"], total_cell.as_str());
    for group in &mine[2..] {
        let message = group["message"].as_str().unwrap();
        assert!(message.contains("ghi") && message.contains("cộng lại"), "{message}");
    }
    assert!(mine.iter().all(|i| i["severity"] == "warning"));
    let unit = json["blocs"][0]["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == COMMA_UNIT)
        .unwrap();
    assert_eq!(unit["status"], "scored");
    assert_eq!(to_hundredths(unit["final"]["total"].as_f64().unwrap()), e.total);
}
