//! What the templates of the documents see: the view of one bloc's result
//! with all text already in Vietnamese form (dates, scores with a decimal
//! comma, ties and exclusions as sentences). Layout is not decided here.

use serde::Serialize;

use super::DocumentKind;
use crate::model::Points;
use crate::outcome::{BlocResult, Note, Outcome, UnitResult, UnitStatus, UnitVote};
use crate::settings::{LeaderPolicy, Settings};

/// What the templates see (all text already in Vietnamese form).
#[derive(Serialize)]
pub(super) struct DocumentView {
    year: i32,
    next_year: i32,
    place: String,
    /// `ngày 05 tháng 12 năm 2026`.
    pub(super) date: String,
    pub(super) draft: bool,
    bloc: String,
    /// The issuing body as the letterhead writes it (upper case).
    pub(super) issuer: String,
    recipient: String,
    /// `     /BC-KTĐ`, `12/TTr-KTĐ`: the number part after `Số:`.
    pub(super) report_ref: String,
    pub(super) proposal_ref: String,
    members: Vec<Member>,
    member_count: usize,
    scored_count: usize,
    missing: Vec<String>,
    rejected: Vec<String>,
    leader: Option<String>,
    deputy: Option<String>,
    next_leader: Option<String>,
    next_deputy: Option<String>,
    leader_policy: &'static str,
    pub(super) appraised: bool,
    ranked: Vec<Ranked>,
    bands: Vec<BandCount>,
    awards: Vec<AwardGroup>,
    proposed_count: usize,
    /// `None` when there is no votes file.
    votes: Option<Vec<VoteLine>>,
    /// Ties at a quota's edge, for the meeting to settle: `A, B đồng hạng
    /// 1, cùng tranh 1 suất “…”`.
    ties: Vec<String>,
    /// Units kept out of the awards (`Không xét` sheet), with the reason:
    /// `Thanh tra tỉnh: có đơn thư …`.
    excluded: Vec<String>,
}

#[derive(Serialize)]
struct Member {
    name: String,
    code: String,
    role: &'static str,
}

#[derive(Serialize)]
struct Ranked {
    rank: u32,
    name: String,
    total: String,
    classification: String,
}

#[derive(Serialize)]
struct BandCount {
    name: String,
    count: usize,
    units: Vec<String>,
}

#[derive(Serialize)]
struct AwardGroup {
    name: String,
    units: Vec<Proposed>,
}

#[derive(Serialize)]
struct Proposed {
    name: String,
    total: String,
    rank: u32,
    /// The meeting's vote for this award, when the bloc voted on it:
    /// `với 8/9 phiếu đồng ý, đạt 88,89%`.
    vote: Option<String>,
}

#[derive(Serialize)]
struct VoteLine {
    unit: String,
    form: String,
    agree: u32,
    total: u32,
    /// Share of "agree" votes, `87,5`.
    percent: String,
}

/// `Số` reference: the number (blank when not yet given), the type code and
/// the issuer's code.
pub(super) fn reference(number: Option<&str>, kind: DocumentKind, code: &str) -> String {
    let number = number.map(str::trim).filter(|n| !n.is_empty()).unwrap_or("     ");
    if code.trim().is_empty() {
        format!("{number}/{}", kind.code())
    } else {
        format!("{number}/{}-{}", kind.code(), code.trim())
    }
}

/// Units of a bloc in rank order (ties in registry order), unscored last.
pub(super) fn ranked_units(bloc: &BlocResult) -> Vec<&UnitResult> {
    let mut units: Vec<&UnitResult> = bloc.units.iter().collect();
    units.sort_by_key(|u| (u.rank.is_none(), u.rank));
    units
}

impl DocumentView {
    pub(super) fn new(outcome: &Outcome, bloc: &BlocResult, settings: &Settings) -> DocumentView {
        let bloc_settings = settings.bloc(&bloc.name);
        let names = |status: UnitStatus| -> Vec<String> {
            bloc.units
                .iter()
                .filter(|u| u.status == status)
                .map(|u| u.name.clone())
                .collect()
        };
        let ranked: Vec<Ranked> = ranked_units(bloc)
            .into_iter()
            .filter_map(|u| {
                Some(Ranked {
                    rank: u.rank?,
                    name: u.name.clone(),
                    total: u.final_totals?.total.to_vietnamese(),
                    classification: u.classification.clone().unwrap_or_default(),
                })
            })
            .collect();
        let bands = settings
            .bands
            .iter()
            .map(|band| BandCount {
                name: band.name.clone(),
                count: 0,
                units: ranked_units(bloc)
                    .into_iter()
                    .filter(|u| u.classification.as_deref() == Some(band.name.as_str()))
                    .map(|u| u.name.clone())
                    .collect(),
            })
            .filter(|b| !b.units.is_empty())
            .map(|b| BandCount {
                count: b.units.len(),
                ..b
            })
            .collect();
        let awards: Vec<AwardGroup> = settings
            .awards
            .iter()
            .map(|award| AwardGroup {
                name: award.name.clone(),
                units: ranked_units(bloc)
                    .into_iter()
                    .filter(|u| u.award.as_deref() == Some(award.name.as_str()))
                    .map(|u| Proposed {
                        name: u.name.clone(),
                        total: u.final_totals.map(|t| t.total.to_vietnamese()).unwrap_or_default(),
                        rank: u.rank.unwrap_or(0),
                        vote: u.votes.iter().find(|v| v.form == award.name).map(vote_text),
                    })
                    .collect(),
            })
            .filter(|a| !a.units.is_empty())
            .collect();
        let votes = bloc.votes.as_ref().map(|votes| {
            votes
                .iter()
                .map(|v| VoteLine {
                    unit: v.unit.clone(),
                    form: v.form.clone(),
                    agree: v.agree,
                    total: v.total,
                    percent: Points((v.agree as i64 * 10_000 + v.total as i64 / 2) / v.total.max(1) as i64)
                        .to_vietnamese(),
                })
                .collect()
        });
        let ties = ties(bloc);
        let excluded = bloc
            .units
            .iter()
            .flat_map(|u| {
                u.notes.iter().filter_map(move |n| match n {
                    Note::Excluded(reason) => Some(format!("{}: {}", u.name, sentence_case(reason.trim()))),
                    _ => None,
                })
            })
            .collect();
        DocumentView {
            year: outcome.year,
            next_year: outcome.year + 1,
            place: settings.place.clone(),
            date: outcome.report_date.vietnamese(),
            draft: !bloc.complete,
            bloc: bloc.name.clone(),
            issuer: issuer(settings, &bloc.name),
            recipient: settings.documents.recipient.clone(),
            report_ref: reference(
                bloc_settings.and_then(|b| b.report_number.as_deref()),
                DocumentKind::Report,
                &settings.letterhead.code,
            ),
            proposal_ref: reference(
                bloc_settings.and_then(|b| b.proposal_number.as_deref()),
                DocumentKind::Proposal,
                &settings.letterhead.code,
            ),
            members: bloc
                .units
                .iter()
                .map(|u| Member {
                    name: u.name.clone(),
                    code: u.code.clone(),
                    role: if Some(&u.name) == bloc.leader.as_ref() {
                        "Trưởng khối"
                    } else if Some(&u.name) == bloc.deputy.as_ref() {
                        "Phó khối"
                    } else {
                        ""
                    },
                })
                .collect(),
            member_count: bloc.units.len(),
            scored_count: bloc.units.iter().filter(|u| u.status == UnitStatus::Scored).count(),
            missing: names(UnitStatus::Missing),
            rejected: names(UnitStatus::Rejected),
            leader: bloc.leader.clone(),
            deputy: bloc.deputy.clone(),
            next_leader: bloc.next_leader.clone(),
            next_deputy: bloc.next_deputy.clone(),
            leader_policy: match settings.next_leader.policy {
                LeaderPolicy::Rotation => "rotation",
                LeaderPolicy::Top => "top",
                LeaderPolicy::Vote => "vote",
            },
            appraised: bloc.units.iter().any(|u| u.self_totals != u.final_totals),
            proposed_count: awards.iter().map(|a| a.units.len()).sum(),
            ranked,
            bands,
            awards,
            votes,
            ties,
            excluded,
        }
    }
}

/// `với 8/9 phiếu đồng ý, đạt 88,89%`; over the members: `với 9/9 phiếu
/// đồng ý, đạt 90% tổng số thành viên của Khối`.
pub(super) fn vote_text(vote: &UnitVote) -> String {
    let over = if vote.over_members() {
        " tổng số thành viên của Khối"
    } else {
        ""
    };
    format!(
        "với {}/{} phiếu đồng ý, đạt {}{over}",
        vote.agree,
        vote.total,
        vote.percent()
    )
}

/// Ties at a quota's edge, one line per tied group, units in rank order:
/// `A, B đồng hạng 1, cùng tranh 1 suất “Cờ thi đua của Chính phủ”`.
fn ties(bloc: &BlocResult) -> Vec<String> {
    // (rank, places contested) → the tied units.
    type Key<'a> = (Option<u32>, &'a [(String, usize)]);
    let mut groups: Vec<(Key, Vec<&str>)> = Vec::new();
    for u in ranked_units(bloc) {
        for note in &u.notes {
            let Note::TiePending { places, .. } = note else {
                continue;
            };
            let key = (u.rank, places.as_slice());
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, units)) => units.push(&u.name),
                None => groups.push((key, vec![&u.name])),
            }
        }
    }
    groups
        .into_iter()
        .map(|((rank, places), units)| {
            let rank = rank.map(|r| format!(" {r}")).unwrap_or_default();
            format!(
                "{} đồng hạng{rank}, cùng tranh {}",
                units.join(", "),
                curly_quotes(&Note::places_text(places))
            )
        })
        .collect()
}

/// Straight double quotes as Vietnamese print sets them: “…”.
fn curly_quotes(text: &str) -> String {
    let mut open = false;
    text.chars()
        .map(|c| match c {
            '"' => {
                open = !open;
                if open {
                    '“'
                } else {
                    '”'
                }
            }
            c => c,
        })
        .collect()
}

/// A reason as it reads after a colon: the first letter in lower case unless
/// the first word is an abbreviation (`UBND`, `HĐND`).
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

/// The issuing body: the bloc's `issuer` setting, else its name in upper case.
pub(super) fn issuer(settings: &Settings, bloc: &str) -> String {
    settings
        .bloc(bloc)
        .and_then(|b| b.issuer.clone())
        .filter(|i| !i.trim().is_empty())
        .unwrap_or_else(|| bloc.to_uppercase())
}
