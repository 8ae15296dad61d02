//! Names of output files: ASCII slugs safe on Windows, handed out once each
//! within a folder.

use crate::text::fold;

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

/// File stem of a unit's output: the slug of its name and its code, so two
/// units with the same name never share a file.
pub fn unit_file_stem(name: &str, code: &str) -> String {
    format!("{}-{}", slug(name), slug(code))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn unique_stems_never_repeat() {
        let mut stems = UniqueStems::default();
        assert_eq!(stems.claim(&slug("Sở Y tế")), "so-y-te");
        assert_eq!(stems.claim(&slug("SỞ Y TẾ")), "so-y-te-2");
        assert_eq!(stems.claim("so-y-te"), "so-y-te-3");
        assert_eq!(stems.claim("so-noi-vu"), "so-noi-vu");
    }
}
