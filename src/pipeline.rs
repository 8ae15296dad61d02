//! The pipeline: discover → read → validate (per file, in parallel) →
//! intake (inputs to units) → per bloc: score, rank, award ([`crate::bloc`]),
//! giving one [`Outcome`]. Per-file results are merged in sorted input
//! order, so the outcome never depends on thread timing.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::bloc::{assemble, Submission};
use crate::discover::{discover, InputFile};
use crate::error::Fatal;
use crate::model::{Code, Issue};
use crate::outcome::{FoundTable, InputRecord, InputStatus, Outcome, SCHEMA};
use crate::read::{self, Limits, ReadFailure};
use crate::reference::registry::{Registry, UnitRef};
use crate::validate::{failure_issue, validate, Expected, Validated};
use crate::workspace::Workspace;

/// One input after reading and validation.
struct Evaluated {
    file: InputFile,
    sha256: Option<String>,
    /// `None` for a file that is not a workbook (ignored).
    result: Option<Validated>,
}

/// Reads and validates one file; a panic inside a reader becomes
/// `file.unreadable` for this file only.
fn evaluate(file: InputFile, expected: &Expected, limits: &Limits) -> Evaluated {
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
    let result = evaluate_bytes(&file.rel, bytes, expected, limits);
    Evaluated {
        file,
        sha256: Some(sha256),
        result: Some(result),
    }
}

/// Reads and validates one workbook's bytes as the pipeline does for a
/// file at `rel`; a panic inside a reader becomes `file.unreadable`. The
/// entry point of the fuzzing harness (tests/fuzz.rs).
pub fn evaluate_bytes(rel: &str, bytes: Vec<u8>, expected: &Expected, limits: &Limits) -> Validated {
    catch_unwind(AssertUnwindSafe(|| match read::open(bytes, limits) {
        Ok(book) => validate(rel, book, expected),
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

/// The result of the pipeline, with what the writers need beyond the outcome.
pub struct Processed {
    pub outcome: Outcome,
    /// The tables of inputs with issues, for the feedback workbooks.
    pub tables: Vec<FoundTable>,
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
    let expected = Expected {
        registry: &ws.registry,
        frameworks: &ws.frameworks,
        year: ws.settings.year,
    };
    let evaluated: Vec<Evaluated> = files
        .into_par_iter()
        .map(|f| {
            let e = evaluate(f, &expected, &ws.settings.limits);
            progress.file_done(&e.file.rel);
            e
        })
        .collect();
    progress.finish();
    let Intake {
        inputs,
        members,
        feedback,
        mut issues,
    } = intake(&ws.registry, evaluated);
    issues.extend(missing(&ws.registry, &members));
    let mut blocs = Vec::with_capacity(members.len());
    // Each bloc's submissions move into its result: a province's scorecards
    // and results are never all held twice.
    for (b, submissions) in members.into_iter().enumerate() {
        let (bloc, bloc_issues) = assemble(ws, b, submissions);
        issues.extend(bloc_issues);
        blocs.push(bloc);
    }
    issues.extend(ws.vote_issues.iter().cloned());
    Ok(Processed {
        outcome: Outcome {
            schema: SCHEMA,
            year: ws.settings.year,
            report_date: ws.settings.report_date(),
            blocs,
            issues,
            inputs,
        },
        tables: feedback,
    })
}

/// The inputs sorted out: one record per input, one submission slot per
/// registry unit (bloc by bloc), and the issues of the files in input order.
struct Intake {
    inputs: Vec<InputRecord>,
    members: Vec<Vec<Option<Submission>>>,
    feedback: Vec<FoundTable>,
    issues: Vec<Issue>,
}

/// Gives each unit its submission. A unit with two or more inputs gets none
/// of them (`unit.duplicate` on each); a file with an error is rejected.
fn intake(registry: &Registry, evaluated: Vec<Evaluated>) -> Intake {
    let mut duplicates = duplicate_issues(registry, &evaluated);
    let mut members: Vec<Vec<Option<Submission>>> = registry
        .blocs
        .iter()
        .map(|b| (0..b.units.len()).map(|_| None).collect())
        .collect();
    let mut inputs = Vec::with_capacity(evaluated.len());
    let mut feedback = Vec::new();
    let mut issues = Vec::new();
    for (i, e) in evaluated.into_iter().enumerate() {
        let Some(result) = e.result else {
            if is_archive(&e.file.rel) {
                issues.push(archive_issue(&e.file.rel));
            }
            inputs.push(InputRecord {
                file: e.file.rel,
                sha256: None,
                status: InputStatus::Ignored,
                unit: None,
                table: None,
            });
            continue;
        };
        let duplicate = duplicates.remove(&i);
        let is_duplicate = duplicate.is_some();
        let mut file_issues = result.issues;
        file_issues.extend(duplicate);
        let failed = is_duplicate || file_issues.iter().any(Issue::is_error) || result.card.is_none();
        if let Some(unit) = result.unit {
            let slot = &mut members[unit.bloc][unit.unit];
            match (failed, result.card) {
                (false, Some(card)) => *slot = Some(Submission::Accepted(card, e.file.rel.clone())),
                _ => {
                    if slot.is_none() {
                        *slot = Some(Submission::Rejected(e.file.rel.clone()));
                    }
                }
            }
        }
        let record = result.source.filter(|_| !failed);
        if let (Some(table), false) = (result.table, file_issues.is_empty()) {
            feedback.push(FoundTable {
                unit: result.unit,
                file: e.file.rel.clone(),
                table,
            });
        }
        issues.extend(file_issues);
        inputs.push(InputRecord {
            file: e.file.rel,
            sha256: e.sha256,
            status: if failed {
                InputStatus::Rejected
            } else {
                InputStatus::Accepted
            },
            unit: result.unit.map(|u| registry.unit(u).code.clone()),
            table: record,
        });
    }
    Intake {
        inputs,
        members,
        feedback,
        issues,
    }
}

/// Whether a file is an archive members make of a folder (`.zip`, `.rar`,
/// `.7z`): listed, not read.
fn is_archive(rel: &str) -> bool {
    let lower = rel.to_lowercase();
    [".zip", ".rar", ".7z", ".tar", ".tar.gz", ".tgz"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// `file.archive`: what to do with an archive in the submissions folder.
fn archive_issue(rel: &str) -> Issue {
    Issue::new(
        Code::FileArchive,
        "Tệp nén (.zip, .rar, .7z) không được đọc. Giải nén vào thư mục nộp bài (nop/) rồi chạy lại; có thể xóa tệp nén sau khi giải nén.",
    )
    .file(rel)
}

/// `unit.duplicate` for every input of a unit that has more than one, by
/// input index.
fn duplicate_issues(registry: &Registry, evaluated: &[Evaluated]) -> BTreeMap<usize, Issue> {
    let mut by_unit: BTreeMap<UnitRef, Vec<usize>> = BTreeMap::new();
    for (i, e) in evaluated.iter().enumerate() {
        if let Some(unit) = e.result.as_ref().and_then(|r| r.unit) {
            by_unit.entry(unit).or_default().push(i);
        }
    }
    let mut out = BTreeMap::new();
    for (unit, inputs) in by_unit.iter().filter(|(_, v)| v.len() > 1) {
        let u = registry.unit(*unit);
        let names: Vec<&str> = inputs.iter().map(|&i| evaluated[i].file.rel.as_str()).collect();
        for &i in inputs {
            out.insert(
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
    out
}

/// `unit.missing` for every registry unit with no input at all.
fn missing(registry: &Registry, members: &[Vec<Option<Submission>>]) -> Vec<Issue> {
    registry
        .units()
        .filter(|(at, _)| members[at.bloc][at.unit].is_none())
        .map(|(at, unit)| {
            Issue::new(
                Code::UnitMissing,
                format!(
                    "{} ({}) chưa nộp bảng tự chấm điểm.",
                    unit.name, registry.blocs[at.bloc].name
                ),
            )
            .unit(&unit.code)
        })
        .collect()
}
