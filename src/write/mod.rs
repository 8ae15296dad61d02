//! The writing stage: every output file. Only these modules name
//! rust_xlsxwriter or docx-rs, and they read nothing but the outcome, the
//! settings and the reference data: never a member's file.
//!
//! One convention for every output: each kind has a `write_*` function
//! (`write_feedback`, `write_forms`, `write_summary`, `write_result`,
//! `write_documents`) that builds its bytes and hands them to
//! [`atomic_write`] (or streams them through [`atomic_write_with`]), so an
//! interrupted run leaves each output either as it was or whole. The
//! builders beside them (`feedback_workbook`, `form_workbook`,
//! `bloc_documents`…) return bytes and touch no disk.

pub mod docx;
pub mod feedback;
pub mod forms;
pub mod json;
pub mod names;
pub mod tong_hop;
pub mod votes_form;
pub mod xlsx_kit;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{is_locked, Fatal};

/// Temporary files start with this and end with [`TEMP_SUFFIX`]: hidden on
/// Unix, ignored by discovery, and recognisable as stale after a killed run.
pub const TEMP_PREFIX: &str = ".";
pub const TEMP_SUFFIX: &str = ".tmp";

/// Pauses before retrying a replacement refused because the file is held
/// (an antivirus scan or a preview pane releases it within moments; Excel
/// does not, and then the error says to close the file).
const RETRY_DELAYS_MS: [u64; 3] = [100, 300, 700];

/// Writes `bytes` to `path` through a temporary file in the same folder
/// (`.<name>.<random>.tmp`), flushed to disk and then renamed into place,
/// so `path` is at every moment either as it was or whole. Creates the
/// folder if needed. A replacement refused because the file is open
/// elsewhere is retried a few times before failing.
///
/// A file that already holds exactly `bytes` is left alone: a rerun after
/// one member's correction rewrites only what changed, keeps the others'
/// modification times, and does not trip over a document left open in Word.
///
/// Fails with [`Fatal::Write`] naming `path`, in Vietnamese.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    if holds(path, bytes) {
        return Ok(());
    }
    write_via_temp(path, |file| file.write_all(bytes), true)
}

/// Whether `path` is a file whose content is exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// [`atomic_write`] for an output written straight to its file by `fill`
/// (a large workbook need not be held in memory first).
pub fn atomic_write_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), Fatal> {
    write_via_temp(path, fill, true)
}

fn write_via_temp(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    replace: bool,
) -> Result<(), Fatal> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Fatal::write(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{TEMP_PREFIX}{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // tempfile makes private (0600) files; outputs get the usual mode, less
    // the user's umask, like any file the user saves.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Fatal::write(path, e))?;
    fill(tmp.as_file_mut())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Fatal::write(path, e))?;
    // On failure the temporary file is removed when `tmp` is dropped.
    let mut tmp = tmp.into_temp_path();
    for delay in RETRY_DELAYS_MS
        .iter()
        .map(|ms| Some(Duration::from_millis(*ms)))
        .chain([None])
    {
        let result = if replace {
            tmp.persist(path)
        } else {
            tmp.persist_noclobber(path)
        };
        match result {
            Ok(()) => return Ok(()),
            Err(e) if !replace && e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Fatal::Exists(path.to_path_buf()))
            }
            Err(e) => match delay {
                Some(delay) if is_locked(&e.error) => {
                    std::thread::sleep(delay);
                    tmp = e.path;
                }
                _ => return Err(Fatal::write(path, e.error)),
            },
        }
    }
    unreachable!("the last attempt returns")
}

/// Writes a new file, refusing to replace one that exists (for `init`).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    if path.exists() {
        return Err(Fatal::Exists(path.to_path_buf()));
    }
    write_via_temp(path, |file| file.write_all(bytes), false)
}

/// Whether a file name is one of [`atomic_write`]'s temporary files.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) && name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
}

/// Removes temporary files left under `out` by a run that was killed
/// before it could rename them, never entering `keep_out` (the submissions
/// folder, should `out` contain it). Returns the files removed; a file that
/// cannot be removed is left alone (it is hidden and never read).
pub fn clean_stale_temps(out: &Path, keep_out: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if path != keep_out {
                    stack.push(path);
                }
            } else if kind.is_file()
                && is_temp_name(&entry.file_name().to_string_lossy())
                && std::fs::remove_file(&path).is_ok()
            {
                removed.push(path);
            }
        }
    }
    removed.sort();
    removed
}

/// Refuses an output folder inside (or equal to) the submissions folder:
/// outputs there would be read back as submissions on the next run, and a
/// run could replace a member's file.
pub fn check_out_folder(out: &Path, submissions: &Path) -> Result<(), Fatal> {
    let (Some(out_abs), Some(sub_abs)) = (resolved(out), resolved(submissions)) else {
        return Ok(());
    };
    if out_abs.starts_with(&sub_abs) {
        return Err(Fatal::OutInsideInputs {
            out: out.to_path_buf(),
            submissions: submissions.to_path_buf(),
        });
    }
    Ok(())
}

/// `path` made absolute with symbolic links resolved, for a path that may
/// not exist yet: its nearest existing ancestor is resolved and the rest
/// appended.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut rest = Vec::new();
    let mut cur = absolute.as_path();
    loop {
        if let Ok(real) = cur.canonicalize() {
            return Some(rest.iter().rev().fold(real, |p: PathBuf, c| p.join(c)));
        }
        rest.push(cur.file_name()?.to_os_string());
        cur = cur.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_and_leaves_no_temp() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("sub/a.json");
        atomic_write(&path, b"first").unwrap();
        atomic_write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<String> = std::fs::read_dir(tmp.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_ne!(
                mode & 0o044,
                0,
                "outputs are readable by others as umask allows: {mode:o}"
            );
        }
    }

    #[test]
    fn atomic_write_leaves_a_file_with_the_same_content_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.docx");
        atomic_write(&path, b"same").unwrap();
        // A marker only a real replacement would remove: a hard link shares
        // the file until the path is renamed over.
        let link = tmp.path().join("link");
        std::fs::hard_link(&path, &link).unwrap();
        atomic_write(&path, b"same").unwrap();
        std::fs::write(&link, b"SAME").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"SAME", "the file was replaced");
        atomic_write(&path, b"SAMf").unwrap();
        std::fs::write(&link, b"old!").unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"SAMf",
            "changed content must replace the file"
        );
    }

    #[test]
    fn atomic_write_into_a_file_path_fails_in_vietnamese() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("blocker"), b"x").unwrap();
        let err = atomic_write(&tmp.path().join("blocker/a.json"), b"x").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("Không ghi được"), "{text}");
        assert!(text.contains("blocker"), "{text}");
    }

    #[test]
    fn stale_temps_are_removed_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let nop = out.join("nop");
        std::fs::create_dir_all(out.join("bao-cao")).unwrap();
        std::fs::create_dir_all(&nop).unwrap();
        for name in [
            "out/.tong-hop.xlsx.AbC123.tmp",
            "out/bao-cao/.x.docx.q.tmp",
            "out/tong-hop.xlsx",
            "out/.tmp",
            "out/ghi-chu.tmp",
            "out/nop/.kept.tmp",
        ] {
            std::fs::write(tmp.path().join(name), b"x").unwrap();
        }
        let removed = clean_stale_temps(&out, &nop);
        assert_eq!(removed.len(), 2, "{removed:?}");
        assert!(out.join("tong-hop.xlsx").exists());
        assert!(out.join(".tmp").exists());
        assert!(out.join("ghi-chu.tmp").exists());
        assert!(nop.join(".kept.tmp").exists());
    }

    #[test]
    fn out_folder_inside_submissions_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let nop = tmp.path().join("nop");
        std::fs::create_dir_all(&nop).unwrap();
        assert!(check_out_folder(&tmp.path().join("out"), &nop).is_ok());
        assert!(check_out_folder(tmp.path(), &nop).is_ok());
        assert!(check_out_folder(&nop, &nop).is_err());
        let err = check_out_folder(&nop.join("ket-qua/x"), &nop).unwrap_err();
        assert!(err.to_string().contains("--out"), "{err}");
        assert!(check_out_folder(&tmp.path().join("nop/../nop/sub"), &nop).is_err());
    }
}
