//! Writes the package of a document from the parts docx-rs builds, so that
//! every document is compressed, deterministic and says what docx-rs cannot:
//!
//! - parts are written with deflate (docx-rs would store them uncompressed)
//!   with a fixed timestamp, in docx-rs's own order and under its names;
//! - paragraph ids (`w14:paraId`, counted per thread by docx-rs) are numbered
//!   again from 1, so the bytes never depend on which thread built a document;
//! - table rows marked with [`HEADER_ROW_HEIGHT`] become header rows repeated
//!   on every page (`w:tblHeader`);
//! - the default run language becomes Vietnamese (`w:lang vi-VN`), so Word's
//!   spelling and hyphenation treat the text as Vietnamese;
//! - every WordprocessingML part is made schema-valid ([`canonical`]): the
//!   children of property containers (`w:rPr`, `w:pPr`, `w:tblPr`,
//!   `w:sectPr`, `w:settings`…) are put in the order of the schema's
//!   sequence, attributes it does not declare are dropped, as the tables of
//!   [`super::schema`] say. docx-rs writes them in its own order, and Word
//!   ignores a property out of sequence (a font after the size, a
//!   justification after the mark's run properties) that LibreOffice reads.
//!
//! Most parts (styles, settings, fonts, page headers…) come out the same for
//! every document of a run. Each is deflated once per process: the
//! compressed entry is kept with the exact bytes it holds and its timestamp,
//! and copied as it is (`raw_copy_file`) into any later document whose part
//! has the very same bytes and timestamp. A part that differs in one byte is
//! deflated afresh, so the cache can change the speed, never the content:
//! a copied entry is byte for byte the entry a fresh deflate would write.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex, OnceLock};

use docx_rs::XMLDocx;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::schema;
use crate::calendar::Date;

/// Height (twips, "at least") that marks a header row for [`package`]: no
/// other row uses it.
pub const HEADER_ROW_HEIGHT: u32 = 397;

/// What went wrong packing (a bug, never an input problem).
#[derive(Debug)]
pub struct PackError(pub String);

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lỗi đóng gói tệp Word: {}", self.0)
    }
}

impl From<zip::result::ZipError> for PackError {
    fn from(e: zip::result::ZipError) -> PackError {
        PackError(e.to_string())
    }
}

impl From<std::io::Error> for PackError {
    fn from(e: std::io::Error) -> PackError {
        PackError(e.to_string())
    }
}

/// The body of the document: different in every document, never cached.
const DOCUMENT: &str = "word/document.xml";
const STYLES: &str = "word/styles.xml";

/// The theme docx-rs leaves out (Word's validator asks for one): the Office
/// theme with Times New Roman as its heading and body fonts, so text that
/// falls back to the theme keeps the official document font.
const THEME: &str = "word/theme/theme1.xml";
const THEME_XML: &[u8] = include_bytes!("theme1.xml");
const THEME_TYPE: &str = r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml" />"#;
const THEME_RELATIONSHIP: &str = r#"<Relationship Id="rIdTheme1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml" />"#;

/// `xml` with `insert` before the last `before` (unchanged without one).
fn insert_before(xml: Vec<u8>, before: &str, insert: &str) -> Vec<u8> {
    let Some(at) = xml.windows(before.len()).rposition(|w| w == before.as_bytes()) else {
        return xml;
    };
    let mut out = Vec::with_capacity(xml.len() + insert.len());
    out.extend_from_slice(&xml[..at]);
    out.extend_from_slice(insert.as_bytes());
    out.extend_from_slice(&xml[at..]);
    out
}

/// Packs docx-rs's parts (`docx.build()`) as described in the module docs.
/// The zip timestamps are `date` at midnight.
pub fn package(xml: XMLDocx, date: Date) -> Result<Vec<u8>, PackError> {
    write_parts(parts(xml), date, true)
}

/// The parts of `xml` under their names, in the order docx-rs's own zipper
/// (`XMLDocx::pack`) writes them.
fn parts(xml: XMLDocx) -> Vec<(Cow<'static, str>, Vec<u8>)> {
    let mut parts: Vec<(Cow<'static, str>, Vec<u8>)> = vec![
        (
            "[Content_Types].xml".into(),
            insert_before(xml.content_type, "</Types>", THEME_TYPE),
        ),
        ("_rels/.rels".into(), xml.rels),
        ("docProps/app.xml".into(), xml.doc_props.app),
        ("docProps/core.xml".into(), xml.doc_props.core),
        ("docProps/custom.xml".into(), xml.doc_props.custom),
        (
            "word/_rels/document.xml.rels".into(),
            insert_before(xml.document_rels, "</Relationships>", THEME_RELATIONSHIP),
        ),
        (DOCUMENT.into(), xml.document),
        (STYLES.into(), xml.styles),
        (THEME.into(), THEME_XML.to_vec()),
        ("word/settings.xml".into(), xml.settings),
        ("word/fontTable.xml".into(), xml.font_table),
        ("word/comments.xml".into(), xml.comments),
        ("word/numbering.xml".into(), xml.numberings),
        ("word/commentsExtended.xml".into(), xml.comments_extended),
        ("word/footnotes.xml".into(), xml.footnotes),
    ];
    let mut header_rels = xml.header_rels.into_iter();
    for (i, header) in xml.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1).into(), header));
        if let Some(rels) = header_rels.next() {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1).into(), rels));
        }
    }
    let mut footer_rels = xml.footer_rels.into_iter();
    for (i, footer) in xml.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1).into(), footer));
        if let Some(rels) = footer_rels.next() {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1).into(), rels));
        }
    }
    for (id, png) in xml.media {
        parts.push((format!("word/media/{id}.png").into(), png));
    }
    if let Some(taskpanes) = xml.taskpanes {
        parts.push(("word/webextensions/taskpanes.xml".into(), taskpanes));
        parts.push(("word/webextensions/_rels/taskpanes.xml.rels".into(), xml.taskpanes_rels));
        for (i, extension) in xml.web_extensions.into_iter().enumerate() {
            parts.push((
                format!("word/webextensions/webextension{}.xml", i + 1).into(),
                extension,
            ));
        }
    }
    let mut item_rels = xml.custom_item_rels.into_iter();
    let mut item_props = xml.custom_item_props.into_iter();
    for (i, item) in xml.custom_items.into_iter().enumerate() {
        let n = i + 1;
        parts.push((
            format!("customXml/_rels/item{n}.xml.rels").into(),
            item_rels.next().unwrap_or_default(),
        ));
        parts.push((format!("customXml/item{n}.xml").into(), item));
        parts.push((
            format!("customXml/itemProps{n}.xml").into(),
            item_props.next().unwrap_or_default(),
        ));
    }
    parts
}

/// Patches and deflates `parts` into a zip, in order; with `cache`, parts
/// other than the body go through [`CACHE`].
fn write_parts(parts: Vec<(Cow<'static, str>, Vec<u8>)>, date: Date, cache: bool) -> Result<Vec<u8>, PackError> {
    let stamp = Stamp::of(date);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(stamp.time())
        .unix_permissions(0o644);
    let capacity = parts.iter().map(|(_, bytes)| bytes.len()).sum::<usize>() / 4;
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
    let mut next_para_id = 1u32;
    for (name, bytes) in parts {
        // The theme is DrawingML, fixed: nothing to patch.
        let bytes = if name != THEME && (name.ends_with(".xml") || name.ends_with(".rels")) {
            patch(&name, bytes, &mut next_para_id)?
        } else {
            bytes
        };
        if cache && name != DOCUMENT {
            let entry = compressed(&name, &bytes, stamp, options)?;
            let mut archive = ZipArchive::new(Cursor::new(&entry[..]))?;
            out.raw_copy_file(archive.by_index_raw(0)?)?;
        } else {
            out.start_file(name, options)?;
            out.write_all(&bytes)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

/// The zip timestamp of every entry: the report date at midnight.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp(u16, u8, u8);

impl Stamp {
    fn of(date: Date) -> Stamp {
        Stamp(date.year.clamp(1980, 2107) as u16, date.month as u8, date.day as u8)
    }

    fn time(self) -> DateTime {
        DateTime::from_date_and_time(self.0, self.1, self.2, 0, 0, 0).unwrap_or_default()
    }
}

/// One part deflated once: a zip holding only that entry.
struct Compressed {
    stamp: Stamp,
    content: Vec<u8>,
    zip: Arc<[u8]>,
}

/// Compressed parts by entry name. Page headers differ only by their
/// paragraph id, so a name holds a few versions; past [`MAX_VERSIONS`] a
/// part is deflated every time instead of kept.
static CACHE: OnceLock<Mutex<HashMap<String, Vec<Compressed>>>> = OnceLock::new();
const MAX_VERSIONS: usize = 64;

/// A zip holding only the entry `name` with `content`, from [`CACHE`] when
/// the same entry was deflated before.
fn compressed(name: &str, content: &[u8], stamp: Stamp, options: SimpleFileOptions) -> Result<Arc<[u8]>, PackError> {
    let cache = CACHE.get_or_init(Default::default);
    let find = |cache: &HashMap<String, Vec<Compressed>>| {
        cache
            .get(name)
            .and_then(|versions| versions.iter().find(|c| c.stamp == stamp && c.content == content))
            .map(|c| Arc::clone(&c.zip))
    };
    if let Some(zip) = find(&lock(cache)) {
        return Ok(zip);
    }
    let mut single = ZipWriter::new(Cursor::new(Vec::new()));
    single.start_file(name, options)?;
    single.write_all(content)?;
    let zip: Arc<[u8]> = single.finish()?.into_inner().into();
    let mut cache = lock(cache);
    // Another thread may have made the same entry meanwhile (same bytes).
    if find(&cache).is_none() {
        let versions = cache.entry(name.to_string()).or_default();
        if versions.len() < MAX_VERSIONS {
            versions.push(Compressed {
                stamp,
                content: content.to_vec(),
                zip: Arc::clone(&zip),
            });
        }
    }
    Ok(zip)
}

/// The cache even if a thread panicked holding it: entries are only ever
/// added whole, so what it holds stays right.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The part `name` patched: paragraph ids renumbered from `next_para_id`,
/// header rows marked in the body, the language set in the styles, and the
/// WordprocessingML parts put in schema order ([`canonical`]). A part with
/// nothing to patch is returned as it is.
fn patch(name: &str, bytes: Vec<u8>, next_para_id: &mut u32) -> Result<Vec<u8>, PackError> {
    let xml = std::str::from_utf8(&bytes).map_err(|e| PackError(format!("{name}: {e}")))?;
    let patched = if name == STYLES {
        vietnamese_default_language(xml).map(|xml| rewrite(&xml, next_para_id, false).unwrap_or(xml))
    } else {
        rewrite(xml, next_para_id, name == DOCUMENT)
    };
    if name.starts_with("word/") && name.ends_with(".xml") {
        let xml = patched.as_deref().unwrap_or(xml);
        return canonical(xml).map_err(|e| PackError(format!("{name}: {e}")));
    }
    Ok(patched.map(String::into_bytes).unwrap_or(bytes))
}

/// One container of [`schema::SEQUENCES`] being copied: its children are
/// written to the output as they come, then put in order at its end tag.
struct Container {
    sequence: &'static schema::Sequence,
    /// The container it is a child of, if any (else empty).
    parent: &'static str,
    /// Where its content starts in the output.
    start: usize,
    /// Where its children's records start in [`Canonicaliser::children`].
    first_child: usize,
    /// How deep the copy is inside the current child (0: between children).
    depth: usize,
    /// The current child's rank and start in the output.
    child: (usize, usize),
}

/// A child copied into a container: its rank in the container's sequence
/// and its bytes in the output.
#[derive(Clone, Copy)]
struct Child {
    rank: usize,
    start: usize,
    end: usize,
}

/// The state of one [`canonical`] pass.
#[derive(Default)]
struct Canonicaliser {
    out: Vec<u8>,
    open: Vec<Container>,
    children: Vec<Child>,
    scratch: Vec<u8>,
}

impl Canonicaliser {
    /// A start tag `raw` of element `name` (`empty` for `<name …/>`).
    fn start(&mut self, name: &[u8], raw: &[u8], empty: bool) {
        if empty && self.undeclared(name) {
            return;
        }
        self.enter(name);
        self.tag(name, raw, empty);
        if empty {
            self.leave();
        } else if let Some(sequence) = schema::sequence(name) {
            let parent = match self.open.last() {
                Some(top) if top.depth == 1 => top.sequence.name,
                _ => "",
            };
            self.open.push(Container {
                sequence,
                parent,
                start: self.out.len(),
                first_child: self.children.len(),
                depth: 0,
                child: (0, 0),
            });
        }
    }

    /// An end tag `raw`.
    fn end(&mut self, raw: &[u8]) {
        if self.open.last().is_some_and(|top| top.depth == 0) {
            self.close();
        }
        self.out.extend_from_slice(raw);
        self.leave();
    }

    /// An element starts: a child of the innermost container when it is
    /// between children.
    fn enter(&mut self, name: &[u8]) {
        if let Some(top) = self.open.last_mut() {
            if top.depth == 0 {
                top.child = (top.sequence.rank(name), self.out.len());
            }
            top.depth += 1;
        }
    }

    /// An element ends: the child ends with it when it is the child itself.
    fn leave(&mut self) {
        if let Some(top) = self.open.last_mut() {
            top.depth -= 1;
            if top.depth == 0 {
                let (rank, start) = top.child;
                self.children.push(Child {
                    rank,
                    start,
                    end: self.out.len(),
                });
            }
        }
    }

    /// Whether `name`, an empty element, is a child that the innermost
    /// container has no place for ([`schema::UNDECLARED_CHILDREN`]).
    fn undeclared(&self, name: &[u8]) -> bool {
        self.open
            .last()
            .is_some_and(|top| top.depth == 0 && schema::undeclared(top.parent, top.sequence.name, name))
    }

    /// Copies a start tag, without the attributes that
    /// [`schema::ATTRIBUTES`] leaves undeclared.
    fn tag(&mut self, name: &[u8], raw: &[u8], empty: bool) {
        let Some(declared) = schema::declared_attributes(name) else {
            self.out.extend_from_slice(raw);
            return;
        };
        self.out.push(b'<');
        self.out.extend_from_slice(name);
        for (key, value) in attributes(&raw[1 + name.len()..]) {
            if declared.iter().any(|d| d.as_bytes() == key) {
                self.out.push(b' ');
                self.out.extend_from_slice(key);
                self.out.push(b'=');
                self.out.extend_from_slice(value);
            }
        }
        self.out.extend_from_slice(if empty { b" />" } else { b">" });
    }

    /// The innermost container ends: its children are put in their
    /// sequence's order (stable, so repeated children keep theirs). Text
    /// between children (only ever white space) goes when they move.
    fn close(&mut self) {
        let Some(container) = self.open.pop() else {
            return;
        };
        let children = &mut self.children[container.first_child..];
        if !children.is_sorted_by_key(|c| c.rank) {
            children.sort_by_key(|c| c.rank);
            self.scratch.clear();
            for child in children.iter() {
                self.scratch.extend_from_slice(&self.out[child.start..child.end]);
            }
            self.out.truncate(container.start);
            self.out.extend_from_slice(&self.scratch);
        }
        self.children.truncate(container.first_child);
    }
}

/// The attributes in `rest`, what follows the name in a start tag: each
/// name with its quoted value (quotes kept, escapes untouched).
fn attributes(rest: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let eq = at + memchr::memchr(b'=', &rest[at..])?;
        let key = rest[at..eq].trim_ascii();
        let open = eq + 1 + rest[eq + 1..].iter().position(|b| matches!(b, b'"' | b'\''))?;
        let close = open + 1 + memchr::memchr(rest[open], &rest[open + 1..])?;
        at = close + 1;
        Some((key, &rest[open..=close]))
    })
}

/// `xml` with the children of every container of [`schema::SEQUENCES`] in
/// schema order, without the attributes [`schema::ATTRIBUTES`] does not
/// declare and the empty children [`schema::UNDECLARED_CHILDREN`] names;
/// everything else is copied byte for byte.
///
/// A scanner of its own rather than quick-xml's reader: every part of every
/// document goes through it, and all it needs is where each tag starts and
/// ends and its name (quick-xml took 7% of a `run`). Fails on a tag, comment
/// or declaration left open (a bug in what docx-rs wrote), naming where.
fn canonical(xml: &str) -> Result<Vec<u8>, String> {
    let bytes = xml.as_bytes();
    let mut state = Canonicaliser {
        out: Vec::with_capacity(bytes.len()),
        ..Canonicaliser::default()
    };
    let unclosed = |at: usize| format!("thẻ XML không đóng tại byte {at}");
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) {
        state.out.extend_from_slice(&bytes[at..lt]);
        let rest = &bytes[lt..];
        let end = match rest.get(1) {
            Some(b'/') => {
                let end = lt + 1 + memchr::memchr(b'>', rest).ok_or_else(|| unclosed(lt))?;
                state.end(&bytes[lt..end]);
                end
            }
            Some(b'?' | b'!') => {
                let close: &[u8] = if rest.starts_with(b"<!--") {
                    b"-->"
                } else if rest.starts_with(b"<![CDATA[") {
                    b"]]>"
                } else {
                    b">"
                };
                let end = lt + memchr::memmem::find(rest, close).ok_or_else(|| unclosed(lt))? + close.len();
                state.out.extend_from_slice(&bytes[lt..end]);
                end
            }
            _ => {
                let end = lt + tag_end(rest).ok_or_else(|| unclosed(lt))?;
                let raw = &bytes[lt..end];
                let name_len = raw[1..]
                    .iter()
                    .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>'))
                    .unwrap_or(raw.len() - 1);
                state.start(&raw[1..1 + name_len], raw, raw[raw.len() - 2] == b'/');
                end
            }
        };
        at = end;
    }
    state.out.extend_from_slice(&bytes[at..]);
    Ok(state.out)
}

/// The length of the start tag `tag` opens with, up to and with its `>`
/// (one inside a quoted value does not end it); `None` if it never ends.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut at = 1;
    loop {
        let i = at + memchr::memchr3(b'>', b'"', b'\'', &tag[at..])?;
        if tag[i] == b'>' {
            return Some(i + 1);
        }
        at = i + 1 + memchr::memchr(tag[i], &tag[i + 1..])? + 1;
    }
}

const PARA_ID: &str = "w14:paraId=\"";
/// The row height that marks a header row, as docx-rs writes it.
const HEADER_ROW: &str = "<w:trHeight w:val=\"397\" w:hRule=\"atLeast\" />";
const TABLE_HEADER: &str = "<w:tblHeader />";

/// In one pass: gives every `w14:paraId` the next number, in document
/// order, and (with `header_rows`) adds `w:tblHeader` after each
/// [`HEADER_ROW`]. `None` when there is neither.
fn rewrite(xml: &str, next: &mut u32, header_rows: bool) -> Option<String> {
    use memchr::memmem::Finder;
    static FINDERS: OnceLock<(Finder<'static>, Finder<'static>)> = OnceLock::new();
    let (para_id, header_row) = FINDERS.get_or_init(|| (Finder::new(PARA_ID), Finder::new(HEADER_ROW)));
    let bytes = xml.as_bytes();
    let find_id = |from: usize| para_id.find(&bytes[from..]).map(|at| from + at);
    let find_row = |from: usize| {
        if header_rows {
            header_row.find(&bytes[from..]).map(|at| from + at)
        } else {
            None
        }
    };
    let mut id = find_id(0);
    let mut row = find_row(0);
    if id.is_none() && row.is_none() {
        return None;
    }
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut done = 0;
    loop {
        let id_first = match (id, row) {
            (Some(at), Some(r)) => at < r,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if let (true, Some(at)) = (id_first, id) {
            let value = at + PARA_ID.len();
            let Some(len) = memchr::memchr(b'"', &bytes[value..]) else {
                id = None;
                continue;
            };
            out.push_str(&xml[done..value]);
            push_hex8(&mut out, *next);
            *next += 1;
            done = value + len;
            id = find_id(done);
        } else if let Some(at) = row {
            let end = at + HEADER_ROW.len();
            out.push_str(&xml[done..end]);
            out.push_str(TABLE_HEADER);
            done = end;
            row = find_row(done);
        }
    }
    out.push_str(&xml[done..]);
    Some(out)
}

/// `value` as 8 upper-case hex digits, as `format!("{:08X}")` writes it.
fn push_hex8(out: &mut String, value: u32) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for shift in (0..8).rev() {
        out.push(DIGITS[(value >> (shift * 4)) as usize & 0xF] as char);
    }
}

/// Sets `w:lang` to Vietnamese in the default run properties; `None` when
/// there are none.
fn vietnamese_default_language(xml: &str) -> Option<String> {
    const LANG: &str = "<w:lang w:val=\"vi-VN\" w:eastAsia=\"vi-VN\" w:bidi=\"ar-SA\" />";
    let at = xml.find("<w:rPrDefault>")?;
    let pos = at + xml[at..].find("</w:rPr>")?;
    let mut out = String::with_capacity(xml.len() + LANG.len());
    out.push_str(&xml[..pos]);
    out.push_str(LANG);
    out.push_str(&xml[pos..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn renumber(xml: &str, next: &mut u32) -> String {
        rewrite(xml, next, false).unwrap_or_else(|| xml.to_string())
    }

    #[test]
    fn para_ids_are_renumbered_in_order() {
        let mut next = 1;
        let xml = r#"<w:p w14:paraId="0000002a"/><w:p w14:paraId="00000007"/>"#;
        assert_eq!(
            renumber(xml, &mut next),
            r#"<w:p w14:paraId="00000001"/><w:p w14:paraId="00000002"/>"#
        );
        assert_eq!(next, 3);
        let mut next = 0xABCDEF;
        assert_eq!(
            renumber(xml, &mut next),
            format!(
                r#"<w:p w14:paraId="{:08X}"/><w:p w14:paraId="{:08X}"/>"#,
                0xABCDEF, 0xABCDF0
            )
        );
    }

    #[test]
    fn header_rows_are_marked() {
        assert_eq!(
            HEADER_ROW,
            format!("<w:trHeight w:val=\"{HEADER_ROW_HEIGHT}\" w:hRule=\"atLeast\" />")
        );
        let xml = format!(
            "<w:tr w14:paraId=\"9\"><w:trPr>{HEADER_ROW}</w:trPr></w:tr><w:p w14:paraId=\"8\"/><w:trPr>{HEADER_ROW}</w:trPr>"
        );
        let mut next = 1;
        assert_eq!(
            rewrite(&xml, &mut next, true).unwrap(),
            format!(
                "<w:tr w14:paraId=\"00000001\"><w:trPr>{HEADER_ROW}{TABLE_HEADER}</w:trPr></w:tr><w:p w14:paraId=\"00000002\"/><w:trPr>{HEADER_ROW}{TABLE_HEADER}</w:trPr>"
            )
        );
        assert!(rewrite(
            "<w:trPr><w:trHeight w:val=\"400\" w:hRule=\"atLeast\" /></w:trPr>",
            &mut next,
            true
        )
        .is_none());
        // Outside the body, rows are left alone.
        assert!(rewrite(&format!("<w:trPr>{HEADER_ROW}</w:trPr>"), &mut next, false).is_none());
    }

    #[test]
    fn language_goes_into_the_default_run_properties() {
        let xml = "<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"28\" /></w:rPr></w:rPrDefault></w:docDefaults>";
        let patched = vietnamese_default_language(xml).unwrap();
        assert!(
            patched.contains("<w:sz w:val=\"28\" /><w:lang w:val=\"vi-VN\""),
            "{patched}"
        );
    }

    fn canonical_str(xml: &str) -> String {
        String::from_utf8(canonical(xml).unwrap()).unwrap()
    }

    #[test]
    fn properties_are_put_in_schema_order() {
        // As docx-rs writes a paragraph: the mark's run properties first,
        // the size before the font, borders in no order, the section's page
        // size before its header.
        let xml = concat!(
            r#"<w:body><w:p w14:paraId="1"><w:pPr><w:rPr><w:sz w:val="28" /><w:szCs w:val="28" /><w:b /><w:bCs /><w:rFonts w:ascii="T" /></w:rPr>"#,
            r#"<w:pBdr><w:bottom w:val="single" /><w:top w:val="single" /></w:pBdr><w:jc w:val="center" /><w:spacing w:after="0" /></w:pPr>"#,
            r#"<w:r><w:rPr><w:i /><w:rFonts w:ascii="T" /></w:rPr><w:t xml:space="preserve">Chữ &lt;b&gt;</w:t></w:r></w:p>"#,
            r#"<w:sectPr><w:pgSz w:w="11906" /><w:headerReference r:id="rId1" /></w:sectPr></w:body>"#,
        );
        assert_eq!(
            canonical_str(xml),
            concat!(
                r#"<w:body><w:p w14:paraId="1"><w:pPr><w:pBdr><w:top w:val="single" /><w:bottom w:val="single" /></w:pBdr>"#,
                r#"<w:spacing w:after="0" /><w:jc w:val="center" />"#,
                r#"<w:rPr><w:rFonts w:ascii="T" /><w:b /><w:bCs /><w:sz w:val="28" /><w:szCs w:val="28" /></w:rPr></w:pPr>"#,
                r#"<w:r><w:rPr><w:rFonts w:ascii="T" /><w:i /></w:rPr><w:t xml:space="preserve">Chữ &lt;b&gt;</w:t></w:r></w:p>"#,
                r#"<w:sectPr><w:headerReference r:id="rId1" /><w:pgSz w:w="11906" /></w:sectPr></w:body>"#,
            )
        );
    }

    #[test]
    fn a_part_in_order_is_copied_byte_for_byte() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><w:document><w:p><w:pPr><w:jc w:val="left"/><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:t>a &amp; b</w:t></w:r></w:p></w:document>"#;
        assert_eq!(canonical_str(xml), xml);
    }

    #[test]
    fn quoted_angle_brackets_comments_and_declarations_are_not_tags() {
        let xml = concat!(
            r#"<?xml version="1.0"?><!-- <w:rPr> --><w:r><w:rPr><w:sz w:val='a>b' /><w:rFonts w:ascii="x/>" /></w:rPr>"#,
            r#"<w:t><![CDATA[<w:b/>]]></w:t></w:r>"#,
        );
        assert_eq!(
            canonical_str(xml),
            concat!(
                r#"<?xml version="1.0"?><!-- <w:rPr> --><w:r><w:rPr><w:rFonts w:ascii="x/>" /><w:sz w:val='a>b' /></w:rPr>"#,
                r#"<w:t><![CDATA[<w:b/>]]></w:t></w:r>"#,
            )
        );
        assert!(canonical("<w:p><w:r w:x=\"1>").is_err());
        assert!(canonical("<w:p><!-- open").is_err());
    }

    #[test]
    fn undeclared_attributes_are_dropped() {
        let xml = r#"<w:tblGrid><w:gridCol w:w="4000" w:type="dxa" /><w:gridCol w:type="dxa" w:w="5355" /></w:tblGrid><w:tcW w:w="4000" w:type="dxa" />"#;
        assert_eq!(
            canonical_str(xml),
            r#"<w:tblGrid><w:gridCol w:w="4000" /><w:gridCol w:w="5355" /></w:tblGrid><w:tcW w:w="4000" w:type="dxa" />"#
        );
    }

    #[test]
    fn empty_run_properties_leave_a_style_s_paragraph_properties() {
        let xml = r#"<w:style w:styleId="Normal"><w:pPr><w:rPr /></w:pPr><w:rPr /><w:name w:val="Normal" /></w:style><w:p><w:pPr><w:rPr /></w:pPr></w:p>"#;
        assert_eq!(
            canonical_str(xml),
            r#"<w:style w:styleId="Normal"><w:name w:val="Normal" /><w:pPr></w:pPr><w:rPr /></w:style><w:p><w:pPr><w:rPr /></w:pPr></w:p>"#
        );
        // One that says something stays, for the validator to report.
        let xml = r#"<w:lvl><w:pPr><w:rPr><w:b /></w:rPr></w:pPr></w:lvl>"#;
        assert_eq!(canonical_str(xml), xml);
    }

    fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>, DateTime)> {
        let mut archive = ZipArchive::new(Cursor::new(zip)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).unwrap();
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).unwrap();
                (entry.name().to_string(), bytes, entry.last_modified().unwrap())
            })
            .collect()
    }

    #[test]
    fn every_package_has_the_theme_with_its_type_and_relationship() {
        let date = Date {
            year: 2026,
            month: 12,
            day: 5,
        };
        let zip = package(docx_rs::Docx::new().build(), date).unwrap();
        let entries = entries(&zip);
        let text = |name: &str| {
            let (_, bytes, _) = entries.iter().find(|(n, _, _)| n == name).unwrap();
            String::from_utf8(bytes.clone()).unwrap()
        };
        assert_eq!(text(THEME).matches("<a:latin typeface=\"Times New Roman\"").count(), 2);
        assert_eq!(text("[Content_Types].xml").matches(THEME_TYPE).count(), 1);
        assert_eq!(
            text("word/_rels/document.xml.rels").matches(THEME_RELATIONSHIP).count(),
            1
        );
        assert!(text("[Content_Types].xml").ends_with("</Types>"));
    }

    fn sample_parts(body: &str, core: &str) -> Vec<(Cow<'static, str>, Vec<u8>)> {
        vec![
            ("docProps/core.xml".into(), core.as_bytes().to_vec()),
            (DOCUMENT.into(), body.as_bytes().to_vec()),
            (
                "word/header1.xml".into(),
                b"<w:hdr><w:p w14:paraId=\"00000099\"/></w:hdr>".to_vec(),
            ),
        ]
    }

    #[test]
    fn cached_entries_are_the_bytes_of_a_fresh_deflate_and_never_cross_documents() {
        let day = |day| Date {
            year: 2026,
            month: 12,
            day,
        };
        let one = "<w:body><w:p w14:paraId=\"5\"/></w:body>";
        let two = "<w:body><w:p w14:paraId=\"5\"/><w:p w14:paraId=\"6\"/></w:body>";
        let cases = [
            (one, "<core>A</core>", day(5)),
            (two, "<core>B</core>", day(5)),
            (one, "<core>A</core>", day(6)),
            (two, "<core>A</core>", day(5)),
        ];
        // Twice over, so the second round reads everything from the cache.
        for _ in 0..2 {
            for (body, core, date) in cases {
                let cached = write_parts(sample_parts(body, core), date, true).unwrap();
                let fresh = write_parts(sample_parts(body, core), date, false).unwrap();
                assert_eq!(cached, fresh);
                let entries = entries(&cached);
                assert_eq!(entries[0].1, core.as_bytes());
                assert_eq!(entries[0].2, Stamp::of(date).time());
                assert_eq!(entries[2].2, Stamp::of(date).time());
                // The header's paragraph comes after the body's.
                let paragraphs = body.matches("<w:p ").count() as u32;
                let header = String::from_utf8(entries[2].1.clone()).unwrap();
                assert!(
                    header.contains(&format!("w14:paraId=\"{:08X}\"", paragraphs + 1)),
                    "{header}"
                );
            }
        }
    }
}
