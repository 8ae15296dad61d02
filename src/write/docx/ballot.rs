//! The ballot of a bloc's meeting (`out/phieu-bau/<bloc>.docx`, phiếu
//! bầu): the candidates in rank order with their totals and
//! classification, a column of boxes per award the meeting votes on, and
//! next year's leader and deputy; one A4 page where the bloc's size allows.
//! No national form exists: the layout follows the secret
//! ballots blocs print, with the letterhead's top row and no number, date
//! or signature (the ballot is anonymous). Wording: `templates/phieu-bau.j2`.

use std::path::{Path, PathBuf};

use docx_rs::AlignmentType;
use serde::Serialize;

use super::layout::{self, data_table, Look, TEXT_WIDTH};
use super::view::issuer;
use super::wording::{Block, Wording, BALLOT_TEMPLATE};
use super::{draft_mark, flow, letterhead_top, pack, spaced, template_failure, write_per_bloc};
use crate::error::Fatal;
use crate::outcome::{BlocResult, Outcome};
use crate::settings::{LeaderPolicy, Settings, VoteBase};

/// Output folder under `out/`.
pub const BALLOT_DIR: &str = "phieu-bau";

/// Table text on the ballot: small enough for a bloc of a dozen on a page.
const TABLE: Look = Look::pt(12);

/// What `phieu-bau.j2` sees.
#[derive(Serialize)]
struct BallotView {
    year: i32,
    next_year: i32,
    bloc: String,
    draft: bool,
    /// The awards voted on, in precedence order.
    awards: Vec<VotedAward>,
    /// Candidates of any award, in rank order.
    candidate_count: usize,
    /// Next year's leader and deputy are elected on this ballot.
    leader_vote: bool,
    next_leader: Option<String>,
    next_deputy: Option<String>,
}

#[derive(Serialize)]
struct VotedAward {
    name: String,
    /// Places in the bloc.
    places: usize,
    /// `80% số phiếu`, `90% tổng số thành viên của Khối`.
    threshold: String,
    /// The share counts over every member, not the ballots.
    members: bool,
}

/// Writes `out/phieu-bau/<bloc>.docx` for every bloc, blocs in parallel.
/// Returns the files written, in bloc order.
pub fn write_ballots(
    out: &Path,
    outcome: &Outcome,
    settings: &Settings,
    wording: &Wording,
) -> Result<Vec<PathBuf>, Fatal> {
    write_per_bloc(out, BALLOT_DIR, outcome, |bloc| {
        ballot(outcome, bloc, settings, wording).map(Some)
    })
}

/// The ballot of `bloc`, as .docx bytes. Fails when the template cannot be
/// rendered.
pub fn ballot(outcome: &Outcome, bloc: &BlocResult, settings: &Settings, wording: &Wording) -> Result<Vec<u8>, Fatal> {
    let size = bloc.units.len();
    let awards: Vec<VotedAward> = bloc
        .ballot
        .iter()
        .filter_map(|b| settings.awards.iter().find(|a| a.name == b.award))
        .map(|a| VotedAward {
            name: a.name.clone(),
            places: settings.quota(a, &bloc.name, size),
            threshold: format!(
                "{} {}",
                a.vote_threshold.map(|t| t.percent()).unwrap_or_default(),
                if a.vote_base == VoteBase::Members {
                    "tổng số thành viên của Khối"
                } else {
                    "số phiếu"
                }
            ),
            members: a.vote_base == VoteBase::Members,
        })
        .collect();
    let candidates = candidates(bloc);
    let view = BallotView {
        year: outcome.year,
        next_year: outcome.year + 1,
        bloc: bloc.name.clone(),
        draft: !bloc.complete,
        candidate_count: candidates.len(),
        awards,
        leader_vote: settings.next_leader.policy == LeaderPolicy::Vote,
        next_leader: bloc.next_leader.clone(),
        next_deputy: bloc.next_deputy.clone(),
    };
    let blocks = wording.render(BALLOT_TEMPLATE, &view)?;
    let created = format!("{}T00:00:00Z", outcome.report_date);
    let mut docx = layout::page(&created);
    if view.draft {
        docx = docx.add_paragraph(draft_mark());
    }
    docx = docx.add_table(letterhead_top(
        &settings.letterhead.parent,
        &issuer(settings, &bloc.name),
    ));
    let docx = flow(docx, &blocks, &mut |block| match block {
        Block::Table(key) if key == "candidates" => Ok(spaced(candidates_table(bloc, &view, &candidates))),
        Block::Table(key) if key == "leaders" => Ok(spaced(leaders_table(bloc, &view))),
        Block::Table(key) => Err(format!(
            "bảng \"{key}\" không có trong phiếu bầu (dùng: candidates, leaders)"
        )),
        _ => Ok(Vec::new()),
    })
    .and_then(|docx| pack(docx, outcome.report_date))
    .map_err(template_failure(
        PathBuf::from(BALLOT_DIR).join(format!("{}.docx", crate::write::names::slug(&bloc.name))),
        BALLOT_TEMPLATE,
    ))?;
    Ok(docx)
}

/// Units that are a candidate for at least one voted award, in rank order
/// (ties in registry order).
fn candidates(bloc: &BlocResult) -> Vec<usize> {
    let mut units: Vec<usize> = bloc.ballot.iter().flat_map(|b| b.candidates.iter().copied()).collect();
    units.sort_by_key(|&u| (bloc.units[u].rank, u));
    units.dedup();
    units
}

/// STT, unit, total, classification, then a box (an empty cell) per voted
/// award where the unit is a candidate, `–` where it is not.
fn candidates_table(bloc: &BlocResult, view: &BallotView, candidates: &[usize]) -> docx_rs::Table {
    let award_width = match view.awards.len() {
        0 => 0,
        n => ((TEXT_WIDTH - 600 - 800 - 1_000 - 2_400) / n).min(1_600),
    };
    let name_width = TEXT_WIDTH - 600 - 800 - 1_000 - award_width * view.awards.len();
    let titles: Vec<String> = view
        .awards
        .iter()
        .map(|a| format!("{} ({} suất)", a.name, a.places))
        .collect();
    let mut columns: Vec<(&str, usize)> = vec![
        ("STT", 600),
        ("Đơn vị", name_width),
        ("Tổng điểm", 800),
        ("Xếp loại", 1_000),
    ];
    columns.extend(titles.iter().map(|t| (t.as_str(), award_width)));
    let c = AlignmentType::Center;
    let rows = candidates
        .iter()
        .enumerate()
        .map(|(i, &u)| {
            let unit = &bloc.units[u];
            let mut row = vec![
                ((i + 1).to_string(), c),
                (unit.name.clone(), AlignmentType::Left),
                (
                    unit.final_totals.map(|t| t.total.to_vietnamese()).unwrap_or_default(),
                    c,
                ),
                (unit.classification.clone().unwrap_or_default(), c),
            ];
            for award in &bloc.ballot {
                let mark = if award.candidates.contains(&u) { "" } else { "–" };
                row.push((mark.to_string(), c));
            }
            row
        })
        .collect();
    data_table(&columns, rows, TABLE)
}

/// Under `policy = "vote"`: every member with a box for leader and one for
/// deputy. Otherwise: the proposed leader and deputy with boxes to agree or
/// disagree.
fn leaders_table(bloc: &BlocResult, view: &BallotView) -> docx_rs::Table {
    let c = AlignmentType::Center;
    if view.leader_vote {
        let leader = format!("Trưởng khối năm {}", view.next_year);
        let deputy = format!("Phó khối năm {}", view.next_year);
        let columns = [
            ("STT", 600),
            ("Đơn vị", TEXT_WIDTH - 600 - 2 * 1_900),
            (leader.as_str(), 1_900),
            (deputy.as_str(), 1_900),
        ];
        let rows = bloc
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    ((i + 1).to_string(), c),
                    (u.name.clone(), AlignmentType::Left),
                    (String::new(), c),
                    (String::new(), c),
                ]
            })
            .collect();
        return data_table(&columns, rows, TABLE);
    }
    let columns = [
        // "Trưởng khối năm 2027", "Không đồng ý" on one line.
        ("Chức danh", 2_500),
        ("Đơn vị", TEXT_WIDTH - 2_500 - 2 * 1_500),
        ("Đồng ý", 1_500),
        ("Không đồng ý", 1_500),
    ];
    let rows = [
        (format!("Trưởng khối năm {}", view.next_year), &view.next_leader),
        (format!("Phó khối năm {}", view.next_year), &view.next_deputy),
    ]
    .into_iter()
    .map(|(role, unit)| {
        vec![
            (role, AlignmentType::Left),
            (
                unit.clone().unwrap_or_else(|| "……………………………………".into()),
                AlignmentType::Left,
            ),
            (String::new(), c),
            (String::new(), c),
        ]
    })
    .collect();
    data_table(&columns, rows, TABLE)
}
