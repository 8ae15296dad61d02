//! The meeting's papers (issue 14, docs/thu-muc-lam-viec.md): the round trip
//! a secretariat makes — `run`, fill `out/phieu-bau-mau.xlsx` at the meeting
//! (counts only), save it as `phieu-bau.xlsx`, `run` again — and every new
//! document read back: ballots, minutes, the province's list.

use std::io::{Read, Write};
use std::path::Path;

use crate::common::*;
use crate::documents::Docx;
use calamine::Data;

const PARTY: &str = "Khối thi đua các cơ quan Đảng tỉnh";
const GOV_FLAG: &str = "Cờ thi đua của Chính phủ";

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Sets number cells of `sheet` (its part name) in an .xlsx, as a secretary
/// typing in Excel would: `cells` are (A1 reference, value); each must be a
/// blank styled cell the pre-filled workbook wrote.
fn fill(xlsx: &Path, to: &Path, edits: &[(&str, Vec<(String, String)>)]) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if let Some((_, cells)) = edits.iter().find(|(part, _)| *part == name) {
            let mut xml = String::from_utf8(bytes).unwrap();
            for (cell, value) in cells {
                let start = xml
                    .find(&format!("<c r=\"{cell}\" s=\""))
                    .unwrap_or_else(|| panic!("no cell {cell} in {name}"));
                let end = start + xml[start..].find("/>").unwrap();
                let head = xml[start..end].to_string();
                let new = if value.parse::<f64>().is_ok() {
                    format!("{head}><v>{value}</v></c>")
                } else {
                    format!("{head} t=\"inlineStr\"><is><t>{value}</t></is></c>")
                };
                xml.replace_range(start..end + 2, &new);
            }
            bytes = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

fn a1(row: usize, col: usize) -> String {
    format!("{}{}", (b'A' + col as u8) as char, row + 1)
}

#[test]
fn a_filled_votes_workbook_comes_back_and_the_minutes_show_the_meeting() {
    let folder = Folder::sample();
    let first = folder.run("run", &["-q"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let json = folder.json();
    assert!(json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["voted"] == false && b["meeting"].is_null()));
    for bloc in ["khoi-thi-dua-cac-co-quan-dang-tinh", "khoi-thi-dua-van-hoa-xa-hoi"] {
        assert!(folder.dir.join(format!("out/phieu-bau/{bloc}.docx")).is_file());
    }
    assert!(!folder.dir.join("out/bien-ban").exists(), "no minutes before any vote");

    // The pre-filled workbook: a row per candidate and voted award, counts blank.
    let rows = folder.sheet("out/phieu-bau-mau.xlsx", "Phiếu bầu");
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| cell_text(c) == "Hình thức"))
        .unwrap();
    let col = |title: &str| rows[header].iter().position(|c| cell_text(c) == title).unwrap();
    let (bloc_col, code_col, form_col, agree_col, total_col) = (
        col("Khối"),
        col("Mã đơn vị"),
        col("Hình thức"),
        col("Đồng ý"),
        col("Tổng số phiếu"),
    );
    let party: Vec<usize> = (header + 1..rows.len())
        .filter(|&r| cell_text(&rows[r][bloc_col]) == PARTY)
        .collect();
    assert!(party.len() >= 3, "{party:?}");
    assert!(party
        .iter()
        .all(|&r| rows[r][agree_col] == Data::Empty && rows[r][total_col] == Data::Empty));
    let first_flag = party
        .iter()
        .copied()
        .find(|&r| cell_text(&rows[r][form_col]) == GOV_FLAG)
        .unwrap();
    let flag_unit = cell_text(&rows[first_flag][code_col]);
    assert_eq!(
        json["blocs"][0]["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == flag_unit.as_str())
            .unwrap()["award"],
        GOV_FLAG,
        "the first candidate holds the flag before the vote"
    );
    let meeting_rows = folder.sheet("out/phieu-bau-mau.xlsx", "Hội nghị");
    let m_header = meeting_rows
        .iter()
        .position(|r| r.iter().any(|c| cell_text(c) == "Ngày họp"))
        .unwrap();
    let m_col = |title: &str| {
        meeting_rows[m_header]
            .iter()
            .position(|c| cell_text(c) == title)
            .unwrap()
    };
    assert_eq!(meeting_rows.len() - m_header - 1, 4, "one row per bloc");
    let m_row = (m_header + 1..meeting_rows.len())
        .find(|&r| cell_text(&meeting_rows[r][m_col("Khối")]) == PARTY)
        .unwrap();

    // At the meeting: 9 of 10 members present (DG10 absent), 9 ballots; the
    // flag's first candidate gets 7 (77,78% < 80%), everyone else 9.
    let mut counts = Vec::new();
    for &r in &party {
        let agree = if r == first_flag { "7" } else { "9" };
        counts.push((a1(r, agree_col), agree.to_string()));
        counts.push((a1(r, total_col), "9".to_string()));
    }
    let meeting = vec![
        (a1(m_row, m_col("Ngày họp")), "46361".to_string()),
        (a1(m_row, m_col("Địa điểm")), "Hội trường Tỉnh ủy".to_string()),
        (a1(m_row, m_col("Chủ trì")), "Nguyễn Văn An".to_string()),
        (a1(m_row, m_col("Số thành viên có mặt")), "9".to_string()),
        (a1(m_row, m_col("Vắng mặt")), "DG10".to_string()),
    ];
    fill(
        &folder.dir.join("out/phieu-bau-mau.xlsx"),
        &folder.dir.join("phieu-bau.xlsx"),
        &[
            ("xl/worksheets/sheet1.xml", counts),
            ("xl/worksheets/sheet2.xml", meeting),
        ],
    );

    let second = folder.run("run", &["-q"]);
    assert_eq!(code(&second), 0, "no vote.invalid: {}", stdout(&second));
    let json = folder.json();
    assert!(json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| !i["code"].as_str().unwrap().starts_with("vote")));
    let bloc = &json["blocs"][0];
    assert_eq!(bloc["name"], PARTY);
    assert_eq!(bloc["voted"], true);
    assert_eq!(bloc["meeting"]["date"], "2026-12-05");
    assert_eq!(bloc["meeting"]["present"], 9);
    assert!(bloc["meeting"]["secretary"].is_null());
    let absent = bloc["meeting"]["absent"][0].as_str().unwrap().to_string();
    let loser = bloc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == flag_unit.as_str())
        .unwrap();
    assert_ne!(loser["award"], GOV_FLAG, "under its threshold, the unit loses the flag");
    let vote = loser["votes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["form"] == GOV_FLAG)
        .unwrap();
    assert_eq!(
        (
            vote["agree"].as_u64(),
            vote["total"].as_u64(),
            vote["base"].as_u64(),
            vote["passed"].as_bool()
        ),
        (Some(7), Some(9), Some(9), Some(false))
    );
    assert_eq!(vote["share"].as_f64(), Some(0.7778));
    assert!(loser["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("7/9 phiếu")));
    let others = json["blocs"].as_array().unwrap()[1..].iter();
    assert!(others.clone().all(|b| b["voted"] == false));

    // The minutes of the bloc that voted, and of no other.
    let minutes: Vec<_> = std::fs::read_dir(folder.dir.join("out/bien-ban")).unwrap().collect();
    assert_eq!(minutes.len(), 1);
    let doc = Docx::open(&folder.dir.join("out/bien-ban/khoi-thi-dua-cac-co-quan-dang-tinh.docx"));
    let text = doc.text();
    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số:      /BB-KTĐ",
        "Bắc Ninh, ngày 05 tháng 12 năm 2026",
        "BIÊN BẢN",
        "Hội trường Tỉnh ủy",
        "Chủ trì: Nguyễn Văn An",
        "Thư ký: ……",
        "9/10 đơn vị",
        "THƯ KÝ",
        "CHỦ TRÌ HỘI NGHỊ",
    ] {
        assert!(text.contains(want), "no {want:?} in the minutes:\n{text}");
    }
    assert!(text.contains(&format!("vắng mặt: {absent}")), "{text}");
    let tables = doc.tables();
    let flag_table = tables
        .iter()
        .find(|(_, rows)| rows[0].iter().any(|c| c == "Tỷ lệ / tổng số thành viên"))
        .expect("a vote table");
    let loser_row = flag_table
        .1
        .iter()
        .find(|r| r[1] == loser["name"].as_str().unwrap())
        .unwrap();
    assert_eq!(&loser_row[2..], ["7", "9", "77,78%", "70%", "80% phiếu", "Không đạt"]);

    // The proposal states the vote; the province's list has the share.
    let proposal = Docx::open(&folder.dir.join("out/to-trinh/khoi-thi-dua-cac-co-quan-dang-tinh.docx")).text();
    assert!(proposal.contains("với 9/9 phiếu đồng ý, đạt 100%"), "{proposal}");
    let province = Docx::open(&folder.dir.join("out/de-nghi-toan-tinh.docx"));
    let province_text = province.text();
    assert!(province_text.contains("DANH SÁCH"));
    assert!(province_text.contains("Chờ bỏ phiếu"), "other blocs have not voted yet");
    assert!(province
        .tables()
        .iter()
        .flat_map(|(_, rows)| rows)
        .any(|r| r.iter().any(|c| c == "9/9 (100%)")));
    let ballot = Docx::open(&folder.dir.join("out/phieu-bau/khoi-thi-dua-cac-co-quan-dang-tinh.docx")).text();
    assert!(ballot.contains("PHIẾU BẦU") && ballot.contains(GOV_FLAG), "{ballot}");

    // tong-hop's proposals carry the vote.
    let rows = folder.sheet("out/tong-hop.xlsx", "Đề nghị khen thưởng");
    let h = &rows[0];
    let c = |t: &str| h.iter().position(|x| cell_text(x) == t).unwrap();
    assert!(rows
        .iter()
        .any(|r| cell_text(&r[c("Phiếu đồng ý")]) == "9" && cell_text(&r[c("Tổng số phiếu")]) == "9"));

    // Byte-identical across thread counts and reruns.
    let other = folder.dir.join("out-j1");
    let again = folder.run("run", &["-q", "-j", "1", "--out", other.to_str().unwrap()]);
    assert_eq!(code(&again), 0);
    for rel in [
        "phieu-bau-mau.xlsx",
        "de-nghi-toan-tinh.docx",
        "bien-ban/khoi-thi-dua-cac-co-quan-dang-tinh.docx",
        "phieu-bau/khoi-thi-dua-van-hoa-xa-hoi.docx",
        "ket-qua.json",
    ] {
        assert_eq!(
            std::fs::read(folder.dir.join("out").join(rel)).unwrap(),
            std::fs::read(other.join(rel)).unwrap(),
            "{rel}"
        );
    }

    // LibreOffice opens every new document.
    if require(
        &["soffice", "pdftotext"],
        "chuyển biên bản, phiếu bầu, danh sách sang PDF",
    ) {
        for (file, want) in [
            ("bien-ban/khoi-thi-dua-cac-co-quan-dang-tinh.docx", "BIÊN BẢN"),
            ("phieu-bau/khoi-thi-dua-cac-co-quan-dang-tinh.docx", "PHIẾU BẦU"),
            ("de-nghi-toan-tinh.docx", "DANH SÁCH"),
        ] {
            let pdf = folder.dir.join("pdf").join(file).with_extension("");
            let status = std::process::Command::new("soffice")
                .arg(format!(
                    "-env:UserInstallation=file://{}",
                    folder.dir.join("lo").display()
                ))
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(&pdf)
                .arg(folder.dir.join("out").join(file))
                .output()
                .expect("run soffice");
            assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
            let name = Path::new(file).with_extension("pdf");
            let out = std::process::Command::new("pdftotext")
                .arg(pdf.join(name.file_name().unwrap()))
                .arg("-")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains(want), "{file}: {text}");
        }
    }
}

#[test]
fn bad_vote_rows_and_meeting_rows_are_errors_at_their_cell() {
    let folder = Folder::sample();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Phiếu bầu").unwrap();
    for (c, t) in ["Khối", "Mã đơn vị", "Hình thức", "Đồng ý", "Tổng số phiếu"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    let rows: [(&str, &str, f64, f64); 4] = [
        ("DG08", GOV_FLAG, 10.0, 9.0),                            // agree over ballots
        ("DG08", "Bằng khen của Thủ tướng Chính phủ", 9.0, 11.0), // more ballots than members
        ("DG09", "Cờ thi đua của UBND tỉnh", 9.0, 10.0),          // more ballots than present
        ("DG05", "Huân chương", 1.0, 2.0),                        // no such award
    ];
    for (r, (code, form, agree, total)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, PARTY).unwrap();
        ws.write_string(r, 1, *code).unwrap();
        ws.write_string(r, 2, *form).unwrap();
        ws.write_number(r, 3, *agree).unwrap();
        ws.write_number(r, 4, *total).unwrap();
    }
    let ms = wb.add_worksheet().set_name("Hội nghị").unwrap();
    for (c, t) in thidua::reference::meeting::MEETING_HEADERS.iter().enumerate() {
        ms.write_string(0, c as u16, *t).unwrap();
    }
    ms.write_string(1, 0, PARTY).unwrap();
    ms.write_number(1, 5, 9.0).unwrap();
    ms.write_string(2, 0, "Khối không có").unwrap();
    wb.save(folder.dir.join("phieu-bau.xlsx")).unwrap();
    let out = folder.run("run", &["-q"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let json = folder.json();
    let cells: Vec<(String, String)> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "vote.invalid")
        .map(|i| {
            (
                i["sheet"].as_str().unwrap().to_string(),
                i["cell"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |s: &str, c: &str| (s.to_string(), c.to_string());
    assert_eq!(
        cells,
        vec![
            expect("Phiếu bầu", "D2"),
            expect("Phiếu bầu", "E3"),
            expect("Phiếu bầu", "E4"),
            expect("Phiếu bầu", "C5"),
            expect("Hội nghị", "A3"),
        ]
    );
}
