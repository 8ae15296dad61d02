//! The corpus of members' own workbooks (tests/fixtures/corpus, built by
//! make_corpus.py, none from `thidua forms`): every file's status, unit,
//! self total and issues (code, sheet, cell), asserted as one table against
//! the hand-computed expected.tsv; `check --json` and `run` agree on it.

use std::path::Path;

use crate::common::Folder;

/// One row of the table: file, status, unit, self total, sorted issues.
type Row = (String, String, String, String, Vec<String>);

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
            (name, status, unit, total, issues)
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
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            std::fs::copy(&path, nop.join(path.file_name().unwrap())).unwrap();
        }
    }
    let want = expected(&corpus);
    assert!(want.len() >= 30, "{} corpus files", want.len());
    let check = folder.run("check", &["--json"]);
    let checked: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let got = actual(&checked);
    let show = |rows: &[Row]| {
        rows.iter()
            .map(|r| format!("{}\t{}\t{}\t{}\t{}", r.0, r.1, r.2, r.3, r.4.join(";")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(show(&got), show(&want));
    folder.run("run", &["-q"]);
    assert_eq!(
        show(&actual(&folder.json())),
        show(&want),
        "run and check --json differ"
    );
}
