//! Vietnamese text typed in the pre-Unicode encodings that old office
//! machines still use: TCVN3 (TCVN 5712:1993 VN3, fonts `.VnTime`, `.VnArial`…)
//! and VNI Windows (fonts `VNI-Times`, `VNI-Helve`…).
//!
//! Excel stores such text as Latin-1 letters, so "Bình" typed in `.VnTime`
//! arrives as `B×nh` and "chào" typed in `VNI-Times` as `chaøo`. This module
//! recognises those texts (by the cell's font when known, else by characters
//! that Vietnamese Unicode text never contains) and converts them.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A legacy Vietnamese encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legacy {
    Tcvn3,
    Vni,
}

impl Legacy {
    /// The name users know it by.
    pub fn label(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3 (ABC)",
            Legacy::Vni => "VNI",
        }
    }
}

/// The encoding a font name implies: `.VnTime`, `.VnTimeH`, `.VnArial` →
/// TCVN3; `VNI-Times`, `VNI-Helve` → VNI. Also whether the font is an
/// all-capitals TCVN3 face (`…H`), whose lower-case codes show as capitals.
pub fn font_encoding(name: &str) -> Option<(Legacy, bool)> {
    let name = name.trim();
    // Compared as bytes: a font named in Chinese or Korean (宋体, 맑은 고딕)
    // has no character boundary at 3 or 4.
    let starts = |prefix: &str| {
        name.len() > prefix.len() && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    if starts(".vn") {
        let caps = name.ends_with('H');
        Some((Legacy::Tcvn3, caps))
    } else if starts("vni-") {
        Some((Legacy::Vni, false))
    } else {
        None
    }
}

/// TCVN3 (VN3) code points above 0xA0 and the letters they stand for.
/// Codes not listed (0xAF–0xB4, 0xBA, 0xBF–0xC5, 0xCD, 0xD9–0xDB, 0xE0,
/// 0xF0, 0xFF) are unassigned in VN3 and left as they are.
const TCVN3: &[(u8, char)] = &[
    (0xA1, 'Ă'),
    (0xA2, 'Â'),
    (0xA3, 'Ê'),
    (0xA4, 'Ô'),
    (0xA5, 'Ơ'),
    (0xA6, 'Ư'),
    (0xA7, 'Đ'),
    (0xA8, 'ă'),
    (0xA9, 'â'),
    (0xAA, 'ê'),
    (0xAB, 'ô'),
    (0xAC, 'ơ'),
    (0xAD, 'ư'),
    (0xAE, 'đ'),
    (0xB5, 'à'),
    (0xB6, 'ả'),
    (0xB7, 'ã'),
    (0xB8, 'á'),
    (0xB9, 'ạ'),
    (0xBB, 'ằ'),
    (0xBC, 'ẳ'),
    (0xBD, 'ẵ'),
    (0xBE, 'ắ'),
    (0xC6, 'ặ'),
    (0xC7, 'ầ'),
    (0xC8, 'ẩ'),
    (0xC9, 'ẫ'),
    (0xCA, 'ấ'),
    (0xCB, 'ậ'),
    (0xCC, 'è'),
    (0xCE, 'ẻ'),
    (0xCF, 'ẽ'),
    (0xD0, 'é'),
    (0xD1, 'ẹ'),
    (0xD2, 'ề'),
    (0xD3, 'ể'),
    (0xD4, 'ễ'),
    (0xD5, 'ế'),
    (0xD6, 'ệ'),
    (0xD7, 'ì'),
    (0xD8, 'ỉ'),
    (0xDC, 'ĩ'),
    (0xDD, 'í'),
    (0xDE, 'ị'),
    (0xDF, 'ò'),
    (0xE1, 'ỏ'),
    (0xE2, 'õ'),
    (0xE3, 'ó'),
    (0xE4, 'ọ'),
    (0xE5, 'ồ'),
    (0xE6, 'ổ'),
    (0xE7, 'ỗ'),
    (0xE8, 'ố'),
    (0xE9, 'ộ'),
    (0xEA, 'ờ'),
    (0xEB, 'ở'),
    (0xEC, 'ỡ'),
    (0xED, 'ớ'),
    (0xEE, 'ợ'),
    (0xEF, 'ù'),
    (0xF1, 'ủ'),
    (0xF2, 'ũ'),
    (0xF3, 'ú'),
    (0xF4, 'ụ'),
    (0xF5, 'ừ'),
    (0xF6, 'ử'),
    (0xF7, 'ữ'),
    (0xF8, 'ứ'),
    (0xF9, 'ự'),
    (0xFA, 'ỳ'),
    (0xFB, 'ỷ'),
    (0xFC, 'ỹ'),
    (0xFD, 'ý'),
    (0xFE, 'ỵ'),
];

/// VNI spells each toned vowel as a base letter and a mark letter. Rows:
/// the vowels a â ă e ê o ô ơ u ư i y; columns: no tone, sắc, huyền, hỏi,
/// ngã, nặng. (`ơ`, `ư` and some toned `i`, `y` are single letters.)
const VNI_LOWER: [[&str; 6]; 12] = [
    ["a", "aù", "aø", "aû", "aõ", "aï"],
    ["aâ", "aá", "aà", "aå", "aã", "aä"],
    ["aê", "aé", "aè", "aú", "aü", "aë"],
    ["e", "eù", "eø", "eû", "eõ", "eï"],
    ["eâ", "eá", "eà", "eå", "eã", "eä"],
    ["o", "où", "oø", "oû", "oõ", "oï"],
    ["oâ", "oá", "oà", "oå", "oã", "oä"],
    ["ô", "ôù", "ôø", "ôû", "ôõ", "ôï"],
    ["u", "uù", "uø", "uû", "uõ", "uï"],
    ["ö", "öù", "öø", "öû", "öõ", "öï"],
    ["i", "í", "ì", "æ", "ó", "ò"],
    ["y", "yù", "yø", "yû", "yõ", "î"],
];

/// The Unicode vowels of the rows of [`VNI_LOWER`].
const VOWELS: [char; 12] = ['a', 'â', 'ă', 'e', 'ê', 'o', 'ô', 'ơ', 'u', 'ư', 'i', 'y'];

/// Combining tone marks of the columns of [`VNI_LOWER`] (none first).
const TONES: [Option<char>; 6] = [
    None,
    Some('\u{301}'),
    Some('\u{300}'),
    Some('\u{309}'),
    Some('\u{303}'),
    Some('\u{323}'),
];

/// VNI sequences (one or two letters) to Unicode letters, both cases.
struct VniTable {
    pairs: HashMap<(char, char), char>,
    singles: HashMap<char, char>,
}

fn vni_table() -> &'static VniTable {
    static TABLE: OnceLock<VniTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        use unicode_normalization::UnicodeNormalization;
        let mut table = VniTable {
            pairs: HashMap::new(),
            singles: HashMap::new(),
        };
        for (row, vowel) in VNI_LOWER.iter().zip(VOWELS) {
            for (spelling, tone) in row.iter().zip(TONES) {
                let mut unicode = String::from(vowel);
                unicode.extend(tone);
                let lower: char = unicode.nfc().next().unwrap_or(vowel);
                let upper = lower.to_uppercase().next().unwrap_or(lower);
                let chars: Vec<char> = spelling.chars().collect();
                let up: Vec<char> = spelling.to_uppercase().chars().collect();
                match (chars.as_slice(), up.as_slice()) {
                    ([a, b], [ua, ub]) => {
                        table.pairs.insert((*a, *b), lower);
                        table.pairs.insert((*ua, *ub), upper);
                    }
                    ([a], [ua]) if *a != lower => {
                        table.singles.insert(*a, lower);
                        table.singles.insert(*ua, upper);
                    }
                    _ => {}
                }
            }
        }
        table.singles.insert('ñ', 'đ');
        table.singles.insert('Ñ', 'Đ');
        table
    })
}

/// Converts legacy text to Unicode (NFC). `caps` is set for all-capitals
/// TCVN3 fonts, whose text is stored in lower-case codes.
pub fn convert(text: &str, encoding: Legacy, caps: bool) -> String {
    let out = match encoding {
        Legacy::Tcvn3 => text.chars().map(tcvn3_char).collect::<String>(),
        Legacy::Vni => convert_vni(text),
    };
    if caps {
        out.to_uppercase()
    } else {
        out
    }
}

fn tcvn3_char(c: char) -> char {
    let code = c as u32;
    if !(0xA1..=0xFF).contains(&code) {
        return c;
    }
    TCVN3
        .binary_search_by_key(&(code as u8), |(b, _)| *b)
        .map(|i| TCVN3[i].1)
        .unwrap_or(c)
}

fn convert_vni(text: &str) -> String {
    let table = vni_table();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(&next) = chars.peek() {
            let pair = table.pairs.get(&(c, next)).copied().or_else(|| {
                // An upper-case vowel with a lower-case mark.
                let lower_next = next.to_lowercase().next()?;
                let base = c.to_lowercase().next()?;
                let hit = table.pairs.get(&(base, lower_next))?;
                Some(if c.is_uppercase() {
                    hit.to_uppercase().next().unwrap_or(*hit)
                } else {
                    *hit
                })
            });
            if let Some(u) = pair {
                out.push(u);
                chars.next();
                continue;
            }
        }
        out.push(table.singles.get(&c).copied().unwrap_or(c));
    }
    out
}

/// Letters of Vietnamese Unicode text: any of them proves a text is not legacy.
fn is_vietnamese_unicode(c: char) -> bool {
    matches!(
        c as u32,
        0x0102 | 0x0103 | 0x0110 | 0x0111 | 0x0128 | 0x0129 | 0x0168 | 0x0169 | 0x01A0 | 0x01A1 | 0x01AF | 0x01B0
            | 0x0300..=0x0323
            | 0x1EA0..=0x1EF9
    )
}

/// Whether a text holds letters only Vietnamese Unicode has (`ơ`, `đ`, `ế`…).
pub fn is_unicode_vietnamese(text: &str) -> bool {
    text.chars().any(is_vietnamese_unicode)
}

/// Latin-1 letters that Vietnamese Unicode text uses too.
fn is_shared_latin1(c: char) -> bool {
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý".contains(c)
}

/// Characters of TCVN3 text that neither VNI nor Vietnamese Unicode uses.
fn is_tcvn3_only(c: char) -> bool {
    matches!(c as u32, 0xA1..=0xAE | 0xB5..=0xB9 | 0xBB..=0xBE | 0xC7 | 0xD7 | 0xD0 | 0xDE | 0xDF | 0xE7 | 0xF7 | 0xFE)
}

/// How much a text looks like each legacy encoding: (TCVN3, VNI) evidence.
/// Zero for both when the text is ASCII or Unicode Vietnamese.
pub fn evidence(text: &str) -> (u32, u32) {
    if text.is_ascii() || text.chars().any(is_vietnamese_unicode) {
        return (0, 0);
    }
    let table = vni_table();
    let (mut tcvn, mut vni) = (0u32, 0u32);
    let mut prev = ' ';
    for c in text.chars() {
        let code = c as u32;
        if (0xA1..=0xFF).contains(&code) && !is_shared_latin1(c) {
            if tcvn3_char(c) != c {
                tcvn += 1 + u32::from(is_tcvn3_only(c));
            }
            if table.singles.contains_key(&c) && c != 'ô' && c != 'Ô' {
                vni += 1;
            }
        }
        if table.pairs.contains_key(&(prev, c)) {
            vni += 2;
        }
        prev = c;
    }
    (tcvn, vni)
}

/// The encoding the evidence of a whole sheet points to, if it is strong
/// enough (a stray `×` in `2×3` is not).
pub fn decide(tcvn: u32, vni: u32) -> Option<Legacy> {
    const THRESHOLD: u32 = 3;
    if tcvn.max(vni) < THRESHOLD {
        None
    } else if tcvn >= vni {
        Some(Legacy::Tcvn3)
    } else {
        Some(Legacy::Vni)
    }
}

/// Whether one text of a sheet judged `encoding` should be converted: it
/// shows evidence of that encoding itself (text in a legacy font is
/// converted whatever it holds).
pub fn should_convert(text: &str, encoding: Legacy) -> bool {
    let (tcvn, vni) = evidence(text);
    match encoding {
        Legacy::Tcvn3 => tcvn > 0,
        Legacy::Vni => vni > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_names_in_any_script_are_classified_without_panicking() {
        assert_eq!(font_encoding(".VnTimeH"), Some((Legacy::Tcvn3, true)));
        assert_eq!(font_encoding("VNI-Times"), Some((Legacy::Vni, false)));
        for name in ["宋体", "等线", "ＭＳ Ｐゴシック", "맑은 고딕", "Calibri", "ạ", ""] {
            assert_eq!(font_encoding(name), None, "{name}");
        }
    }

    #[test]
    fn tcvn3_words_convert() {
        assert_eq!(convert("Ninh B×nh", Legacy::Tcvn3, false), "Ninh Bình");
        assert_eq!(convert("B¶o Th¾ng", Legacy::Tcvn3, false), "Bảo Thắng");
        assert_eq!(
            convert("M\u{AD}êng Kh\u{AD}\u{AC}ng", Legacy::Tcvn3, false),
            "Mường Khương"
        );
        assert_eq!(convert("§iÓm tù chÊm", Legacy::Tcvn3, false), "Điểm tự chấm");
        assert_eq!(convert("®iÓm tù chÊm", Legacy::Tcvn3, true), "ĐIỂM TỰ CHẤM");
        assert_eq!(convert("Së Y tÕ", Legacy::Tcvn3, false), "Sở Y tế");
    }

    #[test]
    fn tcvn3_table_is_sorted_and_injective() {
        assert!(TCVN3.windows(2).all(|w| w[0].0 < w[1].0));
        let mut letters: Vec<char> = TCVN3.iter().map(|(_, c)| *c).collect();
        letters.sort_unstable();
        letters.dedup();
        assert_eq!(letters.len(), TCVN3.len());
    }

    #[test]
    fn vni_words_convert() {
        assert_eq!(convert("chaøo", Legacy::Vni, false), "chào");
        assert_eq!(convert("Ñieåm töï chaám", Legacy::Vni, false), "Điểm tự chấm");
        assert_eq!(convert("ÑIEÅM TÖÏ CHAÁM", Legacy::Vni, false), "ĐIỂM TỰ CHẤM");
        assert_eq!(convert("Sôû Y teá", Legacy::Vni, false), "Sở Y tế");
        assert_eq!(convert("nöôùc", Legacy::Vni, false), "nước");
        assert_eq!(convert("thaéng lôïi", Legacy::Vni, false), "thắng lợi");
        assert_eq!(convert("Vieät Nam", Legacy::Vni, false), "Việt Nam");
        assert_eq!(convert("kyû luaät", Legacy::Vni, false), "kỷ luật");
    }

    #[test]
    fn vni_table_covers_every_toned_vowel() {
        let t = vni_table();
        // 12 vowels × 6 tones, minus single-letter spellings, both cases.
        assert_eq!(t.pairs.len(), 2 * 58);
        assert_eq!(t.singles.get(&'ô'), Some(&'ơ'));
        assert_eq!(t.singles.get(&'Ö'), Some(&'Ư'));
    }

    #[test]
    fn unicode_and_ascii_text_shows_no_evidence() {
        assert_eq!(evidence("Điểm tự chấm"), (0, 0));
        assert_eq!(evidence("Mã"), (0, 0));
        assert_eq!(evidence("I.1"), (0, 0));
        assert_eq!(decide(1, 0), None);
        assert_eq!(decide(evidence("Ninh B×nh, Hoµ B×nh").0, 0), Some(Legacy::Tcvn3));
        let (t, v) = evidence("Ñieåm töï chaám cuûa ñôn vò");
        assert_eq!(decide(t, v), Some(Legacy::Vni));
        let (t, v) = evidence("Tæng ®iÓm tù chÊm cña ®¬n vÞ");
        assert_eq!(decide(t, v), Some(Legacy::Tcvn3));
    }

    #[test]
    fn fonts_name_their_encoding() {
        assert_eq!(font_encoding(".VnTime"), Some((Legacy::Tcvn3, false)));
        assert_eq!(font_encoding(".VnTimeH"), Some((Legacy::Tcvn3, true)));
        assert_eq!(font_encoding("VNI-Times"), Some((Legacy::Vni, false)));
        assert_eq!(font_encoding("Times New Roman"), None);
    }
}
