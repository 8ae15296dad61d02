//! The working folder, loaded and checked once before any member file is
//! read: `thidua.toml`, the registry (`don-vi.xlsx`), the criteria
//! (`tieu-chi.xlsx`), the votes (`phieu-bau.xlsx`, when present) and the
//! document templates, each checked against the others. A problem here stops
//! the command with exit code 2, naming the file and the key, sheet or cell
//! (see docs/thu-muc-lam-viec.md and docs/thidua-toml.md).

use std::path::{Path, PathBuf};

use crate::discover::relative;
use crate::error::Fatal;
use crate::model::Issue;
use crate::read::{self, Sheet};
use crate::reference::framework::{frameworks_from_sheets, Frameworks, CRITERIA_SHEET};
use crate::reference::registry::Registry;
use crate::reference::votes::{votes_from_sheets, Votes};
use crate::reference::RefError;
use crate::settings::{Settings, TieBreak, FILE_NAME};
use crate::text::fold;
use crate::write::docx::wording::Wording;

/// A loaded working folder: settings, reference data and templates, checked.
pub struct Workspace {
    pub dir: PathBuf,
    pub out: PathBuf,
    pub settings: Settings,
    pub registry: Registry,
    pub frameworks: Frameworks,
    /// The meeting's votes, when `phieu-bau.xlsx` exists, with the problems
    /// found in its rows (`vote.invalid`).
    pub votes: Option<Votes>,
    pub vote_issues: Vec<Issue>,
    /// The document templates, the folder's own where it has them.
    pub wording: Wording,
}

impl Workspace {
    /// Loads `dir`. Fails (exit code 2) when settings, registry, criteria or a
    /// template is missing or invalid, or when they disagree with each other.
    pub fn load(dir: &Path, out: Option<PathBuf>) -> Result<Workspace, Fatal> {
        if !dir.is_dir() {
            return Err(Fatal::NoFolder(dir.to_path_buf()));
        }
        let settings = Settings::load(dir)?;
        let registry_path = dir.join(&settings.files.registry);
        let registry = Registry::from_sheets(&read_reference(&registry_path, &settings)?)
            .map_err(|e| reference_error(&registry_path, e))?;
        let criteria_path = dir.join(&settings.files.criteria);
        let frameworks = frameworks_from_sheets(&read_reference(&criteria_path, &settings)?)
            .map_err(|e| reference_error(&criteria_path, e))?;
        let settings_path = dir.join(FILE_NAME);
        let bad_setting = |message: String| Fatal::Settings {
            path: settings_path.clone(),
            message,
        };
        check_blocs(&settings, &registry).map_err(bad_setting)?;
        let frameworks = bloc_frameworks(&settings, &registry, frameworks).map_err(bad_setting)?;
        let wording = Wording::load(dir)?;
        let votes_path = dir.join(&settings.files.votes);
        let (votes, vote_issues) = if votes_path.is_file() {
            let sheets = read_reference(&votes_path, &settings)?;
            let (votes, issues) = votes_from_sheets(&relative(dir, &votes_path), &sheets, &registry, &settings);
            (Some(votes), issues)
        } else {
            (None, Vec::new())
        };
        Ok(Workspace {
            dir: dir.to_path_buf(),
            out: out.unwrap_or_else(|| dir.join("out")),
            settings,
            registry,
            frameworks,
            votes,
            vote_issues,
            wording,
        })
    }
}

/// Reads a whole reference workbook; failures are fatal and name the file.
fn read_reference(path: &Path, settings: &Settings) -> Result<Vec<Sheet>, Fatal> {
    let bytes = std::fs::read(path).map_err(|e| Fatal::io(path, e))?;
    read::read_all_sheets(bytes, &settings.limits).map_err(|e| Fatal::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn reference_error(path: &Path, e: RefError) -> Fatal {
    Fatal::Input {
        path: path.to_path_buf(),
        sheet: e.sheet,
        message: e.message,
    }
}

/// Every bloc the settings name (`[[bloc]]`, the `blocs` of an `[[award]]`)
/// is a bloc of the registry, and `quotas` name awards that apply there.
fn check_blocs(settings: &Settings, registry: &Registry) -> Result<(), String> {
    for bloc in &settings.blocs {
        if !registry.blocs.iter().any(|b| b.name == bloc.name) {
            return Err(format!(
                "[[bloc]] name = \"{}\" không có trong danh sách khối của {}",
                bloc.name, settings.files.registry
            ));
        }
    }
    let known = |name: &str| registry.blocs.iter().any(|b| fold(&b.name) == fold(name));
    for (i, award) in settings.awards.iter().enumerate() {
        if let Some(name) = award.blocs.iter().find(|b| !known(b)) {
            return Err(format!(
                "[[award]] thứ {} (\"{}\"): \"blocs\" nêu khối \"{name}\" không có trong danh sách khối của {}",
                i + 1,
                award.name,
                settings.files.registry
            ));
        }
    }
    for bloc in &settings.blocs {
        for name in bloc.quotas.keys() {
            if let Some(award) = settings
                .awards
                .iter()
                .find(|a| &a.name == name && !a.applies_to(&bloc.name))
            {
                return Err(format!(
                    "[[bloc]] \"{}\": \"quotas\" nêu hình thức \"{}\" nhưng khóa \"blocs\" của hình thức này không gồm khối đó",
                    bloc.name, award.name
                ));
            }
        }
    }
    Ok(())
}

/// The framework each bloc is scored on: its `framework` setting, else the
/// `Tiêu chí` sheet (else the first). Every `group:` tie-break must name a
/// group of every bloc's framework.
fn bloc_frameworks(
    settings: &Settings,
    registry: &Registry,
    all: Vec<crate::reference::framework::Framework>,
) -> Result<Frameworks, String> {
    let default = all.iter().position(|f| f.name == CRITERIA_SHEET).unwrap_or(0);
    let by_bloc = registry
        .blocs
        .iter()
        .map(|b| match settings.bloc(&b.name).and_then(|s| s.framework.as_ref()) {
            Some(name) => all.iter().position(|f| &f.name == name).ok_or_else(|| {
                format!(
                    "[[bloc]] \"{}\": framework = \"{name}\" không phải sheet tiêu chí nào trong {}",
                    b.name, settings.files.criteria
                )
            }),
            None => Ok(default),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let frameworks = Frameworks { all, by_bloc };
    for key in &settings.ranking.tie_break {
        if let TieBreak::Group(code) = key {
            for (b, bloc) in registry.blocs.iter().enumerate() {
                if frameworks.of(b).find(code).is_none() {
                    return Err(format!(
                        "[ranking] tie_break \"group:{code}\": bảng tiêu chí của {} không có nhóm {code}",
                        bloc.name
                    ));
                }
            }
        }
    }
    Ok(frameworks)
}
