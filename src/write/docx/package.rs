//! Touches up the package docx-rs writes, so that every document is
//! compressed, deterministic and says what docx-rs cannot:
//!
//! - entries are re-packed with deflate (docx-rs stores them uncompressed)
//!   with a fixed timestamp, in docx-rs's own order;
//! - paragraph ids (`w14:paraId`, counted per thread by docx-rs) are numbered
//!   again from 1, so the bytes never depend on which thread built a document;
//! - table rows marked with [`HEADER_ROW_HEIGHT`] become header rows repeated
//!   on every page (`w:tblHeader`);
//! - the default run language becomes Vietnamese (`w:lang vi-VN`), so Word's
//!   spelling and hyphenation treat the text as Vietnamese.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::settings::Date;

/// Height (twips, "at least") that marks a header row for [`repack`]: no
/// other row uses it.
pub const HEADER_ROW_HEIGHT: u32 = 397;

/// What went wrong re-packing (a bug, never an input problem).
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

/// Re-packs docx-rs's output (`raw`) as described in the module docs. The
/// zip timestamps are `date` at midnight.
pub fn repack(raw: &[u8], date: Date) -> Result<Vec<u8>, PackError> {
    let mut archive = ZipArchive::new(Cursor::new(raw))?;
    let time = DateTime::from_date_and_time(
        date.year.clamp(1980, 2107) as u16,
        date.month as u8,
        date.day as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let mut next_para_id = 1u32;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes)?;
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = String::from_utf8(bytes).map_err(|e| PackError(format!("{name}: {e}")))?;
            bytes = patch(&name, &text, &mut next_para_id).into_bytes();
        }
        out.start_file(name, options)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish()?.into_inner())
}

fn patch(name: &str, xml: &str, next_para_id: &mut u32) -> String {
    let mut xml = renumber_para_ids(xml, next_para_id);
    if name == "word/document.xml" {
        xml = mark_header_rows(&xml);
    }
    if name == "word/styles.xml" {
        xml = vietnamese_default_language(&xml);
    }
    xml
}

/// Gives every `w14:paraId` the next number, in document order.
fn renumber_para_ids(xml: &str, next: &mut u32) -> String {
    const KEY: &str = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find(KEY) {
        let value_start = start + KEY.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.push_str(&rest[..value_start]);
        out.push_str(&format!("{:08X}", *next));
        *next += 1;
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// Adds `w:tblHeader` after the row height that marks a header row.
fn mark_header_rows(xml: &str) -> String {
    let marker = format!("<w:trHeight w:val=\"{HEADER_ROW_HEIGHT}\" w:hRule=\"atLeast\" />");
    xml.replace(&marker, &format!("{marker}<w:tblHeader />"))
}

/// Sets `w:lang` to Vietnamese in the default run properties.
fn vietnamese_default_language(xml: &str) -> String {
    const LANG: &str = "<w:lang w:val=\"vi-VN\" w:eastAsia=\"vi-VN\" w:bidi=\"ar-SA\" />";
    if let Some(at) = xml.find("<w:rPrDefault>") {
        if let Some(end) = xml[at..].find("</w:rPr>") {
            let pos = at + end;
            return format!("{}{LANG}{}", &xml[..pos], &xml[pos..]);
        }
    }
    xml.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn para_ids_are_renumbered_in_order() {
        let mut next = 1;
        let xml = r#"<w:p w14:paraId="0000002a"/><w:p w14:paraId="00000007"/>"#;
        assert_eq!(
            renumber_para_ids(xml, &mut next),
            r#"<w:p w14:paraId="00000001"/><w:p w14:paraId="00000002"/>"#
        );
        assert_eq!(next, 3);
    }

    #[test]
    fn header_rows_are_marked() {
        let xml = format!("<w:trPr><w:trHeight w:val=\"{HEADER_ROW_HEIGHT}\" w:hRule=\"atLeast\" /></w:trPr>");
        assert!(mark_header_rows(&xml).contains("<w:tblHeader />"));
        assert!(
            !mark_header_rows("<w:trPr><w:trHeight w:val=\"400\" w:hRule=\"atLeast\" /></w:trPr>")
                .contains("tblHeader")
        );
    }

    #[test]
    fn language_goes_into_the_default_run_properties() {
        let xml = "<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"28\" /></w:rPr></w:rPrDefault></w:docDefaults>";
        let patched = vietnamese_default_language(xml);
        assert!(
            patched.contains("<w:sz w:val=\"28\" /><w:lang w:val=\"vi-VN\""),
            "{patched}"
        );
    }
}
