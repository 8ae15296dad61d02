//! The reading stage: the only module that names calamine.
//!
//! It turns a workbook file into our own plain types — a [`Book`] of
//! [`Sheet`]s of sparse [`Cell`]s with their zero-based positions — so that
//! the stages after it never see a third-party type. Failures become a
//! [`ReadFailure`] that the pipeline reports as a `file.*` issue.

pub mod table;
pub mod xlsx;

use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Reader, Sheets, Xls, Xlsx};

use crate::fold::nfc;
use crate::settings::Limits;

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
        match self {
            Cell::Empty | Cell::NoCachedValue => String::new(),
            Cell::Number(n) => number_text(*n),
            Cell::Text(s) => s.clone(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Cell::Error(e) => e.clone(),
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

/// One row of a sheet: its index and its non-empty cells by column.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub index: u32,
    pub cells: Vec<(u32, Cell)>,
}

impl Row {
    pub fn get(&self, col: u32) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }
}

/// A worksheet as sparse rows, in row order.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Row>,
}

impl Sheet {
    pub fn cell(&self, row: u32, col: u32) -> Option<&Cell> {
        let i = self.rows.binary_search_by_key(&row, |r| r.index).ok()?;
        self.rows[i].get(col)
    }
}

/// Why a file could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadFailure {
    /// Corrupt, truncated, not a spreadsheet; the text says what was seen.
    Unreadable(String),
    Encrypted,
    /// The text says which limit was passed.
    TooLarge(String),
}

/// An opened workbook whose sheets are read on demand.
pub struct Book {
    inner: Sheets<Cursor<Vec<u8>>>,
    max_cells: u64,
}

/// Opens a workbook from its bytes, recognising the format by content (a
/// `.xls` renamed `.xlsx` still opens).
pub fn open(bytes: Vec<u8>, limits: &Limits) -> Result<Book, ReadFailure> {
    let file_limit = limits.max_file_mb.saturating_mul(1024 * 1024);
    if bytes.len() as u64 > file_limit {
        return Err(ReadFailure::TooLarge(format!(
            "tệp {} MB, vượt giới hạn {} MB",
            bytes.len() / (1024 * 1024),
            limits.max_file_mb
        )));
    }
    let inner = match sniff(&bytes) {
        Format::Zip => {
            if is_ods(&bytes) {
                Sheets::Ods(calamine::open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map_err(ods_failure)?)
            } else {
                Sheets::Xlsx(calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)).map_err(xlsx_failure)?)
            }
        }
        Format::Cfb => {
            if is_encrypted_ooxml(&bytes) {
                return Err(ReadFailure::Encrypted);
            }
            Sheets::Xls(calamine::open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes)).map_err(xls_failure)?)
        }
        Format::Other => {
            return Err(ReadFailure::Unreadable(
                "nội dung tệp không phải bảng tính Excel hay LibreOffice".into(),
            ))
        }
    };
    Ok(Book {
        inner,
        max_cells: limits.max_cells,
    })
}

enum Format {
    Zip,
    Cfb,
    Other,
}

fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        Format::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Format::Cfb
    } else {
        Format::Other
    }
}

/// An ODS package names its type in the uncompressed `mimetype` entry first.
fn is_ods(bytes: &[u8]) -> bool {
    bytes.get(30..120).is_some_and(|head| {
        head.windows(39)
            .any(|w| w == b"application/vnd.oasis.opendocument.spre")
    })
}

/// A password-protected .xlsx is a CFB container holding `EncryptionInfo`
/// (stored as UTF-16 in the directory).
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn xlsx_failure(e: calamine::XlsxError) -> ReadFailure {
    match e {
        calamine::XlsxError::Password => ReadFailure::Encrypted,
        other => ReadFailure::Unreadable(format!("tệp .xlsx hỏng hoặc không đầy đủ ({other})")),
    }
}

fn xls_failure(e: calamine::XlsError) -> ReadFailure {
    match e {
        calamine::XlsError::Password => ReadFailure::Encrypted,
        other => ReadFailure::Unreadable(format!("tệp .xls hỏng hoặc không đầy đủ ({other})")),
    }
}

fn ods_failure(e: calamine::OdsError) -> ReadFailure {
    match e {
        calamine::OdsError::Password => ReadFailure::Encrypted,
        other => ReadFailure::Unreadable(format!("tệp .ods hỏng hoặc không đầy đủ ({other})")),
    }
}

impl Book {
    /// Names of the sheets in workbook order, with whether each is visible.
    pub fn sheet_names(&self) -> Vec<(String, bool)> {
        self.inner
            .sheets_metadata()
            .iter()
            .map(|s| (s.name.clone(), s.visible == calamine::SheetVisible::Visible))
            .collect()
    }

    /// Reads one sheet in full, as sparse rows with NFC text.
    pub fn sheet(&mut self, name: &str) -> Result<Sheet, ReadFailure> {
        let mut cells: Vec<(u32, u32, Cell)> = Vec::new();
        let max_cells = self.max_cells;
        let too_many = || {
            ReadFailure::TooLarge(format!(
                "sheet \"{name}\" có hơn {max_cells} ô, vượt giới hạn max_cells"
            ))
        };
        match &mut self.inner {
            Sheets::Xlsx(xlsx) => {
                let mut reader = xlsx
                    .worksheet_cells_reader(name)
                    .map_err(|e| ReadFailure::Unreadable(format!("sheet \"{name}\": {e}")))?;
                while let Some(c) = reader
                    .next_cell_with_formula()
                    .map_err(|e| ReadFailure::Unreadable(format!("sheet \"{name}\": {e}")))?
                {
                    let has_formula = c.formula.as_deref().is_some_and(|f| !f.is_empty());
                    let cell = match (cell_from_ref(c.value), has_formula) {
                        (Cell::Empty, true) => Cell::NoCachedValue,
                        (cell, _) => cell,
                    };
                    if cell != Cell::Empty {
                        if cells.len() as u64 >= max_cells {
                            return Err(too_many());
                        }
                        cells.push((c.pos.0, c.pos.1, cell));
                    }
                }
            }
            other => {
                let range = other
                    .worksheet_range(name)
                    .map_err(|e| ReadFailure::Unreadable(format!("sheet \"{name}\": {e}")))?;
                let formulas = other.worksheet_formula(name).ok();
                for (row, col, value) in range.used_cells() {
                    let (r, c) = match range.start() {
                        Some((r0, c0)) => (r0 + row as u32, c0 + col as u32),
                        None => continue,
                    };
                    let has_formula = formulas
                        .as_ref()
                        .and_then(|f| f.get_value((r, c)))
                        .is_some_and(|f| !f.is_empty());
                    let cell = match (cell_from_data(value), has_formula) {
                        (Cell::Empty, true) => Cell::NoCachedValue,
                        (cell, _) => cell,
                    };
                    if cell != Cell::Empty {
                        if cells.len() as u64 >= max_cells {
                            return Err(too_many());
                        }
                        cells.push((r, c, cell));
                    }
                }
                // Formulas with no cached value do not appear among the used
                // cells of the value range at all.
                if let Some(f) = &formulas {
                    if let Some((r0, c0)) = f.start() {
                        for (row, col, text) in f.used_cells() {
                            let (r, c) = (r0 + row as u32, c0 + col as u32);
                            if !text.is_empty() && range.get_value((r, c)).is_none_or(|v| *v == Data::Empty) {
                                cells.push((r, c, Cell::NoCachedValue));
                            }
                        }
                    }
                }
            }
        }
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        cells.dedup_by_key(|(r, c, _)| (*r, *c));
        Ok(Sheet {
            name: nfc(name),
            rows: into_rows(cells),
        })
    }
}

pub(crate) fn into_rows(cells: Vec<(u32, u32, Cell)>) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (r, c, cell) in cells {
        match rows.last_mut() {
            Some(row) if row.index == r => row.cells.push((c, cell)),
            _ => rows.push(Row {
                index: r,
                cells: vec![(c, cell)],
            }),
        }
    }
    rows
}

fn cell_from_ref(value: DataRef<'_>) -> Cell {
    match value {
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::String(s) => Cell::Text(nfc(&s)),
        DataRef::SharedString(s) => Cell::Text(nfc(s)),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(d) => Cell::Number(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn cell_from_data(value: &Data) -> Cell {
    match value {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(nfc(s)),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Number(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// Reads a registry-type file (don-vi.xlsx, tieu-chi.xlsx, phieu-bau.xlsx)
/// whole: every sheet by name. These files are the secretariat's own and are
/// small; a failure here is fatal for the command, so the caller words it.
pub fn read_all_sheets(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<Sheet>, ReadFailure> {
    let mut book = open(bytes, limits)?;
    let names = book.sheet_names();
    names.into_iter().map(|(name, _)| book.sheet(&name)).collect()
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadFailure::Unreadable(why) => write!(f, "không đọc được tệp: {why}"),
            ReadFailure::Encrypted => write!(f, "tệp được đặt mật khẩu"),
            ReadFailure::TooLarge(why) => write!(f, "tệp quá lớn: {why}"),
        }
    }
}
