//! `ket-qua.json`: the whole outcome, machine-readable (docs/ket-qua-json.md).

use std::io::Write;

use std::path::Path;

use crate::error::Fatal;
use crate::outcome::Outcome;
use crate::write::atomic_write_with;

/// The file's name under `out/`.
pub const JSON_FILE: &str = "ket-qua.json";

/// Writes the outcome as pretty JSON with a final newline, streaming: a
/// province's result is never held as one string.
pub fn write_json(outcome: &Outcome, mut out: impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, outcome)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes `ket-qua.json` to `path`.
pub fn write_result(path: &Path, outcome: &Outcome) -> Result<(), Fatal> {
    atomic_write_with(path, |file| write_json(outcome, std::io::BufWriter::new(file)))
}
