//! The direct .xlsx reader agrees with calamine, cell for cell, on every
//! workbook the project ships or writes.

use std::path::Path;

use thidua::read::xlsx::XlsxBook;
use thidua::settings::Limits;

fn xlsx_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            xlsx_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xlsx") {
            out.push(path);
        }
    }
}

#[test]
fn direct_reader_matches_calamine_on_the_sample() {
    let mut files = Vec::new();
    xlsx_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("samples"), &mut files);
    files.retain(|p| !p.components().any(|c| c.as_os_str() == "out"));
    assert!(files.len() >= 30, "{} files", files.len());
    let limits = Limits::default();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let mut fast = XlsxBook::open(bytes.clone(), &limits).unwrap();
        let mut slow = thidua::read::open(bytes, &limits).unwrap();
        assert_eq!(fast.sheet_names(), slow.sheet_names(), "{}", path.display());
        for (name, _) in fast.sheet_names() {
            let (a, _) = fast.sheet(&name).unwrap();
            let b = slow.sheet(&name).unwrap();
            assert_eq!(a.name, b.name);
            let cells = |s: &thidua::read::Sheet| -> Vec<(u32, u32, thidua::read::Cell)> {
                s.rows
                    .iter()
                    .flat_map(|r| r.cells.iter().map(move |(c, v)| (r.index, *c, v.clone())))
                    .collect()
            };
            assert_eq!(cells(&a), cells(&b), "{} › {name}", path.display());
        }
    }
}
