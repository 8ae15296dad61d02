//! Using the program the way Windows staff do (SPEC §2, issue 15): an
//! output left open in Excel or Word, simulated through the seam of
//! `thidua::held`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{code, sample_folder, stderr, thidua};
use thidua::error::Fatal;
use thidua::pipeline::{Silent, Workspace};

/// Every file under `dir` with its bytes: what "nothing written" compares.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).expect("read file"));
            }
        }
    }
    files
}

#[test]
fn an_output_open_in_excel_or_word_stops_the_run_before_anything_is_written() {
    let (_tmp, dir) = sample_folder();
    let first = thidua(&["run", dir.to_str().unwrap()]);
    assert!(code(&first) < 2, "{}", stderr(&first));
    // A rerun would write ket-qua.json again: it must not.
    std::fs::remove_file(dir.join("out/ket-qua.json")).unwrap();
    let before = snapshot(&dir);
    let ws = Workspace::load(&dir, None).expect("workspace");
    let document = std::fs::read_dir(dir.join("out/to-trinh"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .expect("a proposal");
    let cases = [
        (
            "tong-hop.xlsx".to_string(),
            "Tệp out/tong-hop.xlsx đang mở trong Excel. Đóng tệp rồi chạy lại.",
        ),
        (document.clone(), "đang mở trong Word. Đóng tệp rồi chạy lại."),
    ];
    for (held, expected) in cases {
        let holders = |path: &Path| path.file_name().is_some_and(|n| n.to_string_lossy() == held);
        let err = thidua::app::run_guarded(&ws, &Silent, &holders).expect_err("held output");
        assert!(matches!(err, Fatal::Held { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.ends_with(expected), "{text}");
        assert_eq!(snapshot(&dir), before, "written while {held} was held");
    }
    let text = thidua::app::run_guarded(&ws, &Silent, &|path: &Path| {
        path.ends_with(Path::new("to-trinh").join(&document))
    })
    .expect_err("held")
    .to_string();
    assert_eq!(
        text,
        format!("Tệp out/to-trinh/{document} đang mở trong Word. Đóng tệp rồi chạy lại.")
    );
    // Nothing held: the run goes on and writes ket-qua.json again.
    thidua::app::run_guarded(&ws, &Silent, &|_: &Path| false).expect("run");
    assert!(dir.join("out/ket-qua.json").is_file());
}

#[test]
fn the_outputs_asked_about_are_every_file_a_run_replaces() {
    let (_tmp, dir) = sample_folder();
    let out = dir.join("out");
    assert!(thidua::held::replaceable_outputs(&out).is_empty());
    let ran = thidua(&["run", dir.to_str().unwrap()]);
    assert!(code(&ran) < 2, "{}", stderr(&ran));
    std::fs::write(out.join("bao-cao/~$khoi.docx"), b"lock").unwrap();
    let asked: Vec<String> = thidua::held::replaceable_outputs(&out)
        .iter()
        .map(|p| thidua::shown::path_in(p, &dir))
        .collect();
    assert_eq!(asked[..2], ["out/tong-hop.xlsx", "out/ket-qua.json"]);
    let reports = asked.iter().filter(|p| p.starts_with("out/bao-cao/")).count();
    let proposals = asked.iter().filter(|p| p.starts_with("out/to-trinh/")).count();
    let feedback = asked.iter().filter(|p| p.starts_with("out/phan-hoi/")).count();
    let json = common::result_json(&dir);
    let blocs = json["blocs"].as_array().expect("blocs").len();
    assert_eq!((reports, proposals), (blocs, blocs), "{asked:?}");
    assert_eq!(
        feedback,
        std::fs::read_dir(out.join("phan-hoi")).map_or(0, |d| d.count())
    );
    assert!(!asked.iter().any(|p| p.contains("~$")), "{asked:?}");
}
