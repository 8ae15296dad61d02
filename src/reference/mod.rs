//! The secretariat's reference workbooks, parsed from the [`Sheet`]s the
//! reader produced: the registry of blocs and units (`don-vi.xlsx`), the
//! criteria framework (`tieu-chi.xlsx`) and the meeting's votes
//! (`phieu-bau.xlsx`). A problem in the first two stops the command (exit
//! code 2): without them nothing can be scored. See docs/thu-muc-lam-viec.md.

pub mod framework;
pub mod meeting;
pub mod registry;
pub mod votes;

use crate::read::Sheet;
use crate::text::fold;

/// A problem in a reference file, with the sheet and cell where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError {
    pub sheet: String,
    pub message: String,
}

pub(crate) fn ref_error(sheet: &str, message: impl Into<String>) -> RefError {
    RefError {
        sheet: sheet.to_string(),
        message: message.into(),
    }
}

/// Finds a header row among the first rows: the row where every wanted title
/// is present (compared folded). Returns the row index and each title's column.
pub fn find_header(sheet: &Sheet, wanted: &[&str], required: usize) -> Option<(u32, Vec<Option<u32>>)> {
    let wanted: Vec<String> = wanted.iter().map(|w| fold(w)).collect();
    sheet.rows.iter().take(15).find_map(|row| {
        let cols: Vec<Option<u32>> = wanted
            .iter()
            .map(|w| {
                row.cells
                    .iter()
                    .find(|(_, c)| fold(&c.as_text()) == *w)
                    .map(|(col, _)| *col)
            })
            .collect();
        cols[..required]
            .iter()
            .all(Option::is_some)
            .then_some((row.index, cols))
    })
}

pub(crate) fn text_at(sheet: &Sheet, row: u32, col: Option<u32>) -> String {
    col.and_then(|c| sheet.cell(row, c))
        .map(|c| c.as_text().trim().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod test_sheets {
    use crate::read::{Row, Sheet};
    use crate::score_table::Cell;

    /// A sheet from rows of text; numbers become number cells.
    pub fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.into(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(r, cells)| Row {
                    index: r as u32,
                    cells: cells
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| !t.is_empty())
                        .map(|(c, t)| {
                            let cell = match t.parse::<f64>() {
                                Ok(n) => Cell::Number(n),
                                Err(_) => Cell::Text(t.to_string()),
                            };
                            (c as u32, cell)
                        })
                        .collect(),
                })
                .collect(),
            ..Sheet::default()
        }
    }
}
