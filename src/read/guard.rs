//! Bounds on untrusted workbooks, checked before calamine sees the bytes.
//!
//! calamine trusts what a file declares: an .xls `DIMENSIONS` record or two
//! far-apart cells make it allocate a dense grid, an .ods row of repeated
//! cells is expanded in memory, and a zip entry is inflated to whatever size
//! its directory claims. A member's workbook is small, so anything claiming
//! more than the configured limits is refused here as `file.too-large`
//! (or `file.encrypted`) with a message that says which limit was passed.
//!
//! The same walk keeps what calamine reads past and the reader needs to
//! choose, never guess: which cells a number format shows as a percentage
//! and which rows and columns are hidden ([`Shape`]).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::xlsx::{builtin_shape, custom_shape, NumberShape};
use super::Limits;
use crate::read::ReadFailure;

/// What calamine leaves out of an .xls or .ods sheet: the cells shown as
/// percentages (a 7 typed into a `0%` cell holds 0.07), the .ods formulas
/// whose saved result is the empty string (LibreOffice writes them with no
/// value type around an empty `<text:p/>`; calamine reads them as a formula
/// never calculated, which has no content at all), and the hidden
/// rows and columns (zero-based, inclusive ranges).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    pub percent: Vec<(u32, u32)>,
    pub empty_results: Vec<(u32, u32)>,
    pub hidden_rows: Vec<(u32, u32)>,
    pub hidden_cols: Vec<(u32, u32)>,
}

/// Shapes by sheet name, as the workbook spells it.
pub(crate) type Shapes = HashMap<String, Shape>;

impl Shape {
    /// Ready for lookups: cells sorted, hidden rows merged into disjoint
    /// ranges (a hostile file with many hidden ranges stays linear).
    fn finished(mut self) -> Shape {
        self.percent.sort_unstable();
        self.empty_results.sort_unstable();
        self.hidden_rows = merged(std::mem::take(&mut self.hidden_rows));
        self
    }

    /// Whether a percent format shows the cell (zero-based).
    pub fn percent(&self, row: u32, col: u32) -> bool {
        self.percent.binary_search(&(row, col)).is_ok()
    }

    /// Whether the cell is an .ods formula whose result is the empty string.
    pub fn empty_result(&self, row: u32, col: u32) -> bool {
        self.empty_results.binary_search(&(row, col)).is_ok()
    }

    /// Whether the row is hidden.
    pub fn row_hidden(&self, row: u32) -> bool {
        let i = self.hidden_rows.partition_point(|&(lo, _)| lo <= row);
        i > 0 && row <= self.hidden_rows[i - 1].1
    }
}

/// Inclusive ranges sorted and joined where they overlap or touch.
fn merged(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

const MB: u64 = 1024 * 1024;

/// An entry inflating more than this many times its stored size is a zip
/// bomb: real spreadsheet XML compresses 5–50 times, deflate's ceiling is
/// about 1030.
const MAX_RATIO: u64 = 250;

/// Entries below this size are never judged by their ratio (a tiny entry of
/// repeated bytes compresses well and harms no one).
const RATIO_FLOOR: u64 = MB;

/// What a zip package holds, as far as the reader cares.
pub(crate) struct ZipInfo {
    pub ods: bool,
    pub ods_encrypted: bool,
}

/// One entry of a zip central directory: what it declares.
struct ZipEntry<'a> {
    name: &'a [u8],
    stored: u64,
    size: u64,
}

/// Walks a zip central directory in place (no allocation: this runs once per
/// workbook). `None` when the directory is missing or cut short.
fn zip_entries(bytes: &[u8]) -> Option<impl Iterator<Item = Option<ZipEntry<'_>>> + '_> {
    const EOCD: &[u8; 4] = b"PK\x05\x06";
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (tail_start..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| &bytes[i..i + 4] == EOCD)?;
    let count = u16_at(bytes, eocd + 10)? as usize;
    let mut at = u32_at(bytes, eocd + 16)? as usize;
    Some((0..count).map(move |_| {
        if bytes.get(at..at + 4)? != b"PK\x01\x02" {
            return None;
        }
        let stored = u64::from(u32_at(bytes, at + 20)?);
        let size = u64::from(u32_at(bytes, at + 24)?);
        let name_len = u16_at(bytes, at + 28)? as usize;
        let extra_len = u16_at(bytes, at + 30)? as usize;
        let comment_len = u16_at(bytes, at + 32)? as usize;
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        let extra = bytes.get(at + 46 + name_len..at + 46 + name_len + extra_len)?;
        at += 46 + name_len + extra_len + comment_len;
        // Zip64: sizes of 0xFFFFFFFF are in the extra field 0x0001, in order
        // (uncompressed, compressed), each present only when so marked.
        let (mut size, mut stored) = (size, stored);
        if size == 0xFFFF_FFFF || stored == 0xFFFF_FFFF {
            let mut e = 0;
            while e + 4 <= extra.len() {
                let id = u16_at(extra, e)?;
                let len = u16_at(extra, e + 2)? as usize;
                if id == 1 {
                    let mut f = e + 4;
                    for field in [&mut size, &mut stored] {
                        if *field == 0xFFFF_FFFF {
                            *field = u64_at(extra, f)?;
                            f += 8;
                        }
                    }
                }
                e += 4 + len;
            }
        }
        Some(ZipEntry { name, stored, size })
    }))
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    data.get(at..at + 8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
}

/// Checks a zip package's central directory: total and per-entry declared
/// sizes and compression ratios. The zip reader calamine uses refuses to
/// inflate an entry beyond its declared size, so the declared sizes bound
/// the memory a workbook can take.
pub(crate) fn check_zip(bytes: &[u8], limits: &Limits) -> Result<ZipInfo, ReadFailure> {
    let cut = || ReadFailure::Unreadable("tệp nén hỏng hoặc bị cắt cụt (không đọc được danh mục tệp nén)".into());
    let max_unpacked = limits.max_unpacked_mb.saturating_mul(MB);
    let mut total: u64 = 0;
    let mut info = ZipInfo {
        ods: false,
        ods_encrypted: false,
    };
    for entry in zip_entries(bytes).ok_or_else(cut)? {
        let entry = entry.ok_or_else(cut)?;
        total = total.saturating_add(entry.size);
        if total > max_unpacked {
            return Err(ReadFailure::TooLarge(format!(
                "khi giải nén, nội dung vượt {} MB (giới hạn max_unpacked_mb = {})",
                max_unpacked / MB,
                limits.max_unpacked_mb
            )));
        }
        let ratio = entry.size / entry.stored.max(1);
        if entry.size > RATIO_FLOOR && ratio > MAX_RATIO {
            return Err(ReadFailure::TooLarge(format!(
                "phần \"{}\" nén {ratio} lần (tệp nén bất thường, có thể là \"bom nén\")",
                String::from_utf8_lossy(entry.name)
            )));
        }
        match entry.name {
            b"mimetype" => info.ods = true,
            b"META-INF/manifest.xml" => info.ods_encrypted = true,
            _ => {}
        }
    }
    if info.ods {
        // Only .ods packages are opened here: the mimetype says what the
        // package is, and the manifest whether its parts are encrypted.
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ReadFailure::Unreadable(format!("tệp nén hỏng ({e})")))?;
        let mut mime = String::new();
        if let Ok(file) = archive.by_name("mimetype") {
            let _ = file.take(100).read_to_string(&mut mime);
        }
        info.ods = mime.starts_with("application/vnd.oasis.opendocument.spreadsheet");
        let mut manifest = String::new();
        if info.ods_encrypted {
            if let Ok(file) = archive.by_name("META-INF/manifest.xml") {
                let _ = file.take(4 * MB).read_to_string(&mut manifest);
            }
        }
        info.ods_encrypted = manifest.contains("encryption-data");
    } else {
        info.ods_encrypted = false;
    }
    Ok(info)
}

/// Counts the cells an .ods `content.xml` would expand to (repeats
/// included) without building them; fails past `max_cells`. Returns each
/// sheet's percentage cells and hidden rows and columns.
pub(crate) fn check_ods_cells(bytes: &[u8], limits: &Limits) -> Result<Shapes, ReadFailure> {
    use quick_xml::events::Event;
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadFailure::Unreadable(format!("tệp nén hỏng ({e})")))?;
    let file = archive
        .by_name("content.xml")
        .map_err(|e| ReadFailure::Unreadable(format!("tệp .ods thiếu content.xml ({e})")))?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(file));
    let mut buf = Vec::with_capacity(4096);
    let too_large = || ReadFailure::TooLarge(format!("bảng tính có hơn {} ô (giới hạn max_cells)", limits.max_cells));
    let attr = |e: &quick_xml::events::BytesStart<'_>, key: &[u8]| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
    };
    let repeat = |e: &quick_xml::events::BytesStart<'_>, key: &[u8]| -> u64 {
        attr(e, key)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    // `collapse` (hidden) and `filter` (filtered out) both keep a row or
    // column off the screen.
    let hidden = |e: &quick_xml::events::BytesStart<'_>| {
        attr(e, b"table:visibility").is_some_and(|v| v == "collapse" || v == "filter")
    };
    let span = |from: u64, count: u64| {
        let lo = from.min(u64::from(u32::MAX)) as u32;
        (lo, (from + count - 1).min(u64::from(u32::MAX)) as u32)
    };
    let mut shapes = Shapes::new();
    let mut shape = Shape::default();
    let mut sheet_name = String::new();
    let mut col_index: u64 = 0;
    // calamine reads a sheet until its `</table:table>` and never stops at
    // the end of the file: a table left open would loop for ever.
    let mut open_tables: u32 = 0;
    // What calamine materialises: per row, the cells up to its last value;
    // per sheet, the rectangle from the first to the last row with a value
    // (repeats included) by the widest such row.
    let mut raw: u64 = 0;
    let mut row_index: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut row_cells: u64 = 0;
    let mut row_used: u64 = 0;
    let mut first_row: Option<u64> = None;
    let mut width: u64 = 0;
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| ReadFailure::Unreadable(format!("content.xml hỏng ({e})")))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => match e.name().as_ref() {
                b"table:table" => {
                    if matches!(event, Event::Start(_)) {
                        open_tables += 1;
                    }
                    (row_index, first_row, width, col_index) = (0, None, 0, 0);
                    if !sheet_name.is_empty() {
                        shapes.insert(std::mem::take(&mut sheet_name), std::mem::take(&mut shape).finished());
                    }
                    sheet_name = attr(e, b"table:name").unwrap_or_default();
                    shape = Shape::default();
                }
                b"table:table-column" => {
                    let n = repeat(e, b"table:number-columns-repeated").min(16_384);
                    if hidden(e) {
                        shape.hidden_cols.push(span(col_index, n));
                    }
                    col_index = col_index.saturating_add(n);
                }
                b"table:table-row" => {
                    row_repeat = repeat(e, b"table:number-rows-repeated").min(1_048_576);
                    (row_cells, row_used) = (0, 0);
                    if hidden(e) {
                        shape.hidden_rows.push(span(row_index, row_repeat));
                    }
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    let n = repeat(e, b"table:number-columns-repeated").min(16_384);
                    let kind = attr(e, b"office:value-type");
                    let formula = attr(e, b"table:formula").is_some();
                    let has_value = kind.is_some() || formula;
                    let first_col = row_cells;
                    row_cells = row_cells.saturating_add(n).min(16_384);
                    if has_value {
                        row_used = row_cells;
                        if row_used.saturating_mul(row_repeat) > limits.max_cells {
                            return Err(too_large());
                        }
                    }
                    // LibreOffice writes an empty-string result as a formula
                    // with no value type around an empty paragraph; a formula
                    // with no content at all was never calculated.
                    let has_content = matches!(event, Event::Start(_));
                    let list = match kind.as_deref() {
                        Some("percentage") => Some(&mut shape.percent),
                        None if formula && has_content => Some(&mut shape.empty_results),
                        _ => None,
                    };
                    if let Some(list) = list {
                        // Bounded: the check above keeps n × repeats under max_cells.
                        for r in row_index..row_index + row_repeat {
                            for c in first_col..row_cells {
                                list.push((r as u32, c as u32));
                            }
                        }
                    }
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                if row_used > 0 {
                    raw = raw.saturating_add(row_used);
                    let first = *first_row.get_or_insert(row_index);
                    let last_row_end = row_index.saturating_add(row_repeat);
                    width = width.max(row_used);
                    let area = (last_row_end - first).saturating_mul(width);
                    if raw > limits.max_cells || area > limits.max_cells {
                        return Err(too_large());
                    }
                }
                row_index = row_index.saturating_add(row_repeat);
            }
            Event::End(e) if e.name().as_ref() == b"table:table" => {
                open_tables = open_tables.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if open_tables > 0 {
        return Err(ReadFailure::Unreadable(
            "content.xml hỏng: một bảng không có thẻ đóng (tệp bị cắt hoặc bị sửa hỏng)".into(),
        ));
    }
    if !sheet_name.is_empty() {
        shapes.insert(sheet_name, shape.finished());
    }
    Ok(shapes)
}

/// What a CFB (OLE2) container holds.
pub(crate) enum CfbKind {
    /// A password-protected .xlsx/.xlsm/.docx (`EncryptionInfo` stream).
    EncryptedOoxml,
    /// A BIFF workbook (.xls) whose records passed the bounds, with what
    /// calamine leaves out of its sheets.
    Xls(Shapes),
}

/// Opens a CFB container: encrypted OOXML is recognised by its streams; an
/// .xls has its BIFF records scanned for `FILEPASS` and for sheet extents
/// (declared `DIMENSIONS` and the cells' bounding box) above `max_cells`.
pub(crate) fn check_cfb(bytes: &[u8], limits: &Limits) -> Result<CfbKind, ReadFailure> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| ReadFailure::Unreadable(format!("tệp .xls hỏng hoặc bị cắt cụt ({e})")))?;
    if file.is_stream("/EncryptionInfo") || file.is_stream("/EncryptedPackage") {
        return Ok(CfbKind::EncryptedOoxml);
    }
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| ReadFailure::Unreadable("tệp không chứa sổ tính Excel (.xls)".into()))?;
    let len = file.entry(name).map(|e| e.len()).unwrap_or(0);
    if len > limits.max_unpacked_mb.saturating_mul(MB) {
        return Err(ReadFailure::TooLarge(format!(
            "nội dung sổ tính {} MB (giới hạn max_unpacked_mb = {})",
            len / MB,
            limits.max_unpacked_mb
        )));
    }
    let mut stream = Vec::with_capacity(len as usize);
    file.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| ReadFailure::Unreadable(format!("tệp .xls hỏng ({e})")))?;
    Ok(CfbKind::Xls(scan_biff(&stream, limits)?))
}

/// The bounding box of the cells of one BIFF substream.
#[derive(Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        let grow = |r: &mut Option<(u32, u32)>, v: u32| {
            *r = Some(match *r {
                Some((lo, hi)) => (lo.min(v), hi.max(v)),
                None => (v, v),
            })
        };
        grow(&mut self.rows, row);
        grow(&mut self.cols, col);
    }

    fn area(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1),
            _ => 0,
        }
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 2)
        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A BIFF8 string at `at` (`cch` already read): UTF-16 when the flag's low
/// bit is set, else one byte per character (Latin-1).
fn biff_string(data: &[u8], at: usize, cch: usize) -> Option<String> {
    let flags = *data.get(at)?;
    let chars = data.get(at + 1..)?;
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(cch)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.iter().take(cch).map(|&b| char::from(b)).collect())
    }
}

/// The number formats and cell styles of the workbook globals, and the
/// sheets' names by the offset of their BOF record.
#[derive(Default)]
struct BiffGlobals {
    /// Custom formats by id, as their shape.
    formats: HashMap<u32, NumberShape>,
    /// Each XF record's format id, in order (a cell's `ixfe` indexes it).
    xf_formats: Vec<u32>,
    sheets: HashMap<usize, String>,
}

impl BiffGlobals {
    fn percent(&self, ixfe: Option<u32>) -> bool {
        let Some(id) = ixfe.and_then(|i| self.xf_formats.get(i as usize)) else {
            return false;
        };
        self.formats.get(id).copied().unwrap_or_else(|| builtin_shape(*id)) == NumberShape::Percent
    }
}

/// Walks BIFF records: `FILEPASS` means encrypted; each substream's declared
/// dimensions (as calamine would read them) and cell extent must stay within
/// `max_cells`. Returns each BIFF8 sheet's percentage cells (by the formats
/// of their styles) and its hidden rows (`ROW`) and columns (`COLINFO`).
fn scan_biff(stream: &[u8], limits: &Limits) -> Result<Shapes, ReadFailure> {
    let too_large = |area: u64| {
        ReadFailure::TooLarge(format!(
            "một sheet trải trên {area} ô (giới hạn max_cells = {})",
            limits.max_cells
        ))
    };
    let mut extent = Extent::default();
    let mut globals = BiffGlobals::default();
    let mut shapes = Shapes::new();
    // The sheet whose substream is being walked, with its shape.
    let mut current: Option<(String, Shape)> = None;
    let mut biff8 = false;
    let mut at = 0usize;
    while at + 4 <= stream.len() {
        let start = at;
        let typ = u16_at(stream, at).unwrap_or(0);
        let len = u16_at(stream, at + 2).unwrap_or(0) as usize;
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        at += 4 + len;
        match typ {
            // BOF: a new substream.
            0x0809 => {
                if extent.area() > limits.max_cells {
                    return Err(too_large(extent.area()));
                }
                extent = Extent::default();
                if start == 0 {
                    biff8 = u16_at(data, 0) == Some(0x0600);
                }
                if let Some((name, shape)) = current.take() {
                    shapes.insert(name, shape.finished());
                }
                current = globals.sheets.get(&start).map(|name| (name.clone(), Shape::default()));
            }
            // FORMAT (BIFF8): id, then the format code.
            0x041E if biff8 => {
                if let (Some(id), Some(cch)) = (u16_at(data, 0), u16_at(data, 2)) {
                    if let Some(code) = biff_string(data, 4, cch as usize) {
                        globals.formats.insert(id, custom_shape(&code));
                    }
                }
            }
            // XF: the format id is the second field.
            0x00E0 if current.is_none() => {
                globals.xf_formats.push(u16_at(data, 2).unwrap_or(0));
            }
            // BOUNDSHEET (BIFF8): BOF offset, state, type, name.
            0x0085 if biff8 => {
                if let (Some(pos), Some(&cch)) = (u32_at(data, 0), data.get(6)) {
                    if let Some(name) = biff_string(data, 7, usize::from(cch)) {
                        globals.sheets.insert(pos as usize, name);
                    }
                }
            }
            // ROW: hidden when fDyZero (0x20) is set in its flags.
            0x0208 => {
                if let (Some((_, shape)), Some(r), Some(flags)) = (&mut current, u16_at(data, 0), u16_at(data, 12)) {
                    if flags & 0x20 != 0 {
                        shape.hidden_rows.push((r, r));
                    }
                }
            }
            // COLINFO: first and last column, flags (bit 0 hidden).
            0x007D => {
                if let (Some((_, shape)), Some(c0), Some(c1), Some(flags)) =
                    (&mut current, u16_at(data, 0), u16_at(data, 2), u16_at(data, 8))
                {
                    if flags & 1 != 0 && c1 >= c0 {
                        shape.hidden_cols.push((c0, c1));
                    }
                }
            }
            // FILEPASS: the workbook is encrypted.
            0x002F => return Err(ReadFailure::Encrypted),
            // DIMENSIONS, read the way calamine reads it.
            0x0200 => {
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4), u16_at(data, 6)),
                    14 | 16 => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 8), u16_at(data, 10)),
                    _ => continue,
                };
                let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else {
                    continue;
                };
                if cf > 0xFF || cl < cf {
                    cf = 0;
                }
                if rl >= 1 && cl >= 1 {
                    // calamine computes (rl - 1) - rf + 1 in u32: it must not wrap.
                    if rl <= rf || cl <= cf {
                        return Err(ReadFailure::Unreadable(
                            "bản ghi kích thước sheet (DIMENSIONS) sai".into(),
                        ));
                    }
                    let area = u64::from(rl - rf).saturating_mul(u64::from(cl - cf));
                    if area > limits.max_cells {
                        return Err(too_large(area));
                    }
                }
            }
            // Cell records: row, column first, then the style (XF) index.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x0201 => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extent.add(r, c);
                    // NUMBER, RK and FORMULA hold numbers.
                    if let Some((_, shape)) = &mut current {
                        if matches!(typ, 0x0203 | 0x027E | 0x0006) && globals.percent(u16_at(data, 4)) {
                            shape.percent.push((r, c));
                        }
                    }
                }
            }
            // MULRK / MULBLANK: row, first column, …, last column.
            0x00BD | 0x00BE => {
                if let (Some(r), Some(c0), Some(c1)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len().saturating_sub(2)),
                ) {
                    extent.add(r, c0);
                    extent.add(r, c1.max(c0));
                    // MULRK: an (XF, RK) pair of six bytes per column.
                    if let (0x00BD, Some((_, shape))) = (typ, &mut current) {
                        for (i, c) in (c0..=c1).enumerate() {
                            if globals.percent(u16_at(data, 4 + 6 * i)) {
                                shape.percent.push((r, c));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if extent.area() > limits.max_cells {
            return Err(too_large(extent.area()));
        }
    }
    if let Some((name, shape)) = current {
        shapes.insert(name, shape.finished());
    }
    Ok(shapes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend((data.len() as u16).to_le_bytes());
        v.extend(data);
        v
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        record(0x0203, &d)
    }

    #[test]
    fn biff_extent_over_max_cells_is_too_large() {
        let limits = Limits::default();
        let mut s = record(0x0809, &[0; 16]);
        s.extend(number(0, 0));
        s.extend(number(65535, 255));
        assert!(matches!(scan_biff(&s, &limits), Err(ReadFailure::TooLarge(_))));
        let mut ok = record(0x0809, &[0; 16]);
        ok.extend(number(0, 0));
        ok.extend(number(40, 6));
        assert!(scan_biff(&ok, &limits).is_ok());
    }

    #[test]
    fn biff_dimensions_claiming_billions_of_rows_is_too_large() {
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend(u32::MAX.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(200u16.to_le_bytes());
        d.extend([0, 0]);
        let s = record(0x0200, &d);
        assert!(matches!(
            scan_biff(&s, &Limits::default()),
            Err(ReadFailure::TooLarge(_))
        ));
        // rwMac below rwMic would wrap around inside calamine.
        let mut d = 100u32.to_le_bytes().to_vec();
        d.extend(50u32.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(3u16.to_le_bytes());
        d.extend([0, 0]);
        assert!(matches!(
            scan_biff(&record(0x0200, &d), &Limits::default()),
            Err(ReadFailure::Unreadable(_))
        ));
    }

    /// A BIFF8 workbook: globals (formats, styles, one sheet named "Bảng")
    /// then the sheet's substream with a hidden row and column and numbers
    /// in a custom percent style, a built-in percent style and a plain one.
    #[test]
    fn biff_shapes_name_percent_cells_and_hidden_rows_and_columns() {
        let bof = |vers: u16| {
            let mut d = vers.to_le_bytes().to_vec();
            d.extend([0; 14]);
            record(0x0809, &d)
        };
        let xf = |ifmt: u16| {
            let mut d = 0u16.to_le_bytes().to_vec();
            d.extend(ifmt.to_le_bytes());
            d.extend([0; 16]);
            record(0x00E0, &d)
        };
        let cell = |typ: u16, row: u16, col: u16, ixfe: u16| {
            let mut d = row.to_le_bytes().to_vec();
            d.extend(col.to_le_bytes());
            d.extend(ixfe.to_le_bytes());
            d.extend([0; 8]);
            record(typ, &d)
        };
        let mut format = 164u16.to_le_bytes().to_vec();
        format.extend(5u16.to_le_bytes());
        format.push(0);
        format.extend(b"0.0%;");
        let name: Vec<u16> = "Bảng".encode_utf16().collect();
        let mut globals = bof(0x0600);
        globals.extend(record(0x041E, &format));
        globals.extend(xf(0)); // 0: General
        globals.extend(xf(164)); // 1: custom percent
        globals.extend(xf(9)); // 2: built-in 0%
                               // The sheet's BOF follows this BOUNDSHEET record and the EOF.
        let sheet_at = globals.len() + (4 + 8 + name.len() * 2) + 4;
        let mut sheet_record = (sheet_at as u32).to_le_bytes().to_vec();
        sheet_record.extend([0, 0, name.len() as u8, 1]);
        sheet_record.extend(name.iter().flat_map(|u| u.to_le_bytes()));
        globals.extend(record(0x0085, &sheet_record));
        globals.extend(record(0x000A, &[]));
        let mut stream = globals;
        stream.extend(bof(0x0600));
        let mut row = 7u16.to_le_bytes().to_vec();
        row.extend([0; 10]);
        row.extend(0x20u16.to_le_bytes());
        row.extend([0; 2]);
        stream.extend(record(0x0208, &row));
        let mut colinfo = 3u16.to_le_bytes().to_vec();
        colinfo.extend(4u16.to_le_bytes());
        colinfo.extend([0; 4]);
        colinfo.extend(1u16.to_le_bytes());
        colinfo.extend([0; 2]);
        stream.extend(record(0x007D, &colinfo));
        stream.extend(cell(0x0203, 4, 3, 1));
        stream.extend(cell(0x027E, 5, 3, 2));
        stream.extend(cell(0x0203, 6, 3, 0));
        stream.extend(record(0x000A, &[]));
        let shapes = scan_biff(&stream, &Limits::default()).unwrap();
        let shape = &shapes["Bảng"];
        assert_eq!(shape.percent, vec![(4, 3), (5, 3)]);
        assert_eq!(shape.hidden_rows, vec![(7, 7)]);
        assert_eq!(shape.hidden_cols, vec![(3, 4)]);
    }

    #[test]
    fn hidden_ranges_are_merged_where_they_overlap_or_touch() {
        assert_eq!(
            merged(vec![(7, 9), (1, 2), (3, 3), (8, 12), (20, 20)]),
            vec![(1, 3), (7, 12), (20, 20)]
        );
        assert_eq!(merged(vec![(0, u32::MAX), (5, 6)]), vec![(0, u32::MAX)]);
        assert_eq!(merged(Vec::new()), Vec::new());
        let shape = Shape {
            hidden_rows: vec![(7, 9), (1, 2), (3, 3)],
            ..Shape::default()
        }
        .finished();
        assert!(shape.row_hidden(2) && shape.row_hidden(9) && !shape.row_hidden(4) && !shape.row_hidden(10));
    }

    #[test]
    fn biff_filepass_is_encrypted() {
        let s = record(0x002F, &[1, 0, 0, 0]);
        assert_eq!(scan_biff(&s, &Limits::default()), Err(ReadFailure::Encrypted));
    }
}
