//! A direct reader for `.xlsx` / `.xlsm`, the format nearly every member
//! sends: it inflates only the parts it needs (workbook, relationships,
//! shared strings, the one sheet asked for) and walks their XML once,
//! keeping only non-empty cells. Province-scale runs read thousands of
//! these per second, so there is no dense grid, no per-event allocation,
//! and every size is bounded before and while inflating (zip bombs, sheets
//! claiming the whole grid, entity expansion: quick-xml never expands
//! custom entities, and an unknown one makes the part unreadable).

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::Limits;
use crate::read::legacy::{self, Legacy};
use crate::read::scan::{unescape_into, ScanError, Scanner, Tag, Token};
use crate::read::{CellFont, Cells, ReadFailure};
use crate::score_table::Cell;
use crate::text::nfc;

/// An opened .xlsx package.
pub struct XlsxBook {
    zip: ZipArchive<Cursor<Vec<u8>>>,
    /// (name, visible, part path) in workbook order.
    sheets: Vec<(String, bool, String)>,
    shared: Vec<String>,
    /// Per cell style index (`s` attribute): the legacy encoding its font
    /// implies (`.VnTime`, `VNI-Times`), from styles.xml.
    legacy_styles: Vec<Option<(Legacy, bool)>>,
    /// Per cell style index: whether its number format shows a date or a
    /// percentage.
    number_styles: Vec<NumberShape>,
    max_part: u64,
    max_cells: u64,
}

fn unreadable(what: impl std::fmt::Display) -> ReadFailure {
    ReadFailure::Unreadable(format!("tệp .xlsx hỏng hoặc không đầy đủ ({what})"))
}

/// `xl/worksheets/../sharedStrings.xml` style targets resolved against the
/// folder of the part that names them.
fn resolve(base_dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base_dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Names the part whose XML is broken in the message.
fn broken(path: &str) -> impl Fn(ScanError) -> ReadFailure + Copy + '_ {
    move |e| unreadable(format!("{path}: {e}"))
}

impl XlsxBook {
    /// Opens the package: checks the declared sizes against the limits and
    /// reads the workbook, its relationships, shared strings and styles.
    pub fn open(bytes: Vec<u8>, limits: &Limits) -> Result<XlsxBook, ReadFailure> {
        // Declared sizes and ratios were checked by `guard::check_zip`; each
        // part is still bounded while it is inflated, whatever it declares.
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
        let max_unpacked = limits.max_unpacked_mb.saturating_mul(1024 * 1024);
        let mut book = XlsxBook {
            zip,
            sheets: Vec::new(),
            shared: Vec::new(),
            legacy_styles: Vec::new(),
            number_styles: Vec::new(),
            max_part: max_unpacked,
            max_cells: limits.max_cells,
        };
        // Nearly every package keeps its workbook at the usual place; only
        // others need the package relationships to find it.
        const USUAL: &str = "xl/workbook.xml";
        let workbook = if book.zip.index_for_name(USUAL).is_some() {
            USUAL.to_string()
        } else {
            book.relationships("_rels/.rels", "")?
                .into_iter()
                .find(|(_, ty, _)| ty.ends_with("/officeDocument"))
                .map(|(_, _, target)| target)
                .unwrap_or_else(|| USUAL.into())
        };
        let dir = workbook.rsplit_once('/').map(|(d, _)| d).unwrap_or("").to_string();
        let file = workbook.rsplit('/').next().unwrap_or("workbook.xml");
        // A workbook at the package root has its relationships in /_rels.
        let rels_path = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let rels = book.relationships(&rels_path, &dir)?;
        book.read_workbook(&workbook, &rels)?;
        if let Some((_, _, path)) = rels.iter().find(|(_, ty, _)| ty.ends_with("/sharedStrings")) {
            let path = path.clone();
            book.read_shared_strings(&path)?;
        }
        if let Some((_, _, path)) = rels.iter().find(|(_, ty, _)| ty.ends_with("/styles")) {
            let path = path.clone();
            book.read_styles(&path)?;
        }
        Ok(book)
    }

    /// Inflates one part, bounded by the unpacked-size limit whatever its
    /// header claims. `None` when the part does not exist.
    fn part(&mut self, path: &str) -> Result<Option<Vec<u8>>, ReadFailure> {
        // Some writers store names with `\` or another case: look those up
        // only when the exact name is missing.
        let found = self.zip.index_for_name(path).or_else(|| {
            let wanted = path.to_ascii_lowercase();
            self.zip
                .file_names()
                .find(|name| name.replace('\\', "/").trim_start_matches('/').to_ascii_lowercase() == wanted)
                .map(str::to_owned)
                .and_then(|name| self.zip.index_for_name(&name))
        });
        let Some(index) = found else {
            return Ok(None);
        };
        let entry = self.zip.by_index(index).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => ReadFailure::Encrypted,
            other => unreadable(other),
        })?;
        let mut buf = Vec::with_capacity(entry.size().min(self.max_part) as usize);
        entry
            .take(self.max_part + 1)
            .read_to_end(&mut buf)
            .map_err(|e| unreadable(format!("{path}: {e}")))?;
        if buf.len() as u64 > self.max_part {
            return Err(ReadFailure::TooLarge(format!(
                "phần {path} giải nén vượt giới hạn {} MB",
                self.max_part / (1024 * 1024)
            )));
        }
        Ok(Some(buf))
    }

    /// (Id, Type, resolved Target) of a relationships part.
    fn relationships(&mut self, path: &str, base_dir: &str) -> Result<Vec<(String, String, String)>, ReadFailure> {
        let Some(xml) = self.part(path)? else {
            return Ok(Vec::new());
        };
        let mut reader = Scanner::new(&xml).map_err(broken(path))?;
        let mut out = Vec::new();
        loop {
            match reader.next().map_err(broken(path))? {
                Token::Start(e) | Token::Empty(e) if e.local_name() == b"Relationship" => {
                    let id = e.attr_text(b"Id").unwrap_or_default();
                    let ty = e.attr_text(b"Type").unwrap_or_default();
                    let target = e.attr_text(b"Target").unwrap_or_default();
                    let external = e.attr_text(b"TargetMode").is_some_and(|m| m == "External");
                    if !external {
                        out.push((id, ty, resolve(base_dir, &target)));
                    }
                }
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    fn read_workbook(&mut self, path: &str, rels: &[(String, String, String)]) -> Result<(), ReadFailure> {
        let xml = self.part(path)?.ok_or_else(|| unreadable("thiếu xl/workbook.xml"))?;
        let mut reader = Scanner::new(&xml).map_err(broken(path))?;
        loop {
            match reader.next().map_err(broken(path))? {
                Token::Start(e) | Token::Empty(e) if e.local_name() == b"sheet" => {
                    let name = e.attr_text(b"name").unwrap_or_default();
                    let visible = e.attr_text(b"state").is_none_or(|s| s == "visible");
                    let id = e.attr_text(b"id").unwrap_or_default();
                    if let Some((_, _, target)) = rels
                        .iter()
                        .find(|(rid, ty, _)| *rid == id && ty.ends_with("/worksheet"))
                    {
                        self.sheets.push((nfc(&name), visible, target.clone()));
                    }
                }
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }

    fn read_shared_strings(&mut self, path: &str) -> Result<(), ReadFailure> {
        let Some(xml) = self.part(path)? else { return Ok(()) };
        let err = broken(path);
        let mut reader = Scanner::new(&xml).map_err(err)?;
        let mut current = String::new();
        let (mut in_t, mut in_phonetic) = (false, false);
        loop {
            match reader.next().map_err(err)? {
                Token::Start(e) => match e.local_name() {
                    b"t" => in_t = !in_phonetic,
                    b"rPh" => in_phonetic = true,
                    b"si" => current.clear(),
                    _ => {}
                },
                Token::End(name) => match name {
                    b"t" => in_t = false,
                    b"rPh" => in_phonetic = false,
                    b"si" => self.push_shared(&current)?,
                    _ => {}
                },
                Token::Empty(e) if e.local_name() == b"si" => self.push_shared("")?,
                Token::Text(t) if in_t => unescape_into(t, &mut current).map_err(err)?,
                Token::CData(t) if in_t => current.push_str(t),
                Token::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }

    /// Adds one shared string, within the `max_cells` bound.
    fn push_shared(&mut self, text: &str) -> Result<(), ReadFailure> {
        if self.shared.len() as u64 >= self.max_cells {
            return Err(ReadFailure::TooLarge("quá nhiều chuỗi trong sharedStrings.xml".into()));
        }
        self.shared.push(nfc(&excel_unescape(text)));
        Ok(())
    }

    fn read_styles(&mut self, path: &str) -> Result<(), ReadFailure> {
        let Some(xml) = self.part(path)? else { return Ok(()) };
        let mut reader = Scanner::new(&xml).map_err(broken(path))?;
        let mut fonts: Vec<String> = Vec::new();
        let mut font_ids: Vec<usize> = Vec::new();
        let mut format_ids: Vec<u32> = Vec::new();
        let mut custom: Vec<(u32, NumberShape)> = Vec::new();
        let (mut in_fonts, mut in_font, mut in_xfs) = (false, false, false);
        let font_id = |e: &Tag| e.attr_text(b"fontId").and_then(|v| v.parse().ok()).unwrap_or(0);
        let format_id = |e: &Tag| e.attr_text(b"numFmtId").and_then(|v| v.parse().ok()).unwrap_or(0);
        loop {
            match reader.next().map_err(broken(path))? {
                Token::Start(e) => match e.local_name() {
                    b"fonts" => in_fonts = true,
                    b"font" if in_fonts => {
                        in_font = true;
                        fonts.push(String::new());
                    }
                    b"cellXfs" => in_xfs = true,
                    b"xf" if in_xfs => {
                        font_ids.push(font_id(&e));
                        format_ids.push(format_id(&e));
                    }
                    b"numFmt" => custom.push((
                        format_id(&e),
                        custom_shape(&e.attr_text(b"formatCode").unwrap_or_default()),
                    )),
                    _ => {}
                },
                Token::Empty(e) => match e.local_name() {
                    b"numFmt" => custom.push((
                        format_id(&e),
                        custom_shape(&e.attr_text(b"formatCode").unwrap_or_default()),
                    )),
                    b"name" if in_font => {
                        if let Some(last) = fonts.last_mut() {
                            *last = e.attr_text(b"val").unwrap_or_default();
                        }
                    }
                    b"font" if in_fonts => fonts.push(String::new()),
                    b"xf" if in_xfs => {
                        font_ids.push(font_id(&e));
                        format_ids.push(format_id(&e));
                    }
                    _ => {}
                },
                Token::End(name) => match name {
                    b"fonts" => in_fonts = false,
                    b"font" => in_font = false,
                    b"cellXfs" => in_xfs = false,
                    _ => {}
                },
                Token::Eof => break,
                _ => {}
            }
        }
        self.legacy_styles = font_ids
            .into_iter()
            .map(|id| fonts.get(id).and_then(|name| legacy::font_encoding(name)))
            .collect();
        self.number_styles = format_ids
            .into_iter()
            .map(|id| match custom.iter().rev().find(|(c, _)| *c == id) {
                Some((_, shape)) => *shape,
                None => builtin_shape(id),
            })
            .collect();
        Ok(())
    }

    /// Names of the sheets in workbook order, with whether each is visible.
    pub fn sheet_names(&self) -> Vec<(String, bool)> {
        self.sheets.iter().map(|(n, v, _)| (n.clone(), *v)).collect()
    }

    /// Reads one sheet's non-empty cells in document order, with the text
    /// cells whose style names a legacy font.
    pub fn sheet_cells(&mut self, name: &str) -> Result<(Cells, Vec<CellFont>, Hidden), ReadFailure> {
        let Some((_, _, path)) = self.sheets.iter().find(|(n, _, _)| n == name).cloned() else {
            return Err(unreadable(format!("không có sheet \"{name}\"")));
        };
        let xml = self
            .part(&path)?
            .ok_or_else(|| unreadable(format!("thiếu phần {path}")))?;
        let mut reader = Scanner::new(&xml).map_err(broken(&path))?;
        let mut cells: Vec<(u32, u32, Cell)> = Vec::new();
        let mut fonts: Vec<CellFont> = Vec::new();
        let mut hidden = Hidden::default();
        let (mut row, mut col) = (0u32, 0u32);
        let mut cell = CellState::default();
        let mut text = String::new();
        // In a value, and in a phonetic (furigana) run whose text is not
        // part of the value.
        let (mut in_value, mut in_phonetic) = (false, false);
        let err = broken(&path);
        loop {
            match reader.next().map_err(err)? {
                Token::Start(e) => match e.local_name() {
                    b"row" => {
                        let (r, is_hidden) = row_attrs(&e);
                        if let Some(r) = r {
                            row = r;
                        }
                        col = 0;
                        if is_hidden {
                            hidden.rows.push(row);
                        }
                    }
                    b"col" => hidden.push_cols(&e),
                    b"c" => {
                        cell = CellState::start(&e, row, col);
                        text.clear();
                    }
                    // An inline string's text is in <is>, whatever a <v> says.
                    b"v" => in_value = cell.kind != ValueType::Inline,
                    b"t" => in_value = !in_phonetic,
                    b"rPh" => in_phonetic = true,
                    b"f" => cell.formula = true,
                    _ => {}
                },
                Token::Empty(e) => match e.local_name() {
                    b"col" => hidden.push_cols(&e),
                    b"row" => {
                        let (r, is_hidden) = row_attrs(&e);
                        if is_hidden {
                            hidden.rows.push(r.unwrap_or(row));
                        }
                        row = match r {
                            Some(r) => r + 1,
                            None => row.saturating_add(1),
                        };
                    }
                    b"c" => {
                        let empty = CellState::start(&e, row, col);
                        col = empty.col + 1;
                    }
                    b"f" => cell.formula = true,
                    b"sheetData" => break,
                    _ => {}
                },
                Token::Text(t) if in_value => unescape_into(t, &mut text).map_err(err)?,
                Token::CData(t) if in_value => text.push_str(t),
                Token::End(tag) => match tag {
                    b"v" | b"t" => in_value = false,
                    b"rPh" => in_phonetic = false,
                    b"c" => {
                        col = cell.col + 1;
                        let shape = cell
                            .style
                            .and_then(|s| self.number_styles.get(s as usize))
                            .copied()
                            .unwrap_or_default();
                        let value = cell.value(&text, &self.shared, shape);
                        if value != Cell::Empty {
                            if cells.len() as u64 >= self.max_cells {
                                return Err(ReadFailure::TooLarge(format!(
                                    "sheet \"{name}\" có hơn {} ô, vượt giới hạn max_cells",
                                    self.max_cells
                                )));
                            }
                            if let (Cell::Text(_), Some(style)) = (&value, cell.style) {
                                if let Some(Some(font)) = self.legacy_styles.get(style as usize) {
                                    fonts.push(((cell.row, cell.col), *font));
                                }
                            }
                            cells.push((cell.row, cell.col, value));
                        }
                    }
                    b"row" => row = row.saturating_add(1),
                    b"sheetData" => break,
                    _ => {}
                },
                // A sheet cut off before its data ends is truncated, not empty.
                Token::Eof => return Err(unreadable(format!("{path}: dữ liệu sheet bị cắt cụt"))),
                _ => {}
            }
        }
        Ok((cells, fonts, hidden))
    }
}

/// Rows and columns a sheet hides (zero-based): Excel does not show them,
/// so a member cannot see what they hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hidden {
    pub rows: Vec<u32>,
    /// Inclusive ranges of columns.
    pub cols: Vec<(u32, u32)>,
}

impl Hidden {
    /// A `<col min max hidden="1">` (one-based, inclusive) of `<cols>`.
    fn push_cols(&mut self, e: &Tag) {
        if !is_hidden(e) {
            return;
        }
        let bound = |key: &[u8]| e.attr(key).and_then(|v| v.parse::<u32>().ok());
        if let (Some(min), Some(max)) = (bound(b"min"), bound(b"max")) {
            if min >= 1 && max >= min {
                self.cols.push((min - 1, (max - 1).min(16_383)));
            }
        }
    }
}

fn is_hidden(e: &Tag) -> bool {
    e.attr(b"hidden").is_some_and(|v| v == "1" || v == "true")
}

/// What a number format makes of a number on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NumberShape {
    #[default]
    Plain,
    Date,
    Percent,
}

/// Built-in formats by id: 9 and 10 are `0%` and `0.00%`; dates and times
/// as calamine counts them (so both readers agree on which cells are dates).
pub(crate) fn builtin_shape(id: u32) -> NumberShape {
    match id {
        9 | 10 => NumberShape::Percent,
        14..=22 | 45..=47 | 27..=36 | 50..=58 => NumberShape::Date,
        _ => NumberShape::Plain,
    }
}

/// A custom format's shape, by the first section, ignoring quoted text,
/// escaped characters and brackets (calamine's rule for dates, so both
/// readers agree; a `%` outside quotes makes a percentage).
pub(crate) fn custom_shape(format: &str) -> NumberShape {
    let (mut escaped, mut quoted, mut brackets, mut ampm) = (false, false, 0u8, false);
    let mut prev = ' ';
    let mut hms = false;
    let mut percent = false;
    for c in format.chars() {
        if escaped {
            escaped = false;
        } else if matches!(c, '_' | '\\' | '*') {
            escaped = true;
        } else if quoted {
            quoted = c != '"';
        } else {
            match c {
                '"' => quoted = true,
                ';' => break,
                '[' => brackets += 1,
                ']' if brackets == 1 && hms => return NumberShape::Date,
                ']' => brackets = brackets.saturating_sub(1),
                'a' | 'A' if brackets == 0 && !ampm => ampm = true,
                'p' | 'm' | '/' | 'P' | 'M' if brackets == 0 && ampm => return NumberShape::Date,
                'd' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S' if brackets == 0 && !ampm => {
                    return NumberShape::Date
                }
                '%' if brackets == 0 => percent = true,
                _ => {
                    if !(hms && c.eq_ignore_ascii_case(&prev)) {
                        hms = prev == '[' && matches!(c, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                    }
                }
            }
        }
        prev = c;
    }
    if percent {
        NumberShape::Percent
    } else {
        NumberShape::Plain
    }
}

/// A `<row>`'s zero-based number (its `r`, when it has one) and whether
/// it is hidden, in one pass over its attributes (the first of each name
/// counts, as with `Tag::attr`).
fn row_attrs(e: &Tag) -> (Option<u32>, bool) {
    let (mut r, mut hidden) = (None, None);
    for (name, value) in e.attrs() {
        match name {
            b"r" if r.is_none() => r = Some(value.parse::<u32>().ok().and_then(|n| n.checked_sub(1))),
            b"hidden" if hidden.is_none() => hidden = Some(value == "1" || value == "true"),
            _ => {}
        }
        if r.is_some() && hidden.is_some() {
            break;
        }
    }
    (r.flatten(), hidden.unwrap_or(false))
}

/// Zero-based (row, col) of an A1 reference.
fn parse_ref(text: &str) -> Option<(u32, u32)> {
    let r = text.as_bytes();
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in &r[..letters] {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = text[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// What is known of the cell being read.
#[derive(Default)]
struct CellState {
    row: u32,
    col: u32,
    kind: ValueType,
    style: Option<u32>,
    formula: bool,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum ValueType {
    #[default]
    Number,
    Shared,
    Str,
    Inline,
    Bool,
    Error,
}

impl CellState {
    fn start(e: &Tag, row: u32, col: u32) -> CellState {
        let mut state = CellState {
            row,
            col,
            ..CellState::default()
        };
        for (key, value) in e.attrs() {
            match key {
                b"r" => {
                    if let Some((r, c)) = parse_ref(value) {
                        state.row = r;
                        state.col = c;
                    }
                }
                b"t" => {
                    state.kind = match value.as_bytes() {
                        b"s" => ValueType::Shared,
                        b"str" | b"d" => ValueType::Str,
                        b"inlineStr" => ValueType::Inline,
                        b"b" => ValueType::Bool,
                        b"e" => ValueType::Error,
                        _ => ValueType::Number,
                    }
                }
                b"s" => state.style = value.parse().ok(),
                _ => {}
            }
        }
        state
    }

    fn value(&self, text: &str, shared: &[String], shape: NumberShape) -> Cell {
        if text.is_empty() && self.kind != ValueType::Inline {
            // A formula whose saved result is the empty string
            // (`=IF(E9="","",E9*0,5)`) is a blank cell, as Excel shows it.
            return if self.formula && self.kind != ValueType::Str {
                Cell::NoCachedValue
            } else {
                Cell::Empty
            };
        }
        match self.kind {
            ValueType::Number => match text.trim().parse::<f64>() {
                Ok(n) => match shape {
                    NumberShape::Plain => Cell::Number(n),
                    NumberShape::Date => Cell::Date(n),
                    NumberShape::Percent => Cell::Percent(n),
                },
                Err(_) => Cell::Text(nfc(text)),
            },
            ValueType::Shared => match text.trim().parse::<usize>().ok().and_then(|i| shared.get(i)) {
                Some(s) if s.is_empty() => Cell::Empty,
                Some(s) => Cell::Text(s.clone()),
                None => Cell::Error("#REF!".into()),
            },
            ValueType::Str | ValueType::Inline => {
                if text.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(nfc(&excel_unescape(text)))
                }
            }
            ValueType::Bool => {
                let t = text.trim();
                Cell::Bool(t == "1" || t.eq_ignore_ascii_case("true"))
            }
            ValueType::Error => Cell::Error(text.trim().to_string()),
        }
    }
}

/// Replaces Excel's `_xHHHH_` escapes (`_x000D_` for a carriage return in
/// text pasted from Word; `_x005F_` for a literal underscore) with their
/// characters, as Excel shows them.
fn excel_unescape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.as_bytes().contains(&b'_') || !text.contains("_x") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let decoded = after
            .get(..5)
            .filter(|s| s.ends_with('_') && s[..4].bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|s| u32::from_str_radix(&s[..4], 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[5..];
            }
            None => {
                out.push_str("_x");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_escapes_are_decoded() {
        assert_eq!(excel_unescape("a_x000D_\nb"), "a\r\nb");
        assert_eq!(excel_unescape("a_x0009_b"), "a\tb");
        assert_eq!(excel_unescape("_x005F_x000D_"), "_x000D_");
        assert_eq!(excel_unescape("_x12_ _xZZZZ_ tail_x"), "_x12_ _xZZZZ_ tail_x");
        assert_eq!(excel_unescape("Sở_x1EA1_"), "Sởạ");
    }

    #[test]
    fn references_parse() {
        assert_eq!(parse_ref("A1"), Some((0, 0)));
        assert_eq!(parse_ref("D14"), Some((13, 3)));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref("1A"), None);
    }

    #[test]
    fn targets_resolve() {
        assert_eq!(resolve("xl", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl", "/xl/sharedStrings.xml"), "xl/sharedStrings.xml");
        assert_eq!(resolve("xl/worksheets", "../sharedStrings.xml"), "xl/sharedStrings.xml");
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
    }
}
