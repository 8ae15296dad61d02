//! The reader on members' workbooks as they really come: the committed
//! fixtures in tests/fixtures/ (made by tests/fixtures/make_fixtures.py, some
//! saved by LibreOffice) and hostile files built here in code.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A sample working folder whose `nop/` holds only what the test puts there.
fn empty_folder() -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = Folder::sample().into_parts();
    std::fs::remove_dir_all(dir.join("nop")).unwrap();
    std::fs::create_dir_all(dir.join("nop")).unwrap();
    (tmp, dir)
}

fn check_json(dir: &Path) -> (i32, Value) {
    let out = thidua(&["check", dir.to_str().unwrap(), "--json"]);
    let json = serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (code(&out), json)
}

fn issues_of<'a>(json: &'a Value, file: &str) -> Vec<&'a Value> {
    json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file"] == file)
        .collect()
}

/// Asserts one issue with this code at this place (`cell` None: no cell).
fn assert_issue(json: &Value, code: &str, file: &str, sheet: Option<&str>, cell: Option<&str>) {
    let found = issues_of(json, file).into_iter().any(|i| {
        i["code"] == code
            && i["sheet"].as_str() == sheet
            && i["cell"].as_str() == cell
            && i["message"].as_str().is_some_and(|m| !m.is_empty())
    });
    assert!(
        found,
        "no {code} at {file} › {sheet:?} › {cell:?}; issues of the file: {:#?}",
        issues_of(json, file)
    );
}

fn unit<'a>(json: &'a Value, code: &str) -> &'a Value {
    json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["units"].as_array().unwrap())
        .find(|u| u["code"] == code)
        .unwrap_or_else(|| panic!("unit {code}"))
}

fn input<'a>(json: &'a Value, file: &str) -> &'a Value {
    json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == file)
        .unwrap_or_else(|| panic!("input {file}"))
}

/// The fixture set in one folder, plus a duplicate pair, an old-year form,
/// a zip bomb and clutter that is not a submission.
fn fixture_folder() -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = Folder::sample().into_parts();
    let nop = dir.join("nop");
    // Keep one sample submission to copy twice (unit.duplicate).
    let noi_vu = std::fs::read(nop.join("khoi-thi-dua-cac-co-quan-noi-chinh/so-noi-vu.xlsx")).unwrap();
    std::fs::remove_dir_all(&nop).unwrap();
    std::fs::create_dir_all(nop.join("trung")).unwrap();
    std::fs::write(nop.join("trung/so-noi-vu-1.xlsx"), &noi_vu).unwrap();
    std::fs::write(nop.join("trung/so-noi-vu-2.xlsx"), &noi_vu).unwrap();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.extension().is_some_and(|e| e != "py") {
            std::fs::copy(&path, nop.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(nop.join("bieu-mau-cu.xlsx"), old_form()).unwrap();
    std::fs::write(nop.join("bom-nen.xlsx"), zip_bomb()).unwrap();
    std::fs::write(nop.join("~$loi-diem.xlsx"), b"lock").unwrap();
    std::fs::write(nop.join("Thumbs.db"), b"thumbs").unwrap();
    std::fs::write(nop.join("ghi-chu.txt"), "ghi chú").unwrap();
    (tmp, dir)
}

/// A form of `thidua forms` for Sở Tài chính, made for another year.
fn old_form() -> Vec<u8> {
    filled_form(thidua::sample::ECONOMIC_BLOC, "KT01", "Sở Tài chính", 1999)
}

/// A filled form of `thidua forms` for one unit and year.
fn filled_form(bloc: &str, unit_code: &str, unit_name: &str, year: i32) -> Vec<u8> {
    use thidua::write::forms::{form_workbook, FormSpec};
    let framework = thidua::sample::framework();
    let scores = thidua::sample::scores(&framework, unit_code, thidua::sample::strength(0), year);
    form_workbook(&FormSpec {
        bloc,
        unit_code,
        unit_name,
        year,
        date: thidua::calendar::Date {
            year,
            month: 12,
            day: 1,
        },
        framework: &framework,
        filled: Some(&scores),
    })
    .unwrap()
}

#[test]
fn fixture_set_gives_every_issue_code_at_its_place() {
    let (_tmp, dir) = fixture_folder();
    let (exit, json) = check_json(&dir);
    assert_eq!(exit, 1, "errors in the inputs give exit code 1");
    let sheet = Some("Tự chấm điểm");
    let f = |name: &str| format!("nop/{name}");
    // Files that cannot be read.
    assert_issue(&json, "file.unreadable", &f("khong-phai-bang-tinh.xlsx"), None, None);
    assert_issue(&json, "file.unreadable", &f("cat-ngang.xlsx"), None, None);
    assert_issue(&json, "file.encrypted", &f("mat-khau.xlsx"), None, None);
    assert_issue(&json, "file.too-large", &f("bom-nen.xlsx"), None, None);
    assert_issue(&json, "table.not-found", &f("khong-co-bang.xlsx"), None, None);
    // The unit: a misspelt name, with the nearest one suggested.
    assert_issue(&json, "unit.unknown", &f("don-vi-la.xlsx"), sheet, Some("A3"));
    let unknown = issues_of(&json, &f("don-vi-la.xlsx"))[0]["message"].as_str().unwrap();
    assert!(unknown.contains("Sở Y tế"), "{unknown}");
    assert_issue(&json, "unit.duplicate", &f("trung/so-noi-vu-1.xlsx"), None, None);
    assert_issue(&json, "unit.duplicate", &f("trung/so-noi-vu-2.xlsx"), None, None);
    assert_eq!(unit(&json, "NC08")["status"], "rejected");
    let missing = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "unit.missing" && i["unit"] == "DG01")
        .expect("unit.missing for DG01");
    assert!(missing["file"].is_null());
    // Every score problem of loi-diem at its own cell: the workbook as Excel saved it, and re-saved by LibreOffice as .xls
    // and .ods: there the formula with no cached value was recalculated to
    // #DIV/0!, still an error at the same cells.
    for (file, code) in [
        ("loi-diem.xlsx", "VX02"),
        ("loi-diem.xls", "VX04"),
        ("loi-diem.ods", "VX06"),
    ] {
        let bad = f(file);
        assert_issue(&json, "score.blank", &bad, sheet, Some("D9"));
        assert_issue(&json, "score.not-number", &bad, sheet, Some("D10"));
        assert_issue(&json, "score.negative", &bad, sheet, Some("D12"));
        assert_issue(&json, "score.over-max", &bad, sheet, Some("D13"));
        assert_issue(&json, "score.formula-error", &bad, sheet, Some("D14"));
        assert_issue(&json, "score.formula-error", &bad, sheet, Some("D16"));
        assert_issue(&json, "score.decimal-comma", &bad, sheet, Some("D17"));
        assert_issue(&json, "criterion.unknown", &bad, sheet, Some("A31"));
        assert_issue(&json, "criterion.missing", &bad, sheet, None);
        assert_issue(&json, "total.mismatch", &bad, sheet, Some("D32"));
        assert_eq!(unit(&json, code)["status"], "rejected");
    }
    // Warnings that keep a submission.
    assert_issue(&json, "score.decimal-comma", &f("dau-phay.xlsx"), sheet, Some("D8"));
    assert_issue(&json, "score.decimal-comma", &f("dau-phay.xlsx"), sheet, Some("D13"));
    assert_issue(&json, "framework.mismatch", &f("bieu-mau-cu.xlsx"), sheet, None);
    assert_issue(&json, "text.legacy-encoding", &f("tcvn3.xlsx"), sheet, Some("A1"));
    let legacy = issues_of(&json, &f("tcvn3.xlsx"));
    assert_eq!(legacy.len(), 1, "one legacy warning per file: {legacy:#?}");
    // Every contract code but the vote and tie ones appears.
    let codes: std::collections::BTreeSet<&str> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    for code in [
        "file.unreadable",
        "file.encrypted",
        "file.too-large",
        "table.not-found",
        "unit.unknown",
        "unit.duplicate",
        "unit.missing",
        "criterion.missing",
        "criterion.unknown",
        "score.blank",
        "score.not-number",
        "score.negative",
        "score.over-max",
        "score.formula-error",
        "score.decimal-comma",
        "total.mismatch",
        "framework.mismatch",
        "text.legacy-encoding",
    ] {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
    // Clutter is listed, ignored, without an issue.
    for clutter in ["~$loi-diem.xlsx", "Thumbs.db", "ghi-chu.txt"] {
        assert_eq!(input(&json, &f(clutter))["status"], "ignored", "{clutter}");
        assert!(issues_of(&json, &f(clutter)).is_empty());
    }
}

#[test]
fn real_formats_and_member_layouts_are_scored_exactly() {
    let (_tmp, dir) = fixture_folder();
    let (_, json) = check_json(&dir);
    // Every leaf at its maximum minus 0.25, bonus 1 + 1, deduction 0.5.
    let full = |code: &str| -> f64 { unit(&json, code)["final"]["total"].as_f64().unwrap() };
    for (code, file) in [
        ("NC07", "nfd.xlsx"),
        ("NC04", "tcvn3.xlsx"),
        ("NC02", "libreoffice.xls"),
        ("NC03", "libreoffice.ods"),
    ] {
        assert_eq!(unit(&json, code)["status"], "scored", "{file}");
        assert_eq!(full(code), 98.0, "{file}");
        assert_eq!(unit(&json, code)["final"]["standard"].as_f64(), Some(96.5), "{file}");
        assert_eq!(input(&json, &format!("nop/{file}"))["status"], "accepted", "{file}");
        assert_eq!(input(&json, &format!("nop/{file}"))["unit"], code, "{file}");
    }
    // Decimal commas read as numbers: I.1 19,5 instead of 19,75.
    assert_eq!(full("VX01"), 97.75);
    // A two-row header with an appraisal column: self kept, final appraised.
    let police = unit(&json, "NC05");
    assert_eq!(police["self"]["total"].as_f64(), Some(98.0));
    assert_eq!(police["final"]["total"].as_f64(), Some(95.5));
    // The old-year form is still read by code.
    assert_eq!(unit(&json, "KT01")["status"], "scored");
}

/// Two workbooks of shared/bench/perfset.py (members' own layout: title
/// rows, header on row 6, group rows with formulas, shared strings) with
/// its registry, framework and expected totals, committed under
/// tests/fixtures/perfset/ (`perfset.py tests/fixtures/perfset 2 7`).
#[test]
fn perfset_workbooks_score_as_expected() {
    let tmp = tempdir();
    let dir = tmp.path().join("perfset");
    let out = thidua(&["init", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let set = fixtures().join("perfset");
    for name in ["don-vi.xlsx", "tieu-chi.xlsx"] {
        std::fs::copy(set.join(name), dir.join(name)).unwrap();
    }
    let mut files = 0;
    for entry in std::fs::read_dir(set.join("nop")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("nop").join(path.file_name().unwrap())).unwrap();
        files += 1;
    }
    let (exit, json) = check_json(&dir);
    assert_eq!(exit, 0, "{:#?}", json["issues"]);
    assert_eq!(json["issues"], serde_json::json!([]));
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(set.join("expected.json")).unwrap()).unwrap();
    let expected = expected.as_object().unwrap();
    assert_eq!(expected.len(), files);
    for (code, want) in expected {
        let got = unit(&json, code);
        assert_eq!(got["status"], "scored", "{code}");
        for key in ["standard", "bonus", "deduction", "total"] {
            let want = thidua::model::Points::parse(want[key].as_str().unwrap()).unwrap().0;
            let have = thidua::model::Points::from_f64(got["final"][key].as_f64().unwrap()).unwrap();
            assert_eq!(have, want, "{code} {key}");
        }
    }
}

#[test]
fn check_json_and_run_report_the_same_issues() {
    let (_tmp, dir) = fixture_folder();
    let (_, checked) = check_json(&dir);
    assert!(!dir.join("out").exists(), "check writes nothing");
    let out = thidua(&["run", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let ran = result_json(&dir);
    assert_eq!(checked["issues"], ran["issues"]);
    assert_eq!(checked["inputs"], ran["inputs"]);
    // The human summary of check lists each issue as file › sheet › cell.
    let human = thidua(&["check", dir.to_str().unwrap()]);
    let text = stdout(&human);
    assert!(text.contains("nop/loi-diem.xlsx › Tự chấm điểm › D13: "), "{text}");
    assert!(text.contains("bị từ chối"), "{text}");
}

// ---------------------------------------------------------------------------
// Hostile inputs, built in code and kept small on disk.

/// A minimal .xlsx package around one sheet's XML (and shared strings).
fn xlsx(sheet: &str, shared: Option<&str>) -> Vec<u8> {
    let mut parts: Vec<(&str, Vec<u8>)> = vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec(),
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_vec(),
        ),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes().to_vec()),
    ];
    if let Some(shared) = shared {
        parts.push(("xl/sharedStrings.xml", shared.as_bytes().to_vec()));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// A workbook whose sheet part is 16 MB of zeros deflated to a few KB.
fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..16 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A workbook whose directory claims a 4 GB sheet part.
fn declared_huge() -> Vec<u8> {
    let mut bytes = xlsx(&format!("{SHEET_HEAD}<sheetData/></worksheet>"), None);
    let name = b"xl/worksheets/sheet1.xml";
    // Central directory header: signature, then the uncompressed size at 24
    // and the name at 46; local header: size at 22, name at 30.
    for (sig, size_at, name_at) in [(b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)] {
        let at = (0..bytes.len() - 50)
            .find(|&i| &bytes[i..i + 4] == sig && &bytes[i + name_at..i + name_at + name.len()] == name)
            .unwrap();
        bytes[at + size_at..at + size_at + 4].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
    }
    bytes
}

/// Entity expansion ("billion laughs") in the shared strings.
fn billion_laughs() -> Vec<u8> {
    let mut dtd = String::from(r#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">"#);
    for i in 1..10 {
        let prev = format!("&l{};", i - 1).repeat(10);
        dtd.push_str(&format!(r#"<!ENTITY l{i} "{prev}">"#));
    }
    dtd.push_str(r#"]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&l9;</t></si></sst>"#);
    let sheet =
        format!(r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#);
    xlsx(&sheet, Some(&dtd))
}

/// The same expansion inside an inline string of the sheet.
fn billion_laughs_in_sheet() -> Vec<u8> {
    let mut doc = String::from(r#"<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">"#);
    for i in 1..10 {
        doc.push_str(&format!(r#"<!ENTITY l{i} "{}">"#, format!("&l{};", i - 1).repeat(10)));
    }
    doc.push_str(r#"]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>"#);
    xlsx(&doc, None)
}

/// Values in A1 and XFD1048576: a used range of the whole grid.
fn whole_grid() -> Vec<u8> {
    let sheet = format!(
        r#"{SHEET_HEAD}<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
    );
    xlsx(&sheet, None)
}

/// 200,000 nested elements inside a cell; unclosed, the part ends inside them.
fn deeply_nested(closed: bool) -> Vec<u8> {
    let depth = 200_000;
    let open = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" t="inlineStr"><is>{}"#,
        "<r>".repeat(depth)
    );
    let sheet = if closed {
        format!("{open}{}</is></c></row></sheetData></worksheet>", "</r>".repeat(depth))
    } else {
        open
    };
    xlsx(&sheet, None)
}

/// Tags that do not close.
fn malformed() -> Vec<u8> {
    let sheet = format!(r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData>"#);
    xlsx(&sheet, None)
}

fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend((data.len() as u16).to_le_bytes());
    v.extend(data);
    v
}

/// A CFB container holding a Workbook stream.
fn xls(stream: &[u8]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook").unwrap().write_all(stream).unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// An .xls whose DIMENSIONS record claims four billion rows.
fn xls_huge_dimensions() -> Vec<u8> {
    let mut s = biff(0x0809, &[0; 16]);
    let mut d = 0u32.to_le_bytes().to_vec();
    d.extend(u32::MAX.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(256u16.to_le_bytes());
    d.extend([0, 0]);
    s.extend(biff(0x0200, &d));
    s.extend(biff(0x000A, &[]));
    xls(&s)
}

/// An .xls with numbers in A1 and IV65536.
fn xls_far_cells() -> Vec<u8> {
    let mut s = biff(0x0809, &[0; 16]);
    for (row, col) in [(0u16, 0u16), (65535, 255)] {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        s.extend(biff(0x0203, &d));
    }
    s.extend(biff(0x000A, &[]));
    xls(&s)
}

/// An .xlsx encrypted the way Excel stores it: a CFB with EncryptionInfo.
fn encrypted_ooxml() -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0])
        .unwrap();
    file.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0; 64])
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// An .ods whose one row repeats a value across every column and row.
fn ods_repeated() -> Vec<u8> {
    ods(
        r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#,
    )
}

/// A one-sheet .ods around the rows of its table.
fn ods(rows: &str) -> Vec<u8> {
    ods_content(&format!(r#"<table:table table:name="Sheet1">{rows}</table:table>"#))
}

/// An .ods whose content.xml is cut short inside its table (as a damaged
/// copy leaves it): no end tag follows.
fn ods_open_table() -> Vec<u8> {
    let whole = ods_text(
        r#"<table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>"#,
    );
    let cut = whole.find("</table:table>").unwrap();
    ods_package(&whole[..cut])
}

/// A one-sheet .ods with `tables` as its spreadsheet body.
fn ods_content(tables: &str) -> Vec<u8> {
    ods_package(&ods_text(tables))
}

/// The content.xml of an .ods with `tables` as its spreadsheet body.
fn ods_text(tables: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    )
}

/// An .ods package around `content` (its content.xml).
fn ods_package(content: &str) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// What calamine really gives for a formula saved without its result: the
/// reader turns it into `NoCachedValue`, never an empty cell or a 0. A
/// formula whose saved result is the empty string (`t="str"`, as Excel and
/// LibreOffice save `=IF(E9="","",E9*0,5)`) is a blank cell.
#[test]
fn formulas_without_cached_values_are_never_zero() {
    use thidua::read::open;
    use thidua::score_table::Cell;
    let limits = thidua::read::Limits::default();
    let sheet = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1"><f>1+1</f></c><c r="B1" t="str"><f>"x"</f><v></v></c><c r="C1"><f>2+2</f><v>4</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData></worksheet>"#
    );
    let mut book = open(xlsx(&sheet, None), &limits).unwrap();
    let s = book.sheet("Sheet1").unwrap();
    assert_eq!(s.cell(0, 0), Some(&Cell::NoCachedValue));
    assert_eq!(s.cell(0, 1), None);
    assert_eq!(s.cell(0, 2), Some(&Cell::Number(4.0)));
    assert_eq!(s.cell(0, 3), Some(&Cell::Error("#DIV/0!".into())));
    // As LibreOffice writes an error result (see tests/fixtures/loi-diem.ods).
    let rows = r#"<table:table-row><table:table-cell table:formula="of:=1+1"/><table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row>"#;
    let mut book = open(ods(rows), &limits).unwrap();
    let s = book.sheet("Sheet1").unwrap();
    assert_eq!(s.cell(0, 0), Some(&Cell::NoCachedValue));
    assert_eq!(s.cell(0, 1), Some(&Cell::Error("#DIV/0!".into())));
    assert_eq!(s.cell(0, 2), Some(&Cell::Number(3.0)));
    // LibreOffice's own form of an empty-string result: no value type
    // around an empty paragraph. A blank, as LibreOffice shows it.
    let rows = r#"<table:table-row><table:table-cell table:formula="of:=IF([.B1]=&quot;&quot;;&quot;&quot;;[.B1]*0.5)"><text:p/></table:table-cell><table:table-cell/><table:table-cell table:formula="of:=1+1"/></table:table-row>"#;
    let mut book = open(ods(rows), &limits).unwrap();
    let s = book.sheet("Sheet1").unwrap();
    assert_eq!(s.cell(0, 0), None);
    assert_eq!(s.cell(0, 2), Some(&Cell::NoCachedValue));
}

#[test]
fn hostile_inputs_end_as_issues_not_crashes() {
    let (_tmp, dir) = empty_folder();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bom-nen.xlsx", zip_bomb(), "file.too-large"),
        ("khai-khong-lo.xlsx", declared_huge(), "file.too-large"),
        ("ca-luoi.xlsx", whole_grid(), "file.too-large"),
        ("tiec-cuoi.xlsx", billion_laughs(), "file.unreadable"),
        ("tiec-cuoi-sheet.xlsx", billion_laughs_in_sheet(), "file.unreadable"),
        // Well-formed nesting is harmless (the XML reader is not recursive):
        // the sheet simply holds no table.
        ("long-sau.xlsx", deeply_nested(true), "table.not-found"),
        ("long-sau-ho.xlsx", deeply_nested(false), "file.unreadable"),
        ("the-hong.xlsx", malformed(), "file.unreadable"),
        ("kich-thuoc.xls", xls_huge_dimensions(), "file.too-large"),
        ("o-xa.xls", xls_far_cells(), "file.too-large"),
        ("lap-lai.ods", ods_repeated(), "file.too-large"),
        // calamine reads a sheet until its end tag, past the end of the file
        // (found by the fuzz harness: it hung).
        ("bang-khong-dong.ods", ods_open_table(), "file.unreadable"),
        ("ma-hoa.xlsx", encrypted_ooxml(), "file.encrypted"),
    ];
    for (name, bytes, _) in &cases {
        assert!(bytes.len() < 200_000, "{name} is {} bytes on disk", bytes.len());
        std::fs::write(dir.join("nop").join(name), bytes).unwrap();
    }
    let (exit, json) = check_json(&dir);
    assert_eq!(exit, 1);
    for (name, _, expected) in &cases {
        let file = format!("nop/{name}");
        let issues = issues_of(&json, &file);
        assert_eq!(issues.len(), 1, "{name}: {issues:#?}");
        assert_eq!(issues[0]["code"], *expected, "{name}: {issues:#?}");
        assert_eq!(input(&json, &file)["status"], "rejected");
    }
}

#[test]
fn no_fixture_makes_the_process_panic() {
    let (_tmp, dir) = fixture_folder();
    for (name, bytes) in [
        ("a.xlsx", billion_laughs()),
        ("b.xls", xls_far_cells()),
        ("c.ods", ods_repeated()),
    ] {
        std::fs::write(dir.join("nop").join(name), bytes).unwrap();
    }
    // Every committed fixture truncated at several lengths, too.
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let Some(ext) = path.extension().and_then(|e| e.to_str()).filter(|e| *e != "py") else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        for cut in [bytes.len() / 3, bytes.len() * 2 / 3, bytes.len().saturating_sub(1)] {
            let stem = path.file_stem().unwrap().to_str().unwrap();
            std::fs::write(dir.join("nop").join(format!("cut-{cut}-{stem}.{ext}")), &bytes[..cut]).unwrap();
        }
    }
    for args in [vec!["check", "--json"], vec!["run", "--json"]] {
        let mut full = args.clone();
        full.insert(1, dir.to_str().unwrap());
        let out = thidua(&full);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(code(&out), 1, "{err}");
        let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
        for i in json["inputs"].as_array().unwrap() {
            let file = i["file"].as_str().unwrap();
            if file.contains("/cut-") {
                assert_ne!(i["status"], "accepted", "{file}");
            }
        }
    }
}

/// Found in review of the direct .xlsx reader, each checked against what
/// calamine reads from the same package.
#[test]
fn review_findings_read_as_calamine_does() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use thidua::read::open;
    use thidua::score_table::Cell;
    let limits = thidua::read::Limits::default();
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>a_x000D_
b</t></si><si><t>c&#13;d_x005F_x0009_</t></si></sst>"#;
    let sheet = format!(
        "{SHEET_HEAD}<sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>\
         <c r=\"C1\" t=\"str\"><v>x_x0009_y</v></c><c r=\"D1\" t=\"b\"><v>true</v></c>\
         <c r=\"E1\" t=\"inlineStr\"><v>zz</v><is><t>ab</t><rPh sb=\"0\" eb=\"1\"><t>PH</t></rPh></is></c>\
         <c r=\"F1\" t=\"str\"><v>r\r\ns\rt</v></c></row>\
         <row/><row><c><v>2</v></c></row>\
         <row xmlns:r=\"urn:x\" r=\"6\"><c><v>6</v></c></row>\
         </sheetData></worksheet>"
    );
    let bytes = xlsx(&sheet, Some(shared));
    let mut book = open(bytes.clone(), &limits).unwrap();
    let ours = book.sheet("Sheet1").unwrap();
    let mut theirs: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = theirs.worksheet_range("Sheet1").unwrap();
    let start = range.start().unwrap();
    let text = |s: &str| Cell::Text(s.into());
    let expected = [
        ((0, 0), text("a\r\nb")),
        ((0, 1), text("c\rd_x0009_")),
        ((0, 2), text("x\ty")),
        ((0, 3), Cell::Bool(true)),
        ((0, 4), text("ab")),
        ((0, 5), text("r\ns\nt")),
        ((2, 0), Cell::Number(2.0)),
        ((5, 0), Cell::Number(6.0)),
    ];
    for ((r, c), want) in expected {
        assert_eq!(ours.cell(r, c), Some(&want), "ours at ({r}, {c})");
        let cal = range.get_value((r - start.0, c - start.1)).cloned();
        let cal = match cal {
            Some(Data::String(s)) => text(&s),
            Some(Data::Bool(b)) => Cell::Bool(b),
            Some(Data::Float(f)) => Cell::Number(f),
            Some(Data::Int(i)) => Cell::Number(i as f64),
            other => panic!("calamine at ({r}, {c}): {other:?}"),
        };
        assert_eq!(cal, want, "calamine at ({r}, {c})");
    }
}

/// A row number at the very end of the grid does not wrap the next rows
/// around to the top, and the sheet's extent is still measured.
#[test]
fn last_row_of_the_grid_does_not_wrap() {
    use thidua::read::open;
    let limits = thidua::read::Limits::default();
    let sheet = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c><v>1</v></c></row><row r="4294967295"></row><row><c><v>2</v></c></row></sheetData></worksheet>"#
    );
    // The value after the last row lands on the last row, so the sheet
    // spans the whole grid and is refused, as a stray far value is.
    let read = open(xlsx(&sheet, None), &limits).unwrap().sheet("Sheet1");
    assert!(matches!(read, Err(thidua::read::ReadFailure::TooLarge(_))), "{read:?}");
}

/// A workbook whose styles name a Chinese or Korean font (the defaults of
/// Excel in those languages) opens like any other.
#[test]
fn cjk_font_names_in_styles_do_not_stop_the_reader() {
    use thidua::read::open;
    use thidua::score_table::Cell;
    let limits = thidua::read::Limits::default();
    let styles = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><name val="宋体"/></font><font><name val="맑은 고딕"/></font></fonts><cellXfs count="2"><xf fontId="0"/><xf fontId="1"/></cellXfs></styleSheet>"#;
    let sheet = format!(
        r#"{SHEET_HEAD}<sheetData><row r="1"><c r="A1" s="1" t="inlineStr"><is><t>Sở Y tế</t></is></c></row></sheetData></worksheet>"#
    );
    let bytes = with_part(xlsx(&sheet, None), "xl/styles.xml", styles, true);
    let mut book = open(bytes, &limits).unwrap();
    assert_eq!(
        book.sheet("Sheet1").unwrap().cell(0, 0),
        Some(&Cell::Text("Sở Y tế".into()))
    );
}

/// Adds a part to a package (and, for styles, its relationship).
fn with_part(bytes: Vec<u8>, name: &str, content: &str, styles: bool) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let entry_name = entry.name().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
        if styles && entry_name == "xl/_rels/workbook.xml.rels" {
            let text = String::from_utf8(data).unwrap().replace(
                "</Relationships>",
                r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
            );
            data = text.into_bytes();
        }
        zip.start_file(entry_name, options).unwrap();
        zip.write_all(&data).unwrap();
    }
    zip.start_file(name, options).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A member copied the form's sheet to try other scores and left the copy
/// first in the workbook: both name the year, both are visible; the form's
/// own sheet (named by its metadata) is read, the copy set aside, and
/// `table.choice` says so at the score column's title, Tự chấm điểm!D6.
#[test]
fn the_forms_own_sheet_is_read_over_a_copy() {
    let folder = Folder::sample();
    let registry = thidua::sample::registry();
    let (bloc, unit) = (&registry.blocs[0], &registry.blocs[0].units[1]);
    let mut parts = unzip(&filled_form(&bloc.name, &unit.code, &unit.name, 2026)).unwrap();
    let mut edit = |name: &str, from: &str, to: &str| {
        let part = parts.iter_mut().find(|(n, _)| n == name).unwrap();
        let text = String::from_utf8(part.1.clone()).unwrap();
        assert!(text.contains(from), "{name}");
        part.1 = text.replacen(from, to, 1).into_bytes();
    };
    edit(
        "xl/workbook.xml",
        "<sheets>",
        r#"<sheets><sheet name="Tự chấm điểm (2)" sheetId="9" r:id="rId99"/>"#,
    );
    edit(
        "xl/_rels/workbook.xml.rels",
        "</Relationships>",
        r#"<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet9.xml"/></Relationships>"#,
    );
    edit(
        "[Content_Types].xml",
        "</Types>",
        r#"<Override PartName="/xl/worksheets/sheet9.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    let copy = parts
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .unwrap()
        .1
        .clone();
    parts.push(("xl/worksheets/sheet9.xml".into(), copy));
    let nop = folder.dir.join("nop");
    std::fs::remove_dir_all(&nop).unwrap();
    std::fs::create_dir_all(&nop).unwrap();
    std::fs::write(nop.join("ban-sao-sheet.xlsx"), rezip(&parts)).unwrap();

    let out = folder.run("check", &["--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let input = &json["inputs"][0];
    assert_eq!(input["status"], "accepted", "{json}");
    assert_eq!(input["unit"], unit.code.as_str());
    assert_eq!(input["table"]["sheet"], "Tự chấm điểm");
    assert_eq!(input["table"]["self"], "D");
    let choices: Vec<&Value> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "table.choice")
        .collect();
    assert_eq!(choices.len(), 1, "{json}");
    assert_eq!(choices[0]["sheet"], "Tự chấm điểm");
    assert_eq!(choices[0]["cell"], "D6");
    let message = choices[0]["message"].as_str().unwrap();
    assert!(
        message.contains("Tự chấm điểm (2)") && message.contains("không phải sheet của biểu mẫu"),
        "{message}"
    );
}
