//! The reading stage: the only module that names calamine.
//!
//! It turns a workbook file into our own plain types — a [`Book`] of
//! [`Sheet`]s of sparse [`Cell`]s with their zero-based positions — so that
//! the stages after it never see a third-party type. Failures become a
//! [`ReadFailure`] that the pipeline reports as a `file.*` issue.
//!
//! `.xlsx`/`.xlsm`, what nearly every member sends, go through our own
//! streaming reader ([`xlsx`]), which reads only the parts a sheet needs;
//! `.xls` and `.ods` go through calamine.

pub mod choose;
mod guard;
pub mod legacy;
mod scan;
pub mod table;
pub mod xlsx;

use std::io::Cursor;

use calamine::{Data, Ods, Reader, Sheets, Xls};

use crate::score_table::Cell;
use crate::text::nfc;
use legacy::Legacy;

/// How much one workbook may hold before it is refused as too large
/// (`[limits]` of `thidua.toml`): the reader owns them, the settings fill them.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_file_mb: u64,
    pub max_unpacked_mb: u64,
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_mb: 50,
            max_unpacked_mb: 300,
            max_cells: 2_000_000,
        }
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
    /// Rows and columns hidden in Excel or LibreOffice (.xlsx from the sheet
    /// XML; .xls and .ods from the walk in `guard`).
    pub hidden: xlsx::Hidden,
}

impl Sheet {
    /// Whether Excel hides this row (zero-based).
    pub fn row_hidden(&self, row: u32) -> bool {
        self.hidden.rows.contains(&row)
    }

    /// Whether Excel hides this column (zero-based).
    pub fn col_hidden(&self, col: u32) -> bool {
        self.hidden.cols.iter().any(|&(lo, hi)| (lo..=hi).contains(&col))
    }

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

/// Where legacy-encoded text was found and converted in a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyText {
    pub encoding: Legacy,
    /// The first converted cell (zero-based).
    pub row: u32,
    pub col: u32,
}

/// The reader behind a [`Book`].
enum Inner {
    Xlsx(xlsx::XlsxBook),
    /// .xls and .ods, with what calamine leaves out of their sheets.
    Calamine(Box<Sheets<Cursor<Vec<u8>>>>, guard::Shapes),
}

/// An opened workbook whose sheets are read on demand.
pub struct Book {
    inner: Inner,
    max_cells: u64,
    legacy: Vec<(String, LegacyText)>,
}

/// Opens a workbook from its bytes, recognising the format by content (a
/// `.xls` renamed `.xlsx` still opens). Before calamine sees the bytes, the
/// container is checked against `limits` (file size, unpacked size, cells)
/// and for encryption.
pub fn open(bytes: Vec<u8>, limits: &Limits) -> Result<Book, ReadFailure> {
    let file_limit = limits.max_file_mb.saturating_mul(1024 * 1024);
    if bytes.len() as u64 > file_limit {
        return Err(ReadFailure::TooLarge(format!(
            "tệp {} MB, vượt giới hạn {} MB (max_file_mb)",
            bytes.len() / (1024 * 1024),
            limits.max_file_mb
        )));
    }
    let inner = match sniff(&bytes) {
        Format::Zip => {
            let info = guard::check_zip(&bytes, limits)?;
            if info.ods {
                if info.ods_encrypted {
                    return Err(ReadFailure::Encrypted);
                }
                let shapes = guard::check_ods_cells(&bytes, limits)?;
                Inner::Calamine(
                    Box::new(Sheets::Ods(
                        calamine::open_workbook_from_rs::<Ods<_>, _>(Cursor::new(bytes)).map_err(ods_failure)?,
                    )),
                    shapes,
                )
            } else {
                Inner::Xlsx(xlsx::XlsxBook::open(bytes, limits)?)
            }
        }
        Format::Cfb => match guard::check_cfb(&bytes, limits)? {
            guard::CfbKind::EncryptedOoxml => return Err(ReadFailure::Encrypted),
            guard::CfbKind::Xls(shapes) => Inner::Calamine(
                Box::new(Sheets::Xls(
                    calamine::open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes)).map_err(xls_failure)?,
                )),
                shapes,
            ),
        },
        Format::Other => {
            return Err(ReadFailure::Unreadable(
                "nội dung tệp không phải bảng tính Excel hay LibreOffice".into(),
            ))
        }
    };
    Ok(Book {
        inner,
        max_cells: limits.max_cells,
        legacy: Vec::new(),
    })
}

enum Format {
    Zip,
    Cfb,
    Other,
}

fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Format::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Format::Cfb
    } else {
        Format::Other
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
        match &self.inner {
            Inner::Xlsx(book) => book.sheet_names(),
            Inner::Calamine(sheets, _) => sheets
                .sheets_metadata()
                .iter()
                .map(|s| (s.name.clone(), s.visible == calamine::SheetVisible::Visible))
                .collect(),
        }
    }

    /// Reads one sheet in full, as sparse rows with NFC text. Legacy
    /// (TCVN3, VNI) text is converted to Unicode and remembered, see
    /// [`Book::legacy_text`]. Fails when the sheet passes `max_cells` or its
    /// XML is broken.
    pub fn sheet(&mut self, name: &str) -> Result<Sheet, ReadFailure> {
        let mut cells: Vec<(u32, u32, Cell)> = Vec::new();
        let mut fonts: Vec<CellFont> = Vec::new();
        let mut hidden = xlsx::Hidden::default();
        let max_cells = self.max_cells;
        let too_many = || {
            ReadFailure::TooLarge(format!(
                "sheet \"{name}\" có hơn {max_cells} ô, vượt giới hạn max_cells"
            ))
        };
        let broken = |e: &dyn std::fmt::Display| ReadFailure::Unreadable(format!("sheet \"{name}\": {e}"));
        match &mut self.inner {
            Inner::Xlsx(book) => {
                let (read, legacy_fonts, hid) = book.sheet_cells(name)?;
                cells = read;
                fonts = legacy_fonts;
                hidden = hid;
            }
            Inner::Calamine(other, shapes) => {
                let shown_all = guard::Shape::default();
                let shape = shapes.get(name).unwrap_or(&shown_all);
                let range = other.worksheet_range(name).map_err(|e| broken(&e))?;
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
                        (Cell::Empty, true) if shape.empty_result(r, c) => Cell::Empty,
                        (Cell::Empty, true) => Cell::NoCachedValue,
                        // A formula whose saved result is the empty string
                        // (`=IF(E9="","",E9*0,5)`) is a blank cell.
                        (Cell::Text(t), true) if t.is_empty() => Cell::Empty,
                        // .ods keeps a formula's error result as its text.
                        (Cell::Text(t), true) if is_error_text(&t) => Cell::Error(t),
                        // A number shown through a percent format.
                        (Cell::Number(n), _) if shape.percent(r, c) => Cell::Percent(n),
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
                            if !text.is_empty()
                                && range.get_value((r, c)).is_none_or(|v| *v == Data::Empty)
                                && !shape.empty_result(r, c)
                            {
                                if cells.len() as u64 >= max_cells {
                                    return Err(too_many());
                                }
                                cells.push((r, c, Cell::NoCachedValue));
                            }
                        }
                    }
                }
                hidden.cols = shape.hidden_cols.clone();
                hidden.rows = cells
                    .iter()
                    .map(|(r, _, _)| *r)
                    .filter(|&r| shape.row_hidden(r))
                    .collect();
                hidden.rows.sort_unstable();
                hidden.rows.dedup();
            }
        }
        // Cells come in document order, nearly always sorted already.
        if !cells.is_sorted_by_key(|(r, c, _)| (*r, *c)) {
            cells.sort_by_key(|(r, c, _)| (*r, *c));
        }
        cells.dedup_by_key(|(r, c, _)| (*r, *c));
        // The same bound as .xls and .ods get before calamine: a sheet whose
        // values span more than max_cells (a stray value in XFD1048576) is
        // refused, so no later stage ever lays out such a grid.
        let area = extent(&cells);
        if area > max_cells {
            return Err(ReadFailure::TooLarge(format!(
                "sheet \"{name}\" có dữ liệu trải trên {area} ô (giới hạn max_cells = {max_cells}); có thể có giá trị lạc ở ô rất xa"
            )));
        }
        if let Some(found) = convert_legacy(&mut cells, &mut fonts) {
            self.legacy.push((name.to_string(), found));
        }
        hidden.rows.sort_unstable();
        Ok(Sheet {
            name: nfc(name),
            rows: into_rows(cells),
            hidden,
        })
    }

    /// The legacy-encoded text found in a sheet already read, if any.
    pub fn legacy_text(&self, sheet: &str) -> Option<&LegacyText> {
        self.legacy.iter().find(|(n, _)| n == sheet).map(|(_, l)| l)
    }
}

/// How many cells the bounding box of sorted cells covers.
fn extent(cells: &[(u32, u32, Cell)]) -> u64 {
    let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
        return 0;
    };
    let (lo, hi) = cells
        .iter()
        .fold((u32::MAX, 0), |(lo, hi), (_, c, _)| (lo.min(*c), hi.max(*c)));
    (u64::from(last.0) - u64::from(first.0) + 1) * (u64::from(hi) - u64::from(lo) + 1)
}

/// A sheet's non-empty cells as (row, column, value), in any order.
pub(crate) type Cells = Vec<(u32, u32, Cell)>;

/// A cell position in a legacy font: (row, column), (encoding, all capitals).
pub(crate) type CellFont = ((u32, u32), (Legacy, bool));

/// Converts legacy-encoded text cells in place: cells in a legacy font
/// always, other cells when the sheet as a whole shows enough evidence of
/// one encoding and the cell itself shows some. Returns the first cell
/// converted. Cells are sorted by position.
fn convert_legacy(cells: &mut [(u32, u32, Cell)], fonts: &mut [CellFont]) -> Option<LegacyText> {
    let (mut tcvn, mut vni) = (0u32, 0u32);
    for (_, _, cell) in cells.iter() {
        if let Cell::Text(t) = cell {
            if !t.is_ascii() {
                let (a, b) = legacy::evidence(t);
                tcvn += a;
                vni += b;
            }
        }
    }
    let sheet_encoding = legacy::decide(tcvn, vni);
    if sheet_encoding.is_none() && fonts.is_empty() {
        return None;
    }
    fonts.sort_unstable_by_key(|(pos, _)| *pos);
    let mut first: Option<LegacyText> = None;
    for (r, c, cell) in cells.iter_mut() {
        let Cell::Text(text) = cell else { continue };
        if text.is_ascii() {
            continue;
        }
        let font = fonts
            .binary_search_by_key(&(*r, *c), |(pos, _)| *pos)
            .ok()
            .map(|i| fonts[i].1);
        let chosen = match (font, sheet_encoding) {
            // A legacy font decides, unless the text is plainly Unicode.
            (Some(font), _) if !legacy::is_unicode_vietnamese(text) => Some(font),
            (None, Some(enc)) if legacy::should_convert(text, enc) => Some((enc, false)),
            _ => None,
        };
        if let Some((enc, caps)) = chosen {
            let converted = legacy::convert(text, enc, caps);
            if converted != *text {
                *text = nfc(&converted);
                first.get_or_insert(LegacyText {
                    encoding: enc,
                    row: *r,
                    col: *c,
                });
            }
        }
    }
    first
}

/// Error results as spreadsheets show them (`#REF!`, LibreOffice's `Err:502`).
fn is_error_text(text: &str) -> bool {
    const ERRORS: [&str; 8] = [
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
    ];
    let t = text.trim();
    ERRORS.contains(&t)
        || t.strip_prefix("Err:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
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

fn cell_from_data(value: &Data) -> Cell {
    match value {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(nfc(s)),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Date(d.as_f64()),
        // .ods keeps dates as ISO text (`2026-05-07`).
        Data::DateTimeIso(s) => iso_date(s).map(Cell::Date).unwrap_or_else(|| Cell::Text(s.clone())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// The Excel serial of an ISO date (`2026-05-07`, `2026-05-07T00:00:00`).
fn iso_date(text: &str) -> Option<f64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    crate::calendar::Date { year, month, day }.serial()
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
