//! End-to-end tests of the `thidua` binary on temporary working folders.

use crate::common::*;
use thidua::model::Points;
use thidua::sample;
use thidua::score::totals;

fn points(v: &serde_json::Value) -> Points {
    Points::from_f64(v.as_f64().expect("number")).expect("score")
}

#[test]
fn sample_run_gives_exact_totals_and_consistent_ranks() {
    let folder = Folder::sample();
    let out = folder.run("run", &[]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let json = folder.json();
    assert_eq!(json["schema"], "thidua/ket-qua/1");
    let framework = sample::framework();
    let registry = sample::registry();
    let mut scored = 0;
    for (b, bloc) in json["blocs"].as_array().unwrap().iter().enumerate() {
        let units = bloc["units"].as_array().unwrap();
        for (u, unit) in units.iter().enumerate() {
            let code = unit["code"].as_str().unwrap();
            assert_eq!(code, registry.blocs[b].units[u].code);
            if sample::MISSING.contains(&code) {
                assert_eq!(unit["status"], "missing");
                assert!(unit["rank"].is_null());
                continue;
            }
            scored += 1;
            let year = json["year"].as_i64().unwrap() as i32;
            let expected = totals(
                &framework,
                &sample::scores(&framework, code, sample::strength(u + b), year),
            );
            assert_eq!(points(&unit["final"]["total"]), expected.total, "{code}");
            assert_eq!(points(&unit["final"]["standard"]), expected.standard, "{code}");
            assert_eq!(points(&unit["final"]["bonus"]), expected.bonus, "{code}");
            assert_eq!(points(&unit["final"]["deduction"]), expected.deduction, "{code}");
            // A unit's rank is one more than the units with a strictly higher total
            // at most, and never better than the units strictly ahead allow.
            let total = expected.total;
            let ahead = units
                .iter()
                .filter(|o| o["final"]["total"].is_number() && points(&o["final"]["total"]) > total)
                .count();
            let rank = unit["rank"].as_u64().unwrap() as usize;
            assert!(rank > ahead, "{code}: rank {rank} with {ahead} ahead");
            let not_behind = units
                .iter()
                .filter(|o| o["final"]["total"].is_number() && points(&o["final"]["total"]) >= total)
                .count();
            assert!(rank <= not_behind, "{code}: rank {rank}, {not_behind} at or above");
        }
    }
    assert_eq!(scored, 33);
}

#[test]
fn summary_sheet_matches_json() {
    let folder = Folder::sample();
    let out = folder.run("run", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = folder.sheet("out/tong-hop.xlsx", "Tổng hợp");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    for title in [
        "Khối",
        "Mã đơn vị",
        "Tên đơn vị",
        "Điểm chuẩn",
        "Điểm thưởng",
        "Điểm trừ",
        "Tổng điểm",
        "Xếp hạng",
        "Xếp loại",
        "Đề nghị khen thưởng",
        "Ghi chú",
    ] {
        assert!(header.iter().any(|h| h == title), "missing column {title}: {header:?}");
    }
    let col = |title: &str| header.iter().position(|h| h == title).unwrap();
    let json = folder.json();
    let units: Vec<&serde_json::Value> = json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["units"].as_array().unwrap())
        .collect();
    let data: Vec<&Vec<calamine::Data>> = rows
        .iter()
        .skip(1)
        .filter(|r| !r[col("Mã đơn vị")].to_string().is_empty())
        .collect();
    assert_eq!(data.len(), units.len());
    for (row, unit) in data.iter().zip(&units) {
        assert_eq!(row[col("Mã đơn vị")].to_string(), unit["code"].as_str().unwrap());
        match unit["final"]["total"].as_f64() {
            Some(total) => {
                let cached = match &row[col("Tổng điểm")] {
                    calamine::Data::Float(f) => *f,
                    calamine::Data::Int(i) => *i as f64,
                    other => panic!("total cell {other:?}"),
                };
                assert!((cached - total).abs() < 1e-9, "{} {cached} vs {total}", unit["code"]);
                assert_eq!(row[col("Xếp hạng")].to_string(), unit["rank"].to_string());
            }
            None => assert!(row[col("Tổng điểm")].to_string().is_empty()),
        }
    }
}

#[test]
fn init_never_overwrites() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let before = std::fs::read(dir.join("thidua.toml")).unwrap();
    let out = folder.run("init", &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("đã có sẵn"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("thidua.toml")).unwrap(), before);
}

#[test]
fn missing_folder_exits_2_naming_it() {
    let out = thidua(&["run", "/khong/co"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("/khong/co"), "{}", stderr(&out));
}

/// The sample committed with the repository is what `cargo run --example
/// make_sample` writes today, file for file: a change to the forms or the
/// settings template must come with the regenerated sample.
#[test]
fn committed_sample_is_what_the_generator_writes() {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/bac-ninh-2026");
    let tmp = tempdir();
    let fresh = tmp.path().join("bac-ninh-2026");
    let date = thidua::calendar::Date {
        year: 2026,
        month: 11,
        day: 21,
    };
    let written = thidua::app::init(&fresh, true, date).unwrap();
    assert!(written.len() > 30, "{written:?}");
    for path in written {
        let rel = path.strip_prefix(&fresh).unwrap();
        let mine = std::fs::read(committed.join(rel)).unwrap_or_default();
        assert!(
            mine == std::fs::read(&path).unwrap(),
            "samples/bac-ninh-2026/{} differs from the generator's: run `cargo run --example make_sample`",
            rel.display()
        );
    }
}
