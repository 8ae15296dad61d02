//! The workbooks as a product: tong-hop.xlsx, member forms and feedback
//! workbooks, read back by content (calamine, and the XML inside the zip),
//! recalculated by LibreOffice and printed to PDF.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use quick_xml::events::Event;
use thidua::calendar::Date;
use thidua::model::Points;
use thidua::reference::framework::Framework;
use thidua::sample;
use thidua::write::forms::{form_workbook, FormSpec};

// ---------------------------------------------------------------- helpers

fn run_ok(dir: &Path) {
    let out = thidua(&["run", dir.to_str().unwrap()]);
    assert!(code(&out) <= 1, "{}{}", stdout(&out), stderr(&out));
}

fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook_auto(path).expect("open").sheet_names().to_vec()
}

fn number(cell: &Data) -> Option<f64> {
    match cell {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn text(cell: &Data) -> String {
    cell.to_string()
}

/// The column of a header title in a row.
fn col(header: &[Data], title: &str) -> usize {
    header
        .iter()
        .position(|h| text(h) == title)
        .unwrap_or_else(|| panic!("no column {title}: {header:?}"))
}

/// Every file of an xlsx zip, by name.
fn zip_files(path: &Path) -> BTreeMap<String, String> {
    let file = std::fs::File::open(path).expect("open zip");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_ok() {
            out.insert(entry.name().to_string(), text);
        }
    }
    out
}

/// Path inside the zip of the worksheet named `sheet`.
fn sheet_part(files: &BTreeMap<String, String>, sheet: &str) -> String {
    let workbook = &files["xl/workbook.xml"];
    let rels = &files["xl/_rels/workbook.xml.rels"];
    let id = elements(workbook, "sheet")
        .into_iter()
        .find(|a| a.get("name").map(String::as_str) == Some(sheet))
        .unwrap_or_else(|| panic!("no sheet {sheet}"))["r:id"]
        .clone();
    let target = elements(rels, "Relationship")
        .into_iter()
        .find(|a| a["Id"] == id)
        .expect("relationship")["Target"]
        .clone();
    format!("xl/{}", target.trim_start_matches("/xl/"))
}

/// Attributes of every element named `name` (unescaped).
fn elements(xml: &str, name: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event().expect("xml") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == name.as_bytes() => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        (
                            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                            a.unescape_value().expect("value").into_owned(),
                        )
                    })
                    .collect();
                found.push(attrs);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    found
}

/// The text inside every element named `name`.
fn element_texts(xml: &str, name: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    let mut current = String::new();
    loop {
        match reader.read_event().expect("xml") {
            Event::Start(e) if e.name().as_ref() == name.as_bytes() => {
                inside = true;
                current.clear();
            }
            Event::Text(t) if inside => current.push_str(&t.unescape().expect("text")),
            Event::End(e) if e.name().as_ref() == name.as_bytes() => {
                inside = false;
                out.push(current.clone());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn units_json(json: &serde_json::Value) -> Vec<serde_json::Value> {
    json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["units"].as_array().unwrap().clone())
        .collect()
}

fn soffice_profile(name: &str) -> (tempfile::TempDir, String) {
    let profile = tempdir();
    // Recalculate every formula when an OOXML file is loaded (0 = always).
    let user = profile.path().join("user");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        user.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let url = format!("-env:UserInstallation=file://{}", profile.path().display());
    let _ = name;
    (profile, url)
}

/// Converts `input` with LibreOffice into `outdir`; returns the new file.
fn soffice_convert(profile: &str, input: &Path, to: &str, outdir: &Path) -> PathBuf {
    let status = Command::new("soffice")
        .args([profile, "--headless", "--convert-to", to, "--outdir"])
        .arg(outdir)
        .arg(input)
        .output()
        .expect("run soffice");
    assert!(
        status.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let ext = to.split(':').next().unwrap();
    let out = outdir.join(format!("{}.{ext}", input.file_stem().unwrap().to_string_lossy()));
    assert!(
        out.is_file(),
        "soffice wrote nothing: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    out
}

// ------------------------------------------------------------ tong-hop

#[test]
fn tong_hop_has_every_sheet_and_cached_totals_match_json() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    run_ok(&dir);
    let path = dir.join("out/tong-hop.xlsx");
    let json = folder.json();
    let registry = sample::registry();
    let names = sheet_names(&path);
    assert_eq!(names[0], "Tổng hợp");
    assert_eq!(
        &names[names.len() - 3..],
        ["Đề nghị khen thưởng", "Kiểm tra", "Nộp bài"]
    );
    let bloc_sheets = &names[1..names.len() - 3];
    assert_eq!(bloc_sheets.len(), registry.blocs.len());
    for name in &names {
        assert!(name.encode_utf16().count() <= 31, "{name}");
        assert!(!name.contains(['[', ']', ':', '*', '?', '/', '\\']), "{name}");
    }
    let lower: std::collections::BTreeSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(lower.len(), names.len(), "sheet names not unique: {names:?}");

    // Tổng hợp: totals are formulas over the cells beside them, cached right.
    let mut wb = open_workbook_auto(&path).unwrap();
    let rows = sheet_rows(&path, "Tổng hợp");
    let header = &rows[0];
    let formulas = wb.worksheet_formula("Tổng hợp").unwrap();
    let (total_col, std_col) = (col(header, "Tổng điểm"), col(header, "Điểm chuẩn"));
    let units = units_json(&json);
    let data: Vec<(usize, &Vec<Data>)> = rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| !text(&r[col(header, "Mã đơn vị")]).is_empty())
        .collect();
    assert_eq!(data.len(), units.len());
    let mut checked = 0;
    for ((r, row), unit) in data.iter().zip(&units) {
        assert_eq!(text(&row[col(header, "Mã đơn vị")]), unit["code"].as_str().unwrap());
        let notes = text(&row[col(header, "Ghi chú")]);
        match unit["final"]["total"].as_f64() {
            Some(total) => {
                let cached = number(&row[total_col]).expect("cached total");
                assert!((cached - total).abs() < 1e-9, "{}: {cached} vs {total}", unit["code"]);
                let parts: f64 = [std_col, std_col + 1]
                    .iter()
                    .map(|&c| number(&row[c]).unwrap())
                    .sum::<f64>()
                    - number(&row[std_col + 2]).unwrap();
                assert!((parts - cached).abs() < 1e-9);
                let f = formulas.get_value((*r as u32, total_col as u32)).expect("formula");
                let n = r + 1;
                assert_eq!(f.trim_start_matches('='), format!("E{n}+F{n}-G{n}"));
                checked += 1;
            }
            None => {
                assert!(text(&row[total_col]).is_empty());
                assert!(notes.contains("chưa nộp"), "{notes}");
            }
        }
        if unit["eligible"] == false && unit["status"] == "scored" {
            assert!(notes.contains("không xét"), "{}: {notes}", unit["code"]);
        }
    }
    assert_eq!(checked, 33);
    // Ties are noted.
    let tied = data
        .iter()
        .filter(|(_, r)| text(&r[col(header, "Ghi chú")]).contains("đồng hạng"))
        .count();
    let json_tied = units
        .iter()
        .filter(|u| {
            u["notes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n.as_str().unwrap().contains("đồng hạng"))
        })
        .count();
    assert_eq!(tied, json_tied);
    // Bloc headings group the units.
    let headings: Vec<String> = rows
        .iter()
        .skip(1)
        .filter(|r| text(&r[col(header, "Mã đơn vị")]).is_empty())
        .map(|r| text(&r[col(header, "Khối")]))
        .collect();
    let bloc_names: Vec<String> = registry.blocs.iter().map(|b| b.name.clone()).collect();
    assert_eq!(headings, bloc_names);

    // Bloc sheets: per unit, self and final, totals cached as in the JSON.
    let framework = sample::framework();
    for (b, sheet) in bloc_sheets.iter().enumerate() {
        let range = wb.worksheet_range(sheet).unwrap();
        let start = range.start().unwrap();
        let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        // Absolute row of a label in column B.
        let label_row = |label: &str| {
            (start.0..=range.end().unwrap().0)
                .find(|&r| text(&at(r, 1)) == label)
                .unwrap_or_else(|| panic!("{sheet}: no row {label}"))
        };
        let total_row = label_row("Tổng điểm");
        let first_criterion = label_row(&framework.criteria[0].title);
        let bloc_json = &json["blocs"][b];
        for (u, unit) in bloc_json["units"].as_array().unwrap().iter().enumerate() {
            let c = 3 + 2 * u as u32;
            let name = text(&at(first_criterion - 2, c));
            assert!(name.contains(unit["code"].as_str().unwrap()), "{sheet}: {name}");
            assert_eq!(text(&at(first_criterion - 1, c)), "Tự chấm");
            assert_eq!(text(&at(first_criterion - 1, c + 1)), "Kết quả");
            for (k, key) in ["self", "final"].iter().enumerate() {
                match unit[key]["total"].as_f64() {
                    Some(total) => {
                        let cached = number(&at(total_row, c + k as u32)).expect("total");
                        assert!(
                            (cached - total).abs() < 1e-9,
                            "{sheet} {}: {cached} vs {total}",
                            unit["code"]
                        );
                    }
                    None => assert_eq!(at(total_row, c + k as u32), Data::Empty),
                }
            }
            // Group rows hold their capped sums, cached.
            if unit["status"] == "scored" {
                for (i, crit) in framework.criteria.iter().enumerate().filter(|(_, c)| !c.leaf) {
                    let r = first_criterion + i as u32;
                    let sum: f64 = framework
                        .children(i)
                        .map(|ch| number(&at(first_criterion + ch as u32, c + 1)).unwrap())
                        .sum();
                    let expected = sum.min(crit.max.as_f64());
                    let cached = number(&at(r, c + 1)).unwrap();
                    assert!(
                        (cached - expected).abs() < 1e-9,
                        "{sheet} {} {}",
                        unit["code"],
                        crit.code
                    );
                }
            }
        }
    }

    // Đề nghị khen thưởng: one row per proposed unit, provisional where the bloc is incomplete.
    let rows = sheet_rows(&path, "Đề nghị khen thưởng");
    let header = &rows[0];
    let proposed: Vec<&Vec<Data>> = rows
        .iter()
        .skip(1)
        .filter(|r| !text(&r[col(header, "Mã đơn vị")]).is_empty())
        .collect();
    let json_proposed: Vec<&serde_json::Value> = units.iter().filter(|u| !u["award"].is_null()).collect();
    assert_eq!(proposed.len(), json_proposed.len());
    for row in &proposed {
        let code = text(&row[col(header, "Mã đơn vị")]);
        let unit = units.iter().find(|u| u["code"] == code.as_str()).unwrap();
        assert_eq!(
            text(&row[col(header, "Hình thức khen thưởng")]),
            unit["award"].as_str().unwrap()
        );
        let status = text(&row[col(header, "Tình trạng")]);
        let bloc = json["blocs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| {
                b["units"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|u| u["code"] == code.as_str())
            })
            .unwrap();
        assert_eq!(
            status.starts_with("Tạm thời"),
            bloc["complete"] == false,
            "{code}: {status}"
        );
    }

    // Kiểm tra: every issue; Nộp bài: every registry unit and every input.
    let rows = sheet_rows(&path, "Kiểm tra");
    let header = &rows[0];
    for title in ["Mức độ", "Mã lỗi", "Tệp", "Sheet", "Ô", "Nội dung"] {
        col(header, title);
    }
    let messages: Vec<String> = rows.iter().skip(1).map(|r| text(&r[col(header, "Nội dung")])).collect();
    for issue in json["issues"].as_array().unwrap() {
        assert!(
            messages.iter().any(|m| m == issue["message"].as_str().unwrap()),
            "{issue}"
        );
    }
    let rows = sheet_rows(&path, "Nộp bài");
    let header = &rows[0];
    let codes: Vec<String> = rows
        .iter()
        .skip(1)
        .map(|r| text(&r[col(header, "Mã đơn vị")]))
        .collect();
    for unit in registry.units().map(|(_, u)| u) {
        assert!(codes.contains(&unit.code), "{}", unit.code);
    }
    for input in json["inputs"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|r| text(&r[col(header, "Tệp")]) == input["file"].as_str().unwrap())
            .unwrap_or_else(|| panic!("input {input} not listed"));
        assert_eq!(
            text(&row[col(header, "SHA-256")]),
            input["sha256"].as_str().unwrap_or("")
        );
        assert_eq!(text(&row[col(header, "Tình trạng tệp")]), "Hợp lệ");
    }
}

#[test]
fn tong_hop_is_print_ready() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    run_ok(&dir);
    let path = dir.join("out/tong-hop.xlsx");
    let files = zip_files(&path);
    let names = sheet_names(&path);
    let defined: Vec<(BTreeMap<String, String>, String)> = elements(&files["xl/workbook.xml"], "definedName")
        .into_iter()
        .zip(element_texts(&files["xl/workbook.xml"], "definedName"))
        .collect();
    for (i, name) in names.iter().enumerate() {
        let xml = &files[&sheet_part(&files, name)];
        let setup = elements(xml, "pageSetup");
        assert_eq!(setup.len(), 1, "{name}");
        let setup = &setup[0];
        assert_eq!(setup["paperSize"], "9", "{name}: A4");
        assert_eq!(setup["orientation"], "landscape", "{name}");
        // One page wide (fitToWidth defaults to 1 and is then left out), any height.
        assert_eq!(
            setup.get("fitToWidth").map(String::as_str).unwrap_or("1"),
            "1",
            "{name}"
        );
        assert_eq!(setup["fitToHeight"], "0", "{name}");
        assert_eq!(elements(xml, "pageSetUpPr")[0]["fitToPage"], "1", "{name}");
        let footer = element_texts(xml, "oddFooter");
        assert!(
            footer.iter().any(|f| f.contains("&P")),
            "{name}: page numbers {footer:?}"
        );
        let pane = elements(xml, "pane");
        assert!(
            pane.iter()
                .any(|p| p.get("state").map(String::as_str) == Some("frozen")),
            "{name}"
        );
        assert_eq!(elements(xml, "autoFilter").len(), 1, "{name}: autofilter");
        let titles = defined
            .iter()
            .find(|(a, _)| a["name"] == "_xlnm.Print_Titles" && a["localSheetId"] == i.to_string());
        let (_, range) = titles.unwrap_or_else(|| panic!("{name}: no print titles"));
        assert!(range.contains("$"), "{name}: {range}");
    }
    let styles = &files["xl/styles.xml"];
    let fonts = elements(styles, "name");
    assert!(fonts.iter().any(|f| f["val"] == "Times New Roman"));
    let formats = elements(styles, "numFmt");
    assert!(formats.iter().any(|f| f["formatCode"] == "0.00"), "{formats:?}");
}

#[test]
fn libreoffice_recalculation_gives_the_cached_numbers() {
    if !require(&["soffice"], "tính lại công thức bằng LibreOffice") {
        return;
    }
    let (tmp, dir) = Folder::sample().into_parts();
    run_ok(&dir);
    let ours = dir.join("out/tong-hop.xlsx");
    // A copy whose first cached total is wrong: if LibreOffice did not
    // recalculate, the comparison below would pass for the wrong reason.
    let tampered_dir = tmp.path().join("tampered");
    std::fs::create_dir_all(&tampered_dir).unwrap();
    let tampered = tampered_dir.join("tong-hop.xlsx");
    let files = zip_files(&ours);
    let part = sheet_part(&files, "Tổng hợp");
    let bytes = std::fs::read(&ours).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&tampered).unwrap());
    let mut original = None;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if entry.name() == part {
            let xml = String::from_utf8(data).unwrap();
            let start = xml.find("</f><v>").expect("a formula") + "</f><v>".len();
            let end = start + xml[start..].find("</v>").unwrap();
            original = Some(xml[start..end].to_string());
            data = format!("{}12345{}", &xml[..start], &xml[end..]).into_bytes();
        }
        writer
            .start_file(entry.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut writer, &data).unwrap();
    }
    writer.finish().unwrap();
    assert!(original.is_some());

    let (_profile, profile) = soffice_profile("recalc");
    let out_dir = tmp.path().join("lo");
    let recalculated = soffice_convert(&profile, &ours, "ods", &out_dir.join("ours"));
    let fixed = soffice_convert(&profile, &tampered, "ods", &out_dir.join("tampered"));

    let first_total = |path: &Path| -> f64 {
        let rows = sheet_rows(path, "Tổng hợp");
        let c = col(&rows[0], "Tổng điểm");
        rows.iter().skip(1).find_map(|r| number(&r[c])).unwrap()
    };
    let expected = original.unwrap().parse::<f64>().unwrap();
    assert!(
        (first_total(&fixed) - expected).abs() < 1e-9,
        "LibreOffice kept a wrong cached value: no recalculation happened"
    );

    let mut a = open_workbook_auto(&ours).unwrap();
    let mut b = open_workbook_auto(&recalculated).unwrap();
    let mut compared = 0;
    for name in a.sheet_names().to_vec() {
        let ra = a.worksheet_range(&name).unwrap();
        let rb = b.worksheet_range(&name).unwrap();
        for (r, c, value) in ra.used_cells() {
            let Some(x) = number(value) else { continue };
            let (row, col) = (ra.start().unwrap().0 + r as u32, ra.start().unwrap().1 + c as u32);
            let y = rb.get_value((row, col)).and_then(number);
            assert!(
                y.is_some_and(|y| (x - y).abs() < 1e-9),
                "{name} ({row},{col}): ours {x}, LibreOffice {y:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 1000, "only {compared} numbers compared");
    eprintln!("LibreOffice recalculation: {compared} numbers equal");
}

#[test]
fn tong_hop_prints_to_a4_landscape_pdf() {
    if !require(&["soffice", "pdfinfo"], "bản in A4 của tong-hop.xlsx") {
        return;
    }
    let (tmp, dir) = Folder::sample().into_parts();
    run_ok(&dir);
    let (_profile, profile) = soffice_profile("pdf");
    let pdf = soffice_convert(&profile, &dir.join("out/tong-hop.xlsx"), "pdf", &tmp.path().join("pdf"));
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("841.89 x 595.") || info.contains("842 x 595"), "{info}");
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM",
        "Tổng điểm",
        "Trang 1/",
        "Đề nghị khen thưởng",
        "Văn phòng Tỉnh ủy",
    ] {
        assert!(text.contains(needle), "PDF lacks {needle}");
    }
}

// ----------------------------------------------------------------- forms

fn spec<'a>(framework: &'a Framework, filled: Option<&'a [Points]>) -> FormSpec<'a> {
    FormSpec {
        bloc: "Khối thi đua Văn hóa - Xã hội",
        unit_code: "VX02",
        unit_name: "Sở Y tế",
        year: 2026,
        date: Date {
            year: 2026,
            month: 12,
            day: 5,
        },
        framework,
        filled,
    }
}

#[test]
fn member_form_is_protected_validated_and_totals_are_cached() {
    let framework = sample::framework();
    let filled = sample::scores(&framework, "VX02", sample::strength(3), 2026);
    let tmp = tempdir();
    let path = tmp.path().join("form.xlsx");
    std::fs::write(&path, form_workbook(&spec(&framework, Some(&filled))).unwrap()).unwrap();
    let rows = sheet_rows(&path, "Tự chấm điểm");
    let header_at = rows
        .iter()
        .position(|r| r.iter().any(|c| text(c) == "Điểm tự chấm"))
        .unwrap();
    let header = &rows[header_at];
    for title in thidua::form_layout::COLUMNS {
        col(header, title);
    }
    assert!(rows[..header_at].iter().flatten().any(|c| text(c).contains("Sở Y tế")));
    assert!(rows[..header_at].iter().flatten().any(|c| text(c).contains("2026")));
    let score_col = col(header, "Điểm tự chấm");
    let scores = thidua::score::criterion_scores(&framework, &filled);
    for (i, _) in framework.criteria.iter().enumerate() {
        let cached = number(&rows[header_at + 1 + i][score_col]).unwrap();
        assert!(
            (cached - scores[i].as_f64()).abs() < 1e-9,
            "{}",
            framework.criteria[i].code
        );
    }
    let total_row = &rows[header_at + 1 + framework.criteria.len()];
    let total = thidua::score::totals(&framework, &filled).total;
    assert!((number(&total_row[score_col]).unwrap() - total.as_f64()).abs() < 1e-9);
    assert!(rows.iter().flatten().any(|c| text(c) == "THỦ TRƯỞNG ĐƠN VỊ"));

    let files = zip_files(&path);
    let xml = &files[&sheet_part(&files, "Tự chấm điểm")];
    let protection = elements(xml, "sheetProtection");
    assert_eq!(protection.len(), 1);
    assert!(!protection[0].contains_key("password"), "protected without a password");
    let validations = elements(xml, "dataValidation");
    assert_eq!(validations.len(), framework.leaves().count());
    let bounds: Vec<(String, String)> = element_texts(xml, "formula1")
        .into_iter()
        .zip(element_texts(xml, "formula2"))
        .collect();
    for (v, (lo, hi)) in validations.iter().zip(&bounds) {
        // The validated cell tells which criterion it is for.
        let (row, column) = crate::common::parse_a1(&v["sqref"]).unwrap();
        assert_eq!(column as usize, score_col);
        let leaf = &framework.criteria[row as usize - header_at - 1];
        assert!(leaf.leaf, "{}", leaf.code);
        assert_eq!(v["type"], "decimal");
        assert_eq!(lo, "0");
        assert_eq!(hi.parse::<f64>().unwrap(), leaf.max.as_f64(), "{}", leaf.code);
        assert!(
            v["error"].contains(&leaf.code) && v["error"].contains("từ 0 đến"),
            "{v:?}"
        );
        assert!(v["errorTitle"].contains("Điểm"), "{v:?}");
        assert!(v["prompt"].contains("Nhập điểm"), "{v:?}");
    }
    // Input cells are unlocked, everything else locked.
    let styles = &files["xl/styles.xml"];
    let xfs = cell_xfs_unlocked(styles);
    let cells = elements(xml, "c");
    let unlocked = |r: &str| {
        let c = cells.iter().find(|c| c["r"] == r).unwrap_or_else(|| panic!("cell {r}"));
        xfs[c.get("s").map(|s| s.parse::<usize>().unwrap()).unwrap_or(0)]
    };
    for (i, c) in framework.criteria.iter().enumerate() {
        let r = header_at + 2 + i; // rows above the header are title rows from row 1
        let score = format!("{}{r}", (b'A' + score_col as u8) as char);
        assert_eq!(unlocked(&score), c.leaf, "{} {score}", c.code);
        assert!(!unlocked(&format!("A{r}")));
    }
    let page = &elements(xml, "pageSetup")[0];
    assert_eq!(page["paperSize"], "9");
    // The metadata sheet the reader recognises is there and hidden.
    let names = sheet_names(&path);
    assert!(names.contains(&thidua::form_layout::META_SHEET.to_string()));
    let meta = sheet_rows(&path, thidua::form_layout::META_SHEET);
    assert_eq!(text(&meta[0][0]), thidua::form_layout::META_MARK);
}

/// For every cellXfs entry, whether it is unlocked.
fn cell_xfs_unlocked(styles: &str) -> Vec<bool> {
    let start = styles.find("<cellXfs").unwrap();
    let end = styles[start..].find("</cellXfs>").unwrap() + start;
    let section = &styles[start..end];
    section
        .split("<xf ")
        .skip(1)
        .map(|xf| {
            let body = xf.split("</xf>").next().unwrap();
            body.contains("locked=\"0\"")
        })
        .collect()
}

#[test]
fn forms_command_writes_a_form_per_unit_that_check_accepts() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let out = folder.run("forms", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let registry = sample::registry();
    let bloc = &registry.blocs[1];
    let unit = &bloc.units[1];
    let form = dir
        .join("out/bieu-mau")
        .join(thidua::write::names::slug(&bloc.name))
        .join(format!(
            "{}.xlsx",
            thidua::write::names::unit_file_stem(&unit.name, &unit.code)
        ));
    assert!(form.is_file(), "{}", form.display());
    let rows = sheet_rows(&form, "Tự chấm điểm");
    assert!(rows
        .iter()
        .flatten()
        .any(|c| text(c) == format!("Đơn vị: {}", unit.name)));
}

// -------------------------------------------------------------- feedback

/// A sample folder where one unit's score is over its maximum, another's is
/// text that looks like a formula, and one file is not a workbook at all.
fn bad_folder() -> (tempfile::TempDir, PathBuf, String, String) {
    let (tmp, dir) = Folder::sample().into_parts();
    let registry = sample::registry();
    let framework = sample::framework();
    let year = result_year(&dir);
    // Over the maximum, through the real form writer.
    let (b, u) = (1, 1);
    let (bloc, unit) = (&registry.blocs[b], &registry.blocs[b].units[u]);
    let mut filled = sample::scores(&framework, &unit.code, sample::strength(u + b), year);
    let leaf = framework.leaves().next().unwrap();
    filled[leaf] = framework.criteria[leaf].max + Points(500);
    let mut s = spec(&framework, Some(&filled));
    s.bloc = &bloc.name;
    s.unit_code = &unit.code;
    s.unit_name = &unit.name;
    s.year = year;
    let path = dir
        .join("nop")
        .join(thidua::write::names::slug(&bloc.name))
        .join(format!("{}.xlsx", thidua::write::names::slug(&unit.name)));
    std::fs::write(&path, form_workbook(&s).unwrap()).unwrap();
    // A member's own table, with "=1+1" typed as text in a score cell.
    let (b2, u2) = (2, 0);
    let other = &registry.blocs[b2].units[u2];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Bang diem").unwrap();
    ws.write_string(0, 0, "BẢNG TỰ CHẤM ĐIỂM").unwrap();
    ws.write_string(1, 0, format!("Đơn vị: {}", other.name)).unwrap();
    for (c, t) in ["STT", "Nội dung", "Điểm tối đa", "Điểm tự chấm"].iter().enumerate() {
        ws.write_string(3, c as u16, *t).unwrap();
    }
    let scores = sample::scores(&framework, &other.code, 1, year);
    for (i, c) in framework.criteria.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, &c.code).unwrap();
        ws.write_string(r, 1, &c.title).unwrap();
        ws.write_number(r, 2, c.max.as_f64()).unwrap();
        if c.leaf && i == leaf {
            ws.write_string(r, 3, "=1+1").unwrap();
        } else if c.leaf {
            ws.write_number(r, 3, scores[i].as_f64()).unwrap();
        }
    }
    let other_path = dir
        .join("nop")
        .join(thidua::write::names::slug(&registry.blocs[b2].name))
        .join(format!("{}.xlsx", thidua::write::names::slug(&other.name)));
    std::fs::write(&other_path, wb.save_to_buffer().unwrap()).unwrap();
    std::fs::write(dir.join("nop/Bảng điểm lạ.xlsx"), b"not a workbook at all").unwrap();
    (
        tmp,
        dir,
        thidua::write::names::unit_file_stem(&unit.name, &unit.code),
        thidua::write::names::unit_file_stem(&other.name, &other.code),
    )
}

fn result_year(dir: &Path) -> i32 {
    let text = std::fs::read_to_string(dir.join("thidua.toml")).unwrap();
    text.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("year")
                .map(|v| v.trim_start_matches([' ', '=']).trim())
        })
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .expect("year in thidua.toml")
}

#[test]
fn feedback_workbooks_show_rejected_values_and_messages() {
    let (_tmp, dir, over_stem, text_stem) = bad_folder();
    let out = thidua(&["run", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let json = result_json(&dir);
    let issue = |code: &str| {
        json["issues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap_or_else(|| panic!("no {code} issue"))
            .clone()
    };

    // Over the maximum: the value at its own cell, highlighted, explained.
    let over = issue("score.over-max");
    let path = dir.join("out/phan-hoi").join(format!("{over_stem}.xlsx"));
    assert!(path.is_file(), "{}", path.display());
    let names = sheet_names(&path);
    assert_eq!(names, ["Cần sửa", "Tự chấm điểm"]);
    let list = sheet_rows(&path, "Cần sửa");
    let message = over["message"].as_str().unwrap();
    let cell = over["cell"].as_str().unwrap();
    assert!(list.iter().any(|r| r.iter().any(|c| text(c) == message)), "{list:?}");
    assert!(list.iter().any(|r| r.iter().any(|c| text(c) == cell)));
    let (row, column) = crate::common::parse_a1(cell).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("Tự chấm điểm").unwrap();
    let framework = sample::framework();
    let leaf = framework.leaves().next().unwrap();
    let rejected = (framework.criteria[leaf].max + Points(500)).as_f64();
    assert_eq!(range.get_value((row, column as u32)), Some(&Data::Float(rejected)));
    let beside: Vec<String> = (column as u32 + 1..range.end().unwrap().1 + 1)
        .filter_map(|c| range.get_value((row, c)).map(text))
        .collect();
    assert!(beside.iter().any(|t| t.contains(message)), "{beside:?}");
    let files = zip_files(&path);
    let comments: String = files
        .iter()
        .filter(|(n, _)| n.starts_with("xl/comments"))
        .map(|(_, x)| element_texts(x, "t").join(""))
        .collect();
    assert!(comments.contains(message), "note: {comments}");
    let xml = &files[&sheet_part(&files, "Tự chấm điểm")];
    let style = elements(xml, "c").into_iter().find(|c| c["r"] == cell).unwrap()["s"]
        .parse::<usize>()
        .unwrap();
    assert!(
        fill_of(&files["xl/styles.xml"], style).contains("FFC7CE"),
        "not highlighted"
    );

    // Text that looks like a formula stays text.
    let not_number = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "score.not-number")
        .expect("score.not-number")
        .clone();
    let path = dir.join("out/phan-hoi").join(format!("{text_stem}.xlsx"));
    let (row, column) = crate::common::parse_a1(not_number["cell"].as_str().unwrap()).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    let range = wb.worksheet_range("Bang diem").unwrap();
    assert_eq!(
        range.get_value((row, column as u32)),
        Some(&Data::String("=1+1".into()))
    );
    let files = zip_files(&path);
    for (name, xml) in files.iter().filter(|(n, _)| n.starts_with("xl/worksheets/sheet")) {
        assert!(element_texts(xml, "f").is_empty(), "{name} has a formula");
    }

    // A file with no table: a sheet that explains, named after the file.
    let unreadable = issue("file.unreadable");
    let path = dir.join("out/phan-hoi/bang-diem-la.xlsx");
    assert_eq!(sheet_names(&path), ["Cần sửa"]);
    let list = sheet_rows(&path, "Cần sửa");
    let all: Vec<String> = list.iter().flatten().map(text).collect();
    assert!(all.contains(&unreadable["message"].as_str().unwrap().to_string()));
    assert!(all.iter().any(|t| t.contains("nop/Bảng điểm lạ.xlsx")), "{all:?}");

    // tong-hop links each issue to its file and its feedback workbook.
    let tong_hop = dir.join("out/tong-hop.xlsx");
    let files = zip_files(&tong_hop);
    let part = sheet_part(&files, "Kiểm tra");
    let rels_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels";
    let targets: Vec<String> = elements(&files[&rels_name], "Relationship")
        .into_iter()
        .map(|r| r["Target"].clone())
        .collect();
    let source = over["file"].as_str().unwrap();
    assert!(targets.iter().any(|t| t == &format!("../{source}")), "{targets:?}");
    assert!(
        targets.iter().any(|t| t == &format!("phan-hoi/{over_stem}.xlsx")),
        "{targets:?}"
    );
    let rows = sheet_rows(&tong_hop, "Tổng hợp");
    let header = &rows[0];
    let code = over["unit"].as_str().unwrap();
    let row = rows
        .iter()
        .find(|r| text(&r[col(header, "Mã đơn vị")]) == code)
        .unwrap();
    assert!(text(&row[col(header, "Ghi chú")]).contains("có lỗi"));
    let inputs = sheet_rows(&tong_hop, "Nộp bài");
    let h = &inputs[0];
    let row = inputs
        .iter()
        .find(|r| text(&r[col(h, "Tệp")]) == "nop/Bảng điểm lạ.xlsx")
        .unwrap();
    assert_eq!(text(&row[col(h, "Tình trạng tệp")]), "Bị loại");

    // Fixed inputs lose their stale feedback on the next run.
    std::fs::remove_file(dir.join("nop/Bảng điểm lạ.xlsx")).unwrap();
    thidua(&["run", dir.to_str().unwrap()]);
    assert!(!dir.join("out/phan-hoi/bang-diem-la.xlsx").exists());
}

/// The fill colour (rgb) of a cellXfs entry.
fn fill_of(styles: &str, xf: usize) -> String {
    let start = styles.find("<cellXfs").unwrap();
    let end = styles.find("</cellXfs>").unwrap() + "</cellXfs>".len();
    let xfs = elements(&styles[start..end], "xf");
    let fill: usize = xfs[xf].get("fillId").map(|f| f.parse().unwrap()).unwrap_or(0);
    let fills_start = styles.find("<fills").unwrap();
    let fills_end = styles.find("</fills>").unwrap();
    let fills: Vec<&str> = styles[fills_start..fills_end].split("<fill>").skip(1).collect();
    fills.get(fill).map(|f| f.to_string()).unwrap_or_default()
}
