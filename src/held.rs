//! Outputs held open by another program (README, "Dùng trên Windows").
//!
//! On Windows a workbook open in Excel or a document open in Word cannot be
//! replaced. `run` and `forms` write many files; finding the held one only
//! when its turn comes would leave the outputs half old, half new. So before
//! writing anything, each asks about every output it may replace or remove,
//! and stops naming the first held one. Linux has no such lock; the question
//! is a [`Holders`] value so tests can say "this file is open".

use std::path::{Path, PathBuf};

use crate::error::Fatal;
use crate::write::docx::{PROPOSAL_DIR, REPORT_DIR};

/// Says whether another program holds a file open so that it cannot be
/// replaced.
pub trait Holders: Sync {
    /// Whether `path`, an existing file, is held.
    fn is_held(&self, path: &Path) -> bool;
}

/// The operating system's answer: on Windows, whether the file can be
/// opened for writing with no sharing (Excel and Word keep their files open
/// and refuse that); elsewhere never.
pub struct System;

impl Holders for System {
    fn is_held(&self, path: &Path) -> bool {
        crate::windows::is_held(path)
    }
}

impl<F: Fn(&Path) -> bool + Sync> Holders for F {
    fn is_held(&self, path: &Path) -> bool {
        self(path)
    }
}

/// The existing files under `out` that `run` may replace or remove:
/// tong-hop.xlsx, ket-qua.json, phieu-bau-mau.xlsx, de-nghi-toan-tinh.docx,
/// the documents of `bao-cao/`, `to-trinh/`, `phieu-bau/` and `bien-ban/`
/// and the feedback workbooks of `phan-hoi/`, in that order. Office's own
/// lock files (`~$…`) are not outputs.
pub fn replaceable_outputs(out: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = [
        crate::write::tong_hop::SUMMARY_FILE,
        crate::write::json::JSON_FILE,
        crate::write::votes_form::VOTES_FORM_FILE,
        crate::write::docx::province::PROVINCE_FILE,
    ]
    .iter()
    .map(|name| out.join(name))
    .filter(|path| path.is_file())
    .collect();
    for (folder, extension) in [
        (REPORT_DIR, "docx"),
        (PROPOSAL_DIR, "docx"),
        (crate::write::docx::ballot::BALLOT_DIR, "docx"),
        (crate::write::docx::minutes::MINUTES_DIR, "docx"),
        (crate::write::feedback::FEEDBACK_DIR, "xlsx"),
    ] {
        let Ok(entries) = std::fs::read_dir(out.join(folder)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| is_output(path, extension))
            .collect();
        files.sort();
        found.extend(files);
    }
    found
}

/// The existing forms under `out/bieu-mau/` (one folder per bloc) that
/// `forms` may replace. Office's own lock files (`~$…`) are not outputs.
pub fn form_outputs(out: &Path) -> Vec<PathBuf> {
    let Ok(blocs) = std::fs::read_dir(out.join(crate::write::forms::FORMS_DIR)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = blocs
        .flatten()
        .filter_map(|bloc| std::fs::read_dir(bloc.path()).ok())
        .flat_map(|entries| entries.flatten().map(|entry| entry.path()))
        .filter(|path| is_output(path, "xlsx"))
        .collect();
    found.sort();
    found
}

/// A file with this extension (any case) that is not an Office lock file.
fn is_output(path: &Path, extension: &str) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    !name.starts_with("~$") && path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension)) && path.is_file()
}

/// Fails with [`Fatal::Held`] naming the first of `outputs` that `holders`
/// says is held, shown relative to the working folder `dir`.
pub fn refuse_held(dir: &Path, outputs: Vec<PathBuf>, holders: &dyn Holders) -> Result<(), Fatal> {
    match outputs.into_iter().find(|path| holders.is_held(path)) {
        Some(path) => Err(Fatal::Held {
            shown: crate::shown::path_in(&path, dir),
            program: program_of(&path),
            path,
        }),
        None => Ok(()),
    }
}

/// The program that usually holds a file of this kind, as the message
/// names it.
fn program_of(path: &Path) -> &'static str {
    match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("xlsx") => "Excel",
        Some("docx") => "Word",
        _ => "một chương trình khác",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_named_by_extension() {
        assert_eq!(program_of(Path::new("out/tong-hop.xlsx")), "Excel");
        assert_eq!(program_of(Path::new("out/bao-cao/khoi.DOCX")), "Word");
        assert_eq!(program_of(Path::new("out/ket-qua.json")), "một chương trình khác");
    }
}
