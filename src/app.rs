//! The commands as library functions: `init`, `forms`, `check`, `run`.
//! The binary only parses the command line, calls these and prints.

use std::path::{Path, PathBuf};

use crate::calendar::Date;
use crate::error::Fatal;
use crate::outcome::Outcome;
use crate::pipeline::{process_with, Processed, Progress, Silent};
use crate::sample;
use crate::settings::{Settings, FILE_NAME};
use crate::workspace::Workspace;
use crate::write::docx::{write_ballots, write_documents, write_minutes, write_province_list};
use crate::write::feedback::write_feedback;
use crate::write::forms::{criteria_workbook, form_workbook, registry_workbook, write_forms, FormSpec};
use crate::write::json::{write_result, JSON_FILE};
use crate::write::names::slug;
use crate::write::tong_hop::{write_summary, SummaryInput, SUMMARY_FILE};
use crate::write::votes_form::write_votes_form;
use crate::write::{check_out_folder, clean_stale_temps, write_new};

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
    forms_guarded(ws, &crate::held::System)
}

/// [`forms`], asking `holders` first whether a form it would replace is
/// open in Excel: then it fails with [`Fatal::Held`] naming the file, before
/// anything is written.
pub fn forms_guarded(ws: &Workspace, holders: &dyn crate::held::Holders) -> Result<Vec<PathBuf>, Fatal> {
    crate::held::refuse_held(&ws.dir, crate::held::form_outputs(&ws.out), holders)?;
    prepare_out(ws)?;
    write_forms(
        &ws.out,
        &ws.registry,
        &ws.frameworks,
        ws.settings.year,
        ws.settings.report_date(),
    )
}

/// Before writing under `out/`: refuses an output folder inside the
/// submissions folder and removes temporary files a killed run left.
fn prepare_out(ws: &Workspace) -> Result<(), Fatal> {
    let submissions = ws.dir.join(&ws.settings.files.submissions);
    check_out_folder(&ws.out, &submissions)?;
    clean_stale_temps(&ws.out, &submissions);
    Ok(())
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
    crate::held::refuse_held(&ws.dir, crate::held::replaceable_outputs(&ws.out), holders)?;
    prepare_out(ws)?;
    let processed = process_with(ws, progress)?;
    let mut written = Vec::new();
    let (feedback, feedback_files) = write_feedback(
        &ws.out,
        &input_base(ws),
        &processed.outcome,
        &processed.tables,
        &ws.registry,
        &ws.frameworks,
    )?;
    written.extend(feedback_files);
    let Processed { outcome, .. } = processed;
    let summary = ws.out.join(SUMMARY_FILE);
    let input = SummaryInput {
        outcome: &outcome,
        frameworks: (0..outcome.blocs.len()).map(|b| ws.frameworks.of(b)).collect(),
        awards: ws.settings.awards.iter().map(|a| a.name.clone()).collect(),
        input_base: input_base(ws),
        feedback,
    };
    let json = ws.out.join(JSON_FILE);
    // tong-hop.xlsx is one serial writer; the documents are written on the
    // other cores meanwhile.
    let (tables, documents) = rayon::join(
        || -> Result<(), Fatal> {
            write_summary(&summary, &input)?;
            write_result(&json, &outcome)
        },
        || documents(ws, &outcome),
    );
    tables?;
    written.push(summary);
    written.push(json);
    written.extend(documents?);
    Ok((outcome, written))
}

/// Every document of the run (reports, proposals, ballots, minutes, the
/// province's list) and the votes workbook to fill at the meetings, in
/// this order.
fn documents(ws: &Workspace, outcome: &Outcome) -> Result<Vec<PathBuf>, Fatal> {
    let (out, settings, wording) = (&ws.out, &ws.settings, &ws.wording);
    let mut files = write_documents(out, outcome, settings, wording)?;
    files.extend(write_ballots(out, outcome, settings, wording)?);
    write_votes_form(out, outcome, settings)?;
    files.push(out.join(crate::write::votes_form::VOTES_FORM_FILE));
    files.extend(write_minutes(out, outcome, settings, wording)?);
    files.push(write_province_list(out, outcome, settings, wording)?);
    Ok(files)
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
