//! A small pull tokenizer for the XML parts of an `.xlsx` package.
//!
//! The workbook parts that members send are machine-written XML with short
//! tags and short texts; a general XML reader spends most of its time on
//! generality (decoders, attribute checks, event buffers). This one walks
//! the bytes once with `memchr`, hands out borrowed slices and allocates
//! only its stack of open element names. The part is checked to be UTF-8
//! once, whole, before any token is read. It is still strict where it
//! matters for trust: every end tag must match its start tag, a part that
//! ends inside an element or a tag is an error, and an entity other than
//! the five predefined ones and character references is an error (a
//! document type's own entities are never expanded).

use memchr::{memchr, memchr2, memmem};

/// Why a part is not well-formed XML (Vietnamese, shown to the user after
/// the part's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError(pub String);

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn error(what: &str, at: usize) -> ScanError {
    ScanError(format!("XML hỏng: {what} (byte {at})"))
}

/// One piece of a part.
#[derive(Debug, PartialEq, Eq)]
pub enum Token<'a> {
    /// `<name …>`
    Start(Tag<'a>),
    /// `<name …/>`
    Empty(Tag<'a>),
    /// `</name>`: the local name.
    End(&'a [u8]),
    /// Character data as written (entities not yet replaced).
    Text(&'a str),
    /// The content of `<![CDATA[…]]>`, taken literally.
    CData(&'a str),
    Eof,
}

/// A start or empty-element tag.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Tag<'a> {
    name: &'a [u8],
    attrs: &'a str,
}

/// The name without its namespace prefix (`x:c` → `c`).
fn local(name: &[u8]) -> &[u8] {
    match memchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

impl<'a> Tag<'a> {
    pub fn local_name(&self) -> &'a [u8] {
        local(self.name)
    }

    /// The raw (still escaped) value of the attribute with this local name.
    pub fn attr(&self, name: &[u8]) -> Option<&'a str> {
        self.attrs().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The attribute's value with entities replaced, as text.
    pub fn attr_text(&self, name: &[u8]) -> Option<String> {
        let raw = self.attr(name)?;
        let mut out = String::new();
        unescape_into(raw, &mut out).ok()?;
        Some(out)
    }

    /// (local name, raw value) of every attribute, in order, without the
    /// namespace declarations (`xmlns:r` is not `r`). Stops at the first
    /// malformed one.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs { rest: self.attrs }
    }
}

pub struct Attrs<'a> {
    rest: &'a str,
}

/// Offset of the first `byte` in `s`: a plain loop for the short spans of
/// tags and cell values, where setting up a vector search costs more.
fn find(byte: u8, s: &[u8]) -> Option<usize> {
    s.iter().take(16).position(|&b| b == byte).or_else(|| {
        if s.len() > 16 {
            memchr(byte, &s[16..]).map(|i| i + 16)
        } else {
            None
        }
    })
}

/// Whether `s` holds `a` or `b`: a plain loop for short cell values, a
/// vector search for long ones.
pub fn holds_either(a: u8, b: u8, s: &[u8]) -> bool {
    if s.len() <= 32 {
        s.iter().any(|&c| c == a || c == b)
    } else {
        memchr2(a, b, s).is_some()
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = (&'a [u8], &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (key, value) = self.next_raw()?;
            if key != b"xmlns" && !key.starts_with(b"xmlns:") {
                return Some((local(key), value));
            }
        }
    }
}

impl<'a> Attrs<'a> {
    /// The next (qualified name, raw value).
    fn next_raw(&mut self) -> Option<(&'a [u8], &'a str)> {
        let text = self.rest;
        let s = text.as_bytes();
        let start = s.iter().position(|b| !b.is_ascii_whitespace())?;
        let eq = start + find(b'=', &s[start..])?;
        let key = s[start..eq].trim_ascii_end();
        let after = eq + 1 + s[eq + 1..].iter().position(|b| !b.is_ascii_whitespace())?;
        let quote = s[after];
        if quote != b'"' && quote != b'\'' {
            self.rest = "";
            return None;
        }
        let end = after + 1 + find(quote, &s[after + 1..])?;
        self.rest = &text[end + 1..];
        Some((key, &text[after + 1..end]))
    }
}

/// The tokenizer over one part.
pub struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    open: Vec<&'a [u8]>,
}

impl<'a> Scanner<'a> {
    /// Fails when the part is not UTF-8 (what every spreadsheet writes).
    pub fn new(xml: &'a [u8]) -> Result<Scanner<'a>, ScanError> {
        let text = simdutf8::basic::from_utf8(xml).map_err(|_| {
            let at = std::str::from_utf8(xml).err().map_or(0, |e| e.valid_up_to());
            error("nội dung không phải UTF-8", at)
        })?;
        // A byte order mark is not text.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        Ok(Scanner {
            text,
            pos: 0,
            open: Vec::new(),
        })
    }

    /// The next token; after [`Token::Eof`] always `Eof` again.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Token<'a>, ScanError> {
        loop {
            let text = self.text;
            let xml = text.as_bytes();
            let at = self.pos;
            if at >= xml.len() {
                return match self.open.last() {
                    None => Ok(Token::Eof),
                    Some(name) => Err(error(
                        &format!("phần kết thúc khi thẻ <{}> chưa đóng", String::from_utf8_lossy(name)),
                        at,
                    )),
                };
            }
            if xml[at] != b'<' {
                let end = find(b'<', &xml[at..]).map_or(xml.len(), |i| at + i);
                self.pos = end;
                return Ok(Token::Text(&text[at..end]));
            }
            let rest = &xml[at + 1..];
            match rest.first() {
                Some(b'/') => {
                    let close = find(b'>', rest).ok_or_else(|| error("thẻ đóng bị cắt", at))?;
                    let name = rest[1..close].trim_ascii();
                    self.pos = at + 2 + close;
                    match self.open.pop() {
                        Some(open) if same(open, name) => return Ok(Token::End(local(name))),
                        _ => return Err(error("thẻ đóng không khớp thẻ mở", at)),
                    }
                }
                Some(b'?') => {
                    let end = memmem::find(rest, b"?>").ok_or_else(|| error("chỉ thị xử lý bị cắt", at))?;
                    self.pos = at + 1 + end + 2;
                }
                Some(b'!') => {
                    if rest.starts_with(b"!--") {
                        let end = memmem::find(&rest[3..], b"-->").ok_or_else(|| error("chú thích bị cắt", at))?;
                        self.pos = at + 4 + end + 3;
                    } else if rest.starts_with(b"![CDATA[") {
                        let body = at + 9;
                        let end = memmem::find(&xml[body..], b"]]>").ok_or_else(|| error("CDATA bị cắt", at))?;
                        self.pos = body + end + 3;
                        if self.open.is_empty() {
                            return Err(error("dữ liệu nằm ngoài phần tử gốc", at));
                        }
                        return Ok(Token::CData(&text[body..body + end]));
                    } else if rest.starts_with(b"!DOCTYPE") {
                        // Skipped with its internal subset: its entities
                        // are never defined for us, so using one fails.
                        self.pos = at + 1 + doctype_end(rest).ok_or_else(|| error("DOCTYPE bị cắt", at))?;
                    } else {
                        return Err(error("khai báo không hợp lệ", at));
                    }
                }
                Some(_) => {
                    let close = tag_end(rest).ok_or_else(|| error("thẻ bị cắt", at))?;
                    let body = &text[at + 1..at + 1 + close];
                    self.pos = at + 2 + close;
                    let (body, empty) = match body.strip_suffix('/') {
                        Some(b) => (b, true),
                        None => (body, false),
                    };
                    let name_end = body.bytes().position(|b| b.is_ascii_whitespace()).unwrap_or(body.len());
                    let name = &body.as_bytes()[..name_end];
                    if name.is_empty() {
                        return Err(error("thẻ không có tên", at));
                    }
                    let tag = Tag {
                        name,
                        attrs: &body[name_end..],
                    };
                    if empty {
                        return Ok(Token::Empty(tag));
                    }
                    self.open.push(name);
                    return Ok(Token::Start(tag));
                }
                None => return Err(error("thẻ bị cắt", at)),
            }
        }
    }
}

/// Byte equality of two short names, without a call into `memcmp`.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Offset of the `>` that ends a tag, skipping quoted attribute values.
fn tag_end(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        let j = i + s[i..].iter().position(|&b| b == b'>' || b == b'"' || b == b'\'')?;
        match s[j] {
            b'>' => return Some(j),
            quote => i = j + 1 + find(quote, &s[j + 1..])? + 1,
        }
    }
}

/// Offset just past the `>` that ends `!DOCTYPE …`, with its `[…]` subset.
fn doctype_end(s: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, &b) in s.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Appends text as written to `out` with XML's line-end normalisation
/// (`\r\n` and a lone `\r` read as `\n`).
fn push_literal(out: &mut String, text: &str) {
    if !text.contains('\r') {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            chars.next_if_eq(&'\n');
            out.push('\n');
        } else {
            out.push(c);
        }
    }
}

/// Appends raw character data to `out` with entities replaced and line
/// ends normalised. Fails on entities XML does not predefine.
pub fn unescape_into(raw: &str, out: &mut String) -> Result<(), ScanError> {
    // Most values hold neither an entity nor a carriage return.
    if !holds_either(b'&', b'\r', raw.as_bytes()) {
        out.push_str(raw);
        return Ok(());
    }
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        push_literal(out, &rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after
            .find(';')
            .filter(|&i| i <= 32)
            .ok_or_else(|| error("thực thể không kết thúc", 0))?;
        let name = &after[..semi];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| error(&format!("thực thể không được hỗ trợ &{name};"), 0))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    push_literal(out, rest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Result<Vec<String>, ScanError> {
        let mut s = Scanner::new(xml.as_bytes())?;
        let mut out = Vec::new();
        loop {
            let t = s.next()?;
            out.push(match t {
                Token::Start(t) => format!("<{}>", String::from_utf8_lossy(t.local_name())),
                Token::Empty(t) => format!("<{}/>", String::from_utf8_lossy(t.local_name())),
                Token::End(n) => format!("</{}>", String::from_utf8_lossy(n)),
                Token::Text(t) => format!("'{t}'"),
                Token::CData(t) => format!("[{t}]"),
                Token::Eof => break,
            });
        }
        Ok(out)
    }

    #[test]
    fn tokens_of_a_sheet_fragment() {
        let xml = r#"<?xml version="1.0"?><!-- c --><x:row r="1"><x:c r="A1" t='s' a=">"><v>0</v></x:c><c r="B1"/><![CDATA[<b>]]></x:row>"#;
        assert_eq!(
            tokens(xml).unwrap(),
            ["<row>", "<c>", "<v>", "'0'", "</v>", "</c>", "<c/>", "[<b>]", "</row>"]
        );
    }

    #[test]
    fn attributes_with_either_quote_and_spaces() {
        let mut s = Scanner::new(
            br#"<c  r = "A1"
            t='inlineStr' x:s="3" />"#,
        )
        .unwrap();
        let Token::Empty(tag) = s.next().unwrap() else { panic!() };
        assert_eq!(tag.attr(b"r"), Some("A1"));
        assert_eq!(tag.attr(b"t"), Some("inlineStr"));
        assert_eq!(tag.attr(b"s"), Some("3"));
        assert_eq!(tag.attr(b"q"), None);
        let mut s = Scanner::new(br#"<row xmlns:r="urn:x" r="3" xmlns="urn:y"/>"#).unwrap();
        let Token::Empty(tag) = s.next().unwrap() else { panic!() };
        assert_eq!(tag.attr(b"r"), Some("3"));
        assert_eq!(tag.attrs().count(), 1);
    }

    #[test]
    fn broken_parts_are_errors() {
        for xml in [
            "<a><b></a></b>",
            "<a><b>",
            "<a",
            r#"<a x="1>"#,
            "<a><!-- x",
            "<a><![CDATA[x",
            "</a>",
            "<a></b>",
        ] {
            assert!(tokens(xml).is_err(), "{xml}");
        }
    }

    #[test]
    fn doctype_is_skipped_but_its_entities_are_unknown() {
        let xml = r#"<!DOCTYPE s [<!ENTITY l "lol>">]><s>&l;</s>"#;
        let t = tokens(xml).unwrap();
        assert_eq!(t, ["<s>", "'&l;'", "</s>"]);
        let mut out = String::new();
        assert!(unescape_into("&l;", &mut out).is_err());
    }

    #[test]
    fn entities_and_character_references() {
        let mut out = String::new();
        unescape_into("a&lt;b&amp;c&#7899;&#x1EDD;&quot;&apos;&gt;", &mut out).unwrap();
        assert_eq!(out, "a<b&cớờ\"'>");
        let mut out = String::new();
        unescape_into("a\r\nb\rc&#13;d&#0000007899;", &mut out).unwrap();
        assert_eq!(out, "a\nb\nc\rdớ");
        assert!(unescape_into("&#xD800;", &mut String::new()).is_err());
        assert!(unescape_into("a & b", &mut String::new()).is_err());
        assert!(Scanner::new(b"<a>\xff</a>").is_err());
        assert!(tokens("\u{FEFF}<a/>").unwrap() == ["<a/>"]);
    }
}
