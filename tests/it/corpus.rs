//! The corpus of members' own workbooks (tests/fixtures/corpus, built by
//! make_corpus.py, none from `thidua forms`, some passed through
//! LibreOffice as .ods, .xls or a re-saved .xlsx): every file's status,
//! unit, self total, issues (code, sheet, cell) and where it was read from,
//! asserted as one table against the hand-computed expected.tsv; `check
//! --json` and `run` agree on it, and `Nộp bài` shows where each was read.

use std::path::Path;

use calamine::Reader;

use crate::common::Folder;

/// One row of the table: file, status, unit, self total, sorted issues,
/// where it was read (`sheet!self[/final]@header row`).
type Row = (String, String, String, String, Vec<String>, String);

fn expected(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut rows: Vec<Row> = text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let mut issues: Vec<String> = f[5].split(';').filter(|s| !s.is_empty()).map(str::to_string).collect();
            issues.sort();
            (
                f[0].to_string(),
                f[2].to_string(),
                f[3].to_string(),
                f[4].to_string(),
                issues,
                f.get(6).unwrap_or(&"").to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The same table from a ket-qua.json.
fn actual(json: &serde_json::Value) -> Vec<Row> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut totals = std::collections::BTreeMap::new();
    for bloc in json["blocs"].as_array().unwrap() {
        for unit in bloc["units"].as_array().unwrap() {
            if let Some(total) = unit["self"]["total"].as_f64() {
                totals.insert(text(&unit["code"]), format!("{total}"));
            }
        }
    }
    let mut rows: Vec<Row> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|input| {
            let file = text(&input["file"]);
            let name = file.rsplit('/').next().unwrap().to_string();
            let status = text(&input["status"]);
            let unit = text(&input["unit"]);
            let total = if status == "accepted" {
                totals.get(&unit).cloned().unwrap_or_default()
            } else {
                String::new()
            };
            let mut issues: Vec<String> = json["issues"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["file"] == file.as_str())
                .map(|i| format!("{}@{}!{}", text(&i["code"]), text(&i["sheet"]), text(&i["cell"])))
                .collect();
            issues.sort();
            // A rejected file names no unit in the table unless it was found.
            let unit = if status == "accepted"
                || issues
                    .iter()
                    .all(|i| !i.starts_with("unit.") && !i.starts_with("table.ambiguous"))
            {
                unit
            } else {
                String::new()
            };
            let table = match (&input["table"], status == "accepted") {
                (t, true) if t.is_object() => format!(
                    "{}!{}{}@{}",
                    text(&t["sheet"]),
                    text(&t["self"]),
                    t["final"].as_str().map(|f| format!("/{f}")).unwrap_or_default(),
                    t["header_row"]
                ),
                _ => String::new(),
            };
            (name, status, unit, total, issues, table)
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn members_own_workbooks_are_read_as_a_careful_secretary_reads_them() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let folder = Folder::sample();
    let nop = folder.dir.join("nop");
    std::fs::remove_dir_all(&nop).unwrap();
    std::fs::create_dir_all(&nop).unwrap();
    // The corpus's registry: the sample's units and a bloc of districts.
    std::fs::copy(corpus.join("don-vi.xlsx"), folder.dir.join("don-vi.xlsx")).unwrap();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        if !["don-vi.xlsx", "expected.tsv", "make_corpus.py"]
            .iter()
            .any(|n| name == *n)
        {
            std::fs::copy(&path, nop.join(name)).unwrap();
        }
    }
    let want = expected(&corpus);
    assert!(want.len() >= 30, "{} corpus files", want.len());
    let check = folder.run("check", &["--json"]);
    let checked: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let got = actual(&checked);
    let show = |rows: &[Row]| {
        rows.iter()
            .map(|r| format!("{}\t{}\t{}\t{}\t{}\t{}", r.0, r.1, r.2, r.3, r.4.join(";"), r.5))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(show(&got), show(&want));
    folder.run("run", &["-q"]);
    let json = folder.json();
    assert_eq!(show(&actual(&json)), show(&want), "run and check --json differ");

    // Nộp bài: the table each accepted file was read from, as the
    // secretary sees it.
    let rows = folder.sheet("out/tong-hop.xlsx", "Nộp bài");
    let col = |title: &str| rows[0].iter().position(|c| *c == title).unwrap();
    let (file_col, read_col) = (col("Tệp"), col("Bảng đã đọc"));
    let mut shown = 0;
    for input in json["inputs"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|r| r[file_col] == input["file"].as_str().unwrap())
            .unwrap_or_else(|| panic!("{input} not in Nộp bài"));
        let t = &input["table"];
        shown += usize::from(input["status"] == "accepted" && t.is_object());
        let want = if t.is_object() {
            format!(
                "Sheet \"{}\", tiêu đề dòng {}, tự chấm cột {}{}",
                t["sheet"].as_str().unwrap(),
                t["header_row"],
                t["self"].as_str().unwrap(),
                t["final"]
                    .as_str()
                    .map(|f| format!(", thẩm định cột {f}"))
                    .unwrap_or_default()
            )
        } else {
            String::new()
        };
        assert_eq!(row[read_col].to_string(), want, "{}", input["file"]);
    }
    assert_eq!(shown, want.iter().filter(|r| r.1 == "accepted").count());

    // phan-hoi/: every issue of a file in its feedback workbook with its
    // sheet and cell; where the table is re-laid, the cell still shows what
    // the member sees there (a score as Excel shows it, a column's title,
    // the title line that names the unit).
    let mut with_feedback = std::collections::BTreeSet::new();
    let mut cells_seen = 0;
    for entry in std::fs::read_dir(folder.dir.join("out/phan-hoi")).unwrap() {
        let path = entry.unwrap().path();
        let list = crate::common::sheet_rows(&path, "Cần sửa");
        let file = list[2][1].to_string();
        let mut book = calamine::open_workbook_auto(&path).unwrap();
        let sheets = book.sheet_names();
        let issues = json["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["file"] == file.as_str());
        for issue in issues {
            let field = |k: &str| issue[k].as_str().unwrap_or("").to_string();
            let (code, sheet, cell) = (field("code"), field("sheet"), field("cell"));
            assert!(
                list.iter().any(|r| r.len() > 5
                    && r[2] == code.as_str()
                    && r[3].to_string() == sheet
                    && r[4].to_string() == cell
                    && r[5] == issue["message"].as_str().unwrap()),
                "{file}: {code} at {sheet}!{cell} not listed"
            );
            if cell.is_empty() || !sheets.contains(&sheet) {
                continue;
            }
            let (row, col) = crate::common::parse_a1(&cell).unwrap();
            let range = book.worksheet_range(&sheet).unwrap();
            let shown = range
                .get_value((row, col as u32))
                .map(|v| v.to_string())
                .unwrap_or_default();
            // A blank score is shown blank (marked), as the member left it.
            assert!(
                !shown.is_empty() || code == "score.blank",
                "{file}: {code} at {sheet}!{cell} shows nothing"
            );
            cells_seen += 1;
        }
        with_feedback.insert(file);
    }
    // Every issue at a cell is seen there, except a refused file's (no table
    // to lay out).
    let at_cells = want
        .iter()
        .flat_map(|r| &r.4)
        .filter(|i| !i.ends_with('!') && !i.starts_with("table.ambiguous"))
        .count();
    assert_eq!(cells_seen, at_cells);
    for input in json["inputs"].as_array().unwrap() {
        let file = input["file"].as_str().unwrap();
        let has_issues = json["issues"].as_array().unwrap().iter().any(|i| i["file"] == file);
        assert_eq!(with_feedback.contains(file), has_issues, "{file}");
    }
}
