//! The minutes of a bloc's selection meeting (`out/bien-ban/<bloc>.docx`,
//! Biên bản hội nghị bình xét thi đua, khen thưởng), written for each bloc
//! that has votes, in the layout of Nghị định 30/2020 (type code BB): when
//! and where, chair and secretary, members present and absent, the ranking
//! in brief, each candidate's votes per award against its threshold, what
//! was agreed, next year's leader and deputy, and the chair's and the
//! secretary's signatures. A fact the votes workbook does not give is left
//! as a dotted blank to fill by hand, never invented. Wording:
//! `templates/bien-ban.j2`.

use std::path::{Path, PathBuf};

use docx_rs::{AlignmentType, TableRow};
use serde::Serialize;

use super::layout::{self, borderless, cell, data_table, data_table_or, line, paragraph, Look, TEXT_WIDTH};
use super::view::{issuer, ranked_units};
use super::wording::{Block, Wording, MINUTES_TEMPLATE};
use super::{draft_mark, flow, letterhead, pack, spaced, template_failure, write_per_bloc};
use crate::error::Fatal;
use crate::outcome::{BlocResult, Outcome, UnitVote};
use crate::settings::{Settings, VoteBase, DEPUTY_VOTE, LEADER_VOTE};

/// Output folder under `out/`.
pub const MINUTES_DIR: &str = "bien-ban";

/// A blank to fill by hand.
const DOTS: &str = "……………………………";
const TABLE: Look = Look::pt(12);

/// What `bien-ban.j2` sees: the meeting's facts as given (`none` where
/// the workbook is silent) and the results in Vietnamese form.
#[derive(Serialize)]
struct MinutesView {
    year: i32,
    next_year: i32,
    bloc: String,
    issuer: String,
    draft: bool,
    /// `ngày 05 tháng 12 năm 2026`, or `none`.
    date: Option<String>,
    place: Option<String>,
    chair: Option<String>,
    secretary: Option<String>,
    present: Option<u32>,
    absent: Vec<String>,
    member_count: usize,
    scored_count: usize,
    /// The awards voted on, each with its table (`@table vote:N`).
    awards: Vec<VotedAward>,
    /// Leader and deputy votes were cast (`@table leaders`).
    leader_votes: bool,
    proposed_count: usize,
    next_leader: Option<String>,
    next_deputy: Option<String>,
}

#[derive(Serialize)]
struct VotedAward {
    name: String,
    threshold: String,
    members: bool,
    passed: usize,
}

/// Writes `out/bien-ban/<bloc>.docx` for every bloc with votes, blocs in
/// parallel, and removes the minutes a previous run wrote for a bloc that
/// now has none. Returns the files written, in bloc order.
pub fn write_minutes(
    out: &Path,
    outcome: &Outcome,
    settings: &Settings,
    wording: &Wording,
) -> Result<Vec<PathBuf>, Fatal> {
    write_per_bloc(out, MINUTES_DIR, outcome, |bloc| {
        bloc.voted
            .then(|| minutes(outcome, bloc, settings, wording))
            .transpose()
    })
}

/// The minutes of `bloc`, as .docx bytes. Fails when the template cannot
/// be rendered.
pub fn minutes(outcome: &Outcome, bloc: &BlocResult, settings: &Settings, wording: &Wording) -> Result<Vec<u8>, Fatal> {
    let meeting = bloc.meeting.clone().unwrap_or_default();
    let awards: Vec<VotedAward> = settings
        .awards
        .iter()
        .filter(|a| a.vote_threshold.is_some() && (has_votes(bloc, &a.name) || on_ballot(bloc, &a.name)))
        .map(|a| VotedAward {
            name: a.name.clone(),
            threshold: a.vote_threshold.map(|t| t.percent()).unwrap_or_default(),
            members: a.vote_base == VoteBase::Members,
            passed: votes_for(bloc, &a.name).filter(|(_, v)| v.passed == Some(true)).count(),
        })
        .collect();
    let view = MinutesView {
        year: outcome.year,
        next_year: outcome.year + 1,
        bloc: bloc.name.clone(),
        issuer: issuer(settings, &bloc.name),
        draft: !bloc.complete,
        date: meeting.date.map(|d| d.vietnamese()),
        place: meeting.place.clone(),
        chair: meeting.chair.clone(),
        secretary: meeting.secretary.clone(),
        present: meeting.present,
        absent: meeting.absent.clone(),
        member_count: bloc.units.len(),
        scored_count: bloc.units.iter().filter(|u| u.rank.is_some()).count(),
        leader_votes: has_votes(bloc, LEADER_VOTE) || has_votes(bloc, DEPUTY_VOTE),
        proposed_count: bloc.units.iter().filter(|u| u.award.is_some()).count(),
        next_leader: bloc.next_leader.clone(),
        next_deputy: bloc.next_deputy.clone(),
        awards,
    };
    let blocks = wording.render(MINUTES_TEMPLATE, &view)?;
    let created = format!("{}T00:00:00Z", outcome.report_date);
    let mut docx = layout::page(&created);
    if view.draft {
        docx = docx.add_paragraph(draft_mark());
    }
    let code = settings.letterhead.code.trim();
    let number = if code.is_empty() {
        "     /BB".to_string()
    } else {
        format!("     /BB-{code}")
    };
    let date = view
        .date
        .clone()
        .unwrap_or_else(|| format!("ngày …… tháng …… năm {}", outcome.year));
    docx = docx.add_table(letterhead(
        &settings.letterhead.parent,
        &view.issuer,
        &number,
        &format!("{}, {date}", settings.place),
    ));
    let docx = flow(docx, &blocks, &mut |block| match block {
        Block::Table(key) if key == "ranking" => Ok(spaced(ranking_table(bloc))),
        Block::Table(key) if key == "leaders" => Ok(spaced(leaders_table(bloc))),
        Block::Table(key) if key == "agreed" => Ok(spaced(agreed_table(bloc, settings))),
        Block::Table(key) => match key.strip_prefix("vote:").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) if n < view.awards.len() => Ok(spaced(vote_table(bloc, &view.awards[n].name))),
            _ => Err(format!(
                "bảng \"{key}\" không có trong biên bản (dùng: ranking, vote:0…vote:{}, leaders, agreed)",
                view.awards.len().saturating_sub(1)
            )),
        },
        Block::Sign => Ok(spaced(signatures(&view))),
        _ => Ok(Vec::new()),
    })
    .and_then(|docx| pack(docx, outcome.report_date))
    .map_err(template_failure(
        PathBuf::from(MINUTES_DIR).join(format!("{}.docx", crate::write::names::slug(&bloc.name))),
        MINUTES_TEMPLATE,
    ))?;
    Ok(docx)
}

fn on_ballot(bloc: &BlocResult, award: &str) -> bool {
    bloc.ballot.iter().any(|b| b.award == award)
}

fn has_votes(bloc: &BlocResult, form: &str) -> bool {
    votes_for(bloc, form).next().is_some()
}

/// Every unit's vote for `form`, in registry order.
fn votes_for<'a>(bloc: &'a BlocResult, form: &'a str) -> impl Iterator<Item = (usize, &'a UnitVote)> {
    bloc.units
        .iter()
        .enumerate()
        .flat_map(move |(u, unit)| unit.votes.iter().filter(move |v| v.form == form).map(move |v| (u, v)))
}

/// Share of the ballots and of every member, as the minutes print them.
fn shares(vote: &UnitVote, members: usize) -> (String, String) {
    let of = |base: u32| UnitVote::new(&vote.form, vote.agree, vote.total, base, None).percent();
    (of(vote.total), of(members as u32))
}

/// STT, unit, total, rank, classification: the ranking in brief.
fn ranking_table(bloc: &BlocResult) -> docx_rs::Table {
    let c = AlignmentType::Center;
    let columns = [
        ("STT", 600),
        ("Đơn vị", TEXT_WIDTH - 600 - 1_100 - 1_000 - 1_500),
        ("Tổng điểm", 1_100),
        ("Xếp hạng", 1_000),
        ("Xếp loại", 1_500),
    ];
    let rows = ranked_units(bloc)
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            vec![
                ((i + 1).to_string(), c),
                (u.name.clone(), AlignmentType::Left),
                (
                    u.final_totals
                        .map(|t| t.total.to_vietnamese())
                        .unwrap_or_else(|| "-".into()),
                    c,
                ),
                (u.rank.map(|r| r.to_string()).unwrap_or_else(|| "-".into()), c),
                (
                    match (u.rank, &u.classification) {
                        (Some(_), Some(class)) => class.clone(),
                        (Some(_), None) => String::new(),
                        (None, _) => "Chưa có kết quả".into(),
                    },
                    c,
                ),
            ]
        })
        .collect();
    data_table(&columns, rows, TABLE)
}

/// Each candidate's votes for one award: agreed, ballots, share of the
/// ballots, share of all members, the threshold applied, đạt / không đạt.
fn vote_table(bloc: &BlocResult, award: &str) -> docx_rs::Table {
    let c = AlignmentType::Center;
    let columns = [
        ("STT", 600),
        ("Đơn vị", TEXT_WIDTH - 600 - 800 - 800 - 1_100 - 1_200 - 1_150 - 1_150),
        ("Đồng ý", 800),
        ("Số phiếu", 800),
        ("Tỷ lệ / số phiếu", 1_100),
        ("Tỷ lệ / tổng số thành viên", 1_200),
        // "80% phiếu", "Không đạt" on one line.
        ("Cần đạt", 1_150),
        ("Kết quả", 1_150),
    ];
    let mut units: Vec<usize> = bloc
        .ballot
        .iter()
        .filter(|b| b.award == award)
        .flat_map(|b| b.candidates.iter().copied())
        .collect();
    for (u, _) in votes_for(bloc, award) {
        if !units.contains(&u) {
            units.push(u);
        }
    }
    let rows: Vec<Vec<(String, AlignmentType)>> = units
        .iter()
        .enumerate()
        .map(|(i, &u)| {
            let unit = &bloc.units[u];
            let vote = unit.votes.iter().find(|v| v.form == award);
            let mut row = vec![((i + 1).to_string(), c), (unit.name.clone(), AlignmentType::Left)];
            match vote {
                Some(v) => {
                    let (of_ballots, of_members) = shares(v, bloc.units.len());
                    let (needed, verdict) = match (v.threshold, v.passed) {
                        (Some(t), Some(passed)) => {
                            let over = if v.over_members() { " thành viên" } else { " phiếu" };
                            (
                                format!("{}{over}", t.percent()),
                                if passed { "Đạt" } else { "Không đạt" },
                            )
                        }
                        _ => (String::new(), ""),
                    };
                    row.extend([
                        (v.agree.to_string(), c),
                        (v.total.to_string(), c),
                        (of_ballots, c),
                        (of_members, c),
                        (needed, c),
                        (verdict.to_string(), c),
                    ]);
                }
                None => {
                    row.extend((0..5).map(|_| ("-".to_string(), c)));
                    row.push(("Chưa có phiếu".into(), c));
                }
            }
            row
        })
        .collect();
    data_table_or(&columns, rows, TABLE, "Không có đơn vị thuộc diện bỏ phiếu.")
}

/// The leader and deputy votes: unit, form, agreed, ballots, share, result.
fn leaders_table(bloc: &BlocResult) -> docx_rs::Table {
    let c = AlignmentType::Center;
    let columns = [
        ("STT", 600),
        ("Đơn vị", TEXT_WIDTH - 600 - 1_500 - 850 - 850 - 1_150 - 1_300),
        ("Bầu", 1_500),
        ("Đồng ý", 850),
        ("Số phiếu", 850),
        ("Tỷ lệ", 1_150),
        ("Kết quả", 1_300),
    ];
    let mut rows = Vec::new();
    for (form, elected) in [(LEADER_VOTE, &bloc.next_leader), (DEPUTY_VOTE, &bloc.next_deputy)] {
        let mut votes: Vec<(usize, &UnitVote)> = votes_for(bloc, form).collect();
        // Most agree votes first, as the count is read out.
        votes.sort_by(|(a, x), (b, y)| {
            (u64::from(y.agree) * u64::from(x.total))
                .cmp(&(u64::from(x.agree) * u64::from(y.total)))
                .then(a.cmp(b))
        });
        for (u, v) in votes {
            let unit = &bloc.units[u];
            let result = if elected.as_deref() == Some(unit.name.as_str()) {
                "Trúng cử"
            } else {
                ""
            };
            rows.push(vec![
                ((rows.len() + 1).to_string(), c),
                (unit.name.clone(), AlignmentType::Left),
                (form.to_string(), c),
                (v.agree.to_string(), c),
                (v.total.to_string(), c),
                (v.percent(), c),
                (result.to_string(), c),
            ]);
        }
    }
    data_table(&columns, rows, TABLE)
}

/// STT, unit, award: what the meeting agreed to propose, by award then rank.
fn agreed_table(bloc: &BlocResult, settings: &Settings) -> docx_rs::Table {
    let c = AlignmentType::Center;
    let columns = [
        ("STT", 600),
        ("Tập thể", TEXT_WIDTH - 600 - 3_750 - 1_500),
        ("Hình thức khen thưởng", 3_750),
        ("Ghi chú", 1_500),
    ];
    let mut rows = Vec::new();
    for award in &settings.awards {
        for u in ranked_units(bloc)
            .into_iter()
            .filter(|u| u.award.as_deref() == Some(award.name.as_str()))
        {
            let note = match u.votes.iter().find(|v| v.form == award.name) {
                Some(v) => format!("{}/{} phiếu", v.agree, v.total),
                None => String::new(),
            };
            let note = if u.provisional {
                [note.as_str(), "tạm thời"]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                note
            };
            rows.push(vec![
                ((rows.len() + 1).to_string(), c),
                (u.name.clone(), AlignmentType::Left),
                (award.name.clone(), AlignmentType::Left),
                (note, c),
            ]);
        }
    }
    data_table_or(&columns, rows, TABLE, "Không có đơn vị được đề nghị khen thưởng.")
}

/// The secretary (left) and the chair (right) sign; a name the workbook
/// does not give is left blank for the hand.
fn signatures(view: &MinutesView) -> docx_rs::Table {
    let look = Look::pt(14).bold();
    let block = |title: &str, name: &Option<String>| {
        let mut paragraphs = vec![
            line(title, AlignmentType::Center, look).line_spacing(layout::spacing(240, 0)),
            line("(Ký, ghi rõ họ tên)", AlignmentType::Center, Look::pt(13).italic()),
        ];
        for _ in 0..4 {
            paragraphs.push(paragraph(AlignmentType::Center, Look::pt(14)));
        }
        paragraphs.push(line(name.as_deref().unwrap_or(DOTS), AlignmentType::Center, look));
        paragraphs
    };
    let half = TEXT_WIDTH / 2;
    borderless(
        &[half, TEXT_WIDTH - half],
        vec![TableRow::new(vec![
            cell(half, block("THƯ KÝ", &view.secretary)),
            cell(TEXT_WIDTH - half, block("CHỦ TRÌ HỘI NGHỊ", &view.chair)),
        ])
        .cant_split()],
    )
}
