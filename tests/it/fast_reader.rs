//! The direct .xlsx reader (behind `thidua::read::open`) agrees with
//! calamine, cell for cell, on every workbook the project ships: the
//! sample's forms and registry files and the committed fixtures.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use thidua::read::Limits;
use thidua::score_table::Cell;

fn xlsx_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "out") {
                xlsx_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "xlsx") {
            out.push(path);
        }
    }
}

/// calamine's view of a cell in our terms (formulas compared by value).
fn from_calamine(value: &Data) -> Option<Cell> {
    match value {
        Data::Empty => None,
        Data::Int(i) => Some(Cell::Number(*i as f64)),
        Data::Float(f) => Some(Cell::Number(*f)),
        Data::String(s) if s.is_empty() => None,
        Data::String(s) => Some(Cell::Text(thidua::text::nfc(s))),
        Data::Bool(b) => Some(Cell::Bool(*b)),
        Data::Error(e) => Some(Cell::Error(e.to_string())),
        Data::DateTime(d) => Some(Cell::Date(d.as_f64())),
        other => Some(Cell::Text(other.to_string())),
    }
}

#[test]
fn direct_reader_matches_calamine() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    xlsx_files(&root.join("samples"), &mut files);
    let sample_count = files.len();
    for name in [
        "nfd.xlsx",
        "loi-diem.xlsx",
        "hai-dong-tieu-de.xlsx",
        "dau-phay.xlsx",
        "perfset",
    ] {
        let path = root.join("tests/fixtures").join(name);
        if path.is_dir() {
            xlsx_files(&path, &mut files);
        } else if path.exists() {
            files.push(path);
        }
    }
    assert!(sample_count >= 30, "{sample_count} sample files");
    let limits = Limits::default();
    for path in files {
        let mut ours = thidua::read::open(std::fs::read(&path).unwrap(), &limits).unwrap();
        let mut theirs = open_workbook_auto(&path).unwrap();
        let names: Vec<String> = ours.sheet_names().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, theirs.sheet_names(), "{}", path.display());
        for name in names {
            let sheet = ours.sheet(&name).unwrap();
            let mine: Vec<(u32, u32, Cell)> = sheet
                .rows
                .iter()
                .flat_map(|r| r.cells.iter().map(move |(c, v)| (r.index, *c, v.clone())))
                .filter(|(_, _, v)| *v != Cell::NoCachedValue)
                // calamine does not tell percentages apart: compare the number.
                .map(|(r, c, v)| match v {
                    Cell::Percent(n) => (r, c, Cell::Number(n)),
                    v => (r, c, v),
                })
                .collect();
            let range = theirs.worksheet_range(&name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let expected: Vec<(u32, u32, Cell)> = range
                .used_cells()
                .filter_map(|(r, c, v)| from_calamine(v).map(|v| (r0 + r as u32, c0 + c as u32, v)))
                .collect();
            assert_eq!(mine, expected, "{} › {name}", path.display());
        }
    }
}

/// Some writers store part names with `\` or in another case; the reader
/// finds them all the same.
#[test]
fn part_names_with_backslashes_or_other_case_are_found() {
    use std::io::{Read, Write};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = root.join("samples/bac-ninh-2026/nop/khoi-thi-dua-cac-co-quan-noi-chinh/so-noi-vu.xlsx");
    let bytes = std::fs::read(&original).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_string();
        let renamed = if name.starts_with("xl/worksheets/") {
            name.replace('/', "\\")
        } else if name == "xl/sharedStrings.xml" {
            "xl/SharedStrings.xml".to_string()
        } else {
            name
        };
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.start_file(renamed, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    let renamed = out.finish().unwrap().into_inner();
    let limits = Limits::default();
    let cells = |bytes: Vec<u8>| {
        let mut book = thidua::read::open(bytes, &limits).unwrap();
        let sheet = book.sheet("Tự chấm điểm").unwrap();
        sheet
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(move |(c, v)| (r.index, *c, v.clone())))
            .collect::<Vec<_>>()
    };
    let expected = cells(bytes);
    assert!(expected.len() > 50);
    assert_eq!(cells(renamed), expected);
}
