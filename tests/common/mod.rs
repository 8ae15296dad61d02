//! Helpers shared by the integration tests: run the real binary on
//! temporary working folders and read its outputs back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook_auto, Data, Reader};

/// Runs `thidua` with `args`; returns its output.
pub fn thidua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thidua"))
        .args(args)
        .output()
        .expect("run thidua")
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

/// `thidua init DIR --sample` in a new temporary folder.
pub fn sample_folder() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempdir();
    let dir = tmp.path().join("vi-du");
    let out = thidua(&["init", dir.to_str().unwrap(), "--sample"]);
    assert_eq!(code(&out), 0, "init failed: {}", stderr(&out));
    (tmp, dir)
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

/// Whether a command is on PATH.
pub fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
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
