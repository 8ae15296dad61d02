//! One bloc, from its members' submissions to its result: rank the scored
//! units, classify them, apply the award rules and the leader policy, and
//! write one [`UnitResult`] per registry member, in registry order.
//!
//! Everything here works on one record per unit ([`Member`]); the award
//! stage's notes stay typed ([`Note`]) until a writer renders them.

use crate::award::{ballot, next_leaders, propose, Candidate};
use crate::model::Issue;
use crate::outcome::{BallotAward, BlocResult, Meeting, Note, UnitResult, UnitStatus, UnitVote, VoteCount};
use crate::rank::{classify, ranks};
use crate::reference::registry::{Role, Unit};
use crate::settings::{VoteBase, DEPUTY_VOTE};
use crate::validate::Scorecard;
use crate::workspace::Workspace;

/// What a registry unit submitted.
pub enum Submission {
    /// An accepted scorecard and the file it came from.
    Accepted(Scorecard, String),
    /// The file of a rejected submission.
    Rejected(String),
}

/// One registry member of the bloc on its way to a [`UnitResult`].
struct Member<'a> {
    unit: &'a Unit,
    submission: Option<Submission>,
    rank: Option<u32>,
    band: Option<usize>,
}

impl Member<'_> {
    fn card(&self) -> Option<&Scorecard> {
        match &self.submission {
            Some(Submission::Accepted(card, _)) => Some(card),
            _ => None,
        }
    }

    fn status(&self) -> UnitStatus {
        match self.submission {
            Some(Submission::Accepted(..)) => UnitStatus::Scored,
            Some(Submission::Rejected(_)) => UnitStatus::Rejected,
            None => UnitStatus::Missing,
        }
    }
}

/// Scores, ranks, classifies and awards bloc `b`, whose members submitted
/// `submissions` (registry order). Returns the result and the bloc's issues
/// (award ties, an undecided leader).
pub fn assemble(ws: &Workspace, b: usize, submissions: Vec<Option<Submission>>) -> (BlocResult, Vec<Issue>) {
    let settings = &ws.settings;
    let bloc = &ws.registry.blocs[b];
    let framework = ws.frameworks.of(b);
    let mut members: Vec<Member> = bloc
        .units
        .iter()
        .zip(submissions)
        .map(|(unit, submission)| Member {
            unit,
            submission,
            rank: None,
            band: None,
        })
        .collect();
    let standings: Vec<_> = members.iter().map(|m| m.card().map(|c| &c.final_scores)).collect();
    let unit_ranks = ranks(&standings, &settings.ranking.tie_break, framework);
    let bands: Vec<Option<usize>> = standings
        .iter()
        .map(|s| s.and_then(|s| classify(s, &settings.bands, framework)))
        .collect();
    for ((m, rank), band) in members.iter_mut().zip(&unit_ranks).zip(bands) {
        m.rank = *rank;
        m.band = band;
    }
    let candidates: Vec<Candidate> = members.iter().map(|m| candidate(ws, m)).collect();
    let votes = ws.votes.as_ref();
    // Thresholds apply once the bloc has voted; before its meeting the
    // proposals are computed as if there were no votes file.
    let voted = votes.is_some_and(|v| v.voted(b));
    let proposals = propose(b, &bloc.name, &candidates, settings, votes.filter(|_| voted));
    let ballot = ballot(&bloc.name, &candidates, settings)
        .into_iter()
        .map(|(a, candidates)| BallotAward {
            award: settings.awards[a].name.clone(),
            candidates,
        })
        .collect();
    let mut unit_votes = unit_votes(ws, b, bloc.units.len());
    let roles: Vec<Role> = bloc.units.iter().map(|u| u.role).collect();
    let leaders = next_leaders(
        b,
        &bloc.name,
        &roles,
        &candidates,
        &settings.next_leader,
        votes,
        &settings.files.votes,
    );
    let complete = members.iter().all(|m| m.card().is_some());
    let name_of = |i: Option<usize>| i.map(|i| bloc.units[i].name.clone());
    let role_holder = |role: Role| bloc.units.iter().find(|u| u.role == role).map(|u| u.name.clone());
    let units = members
        .into_iter()
        .zip(candidates)
        .zip(proposals.notes.into_iter().zip(proposals.awards))
        .enumerate()
        .map(|(i, ((m, candidate), (notes, award)))| {
            let tied = m.rank.is_some() && unit_ranks.iter().filter(|r| **r == m.rank).count() > 1;
            let mut unit = unit_result(
                m,
                &candidate,
                notes,
                tied,
                award.map(|a| settings.awards[a].name.clone()),
                complete,
                settings,
            );
            unit.votes = std::mem::take(&mut unit_votes[i]);
            unit
        })
        .collect();
    let result = BlocResult {
        name: bloc.name.clone(),
        complete,
        next_leader: name_of(leaders.leader),
        next_deputy: name_of(leaders.deputy),
        leader: role_holder(Role::Leader),
        deputy: role_holder(Role::Deputy),
        framework: framework.name.clone(),
        voted,
        meeting: votes.and_then(|v| v.meetings.get(&b)).map(|m| Meeting {
            date: m.date,
            place: m.place.clone(),
            chair: m.chair.clone(),
            secretary: m.secretary.clone(),
            present: m.present,
            absent: m.absent.iter().map(|&u| bloc.units[u].name.clone()).collect(),
        }),
        units,
        votes: votes.map(|v| {
            v.rows
                .iter()
                .filter(|r| r.bloc == b)
                .map(|r| VoteCount {
                    unit: bloc.units[r.unit].name.clone(),
                    form: r.form.clone(),
                    agree: r.agree,
                    total: r.total,
                })
                .collect()
        }),
        ballot,
    };
    (result, proposals.issues.into_iter().chain(leaders.issues).collect())
}

/// The votes on each member of bloc `b` (`size` members), each unit's in
/// the order of the awards, then `Trưởng khối`, `Phó khối`.
fn unit_votes(ws: &Workspace, b: usize, size: usize) -> Vec<Vec<UnitVote>> {
    let mut out = vec![Vec::new(); size];
    let Some(votes) = &ws.votes else { return out };
    let settings = &ws.settings;
    let order = |form: &str| {
        settings
            .awards
            .iter()
            .position(|a| a.name == form)
            .unwrap_or(settings.awards.len() + usize::from(form == DEPUTY_VOTE))
    };
    let mut rows: Vec<_> = votes.rows.iter().filter(|v| v.bloc == b && v.unit < size).collect();
    rows.sort_by_key(|v| (v.unit, order(&v.form)));
    for v in rows {
        let award = settings.awards.iter().find(|a| a.name == v.form);
        let (base, threshold) = match award {
            Some(a) if a.vote_base == VoteBase::Members => (size as u32, a.vote_threshold),
            Some(a) => (v.total, a.vote_threshold),
            None => (v.total, settings.next_leader.vote_threshold),
        };
        out[v.unit].push(UnitVote::new(&v.form, v.agree, v.total, base, threshold));
    }
    out
}

/// The unit as the award rules see it.
fn candidate(ws: &Workspace, m: &Member) -> Candidate {
    Candidate {
        code: m.unit.code.clone(),
        name: m.unit.name.clone(),
        rank: m.rank,
        total: m.card().map(|c| c.final_scores.totals.total).unwrap_or_default(),
        band: m.band,
        excluded: ws.registry.excluded.get(&m.unit.code).map(|e| {
            if e.basis.is_empty() {
                e.reason.clone()
            } else {
                format!("{} ({})", e.reason, e.basis)
            }
        }),
    }
}

/// The unit's row of the result. A missing or rejected unit's note comes
/// first; a scored unit sharing its rank is noted as tied unless the award
/// stage already noted a pending tie.
fn unit_result(
    m: Member,
    candidate: &Candidate,
    mut notes: Vec<Note>,
    tied: bool,
    award: Option<String>,
    complete: bool,
    settings: &crate::settings::Settings,
) -> UnitResult {
    let status = m.status();
    match status {
        UnitStatus::Missing => notes.insert(0, Note::Missing),
        UnitStatus::Rejected => notes.insert(0, Note::Rejected),
        UnitStatus::Scored => {
            if tied && !notes.iter().any(|n| matches!(n, Note::Tied | Note::TiePending { .. })) {
                notes.push(Note::Tied);
            }
        }
    }
    let (scores, source) = match m.submission {
        Some(Submission::Accepted(card, file)) => (Some((card.self_scores, card.final_scores)), Some(file)),
        Some(Submission::Rejected(file)) => (None, Some(file)),
        None => (None, None),
    };
    let (self_scores, final_scores) = scores.unzip();
    UnitResult {
        code: m.unit.code.clone(),
        name: m.unit.name.clone(),
        status,
        self_totals: self_scores.as_ref().map(|s| s.totals),
        final_totals: final_scores.as_ref().map(|s| s.totals),
        rank: m.rank,
        classification: m.band.map(|i| settings.bands[i].name.clone()),
        eligible: candidate.eligible(),
        notes,
        provisional: !complete && award.is_some(),
        votes: Vec::new(),
        award,
        source,
        self_scores: self_scores.map(|s| s.criteria).unwrap_or_default(),
        final_scores: final_scores.map(|s| s.criteria).unwrap_or_default(),
    }
}
