//! What the reader hands on from a member's workbook: cell values converted
//! at the boundary, and the score table as found (its sheet, header,
//! columns and rows). Validation checks it; the feedback workbook lays it
//! out again. Plain data: no reading and no writing here.

/// The value of one cell, converted at the boundary.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
    /// An error value such as `#REF!`.
    Error(String),
    /// A formula whose result was never computed and saved.
    NoCachedValue,
}

impl Cell {
    /// The cell as display text (numbers without trailing zeros).
    pub fn text(&self) -> String {
        self.as_text().into_owned()
    }

    /// [`Cell::text`] without copying text that is already there.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Empty | Cell::NoCachedValue => "".into(),
            Cell::Number(n) => number_text(*n).into(),
            Cell::Text(s) => s.as_str().into(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Cell::Error(e) => e.as_str().into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// `1` for 1.0, `1.1` for 1.1: how a code typed as a number reads.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Columns of a found table (zero-based).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    pub code: Option<u32>,
    pub content: Option<u32>,
    pub max: Option<u32>,
    pub self_score: u32,
    pub appraisal: Option<u32>,
}

/// One data row under the header.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    pub row: u32,
    pub code: String,
    pub text: String,
    pub self_score: Cell,
    pub appraisal: Option<Cell>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub sheet: String,
    /// The last header row (the second one for a two-row header).
    pub header_row: u32,
    pub columns: Columns,
    pub rows: Vec<TableRow>,
    /// The `Tổng cộng` row, if the sheet has one.
    pub total: Option<TableRow>,
}
