//! The award stage: proposals per bloc from the ranked units, the award
//! rules of the settings, the `Không xét` list and the votes; and next
//! year's leader and deputy.
//!
//! Awards are filled in precedence order, each from the eligible units in
//! rank order that do not hold an award yet. When units tied after every
//! tie-break straddle a quota's edge, none of them gets that award and the
//! places stay open: the tie is reported for the meeting to settle.

use crate::fold::fold;
use crate::model::{Code, Issue, Points};
use crate::read::Sheet;
use crate::registry::{find_header, Registry, Role};
use crate::settings::{Award, LeaderPolicy, Settings};

/// The `Hình thức` of vote rows that elect next year's leader and deputy.
pub const LEADER_VOTE: &str = "Trưởng khối";
pub const DEPUTY_VOTE: &str = "Phó khối";
pub const VOTES_SHEET: &str = "Phiếu bầu";
const VOTE_HEADERS: [&str; 5] = ["Khối", "Mã đơn vị", "Hình thức", "Đồng ý", "Tổng số phiếu"];

/// One valid row of phieu-bau.xlsx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    pub bloc: usize,
    pub unit: usize,
    /// An award name, [`LEADER_VOTE`] or [`DEPUTY_VOTE`].
    pub form: String,
    pub agree: u32,
    pub total: u32,
}

/// The votes of all blocs.
#[derive(Clone, Debug, Default)]
pub struct Votes {
    pub rows: Vec<Vote>,
}

impl Votes {
    fn find(&self, bloc: usize, unit: usize, form: &str) -> Option<&Vote> {
        self.rows
            .iter()
            .find(|v| v.bloc == bloc && v.unit == unit && v.form == form)
    }
}

/// Reads the `Phiếu bầu` sheet. Rows that name no known bloc, unit or award,
/// or whose counts do not add up, become `vote.invalid` issues.
pub fn votes_from_sheets(
    file: &str,
    sheets: &[Sheet],
    registry: &Registry,
    settings: &Settings,
) -> (Votes, Vec<Issue>) {
    let mut votes = Votes::default();
    let mut issues = Vec::new();
    let Some(sheet) = sheets
        .iter()
        .find(|s| fold(&s.name) == fold(VOTES_SHEET))
        .or_else(|| sheets.first())
    else {
        return (votes, issues);
    };
    let Some((header, cols)) = find_header(sheet, &VOTE_HEADERS, 5) else {
        issues.push(
            Issue::new(
                Code::VoteInvalid,
                "Không tìm thấy dòng tiêu đề \"Khối | Mã đơn vị | Hình thức | Đồng ý | Tổng số phiếu\" trong phiếu bầu; kết quả bỏ phiếu không được dùng.",
            )
            .file(file)
            .sheet(&sheet.name),
        );
        return (votes, issues);
    };
    let col = |i: usize| cols[i].unwrap_or(0);
    for row in sheet.rows.iter().filter(|r| r.index > header) {
        let text = |i: usize| row.get(col(i)).map(|c| c.text().trim().to_string()).unwrap_or_default();
        if (0..5).all(|i| text(i).is_empty()) {
            continue;
        }
        let invalid = |c: usize, message: String| {
            Issue::new(Code::VoteInvalid, message)
                .file(file)
                .sheet(&sheet.name)
                .at(row.index, col(c))
        };
        let (bloc_name, unit_code, form) = (text(0), text(1), text(2));
        let Some(unit) = registry.find_code(&unit_code) else {
            issues.push(invalid(
                1,
                format!(
                    "Mã đơn vị \"{unit_code}\" không có trong danh sách đơn vị; dòng phiếu bầu này không được tính."
                ),
            ));
            continue;
        };
        if fold(&registry.blocs[unit.0].name) != fold(&bloc_name) {
            issues.push(invalid(
                0,
                format!(
                    "Đơn vị {unit_code} thuộc \"{}\", không phải \"{bloc_name}\"; dòng phiếu bầu này không được tính.",
                    registry.blocs[unit.0].name
                ),
            ));
            continue;
        }
        let form = match settings.awards.iter().find(|a| fold(&a.name) == fold(&form)) {
            Some(a) => a.name.clone(),
            None if fold(&form) == fold(LEADER_VOTE) => LEADER_VOTE.to_string(),
            None if fold(&form) == fold(DEPUTY_VOTE) => DEPUTY_VOTE.to_string(),
            None => {
                issues.push(invalid(
                    2,
                    format!("Hình thức \"{form}\" không có trong các mục [[award]] của thidua.toml, cũng không phải \"Trưởng khối\" hay \"Phó khối\"."),
                ));
                continue;
            }
        };
        let count = |i: usize| -> Option<u32> {
            let t = text(i);
            Points::parse(&t)
                .filter(|(p, _)| p.0 >= 0 && p.0 % 100 == 0)
                .map(|(p, _)| (p.0 / 100) as u32)
        };
        let (Some(agree), Some(total)) = (count(3), count(4)) else {
            issues.push(invalid(
                3,
                "Số phiếu đồng ý và tổng số phiếu phải là số nguyên không âm.".into(),
            ));
            continue;
        };
        if total == 0 || agree > total {
            issues.push(invalid(
                3,
                format!("Số phiếu không hợp lệ: {agree} phiếu đồng ý trên tổng số {total} phiếu. Kiểm tra lại biên bản kiểm phiếu."),
            ));
            continue;
        }
        if votes.find(unit.0, unit.1, &form).is_some() {
            issues.push(invalid(
                1,
                format!("Đơn vị {unit_code} có hai dòng phiếu bầu cho \"{form}\"; chỉ dòng đầu được tính."),
            ));
            continue;
        }
        votes.rows.push(Vote {
            bloc: unit.0,
            unit: unit.1,
            form,
            agree,
            total,
        });
    }
    (votes, issues)
}

/// A unit as the award rules see it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub rank: Option<u32>,
    pub total: Points,
    /// Band index (0 is the highest).
    pub band: Option<usize>,
    /// Why the unit is in `Không xét`, if it is.
    pub excluded: Option<String>,
}

/// Proposals of one bloc.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proposals {
    /// Award index (into `settings.awards`) per unit.
    pub awards: Vec<Option<usize>>,
    /// Notes per unit, Vietnamese.
    pub notes: Vec<Vec<String>>,
    pub issues: Vec<Issue>,
}

/// Whether `award` applies to the bloc named `bloc`.
fn applies(award: &Award, bloc: &str) -> bool {
    award.blocs.is_empty() || award.blocs.iter().any(|b| fold(b) == fold(bloc))
}

/// Applies the award rules to one bloc.
pub fn propose(
    bloc_index: usize,
    bloc: &str,
    units: &[Candidate],
    settings: &Settings,
    votes: Option<&Votes>,
) -> Proposals {
    let mut out = Proposals {
        awards: vec![None; units.len()],
        notes: vec![Vec::new(); units.len()],
        issues: Vec::new(),
    };
    for (i, unit) in units.iter().enumerate() {
        if let Some(reason) = &unit.excluded {
            out.notes[i].push(format!("không xét: {reason}"));
        }
    }
    for (a, award) in settings.awards.iter().enumerate() {
        if !applies(award, bloc) {
            continue;
        }
        let quota = settings.quota(award, bloc, units.len());
        let min_band = award
            .min_band
            .as_ref()
            .and_then(|name| settings.bands.iter().position(|b| &b.name == name));
        let mut candidates: Vec<usize> = (0..units.len())
            .filter(|&i| out.awards[i].is_none())
            .filter(|&i| {
                let u = &units[i];
                let qualifies = u.rank.is_some()
                    && u.excluded.is_none()
                    && award.min_total.is_none_or(|m| u.total >= m)
                    && min_band.is_none_or(|m| u.band.is_some_and(|b| b <= m));
                if !qualifies {
                    return false;
                }
                match (award.vote_threshold, votes) {
                    (Some(threshold), Some(votes)) => match votes.find(bloc_index, i, &award.name) {
                        Some(v) if threshold.reached_by(v.agree as i64, v.total as i64) => true,
                        Some(v) => {
                            out.notes[i].push(format!(
                                "không đủ tỷ lệ phiếu đồng ý cho {} ({}/{})",
                                award.name, v.agree, v.total
                            ));
                            false
                        }
                        None => false,
                    },
                    _ => true,
                }
            })
            .collect();
        candidates.sort_by_key(|&i| (units[i].rank, i));
        let mut filled = 0;
        for group in candidates.chunk_by(|&x, &y| units[x].rank == units[y].rank) {
            if filled >= quota {
                break;
            }
            if filled + group.len() > quota {
                out.issues.push(tie_issue(
                    bloc,
                    award,
                    group.len(),
                    quota - filled,
                    units[group[0]].rank,
                ));
                for &i in group {
                    out.notes[i].push(format!(
                        "đồng hạng tại ranh giới chỉ tiêu {}: chờ hội nghị khối quyết định",
                        award.name
                    ));
                }
                break;
            }
            for &i in group {
                out.awards[i] = Some(a);
            }
            filled += group.len();
        }
    }
    out
}

fn tie_issue(bloc: &str, award: &Award, tied: usize, places: usize, rank: Option<u32>) -> Issue {
    Issue::new(
        Code::AwardTie,
        format!(
            "{bloc}: {tied} đơn vị đồng hạng {} tranh {places} suất \"{}\"; chưa đơn vị nào được đề nghị. Hội nghị khối cần bình xét, quyết định.",
            rank.unwrap_or(0),
            award.name
        ),
    )
}

/// Next year's leader and deputy (unit indexes in the bloc), by the policy.
pub fn next_leaders(
    bloc_index: usize,
    roles: &[Role],
    ranks: &[Option<u32>],
    eligible: &[bool],
    policy: LeaderPolicy,
    votes: Option<&Votes>,
) -> (Option<usize>, Option<usize>) {
    let n = roles.len();
    if n == 0 {
        return (None, None);
    }
    match policy {
        LeaderPolicy::Rotation => {
            let current = roles.iter().position(|r| *r == Role::Leader);
            let leader = current.map(|c| (c + 1) % n).unwrap_or(0);
            let deputy = (n > 1).then_some((leader + 1) % n);
            (Some(leader), deputy)
        }
        LeaderPolicy::Top => {
            let mut order: Vec<usize> = (0..n).filter(|&i| eligible[i] && ranks[i].is_some()).collect();
            order.sort_by_key(|&i| (ranks[i], i));
            // A tie for first place is for the meeting to settle.
            let first = order
                .first()
                .copied()
                .filter(|&i| order.iter().filter(|&&j| ranks[j] == ranks[i]).count() == 1);
            let second = first.and(order.get(1).copied());
            (first, second)
        }
        LeaderPolicy::Vote => {
            let Some(votes) = votes else { return (None, None) };
            let best = |form: &str, skip: Option<usize>| {
                let mut rows: Vec<&Vote> = votes
                    .rows
                    .iter()
                    .filter(|v| v.bloc == bloc_index && v.form == form && Some(v.unit) != skip)
                    .collect();
                rows.sort_by(|a, b| (b.agree as u64 * a.total as u64).cmp(&(a.agree as u64 * b.total as u64)));
                match rows.as_slice() {
                    [first, second, ..]
                        if first.agree as u64 * second.total as u64 == second.agree as u64 * first.total as u64 =>
                    {
                        None
                    }
                    [first, ..] => Some(first.unit),
                    [] => None,
                }
            };
            let leader = best(LEADER_VOTE, None);
            (leader, best(DEPUTY_VOTE, leader))
        }
    }
}
