//! What the reader hands on from a member's workbook: cell values converted
//! at the boundary, and the score table as found (its sheet, header,
//! columns and rows). Validation checks it; the feedback workbook lays it
//! out again. Plain data: no reading and no writing here.

use crate::calendar::Date;

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
    /// A number shown as a date or time (its serial day number): what Excel
    /// makes of `7.5` typed under a Vietnamese locale.
    Date(f64),
    /// A number shown as a percentage (the stored value: 0.07 for `7%`).
    Percent(f64),
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
            Cell::Number(n) | Cell::Date(n) | Cell::Percent(n) => number_text(*n).into(),
            Cell::Text(s) => s.as_str().into(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Cell::Error(e) => e.as_str().into(),
        }
    }

    /// The cell as Excel shows it where that differs from its stored
    /// number: `07/05/2026` for a date, `7%` for a percentage.
    pub fn shown(&self) -> String {
        match self {
            Cell::Date(serial) => match Date::from_serial(*serial) {
                Some(Date { year, month, day }) => format!("{day:02}/{month:02}/{year}"),
                None => number_text(*serial),
            },
            Cell::Percent(n) => format!("{}%", number_text((n * 100.0 * 1e9).round() / 1e9).replace('.', ",")),
            other => other.text(),
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
    /// Hidden in Excel: the member cannot see it.
    pub hidden: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub sheet: String,
    /// The first header row (of a two-row header, the upper one).
    pub first_header_row: u32,
    /// The last header row (the second one for a two-row header).
    pub header_row: u32,
    pub columns: Columns,
    /// Criterion, group and heading rows, in sheet order.
    pub rows: Vec<TableRow>,
    /// Total and subtotal rows (`Tổng cộng`, `Cộng mục I`, `Tổng điểm
    /// chuẩn (I+II+III)`), wherever they stand, in sheet order.
    pub totals: Vec<TableRow>,
    /// The text of the title rows above the header (letterhead, `Đơn vị:
    /// …`, `BẢNG TỰ CHẤM ĐIỂM CỦA …`) by (row, column): where a unit is
    /// named, shown again in the feedback workbook.
    pub titles: Vec<(u32, u32, String)>,
}

impl TableRow {
    /// The row as a message names it: its code and text, whichever it has.
    pub fn label(&self) -> String {
        [self.code.as_str(), self.text.as_str()]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_dates_convert_both_ways() {
        // 7 May 2026, what Excel makes of "7.5" typed under a Vietnamese locale.
        let date = |year, month, day| Date { year, month, day };
        assert_eq!(date(2026, 5, 7).serial(), Some(46149.0));
        assert_eq!(Date::from_serial(46149.0), Some(date(2026, 5, 7)));
        assert_eq!(Date::from_serial(1.0), Some(date(1900, 1, 1)));
        assert_eq!(Date::from_serial(60.0), Some(date(1900, 2, 29)));
        assert_eq!(Date::from_serial(61.0), Some(date(1900, 3, 1)));
        assert_eq!(date(1900, 3, 1).serial(), Some(61.0));
        assert_eq!(Date::from_serial(-3.0), None);
        assert_eq!(Cell::Date(46149.0).shown(), "07/05/2026");
        assert_eq!(Cell::Percent(0.07).shown(), "7%");
        assert_eq!(Cell::Percent(0.085).shown(), "8,5%");
    }
}
