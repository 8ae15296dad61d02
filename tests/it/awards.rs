//! End-to-end tests of ranking and awards (docs/thidua-toml.md) on temporary working
//! folders: a reproduction of a real bloc's year-end proposals, votes,
//! ties, exclusions, incomplete blocs and the award settings' checks.

use std::path::Path;

use crate::common::*;
use serde_json::Value;
use thidua::calendar::Date;
use thidua::model::Points;
use thidua::sample::{self, PARTY_BLOC};
use thidua::write::forms::{form_workbook, FormSpec};

const GOV_FLAG: &str = "Cờ thi đua của Chính phủ";
const PM_CERT: &str = "Bằng khen của Thủ tướng Chính phủ";
const PROV_FLAG: &str = "Cờ thi đua của UBND tỉnh";
const CHAIR_CERT: &str = "Bằng khen của Chủ tịch UBND tỉnh";
const PARTY_CERT: &str = "Bằng khen của Ban Thường vụ Tỉnh ủy";

/// Settings of December 2019 in Bắc Ninh's Party-committees bloc: the
/// counts its meeting proposed , the standing committee's
/// certificate restricted to that bloc. `extra` goes into the first award.
fn settings_2019(gov_flag_extra: &str, next_leader: &str) -> String {
    format!(
        r#"year = 2019
report_date = "2019-12-05"
place = "Bắc Ninh"

[letterhead]
parent = "TỈNH ỦY BẮC NINH"

[documents]
recipient = "Hội đồng Thi đua - Khen thưởng tỉnh Bắc Ninh"

[signer]
form = "TM."
title = "TRƯỞNG KHỐI"

[ranking]
tie_break = ["standard", "deduction", "bonus"]

[[band]]
name = "Xuất sắc"
min_total = 90
min_group_share = 0.85

[[band]]
name = "Tốt"
min_total = 80

[[band]]
name = "Khá"
min_total = 0

[[award]]
name = "{GOV_FLAG}"
count = 1
min_band = "Xuất sắc"
{gov_flag_extra}

[[award]]
name = "{PM_CERT}"
count = 1
min_band = "Xuất sắc"

[[award]]
name = "{PROV_FLAG}"
count = 2
min_band = "Xuất sắc"

[[award]]
name = "{CHAIR_CERT}"
count = 4
min_total = 85

[[award]]
name = "{PARTY_CERT}"
count = 2
blocs = ["{PARTY_BLOC}"]

[next_leader]
{next_leader}
"#
    )
}

/// Half points lost by each Party-bloc member on item I.1, in registry
/// order: the ranking is deliberately not the registry order.
const LOSSES: [i64; 10] = [2, 0, 5, 1, 3, 9, 4, 8, 6, 7];

/// A working folder whose only submissions are the Party bloc's, for 2019,
/// each member losing `losses[u]` half points on I.1 and nothing else.
fn party_folder(settings: &str, losses: &[i64]) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = Folder::sample().into_parts();
    std::fs::write(dir.join("thidua.toml"), settings).unwrap();
    std::fs::remove_dir_all(dir.join("nop")).unwrap();
    let framework = sample::framework();
    let registry = sample::registry();
    let bloc = registry.blocs.iter().find(|b| b.name == PARTY_BLOC).unwrap();
    let item = framework.find("I.1").unwrap();
    for (u, unit) in bloc.units.iter().enumerate() {
        let mut filled: Vec<Points> = framework
            .criteria
            .iter()
            .map(|c| match (c.leaf, c.kind) {
                (true, thidua::reference::framework::CriterionKind::Standard) => c.max,
                _ => Points::ZERO,
            })
            .collect();
        filled[item] = Points(filled[item].0 - 50 * losses[u]);
        let spec = FormSpec {
            bloc: &bloc.name,
            unit_code: &unit.code,
            unit_name: &unit.name,
            year: 2019,
            date: Date {
                year: 2019,
                month: 12,
                day: 5,
            },
            framework: &framework,
            filled: Some(&filled),
        };
        let path = dir.join("nop/dang").join(format!("{}.xlsx", unit.code.to_lowercase()));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, form_workbook(&spec).unwrap()).unwrap();
    }
    (tmp, dir)
}

fn run_json(dir: &Path, expected_code: i32) -> Value {
    let out = thidua(&["run", dir.to_str().unwrap()]);
    assert_eq!(code(&out), expected_code, "{}{}", stdout(&out), stderr(&out));
    result_json(dir)
}

fn bloc<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("bloc {name}"))
}

fn unit<'a>(bloc: &'a Value, code: &str) -> &'a Value {
    bloc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap_or_else(|| panic!("unit {code}"))
}

/// Award of each unit code (`DG01`…), in registry order.
fn awards(bloc: &Value) -> Vec<(String, Option<String>)> {
    bloc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_string(),
                u["award"].as_str().map(String::from),
            )
        })
        .collect()
}

fn issues<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .collect()
}

#[test]
fn bac_ninh_party_bloc_december_2019_is_reproduced() {
    let (_tmp, dir) = party_folder(&settings_2019("", "policy = \"rotation\""), &LOSSES);
    let json = run_json(&dir, 0);
    assert_eq!(json["year"], 2019);
    let party = bloc(&json, PARTY_BLOC);
    assert_eq!(party["complete"], true);
    // Ranks follow the losses: DG02 first, then DG04, DG01, DG05, …
    let expected_ranks = [3, 1, 6, 2, 4, 10, 5, 9, 7, 8];
    for (u, rank) in expected_ranks.iter().enumerate() {
        let unit = &party["units"][u];
        assert_eq!(unit["rank"], *rank, "{}", unit["code"]);
        assert_eq!(unit["classification"], "Xuất sắc", "{}", unit["code"]);
        assert_eq!(unit["eligible"], true);
        assert_eq!(unit["provisional"], false);
    }
    let given = awards(party);
    let count = |name: &str| given.iter().filter(|(_, a)| a.as_deref() == Some(name)).count();
    assert_eq!(count(GOV_FLAG), 1);
    assert_eq!(count(PM_CERT), 1);
    assert_eq!(count(PROV_FLAG), 2);
    assert_eq!(count(CHAIR_CERT), 4);
    assert_eq!(count(PARTY_CERT), 2);
    let award_of = |code: &str| unit(party, code)["award"].as_str().map(String::from);
    assert_eq!(award_of("DG02").as_deref(), Some(GOV_FLAG));
    assert_eq!(award_of("DG04").as_deref(), Some(PM_CERT));
    assert_eq!(award_of("DG01").as_deref(), Some(PROV_FLAG));
    assert_eq!(award_of("DG05").as_deref(), Some(PROV_FLAG));
    for code in ["DG07", "DG03", "DG09", "DG10"] {
        assert_eq!(award_of(code).as_deref(), Some(CHAIR_CERT), "{code}");
    }
    for code in ["DG08", "DG06"] {
        assert_eq!(award_of(code).as_deref(), Some(PARTY_CERT), "{code}");
    }
    assert_eq!(party["next_leader"], "Văn phòng Tỉnh ủy");
    assert_eq!(party["next_deputy"], "Ban Tổ chức Tỉnh ủy");
    // The standing committee's certificate is the Party bloc's alone; the
    // other blocs (nobody submitted) propose nothing at all.
    for other in json["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["name"] != PARTY_BLOC)
    {
        assert_eq!(other["complete"], false);
        assert!(awards(other).iter().all(|(_, a)| a.is_none()));
    }
    assert!(issues(&json, "award.tie").is_empty());
}

#[test]
fn tie_at_the_flag_edge_is_reported_by_name_and_left_open() {
    // DG01 and DG02 both lose nothing: tied after every key for one flag.
    let mut losses = LOSSES;
    losses[0] = 0;
    let (_tmp, dir) = party_folder(&settings_2019("", "policy = \"top\""), &losses);
    let json = run_json(&dir, 0);
    let party = bloc(&json, PARTY_BLOC);
    assert_eq!(unit(party, "DG01")["rank"], 1);
    assert_eq!(unit(party, "DG02")["rank"], 1);
    assert!(unit(party, "DG01")["award"].is_null());
    assert!(unit(party, "DG02")["award"].is_null());
    // The runner-up's place (PM certificate) is held for the loser of the tie;
    // the flags go on down the ranking.
    assert_eq!(unit(party, "DG04")["award"], PROV_FLAG);
    let ties = issues(&json, "award.tie");
    assert_eq!(ties.len(), 1);
    let message = ties[0]["message"].as_str().unwrap();
    assert_eq!(ties[0]["severity"], "warning");
    for name in ["Văn phòng Tỉnh ủy (DG01)", "Ban Tổ chức Tỉnh ủy (DG02)", GOV_FLAG] {
        assert!(message.contains(name), "{message}");
    }
    // With policy "top" the tie for first place leaves next year's leader open.
    assert!(party["next_leader"].is_null());
    let undecided: Vec<&str> = issues(&json, "leader.undecided")
        .iter()
        .filter_map(|i| i["message"].as_str())
        .filter(|m| m.starts_with(PARTY_BLOC))
        .collect();
    assert_eq!(undecided.len(), 1, "{undecided:?}");
    assert!(undecided[0].contains("Văn phòng Tỉnh ủy (DG01), Ban Tổ chức Tỉnh ủy (DG02)"));
}

/// phieu-bau.xlsx with the given rows under its header row.
fn write_votes(path: &Path, rows: &[(&str, &str, &str, f64, f64)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Phiếu bầu").unwrap();
    ws.write_string(0, 0, "KẾT QUẢ BỎ PHIẾU BÌNH XÉT").unwrap();
    for (c, title) in ["Khối", "Mã đơn vị", "Hình thức", "Đồng ý", "Tổng số phiếu"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *title).unwrap();
    }
    for (r, (bloc, code, form, agree, total)) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        ws.write_string(r, 0, *bloc).unwrap();
        ws.write_string(r, 1, *code).unwrap();
        ws.write_string(r, 2, *form).unwrap();
        ws.write_number(r, 3, *agree).unwrap();
        ws.write_number(r, 4, *total).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn votes_decide_flags_and_leader_and_invalid_rows_are_located() {
    let settings = settings_2019("vote_threshold = 0.8", "policy = \"vote\"");
    let (_tmp, dir) = party_folder(&settings, &LOSSES);
    write_votes(
        &dir.join("phieu-bau.xlsx"),
        &[
            // Row 4: DG02, first, falls short of 80% for the Government flag.
            (PARTY_BLOC, "DG02", GOV_FLAG, 7.0, 10.0),
            (PARTY_BLOC, "DG04", GOV_FLAG, 9.0, 10.0),
            (PARTY_BLOC, "DG03", "Trưởng khối", 4.0, 10.0),
            (PARTY_BLOC, "DG01", "trưởng khối", 6.0, 10.0),
            (PARTY_BLOC, "DG05", "Phó khối", 8.0, 10.0),
            // Row 9: unknown unit; row 10: unknown award; row 11: agree > total.
            (PARTY_BLOC, "DG99", GOV_FLAG, 9.0, 10.0),
            (PARTY_BLOC, "DG03", "Huân chương Lao động hạng Ba", 9.0, 10.0),
            (PARTY_BLOC, "DG07", GOV_FLAG, 12.0, 10.0),
            // Row 12: the unit is not in this bloc; row 13: no ballots.
            (sample::CULTURE_BLOC, "DG05", PM_CERT, 5.0, 10.0),
            (PARTY_BLOC, "DG05", PM_CERT, 0.0, 0.0),
        ],
    );
    // vote.invalid is an error: outputs are written, exit code 1.
    let json = run_json(&dir, 1);
    let party = bloc(&json, PARTY_BLOC);
    assert!(unit(party, "DG02")["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("7/10")));
    assert_eq!(unit(party, "DG04")["award"], GOV_FLAG, "9/10 passes 80%");
    assert_eq!(unit(party, "DG02")["award"], PM_CERT, "no threshold on the certificate");
    assert_eq!(party["next_leader"], "Văn phòng Tỉnh ủy");
    assert_eq!(party["next_deputy"], "Ban Nội chính Tỉnh ủy");
    let invalid = issues(&json, "vote.invalid");
    let located: Vec<(&str, &str, &str)> = invalid
        .iter()
        .map(|i| {
            (
                i["file"].as_str().unwrap(),
                i["sheet"].as_str().unwrap(),
                i["cell"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        located,
        vec![
            ("phieu-bau.xlsx", "Phiếu bầu", "B9"),
            ("phieu-bau.xlsx", "Phiếu bầu", "C10"),
            ("phieu-bau.xlsx", "Phiếu bầu", "D11"),
            ("phieu-bau.xlsx", "Phiếu bầu", "A12"),
            ("phieu-bau.xlsx", "Phiếu bầu", "E13"),
        ]
    );
    assert!(invalid.iter().all(|i| i["severity"] == "error"));
    assert!(invalid[0]["message"].as_str().unwrap().contains("DG99"));
    assert!(invalid[1]["message"]
        .as_str()
        .unwrap()
        .contains("Huân chương Lao động hạng Ba"));
    assert!(invalid[2]["message"].as_str().unwrap().contains("12"));
    assert!(invalid[3]["message"].as_str().unwrap().contains(PARTY_BLOC));
    assert_eq!(invalid[3]["unit"], "DG05");
}

#[test]
fn vote_policy_without_votes_file_warns_and_leaves_the_leader_open() {
    let (_tmp, dir) = party_folder(&settings_2019("", "policy = \"vote\""), &LOSSES);
    let json = run_json(&dir, 0);
    let party = bloc(&json, PARTY_BLOC);
    assert!(party["next_leader"].is_null());
    let undecided = issues(&json, "leader.undecided");
    assert!(undecided
        .iter()
        .any(|i| i["message"].as_str().unwrap().contains(PARTY_BLOC)));
}

#[test]
fn excluded_and_incomplete_blocs_in_the_sample() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let json = run_json(&dir, 0);
    // NC04 is in the `Không xét` sheet: ranked, never proposed, reason noted.
    let internal = bloc(&json, sample::INTERNAL_BLOC);
    let nc04 = unit(internal, "NC04");
    assert!(nc04["rank"].is_number());
    assert_eq!(nc04["eligible"], false);
    assert!(nc04["award"].is_null());
    assert!(
        nc04["notes"][0].as_str().unwrap().contains("khiếu nại"),
        "{}",
        nc04["notes"]
    );
    // KT08 is missing: its bloc is incomplete and every proposal provisional.
    let economic = bloc(&json, sample::ECONOMIC_BLOC);
    assert_eq!(economic["complete"], false);
    let units = economic["units"].as_array().unwrap();
    assert!(units.iter().any(|u| u["award"].is_string()));
    for u in units {
        assert_eq!(u["provisional"], u["award"].is_string(), "{}", u["code"]);
    }
    assert_eq!(bloc(&json, PARTY_BLOC)["complete"], true);
}

/// Runs `check` on the sample with `edit` applied to thidua.toml; expects
/// exit code 2 and a message naming `key`.
fn bad_setting(edit: impl Fn(&str) -> String, key: &str) -> String {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let path = dir.join("thidua.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit must change the settings");
    std::fs::write(&path, edited).unwrap();
    let out = folder.run("check", &[]);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains(key), "message should name {key}: {err}");
    assert!(err.contains("thidua.toml"), "{err}");
    err
}

#[test]
fn award_settings_errors_name_the_key_and_exit_2() {
    let err = bad_setting(
        |t| t.replacen("min_band = \"Xuất sắc\"", "min_band = \"Xuat sac\"", 1),
        "min_band",
    );
    assert!(err.contains("không có trong các mục [[band]]"), "{err}");
    let err = bad_setting(|t| t.replacen("count = 1\n", "count = 1\nshare = 0.2\n", 1), "share");
    assert!(err.contains("chỉ ghi một trong hai khóa"), "{err}");
    let err = bad_setting(
        |t| {
            format!(
                "{t}\n[[bloc]]\nname = \"{}\"\nquotas = {{ \"Huy hiệu\" = 2 }}\n",
                sample::PARTY_BLOC
            )
        },
        "quotas",
    );
    assert!(err.contains("Huy hiệu"), "{err}");
    let err = bad_setting(
        |t| t.replacen("share = 0.3\n", "share = 0.3\nblocs = [\"Khối không có\"]\n", 1),
        "blocs",
    );
    assert!(err.contains("Khối không có"), "{err}");
    let err = bad_setting(|t| t.replacen("min_total = 80\n", "min_total = 95\n", 1), "min_total");
    assert!(err.contains("từ cao xuống thấp"), "{err}");
    let err = bad_setting(
        |t| t.replacen("\"deduction\", \"bonus\"]", "\"deduction\", \"điểm\"]", 1),
        "tie_break",
    );
    assert!(err.contains("group:"), "{err}");
    let err = bad_setting(
        |t| t.replacen("policy = \"rotation\"", "policy = \"random\"", 1),
        "policy",
    );
    assert!(err.contains("rotation"), "{err}");
    bad_setting(
        |t| t.replacen("vote_threshold = 0.8", "vote_threshold = 80", 1),
        "vote_threshold",
    );
}
