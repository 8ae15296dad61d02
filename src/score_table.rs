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
            Cell::Date(serial) => match excel_date(*serial) {
                Some((y, m, d)) => format!("{d:02}/{m:02}/{y}"),
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

/// (year, month, day) of an Excel date serial (1900 date system, with
/// Excel's phantom 29 February 1900); `None` outside years 1900-9999.
pub fn excel_date(serial: f64) -> Option<(i32, u32, u32)> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let day = serial.floor() as i64;
    // Serial 60 is the 29 February 1900 that never was.
    if day == 60 {
        return Some((1900, 2, 29));
    }
    let from_1899_12_30 = if day < 60 { day + 1 } else { day };
    Some(civil_from_days(from_1899_12_30 - 25_569))
}

/// The Excel serial of a calendar date (the inverse of [`excel_date`]).
pub fn excel_serial(year: i32, month: u32, day: u32) -> Option<f64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1900..=9999).contains(&year) {
        return None;
    }
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m as i32 + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let unix = i64::from(era) * 146_097 + i64::from(doe) - 719_468;
    let serial = unix + 25_569;
    Some(if serial <= 60 { serial - 1 } else { serial } as f64)
}

/// (year, month, day) of a count of days since 1970-01-01 (proleptic
/// Gregorian; Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_dates_convert_both_ways() {
        // 7 May 2026, what Excel makes of "7.5" typed under a Vietnamese locale.
        assert_eq!(excel_serial(2026, 5, 7), Some(46149.0));
        assert_eq!(excel_date(46149.0), Some((2026, 5, 7)));
        assert_eq!(excel_date(1.0), Some((1900, 1, 1)));
        assert_eq!(excel_date(61.0), Some((1900, 3, 1)));
        assert_eq!(excel_serial(1900, 3, 1), Some(61.0));
        assert_eq!(excel_date(-3.0), None);
        assert_eq!(Cell::Date(46149.0).shown(), "07/05/2026");
        assert_eq!(Cell::Percent(0.07).shown(), "7%");
        assert_eq!(Cell::Percent(0.085).shown(), "8,5%");
    }
}
