//! Helpers shared by the integration tests: run the real binary on
//! temporary working folders and read its outputs back.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook_auto, Data, Reader};

/// Runs `thidua` with `args`; returns its output. With
/// `THIDUA_TEST_OUTPUTS` set, every .xlsx and .docx the command left in its
/// output folder is copied there too, for CI to check them all against the
/// OOXML schemas.
pub fn thidua(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_thidua"))
        .args(args)
        .output()
        .expect("run thidua");
    if let Some(keep) = std::env::var_os("THIDUA_TEST_OUTPUTS") {
        keep_outputs(args, Path::new(&keep));
    }
    out
}

/// Copies the documents and workbooks of the output folder named by `args`
/// (`--out`, else `DIR/out`) into a new numbered folder under `keep`.
fn keep_outputs(args: &[&str], keep: &Path) {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let out = match args.iter().position(|a| *a == "--out") {
        Some(i) => args.get(i + 1).map(PathBuf::from),
        None => args.get(1).map(|dir| Path::new(dir).join("out")),
    };
    let Some(out) = out.filter(|o| o.is_dir()) else {
        return;
    };
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let target = keep.join(format!("{}-{n:04}", std::process::id()));
    let mut stack = vec![out.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if path.is_dir() {
                stack.push(path);
            } else if ext == "xlsx" || ext == "docx" {
                let to = target.join(path.strip_prefix(&out).unwrap());
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(&path, &to).unwrap();
            }
        }
    }
}

/// Exit code of a finished run.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh temporary folder; kept alive by the returned guard.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A working folder made by `thidua init --sample` in a temporary
/// directory of its own, removed when the value is dropped.
pub struct Folder {
    tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

impl Folder {
    /// `thidua init DIR --sample` in a new temporary directory.
    pub fn sample() -> Folder {
        let tmp = tempdir();
        let dir = tmp.path().join("vi-du");
        let out = thidua(&["init", dir.to_str().unwrap(), "--sample"]);
        assert_eq!(code(&out), 0, "init failed: {}", stderr(&out));
        Folder { tmp, dir }
    }

    /// The temporary directory around the folder (for files beside it)
    /// and the folder, for a test that keeps both.
    pub fn into_parts(self) -> (tempfile::TempDir, PathBuf) {
        (self.tmp, self.dir)
    }

    /// `thidua COMMAND DIR ARGS…`.
    pub fn run(&self, command: &str, args: &[&str]) -> Output {
        let mut all = vec![command, self.dir.to_str().unwrap()];
        all.extend_from_slice(args);
        thidua(&all)
    }

    /// The folder's `out/ket-qua.json`, parsed.
    pub fn json(&self) -> serde_json::Value {
        result_json(&self.dir)
    }

    /// All rows of `sheet` in the workbook at `rel` under the folder.
    pub fn sheet(&self, rel: &str, sheet: &str) -> Vec<Vec<Data>> {
        sheet_rows(&self.dir.join(rel), sheet)
    }
}

/// The parsed ket-qua.json of a folder.
pub fn result_json(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("out/ket-qua.json")).expect("ket-qua.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// All rows of a sheet, as calamine reads them.
pub fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut wb = open_workbook_auto(path).expect("open workbook");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

/// Whether a command is on PATH (`--version`, or `-v` for poppler's tools).
pub fn have(cmd: &str) -> bool {
    ["--version", "-v"].iter().any(|flag| {
        Command::new(cmd)
            .arg(flag)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

/// Whether the external tools a test needs (LibreOffice's `soffice`,
/// poppler's `pdftotext`…) are on PATH. Without them a test says so and
/// skips on a developer's machine; with `CI` set in the environment it
/// fails instead, so CI can never pass without opening a document.
pub fn require(tools: &[&str], what: &str) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!("không có {} trên máy; không kiểm tra {what}.", missing.join(", "));
    if std::env::var_os("CI").is_some() {
        panic!("CI: {message} Cài LibreOffice và poppler-utils (.ci/run làm việc này).");
    }
    eprintln!("BỎ QUA: {message}");
    false
}

/// Zero-based (row, column) of an A1 reference such as `D14` or `$AA$3`, as
/// the outputs write them.
pub fn parse_a1(cell: &str) -> Option<(u32, u16)> {
    let cell = cell.trim().replace('$', "");
    let split = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = cell.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let col = letters.chars().fold(0u32, |acc, c| {
        acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    });
    let row: u32 = digits.parse().ok()?;
    if row == 0 || row > 1_048_576 || col == 0 || col > 16_384 {
        return None;
    }
    Some((row - 1, (col - 1) as u16))
}

/// A zip's parts, in order (`None` when it is not a zip).
pub fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).ok()?;
            let mut data = Vec::new();
            part.read_to_end(&mut data).ok()?;
            Some((part.name().to_string(), data))
        })
        .collect()
}

/// A zip of `parts`, the first stored (as .ods wants its mimetype), the
/// rest deflated.
pub fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (i, (name, data)) in parts.iter().enumerate() {
        // The first part stored, as ODS wants its mimetype.
        let method = if i == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(name.as_str(), options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}
