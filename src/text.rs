//! Text as thidua compares it: what members type is matched against what the
//! registry and the framework say, ignoring case, diacritics, spacing and
//! Unicode form; NFC is the only form written to any output.

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
    // reorders marks) is enough: every mark is dropped anyway. The
    // precomposed Vietnamese letters fold to one ASCII letter, looked up.
    let letters = folded_letters();
    for c in text.chars() {
        if c.is_ascii() {
            push(c, &mut out);
        } else if let Some(&b) = letter_slot(c).and_then(|i| letters.get(i)).filter(|&&b| b != 0) {
            push(char::from(b), &mut out);
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

/// The one ASCII byte [`fold`] makes of `c` (`Ấ` → `a`, `T` → `t`), for
/// the letters it looks up; `None` for whitespace and the rest.
pub fn fold_letter(c: char) -> Option<u8> {
    match c {
        'A'..='Z' => Some(c.to_ascii_lowercase() as u8),
        c if c.is_ascii_graphic() => Some(c as u8),
        c => letter_slot(c)
            .and_then(|i| folded_letters().get(i).copied())
            .filter(|&b| b != 0),
    }
}

/// One character as [`fold`] spells it, before spacing: decomposed, marks
/// dropped, lower case.
fn fold_char(c: char, push: &mut impl FnMut(char)) {
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            match d {
                'A'..='Z' => push(d.to_ascii_lowercase()),
                d if d.is_ascii() => push(d),
                'đ' | 'Đ' => push('d'),
                '–' | '—' | '‐' | '‑' => push('-'),
                _ => d.to_lowercase().for_each(&mut *push),
            }
        }
    });
}

/// Where a character of Latin-1, Latin Extended-A/B or Latin Extended
/// Additional (every Vietnamese letter) stands in [`folded_letters`].
fn letter_slot(c: char) -> Option<usize> {
    match c as u32 {
        n @ 0x80..=0x24F => Some(n as usize - 0x80),
        n @ 0x1E00..=0x1EFF => Some(n as usize - 0x1E00 + 0x1D0),
        _ => None,
    }
}

/// Each character of [`letter_slot`]'s ranges that [`fold_char`] turns into
/// one printable ASCII character, as that byte (`ấ` → `a`, `Đ` → `d`);
/// 0 for the others, which take the slow way. Built from `fold_char`
/// itself, so the two cannot disagree.
fn folded_letters() -> &'static [u8; 0x2D0] {
    static TABLE: std::sync::OnceLock<[u8; 0x2D0]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [0u8; 0x2D0];
        for n in (0x80..=0x24F).chain(0x1E00..=0x1EFF) {
            let Some(c) = char::from_u32(n) else { continue };
            let mut got = String::new();
            fold_char(c, &mut |d| got.push(d));
            if let ([b], Some(i)) = (got.as_bytes(), letter_slot(c)) {
                if b.is_ascii_graphic() {
                    table[i] = *b;
                }
            }
        }
        table
    })
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

/// The stem of a file named by a path relative to the working folder
/// (`nop/khoi/so-y-te.xlsx` → `so-y-te`), whichever separator it uses.
pub fn file_stem(rel: &str) -> &str {
    let name = rel.rsplit(['/', '\\']).next().unwrap_or(rel);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    }
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
    fn the_letter_table_folds_as_decomposing_does() {
        let slow = |c: char| {
            let mut out = String::new();
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            });
            out
        };
        for n in (0x80..=0x24F).chain(0x1E00..=0x1EFF) {
            let Some(c) = char::from_u32(n) else { continue };
            let looked_up = fold(&format!("x{c}x"));
            let decomposed = fold(&format!("x{}x", slow(c)));
            assert_eq!(looked_up, decomposed, "U+{n:04X}");
        }
        assert_eq!(fold("ĐẠI HỘI Ấp Ưu"), "dai hoi ap uu");
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
    fn distance_counts_edits() {
        assert_eq!(distance("so y te", "so y te"), 0);
        assert_eq!(distance("so y te", "so y tee"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
    #[test]
    fn file_stem_drops_folders_and_extension() {
        assert_eq!(file_stem("nop/khoi/so-y-te.xlsx"), "so-y-te");
        assert_eq!(file_stem("nop\\so.tai.chinh.xls"), "so.tai.chinh");
        assert_eq!(file_stem(".xlsx"), ".xlsx");
        assert_eq!(file_stem("README"), "README");
    }
}
