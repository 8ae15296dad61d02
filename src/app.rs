//! The commands as library functions: `init`, `forms`, `check`, `run`.
//! The binary only parses the command line, calls these and prints.

use std::path::{Path, PathBuf};

use crate::error::Fatal;
use crate::fold::{slug, UniqueStems};
use crate::outcome::Outcome;
use crate::pipeline::{process_with, Processed, Progress, Silent, Workspace};
use crate::sample;
use crate::settings::{Date, Settings, FILE_NAME};
use crate::write::feedback::{feedback_workbook, FeedbackInput};
use crate::write::forms::{criteria_workbook, form_workbook, registry_workbook, FormSpec};
use crate::write::json::write_json;
use crate::write::xlsx::{summary_workbook, SummaryInput};
use crate::write::{atomic_write, atomic_write_with, check_out_folder, clean_stale_temps, write_new};

/// Outputs' names under `out/` (SPEC §5).
pub const SUMMARY_FILE: &str = "tong-hop.xlsx";
pub const JSON_FILE: &str = "ket-qua.json";
pub const FORMS_DIR: &str = "bieu-mau";
pub const FEEDBACK_DIR: &str = "phan-hoi";

fn xlsx_error(path: &Path) -> impl Fn(rust_xlsxwriter::XlsxError) -> Fatal + '_ {
    move |e| Fatal::write(path, e)
}

/// `thidua init DIR [--sample]`: writes a working folder, never replacing a
/// file that exists. Returns the files written.
pub fn init(dir: &Path, with_sample: bool, today: Date) -> Result<Vec<PathBuf>, Fatal> {
    let year = if today.month >= 10 { today.year } else { today.year - 1 };
    let report_date = if with_sample {
        Date {
            year,
            month: 12,
            day: 5,
        }
    } else {
        today
    };
    let registry = sample::registry();
    let framework = sample::framework();
    let settings_path = dir.join(FILE_NAME);
    let registry_path = dir.join("don-vi.xlsx");
    let criteria_path = dir.join("tieu-chi.xlsx");
    for path in [&settings_path, &registry_path, &criteria_path] {
        if path.exists() {
            return Err(Fatal::Exists(path.clone()));
        }
    }
    let mut written = Vec::new();
    write_new(&settings_path, Settings::default_text(year, report_date).as_bytes())?;
    written.push(settings_path);
    let bytes = registry_workbook(&registry, report_date).map_err(xlsx_error(&registry_path))?;
    write_new(&registry_path, &bytes)?;
    written.push(registry_path);
    let bytes = criteria_workbook(std::slice::from_ref(&framework), report_date).map_err(xlsx_error(&criteria_path))?;
    write_new(&criteria_path, &bytes)?;
    written.push(criteria_path);
    let submissions = dir.join("nop");
    std::fs::create_dir_all(&submissions).map_err(|e| Fatal::write(&submissions, e))?;
    if with_sample {
        for (b, bloc) in registry.blocs.iter().enumerate() {
            for (u, unit) in bloc.units.iter().enumerate() {
                if sample::MISSING.contains(&unit.code.as_str()) {
                    continue;
                }
                let filled = sample::scores(&framework, &unit.code, sample::strength(u + b), year);
                let spec = FormSpec {
                    bloc: &bloc.name,
                    unit_code: &unit.code,
                    unit_name: &unit.name,
                    year,
                    date: report_date,
                    framework: &framework,
                    filled: Some(&filled),
                };
                let path = submissions
                    .join(slug(&bloc.name))
                    .join(format!("{}.xlsx", slug(&unit.name)));
                let bytes = form_workbook(&spec).map_err(xlsx_error(&path))?;
                write_new(&path, &bytes)?;
                written.push(path);
            }
        }
    }
    Ok(written)
}

/// `thidua forms`: one blank form per registry unit, under `out/bieu-mau/`.
pub fn forms(ws: &Workspace) -> Result<Vec<PathBuf>, Fatal> {
    prepare_out(ws)?;
    let date = ws.settings.report_date();
    let mut written = Vec::new();
    for (b, bloc) in ws.registry.blocs.iter().enumerate() {
        for unit in &bloc.units {
            let spec = FormSpec {
                bloc: &bloc.name,
                unit_code: &unit.code,
                unit_name: &unit.name,
                year: ws.settings.year,
                date,
                framework: ws.framework_of(b),
                filled: None,
            };
            let path = ws
                .out
                .join(FORMS_DIR)
                .join(slug(&bloc.name))
                .join(format!("{}.xlsx", unit_file_stem(&unit.name, &unit.code)));
            let bytes = form_workbook(&spec).map_err(xlsx_error(&path))?;
            atomic_write(&path, &bytes)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// File stem of a unit's output: the slug of its name and its code, so two
/// units with the same name never share a file.
pub fn unit_file_stem(name: &str, code: &str) -> String {
    format!("{}-{}", slug(name), slug(code))
}

/// Before writing under `out/`: refuses an output folder inside the
/// submissions folder and removes temporary files a killed run left.
fn prepare_out(ws: &Workspace) -> Result<(), Fatal> {
    let submissions = ws.dir.join(&ws.settings.files.submissions);
    check_out_folder(&ws.out, &submissions)?;
    clean_stale_temps(&ws.out, &submissions);
    Ok(())
}

/// `thidua check`: reads and validates everything, writes nothing.
pub fn check(ws: &Workspace) -> Result<Outcome, Fatal> {
    check_with(ws, &Silent)
}

/// [`check`], telling `progress` about each file read.
pub fn check_with(ws: &Workspace, progress: &dyn Progress) -> Result<Outcome, Fatal> {
    Ok(process_with(ws, progress)?.outcome)
}

/// `thidua run`: the whole pipeline and every output. Returns the outcome
/// and the files written.
pub fn run(ws: &Workspace) -> Result<(Outcome, Vec<PathBuf>), Fatal> {
    run_with(ws, &Silent)
}

/// [`run`], telling `progress` about each file read.
pub fn run_with(ws: &Workspace, progress: &dyn Progress) -> Result<(Outcome, Vec<PathBuf>), Fatal> {
    run_guarded(ws, progress, &crate::held::System)
}

/// [`run_with`], asking `holders` first whether an output it would replace
/// is open in another program: then it fails with [`Fatal::Held`] naming
/// the file, before anything is written.
pub fn run_guarded(
    ws: &Workspace,
    progress: &dyn Progress,
    holders: &dyn crate::held::Holders,
) -> Result<(Outcome, Vec<PathBuf>), Fatal> {
    let wording = crate::write::docx::wording::Wording::load(&ws.dir)?;
    crate::held::refuse_held(&ws.dir, &ws.out, holders)?;
    prepare_out(ws)?;
    let processed = process_with(ws, progress)?;
    let mut written = Vec::new();
    let feedback = write_feedback(ws, &processed, &mut written)?;
    let Processed { outcome, .. } = processed;
    let summary = ws.out.join(SUMMARY_FILE);
    let input = SummaryInput {
        outcome: &outcome,
        frameworks: (0..outcome.blocs.len()).map(|b| ws.framework_of(b)).collect(),
        awards: ws.settings.awards.iter().map(|a| a.name.clone()).collect(),
        input_base: input_base(ws),
        feedback,
    };
    let json = ws.out.join(JSON_FILE);
    // tong-hop.xlsx is one serial writer; the documents are written on the
    // other cores meanwhile.
    let (tables, documents) = rayon::join(
        || -> Result<(), Fatal> {
            let mut workbook = summary_workbook(&input).map_err(xlsx_error(&summary))?;
            atomic_write_with(&summary, |file| {
                workbook
                    .save_to_writer(std::io::BufWriter::new(file))
                    .map_err(std::io::Error::other)
            })?;
            atomic_write_with(&json, |file| write_json(&outcome, std::io::BufWriter::new(file)))
        },
        || crate::write::docx::write_documents(&ws.out, &outcome, &ws.settings, &wording),
    );
    tables?;
    written.push(summary);
    written.push(json);
    written.extend(documents?);
    Ok((outcome, written))
}

/// The prefix that makes a path relative to the working folder relative to
/// `out/` instead: `../` for the default `DIR/out`, the folder itself when
/// `--out` points elsewhere.
fn input_base(ws: &Workspace) -> String {
    match ws.out.strip_prefix(&ws.dir) {
        Ok(rest) if rest.components().count() > 0 => "../".repeat(rest.components().count()),
        _ => {
            let dir = std::path::absolute(&ws.dir).unwrap_or_else(|_| ws.dir.clone());
            format!("{}/", dir.to_string_lossy().replace('\\', "/").trim_end_matches('/'))
        }
    }
}

/// Writes `out/phan-hoi/<unit>.xlsx` for every input with issues and removes
/// feedback left from an earlier run. Returns each input's feedback file,
/// relative to `out/`.
fn write_feedback(
    ws: &Workspace,
    processed: &Processed,
    written: &mut Vec<PathBuf>,
) -> Result<std::collections::BTreeMap<String, String>, Fatal> {
    let outcome = &processed.outcome;
    let base = input_base(ws);
    let up = if base.starts_with("../") || base.is_empty() {
        "../"
    } else {
        ""
    };
    let dir = ws.out.join(FEEDBACK_DIR);
    let mut files = std::collections::BTreeMap::new();
    let mut stems = UniqueStems::default();
    let mut names = std::collections::BTreeSet::new();
    // Issues and found tables by file, gathered once: a province may have
    // thousands of files with issues.
    let mut issues_of: std::collections::BTreeMap<&str, Vec<crate::model::Issue>> = std::collections::BTreeMap::new();
    for issue in &outcome.issues {
        if let Some(file) = issue.file.as_deref() {
            issues_of.entry(file).or_default().push(issue.clone());
        }
    }
    let tables: std::collections::BTreeMap<&str, &crate::pipeline::Feedback> =
        processed.feedback.iter().map(|f| (f.file.as_str(), f)).collect();
    for record in &outcome.inputs {
        let Some(issues) = issues_of.get(record.file.as_str()) else {
            continue;
        };
        let tabled = tables.get(record.file.as_str()).copied();
        let unit = tabled
            .and_then(|f| f.unit)
            .or_else(|| record.unit.as_deref().and_then(|c| ws.registry.find_code(c)));
        let stem = match unit {
            Some(u) => {
                let unit = ws.registry.unit(u);
                unit_file_stem(&unit.name, &unit.code)
            }
            None => slug(
                std::path::Path::new(&record.file)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
                    .as_str(),
            ),
        };
        let name = format!("{}.xlsx", stems.claim(&stem));
        let path = dir.join(&name);
        let input = FeedbackInput {
            year: outcome.year,
            date: outcome.report_date,
            unit: unit.map(|u| {
                let unit = ws.registry.unit(u);
                (unit.name.as_str(), unit.code.as_str())
            }),
            bloc: unit.map(|u| ws.registry.blocs[u.0].name.as_str()),
            file: &record.file,
            file_link: format!("{up}{base}{}", record.file),
            table: tabled.map(|f| &f.table),
            framework: unit.map(|u| ws.framework_of(u.0)),
            issues,
        };
        let bytes = feedback_workbook(&input).map_err(xlsx_error(&path))?;
        atomic_write(&path, &bytes)?;
        written.push(path);
        files.insert(record.file.clone(), format!("{FEEDBACK_DIR}/{name}"));
        names.insert(name);
    }
    // Feedback from an earlier run for inputs that are now clean would mislead.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".xlsx") && !names.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(files)
}
