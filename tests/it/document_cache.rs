//! The Word documents reuse parts compressed once per process (styles,
//! settings, page headers…). Documents written in one process, one run
//! after another with a different report date, must be the very bytes a
//! fresh process writes for each run: nothing of one run (date, paragraph
//! numbers) may reach another's documents.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::*;
use thidua::workspace::Workspace;

const OTHER_DATE: &str = "2027-01-15";

/// Every .docx under `out`, by path relative to `out`, sorted.
fn documents(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut docs = Vec::new();
    for sub in ["bao-cao", "to-trinh"] {
        for entry in std::fs::read_dir(out.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            docs.push((
                PathBuf::from(sub).join(path.file_name().unwrap()),
                std::fs::read(&path).unwrap(),
            ));
        }
    }
    docs.sort();
    docs
}

/// Runs the pipeline in this process.
fn run_here(dir: &Path, out: &Path) {
    let ws = Workspace::load(dir, Some(out.to_path_buf())).unwrap();
    thidua::app::run(&ws).unwrap();
}

/// Runs the binary: a fresh process with nothing cached.
fn run_fresh(dir: &Path, out: &Path) {
    let result = thidua(&["run", dir.to_str().unwrap(), "-q", "--out", out.to_str().unwrap()]);
    assert!(code(&result) <= 1, "{}", stderr(&result));
}

/// Checks every entry of `doc` is stamped `date` and core.xml says it.
fn dated(name: &Path, doc: &[u8], date: &str) {
    let (year, rest) = date.split_once('-').unwrap();
    let (month, day) = rest.split_once('-').unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(doc)).unwrap();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let time = entry.last_modified().unwrap();
        assert_eq!(
            (time.year(), time.month(), time.day()),
            (year.parse().unwrap(), month.parse().unwrap(), day.parse().unwrap()),
            "{} › {}",
            name.display(),
            entry.name()
        );
        if entry.name() == "docProps/core.xml" {
            let mut core = String::new();
            entry.read_to_string(&mut core).unwrap();
            assert!(
                core.contains(&format!("{date}T00:00:00Z")),
                "{}: {core}",
                name.display()
            );
        }
    }
}

#[test]
fn documents_written_with_a_warm_cache_equal_a_fresh_process() {
    let (_a_tmp, a) = Folder::sample().into_parts();
    let (b_tmp, b) = Folder::sample().into_parts();
    let settings = b.join("thidua.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(text.contains("report_date = \"2026-12-05\""), "{text}");
    std::fs::write(
        &settings,
        text.replace(
            "report_date = \"2026-12-05\"",
            &format!("report_date = \"{OTHER_DATE}\""),
        ),
    )
    .unwrap();
    let outs = b_tmp.path();

    // One process: a, then b (other date), then a again.
    run_here(&a, &outs.join("a-first"));
    run_here(&b, &outs.join("b-here"));
    run_here(&a, &outs.join("a-again"));
    run_fresh(&a, &outs.join("a-fresh"));
    run_fresh(&b, &outs.join("b-fresh"));

    let a_fresh = documents(&outs.join("a-fresh"));
    let b_fresh = documents(&outs.join("b-fresh"));
    assert_eq!(a_fresh.len(), 8);
    for (name, doc) in &a_fresh {
        dated(name, doc, "2026-12-05");
    }
    for (name, doc) in &b_fresh {
        dated(name, doc, OTHER_DATE);
    }
    for (here, fresh) in [("a-first", &a_fresh), ("b-here", &b_fresh), ("a-again", &a_fresh)] {
        let docs = documents(&outs.join(here));
        assert_eq!(
            docs.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            fresh.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
        for ((name, doc), (_, twin)) in docs.iter().zip(fresh.iter()) {
            assert!(doc == twin, "{here}/{} differs from a fresh process", name.display());
        }
    }
}
