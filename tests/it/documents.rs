//! The báo cáo and tờ trình of every bloc (docs/thu-muc-lam-viec.md), read back: unzip, parse
//! the XML, and check the layout of Nghị định 30/2020 and the content; then
//! through LibreOffice to PDF.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::*;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One unzipped .docx: its parts by name.
pub(crate) struct Docx {
    path: PathBuf,
    parts: BTreeMap<String, String>,
}

impl Docx {
    pub(crate) fn open(path: &Path) -> Docx {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            assert_eq!(
                entry.compression(),
                zip::CompressionMethod::Deflated,
                "{} is stored uncompressed in {}",
                entry.name(),
                path.display()
            );
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            parts.insert(entry.name().to_string(), text);
        }
        Docx {
            path: path.to_path_buf(),
            parts,
        }
    }

    fn part(&self, name: &str) -> &str {
        self.parts
            .get(name)
            .unwrap_or_else(|| panic!("{} has no {name}", self.path.display()))
    }

    fn document(&self) -> Vec<Element> {
        elements(self.part("word/document.xml"))
    }

    /// Text of every paragraph of the body, in order; a line break (`w:br`)
    /// reads as `\n`.
    fn paragraphs(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut current: Option<String> = None;
        for e in self.document() {
            match e {
                Element::Start(name, _) if name == "w:p" => current = Some(String::new()),
                Element::Start(name, _) if name == "w:br" => {
                    if let Some(c) = current.as_mut() {
                        c.push('\n')
                    }
                }
                Element::End(name) if name == "w:p" => out.extend(current.take()),
                Element::Text(t) => {
                    if let Some(c) = current.as_mut() {
                        c.push_str(&t)
                    }
                }
                _ => {}
            }
        }
        out
    }

    pub(crate) fn text(&self) -> String {
        self.paragraphs().join("\n")
    }

    /// Every table of the body: its grid (twips) and the texts of its cells,
    /// row by row.
    pub(crate) fn tables(&self) -> Vec<(Vec<usize>, Vec<Vec<String>>)> {
        let mut out: Vec<(Vec<usize>, Vec<Vec<String>>)> = Vec::new();
        let mut inside = false;
        for e in self.document() {
            match &e {
                Element::Start(n, _) if n == "w:tbl" => {
                    inside = true;
                    out.push((Vec::new(), Vec::new()));
                    continue;
                }
                Element::End(n) if n == "w:tbl" => inside = false,
                _ => {}
            }
            let Some((grid, rows)) = out.last_mut().filter(|_| inside) else {
                continue;
            };
            match e {
                Element::Start(n, a) if n == "w:gridCol" => grid.push(num(&a, "w:w") as usize),
                Element::Start(n, _) if n == "w:tr" => rows.push(Vec::new()),
                Element::Start(n, _) if n == "w:tc" => rows.last_mut().unwrap().push(String::new()),
                Element::Text(t) => {
                    if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                        cell.push_str(&t)
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The XML of the paragraph whose text is `text`.
    fn paragraph_xml(&self, text: &str) -> String {
        let xml = self.part("word/document.xml");
        xml.split("<w:p ")
            .skip(1)
            .map(|p| p.split("</w:p>").next().unwrap())
            .find(|p| {
                let texts: String = elements(&format!("<w:p {p}</w:p>"))
                    .into_iter()
                    .filter_map(|e| match e {
                        Element::Text(t) => Some(t),
                        _ => None,
                    })
                    .collect();
                texts == text
            })
            .unwrap_or_else(|| panic!("{}: no paragraph {text:?}", self.path.display()))
            .to_string()
    }
}

/// A flat list of XML events, enough to check attributes and texts.
#[derive(Debug)]
enum Element {
    Start(String, BTreeMap<String, String>),
    End(String),
    Text(String),
}

fn elements(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let attrs = |e: &quick_xml::events::BytesStart| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => out.push(Element::Start(
                String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                attrs(&e),
            )),
            Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                out.push(Element::Start(name.clone(), attrs(&e)));
                out.push(Element::End(name));
            }
            Event::End(e) => out.push(Element::End(String::from_utf8(e.name().as_ref().to_vec()).unwrap())),
            Event::Text(t) => out.push(Element::Text(t.unescape().unwrap().into_owned())),
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Attributes of every element named `name`.
fn all<'a>(elements: &'a [Element], name: &str) -> Vec<&'a BTreeMap<String, String>> {
    elements
        .iter()
        .filter_map(|e| match e {
            Element::Start(n, a) if n == name => Some(a),
            _ => None,
        })
        .collect()
}

fn num(attrs: &BTreeMap<String, String>, key: &str) -> i64 {
    attrs
        .get(key)
        .unwrap_or_else(|| panic!("no {key} in {attrs:?}"))
        .parse()
        .unwrap()
}

/// Runs the sample once; returns the folder, the JSON result and every
/// (bloc name, report, proposal).
fn sample_run() -> (tempfile::TempDir, PathBuf, serde_json::Value, Vec<(String, Docx, Docx)>) {
    let (tmp, dir) = Folder::sample().into_parts();
    let out = thidua(&["run", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let json = result_json(&dir);
    let docs = json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let name = b["name"].as_str().unwrap().to_string();
            let file = format!("{}.docx", thidua::write::names::slug(&name));
            (
                name,
                Docx::open(&dir.join("out/bao-cao").join(&file)),
                Docx::open(&dir.join("out/to-trinh").join(&file)),
            )
        })
        .collect();
    (tmp, dir, json, docs)
}

#[test]
fn every_bloc_gets_both_documents_in_decree_30_layout() {
    let (_tmp, _dir, json, docs) = sample_run();
    assert_eq!(docs.len(), 4);
    let mut drafts = Vec::new();
    for (b, (bloc, report, proposal)) in docs.iter().enumerate() {
        let bloc_json = &json["blocs"][b];
        for (doc, kind) in [(report, "BC"), (proposal, "TTr")] {
            let body = doc.document();
            // A4 portrait, margins inside Nghị định 30's ranges (twips: 1 mm ≈ 56.7).
            let size = all(&body, "w:pgSz");
            assert_eq!(size.len(), 1);
            assert_eq!((num(size[0], "w:w"), num(size[0], "w:h")), (11_906, 16_838));
            let margin = all(&body, "w:pgMar")[0];
            let mm = |key: &str| num(margin, key) as f64 / 56.693;
            for (key, lo, hi) in [
                ("w:top", 20.0, 25.0),
                ("w:bottom", 20.0, 25.0),
                ("w:left", 30.0, 35.0),
                ("w:right", 15.0, 20.0),
            ] {
                let v = mm(key);
                assert!((lo - 0.05..=hi + 0.05).contains(&v), "{key} = {v} mm");
            }
            // Different first page, page number field in the other header.
            assert_eq!(all(&body, "w:titlePg").len(), 1, "titlePg");
            let headers: Vec<&String> = doc
                .parts
                .iter()
                .filter(|(n, _)| n.starts_with("word/header"))
                .map(|(_, x)| x)
                .collect();
            assert_eq!(headers.len(), 2);
            assert!(
                headers.iter().any(|h| h.contains(">PAGE<")),
                "no PAGE field in the headers"
            );
            // Times New Roman on every run, in every script slot.
            let runs = all(&body, "w:rFonts");
            assert!(runs.len() > 50);
            for fonts in &runs {
                for slot in ["w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"] {
                    assert_eq!(fonts.get(slot).map(String::as_str), Some("Times New Roman"), "{slot}");
                }
            }
            let run_count = body
                .iter()
                .filter(|e| matches!(e, Element::Start(n, _) if n == "w:r"))
                .count();
            assert!(runs.len() >= run_count, "{} runs, {} with fonts", run_count, runs.len());
            let styles = doc.part("word/styles.xml");
            assert!(styles.contains("w:lang w:val=\"vi-VN\""), "no vi-VN language");
            // The letterhead, in order.
            let paragraphs = doc.paragraphs();
            let position = |text: &str| {
                paragraphs
                    .iter()
                    .position(|p| p == text)
                    .unwrap_or_else(|| panic!("{}: no paragraph {text:?} in {paragraphs:#?}", doc.path.display()))
            };
            let parent = position("UBND TỈNH BẮC NINH");
            // Every sample bloc name is too long for one line of the left
            // column: it breaks after "KHỐI THI ĐUA", never at a dash.
            let upper = bloc.to_uppercase();
            let issuer = position(&upper.replacen("KHỐI THI ĐUA ", "KHỐI THI ĐUA\n", 1));
            let nation = position("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
            let motto = position("Độc lập - Tự do - Hạnh phúc");
            let number = position(&format!("Số:      /{kind}-KTĐ"));
            let date = position("Bắc Ninh, ngày 05 tháng 12 năm 2026");
            assert!(parent < issuer && issuer < nation && nation < motto && motto < number && number < date);
            // The letterhead is a borderless table with an explicit grid.
            let grid = all(&body, "w:gridCol");
            assert!(grid.iter().all(|g| num(g, "w:w") > 0));
            let first_grid: i64 = grid.iter().take(2).map(|g| num(g, "w:w")).sum();
            assert_eq!(first_grid, 11_906 - 1_701 - 851);
            // Title and summary.
            let (title, summary) = match kind {
                "BC" => (
                    "BÁO CÁO",
                    "Tổng hợp kết quả tự chấm điểm, xếp loại thi đua năm 2026".to_string(),
                ),
                _ => ("TỜ TRÌNH", "Về việc đề nghị khen thưởng năm 2026".to_string()),
            };
            assert_eq!(position(&summary), position(title) + 1);
            assert!(position(title) > date);
            // Draft mark exactly on incomplete blocs.
            let complete = bloc_json["complete"].as_bool().unwrap();
            let marks = paragraphs.iter().filter(|p| p.contains("DỰ THẢO")).count();
            assert_eq!(marks, usize::from(!complete), "{}", doc.path.display());
            if !complete && kind == "BC" {
                drafts.push(bloc.clone());
            }
            // The foot.
            assert!(paragraphs.iter().any(|p| p == "Nơi nhận:"));
            assert!(paragraphs.iter().any(|p| p == "- Lưu: VT."));
            assert!(paragraphs.iter().any(|p| p == "TRƯỞNG KHỐI"));
            assert!(
                paragraphs
                    .iter()
                    .any(|p| p.replace('\n', " ") == format!("TM. {upper}") && !p.contains("-\n")),
                "{}: signing authority {paragraphs:#?}",
                doc.path.display()
            );
            for p in &paragraphs {
                assert!(!p.contains("-\n") && !p.contains("\n-"), "line broken at a dash: {p:?}");
            }
            // Body paragraphs: justified, indented, at least 6 pt apart.
            let text = doc.text();
            assert!(!text.contains("{{") && !text.contains("{%"), "template residue");
        }
        // Báo cáo: every unit by name, the members' table header repeated.
        let report_text = report.text();
        for unit in bloc_json["units"].as_array().unwrap() {
            let name = unit["name"].as_str().unwrap();
            assert!(report_text.contains(name), "{bloc}: report misses {name}");
        }
        let body = report.document();
        assert_eq!(all(&body, "w:tblHeader").len(), 1, "one repeated header row");
        for title in [
            "STT",
            "Đơn vị",
            "Điểm tự chấm",
            "Điểm thưởng",
            "Điểm trừ",
            "Tổng điểm",
            "Xếp hạng",
            "Xếp loại",
        ] {
            assert!(
                report.paragraphs().iter().any(|p| p == title),
                "{bloc}: no column {title}"
            );
        }
        for heading in ["V. ĐÁNH GIÁ CHUNG", "VI. PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2027"] {
            assert!(report.paragraphs().iter().any(|p| p == heading), "{bloc}: no {heading}");
        }
        if let Some(next) = bloc_json["next_leader"].as_str() {
            assert!(report_text.contains(next));
        }
        // Tờ trình: Kính gửi, legal bases, every proposed unit, the annex.
        let paragraphs = proposal.paragraphs();
        let to = paragraphs
            .iter()
            .position(|p| p == "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Bắc Ninh")
            .expect("Kính gửi");
        let bases: Vec<&String> = paragraphs[to + 1..]
            .iter()
            .take_while(|p| p.starts_with("Căn cứ "))
            .collect();
        assert_eq!(bases.len(), 4);
        assert!(bases[..3].iter().all(|b| b.ends_with(';')));
        assert!(bases[3].ends_with('.'));
        let annex = paragraphs
            .iter()
            .position(|p| p == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
            .expect("annex title");
        assert_eq!(
            paragraphs[annex + 1],
            format!("(Kèm theo Tờ trình số      /TTr-KTĐ ngày 05 tháng 12 năm 2026 của {bloc})")
        );
        let annex_text = paragraphs[annex..].join("\n");
        let mut proposed = 0;
        for unit in bloc_json["units"].as_array().unwrap() {
            if let Some(award) = unit["award"].as_str() {
                proposed += 1;
                let name = unit["name"].as_str().unwrap();
                assert!(annex_text.contains(name), "{bloc}: annex misses {name}");
                assert!(annex_text.contains(award));
                assert!(paragraphs[..annex].join("\n").contains(name));
            }
        }
        assert!(proposed > 0, "{bloc}: the sample proposes in every bloc");
        for title in [
            "STT",
            "Đơn vị",
            "Hình thức khen thưởng",
            "Tổng điểm",
            "Xếp hạng",
            "Ghi chú",
        ] {
            assert!(
                paragraphs[annex..].iter().any(|p| p == title),
                "no annex column {title}"
            );
        }
        // The annex starts on a new page.
        let body = proposal.document();
        assert_eq!(all(&body, "w:pageBreakBefore").len(), 1);
        assert_eq!(all(&body, "w:tblHeader").len(), 1);
    }
    assert_eq!(drafts, vec!["Khối thi đua Kinh tế - Kỹ thuật".to_string()]);
}

#[test]
fn body_paragraphs_are_justified_indented_and_spaced() {
    let (_tmp, _dir, _json, docs) = sample_run();
    let (_, report, _) = &docs[0];
    let xml = report.part("word/document.xml");
    // Each body paragraph (first-line indent) is justified with >= 6 pt after.
    let mut checked = 0;
    for p in xml.split("<w:p ").skip(1) {
        let p = p.split("</w:p>").next().unwrap();
        if !p.contains("w:firstLine=") {
            continue;
        }
        checked += 1;
        assert!(p.contains("<w:jc w:val=\"both\""), "not justified: {p}");
        let after: i64 = p
            .split("w:after=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        assert!(after >= 120, "{after} twips after: {p}");
    }
    assert!(checked > 10, "{checked} body paragraphs");
}

#[test]
fn documents_are_byte_identical_across_runs_and_thread_counts() {
    let (tmp, dir) = Folder::sample().into_parts();
    let other = tmp.path().join("out2");
    let a = thidua(&["run", dir.to_str().unwrap(), "-j", "1", "-q"]);
    assert!(code(&a) <= 1, "{}", stderr(&a));
    let b = thidua(&[
        "run",
        dir.to_str().unwrap(),
        "-j",
        "3",
        "-q",
        "--out",
        other.to_str().unwrap(),
    ]);
    assert!(code(&b) <= 1, "{}", stderr(&b));
    let mut compared = 0;
    for sub in ["bao-cao", "to-trinh"] {
        for entry in std::fs::read_dir(dir.join("out").join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let twin = other.join(sub).join(path.file_name().unwrap());
            assert_eq!(
                std::fs::read(&path).unwrap(),
                std::fs::read(&twin).unwrap(),
                "{}",
                path.display()
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 8);
    // Fixed dates from the report date in the package properties.
    let doc = Docx::open(&dir.join("out/bao-cao/khoi-thi-dua-van-hoa-xa-hoi.docx"));
    assert!(doc.part("docProps/core.xml").contains("2026-12-05T00:00:00Z"));
}

#[test]
fn a_template_in_the_working_folder_overrides_the_wording() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    let own = include_str!("../../templates/bao-cao.j2")
        .replace("# V. ĐÁNH GIÁ CHUNG", "# V. ĐÁNH GIÁ CHUNG CỦA {{ bloc | upper }}");
    std::fs::write(dir.join("templates/bao-cao.j2"), own).unwrap();
    let out = folder.run("run", &["-q"]);
    assert!(code(&out) <= 1, "{}", stderr(&out));
    let doc = Docx::open(&dir.join("out/bao-cao/khoi-thi-dua-van-hoa-xa-hoi.docx"));
    assert!(doc
        .paragraphs()
        .iter()
        .any(|p| p == "V. ĐÁNH GIÁ CHUNG CỦA KHỐI THI ĐUA VĂN HÓA - XÃ HỘI"));

    // A broken override stops the run before anything is written, naming the file.
    std::fs::write(dir.join("templates/to-trinh.j2"), "@title {{ khong_co }}\n{% if %}").unwrap();
    std::fs::remove_dir_all(dir.join("out")).unwrap();
    let out = folder.run("run", &[]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("to-trinh.j2") && err.contains("dòng"), "{err}");
    assert!(!dir.join("out/tong-hop.xlsx").exists());
}

#[test]
fn votes_and_document_numbers_reach_the_proposal() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let json = {
        let out = folder.run("check", &["--json"]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("check --json")
    };
    let bloc = &json["blocs"][1];
    let bloc_name = bloc["name"].as_str().unwrap();
    let first = bloc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["rank"] == 1)
        .unwrap();
    let award = "Bằng khen của Chủ tịch UBND tỉnh";
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Phiếu bầu").unwrap();
    for (c, title) in ["Khối", "Mã đơn vị", "Hình thức", "Đồng ý", "Tổng số phiếu"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *title).unwrap();
    }
    sheet.write_string(1, 0, bloc_name).unwrap();
    sheet.write_string(1, 1, first["code"].as_str().unwrap()).unwrap();
    sheet.write_string(1, 2, award).unwrap();
    sheet.write_number(1, 3, 7).unwrap();
    sheet.write_number(1, 4, 8).unwrap();
    book.save(dir.join("phieu-bau.xlsx")).unwrap();
    let settings = std::fs::read_to_string(dir.join("thidua.toml")).unwrap();
    let settings = format!(
        "{settings}\n[[bloc]]\nname = \"{bloc_name}\"\nproposal_number = \"27\"\nsigner = {{ form = \"TM.\", title = \"Trưởng khối\", name = \"Nguyễn Văn An\" }}\n"
    );
    std::fs::write(dir.join("thidua.toml"), settings).unwrap();
    let out = folder.run("run", &["-q"]);
    assert!(code(&out) <= 1, "{}{}", stdout(&out), stderr(&out));
    let file = format!("{}.docx", thidua::write::names::slug(bloc_name));
    let doc = Docx::open(&dir.join("out/to-trinh").join(&file));
    let paragraphs = doc.paragraphs();
    assert!(paragraphs.iter().any(|p| p == "Số: 27/TTr-KTĐ"), "{paragraphs:#?}");
    assert!(paragraphs.iter().any(|p| p == "Nguyễn Văn An"));
    let name = first["name"].as_str().unwrap();
    let line = format!("- {name}, {award}: 7/8 phiếu đồng ý (87,5%).");
    assert!(paragraphs.contains(&line), "no {line:?} in {paragraphs:#?}");
    assert!(paragraphs
        .iter()
        .any(|p| p.starts_with("(Kèm theo Tờ trình số 27/TTr-KTĐ ngày")));
    // The báo cáo of that bloc keeps its blank number.
    let report = Docx::open(&dir.join("out/bao-cao").join(&file));
    assert!(report.paragraphs().iter().any(|p| p == "Số:      /BC-KTĐ"));
}

#[test]
fn every_document_converts_to_pdf_with_its_text() {
    if !require(&["soffice", "pdftotext"], "chuyển tài liệu sang PDF") {
        return;
    }
    let (tmp, dir, json, _docs) = sample_run();
    let pdf_dir = tmp.path().join("pdf");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        tmp.path().join("lo-profile").to_str().unwrap().replace('\\', "/")
    );
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["bao-cao", "to-trinh"] {
        let mut here: Vec<PathBuf> = std::fs::read_dir(dir.join("out").join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        here.sort();
        let status = std::process::Command::new("soffice")
            .arg(&profile)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(pdf_dir.join(sub))
            .args(&here)
            .output()
            .expect("run soffice");
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        files.extend(here);
    }
    assert_eq!(files.len(), 8);
    for file in &files {
        let sub = file.parent().unwrap().file_name().unwrap();
        let pdf = pdf_dir.join(sub).join(file.with_extension("pdf").file_name().unwrap());
        let out = std::process::Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("run pdftotext");
        assert!(out.status.success(), "{}", pdf.display());
        // pdftotext keeps words; compare with runs of spaces collapsed.
        let text: String = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let slug = file.file_stem().unwrap().to_str().unwrap();
        let bloc = json["blocs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| thidua::write::names::slug(b["name"].as_str().unwrap()) == slug)
            .unwrap();
        let mut expected = vec![
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string(),
            "Độc lập - Tự do - Hạnh phúc".to_string(),
            "Bắc Ninh, ngày 05 tháng 12 năm 2026".to_string(),
            "Nơi nhận:".to_string(),
        ];
        if sub == "bao-cao" {
            expected.push("BÁO CÁO".into());
        } else {
            expected.push("TỜ TRÌNH".into());
            expected.push("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG".into());
        }
        if !bloc["complete"].as_bool().unwrap() {
            expected.push("DỰ THẢO".into());
        } else {
            assert!(!text.contains("DỰ THẢO"), "{}", pdf.display());
        }
        for unit in bloc["units"].as_array().unwrap() {
            if sub == "bao-cao" || !unit["award"].is_null() {
                // Body text names every unit in full (table cells may wrap).
                expected.push(unit["name"].as_str().unwrap().to_string());
            }
        }
        for want in expected {
            assert!(text.contains(&want), "{}: no {want:?} in PDF text", pdf.display());
        }
        let pages = std::process::Command::new("pdfinfo").arg(&pdf).output();
        if let Ok(info) = pages {
            let info = String::from_utf8_lossy(&info.stdout);
            assert!(info.contains("A4"), "{}: {info}", pdf.display());
        }
    }
}

/// Lines a text takes when wrapped at word boundaries in `width` twips.
/// `text_width` measures the bold face; the regular one is about 6% narrower.
fn wrapped_lines(text: &str, width: usize, size: usize, bold: bool) -> usize {
    use thidua::write::docx::layout::text_width;
    let width = if bold { width } else { width * 100 / 94 };
    let mut lines = 1;
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, size) > width && !current.is_empty() {
            lines += 1;
            current = word.to_string();
        } else {
            current = candidate;
        }
    }
    lines
}

#[test]
fn table_headers_take_at_most_two_lines_and_names_fit_their_column() {
    let (_tmp, _dir, _json, docs) = sample_run();
    let mut checked = 0;
    for (bloc, report, proposal) in &docs {
        for doc in [report, proposal] {
            for (grid, rows) in doc.tables() {
                if grid.len() < 6 {
                    continue; // letterhead and foot
                }
                assert_eq!(grid.iter().sum::<usize>(), 11_906 - 1_701 - 851, "{bloc}: table width");
                for (title, width) in rows[0].iter().zip(&grid) {
                    // 12 pt bold, 2 × 57 twips of cell padding.
                    let lines = wrapped_lines(title, width - 114, 12, true);
                    assert!(
                        lines <= 2,
                        "{bloc}: header {title:?} takes {lines} lines in {width} twips"
                    );
                    checked += 1;
                }
                // Scores fit on one line ("100,25" once wrapped as "100,2 / 5").
                for row in &rows[1..] {
                    for (text, width) in row.iter().zip(&grid) {
                        if text.chars().all(|c| c.is_ascii_digit() || c == ',') {
                            assert_eq!(wrapped_lines(text, width - 114, 12, false), 1, "{bloc}: {text}");
                            // No break inside a number: its width fits whole.
                            let w = thidua::write::docx::layout::text_width(text, 12) * 94 / 100;
                            assert!(w <= width - 114, "{bloc}: {text:?} is wider than its column");
                        }
                    }
                }
                // Awards and classifications fit on one line.
                let column = |name: &str| rows[0].iter().position(|t| t == name);
                for name in ["Hình thức khen thưởng", "Xếp loại"] {
                    if let Some(c) = column(name) {
                        for row in &rows[1..] {
                            let text = &row[c];
                            if text.starts_with("Chưa tính") {
                                continue;
                            }
                            assert_eq!(
                                wrapped_lines(text, grid[c] - 114, 12, false),
                                1,
                                "{bloc}: {text:?} wraps in {name}"
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 4 * (9 + 6), "{checked} headers");
}

#[test]
fn a_tie_at_a_quota_edge_and_an_excluded_unit_reach_the_documents() {
    // Regression: the documents looked for an older wording of the award
    // stage's tie note, so a tie left two places empty without a word.
    let (_tmp, _dir, _json, docs) = sample_run();
    let find = |name: &str| docs.iter().find(|(b, _, _)| b == name).expect(name);
    let (_, report, proposal) = find("Khối thi đua Kinh tế - Kỹ thuật");
    let tie = "Sở Khoa học và Công nghệ, Ban Quản lý các khu công nghiệp tỉnh đồng hạng 1, cùng tranh 1 suất “Cờ thi đua của Chính phủ”, 1 suất “Bằng khen của Thủ tướng Chính phủ”";
    let report_paragraphs = report.paragraphs();
    assert!(
        report_paragraphs.contains(&format!("- {tie}.")),
        "{report_paragraphs:#?}"
    );
    let placeholder = format!(
        "[Chờ hội nghị khối quyết định: {tie}. Ghi đơn vị được hội nghị thống nhất đề nghị vào đây và vào danh sách kèm theo.]"
    );
    let paragraphs = proposal.paragraphs();
    let at = paragraphs
        .iter()
        .position(|p| *p == placeholder)
        .expect("tie in the tờ trình");
    // Before "(Có danh sách kèm theo)", in italics for the secretariat to rewrite.
    let list = paragraphs.iter().position(|p| p == "(Có danh sách kèm theo)").unwrap();
    assert!(at < list);
    assert!(proposal.paragraph_xml(&placeholder).contains("<w:i />"));

    let (_, report, proposal) = find("Khối thi đua các cơ quan Nội chính");
    let excluded =
        "- Thanh tra tỉnh: có đơn thư khiếu nại đang được xem xét, giải quyết (Điều 4 Nghị định 152/2025/NĐ-CP).";
    for doc in [report, proposal] {
        let paragraphs = doc.paragraphs();
        let at = paragraphs.iter().position(|p| p == excluded).expect("excluded unit");
        assert_eq!(paragraphs[at - 1], "Không xét khen thưởng:");
    }
}

#[test]
fn wording_follows_the_leader_policy_and_lists_stay_with_their_lead_in() {
    let (_tmp, _dir, json, docs) = sample_run();
    for (b, (bloc, report, proposal)) in docs.iter().enumerate() {
        let next = json["blocs"][b]["next_leader"]
            .as_str()
            .expect("rotation gives a leader");
        let deputy = json["blocs"][b]["next_deputy"].as_str().unwrap();
        let line = format!("Theo thứ tự luân phiên, {next} làm Trưởng khối, {deputy} làm Phó khối năm 2027.");
        for doc in [report, proposal] {
            assert!(doc.paragraphs().contains(&line), "{bloc}: no {line:?}");
            // No claim that a meeting agreed on what the rotation decided.
            assert!(!doc.text().contains("Hội nghị khối thống nhất"), "{bloc}");
        }
        // A paragraph that ends with ':' keeps with the list or table after it.
        for lead in ["Kết quả xếp loại:", "Căn cứ kết quả chấm điểm, xếp hạng,"] {
            let text = report
                .paragraphs()
                .into_iter()
                .find(|p| p.starts_with(lead) && p.ends_with(':'))
                .unwrap_or_else(|| panic!("{bloc}: no {lead:?}"));
            assert!(report.paragraph_xml(&text).contains("<w:keepNext"), "{bloc}: {text:?}");
        }
        // The annex's italic line has a short rule under it.
        let paragraphs = proposal.paragraphs();
        let note = paragraphs.iter().find(|p| p.starts_with("(Kèm theo Tờ trình")).unwrap();
        let at = paragraphs.iter().position(|p| p == note).unwrap();
        assert_eq!(paragraphs[at + 1], "");
        let xml = proposal.part("word/document.xml");
        let after_note = &xml[xml.find(note.as_str()).unwrap()..];
        let next_paragraph = after_note
            .split("<w:p ")
            .nth(1)
            .unwrap()
            .split("</w:p>")
            .next()
            .unwrap();
        assert!(next_paragraph.contains("<w:top w:val=\"single\""), "{next_paragraph}");
    }
}
