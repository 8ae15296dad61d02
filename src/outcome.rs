//! The whole result of a run: what `ket-qua.json` holds (SPEC §6) and what
//! every writer reads.

use serde::Serialize;

use crate::model::{Issue, Points};
use crate::score::Totals;
use crate::settings::Date;

#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub schema: &'static str,
    pub year: i32,
    pub report_date: Date,
    pub blocs: Vec<BlocResult>,
    pub issues: Vec<Issue>,
    pub inputs: Vec<InputRecord>,
}

pub const SCHEMA: &str = "thidua/ket-qua/1";

#[derive(Clone, Debug, Serialize)]
pub struct BlocResult {
    pub name: String,
    pub complete: bool,
    pub next_leader: Option<String>,
    pub next_deputy: Option<String>,
    /// This year's leader and deputy, from the registry.
    pub leader: Option<String>,
    pub deputy: Option<String>,
    /// The framework sheet the bloc is scored on.
    pub framework: String,
    pub units: Vec<UnitResult>,
    /// The bloc's rows of the votes file, for the documents; `None` when
    /// there is no votes file.
    #[serde(skip)]
    pub votes: Option<Vec<VoteCount>>,
}

/// One vote count of a bloc meeting (a row of phieu-bau.xlsx).
#[derive(Clone, Debug, Serialize)]
pub struct VoteCount {
    /// The unit's name.
    pub unit: String,
    /// An award name, `Trưởng khối` or `Phó khối`.
    pub form: String,
    pub agree: u32,
    pub total: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitStatus {
    Scored,
    Missing,
    Rejected,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnitResult {
    pub code: String,
    pub name: String,
    pub status: UnitStatus,
    #[serde(rename = "self")]
    pub self_totals: Option<Totals>,
    #[serde(rename = "final")]
    pub final_totals: Option<Totals>,
    pub rank: Option<u32>,
    pub classification: Option<String>,
    pub eligible: bool,
    pub notes: Vec<String>,
    pub award: Option<String>,
    /// The award is provisional: the bloc is incomplete.
    pub provisional: bool,
    pub source: Option<String>,
    /// Every criterion's score (groups capped), self and final, indexed like
    /// the bloc's framework; empty when unscored.
    #[serde(skip)]
    pub self_scores: Vec<Points>,
    #[serde(skip)]
    pub final_scores: Vec<Points>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputStatus {
    Accepted,
    Rejected,
    Ignored,
}

#[derive(Clone, Debug, Serialize)]
pub struct InputRecord {
    pub file: String,
    pub sha256: Option<String>,
    pub status: InputStatus,
    pub unit: Option<String>,
}

impl Outcome {
    /// Whether any input had an error (exit code 1).
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(Issue::is_error)
    }

    /// Units per status, over all blocs.
    pub fn count(&self, status: UnitStatus) -> usize {
        self.blocs
            .iter()
            .flat_map(|b| &b.units)
            .filter(|u| u.status == status)
            .count()
    }
}
