//! Starting the program the way Windows staff do (README, "Dùng trên Windows"): a
//! folder dropped on thidua.exe, a double-click in a working folder or
//! elsewhere, and an output left open in Excel or Word. Explorer itself is
//! simulated through the pure decision in `thidua::launch` and the seam of
//! `thidua::held`; the folder-only argument runs the real binary.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::common::{self, code, stderr, stdout, tempdir, thidua};
use thidua::calendar::Date;
use thidua::error::Fatal;
use thidua::launch::{self, Folder, Plan, Start};
use thidua::pipeline::Silent;
use thidua::workspace::Workspace;

const TODAY: Date = Date {
    year: 2026,
    month: 12,
    day: 2,
};

fn plan_for(args: &[&str], explorer: bool, exe_dir: &str, folders: &[(&str, Folder)]) -> Plan {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let folders: BTreeMap<PathBuf, Folder> = folders.iter().map(|(p, f)| (PathBuf::from(p), *f)).collect();
    let start = Start {
        args: &args,
        explorer,
        exe_dir: Path::new(exe_dir),
    };
    launch::plan(&start, &|path: &Path| {
        folders.get(path).copied().unwrap_or(Folder::None)
    })
}

/// Every file under `dir` with its bytes: what "nothing written" compares.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).expect("read file"));
            }
        }
    }
    files
}

#[test]
fn a_folder_alone_on_the_command_line_is_run_on() {
    let tmp = tempdir();
    let dir = tmp.path().join("Khối thi đua mẫu");
    let made = thidua(&["init", dir.to_str().unwrap(), "--sample"]);
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let dropped = thidua(&[dir.to_str().unwrap()]);
    let text = stdout(&dropped);
    assert!(code(&dropped) < 2, "{}{}", text, stderr(&dropped));
    assert!(text.contains("Đã ghi"), "{text}");
    for output in ["out/tong-hop.xlsx", "out/ket-qua.json"] {
        assert!(dir.join(output).is_file(), "{output} missing");
    }
    // The same as `thidua run DIR`: same exit code, and a rerun changes no output.
    let before = snapshot(&dir.join("out"));
    let run = thidua(&["run", dir.to_str().unwrap()]);
    assert_eq!(code(&run), code(&dropped), "{}", stderr(&run));
    assert_eq!(snapshot(&dir.join("out")), before);
}

#[test]
fn a_word_that_is_neither_folder_nor_command_is_still_a_command_line_error() {
    let out = thidua(&["chek"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("không có lệnh \"chek\""), "{}", stderr(&out));
}

#[test]
fn the_decision_from_how_the_program_was_started() {
    use Folder::{Plain, Working};
    let exe = "C:/Khoi";
    // Double-click in a working folder, and elsewhere.
    assert_eq!(plan_for(&[], true, exe, &[(exe, Working)]), Plan::Run(exe.into()));
    assert_eq!(plan_for(&[], true, exe, &[(exe, Plain)]), Plan::Offer(exe.into()));
    // A terminal without arguments: the help, as before.
    assert_eq!(plan_for(&[], false, exe, &[(exe, Working)]), Plan::Parse);
    // A folder dropped on the program, or given alone in a terminal.
    let dropped = "D:/Khối thi đua mẫu";
    assert_eq!(
        plan_for(&[dropped], true, exe, &[(dropped, Working)]),
        Plan::Run(dropped.into())
    );
    assert_eq!(
        plan_for(&[dropped], false, exe, &[(dropped, Working)]),
        Plan::Run(dropped.into())
    );
    assert_eq!(
        plan_for(&[dropped], false, exe, &[(dropped, Plain)]),
        Plan::Run(dropped.into())
    );
    assert_eq!(
        plan_for(&[dropped], true, exe, &[(dropped, Plain)]),
        Plan::Offer(dropped.into())
    );
    // A file or several items dropped; in a terminal, a word for clap.
    assert_eq!(plan_for(&["D:/bang-diem.xlsx"], true, exe, &[]), Plan::Explain);
    assert_eq!(
        plan_for(&[dropped, dropped], true, exe, &[(dropped, Working)]),
        Plan::Explain
    );
    assert_eq!(plan_for(&["chek"], false, exe, &[]), Plan::Parse);
    // Commands and options keep their meaning, even next to a folder named "run".
    assert_eq!(plan_for(&["run"], false, exe, &[("run", Working)]), Plan::Parse);
    assert_eq!(
        plan_for(&["run", dropped], true, exe, &[(dropped, Working)]),
        Plan::Parse
    );
    assert_eq!(plan_for(&["--help"], true, exe, &[]), Plan::Parse);
}

#[test]
fn double_click_in_a_working_folder_runs_it_then_opens_out_and_waits() {
    let (_tmp, dir) = common::Folder::sample().into_parts();
    let start = Start {
        args: &[],
        explorer: true,
        exe_dir: &dir,
    };
    let Plan::Run(folder) = launch::plan(&start, &launch::folder_on_disk) else {
        panic!("a working folder is run");
    };
    assert_eq!(folder, dir);
    let ran = thidua(&[folder.to_str().unwrap()]);
    assert!(code(&ran) < 2, "{}", stderr(&ran));
    let opened = std::cell::RefCell::new(Vec::new());
    let open = |path: &Path| opened.borrow_mut().push(path.to_path_buf());
    let mut shown = Vec::new();
    let out = folder.join("out");
    launch::hold_open(Some(&out), 1, &open, &mut "\n".as_bytes(), &mut shown);
    assert_eq!(*opened.borrow(), vec![out.clone()]);
    assert!(String::from_utf8_lossy(&shown).contains("Nhấn Enter để đóng cửa sổ này."));
    // Nothing to see after a failed start: the window waits, no folder opens.
    launch::hold_open(Some(&out), 2, &open, &mut "".as_bytes(), &mut Vec::new());
    assert_eq!(opened.borrow().len(), 1);
}

#[test]
fn double_click_elsewhere_explains_and_writes_nothing_without_a_yes() {
    let tmp = tempdir();
    let dir = tmp.path().join("Tải về");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("thidua.exe"), b"MZ").unwrap();
    let start = Start {
        args: &[],
        explorer: true,
        exe_dir: &dir,
    };
    assert_eq!(launch::plan(&start, &launch::folder_on_disk), Plan::Offer(dir.clone()));
    let before = snapshot(&dir);
    for answer in ["", "\n", "k\n", "không\n"] {
        let mut shown = Vec::new();
        assert_eq!(
            launch::offer(&dir, TODAY, &mut answer.as_bytes(), &mut shown),
            2,
            "{answer:?}"
        );
        let text = String::from_utf8(shown).unwrap();
        assert!(text.contains("chưa phải thư mục làm việc"), "{text}");
        assert!(
            text.contains("Kéo thả thư mục làm việc lên biểu tượng thidua.exe"),
            "{text}"
        );
        assert!(text.contains("Gõ C rồi nhấn Enter"), "{text}");
        assert!(text.ends_with("Không tạo gì.\n"), "{text}");
        assert_eq!(snapshot(&dir), before, "written after {answer:?}");
    }
    let mut shown = Vec::new();
    assert_eq!(launch::explain(&mut shown), 2);
    assert!(String::from_utf8(shown).unwrap().contains("Chỉ kéo thả MỘT thư mục"));
}

#[test]
fn a_yes_creates_the_working_folder_where_the_program_is() {
    let tmp = tempdir();
    let dir = tmp.path().join("Khối Nội chính");
    std::fs::create_dir(&dir).unwrap();
    let mut shown = Vec::new();
    assert_eq!(launch::offer(&dir, TODAY, &mut " Có \r\n".as_bytes(), &mut shown), 0);
    let text = String::from_utf8(shown).unwrap();
    assert!(text.contains("Bấm đúp thidua.exe lần nữa"), "{text}");
    for file in ["thidua.toml", "don-vi.xlsx", "tieu-chi.xlsx", "nop"] {
        assert!(dir.join(file).exists(), "{file} missing");
    }
    assert_eq!(launch::folder_on_disk(&dir), Folder::Working);
}

#[test]
fn an_output_open_in_excel_or_word_stops_the_run_before_anything_is_written() {
    let (_tmp, dir) = common::Folder::sample().into_parts();
    let first = thidua(&["run", dir.to_str().unwrap()]);
    assert!(code(&first) < 2, "{}", stderr(&first));
    // A rerun would write ket-qua.json again: it must not.
    std::fs::remove_file(dir.join("out/ket-qua.json")).unwrap();
    let before = snapshot(&dir);
    let ws = Workspace::load(&dir, None).expect("workspace");
    let document = std::fs::read_dir(dir.join("out/to-trinh"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .expect("a proposal");
    let cases = [
        (
            "tong-hop.xlsx".to_string(),
            "Tệp out/tong-hop.xlsx đang mở trong Excel. Đóng tệp rồi chạy lại.",
        ),
        (document.clone(), "đang mở trong Word. Đóng tệp rồi chạy lại."),
    ];
    for (held, expected) in cases {
        let holders = |path: &Path| path.file_name().is_some_and(|n| n.to_string_lossy() == held);
        let err = thidua::app::run_guarded(&ws, &Silent, &holders).expect_err("held output");
        assert!(matches!(err, Fatal::Held { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.ends_with(expected), "{text}");
        assert_eq!(snapshot(&dir), before, "written while {held} was held");
    }
    let text = thidua::app::run_guarded(&ws, &Silent, &|path: &Path| {
        path.ends_with(Path::new("to-trinh").join(&document))
    })
    .expect_err("held")
    .to_string();
    assert_eq!(
        text,
        format!("Tệp out/to-trinh/{document} đang mở trong Word. Đóng tệp rồi chạy lại.")
    );
    // Nothing held: the run goes on and writes ket-qua.json again.
    thidua::app::run_guarded(&ws, &Silent, &|_: &Path| false).expect("run");
    assert!(dir.join("out/ket-qua.json").is_file());
}

#[test]
fn a_form_open_in_excel_stops_forms_before_anything_is_written() {
    let (_tmp, dir) = common::Folder::sample().into_parts();
    let ws = Workspace::load(&dir, None).expect("workspace");
    assert!(thidua::held::form_outputs(&ws.out).is_empty());
    let written = thidua::app::forms_guarded(&ws, &|_: &Path| false).expect("forms");
    let mut listed = thidua::held::form_outputs(&ws.out);
    let mut all = written.clone();
    listed.sort();
    all.sort();
    assert_eq!(listed, all, "every form written is asked about");
    // One form left open in Excel, another removed: nothing is written.
    let held = written[3].clone();
    std::fs::remove_file(&written[0]).unwrap();
    let before = snapshot(&dir);
    let err = thidua::app::forms_guarded(&ws, &|path: &Path| path == held).expect_err("held form");
    assert!(matches!(err, Fatal::Held { .. }), "{err:?}");
    let shown = held.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
    assert_eq!(
        err.to_string(),
        format!("Tệp {shown} đang mở trong Excel. Đóng tệp rồi chạy lại.")
    );
    assert_eq!(snapshot(&dir), before, "written while a form was held");
    assert!(!written[0].exists());
    // Closed: forms writes every form again.
    thidua::app::forms_guarded(&ws, &|_: &Path| false).expect("forms");
    assert!(written.iter().all(|p| p.is_file()));
}

#[test]
fn the_outputs_asked_about_are_every_file_a_run_replaces() {
    let (_tmp, dir) = common::Folder::sample().into_parts();
    let out = dir.join("out");
    assert!(thidua::held::replaceable_outputs(&out).is_empty());
    let ran = thidua(&["run", dir.to_str().unwrap()]);
    assert!(code(&ran) < 2, "{}", stderr(&ran));
    std::fs::write(out.join("bao-cao/~$khoi.docx"), b"lock").unwrap();
    let asked: Vec<String> = thidua::held::replaceable_outputs(&out)
        .iter()
        .map(|p| thidua::shown::path_in(p, &dir))
        .collect();
    assert_eq!(
        asked[..4],
        [
            "out/tong-hop.xlsx",
            "out/ket-qua.json",
            "out/phieu-bau-mau.xlsx",
            "out/de-nghi-toan-tinh.docx"
        ]
    );
    let reports = asked.iter().filter(|p| p.starts_with("out/bao-cao/")).count();
    let proposals = asked.iter().filter(|p| p.starts_with("out/to-trinh/")).count();
    let ballots = asked.iter().filter(|p| p.starts_with("out/phieu-bau/")).count();
    let feedback = asked.iter().filter(|p| p.starts_with("out/phan-hoi/")).count();
    let json = common::result_json(&dir);
    let blocs = json["blocs"].as_array().expect("blocs").len();
    assert_eq!((reports, proposals, ballots), (blocs, blocs, blocs), "{asked:?}");
    assert_eq!(
        feedback,
        std::fs::read_dir(out.join("phan-hoi")).map_or(0, |d| d.count())
    );
    assert!(!asked.iter().any(|p| p.contains("~$")), "{asked:?}");
}
