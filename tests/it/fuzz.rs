//! Fuzzing harness (proptest-driven) over the two places that take text
//! from outside: members' workbooks (read → validate, exactly as the
//! pipeline runs them, [`thidua::pipeline::evaluate_bytes`]) and
//! `thidua.toml` ([`Settings::parse`]).
//!
//! Mutations are structure-aware: a workbook is a zip of XML parts, so most
//! cases unzip a valid form, damage one part (flip, cut, repeat, or insert
//! tokens a hostile or broken file might hold) and zip it again, so the
//! damage reaches the XML and table readers instead of stopping at the zip
//! checksum; the rest damage the raw bytes (the only way into .xls).
//!
//! `cargo test --test fuzz` runs a short session. A long one:
//! `THIDUA_FUZZ_CASES=20000 cargo test --test it fuzz -- --nocapture`.
//! A case that fails is shrunk by proptest and printed; it becomes a
//! regression test below, named after the bug.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::common::{rezip, unzip};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

use thidua::app;
use thidua::calendar::Date;
use thidua::model::Severity;
use thidua::pipeline::evaluate_bytes;
use thidua::read;
use thidua::settings::Settings;
use thidua::validate::{validate, Expected, Validated};
use thidua::workspace::Workspace;
use thidua::write::forms::{form_workbook, FormSpec};

const DATE: Date = Date {
    year: 2026,
    month: 12,
    day: 5,
};

/// Cases per property: `THIDUA_FUZZ_CASES`, else a short session for CI.
fn cases(default: u32) -> u32 {
    std::env::var("THIDUA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(default: u32) -> Config {
    Config {
        cases: cases(default),
        failure_persistence: None,
        ..Config::default()
    }
}

/// The sample working folder, loaded once.
fn workspace() -> &'static Workspace {
    static WS: OnceLock<(tempfile::TempDir, Workspace)> = OnceLock::new();
    &WS.get_or_init(|| {
        let tmp = crate::common::tempdir();
        let dir = tmp.path().join("vi-du");
        app::init(&dir, true, DATE).expect("init sample");
        let ws = Workspace::load(&dir, None).expect("load sample");
        (tmp, ws)
    })
    .1
}

fn context(ws: &Workspace) -> Expected<'_> {
    Expected {
        registry: &ws.registry,
        frameworks: &ws.frameworks,
        year: ws.settings.year,
    }
}

/// Valid workbooks to start from: a filled and a blank generated form, and
/// the filled form as LibreOffice saves it in .ods and .xls.
fn seeds() -> &'static [(&'static str, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let ws = workspace();
        let bloc = &ws.registry.blocs[0];
        let unit = &bloc.units[0];
        let framework = ws.frameworks.of(0);
        let filled = thidua::sample::scores(framework, &unit.code, thidua::sample::strength(0), ws.settings.year);
        let spec = |filled| FormSpec {
            bloc: &bloc.name,
            unit_code: &unit.code,
            unit_name: &unit.name,
            year: ws.settings.year,
            date: DATE,
            framework,
            filled,
        };
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
        vec![
            ("filled.xlsx", form_workbook(&spec(Some(&filled))).unwrap()),
            ("blank.xlsx", form_workbook(&spec(None)).unwrap()),
            (
                "libreoffice.ods",
                std::fs::read(fixtures.join("form-libreoffice.ods")).unwrap(),
            ),
            (
                "libreoffice.xls",
                std::fs::read(fixtures.join("form-libreoffice.xls")).unwrap(),
            ),
        ]
    })
}

/// Text a broken or hostile workbook might hold, inserted into XML parts.
const XML_TOKENS: &[&str] = &[
    "<",
    ">",
    "\"",
    "&",
    "&#0;",
    "&#x1;",
    "&amp;",
    "&unknown;",
    "_x0001_",
    "]]>",
    "<![CDATA[",
    "<!--",
    "<c r=\"A1\" t=\"s\"><v>999999</v></c>",
    "<c r=\"B2\" t=\"e\"><v>#REF!</v></c>",
    "<c r=\"C3\" t=\"str\"><f>1/0</f></c>",
    "<c r=\"D7\"><v>1e308</v></c>",
    "<c r=\"D7\"><v>-0</v></c>",
    "<c r=\"D7\"><v>NaN</v></c>",
    "<c r=\"D7\" t=\"inlineStr\"><is><t>8,5</t></is></c>",
    "<c r=\"D7\" t=\"b\"><v>1</v></c>",
    "<c r=\"D7\" t=\"d\"><v>2026-13-45</v></c>",
    "<c r=\"A0\"><v>1</v></c>",
    "<c r=\"ZZ99\"><v>1</v></c>",
    "<c><v>1</v></c>",
    "<row r=\"0\">",
    "<row r=\"4294967296\">",
    "</row>",
    "</sheetData>",
    "<mergeCell ref=\"A1:E2\"/>",
    "<mergeCell ref=\"B1:A1\"/>",
    "<si><t>Mã</t></si>",
    "<si></si>",
    "<sheet name=\"\" sheetId=\"9\" r:id=\"rId99\"/>",
    "<definedName name=\"_xlnm.Print_Area\">#REF!</definedName>",
    // .ods: what the walk before calamine reads (hidden rows and columns,
    // percentages, formulas with no value type).
    "<table:table-row table:number-rows-repeated=\"1048576\" table:visibility=\"collapse\">",
    "<table:table-column table:number-columns-repeated=\"16384\" table:visibility=\"collapse\"/>",
    "<table:table-cell office:value-type=\"percentage\" office:value=\"0.07\" table:number-columns-repeated=\"9\"/>",
    "<table:table-cell table:formula=\"of:=1\"><text:p/></table:table-cell>",
    " table:visibility=\"filter\"",
    "<table:table table:name=\"Sheet1\">",
    "\u{FEFF}",
    "\u{FFFF}",
    "Ð",
    "9",
    "-1",
    "",
];

#[derive(Clone, Debug)]
enum Edit {
    Flip(Index, u8),
    Cut(Index),
    Delete(Index, u16),
    Repeat(Index, u16),
    Insert(Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        1 => any::<Index>().prop_map(Edit::Cut),
        2 => (any::<Index>(), 1..400u16).prop_map(|(i, n)| Edit::Delete(i, n)),
        2 => (any::<Index>(), 1..400u16).prop_map(|(i, n)| Edit::Repeat(i, n)),
        4 => (any::<Index>(), 0..XML_TOKENS.len()).prop_map(|(i, t)| Edit::Insert(i, t)),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    let at = |i: &Index| i.index(bytes.len());
    match edit {
        Edit::Flip(i, b) => {
            let p = at(i);
            bytes[p] ^= b.max(&1);
        }
        Edit::Cut(i) => bytes.truncate(at(i)),
        Edit::Delete(i, n) => {
            let p = at(i);
            let end = (p + *n as usize).min(bytes.len());
            bytes.drain(p..end);
        }
        Edit::Repeat(i, n) => {
            let p = at(i);
            let end = (p + *n as usize).min(bytes.len());
            let copy = bytes[p..end].to_vec();
            bytes.splice(p..p, copy);
        }
        Edit::Insert(i, t) => {
            let p = at(i);
            bytes.splice(p..p, XML_TOKENS[*t].bytes());
        }
    }
}

/// A damaged workbook: `part` picks the zip part to damage (raw bytes when
/// the seed is not a zip or `raw` is set).
fn damaged(seed: usize, raw: bool, part: Index, edits: &[Edit]) -> Vec<u8> {
    let bytes = &seeds()[seed].1;
    match unzip(bytes).filter(|_| !raw) {
        Some(mut parts) => {
            let p = part.index(parts.len());
            for e in edits {
                apply(&mut parts[p].1, e);
            }
            rezip(&parts)
        }
        None => {
            let mut bytes = bytes.clone();
            for e in edits {
                apply(&mut bytes, e);
            }
            bytes
        }
    }
}

/// Panics found by fuzzing inside calamine, a dependency, each pinned by a
/// regression test below. The pipeline's `catch_unwind` turns a panic in
/// calamine into `file.unreadable`, so the harness lets any calamine panic
/// pass (printing each new place once) and keeps looking for panics in our
/// own code, which fail the run. (file, line) of each panic.
const KNOWN_CALAMINE_PANICS: &[(&str, u32)] = &[
    // Truncated .xls: a sector read past the end slices start > end.
    ("calamine-0.38.0/src/cfb.rs", 320),
    // .xls cut inside its header: `to_u32` asserts a length multiple of 4.
    ("calamine-0.38.0/src/utils.rs", 29),
    // .xls with one damaged record length: a slice past the record's end.
    ("calamine-0.38.0/src/xls.rs", 633),
    // .xls with one damaged byte: a subtraction overflows (debug builds;
    // release builds wrap silently).
    ("calamine-0.38.0/src/xls.rs", 987),
    // .xls with one damaged formula record: its token length runs past the
    // record (`rgce[2..2 + cce]`).
    ("calamine-0.38.0/src/xls.rs", 1531),
    // .xls with one damaged record: a two-byte field read from fewer bytes
    // (`read_u16`).
    ("calamine-0.38.0/src/utils.rs", 48),
];

/// Calamine panic places seen in this session.
static SEEN: std::sync::Mutex<std::collections::BTreeSet<(String, u32)>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static LAST_PANIC: std::cell::RefCell<Option<(String, u32, String)>> = const { std::cell::RefCell::new(None) };
}

/// Records where a panic happened; silent while fuzzing (a caught panic
/// would otherwise print thousands of backtraces).
fn install_panic_hook() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let (file, line) = info
                .location()
                .map(|l| (l.file().replace('\\', "/"), l.line()))
                .unwrap_or_default();
            let message = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some((file, line, message)));
            if !QUIET.with(|q| q.get()) {
                default(info);
            }
        }));
    });
}

/// Runs `f`, returning `Err((file, line, message))` if it panicked.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, (String, u32, String)> {
    install_panic_hook();
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|_| LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default())
}

/// Whether a panic happened inside calamine; prints each new place once.
fn in_calamine(file: &str, line: u32, message: &str) -> bool {
    if !file.contains("/calamine-") {
        return false;
    }
    let known = KNOWN_CALAMINE_PANICS
        .iter()
        .any(|(f, l)| file.ends_with(f) && line == *l);
    if SEEN.lock().unwrap().insert((file.to_string(), line)) {
        let tag = if known { "known" } else { "NEW" };
        eprintln!("fuzz: {tag} calamine panic at {file}:{line}: {message}");
    }
    true
}

/// What must hold for any input: reading and validating never panic (the
/// pipeline would turn a panic into `file.unreadable`, but a panic is
/// still a bug, and an abort or overflow would not be caught) except the
/// known ones in calamine, and the result is coherent.
fn check_workbook(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let ws = workspace();
    let ctx = context(ws);
    let strict = guarded(|| match read::open(bytes.clone(), &ws.settings.limits) {
        Ok(book) => Some(validate("nop/fuzz.xlsx", book, &ctx)),
        Err(_) => None,
    });
    let strict = match strict {
        Ok(v) => v,
        Err((file, line, message)) if in_calamine(&file, line, &message) => None,
        Err((file, line, message)) => {
            return Err(TestCaseError::fail(format!("panicked at {file}:{line}: {message}")));
        }
    };
    // The pipeline's own path: its catch_unwind must hold every panic.
    let v = guarded(|| evaluate_bytes("nop/fuzz.xlsx", bytes, &ctx, &ws.settings.limits))
        .map_err(|(f, l, m)| TestCaseError::fail(format!("the pipeline let a panic out at {f}:{l}: {m}")))?;
    coherent(&v)?;
    if let Some(s) = strict {
        coherent(&s)?;
    }
    Ok(())
}

fn coherent(v: &Validated) -> Result<(), TestCaseError> {
    let errors = v.issues.iter().any(|i| i.severity == Severity::Error);
    prop_assert!(v.card.is_some() || errors, "no scorecard and no error: {:?}", v.issues);
    prop_assert!(v.card.is_none() || v.unit.is_some(), "a scorecard without a unit");
    for issue in &v.issues {
        prop_assert!(!issue.message.trim().is_empty(), "empty message: {issue:?}");
        prop_assert_eq!(issue.file.as_deref(), Some("nop/fuzz.xlsx"));
    }
    Ok(())
}

#[test]
fn seeds_are_accepted_unharmed() {
    for (name, bytes) in seeds().iter().filter(|(n, _)| !n.starts_with("blank")) {
        let ws = workspace();
        let v = evaluate_bytes("nop/fuzz.xlsx", bytes.clone(), &context(ws), &ws.settings.limits);
        assert!(v.card.is_some(), "{name}: {:?}", v.issues);
        // Unzipping and zipping again keeps a workbook whole.
        if let Some(parts) = unzip(bytes) {
            let v = evaluate_bytes("nop/fuzz.xlsx", rezip(&parts), &context(ws), &ws.settings.limits);
            assert!(v.card.is_some(), "{name} rezipped: {:?}", v.issues);
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn damaged_workbooks_never_crash(
        seed in 0..4usize,
        raw in proptest::bool::weighted(0.15),
        part in any::<Index>(),
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        check_workbook(damaged(seed, raw, part, &edits))?;
    }
}

// ------------------------------------------------------------- regressions

/// Found by fuzzing: a .xls cut short inside a sector made calamine panic
/// (`cfb.rs:320`, slice start past its end). The pipeline must report it as
/// `file.unreadable` for that file only.
#[test]
fn truncated_xls_sector_is_unreadable_not_a_crash() {
    let xls = &seeds()[3].1;
    // 16897 and 17000 panicked in calamine 0.38; 16536 it reports itself.
    for cut in [16536, 16897, 17000] {
        assert_unreadable(xls[..cut].to_vec(), &format!("cut at {cut}"));
    }
}

/// Found by fuzzing: a .xls cut 513 bytes in (inside the sector table of
/// its header) made calamine fail an assertion (`utils.rs:29`, length not
/// a multiple of 4). The pipeline must report `file.unreadable`.
#[test]
fn xls_cut_inside_its_header_is_unreadable_not_a_crash() {
    let xls = &seeds()[3].1;
    for cut in [513, 514, 515] {
        assert_unreadable(xls[..cut].to_vec(), &format!("cut at {cut}"));
    }
}

/// Evaluates `bytes` as a member's .xls the way the pipeline does and
/// asserts that no panic escapes and the file is reported `file.unreadable`.
fn assert_unreadable(bytes: Vec<u8>, what: &str) {
    let ws = workspace();
    let ctx = context(ws);
    let v = guarded(|| evaluate_bytes("nop/fuzz.xls", bytes, &ctx, &ws.settings.limits))
        .unwrap_or_else(|p| panic!("{what}: panic escaped the pipeline: {p:?}"));
    assert!(
        v.card.is_none() && v.issues.iter().any(|i| i.code.as_str() == "file.unreadable"),
        "{what}: {:?}",
        v.issues
    );
}

/// Found by fuzzing: one byte of a .xls changed (offset 3294, xor 0x28)
/// made calamine slice past a record's end (`xls.rs:633`). The pipeline
/// must report `file.unreadable`.
#[test]
fn xls_with_a_damaged_record_is_unreadable_not_a_crash() {
    let mut bytes = seeds()[3].1.clone();
    bytes[3294] ^= 0x28;
    assert_unreadable(bytes, "damaged byte");
}

/// Found by fuzzing (20,000 cases): one byte of a .xls changed (offset
/// 8228, xor 0x08) made a formula's token length run past its record, and
/// calamine sliced past the end (`xls.rs:1531`). The pipeline must report
/// `file.unreadable`.
#[test]
fn xls_with_a_damaged_formula_is_unreadable_not_a_crash() {
    let mut bytes = seeds()[3].1.clone();
    bytes[8228] ^= 0x08;
    assert_unreadable(bytes, "damaged byte");
}

/// Found by fuzzing (20,000 cases): one byte of a .xls changed (offset
/// 1690, xor 0x02) made calamine read a two-byte field from an empty slice
/// (`utils.rs:48`). The pipeline must report `file.unreadable`.
#[test]
fn xls_with_a_short_record_is_unreadable_not_a_crash() {
    let mut bytes = seeds()[3].1.clone();
    bytes[1690] ^= 0x02;
    assert_unreadable(bytes, "damaged byte");
}

/// Found by fuzzing: one byte of a .xls changed (offset 9495, xor 0x04)
/// made calamine subtract with overflow (`xls.rs:987`). The pipeline must
/// report `file.unreadable` (or read it, if the byte does not matter in a
/// release build), never crash.
#[test]
fn xls_with_an_overflowing_length_is_not_a_crash() {
    let mut bytes = seeds()[3].1.clone();
    bytes[9495] ^= 0x04;
    let ws = workspace();
    let ctx = context(ws);
    let v = guarded(|| evaluate_bytes("nop/fuzz.xls", bytes, &ctx, &ws.settings.limits))
        .unwrap_or_else(|p| panic!("panic escaped the pipeline: {p:?}"));
    assert!(
        v.card.is_some() || v.issues.iter().any(|i| i.is_error()),
        "{:?}",
        v.issues
    );
}

/// Found by fuzzing: `count = -1` in an [[award]] gave serde's English
/// "invalid value: integer `-1`, expected u32".
#[test]
fn negative_award_count_message_was_english() {
    let text = default_settings().replacen("count = 1", "count = -1", 1);
    let message = Settings::parse(&text).unwrap_err();
    assert!(message.contains("\"count\""), "{message}");
    assert!(message.contains("số nguyên không âm"), "{message}");
    assert!(
        !message.contains("invalid") && !message.contains("expected"),
        "{message}"
    );
}

/// Found by fuzzing: a backtick inside a value (`policy = "rotatio`"`)
/// cut serde's message at the wrong place, leaving ", expected one of" in
/// the Vietnamese text.
#[test]
fn backtick_in_a_value_kept_english_in_the_message() {
    let text = default_settings().replacen("policy = \"rotation\"", "policy = \"rotatio`\"", 1);
    let message = Settings::parse(&text).unwrap_err();
    assert!(message.contains("\"rotatio`\""), "{message}");
    assert!(
        message.contains("cần một trong: \"rotation\", \"top\", \"vote\""),
        "{message}"
    );
    assert!(!message.contains("expected"), "{message}");
}

// ---------------------------------------------------------------- settings

/// Text a broken settings file might hold, inserted at a line start.
const TOML_TOKENS: &[&str] = &[
    "[",
    "]",
    "\"",
    "=",
    "[[award]]\n",
    "[[band]]\n",
    "[[bloc]]\n",
    "[ranking]\n",
    "count = -1\n",
    "share = 1e400\n",
    "share = nan\n",
    "min_total = inf\n",
    "min_total = 1e300\n",
    "min_group_share = -0.0\n",
    "year = 99999999999\n",
    "year = -2026\n",
    "report_date = 2026-12-05\n",
    "report_date = \"2026-02-29\"\n",
    "tie_break = [\"group:\"]\n",
    "tie_break = [\"group: \"]\n",
    "tie_break = []\n",
    "min_band = \"\"\n",
    "policy = \"\"\n",
    "quotas = { \"x\" = 1 }\n",
    "prize = nan\n",
    "name = \"\u{1}\"\n",
    "đơn_vị = 1\n",
    "\u{FEFF}",
    "#",
    "\\",
    "'''",
];

#[derive(Clone, Debug)]
enum TomlEdit {
    DropLine(Index),
    RepeatLine(Index),
    Insert(Index, usize),
    FlipChar(Index, char),
}

fn toml_edit() -> impl Strategy<Value = TomlEdit> {
    prop_oneof![
        any::<Index>().prop_map(TomlEdit::DropLine),
        any::<Index>().prop_map(TomlEdit::RepeatLine),
        (any::<Index>(), 0..TOML_TOKENS.len()).prop_map(|(i, t)| TomlEdit::Insert(i, t)),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| TomlEdit::FlipChar(i, c)),
    ]
}

fn default_settings() -> String {
    Settings::default_text(2026, DATE)
}

fn edit_settings(text: &str, edits: &[TomlEdit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        if lines.is_empty() {
            break;
        }
        match e {
            TomlEdit::DropLine(i) => {
                lines.remove(i.index(lines.len()));
            }
            TomlEdit::RepeatLine(i) => {
                let l = lines[i.index(lines.len())].clone();
                lines.insert(i.index(lines.len()), l);
            }
            TomlEdit::Insert(i, t) => {
                let at = i.index(lines.len());
                lines[at] = format!("{}{}", TOML_TOKENS[*t], lines[at]);
            }
            TomlEdit::FlipChar(i, c) => {
                let at = i.index(lines.len());
                let mut chars: Vec<char> = lines[at].chars().collect();
                if !chars.is_empty() {
                    let p = i.index(chars.len());
                    chars[p] = *c;
                }
                lines[at] = chars.into_iter().collect();
            }
        }
    }
    lines.join("\n")
}

/// Parsing never panics; an error is a Vietnamese sentence; accepted
/// settings can be used (quotas, signer, report date) without panicking.
fn check_settings(text: &str) -> Result<(), TestCaseError> {
    let parsed = guarded(|| Settings::parse(text))
        .map_err(|(f, l, m)| TestCaseError::fail(format!("Settings::parse panicked at {f}:{l}: {m}")))?;
    match parsed {
        Ok(s) => {
            for award in &s.awards {
                for members in [0, 1, 7, 1000] {
                    let _ = s.quota(award, "Khối", members);
                }
            }
            let _ = s.signer("Khối");
            let _ = s.report_date().vietnamese();
        }
        Err(message) => {
            prop_assert!(!message.trim().is_empty());
            prop_assert!(
                !message.contains("expected") || message.contains("TOML"),
                "untranslated: {message}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn damaged_settings_never_crash(edits in proptest::collection::vec(toml_edit(), 1..8)) {
        check_settings(&edit_settings(&default_settings(), &edits))?;
    }

    #[test]
    fn arbitrary_settings_text_never_crashes(text in "\\PC{0,200}") {
        check_settings(&text)?;
    }
}
