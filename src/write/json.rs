//! `ket-qua.json`: the whole outcome, machine-readable (SPEC §6).

use std::io::Write;

use crate::outcome::Outcome;

/// Writes the outcome as pretty JSON with a final newline, streaming: a
/// province's result is never held as one string.
pub fn write_json(outcome: &Outcome, mut out: impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, outcome)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The outcome as pretty JSON with a final newline.
pub fn to_json(outcome: &Outcome) -> String {
    let mut bytes = Vec::new();
    // Writing to memory cannot fail, and the outcome is plain data.
    let _ = write_json(outcome, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}
