//! The wording of the documents: minijinja templates embedded in the binary,
//! each replaceable by a file of the same name in `DIR/templates/`.
//!
//! A template renders to lines of a small markup, one paragraph per line,
//! that [`parse`] turns into [`Block`]s:
//!
//! ```text
//! @title BÁO CÁO           type name (centred, bold, upper case)
//! @summary Về việc …       summary line under the title (centred, bold, short rule)
//! @to Hội đồng …           "Kính gửi:" line (tờ trình)
//! @bases                   the legal bases from thidua.toml, in italics
//! @results                 the results table (báo cáo)
//! @annex                   the list of proposals (tờ trình's annex)
//! @sign                    "Nơi nhận" and the signer, side by side
//! @newpage                 page break
//! @center TEXT             centred bold line (annex title)
//! @note TEXT               centred italic line
//! @rule                    short centred rule (under an annex's title)
//! @table KEY               a table the document builds (its keys: the template's head)
//! # TEXT                   section heading (bold)
//! - TEXT                   dash item ("- TEXT")
//! ? TEXT                   placeholder the secretariat rewrites (italic)
//! TEXT                     body paragraph (justified, first-line indent)
//! ```
//!
//! Blank lines are ignored.

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::error::Fatal;

/// Template of the báo cáo.
pub const REPORT_TEMPLATE: &str = "bao-cao.j2";
/// Template of the tờ trình and its annex.
pub const PROPOSAL_TEMPLATE: &str = "to-trinh.j2";
/// Template of a bloc's ballot.
pub const BALLOT_TEMPLATE: &str = "phieu-bau.j2";
/// Template of a bloc meeting's minutes.
pub const MINUTES_TEMPLATE: &str = "bien-ban.j2";
/// Template of the province's list of proposals.
pub const PROVINCE_TEMPLATE: &str = "de-nghi-toan-tinh.j2";

const DEFAULTS: [(&str, &str); 5] = [
    (REPORT_TEMPLATE, include_str!("../../../templates/bao-cao.j2")),
    (PROPOSAL_TEMPLATE, include_str!("../../../templates/to-trinh.j2")),
    (BALLOT_TEMPLATE, include_str!("../../../templates/phieu-bau.j2")),
    (MINUTES_TEMPLATE, include_str!("../../../templates/bien-ban.j2")),
    (
        PROVINCE_TEMPLATE,
        include_str!("../../../templates/de-nghi-toan-tinh.j2"),
    ),
];

/// The loaded, compiled templates.
pub struct Wording {
    env: Environment<'static>,
    /// Where each template came from (for error messages).
    sources: Vec<(String, Option<PathBuf>)>,
}

impl Wording {
    /// The embedded templates, overridden by `dir/templates/<name>` where such
    /// a file exists.
    ///
    /// Fails when an override cannot be read or has a syntax error, naming the
    /// file and the line.
    pub fn load(dir: &Path) -> Result<Wording, Fatal> {
        let mut env = environment();
        let mut sources = Vec::new();
        for (name, text) in DEFAULTS {
            let path = dir.join("templates").join(name);
            let (source, origin) = if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| Fatal::io(&path, e))?;
                (text, Some(path))
            } else {
                (text.to_string(), None)
            };
            env.add_template_owned(name.to_string(), source)
                .map_err(|e| template_error(name, origin.as_deref(), &e))?;
            sources.push((name.to_string(), origin));
        }
        Ok(Wording { env, sources })
    }

    /// The embedded templates only.
    pub fn embedded() -> Wording {
        let mut env = environment();
        for (name, text) in DEFAULTS {
            env.add_template(name, text).expect("embedded templates compile");
        }
        Wording {
            env,
            sources: DEFAULTS.iter().map(|(n, _)| (n.to_string(), None)).collect(),
        }
    }

    /// Renders template `name` with `context` into blocks.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<Vec<Block>, Fatal> {
        let origin = self
            .sources
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, o)| o.as_deref());
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, origin, &e))?;
        let text = template.render(context).map_err(|e| template_error(name, origin, &e))?;
        Ok(parse(&text))
    }
}

/// Strict about unknown variables (a typo in an override is an error, not a
/// blank), and block tags leave no blank lines.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env
}

fn template_error(name: &str, origin: Option<&Path>, e: &minijinja::Error) -> Fatal {
    let path = origin
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("templates").join(name));
    let line = e.line().map(|l| format!("dòng {l}: ")).unwrap_or_default();
    let detail = e.detail().map(str::to_string).unwrap_or_else(|| e.kind().to_string());
    Fatal::Read {
        path,
        message: format!("mẫu văn bản có lỗi ({line}{detail}). Sửa tệp mẫu, hoặc xóa tệp đó để dùng mẫu có sẵn."),
    }
}

/// One paragraph-level piece of a document, as a template asks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Summary(String),
    To(String),
    Bases,
    Results,
    Annex,
    Sign,
    NewPage,
    Rule,
    Center(String),
    Note(String),
    Heading(String),
    Item(String),
    Placeholder(String),
    Body(String),
    /// `@table KEY`: a table the document builds (the minutes' votes, the
    /// province list's awards…), chosen by its key.
    Table(String),
}

/// Turns rendered template text into blocks (see the module docs).
pub fn parse(text: &str) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let rest = |prefix: &str| line[prefix.len()..].trim().to_string();
            let word = line.split_whitespace().next().unwrap_or("");
            match word {
                "@title" => Block::Title(rest("@title")),
                "@summary" => Block::Summary(rest("@summary")),
                "@to" => Block::To(rest("@to")),
                "@bases" => Block::Bases,
                "@results" => Block::Results,
                "@annex" => Block::Annex,
                "@sign" => Block::Sign,
                "@newpage" => Block::NewPage,
                "@rule" => Block::Rule,
                "@center" => Block::Center(rest("@center")),
                "@note" => Block::Note(rest("@note")),
                "@table" => Block::Table(rest("@table")),
                "#" => Block::Heading(rest("#")),
                "-" => Block::Item(rest("-")),
                "?" => Block::Placeholder(rest("?")),
                _ => Block::Body(line.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_lines_become_blocks() {
        let blocks = parse("@title BÁO CÁO\n\n# I. KẾT QUẢ\n- một\n? sửa\n@results\nThân bài -- có dấu.\n#không\n");
        assert_eq!(
            blocks,
            vec![
                Block::Title("BÁO CÁO".into()),
                Block::Heading("I. KẾT QUẢ".into()),
                Block::Item("một".into()),
                Block::Placeholder("sửa".into()),
                Block::Results,
                Block::Body("Thân bài -- có dấu.".into()),
                Block::Body("#không".into()),
            ]
        );
    }

    #[test]
    fn embedded_templates_compile() {
        let w = Wording::embedded();
        assert!(w.env.get_template(REPORT_TEMPLATE).is_ok());
        for (name, _) in DEFAULTS {
            assert!(w.env.get_template(name).is_ok(), "{name}");
        }
    }
}
