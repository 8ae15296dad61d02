//! `ket-qua.json`: the whole outcome, machine-readable (SPEC §6).

use crate::outcome::Outcome;

/// The outcome as pretty JSON with a final newline.
pub fn to_json(outcome: &Outcome) -> String {
    let mut text = serde_json::to_string_pretty(outcome).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
