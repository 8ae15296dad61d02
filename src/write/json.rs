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
