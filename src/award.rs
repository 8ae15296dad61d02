//! The award stage: proposals per bloc from the ranked units, the award
//! rules of the settings, the `Không xét` list and the votes; and next
//! year's leader and deputy.
//!
//! Awards are filled in precedence order, each from the eligible units in
//! rank order that do not hold an award yet. When units tied after every
//! tie-break straddle a quota's edge, none of them gets that award and the
//! places stay open: the tie is reported (`award.tie`, naming the units) for
//! the meeting to settle. The tied group keeps a claim on the following
//! awards for the units that will lose the tie, so a unit ranked below the
//! tie never takes their place.
//!
//! Decisions taken here where the rules leave room (docs/thidua-toml.md):
//! - votes (`phieu-bau.xlsx`) apply only when the file exists; then a unit
//!   with no vote row for an award with `vote_threshold` is passed over,
//!   with a note saying so;
//! - next year's leader is never guessed: with no current leader to rotate
//!   from, a tie under `top`, or no (or tied) votes under `vote`, it stays
//!   empty with a `leader.undecided` warning. `policy = "vote"` without a
//!   votes file is therefore not a settings error: the run before the
//!   meeting still ranks and proposes.

use std::collections::BTreeMap;

use crate::model::{Code, Issue, Points};
use crate::outcome::Note;
use crate::reference::registry::Role;
use crate::reference::votes::{Vote, Votes};
use crate::settings::{Award, LeaderPolicy, NextLeader, Settings, VoteBase, DEPUTY_VOTE, LEADER_VOTE};

/// A unit as the award rules see it.
#[derive(Clone, Debug, Default)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    /// `None` when the unit is unscored (missing or rejected).
    pub rank: Option<u32>,
    pub total: Points,
    /// Band index (0 is the highest).
    pub band: Option<usize>,
    /// Why the unit is in `Không xét`, if it is.
    pub excluded: Option<String>,
}

impl Candidate {
    /// Scored and not in `Không xét`: may be proposed for an award.
    pub fn eligible(&self) -> bool {
        self.rank.is_some() && self.excluded.is_none()
    }

    fn label(&self) -> String {
        format!("{} ({})", self.name, self.code)
    }
}

/// Proposals of one bloc.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proposals {
    /// Award index (into `settings.awards`) per unit.
    pub awards: Vec<Option<usize>>,
    /// Notes per unit.
    pub notes: Vec<Vec<Note>>,
    pub issues: Vec<Issue>,
}

/// Units tied after every tie-break that straddled a quota's edge: the
/// meeting decides which of them take the places they contend for.
#[derive(Debug, Default)]
struct Pending {
    members: Vec<usize>,
    /// How many members will still hold no award once the meeting has
    /// settled the places below.
    unplaced: usize,
    /// (award index, places held open for the group).
    places: Vec<(usize, usize)>,
}

/// Why a unit reached in rank order does not take an award.
enum Verdict {
    Qualifies,
    /// Silently passed over (not eligible, under `min_total` / `min_band`).
    Fails,
    /// Passed over for its votes; the note says why.
    Votes(Note),
}

fn verdict(
    bloc_index: usize,
    i: usize,
    units: &[Candidate],
    award: &Award,
    min_band: Option<usize>,
    votes: Option<&Votes>,
) -> Verdict {
    if !meets_conditions(&units[i], award, min_band) {
        return Verdict::Fails;
    }
    let (Some(threshold), Some(votes)) = (award.vote_threshold, votes) else {
        return Verdict::Qualifies;
    };
    match votes.find(bloc_index, i, &award.name) {
        Some(v) => {
            let members = (award.vote_base == VoteBase::Members).then_some(units.len() as u32);
            let base = members.unwrap_or(v.total);
            if threshold.reached_by(i64::from(v.agree), i64::from(base)) {
                Verdict::Qualifies
            } else {
                Verdict::Votes(Note::VotesShort {
                    award: award.name.clone(),
                    agree: v.agree,
                    total: v.total,
                    members,
                    threshold,
                })
            }
        }
        None => Verdict::Votes(Note::NoVoteRow {
            award: award.name.clone(),
            file: votes.file.clone(),
        }),
    }
}

/// Whether `unit` meets the award's conditions other than votes: eligible
/// (scored, not in `Không xét`), `min_total`, `min_band`.
fn meets_conditions(unit: &Candidate, award: &Award, min_band: Option<usize>) -> bool {
    unit.eligible()
        && award.min_total.is_none_or(|m| unit.total >= m)
        && min_band.is_none_or(|m| unit.band.is_some_and(|b| b <= m))
}

fn band_index(settings: &Settings, award: &Award) -> Option<usize> {
    award
        .min_band
        .as_ref()
        .and_then(|name| settings.bands.iter().position(|b| &b.name == name))
}

/// What the meeting of bloc `bloc` votes on: each award with a
/// `vote_threshold` that the bloc proposes, with its candidates (the units
/// that meet its other conditions) in rank order, ties in registry order.
pub fn ballot(bloc: &str, units: &[Candidate], settings: &Settings) -> Vec<(usize, Vec<usize>)> {
    settings
        .awards
        .iter()
        .enumerate()
        .filter(|(_, a)| a.vote_threshold.is_some() && a.applies_to(bloc))
        .map(|(a, award)| {
            let min_band = band_index(settings, award);
            let mut candidates: Vec<usize> = (0..units.len())
                .filter(|&i| meets_conditions(&units[i], award, min_band))
                .collect();
            candidates.sort_by_key(|&i| (units[i].rank, i));
            (a, candidates)
        })
        .collect()
}

/// Applies the award rules (`[[award]]`, docs/thidua-toml.md) to one bloc.
///
/// Awards are taken in precedence order, each from the units in rank order
/// that qualify and hold no award yet. A group of tied units larger than the
/// places left gets none of them; the places stay open and the group keeps
/// its claim on the places of the following awards (the one who loses the
/// tie at the meeting takes the next award), so later awards never go to a
/// unit ranked below the tie at the tied units' expense. Each such group is
/// one `award.tie` issue naming its units.
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
            out.notes[i].push(Note::Excluded(reason.clone()));
        }
    }
    let mut levels: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, unit) in units.iter().enumerate() {
        if let Some(rank) = unit.rank {
            levels.entry(rank).or_default().push(i);
        }
    }
    let mut pending: BTreeMap<u32, Pending> = BTreeMap::new();
    for (a, award) in settings.awards.iter().enumerate() {
        if !award.applies_to(bloc) {
            continue;
        }
        let mut left = settings.quota(award, bloc, units.len());
        let min_band = band_index(settings, award);
        for (&rank, at_rank) in &levels {
            if left == 0 {
                break;
            }
            let group = pending.get(&rank);
            let mut newcomers = Vec::new();
            let mut pending_qualified = 0;
            for &i in at_rank.iter().filter(|&&i| out.awards[i].is_none()) {
                match verdict(bloc_index, i, units, award, min_band, votes) {
                    Verdict::Qualifies if group.is_some_and(|g| g.members.contains(&i)) => pending_qualified += 1,
                    Verdict::Qualifies => newcomers.push(i),
                    Verdict::Fails => {}
                    Verdict::Votes(note) => out.notes[i].push(note),
                }
            }
            let claim = group.map_or(0, |g| g.unplaced.min(pending_qualified));
            let wanted = newcomers.len() + claim;
            if wanted == 0 {
                continue;
            }
            if wanted <= left {
                for &i in &newcomers {
                    out.awards[i] = Some(a);
                }
                if claim > 0 {
                    let g = pending.entry(rank).or_default();
                    g.unplaced -= claim;
                    g.places.push((a, claim));
                }
                left -= wanted;
            } else {
                let g = pending.entry(rank).or_default();
                g.unplaced = g.unplaced + newcomers.len() - left;
                g.members.extend(newcomers);
                g.members.sort_unstable();
                g.places.push((a, left));
                left = 0;
            }
        }
    }
    for (rank, group) in &pending {
        report_tie(bloc, *rank, group, units, settings, &mut out);
    }
    out
}

fn report_tie(bloc: &str, rank: u32, group: &Pending, units: &[Candidate], settings: &Settings, out: &mut Proposals) {
    let places: Vec<(String, usize)> = group
        .places
        .iter()
        .map(|&(a, n)| (settings.awards[a].name.clone(), n))
        .collect();
    let places_text = Note::places_text(&places);
    let names: Vec<String> = group.members.iter().map(|&i| units[i].label()).collect();
    out.issues.push(Issue::new(
        Code::AwardTie,
        format!(
            "{bloc}: {} đồng hạng {rank} sau mọi tiêu chí phụ, tranh {places_text}. Chưa đơn vị nào trong số này được đề nghị cho các suất đó và các suất này được để trống. Hội nghị khối cần bình xét, quyết định rồi ghi kết quả vào tờ trình.",
            names.join(", ")
        ),
    ));
    for &i in &group.members {
        let others = group
            .members
            .iter()
            .filter(|&&j| j != i)
            .map(|&j| units[j].name.clone())
            .collect();
        out.notes[i].push(Note::TiePending {
            others,
            places: places.clone(),
        });
    }
}

/// Next year's leader and deputy of one bloc (unit indexes), with the
/// reasons when the policy cannot decide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NextLeaders {
    pub leader: Option<usize>,
    pub deputy: Option<usize>,
    pub issues: Vec<Issue>,
}

/// Chooses next year's leader and deputy by the policy:
/// - rotation: the unit after this year's `Trưởng khối` in registry order
///   (wrapping round), and the unit after it as deputy;
/// - top: the best-ranked eligible unit, the next one as deputy;
/// - vote: the highest share of agree votes on the `Trưởng khối` rows (and
///   `Phó khối` rows for the deputy), reaching `vote_threshold` if set.
///
/// A tie, a missing current leader or missing votes leave the place empty
/// with a `leader.undecided` warning: the meeting decides, never the tool.
pub fn next_leaders(
    bloc_index: usize,
    bloc: &str,
    roles: &[Role],
    units: &[Candidate],
    policy: &NextLeader,
    votes: Option<&Votes>,
    votes_file: &str,
) -> NextLeaders {
    let n = units.len().min(roles.len());
    let mut out = NextLeaders::default();
    if n == 0 {
        return out;
    }
    let undecided = |message: String| Issue::new(Code::LeaderUndecided, format!("{bloc}: {message}"));
    match policy.policy {
        LeaderPolicy::Rotation => match roles.iter().position(|r| *r == Role::Leader) {
            Some(current) => {
                out.leader = Some((current + 1) % n);
                out.deputy = (n > 1).then_some((current + 2) % n);
            }
            None => out.issues.push(undecided(
                "don-vi.xlsx không ghi đơn vị nào là \"Trưởng khối\" năm nay nên không luân phiên được Trưởng khối năm sau. Ghi \"Trưởng khối\" ở cột \"Vai trò\" rồi chạy lại.".into(),
            )),
        },
        LeaderPolicy::Top => {
            let mut order: Vec<usize> = (0..n).filter(|&i| units[i].eligible()).collect();
            order.sort_by_key(|&i| (units[i].rank, i));
            let groups: Vec<&[usize]> = order.chunk_by(|&x, &y| units[x].rank == units[y].rank).collect();
            let tie = |group: &[usize], what: &str| {
                let names: Vec<String> = group.iter().map(|&i| units[i].label()).collect();
                undecided(format!(
                    "{} đồng hạng {} nên chưa xác định được {what} năm sau theo thứ hạng. Hội nghị khối cần bầu, quyết định.",
                    names.join(", "),
                    units[group[0]].rank.unwrap_or(0)
                ))
            };
            match groups.first() {
                Some([only]) => {
                    out.leader = Some(*only);
                    match groups.get(1) {
                        Some([second]) => out.deputy = Some(*second),
                        Some(group) => out.issues.push(tie(group, "Phó khối")),
                        None => {}
                    }
                }
                Some(group) => out.issues.push(tie(group, "Trưởng khối và Phó khối")),
                None => out.issues.push(undecided(
                    "chưa có đơn vị nào đủ điều kiện xếp hạng nên chưa chọn được Trưởng khối năm sau.".into(),
                )),
            }
        }
        LeaderPolicy::Vote => {
            let Some(votes) = votes else {
                out.issues.push(undecided(format!(
                    "policy = \"vote\" nhưng chưa có tệp phiếu bầu ({votes_file}) nên chưa xác định được Trưởng khối năm sau. Sau hội nghị khối, nhập kết quả vào sheet \"Phiếu bầu\" rồi chạy lại."
                )));
                return out;
            };
            out.leader = elect(bloc_index, LEADER_VOTE, None, units, policy, votes, &undecided, &mut out.issues);
            out.deputy = elect(bloc_index, DEPUTY_VOTE, out.leader, units, policy, votes, &undecided, &mut out.issues);
        }
    }
    out
}

/// The unit with the highest share of agree votes for `form` in the bloc,
/// if it is alone at the top and reaches the threshold.
#[allow(clippy::too_many_arguments)]
fn elect(
    bloc_index: usize,
    form: &str,
    skip: Option<usize>,
    units: &[Candidate],
    policy: &NextLeader,
    votes: &Votes,
    undecided: &dyn Fn(String) -> Issue,
    issues: &mut Vec<Issue>,
) -> Option<usize> {
    let mut rows: Vec<&Vote> = votes
        .rows
        .iter()
        .filter(|v| v.bloc == bloc_index && v.form == form && Some(v.unit) != skip && v.unit < units.len())
        .collect();
    // Higher share first: a/b > c/d ⇔ a·d > c·b (totals are never 0).
    let share = |v: &Vote| (u64::from(v.agree), u64::from(v.total));
    rows.sort_by(|x, y| {
        let ((a, b), (c, d)) = (share(x), share(y));
        (c * b).cmp(&(a * d)).then(x.unit.cmp(&y.unit))
    });
    let Some(first) = rows.first() else {
        issues.push(undecided(format!(
            "{} không có dòng \"{form}\" nào của khối nên chưa xác định được {form} năm sau. Nhập kết quả bầu rồi chạy lại.",
            votes.file
        )));
        return None;
    };
    let (a, b) = share(first);
    let tied: Vec<&&Vote> = rows
        .iter()
        .filter(|v| {
            let (c, d) = share(v);
            a * d == c * b
        })
        .collect();
    if tied.len() > 1 {
        let names: Vec<String> = tied.iter().map(|v| units[v.unit].label()).collect();
        issues.push(undecided(format!(
            "{} có cùng tỷ lệ phiếu bầu {form} ({}/{}) nên chưa xác định được {form} năm sau. Hội nghị khối cần bầu lại.",
            names.join(", "),
            a,
            b
        )));
        return None;
    }
    if let Some(threshold) = policy.vote_threshold {
        if !threshold.reached_by(a as i64, b as i64) {
            issues.push(undecided(format!(
                "{} được nhiều phiếu bầu {form} nhất ({a}/{b}) nhưng chưa đạt tỷ lệ {} theo [next_leader] vote_threshold; chưa xác định được {form} năm sau.",
                units[first.unit].label(),
                threshold.percent()
            )));
            return None;
        }
    }
    Some(first.unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASE: &str = r#"
year = 2019
place = "Bắc Ninh"
letterhead = { parent = "UBND TỈNH BẮC NINH" }
documents = { recipient = "Hội đồng Thi đua - Khen thưởng tỉnh" }
signer = { form = "TM.", title = "TRƯỞNG KHỐI" }
[[band]]
name = "Xuất sắc"
min_total = 90
[[band]]
name = "Tốt"
min_total = 80
[[band]]
name = "Khá"
min_total = 0
"#;

    fn settings(rest: &str) -> Settings {
        Settings::parse(&format!("{BASE}{rest}")).expect("settings parse")
    }

    /// Units ranked as given (`None` = unscored), totals from the rank.
    fn units(ranks: &[Option<u32>]) -> Vec<Candidate> {
        ranks
            .iter()
            .enumerate()
            .map(|(i, &rank)| Candidate {
                code: format!("DV{:02}", i + 1),
                name: format!("Đơn vị {}", i + 1),
                rank,
                total: Points(rank.map_or(0, |r| 10_000 - 100 * i64::from(r))),
                band: rank.map(|r| usize::from(r > 10)),
                excluded: None,
            })
            .collect()
    }

    fn names(p: &Proposals, s: &Settings) -> Vec<Option<String>> {
        p.awards.iter().map(|a| a.map(|a| s.awards[a].name.clone())).collect()
    }

    const TWO_AWARDS: &str = r#"
[[award]]
name = "Cờ"
count = 1
[[award]]
name = "Bằng khen"
count = 2
"#;

    #[test]
    fn awards_fill_in_precedence_and_rank_order() {
        let s = settings(TWO_AWARDS);
        let u = units(&[Some(3), Some(1), Some(2), Some(4), None]);
        let p = propose(0, "K", &u, &s, None);
        let n = names(&p, &s);
        assert_eq!(n[1].as_deref(), Some("Cờ"));
        assert_eq!(n[2].as_deref(), Some("Bằng khen"));
        assert_eq!(n[0].as_deref(), Some("Bằng khen"));
        assert_eq!(n[3], None);
        assert_eq!(n[4], None, "an unscored unit is never proposed");
        assert!(p.issues.is_empty());
    }

    #[test]
    fn share_is_of_registry_members_rounded_down() {
        let s = settings("[[award]]\nname = \"Bằng khen\"\nshare = 0.3\n");
        // 7 members, 2 unscored: 30% of 7 = 2.1 → 2.
        let u = units(&[Some(1), Some(2), Some(3), Some(4), Some(5), None, None]);
        let p = propose(0, "K", &u, &s, None);
        assert_eq!(p.awards.iter().flatten().count(), 2);
    }

    #[test]
    fn conditions_pass_units_over() {
        let s = settings(
            r#"
[[award]]
name = "Cờ"
count = 2
min_total = 99
[[award]]
name = "Bằng khen"
count = 5
min_band = "Xuất sắc"
"#,
        );
        // Totals 99, 98, ...; band 1 (Tốt) from rank 11 on.
        let u = units(&[Some(1), Some(2), Some(11)]);
        let p = propose(0, "K", &u, &s, None);
        let n = names(&p, &s);
        assert_eq!(n[0].as_deref(), Some("Cờ"));
        assert_eq!(n[1].as_deref(), Some("Bằng khen"), "98 is under min_total 99");
        assert_eq!(n[2], None, "band Tốt is under min_band Xuất sắc");
    }

    #[test]
    fn excluded_unit_is_ranked_but_not_proposed() {
        let s = settings(TWO_AWARDS);
        let mut u = units(&[Some(1), Some(2)]);
        u[0].excluded = Some("Đang bị xem xét kỷ luật".into());
        let p = propose(0, "K", &u, &s, None);
        let n = names(&p, &s);
        assert_eq!(n[0], None);
        assert_eq!(n[1].as_deref(), Some("Cờ"), "the place passes to the next unit");
        assert!(
            p.notes[0][0].to_string().contains("Đang bị xem xét kỷ luật"),
            "{:?}",
            p.notes[0]
        );
    }

    #[test]
    fn award_restricted_to_other_blocs_is_skipped() {
        let s =
            settings("[[award]]\nname = \"Bằng khen của Ban Thường vụ Tỉnh ủy\"\ncount = 2\nblocs = [\"Khối Đảng\"]\n");
        let u = units(&[Some(1), Some(2)]);
        assert_eq!(propose(0, "Khối Văn hóa", &u, &s, None).awards, vec![None, None]);
        assert_eq!(propose(0, "KHỐI ĐẢNG", &u, &s, None).awards, vec![Some(0), Some(0)]);
    }

    #[test]
    fn bloc_quota_overrides_the_count() {
        let s = settings(&format!(
            "{TWO_AWARDS}[[bloc]]\nname = \"K\"\nquotas = {{ \"Bằng khen\" = 3 }}\n"
        ));
        let u = units(&[Some(1), Some(2), Some(3), Some(4), Some(5)]);
        let p = propose(0, "K", &u, &s, None);
        assert_eq!(p.awards.iter().filter(|a| **a == Some(1)).count(), 3);
        let p = propose(0, "Khác", &u, &s, None);
        assert_eq!(p.awards.iter().filter(|a| **a == Some(1)).count(), 2);
    }

    #[test]
    fn tie_at_the_quota_edge_leaves_the_place_open_and_names_the_units() {
        let s = settings(TWO_AWARDS);
        // Two units tied first for one flag; the loser of the tie keeps its
        // claim on a certificate, so only one certificate goes further down.
        let u = units(&[Some(1), Some(1), Some(3), Some(4)]);
        let p = propose(0, "K", &u, &s, None);
        let n = names(&p, &s);
        assert_eq!(n[0], None);
        assert_eq!(n[1], None);
        assert_eq!(n[2].as_deref(), Some("Bằng khen"));
        assert_eq!(n[3], None, "the second certificate is held for the tied pair");
        assert_eq!(p.issues.len(), 1);
        let issue = &p.issues[0];
        assert_eq!(issue.code, Code::AwardTie);
        assert!(issue.message.contains("Đơn vị 1 (DV01)"), "{}", issue.message);
        assert!(issue.message.contains("Đơn vị 2 (DV02)"), "{}", issue.message);
        assert!(issue.message.contains("1 suất \"Cờ\""), "{}", issue.message);
        assert!(
            p.notes[0].iter().any(|n| n.to_string().contains("Đơn vị 2")),
            "{:?}",
            p.notes[0]
        );
    }

    #[test]
    fn tie_at_a_lower_edge_does_not_pass_the_place_down() {
        let s = settings(TWO_AWARDS);
        let u = units(&[Some(1), Some(2), Some(3), Some(3), Some(5)]);
        let p = propose(0, "K", &u, &s, None);
        let n = names(&p, &s);
        assert_eq!(n[0].as_deref(), Some("Cờ"));
        assert_eq!(n[1].as_deref(), Some("Bằng khen"));
        assert_eq!((n[2].clone(), n[3].clone(), n[4].clone()), (None, None, None));
        assert_eq!(p.issues.len(), 1);
        assert!(p.issues[0].message.contains("đồng hạng 3"), "{}", p.issues[0].message);
    }

    #[test]
    fn tie_inside_the_quota_shares_the_award() {
        let s = settings(TWO_AWARDS);
        let u = units(&[Some(1), Some(2), Some(2), Some(4)]);
        let p = propose(0, "K", &u, &s, None);
        assert_eq!(p.awards, vec![Some(0), Some(1), Some(1), None]);
        assert!(p.issues.is_empty());
    }

    fn votes(rows: &[(usize, &str, u32, u32)]) -> Votes {
        Votes {
            rows: rows
                .iter()
                .map(|&(unit, form, agree, total)| Vote {
                    bloc: 0,
                    unit,
                    form: form.into(),
                    agree,
                    total,
                })
                .collect(),
            ..Votes::default()
        }
    }

    #[test]
    fn a_share_exactly_at_the_threshold_passes_and_one_vote_under_fails() {
        // Ballots: 8/10 is exactly 80%; 7/10 is one vote under.
        let s = settings("[[award]]\nname = \"Cờ\"\ncount = 2\nvote_threshold = 0.8\n");
        let u = units(&[Some(1), Some(2)]);
        let v = votes(&[(0, "Cờ", 8, 10), (1, "Cờ", 7, 10)]);
        let p = propose(0, "K", &u, &s, Some(&v));
        assert_eq!(p.awards, vec![Some(0), None]);
        assert!(matches!(
            &p.notes[1][0],
            Note::VotesShort {
                agree: 7,
                total: 10,
                members: None,
                ..
            }
        ));
        // Members: 9 of 10 members at 0.9 pass although only 9 ballots were
        // cast; 8 of 9 ballots (88,9%) is one vote under 90% of 10 members.
        let s = settings("[[award]]\nname = \"Cờ\"\ncount = 2\nvote_threshold = 0.9\nvote_base = \"members\"\n");
        let u = units(&[
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6),
            Some(7),
            Some(8),
            Some(9),
            Some(10),
        ]);
        let v = votes(&[(0, "Cờ", 9, 9), (1, "Cờ", 8, 9)]);
        let p = propose(0, "K", &u, &s, Some(&v));
        assert_eq!(&p.awards[..2], &[Some(0), None]);
        assert_eq!(
            p.notes[1][0].to_string(),
            "không đủ tỷ lệ phiếu đồng ý cho \"Cờ\": 8/9 phiếu, tức 8/10 thành viên của khối, cần 90% tổng số thành viên"
        );
        // The same 8/9 over the ballots (88,89%) passes 0.8 but not 0.9.
        let s = settings("[[award]]\nname = \"Cờ\"\ncount = 1\nvote_threshold = 0.9\n");
        let p = propose(0, "K", &u[..2], &s, Some(&votes(&[(0, "Cờ", 8, 9), (1, "Cờ", 9, 9)])));
        assert_eq!(p.awards, vec![None, Some(0)]);
    }

    #[test]
    fn the_ballot_lists_each_voted_awards_candidates_in_rank_order() {
        let s = settings(
            "[[award]]\nname = \"Cờ\"\ncount = 1\nmin_band = \"Xuất sắc\"\nvote_threshold = 0.8\n[[award]]\nname = \"Bằng khen\"\ncount = 2\n",
        );
        let mut u = units(&[Some(3), Some(1), None, Some(2)]);
        u[0].band = Some(0);
        u[1].band = Some(0);
        u[3].band = Some(1);
        let b = ballot("K", &u, &s);
        assert_eq!(
            b,
            vec![(0, vec![1, 0])],
            "no threshold, no vote; unscored and below the band left out"
        );
    }

    #[test]
    fn vote_under_the_threshold_passes_the_unit_over() {
        let s = settings("[[award]]\nname = \"Cờ\"\ncount = 1\nvote_threshold = 0.8\n");
        let u = units(&[Some(1), Some(2), Some(3)]);
        let v = votes(&[(0, "Cờ", 7, 10), (1, "Cờ", 8, 10), (2, "Cờ", 10, 10)]);
        let p = propose(0, "K", &u, &s, Some(&v));
        assert_eq!(p.awards, vec![None, Some(0), None]);
        assert!(
            p.notes[0][0].to_string().contains("7/10") && p.notes[0][0].to_string().contains("80%"),
            "{:?}",
            p.notes[0]
        );
        // Without a votes file the threshold does not apply.
        assert_eq!(propose(0, "K", &u, &s, None).awards, vec![Some(0), None, None]);
        // A unit with no vote row is passed over, and told why.
        let v = votes(&[(1, "Cờ", 9, 10)]);
        let p = propose(0, "K", &u, &s, Some(&v));
        assert_eq!(p.awards, vec![None, Some(0), None]);
        assert!(
            p.notes[0][0].to_string().contains("không có dòng bỏ phiếu"),
            "{:?}",
            p.notes[0]
        );
    }

    fn roles(n: usize, leader: Option<usize>) -> Vec<Role> {
        (0..n)
            .map(|i| if Some(i) == leader { Role::Leader } else { Role::Member })
            .collect()
    }

    fn policy(policy: LeaderPolicy) -> NextLeader {
        NextLeader {
            policy,
            vote_threshold: None,
        }
    }

    #[test]
    fn rotation_takes_the_next_unit_and_wraps_round() {
        let u = units(&[Some(1), Some(2), Some(3), Some(4)]);
        let p = policy(LeaderPolicy::Rotation);
        let next = next_leaders(0, "K", &roles(4, Some(3)), &u, &p, None, "phieu-bau.xlsx");
        assert_eq!((next.leader, next.deputy), (Some(0), Some(1)));
        let next = next_leaders(0, "K", &roles(4, Some(1)), &u, &p, None, "phieu-bau.xlsx");
        assert_eq!((next.leader, next.deputy), (Some(2), Some(3)));
        let next = next_leaders(0, "K", &roles(4, None), &u, &p, None, "phieu-bau.xlsx");
        assert_eq!(next.leader, None);
        assert_eq!(next.issues[0].code, Code::LeaderUndecided);
    }

    #[test]
    fn top_takes_the_best_eligible_unit_and_flags_a_tie() {
        let mut u = units(&[Some(2), Some(1), Some(3), None]);
        u[1].excluded = Some("x".into());
        let p = policy(LeaderPolicy::Top);
        let next = next_leaders(0, "K", &roles(4, Some(0)), &u, &p, None, "phieu-bau.xlsx");
        assert_eq!((next.leader, next.deputy), (Some(0), Some(2)));
        let u = units(&[Some(1), Some(1), Some(3)]);
        let next = next_leaders(0, "K", &roles(3, Some(0)), &u, &p, None, "phieu-bau.xlsx");
        assert_eq!((next.leader, next.deputy), (None, None));
        assert!(next.issues[0].message.contains("Đơn vị 1 (DV01), Đơn vị 2 (DV02)"));
    }

    #[test]
    fn vote_elects_leader_and_deputy() {
        let u = units(&[Some(1), Some(2), Some(3)]);
        let mut p = policy(LeaderPolicy::Vote);
        let v = votes(&[
            (0, LEADER_VOTE, 3, 10),
            (2, LEADER_VOTE, 7, 10),
            (2, DEPUTY_VOTE, 9, 10),
            (1, DEPUTY_VOTE, 6, 10),
        ]);
        let next = next_leaders(0, "K", &roles(3, Some(0)), &u, &p, Some(&v), "phieu-bau.xlsx");
        assert_eq!(
            (next.leader, next.deputy),
            (Some(2), Some(1)),
            "the leader is not also deputy"
        );
        p.vote_threshold = Some(crate::settings::Share(750_000));
        let next = next_leaders(0, "K", &roles(3, Some(0)), &u, &p, Some(&v), "phieu-bau.xlsx");
        assert_eq!(next.leader, None, "7/10 is under 75%");
        let next = next_leaders(
            0,
            "K",
            &roles(3, Some(0)),
            &u,
            &policy(LeaderPolicy::Vote),
            None,
            "bau-2026.xlsx",
        );
        assert_eq!(next.leader, None);
        assert!(
            next.issues[0].message.contains("(bau-2026.xlsx)"),
            "{}",
            next.issues[0].message
        );
        // A votes file without the bloc's rows is named as the settings name it.
        let mut named = votes(&[]);
        named.file = "bau-2026.xlsx".into();
        let next = next_leaders(0, "K", &roles(3, Some(0)), &u, &p, Some(&named), "bau-2026.xlsx");
        assert!(
            next.issues[0].message.starts_with("K: bau-2026.xlsx không có dòng"),
            "{}",
            next.issues[0].message
        );
    }

    /// Random blocs: ranks from random totals (ties likely), random
    /// exclusions, bands and quotas.
    fn bloc() -> impl Strategy<Value = (Vec<Candidate>, Vec<u32>)> {
        (
            proptest::collection::vec(
                (
                    proptest::option::weighted(0.85, 0u32..6),
                    any::<bool>(),
                    0usize..3,
                    0u8..10,
                ),
                1..14,
            ),
            proptest::collection::vec(0u32..5, 1..4),
        )
            .prop_map(|(rows, quotas)| {
                let totals: Vec<Option<u32>> = rows.iter().map(|r| r.0).collect();
                let units = rows
                    .iter()
                    .enumerate()
                    .map(|(i, &(total, _, _, excluded))| Candidate {
                        code: format!("U{i}"),
                        name: format!("Đơn vị {i}"),
                        rank: total.map(|t| 1 + totals.iter().flatten().filter(|&&o| o > t).count() as u32),
                        total: Points(i64::from(total.unwrap_or(0)) * 100),
                        band: total.map(|t| usize::from(t < 3)),
                        excluded: (excluded == 0).then(|| "x".to_string()),
                    })
                    .collect();
                (units, quotas)
            })
    }

    fn quota_settings(quotas: &[u32]) -> Settings {
        let awards: String = quotas
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let band = if i == 0 { "min_band = \"Xuất sắc\"\n" } else { "" };
                format!("[[award]]\nname = \"A{i}\"\ncount = {q}\n{band}")
            })
            .collect();
        settings(&awards)
    }

    proptest! {
        #[test]
        fn quotas_hold_and_ties_are_treated_alike((units, quotas) in bloc()) {
            let s = quota_settings(&quotas);
            let p = propose(0, "K", &units, &s, None);
            for (a, q) in quotas.iter().enumerate() {
                let given = p.awards.iter().filter(|x| **x == Some(a)).count();
                prop_assert!(given <= *q as usize, "award {} given {} times, quota {}", a, given, q);
            }
            for (i, u) in units.iter().enumerate() {
                if !u.eligible() {
                    prop_assert_eq!(p.awards[i], None);
                }
                for (j, w) in units.iter().enumerate() {
                    // Units alike in every way the rules see get the same award.
                    if u.rank == w.rank && u.eligible() && w.eligible() && u.band == w.band {
                        prop_assert_eq!(p.awards[i], p.awards[j]);
                    }
                }
                // A better-ranked eligible unit never ends with less than a
                // worse-ranked one unless it is tied and pending.
                if let (Some(ai), true) = (p.awards[i], u.eligible()) {
                    for (j, w) in units.iter().enumerate() {
                        if w.eligible() && w.band == u.band && w.rank < u.rank && p.awards[j].is_some() {
                            prop_assert!(p.awards[j] <= Some(ai));
                        }
                    }
                }
            }
            // Input order does not matter.
            let mut reversed = units.clone();
            reversed.reverse();
            let r = propose(0, "K", &reversed, &s, None);
            let mut back = r.awards.clone();
            back.reverse();
            prop_assert_eq!(back, p.awards);
        }
    }
}
