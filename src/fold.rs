//! Text folding for matching what members type against what the registry and
//! the framework say: case, diacritics, spacing and Unicode form are ignored.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC form of a text: the only form written to any output.
pub fn nfc(text: &str) -> String {
    // Nearly all text is already NFC: the quick check settles it without
    // decomposing and recomposing every character.
    if is_nfc(text) {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
}

/// Whether `text` is certainly NFC. Vietnamese text settles without
/// tables: the letters below U+0300 (Latin-1, Latin Extended-A/B: ă â đ ê ô
/// ơ ư) and the precomposed letters of Latin Extended Additional (U+1E00 to
/// U+1EFF: ạ ầ ế ộ ữ …) all have the NFC quick-check value Yes and no
/// combining class, as do the general punctuation marks from U+2002 to U+206F
/// (– — ‘ ’ “ ” …). Anything else is left to the full quick check.
fn is_nfc(text: &str) -> bool {
    let common = |c: char| matches!(c as u32, 0..=0x2FF | 0x1E00..=0x1EFF | 0x2002..=0x206F);
    text.is_ascii() || text.chars().all(common) || is_nfc_quick(text.chars()) == IsNormalized::Yes
}

/// Folded key: no diacritics, `đ` as `d`, lower case, dashes unified, runs of
/// whitespace collapsed to one space, trimmed.
/// `"  Sở   Y TẾ "` and NFD `"Sở Y tế"` both fold to `"so y te"`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            return;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            c if c.is_ascii() => out.push(c),
            'đ' | 'Đ' => out.push('d'),
            '–' | '—' | '‐' | '‑' => out.push('-'),
            _ => out.extend(c.to_lowercase()),
        }
    };
    // Decomposing char by char (rather than a full NFD pass, which also
    // reorders marks) is enough: every mark is dropped anyway.
    for c in text.chars() {
        if c.is_ascii() {
            push(c, &mut out);
        } else {
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    push(d, &mut out);
                }
            });
        }
    }
    out
}

/// ASCII slug safe as a file name on Windows: `Sở Y tế` → `so-y-te`.
/// Never empty and never a reserved device name.
pub fn slug(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(80);
    while out.ends_with('-') {
        out.pop();
    }
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1",
        "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if out.is_empty() {
        out.push_str("khong-ten");
    } else if RESERVED.contains(&out.as_str()) {
        out.push_str("-1");
    }
    out
}

/// Text safe inside XML 1.0, the form every writer (xlsx, docx) puts in a
/// file: control characters other than tab, line feed and carriage return,
/// lone surrogates' stand-ins and the non-characters U+FFFE/U+FFFF are
/// invalid there, so each is replaced by a space; the text is also NFC.
/// Writers call this on any text that comes from an input (unit and bloc
/// names, notes, messages quoting cells).
pub fn xml_text(text: &str) -> String {
    text.nfc().map(|c| if xml_char(c) { c } else { ' ' }).collect()
}

/// Whether `c` may appear in an XML 1.0 document.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A worksheet name made from free text (a bloc name): Excel forbids
/// `[ ] : * ? / \`, a leading or trailing `'`, control characters and
/// names over 31 characters; each forbidden character becomes `-`.
/// Returns `fallback` when nothing is left. Uniqueness is the caller's job.
pub fn sheet_name(text: &str, fallback: &str) -> String {
    let cleaned: String = xml_text(text)
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let trimmed: String = cleaned.trim().trim_matches('\'').chars().take(31).collect();
    let trimmed = trimmed.trim().trim_matches('\'').to_string();
    if trimmed.is_empty() {
        fallback.to_string()
    } else {
        trimmed
    }
}

/// File stems handed out once each within one folder: a stem already
/// taken (ignoring case, as Windows does) gets `-2`, `-3`, … so two blocs or
/// units whose names give the same slug never overwrite each other's file.
#[derive(Debug, Default)]
pub struct UniqueStems {
    used: std::collections::BTreeSet<String>,
}

impl UniqueStems {
    /// `stem`, or the first of `stem-2`, `stem-3`, … not handed out yet.
    pub fn claim(&mut self, stem: &str) -> String {
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    stem.to_string()
                } else {
                    format!("{stem}-{n}")
                }
            })
            .find(|n| !self.used.contains(&n.to_lowercase()))
            .unwrap_or_else(|| stem.to_string());
        self.used.insert(name.to_lowercase());
        name
    }
}

/// Levenshtein distance over chars, for suggesting the nearest unit name.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nfc_fast_path_only_admits_characters_nfc_keeps() {
        use unicode_normalization::char::canonical_combining_class;
        let ranges = [0..=0x2FFu32, 0x1E00..=0x1EFF, 0x2002..=0x206F];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let one = c.to_string();
            assert_eq!(is_nfc_quick(one.chars()), IsNormalized::Yes, "U+{:04X}", c as u32);
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
            assert!(is_nfc(&one));
        }
        // NFD Vietnamese and the singletons just outside the ranges go the slow way.
        assert_eq!(nfc("Sơ\u{300} Y tê\u{301}"), "Sờ Y tế");
        assert_eq!(nfc("\u{2000}"), "\u{2002}");
    }

    #[test]
    fn fold_ignores_case_marks_spacing_and_form() {
        let nfd: String = "Sở Y tế".nfd().collect();
        assert_eq!(fold("  Sở   Y TẾ "), "so y te");
        assert_eq!(fold(&nfd), "so y te");
        assert_eq!(fold("Điểm tự chấm"), "diem tu cham");
        assert_eq!(fold("Văn hóa – Thể thao"), "van hoa - the thao");
    }

    #[test]
    fn slug_is_safe_ascii() {
        assert_eq!(slug("Sở Y tế"), "so-y-te");
        assert_eq!(
            slug("Khối thi đua các cơ quan Nội chính"),
            "khoi-thi-dua-cac-co-quan-noi-chinh"
        );
        assert_eq!(slug("CON"), "con-1");
        assert_eq!(slug("../<>"), "khong-ten");
        assert_eq!(slug("=A1/\"x\""), "a1-x");
    }

    #[test]
    fn slug_of_hostile_names_is_safe() {
        for name in [
            "CON",
            "con.txt",
            "Nul",
            "COM1",
            "lpt9",
            "=HYPERLINK(\"x\")",
            "a/b\\c",
            "\u{1}\u{7}",
            "..",
            "<>&\"'",
            " ",
        ] {
            let s = slug(name);
            assert!(!s.is_empty(), "{name:?}");
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{name:?} -> {s}"
            );
            assert!(!s.starts_with('-') && !s.ends_with('-'), "{name:?} -> {s}");
            assert!(
                !["con", "prn", "aux", "nul", "com1", "lpt9"].contains(&s.as_str()),
                "{name:?} -> {s}"
            );
        }
        assert!(slug(&"Sở Y tế ".repeat(40)).len() <= 80);
    }

    #[test]
    fn xml_text_replaces_invalid_characters() {
        assert_eq!(xml_text("A\u{1}B\u{1f}C\tD\nE"), "A B C\tD\nE");
        assert_eq!(xml_text("x\u{FFFE}y\u{FFFF}"), "x y ");
        assert_eq!(xml_text("<&>\"'"), "<&>\"'");
        let nfd: String = "Sở".nfd().collect();
        assert_eq!(xml_text(&nfd), "Sở");
        assert!(xml_text("\u{0}\u{8}\u{b}\u{c}\u{e}").chars().all(xml_char));
    }

    #[test]
    fn sheet_names_are_valid_for_excel() {
        assert_eq!(sheet_name("Khối A/B: [x]*?", "Khối"), "Khối A-B- -x---");
        assert_eq!(sheet_name("'quoted'", "Khối"), "quoted");
        assert_eq!(sheet_name("\u{1}", "Khối 1"), "Khối 1");
        assert_eq!(sheet_name(&"a".repeat(40), "x").chars().count(), 31);
    }

    #[test]
    fn unique_stems_never_repeat() {
        let mut stems = UniqueStems::default();
        assert_eq!(stems.claim(&slug("Sở Y tế")), "so-y-te");
        assert_eq!(stems.claim(&slug("SỞ Y TẾ")), "so-y-te-2");
        assert_eq!(stems.claim("so-y-te"), "so-y-te-3");
        assert_eq!(stems.claim("so-noi-vu"), "so-noi-vu");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("so y te", "so y te"), 0);
        assert_eq!(distance("so y te", "so y tee"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}
