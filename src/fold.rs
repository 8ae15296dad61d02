//! Text folding for matching what members type against what the registry and
//! the framework say: case, diacritics, spacing and Unicode form are ignored.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC form of a text: the only form written to any output.
pub fn nfc(text: &str) -> String {
    // Nearly all text is already NFC: the quick check settles it without
    // decomposing and recomposing every character.
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
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
    fn distance_counts_edits() {
        assert_eq!(distance("so y te", "so y te"), 0);
        assert_eq!(distance("so y te", "so y tee"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}
