//! Trust (issue #8): inputs are never written to; outputs are whole or as
//! they were, even when a run is killed; identical inputs give identical
//! bytes whatever the thread count or file order; awkward names give safe
//! file names, valid XML and no formulas; the command line explains itself
//! in Vietnamese.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use sha2::{Digest, Sha256};

use thidua::calendar::Date;
use thidua::reference::registry::{Bloc, Registry, Role, Unit};
use thidua::sample;
use thidua::settings::Settings;
use thidua::write::docx::layout::xml_char;
use thidua::write::forms::{criteria_workbook, form_workbook, registry_workbook, FormSpec};

const DATE: Date = Date {
    year: 2026,
    month: 12,
    day: 5,
};

// ---------------------------------------------------------------- helpers

/// Every file under `root`, by path relative to it (with `/`).
fn files_under(root: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.insert(rel.join("/"), path);
            }
        }
    }
    found
}

/// SHA-256 of every file under `root`.
fn fingerprints(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(root)
        .into_iter()
        .map(|(rel, path)| (rel, Sha256::digest(std::fs::read(path).unwrap()).to_vec()))
        .collect()
}

fn is_temp(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap();
    name.starts_with('.') && name.ends_with(".tmp")
}

/// Checks that every XML part of a zip package (xlsx, docx) is well-formed
/// and holds only characters XML 1.0 allows, literally or as references.
fn check_xml_parts(path: &Path) {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{}: not a zip: {e}", path.display()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut text = String::new();
        part.read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{} › {name}: not UTF-8: {e}", path.display()));
        if let Some(c) = text.chars().find(|c| !xml_char(*c)) {
            panic!(
                "{} › {name}: character U+{:04X} is invalid in XML",
                path.display(),
                c as u32
            );
        }
        for reference in text.split("&#").skip(1) {
            let body = reference.split(';').next().unwrap();
            let code = match body.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => body.parse(),
            };
            let valid = code.ok().and_then(char::from_u32).is_some_and(xml_char);
            assert!(
                valid,
                "{} › {name}: invalid character reference &#{body};",
                path.display()
            );
        }
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{} › {name}: malformed XML: {e}", path.display()),
            }
        }
    }
}

/// Checks that an output is whole: workbooks open and every sheet reads,
/// documents' XML parses, JSON parses. Returns the sheets' cells of a
/// workbook (empty for other files).
fn check_whole(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => {
            check_xml_parts(path);
            let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let names = wb.sheet_names().to_vec();
            names
                .into_iter()
                .map(|name| {
                    let range = wb
                        .worksheet_range(&name)
                        .unwrap_or_else(|e| panic!("{} › {name}: {e}", path.display()));
                    (name, range.rows().map(|r| r.to_vec()).collect())
                })
                .collect()
        }
        "docx" => {
            check_xml_parts(path);
            Vec::new()
        }
        "json" => {
            let text = std::fs::read_to_string(path).unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Vec::new()
        }
        _ => {
            assert!(
                std::fs::metadata(path).unwrap().len() > 0,
                "{}: empty output",
                path.display()
            );
            Vec::new()
        }
    }
}

/// A working folder with `registry`, the sample framework and settings,
/// and a filled form per unit (except the codes in `skip`) under `nop/`.
fn working_folder(dir: &Path, registry: &Registry, skip: &[&str]) {
    let framework = sample::framework();
    std::fs::create_dir_all(dir.join("nop")).unwrap();
    std::fs::write(dir.join("thidua.toml"), Settings::default_text(2026, DATE)).unwrap();
    std::fs::write(dir.join("don-vi.xlsx"), registry_workbook(registry, DATE).unwrap()).unwrap();
    std::fs::write(
        dir.join("tieu-chi.xlsx"),
        criteria_workbook(std::slice::from_ref(&framework), DATE).unwrap(),
    )
    .unwrap();
    for (b, bloc) in registry.blocs.iter().enumerate() {
        for (u, unit) in bloc.units.iter().enumerate() {
            if skip.contains(&unit.code.as_str()) {
                continue;
            }
            let filled = sample::scores(&framework, &unit.code, sample::strength(u + b), 2026);
            let spec = FormSpec {
                bloc: &bloc.name,
                unit_code: &unit.code,
                unit_name: &unit.name,
                year: 2026,
                date: DATE,
                framework: &framework,
                filled: Some(&filled),
            };
            let name = format!("{b:02}-{u:03}.xlsx");
            std::fs::write(dir.join("nop").join(name), form_workbook(&spec).unwrap()).unwrap();
        }
    }
}

fn unit(code: &str, name: &str) -> Unit {
    Unit {
        code: code.into(),
        name: name.into(),
        role: Role::Member,
        aliases: Vec::new(),
    }
}

// ------------------------------------------------------------ command line

#[test]
fn help_is_vietnamese_with_examples_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["-h"],
        vec!["init", "--help"],
        vec!["forms", "--help"],
        vec!["check", "--help"],
        vec!["run", "-h"],
    ] {
        let out = thidua(&args);
        assert_eq!(code(&out), 0, "{args:?}");
        let text = stdout(&out);
        assert!(text.contains("Cách dùng: thidua"), "{args:?}: {text}");
        assert!(text.contains("Ví dụ:"), "{args:?}: {text}");
        assert!(text.contains("Tùy chọn:"), "{args:?}: {text}");
        assert!(text.contains("In trợ giúp"), "{args:?}: {text}");
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Commands:",
            "Print help",
            "Print version",
            "[OPTIONS]",
        ] {
            assert!(!text.contains(english), "{args:?} shows {english:?}: {text}");
        }
    }
    let out = thidua(&["--help"]);
    assert!(stdout(&out).contains("Lệnh:"), "{}", stdout(&out));
    assert!(stdout(&out).contains("Mã thoát"), "{}", stdout(&out));
}

#[test]
fn bad_command_lines_exit_2_in_vietnamese() {
    for (args, expect) in [
        (vec!["runn"], "\"runn\""),
        (vec!["run", "--bogus"], "\"--bogus\""),
        (vec!["run", "-j", "0"], "-j 2"),
        (vec!["check", "-j", "nhiều"], "\"nhiều\""),
        (vec!["init"], "THƯ_MỤC"),
        (vec!["run", "a", "b"], "\"b\""),
        (vec![], "Cách dùng"),
    ] {
        let out = thidua(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(expect), "{args:?}: {err}");
        for english in ["error:", "Usage:", "For more information", "tip:"] {
            assert!(!err.contains(english), "{args:?} says {english:?}: {err}");
        }
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    assert!(stderr(&thidua(&["runn"])).contains("Có phải ý bạn là \"run\""));
}

#[test]
fn missing_folder_and_bad_settings_exit_2_naming_path_or_key() {
    let out = thidua(&["run", "/khong/co"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("/khong/co"), "{}", stderr(&out));
    assert!(stderr(&out).contains("thidua init"), "{}", stderr(&out));

    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let settings = dir.join("thidua.toml");
    let original = std::fs::read_to_string(&settings).unwrap();
    for (from, to, expect) in [
        ("place = ", "dia_danh = \"Bắc Ninh\"\nplace = ", "\"dia_danh\""),
        ("policy = \"rotation\"", "policy = \"luan-phien\"", "\"rotation\""),
        ("[ranking]", "[ranking]\nhoa = 1", "\"hoa\""),
        ("max_cells = ", "max_cells = \"nhiều\" #", "\"max_cells\""),
    ] {
        assert!(original.contains(from), "{from}");
        std::fs::write(&settings, original.replacen(from, to, 1)).unwrap();
        let out = folder.run("run", &[]);
        assert_eq!(code(&out), 2, "{to}");
        let err = stderr(&out);
        assert!(err.contains("thidua.toml"), "{err}");
        assert!(err.contains(expect), "{to}: {err}");
        assert!(err.contains("dòng "), "{to}: {err}");
        assert!(!dir.join("out").exists(), "nothing is written on a fatal error");
    }
}

#[test]
fn summary_counts_units_and_says_where_outputs_are_without_escape_codes() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let out = folder.run("run", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for expect in [
        "33 đã chấm điểm",
        "1 chưa nộp",
        "0 bị từ chối",
        "cảnh báo",
        "tong-hop.xlsx",
        "ket-qua.json",
    ] {
        assert!(text.contains(expect), "{expect}: {text}");
    }
    assert!(text.contains(&dir.join("out").display().to_string()), "{text}");
    // Progress goes to a terminal only: nothing reaches a pipe.
    assert!(
        !text.contains('\x1b') && !stderr(&out).contains('\x1b'),
        "{:?}",
        stderr(&out)
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let quiet = thidua(&["run", "-q", dir.to_str().unwrap()]);
    assert_eq!(code(&quiet), 0);
    assert!(stdout(&quiet).is_empty() && stderr(&quiet).is_empty());
}

/// Runs `thidua args` on a pseudo-terminal with util-linux `script`;
/// `None` when `script` is absent.
fn on_terminal(args: &[&str]) -> Option<(i32, String)> {
    let probe = Command::new("script").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIP: util-linux `script` is not installed; the progress bar on a terminal is not checked");
        return None;
    }
    let line = std::iter::once(env!("CARGO_BIN_EXE_thidua"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .output()
        .unwrap();
    Some((code(&out), String::from_utf8_lossy(&out.stdout).into_owned()))
}

#[test]
fn progress_bar_is_drawn_on_a_terminal_unless_quiet() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let Some((status, screen)) = on_terminal(&["check", dir.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(status, 0, "{screen}");
    assert!(screen.contains("Đang đọc") && screen.contains("/33 tệp"), "{screen}");
    assert!(screen.contains("33 đã chấm điểm"), "{screen}");
    let (status, screen) = on_terminal(&["check", "-q", dir.to_str().unwrap()]).unwrap();
    assert_eq!(status, 0);
    assert!(screen.is_empty(), "{screen:?}");
}

#[test]
fn output_folder_inside_submissions_is_refused() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let before = fingerprints(&dir.join("nop"));
    let inside = dir.join("nop").join("ket-qua");
    let out = folder.run("run", &["--out", inside.to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--out"), "{}", stderr(&out));
    assert_eq!(fingerprints(&dir.join("nop")), before);
}

#[test]
fn unwritable_output_fails_in_vietnamese_naming_it() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    // A file where the output folder should be: nothing can be written.
    let blocker = dir.join("chan");
    std::fs::write(&blocker, b"x").unwrap();
    let out = thidua(&[
        "run",
        dir.to_str().unwrap(),
        "--out",
        blocker.join("out").to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.starts_with("Lỗi: Không ghi được"), "{err}");
    assert!(err.contains("chan"), "{err}");
}

// ------------------------------------------------------------ determinism

#[test]
fn outputs_are_identical_whatever_threads_and_file_order() {
    let folder = Folder::sample();
    let a = folder.dir.clone();
    let b = a.with_file_name("ban-sao");
    // The same files, created in the opposite order (sub-folders too).
    std::fs::create_dir_all(&b).unwrap();
    for name in ["tieu-chi.xlsx", "thidua.toml", "don-vi.xlsx"] {
        std::fs::copy(a.join(name), b.join(name)).unwrap();
    }
    let inputs = files_under(&a.join("nop"));
    for (rel, path) in inputs.iter().rev() {
        let target = b.join("nop").join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(path, target).unwrap();
    }
    let before = fingerprints(&a.join("nop"));
    assert_eq!(fingerprints(&b.join("nop")), before);
    let out_a = a.with_file_name("ket-qua-1");
    let out_b = a.with_file_name("ket-qua-2");
    // Links in the outputs name the working folder, so both runs read the
    // same folder: the second after its inputs were recreated in the
    // opposite order from the copy.
    for (out, jobs) in [(&out_a, "1"), (&out_b, "2")] {
        if jobs == "2" {
            std::fs::remove_dir_all(a.join("nop")).unwrap();
            for (rel, _) in inputs.iter().rev() {
                let target = a.join("nop").join(rel);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(b.join("nop").join(rel), target).unwrap();
            }
        }
        for cmd in ["forms", "run"] {
            let res = thidua(&[
                cmd,
                a.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-j",
                jobs,
                "-q",
            ]);
            assert_eq!(code(&res), 0, "{cmd} {}", stderr(&res));
        }
    }
    let files_a = files_under(&out_a);
    let files_b = files_under(&out_b);
    assert_eq!(
        files_a.keys().collect::<Vec<_>>(),
        files_b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    assert!(files_a.contains_key("tong-hop.xlsx") && files_a.contains_key("ket-qua.json"));
    assert!(files_a.keys().any(|k| k.starts_with("bieu-mau/")));
    for (rel, path) in &files_a {
        assert!(!is_temp(rel), "leftover {rel}");
        let bytes_a = std::fs::read(path).unwrap();
        let bytes_b = std::fs::read(&files_b[rel]).unwrap();
        assert!(bytes_a == bytes_b, "{rel} differs between -j 1 and -j 2 / file order");
    }
    // Inputs are never written to.
    assert_eq!(fingerprints(&a.join("nop")), before);
    assert_eq!(fingerprints(&b.join("nop")), before);
}

// ----------------------------------------------------------- awkward names

#[test]
fn awkward_names_give_safe_files_valid_xml_and_no_formulas() {
    let tmp = tempdir();
    let dir = tmp.path().join("kho");
    let formula_name = "=HYPERLINK(\"http://x.invalid\",\"Bấm\")";
    let registry = Registry::new(
        vec![
            Bloc {
                name: "Khối A/B <1> & \"nháy\"".into(),
                units: vec![
                    unit("CON", "CON"),
                    unit("AW02", formula_name),
                    unit("AW03", "Sở\u{1}Tư\u{7}pháp\u{1f}"),
                    unit("AW04", "a/b\\c:*?|<>"),
                ],
            },
            Bloc {
                name: "=1+1".into(),
                units: vec![
                    unit("NUL", "..\\..\\etc"),
                    unit("AW06", "<script>&amp;'</script>"),
                    unit("AW07", "@SUM(1)"),
                ],
            },
        ],
        BTreeMap::new(),
    );
    working_folder(&dir, &registry, &["AW07"]);
    for cmd in ["forms", "run"] {
        let out = thidua(&[cmd, dir.to_str().unwrap(), "-q"]);
        assert!(code(&out) <= 1, "{cmd}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{cmd}: {}", stderr(&out));
    }
    let outputs = files_under(&dir.join("out"));
    assert!(outputs.len() >= 2 + 7, "{outputs:?}");
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1",
        "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    let mut formula_cells = 0;
    for (rel, path) in &outputs {
        for part in rel.split('/') {
            assert!(
                part.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
                "unsafe file name {rel:?}"
            );
            assert!(!part.starts_with('.') && !part.starts_with('-'), "{rel:?}");
            let stem = part.split('.').next().unwrap();
            assert!(!RESERVED.contains(&stem), "reserved name {rel:?}");
        }
        for (sheet, rows) in check_whole(path) {
            for cell in rows.iter().flatten() {
                if let Data::String(s) = cell {
                    formula_cells += usize::from(s == formula_name);
                }
            }
            // No text from an input became a formula.
            let mut wb = open_workbook_auto(path).unwrap();
            if let Ok(formulas) = wb.worksheet_formula(&sheet) {
                for f in formulas.rows().flatten() {
                    assert!(
                        !f.contains("HYPERLINK") && f != "1+1" && !f.contains("SUM(1)"),
                        "{rel} › {sheet}: formula {f}"
                    );
                }
            }
        }
    }
    assert!(formula_cells >= 1, "the `=` name is kept as text in some workbook");
    let rows = sheet_rows(&dir.join("out/tong-hop.xlsx"), "Tổng hợp");
    assert!(
        rows.iter().flatten().any(|c| c == &Data::String(formula_name.into())),
        "the `=` unit name is a string cell of Tổng hợp"
    );
    let json = result_json(&dir);
    let names: Vec<&str> = json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["units"].as_array().unwrap())
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&formula_name), "{names:?}");
    let statuses: Vec<&str> = json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["units"].as_array().unwrap())
        .map(|u| u["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["scored", "scored", "scored", "scored", "scored", "scored", "missing"],
        "{}",
        serde_json::to_string_pretty(&json["issues"]).unwrap()
    );
}

// ---------------------------------------------------------------- killing

/// Outputs under `out`, without temporary files.
fn visible_outputs(out: &Path) -> BTreeMap<String, PathBuf> {
    files_under(out).into_iter().filter(|(rel, _)| !is_temp(rel)).collect()
}

#[test]
fn killed_runs_leave_every_output_previous_or_whole() {
    let tmp = tempdir();
    let dir = tmp.path().join("lon");
    let blocs = (0..3)
        .map(|b| Bloc {
            name: format!("Khối thi đua số {}", b + 1),
            units: (0..100)
                .map(|u| unit(&format!("K{b}D{u:03}"), &format!("Đơn vị {u} khối {b}")))
                .collect(),
        })
        .collect();
    let registry = Registry::new(blocs, BTreeMap::new());
    working_folder(&dir, &registry, &[]);
    let inputs = fingerprints(&dir);
    let run = |out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_thidua"))
            .args(["run", dir.to_str().unwrap(), "-q", "--out", out.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn thidua")
    };
    // A whole run first: the outputs a killed run must keep or reproduce.
    let out = tmp.path().join("out");
    let started = Instant::now();
    let status = run(&out).wait().unwrap();
    let whole = started.elapsed();
    eprintln!("a whole run of 300 forms took {whole:?}");
    assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
    let baseline = fingerprints(&out);
    assert!(baseline.contains_key("tong-hop.xlsx") && baseline.contains_key("ket-qua.json"));

    // Kill at moments spread over a run's length, most near its end where
    // the writing happens; alternately into the used folder and a fresh one.
    for (i, share) in [0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 1.02].iter().enumerate() {
        let target = if i % 2 == 0 {
            out.clone()
        } else {
            tmp.path().join(format!("moi-{i}"))
        };
        let mut child = run(&target);
        std::thread::sleep(whole.mul_f64(*share));
        let _ = child.kill();
        let _ = child.wait();
        for (rel, path) in visible_outputs(&target) {
            check_whole(&path);
            let digest = Sha256::digest(std::fs::read(&path).unwrap()).to_vec();
            assert_eq!(
                baseline.get(&rel),
                Some(&digest),
                "{rel} after a kill at {share} of a run is neither the previous output nor the whole new one"
            );
        }
        assert_eq!(fingerprints(&dir), inputs, "inputs changed");
    }
    // A later run completes and removes any temporary file a kill left.
    let status = run(&out).wait().unwrap();
    assert!(status.code().is_some_and(|c| c <= 1));
    let after = files_under(&out);
    assert!(
        after.keys().all(|rel| !is_temp(rel)),
        "leftover temporary files: {after:?}"
    );
    assert_eq!(fingerprints(&out), baseline);
    assert_eq!(fingerprints(&dir), inputs, "inputs changed");
}

/// Regression: two blocs whose names give the same slug ("Khối A/B" and
/// "Khối A-B") wrote their documents to the same files, the second
/// overwriting the first.
#[test]
fn blocs_with_the_same_slug_keep_separate_documents() {
    let tmp = tempdir();
    let dir = tmp.path().join("trung-ten");
    let registry = Registry::new(
        vec![
            Bloc {
                name: "Khối A/B".into(),
                units: vec![unit("AB01", "Sở Một"), unit("AB02", "Sở Hai")],
            },
            Bloc {
                name: "Khối A-B".into(),
                units: vec![unit("AB03", "Sở Ba"), unit("AB04", "Sở Bốn")],
            },
        ],
        BTreeMap::new(),
    );
    working_folder(&dir, &registry, &[]);
    let out = thidua(&["run", dir.to_str().unwrap(), "-q"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for folder in ["bao-cao", "to-trinh"] {
        let first = dir.join("out").join(folder).join("khoi-a-b.docx");
        let second = dir.join("out").join(folder).join("khoi-a-b-2.docx");
        let text = |path: &Path| {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            xml
        };
        assert!(text(&first).contains("Sở Một"), "{folder}: first bloc's document");
        assert!(text(&second).contains("Sở Ba"), "{folder}: second bloc's document");
    }
}
