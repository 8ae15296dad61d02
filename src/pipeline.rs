//! The pipeline: discover → read → validate → score → rank → award, giving
//! one [`Outcome`]. Per-file work runs in parallel and is merged in sorted
//! input order, so the outcome never depends on thread timing.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::award::{next_leaders, propose, votes_from_sheets, Candidate, Votes};
use crate::discover::{discover, relative, InputFile};
use crate::error::Fatal;
use crate::model::{Code, Issue};
use crate::outcome::{BlocResult, InputRecord, InputStatus, Outcome, UnitResult, UnitStatus, SCHEMA};
use crate::rank::{classify, ranks, Standing};
use crate::read::{self, ReadFailure, Sheet};
use crate::registry::{frameworks_from_sheets, Framework, Registry, Role, UnitRef};
use crate::score::criterion_scores;
use crate::settings::{Settings, TieBreak};
use crate::validate::{failure_issue, validate, Context, Scorecard, Validated};

/// A loaded working folder: settings and reference data, checked.
pub struct Workspace {
    pub dir: PathBuf,
    pub out: PathBuf,
    pub settings: Settings,
    pub registry: Registry,
    pub frameworks: Vec<Framework>,
    /// Framework index per bloc index.
    pub bloc_framework: Vec<usize>,
}

/// Reads a whole reference workbook; failures are fatal and name the file.
pub fn read_reference(path: &Path, settings: &Settings) -> Result<Vec<Sheet>, Fatal> {
    let bytes = std::fs::read(path).map_err(|e| Fatal::io(path, e))?;
    read::read_all_sheets(bytes, &settings.limits).map_err(|e| Fatal::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

impl Workspace {
    /// Loads `dir`: settings, registry and criteria. Fails (exit code 2)
    /// when any of them is missing or invalid, naming the file and key or cell.
    pub fn load(dir: &Path, out: Option<PathBuf>) -> Result<Workspace, Fatal> {
        if !dir.is_dir() {
            return Err(Fatal::NoFolder(dir.to_path_buf()));
        }
        let settings = Settings::load(dir)?;
        let registry_path = dir.join(&settings.files.registry);
        let registry =
            Registry::from_sheets(&read_reference(&registry_path, &settings)?).map_err(|e| Fatal::Input {
                path: registry_path.clone(),
                sheet: e.sheet,
                message: e.message,
            })?;
        let criteria_path = dir.join(&settings.files.criteria);
        let frameworks =
            frameworks_from_sheets(&read_reference(&criteria_path, &settings)?).map_err(|e| Fatal::Input {
                path: criteria_path.clone(),
                sheet: e.sheet,
                message: e.message,
            })?;
        let settings_path = dir.join(crate::settings::FILE_NAME);
        let bad_setting = |message: String| Fatal::Settings {
            path: settings_path.clone(),
            message,
        };
        for bloc in &settings.blocs {
            if !registry.blocs.iter().any(|b| b.name == bloc.name) {
                return Err(bad_setting(format!(
                    "[[bloc]] name = \"{}\" không có trong danh sách khối của {}",
                    bloc.name, settings.files.registry
                )));
            }
        }
        settings.check_award_blocs(&registry).map_err(bad_setting)?;
        let default_framework = frameworks
            .iter()
            .position(|f| f.name == crate::registry::CRITERIA_SHEET)
            .unwrap_or(0);
        let bloc_framework = registry
            .blocs
            .iter()
            .map(|b| match settings.bloc(&b.name).and_then(|s| s.framework.as_ref()) {
                Some(name) => frameworks.iter().position(|f| &f.name == name).ok_or_else(|| {
                    bad_setting(format!(
                        "[[bloc]] \"{}\": framework = \"{name}\" không phải sheet tiêu chí nào trong {}",
                        b.name, settings.files.criteria
                    ))
                }),
                None => Ok(default_framework),
            })
            .collect::<Result<Vec<_>, _>>()?;
        for key in &settings.ranking.tie_break {
            if let TieBreak::Group(code) = key {
                for (b, f) in bloc_framework.iter().enumerate() {
                    if frameworks[*f].find(code).is_none() {
                        return Err(bad_setting(format!(
                            "[ranking] tie_break \"group:{code}\": bảng tiêu chí của {} không có nhóm {code}",
                            registry.blocs[b].name
                        )));
                    }
                }
            }
        }
        let out = out.unwrap_or_else(|| dir.join("out"));
        Ok(Workspace {
            dir: dir.to_path_buf(),
            out,
            settings,
            registry,
            frameworks,
            bloc_framework,
        })
    }

    pub fn framework_of(&self, bloc: usize) -> &Framework {
        &self.frameworks[self.bloc_framework[bloc]]
    }
}

/// One input after reading and validation.
struct Evaluated {
    file: InputFile,
    sha256: Option<String>,
    result: Option<Validated>,
}

/// Reads and validates one file; a panic inside a reader becomes
/// `file.unreadable` for this file only.
fn evaluate(file: InputFile, ctx: &Context, ws: &Workspace) -> Evaluated {
    if !file.workbook {
        return Evaluated {
            sha256: None,
            result: None,
            file,
        };
    }
    let bytes = match std::fs::read(&file.path) {
        Ok(b) => b,
        Err(e) => {
            let issue = failure_issue(&file.rel, &ReadFailure::Unreadable(format!("lỗi đọc ổ đĩa: {e}")));
            return Evaluated {
                sha256: None,
                result: Some(Validated::failed(issue)),
                file,
            };
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let result = evaluate_bytes(&file.rel, bytes, ctx, &ws.settings.limits);
    Evaluated {
        file,
        sha256: Some(sha256),
        result: Some(result),
    }
}

/// Reads and validates one workbook's bytes as the pipeline does for a
/// file at `rel`; a panic inside a reader becomes `file.unreadable`. The
/// entry point of the fuzzing harness (tests/fuzz.rs).
pub fn evaluate_bytes(rel: &str, bytes: Vec<u8>, ctx: &Context, limits: &crate::settings::Limits) -> Validated {
    catch_unwind(AssertUnwindSafe(|| match read::open(bytes, limits) {
        Ok(book) => validate(rel, book, ctx),
        Err(failure) => Validated::failed(failure_issue(rel, &failure)),
    }))
    .unwrap_or_else(|_| {
        let failure = ReadFailure::Unreadable("trình đọc gặp lỗi không lường trước với nội dung tệp".into());
        Validated::failed(failure_issue(rel, &failure))
    })
}

/// Lower-case hex of a digest, without a string per byte.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Evaluations kept for writers that lay a member's workbook out again.
pub struct Feedback {
    pub unit: Option<UnitRef>,
    pub file: String,
    pub table: crate::read::table::Table,
}

/// The result of the pipeline, with what the writers need beyond the outcome.
pub struct Processed {
    pub outcome: Outcome,
    pub feedback: Vec<Feedback>,
}

/// Told how reading goes, so a front end can draw a progress bar. Called
/// from worker threads; every method has an empty default.
pub trait Progress: Sync {
    /// Reading starts: `files` inputs (ignored ones included) to go.
    fn start(&self, _files: usize) {}
    /// One input (path relative to the working folder) is read and checked.
    fn file_done(&self, _rel: &str) {}
    /// Reading is over (scoring, ranking and writing follow).
    fn finish(&self) {}
}

/// No progress reporting.
pub struct Silent;

impl Progress for Silent {}

/// Runs every stage up to the awards, telling `progress` about each file
/// read. Writes nothing.
pub fn process_with(ws: &Workspace, progress: &dyn Progress) -> Result<Processed, Fatal> {
    let files = discover(&ws.dir, &ws.settings.files.submissions, &ws.out)?;
    progress.start(files.len());
    let ctx = Context {
        registry: &ws.registry,
        frameworks: &ws.frameworks,
        bloc_framework: &ws.bloc_framework,
        year: ws.settings.year,
    };
    let evaluated: Vec<Evaluated> = files
        .into_par_iter()
        .map(|f| {
            let e = evaluate(f, &ctx, ws);
            progress.file_done(&e.file.rel);
            e
        })
        .collect();
    progress.finish();
    let (votes, vote_issues) = load_votes(ws)?;
    Ok(merge(ws, evaluated, votes.as_ref(), vote_issues))
}

fn load_votes(ws: &Workspace) -> Result<(Option<Votes>, Vec<Issue>), Fatal> {
    let path = ws.dir.join(&ws.settings.files.votes);
    if !path.is_file() {
        return Ok((None, Vec::new()));
    }
    let sheets = read_reference(&path, &ws.settings)?;
    let (votes, issues) = votes_from_sheets(&relative(&ws.dir, &path), &sheets, &ws.registry, &ws.settings);
    Ok((Some(votes), issues))
}

/// Merges per-file results in input order, then scores, ranks and awards.
fn merge(ws: &Workspace, evaluated: Vec<Evaluated>, votes: Option<&Votes>, vote_issues: Vec<Issue>) -> Processed {
    let registry = &ws.registry;
    let mut issues: Vec<Issue> = Vec::new();
    let mut feedback = Vec::new();
    // Inputs per unit, in input order.
    let mut by_unit: BTreeMap<UnitRef, Vec<usize>> = BTreeMap::new();
    for (i, e) in evaluated.iter().enumerate() {
        if let Some(unit) = e.result.as_ref().and_then(|r| r.unit) {
            by_unit.entry(unit).or_default().push(i);
        }
    }
    let mut duplicate: Vec<bool> = vec![false; evaluated.len()];
    let mut duplicate_issues: BTreeMap<usize, Issue> = BTreeMap::new();
    for (unit, inputs) in by_unit.iter().filter(|(_, v)| v.len() > 1) {
        let u = registry.unit(*unit);
        let names: Vec<&str> = inputs.iter().map(|&i| evaluated[i].file.rel.as_str()).collect();
        for &i in inputs {
            duplicate[i] = true;
            duplicate_issues.insert(
                i,
                Issue::new(
                    Code::UnitDuplicate,
                    format!(
                        "Đơn vị {} có {} tệp nộp: {}. Không tệp nào được dùng; giữ lại một tệp đúng trong thư mục nộp rồi chạy lại.",
                        u.name,
                        names.len(),
                        names.join(", ")
                    ),
                )
                .file(&evaluated[i].file.rel)
                .unit(&u.code),
            );
        }
    }
    let mut inputs = Vec::with_capacity(evaluated.len());
    let mut cards: BTreeMap<UnitRef, (Scorecard, String)> = BTreeMap::new();
    let mut rejected_units: BTreeMap<UnitRef, String> = BTreeMap::new();
    for (i, e) in evaluated.into_iter().enumerate() {
        let Some(result) = e.result else {
            inputs.push(InputRecord {
                file: e.file.rel,
                sha256: None,
                status: InputStatus::Ignored,
                unit: None,
            });
            continue;
        };
        let mut file_issues = result.issues;
        file_issues.extend(duplicate_issues.remove(&i));
        let failed = duplicate[i] || file_issues.iter().any(Issue::is_error) || result.card.is_none();
        let status = if failed {
            InputStatus::Rejected
        } else {
            InputStatus::Accepted
        };
        let unit_code = result.unit.map(|u| registry.unit(u).code.clone());
        if let Some(unit) = result.unit {
            match (failed, result.card) {
                (false, Some(card)) => {
                    cards.insert(unit, (card, e.file.rel.clone()));
                }
                _ => {
                    rejected_units.entry(unit).or_insert_with(|| e.file.rel.clone());
                }
            }
        }
        if let (Some(table), false) = (result.table, file_issues.is_empty()) {
            feedback.push(Feedback {
                unit: result.unit,
                file: e.file.rel.clone(),
                table,
            });
        }
        issues.extend(file_issues);
        inputs.push(InputRecord {
            file: e.file.rel,
            sha256: e.sha256,
            status,
            unit: unit_code,
        });
    }
    // A unit whose inputs were all rejected but one accepted is not possible
    // (duplicates reject all); a unit with no input at all is missing.
    for ((b, u), unit) in registry.units() {
        if !cards.contains_key(&(b, u)) && !rejected_units.contains_key(&(b, u)) {
            issues.push(
                Issue::new(
                    Code::UnitMissing,
                    format!("{} ({}) chưa nộp bảng tự chấm điểm.", unit.name, registry.blocs[b].name),
                )
                .unit(&unit.code),
            );
        }
    }
    let mut blocs = Vec::with_capacity(registry.blocs.len());
    for (b, _) in registry.blocs.iter().enumerate() {
        let (bloc, bloc_issues) = bloc_result(ws, b, &cards, &rejected_units, votes);
        issues.extend(bloc_issues);
        blocs.push(bloc);
        // This bloc's scorecards now live on in its result: free them, so a
        // province's cards and results are never all held twice.
        cards = cards.split_off(&(b + 1, 0));
    }
    issues.extend(vote_issues);
    Processed {
        outcome: Outcome {
            schema: SCHEMA,
            year: ws.settings.year,
            report_date: ws.settings.report_date(),
            blocs,
            issues,
            inputs,
        },
        feedback,
    }
}

/// Scores, ranks, classifies and awards one bloc.
fn bloc_result(
    ws: &Workspace,
    b: usize,
    cards: &BTreeMap<UnitRef, (Scorecard, String)>,
    rejected: &BTreeMap<UnitRef, String>,
    votes: Option<&Votes>,
) -> (BlocResult, Vec<Issue>) {
    let settings = &ws.settings;
    let bloc = &ws.registry.blocs[b];
    let framework = ws.framework_of(b);
    let standings: Vec<Option<Standing>> = (0..bloc.units.len())
        .map(|u| {
            cards.get(&(b, u)).map(|(card, _)| Standing {
                totals: card.final_totals,
                criterion_scores: criterion_scores(framework, &card.final_scores),
            })
        })
        .collect();
    let refs: Vec<Option<&Standing>> = standings.iter().map(Option::as_ref).collect();
    let unit_ranks = ranks(&refs, &settings.ranking.tie_break, framework);
    let bands: Vec<Option<usize>> = standings
        .iter()
        .map(|s| s.as_ref().and_then(|s| classify(s, &settings.bands, framework)))
        .collect();
    let candidates: Vec<Candidate> = bloc
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| Candidate {
            code: unit.code.clone(),
            name: unit.name.clone(),
            rank: unit_ranks[u],
            total: standings[u].as_ref().map(|s| s.totals.total).unwrap_or_default(),
            band: bands[u],
            excluded: ws.registry.excluded.get(&unit.code).map(|e| {
                if e.basis.is_empty() {
                    e.reason.clone()
                } else {
                    format!("{} ({})", e.reason, e.basis)
                }
            }),
        })
        .collect();
    let proposals = propose(b, &bloc.name, &candidates, settings, votes);
    let complete = standings.iter().all(Option::is_some);
    let eligible: Vec<bool> = candidates.iter().map(Candidate::eligible).collect();
    let roles: Vec<Role> = bloc.units.iter().map(|u| u.role).collect();
    let leaders = next_leaders(b, &bloc.name, &roles, &candidates, &settings.next_leader, votes);
    let (next_leader, next_deputy) = (leaders.leader, leaders.deputy);
    let name_of = |i: Option<usize>| i.map(|i| bloc.units[i].name.clone());
    let role_holder = |role: Role| bloc.units.iter().find(|u| u.role == role).map(|u| u.name.clone());
    let mut notes = proposals.notes;
    let units = bloc
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let card = cards.get(&(b, u));
            let status = match (card, rejected.get(&(b, u))) {
                (Some(_), _) => UnitStatus::Scored,
                (None, Some(_)) => UnitStatus::Rejected,
                (None, None) => UnitStatus::Missing,
            };
            let mut unit_notes = std::mem::take(&mut notes[u]);
            match status {
                UnitStatus::Missing => unit_notes.insert(0, "chưa nộp".into()),
                UnitStatus::Rejected => unit_notes.insert(0, "bảng chấm điểm có lỗi, chưa được tính".into()),
                UnitStatus::Scored => {
                    let rank = unit_ranks[u];
                    let tie_noted = unit_notes.iter().any(|n| n.starts_with("đồng hạng"));
                    if unit_ranks.iter().filter(|r| **r == rank).count() > 1 && !tie_noted {
                        unit_notes.push("đồng hạng".into());
                    }
                }
            }
            UnitResult {
                code: unit.code.clone(),
                name: unit.name.clone(),
                status,
                self_totals: card.map(|(c, _)| c.self_totals),
                final_totals: card.map(|(c, _)| c.final_totals),
                rank: unit_ranks[u],
                classification: bands[u].map(|i| settings.bands[i].name.clone()),
                eligible: eligible[u],
                notes: unit_notes,
                award: proposals.awards[u].map(|a| settings.awards[a].name.clone()),
                provisional: !complete && proposals.awards[u].is_some(),
                source: card.map(|(_, f)| f.clone()).or_else(|| rejected.get(&(b, u)).cloned()),
                self_scores: card
                    .map(|(c, _)| criterion_scores(framework, &c.self_scores))
                    .unwrap_or_default(),
                final_scores: standings[u]
                    .as_ref()
                    .map(|s| s.criterion_scores.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    (
        BlocResult {
            name: bloc.name.clone(),
            complete,
            next_leader: name_of(next_leader),
            next_deputy: name_of(next_deputy),
            leader: role_holder(Role::Leader),
            deputy: role_holder(Role::Deputy),
            framework: framework.name.clone(),
            units,
            votes: votes.map(|v| {
                v.rows
                    .iter()
                    .filter(|r| r.bloc == b)
                    .map(|r| crate::outcome::VoteCount {
                        unit: bloc.units[r.unit].name.clone(),
                        form: r.form.clone(),
                        agree: r.agree,
                        total: r.total,
                    })
                    .collect()
            }),
        },
        proposals.issues.into_iter().chain(leaders.issues).collect(),
    )
}
