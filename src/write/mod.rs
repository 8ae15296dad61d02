//! The writing stage: every output file. Only these modules name
//! rust_xlsxwriter or docx-rs. Every writer builds its bytes in memory and
//! hands them to [`atomic_write`], so an interrupted run leaves each output
//! either as it was or whole.

pub mod docx;
pub mod feedback;
pub mod forms;
pub mod json;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use crate::error::Fatal;

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place. Creates the folder if needed.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Fatal::write(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Fatal::write(path, e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Fatal::write(path, e)
    })
}

/// Writes a new file, refusing to replace one that exists (for `init`).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    if path.exists() {
        return Err(Fatal::Exists(path.to_path_buf()));
    }
    atomic_write(path, bytes)
}
