//! The province's list (`out/de-nghi-toan-tinh.docx`), written every run:
//! every bloc's proposals in one list, grouped by award and then by bloc,
//! with totals, ranks and, where the bloc has voted, the vote share — what
//! the provincial emulation council (Hội đồng Thi đua - Khen thưởng)
//! considers, so that nobody retypes the blocs' letters. A proposal of an
//! incomplete bloc is marked provisional, one whose vote is still due
//! (the award has a threshold, the bloc has no votes yet) says so.
//! Wording: `templates/de-nghi-toan-tinh.j2`.

use std::path::{Path, PathBuf};

use docx_rs::AlignmentType;
use serde::Serialize;

use super::layout::{self, data_row, data_table, spanning_row, Look, TEXT_WIDTH};
use super::view::ranked_units;
use super::wording::{Block, Wording, PROVINCE_TEMPLATE};
use super::{flow, pack, spaced, template_failure};
use crate::error::Fatal;
use crate::outcome::{Outcome, UnitResult};
use crate::settings::{Award, Settings};
use crate::write::atomic_write;

/// The file's name under `out/`.
pub const PROVINCE_FILE: &str = "de-nghi-toan-tinh.docx";

const TABLE: Look = Look::pt(12);

/// What `de-nghi-toan-tinh.j2` sees.
#[derive(Serialize)]
struct ProvinceView {
    year: i32,
    /// `ngày 05 tháng 12 năm 2026`.
    date: String,
    parent: String,
    recipient: String,
    bloc_count: usize,
    /// Blocs with votes.
    voted_count: usize,
    /// Awards with at least one proposal, in precedence order; `@table
    /// award:N` is the list of the N-th.
    awards: Vec<AwardTotal>,
    proposed_count: usize,
    /// Some proposal is provisional (incomplete bloc) / waits for a vote.
    provisional: bool,
    vote_due: bool,
}

#[derive(Serialize)]
struct AwardTotal {
    name: String,
    count: usize,
    blocs: usize,
}

/// One proposal of the list.
struct Line<'a> {
    bloc: &'a str,
    unit: &'a UnitResult,
    /// The award has a threshold and the bloc has not voted yet.
    vote_due: bool,
}

/// Writes `out/de-nghi-toan-tinh.docx`. Fails when the template cannot be
/// rendered or the file written.
pub fn write_province_list(
    out: &Path,
    outcome: &Outcome,
    settings: &Settings,
    wording: &Wording,
) -> Result<PathBuf, Fatal> {
    let path = out.join(PROVINCE_FILE);
    atomic_write(&path, &province_list(outcome, settings, wording)?)?;
    Ok(path)
}

/// Every proposal of `award`, bloc by bloc (registry order), rank order
/// within a bloc.
fn lines<'a>(outcome: &'a Outcome, award: &Award) -> Vec<Line<'a>> {
    outcome
        .blocs
        .iter()
        .flat_map(|bloc| {
            ranked_units(bloc)
                .into_iter()
                .filter(|u| u.award.as_deref() == Some(award.name.as_str()))
                .map(move |unit| Line {
                    bloc: &bloc.name,
                    unit,
                    vote_due: award.vote_threshold.is_some() && !bloc.voted,
                })
        })
        .collect()
}

/// The list as .docx bytes.
pub fn province_list(outcome: &Outcome, settings: &Settings, wording: &Wording) -> Result<Vec<u8>, Fatal> {
    let by_award: Vec<(&Award, Vec<Line>)> = settings
        .awards
        .iter()
        .map(|a| (a, lines(outcome, a)))
        .filter(|(_, lines)| !lines.is_empty())
        .collect();
    let all = || by_award.iter().flat_map(|(_, lines)| lines);
    let view = ProvinceView {
        year: outcome.year,
        date: outcome.report_date.vietnamese(),
        parent: settings.letterhead.parent.clone(),
        recipient: settings.documents.recipient.clone(),
        bloc_count: outcome.blocs.len(),
        voted_count: outcome.blocs.iter().filter(|b| b.voted).count(),
        awards: by_award
            .iter()
            .map(|(a, lines)| {
                let mut blocs: Vec<&str> = lines.iter().map(|l| l.bloc).collect();
                blocs.dedup();
                AwardTotal {
                    name: a.name.clone(),
                    count: lines.len(),
                    blocs: blocs.len(),
                }
            })
            .collect(),
        proposed_count: all().count(),
        provisional: all().any(|l| l.unit.provisional),
        vote_due: all().any(|l| l.vote_due),
    };
    let blocks = wording.render(PROVINCE_TEMPLATE, &view)?;
    let created = format!("{}T00:00:00Z", outcome.report_date);
    let docx = flow(layout::page(&created), &blocks, &mut |block| match block {
        Block::Table(key) if key == "totals" => Ok(spaced(totals_table(&view))),
        Block::Table(key) => match key.strip_prefix("award:").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) if n < by_award.len() => Ok(spaced(award_table(&by_award[n].1))),
            _ => Err(format!(
                "bảng \"{key}\" không có trong danh sách (dùng: award:0…award:{}, totals)",
                by_award.len().saturating_sub(1)
            )),
        },
        _ => Ok(Vec::new()),
    })
    .and_then(|docx| pack(docx, outcome.report_date))
    .map_err(template_failure(PathBuf::from(PROVINCE_FILE), PROVINCE_TEMPLATE))?;
    Ok(docx)
}

/// One award's proposals: a heading row per bloc, then its units with
/// total, rank, classification, the vote and the status.
fn award_table(lines: &[Line]) -> docx_rs::Table {
    let c = AlignmentType::Center;
    let columns = [
        ("STT", 600),
        ("Đơn vị", TEXT_WIDTH - 600 - 850 - 750 - 1_150 - 1_400 - 1_750),
        ("Tổng điểm", 850),
        ("Xếp hạng", 750),
        ("Xếp loại", 1_150),
        // "8/9 (88,89%)" on one line.
        ("Phiếu đồng ý", 1_400),
        // "Chờ bỏ phiếu; Tạm thời" on two lines at most.
        ("Ghi chú", 1_750),
    ];
    let grid: Vec<usize> = columns.iter().map(|(_, w)| *w).collect();
    let mut table = data_table(&columns, Vec::new(), TABLE);
    let mut current = "";
    for (i, line) in lines.iter().enumerate() {
        if line.bloc != current {
            current = line.bloc;
            table = table.add_row(spanning_row(line.bloc, TEXT_WIDTH, columns.len(), TABLE.bold()));
        }
        let unit = line.unit;
        let award = unit.award.as_deref().unwrap_or_default();
        let vote = unit
            .votes
            .iter()
            .find(|v| v.form == award)
            .map(|v| format!("{}/{} ({})", v.agree, v.base, v.percent()))
            .unwrap_or_default();
        let mut notes = Vec::new();
        if line.vote_due {
            notes.push("Chờ bỏ phiếu");
        }
        if unit.provisional {
            notes.push("Tạm thời");
        }
        let cells = [
            ((i + 1).to_string(), c),
            (unit.name.clone(), AlignmentType::Left),
            (
                unit.final_totals.map(|t| t.total.to_vietnamese()).unwrap_or_default(),
                c,
            ),
            (unit.rank.map(|r| r.to_string()).unwrap_or_default(), c),
            (unit.classification.clone().unwrap_or_default(), c),
            (vote, c),
            (notes.join("; "), c),
        ];
        table = table.add_row(data_row(cells.to_vec(), &grid, TABLE));
    }
    table
}

/// Award, units proposed, blocs proposing, and the total.
fn totals_table(view: &ProvinceView) -> docx_rs::Table {
    let c = AlignmentType::Center;
    let columns = [
        ("STT", 600),
        ("Hình thức khen thưởng", TEXT_WIDTH - 600 - 1_600 - 1_600),
        ("Số đơn vị", 1_600),
        ("Số khối", 1_600),
    ];
    let mut rows: Vec<Vec<(String, AlignmentType)>> = view
        .awards
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                ((i + 1).to_string(), c),
                (a.name.clone(), AlignmentType::Left),
                (a.count.to_string(), c),
                (a.blocs.to_string(), c),
            ]
        })
        .collect();
    rows.push(vec![
        (String::new(), c),
        ("Tổng cộng".into(), AlignmentType::Left),
        (view.proposed_count.to_string(), c),
        (String::new(), c),
    ]);
    data_table(&columns, rows, TABLE)
}
