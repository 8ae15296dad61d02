//! The discovery stage: every file under the submissions folder, in a fixed
//! order, each either a candidate workbook or ignored with a reason.

use std::path::{Path, PathBuf};

use crate::error::Fatal;

/// One file found under `nop/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Path relative to the working folder, with `/`.
    pub rel: String,
    pub path: PathBuf,
    /// Whether it is a workbook to read (else it is listed as ignored).
    pub workbook: bool,
}

const WORKBOOK_EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// Whether a file name is a workbook we read: not a lock file, not system
/// clutter, and with a spreadsheet extension.
pub fn is_workbook_name(name: &str) -> bool {
    if name.starts_with("~$")
        || name.starts_with('.')
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
    {
        return false;
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    WORKBOOK_EXTENSIONS.contains(&ext.as_str())
}

/// Lists every file under `root/sub`, recursively, sorted by relative path.
/// Symbolic links to folders are not followed; `skip` (the output folder)
/// is never entered.
pub fn discover(root: &Path, sub: &str, skip: &Path) -> Result<Vec<InputFile>, Fatal> {
    let start = root.join(sub);
    if !start.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let mut stack = vec![start];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Fatal::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Fatal::io(&dir, e))?;
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if path != skip {
                    stack.push(path);
                }
                continue;
            }
            if !(kind.is_file() || (kind.is_symlink() && path.is_file())) {
                continue;
            }
            let rel = relative(root, &path);
            let name = entry.file_name().to_string_lossy().into_owned();
            found.push(InputFile {
                rel,
                workbook: is_workbook_name(&name),
                path,
            });
        }
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(found)
}

/// `path` relative to `root`, with `/` on every platform.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files_and_clutter_are_not_workbooks() {
        assert!(is_workbook_name("so-y-te.xlsx"));
        assert!(is_workbook_name("CU.XLS"));
        assert!(is_workbook_name("a.ods"));
        assert!(!is_workbook_name("~$so-y-te.xlsx"));
        assert!(!is_workbook_name("Thumbs.db"));
        assert!(!is_workbook_name(".DS_Store"));
        assert!(!is_workbook_name("bao-cao.docx"));
    }
}
