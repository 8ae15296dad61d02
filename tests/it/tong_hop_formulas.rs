//! The formula text on tong-hop's bloc sheets, cell by cell: each group
//! row caps the sum of its children at the group's maximum, the standard,
//! bonus and deduction rows sum the top groups of their kind, and the
//! total row adds and subtracts those three. Read back with calamine.

use crate::common::*;
use calamine::{open_workbook_auto, Data, Reader};
use thidua::model::column_letters;
use thidua::reference::framework::CriterionKind;
use thidua::sample;

#[test]
fn bloc_sheet_formulas_are_the_expected_text() {
    let folder = Folder::sample();
    let dir = folder.dir.clone();
    let out = folder.run("run", &[]);
    assert!(code(&out) <= 1, "{}{}", stdout(&out), stderr(&out));
    let path = dir.join("out/tong-hop.xlsx");
    let mut wb = open_workbook_auto(&path).expect("open");
    let names = wb.sheet_names().to_vec();
    let bloc_sheets = &names[1..names.len() - 3];
    let framework = sample::framework();
    let mut group_formulas = 0;
    let mut total_formulas = 0;
    for sheet in bloc_sheets {
        let values = wb.worksheet_range(sheet).expect("values");
        let formulas = wb.worksheet_formula(sheet).expect("formulas");
        let label = |r: u32| match values.get_value((r, 1)) {
            Some(Data::String(s)) => s.clone(),
            _ => String::new(),
        };
        let end = values.end().unwrap();
        let find = |text: &str| {
            (0..=end.0)
                .find(|&r| label(r) == text)
                .unwrap_or_else(|| panic!("{sheet}: no row {text}"))
        };
        let first = find(&framework.criteria[0].title);
        let totals = find("Điểm chuẩn");
        assert_eq!(totals, first + framework.criteria.len() as u32);
        let formula = |r: u32, c: u32| formulas.get_value((r, c)).cloned().unwrap_or_default();
        for c in 3..=end.1 {
            let letters = column_letters(c);
            let has_scores = !matches!(values.get_value((totals + 3, c)), None | Some(Data::Empty));
            for (i, crit) in framework.criteria.iter().enumerate() {
                let r = first + i as u32;
                let got = formula(r, c);
                if crit.leaf || !has_scores {
                    assert_eq!(got, "", "{sheet} {letters}{}", r + 1);
                    continue;
                }
                let children: Vec<String> = framework
                    .children(i)
                    .map(|ch| format!("{letters}{}", first + ch as u32 + 1))
                    .collect();
                let sum = if children.is_empty() {
                    "0".to_string()
                } else {
                    format!("SUM({})", children.join(","))
                };
                assert_eq!(got, format!("MIN(C{},{sum})", r + 1), "{sheet} {letters}{}", r + 1);
                group_formulas += 1;
            }
            if !has_scores {
                continue;
            }
            for (k, kind) in [CriterionKind::Standard, CriterionKind::Bonus, CriterionKind::Deduction]
                .iter()
                .enumerate()
            {
                let tops: Vec<String> = framework
                    .tops()
                    .filter(|&i| framework.criteria[i].kind == *kind)
                    .map(|i| format!("{letters}{}", first + i as u32 + 1))
                    .collect();
                let expected = if tops.is_empty() {
                    "0".to_string()
                } else {
                    format!("SUM({})", tops.join(","))
                };
                assert_eq!(formula(totals + k as u32, c), expected, "{sheet} {letters}");
                total_formulas += 1;
            }
            let (s, b, d) = (totals + 1, totals + 2, totals + 3);
            assert_eq!(
                formula(totals + 3, c),
                format!("{letters}{s}+{letters}{b}-{letters}{d}"),
                "{sheet} {letters}"
            );
        }
    }
    assert!(
        group_formulas > 0 && total_formulas > 0,
        "{group_formulas} {total_formulas}"
    );
}
