//! The official documents of every bloc (docs/thu-muc-lam-viec.md): the báo cáo (summary
//! report with the results table) and the tờ trình (proposal letter with the
//! annexed list), in the format of Nghị định 30/2020/NĐ-CP.
//!
//! The structure (letterhead, title, tables, foot) is built here with
//! docx-rs; the wording comes from the templates of [`wording`]; the package
//! is then written by [`package::package`] (compression, header rows,
//! language, stable ids). Identical inputs give identical bytes.

pub mod ballot;
pub mod layout;
pub mod minutes;
pub mod package;
pub mod province;
mod schema;
mod view;
pub mod wording;

use std::path::{Path, PathBuf};

use docx_rs::{AlignmentType, Docx, Paragraph, TableRow, TextBorder};
use rayon::prelude::*;

use crate::error::Fatal;
use crate::model::Points;
use crate::outcome::{BlocResult, Outcome, UnitStatus};
use crate::settings::Settings;
use crate::text::fold;
use crate::write::atomic_write;
use crate::write::names::{slug, UniqueStems};
use layout::{body, borderless, cell, data_table, data_table_or, line, lines, paragraph, rule, run, wrap_name, Look};
use layout::{LEFT_COLUMN, RIGHT_COLUMN, TEXT_WIDTH};
use view::{ranked_units, DocumentView};
use wording::{Block, Wording, PROPOSAL_TEMPLATE, REPORT_TEMPLATE};

/// Output folders under `out/` (docs/thu-muc-lam-viec.md).
pub const REPORT_DIR: &str = "bao-cao";
pub const PROPOSAL_DIR: &str = "to-trinh";

/// The mark of a bloc whose documents are drafts (a member is missing or
/// rejected).
pub const DRAFT_MARK: &str = "DỰ THẢO";

pub use ballot::{write_ballots, BALLOT_DIR};
pub use minutes::{write_minutes, MINUTES_DIR};
pub use province::{write_province_list, PROVINCE_FILE};

/// Body text size (points).
const BODY: Look = Look::pt(14);
/// Letterhead text size.
const HEAD: Look = Look::pt(13);
/// Table text size.
const TABLE: Look = Look::pt(12);
/// Left and right padding of a table cell (twips), as [`layout`] sets it.
const CELL_PADDING: usize = 2 * 57;

/// The two documents of one bloc, as .docx bytes.
pub struct BlocDocuments {
    pub report: Vec<u8>,
    pub proposal: Vec<u8>,
}

/// Writes `out/bao-cao/<bloc>.docx` and `out/to-trinh/<bloc>.docx` for every
/// bloc, blocs in parallel. Returns the files written, in bloc order.
///
/// Fails on a template error or an unwritable file.
pub fn write_documents(
    out: &Path,
    outcome: &Outcome,
    settings: &Settings,
    wording: &Wording,
) -> Result<Vec<PathBuf>, Fatal> {
    let names = bloc_file_names(outcome);
    let written: Vec<Vec<PathBuf>> = outcome
        .blocs
        .par_iter()
        .zip(names.par_iter())
        .map(|(bloc, name)| {
            let docs = bloc_documents(outcome, bloc, settings, wording)?;
            let report = out.join(REPORT_DIR).join(name);
            atomic_write(&report, &docs.report)?;
            let proposal = out.join(PROPOSAL_DIR).join(name);
            atomic_write(&proposal, &docs.proposal)?;
            Ok(vec![report, proposal])
        })
        .collect::<Result<_, Fatal>>()?;
    Ok(written.into_iter().flatten().collect())
}

/// Writes one document per bloc to `out/<dir>/<bloc>.docx`, built by
/// `build`, blocs in parallel. A bloc for which `build` gives `None` has no
/// document, and the one an earlier run left is removed. Returns the files
/// written, in bloc order.
pub(crate) fn write_per_bloc(
    out: &Path,
    dir: &str,
    outcome: &Outcome,
    build: impl Fn(&BlocResult) -> Result<Option<Vec<u8>>, Fatal> + Sync,
) -> Result<Vec<PathBuf>, Fatal> {
    let names = bloc_file_names(outcome);
    let written: Vec<Option<PathBuf>> = outcome
        .blocs
        .par_iter()
        .zip(names.par_iter())
        .map(|(bloc, name)| {
            let path = out.join(dir).join(name);
            match build(bloc)? {
                Some(bytes) => {
                    atomic_write(&path, &bytes)?;
                    Ok(Some(path))
                }
                None => {
                    if path.is_file() {
                        std::fs::remove_file(&path).map_err(|e| Fatal::write(&path, e))?;
                    }
                    Ok(None)
                }
            }
        })
        .collect::<Result<_, Fatal>>()?;
    Ok(written.into_iter().flatten().collect())
}

/// The error of a document whose template could not be laid out: the
/// document's path under `out/` and the template named.
pub(crate) fn template_failure(path: PathBuf, template: &'static str) -> impl FnOnce(String) -> Fatal {
    move |message| Fatal::Write {
        path,
        message: format!("{message} (mẫu {template})"),
    }
}

/// Every bloc's document file name (`<slug>.docx`), in bloc order. Names
/// are fixed in bloc order before any parallel work, so two blocs whose
/// names give the same slug get distinct files, the same every run.
pub(crate) fn bloc_file_names(outcome: &Outcome) -> Vec<String> {
    let mut stems = UniqueStems::default();
    outcome
        .blocs
        .iter()
        .map(|bloc| format!("{}.docx", stems.claim(&slug(&bloc.name))))
        .collect()
}

/// Builds both documents of `bloc`.
///
/// Fails when a template cannot be rendered (naming the template).
pub fn bloc_documents(
    outcome: &Outcome,
    bloc: &BlocResult,
    settings: &Settings,
    wording: &Wording,
) -> Result<BlocDocuments, Fatal> {
    let ctx = DocumentView::new(outcome, bloc, settings);
    let doc = Document {
        outcome,
        bloc,
        settings,
        ctx: &ctx,
    };
    let report = doc.build(DocumentKind::Report, &wording.render(REPORT_TEMPLATE, &ctx)?)?;
    let proposal = doc.build(DocumentKind::Proposal, &wording.render(PROPOSAL_TEMPLATE, &ctx)?)?;
    Ok(BlocDocuments { report, proposal })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DocumentKind {
    Report,
    Proposal,
}

impl DocumentKind {
    /// Type code of Nghị định 30 (Appendix III).
    fn code(self) -> &'static str {
        match self {
            DocumentKind::Report => "BC",
            DocumentKind::Proposal => "TTr",
        }
    }

    fn template(self) -> &'static str {
        match self {
            DocumentKind::Report => REPORT_TEMPLATE,
            DocumentKind::Proposal => PROPOSAL_TEMPLATE,
        }
    }
}

/// One document being laid out.
struct Document<'a> {
    outcome: &'a Outcome,
    bloc: &'a BlocResult,
    settings: &'a Settings,
    ctx: &'a DocumentView,
}

impl Document<'_> {
    fn build(&self, kind: DocumentKind, blocks: &[Block]) -> Result<Vec<u8>, Fatal> {
        let date = self.outcome.report_date;
        let created = format!("{date}T00:00:00Z");
        let mut docx = layout::page(&created);
        if self.ctx.draft {
            docx = docx.add_paragraph(draft_mark());
        }
        docx = docx.add_table(self.letterhead(kind));
        let mut page_break = false;
        for block in blocks {
            let mut paragraphs: Vec<Paragraph> = Vec::new();
            match block {
                Block::Bases => paragraphs.extend(self.bases()),
                Block::NewPage => {
                    page_break = true;
                    continue;
                }
                Block::Results => {
                    docx = docx.add_table(self.results_table());
                    docx = docx.add_paragraph(if self.ctx.appraised {
                        // The header says "Điểm chuẩn", the note says after what.
                        line(APPRAISED_NOTE, AlignmentType::Both, Look::pt(12).italic())
                            .line_spacing(layout::spacing(60, layout::PARAGRAPH_AFTER))
                    } else {
                        paragraph(AlignmentType::Both, Look::pt(6))
                    });
                    continue;
                }
                Block::Annex => {
                    docx = docx.add_table(self.annex_table());
                    continue;
                }
                Block::Sign => {
                    docx = docx.add_table(self.foot(kind));
                    continue;
                }
                // Tables of the meeting's documents: none here.
                Block::Table(_) => continue,
                other => paragraphs.extend(standard_paragraphs(other).unwrap_or_default()),
            }
            for p in paragraphs {
                let p = if page_break { p.page_break_before(true) } else { p };
                page_break = false;
                docx = docx.add_paragraph(p);
            }
        }
        pack(docx, self.outcome.report_date).map_err(|e| Fatal::Write {
            path: PathBuf::from(match kind {
                DocumentKind::Report => REPORT_DIR,
                DocumentKind::Proposal => PROPOSAL_DIR,
            })
            .join(format!("{}.docx", slug(&self.bloc.name))),
            message: format!("{e} (mẫu {})", kind.template()),
        })
    }

    /// The letterhead with this document's number, place and date.
    fn letterhead(&self, kind: DocumentKind) -> docx_rs::Table {
        let number = match kind {
            DocumentKind::Report => &self.ctx.report_ref,
            DocumentKind::Proposal => &self.ctx.proposal_ref,
        };
        letterhead(
            &self.settings.letterhead.parent,
            &self.ctx.issuer,
            number,
            &format!("{}, {}", self.settings.place, self.ctx.date),
        )
    }

    /// `Căn cứ …;` one per line, the last ending with `.`.
    fn bases(&self) -> Vec<Paragraph> {
        let bases = &self.settings.documents.legal_bases;
        bases
            .iter()
            .enumerate()
            .map(|(i, base)| {
                let base = base.trim().trim_end_matches([';', '.', ',']).trim_end();
                let text = if fold(base).starts_with("can cu") {
                    base.to_string()
                } else {
                    format!("Căn cứ {base}")
                };
                let end = if i + 1 == bases.len() { "." } else { ";" };
                body(&format!("{text}{end}"), BODY.italic())
            })
            .collect()
    }

    /// STT, unit, self score, final standard score, bonus, deduction, total,
    /// rank, classification; unscored units last, with why.
    fn results_table(&self) -> docx_rs::Table {
        let columns = RESULT_COLUMNS;
        let c = AlignmentType::Center;
        let dash = || ("-".to_string(), c);
        let points = |p: Option<Points>| p.map(|p| (p.to_vietnamese(), c)).unwrap_or_else(dash);
        let rows = ranked_units(self.bloc)
            .into_iter()
            .enumerate()
            .map(|(i, u)| {
                let status = match u.status {
                    UnitStatus::Scored => u.classification.clone().unwrap_or_default(),
                    UnitStatus::Missing => "Chưa nộp".into(),
                    UnitStatus::Rejected => "Chưa tính (bảng có lỗi)".into(),
                };
                vec![
                    ((i + 1).to_string(), c),
                    (u.name.clone(), AlignmentType::Left),
                    points(u.self_totals.map(|t| t.total)),
                    points(u.final_totals.map(|t| t.standard)),
                    points(u.final_totals.map(|t| t.bonus)),
                    points(u.final_totals.map(|t| t.deduction)),
                    points(u.final_totals.map(|t| t.total)),
                    u.rank.map(|r| (r.to_string(), c)).unwrap_or_else(dash),
                    (status, c),
                ]
            })
            .collect();
        data_table(&columns, rows, TABLE)
    }

    /// STT, unit, award, total, rank, notes: every proposal, by award then rank.
    fn annex_table(&self) -> docx_rs::Table {
        let columns = [
            ("STT", 600),
            ("Đơn vị", 2_500),
            // "Bằng khen của Thủ tướng Chính phủ" on one line at 12 pt.
            ("Hình thức khen thưởng", 3_750),
            ("Tổng điểm", 800),
            ("Xếp hạng", 700),
            ("Ghi chú", TEXT_WIDTH - 8_350),
        ];
        let c = AlignmentType::Center;
        let mut rows = Vec::new();
        for award in &self.settings.awards {
            for u in ranked_units(self.bloc)
                .into_iter()
                .filter(|u| u.award.as_deref() == Some(award.name.as_str()))
            {
                let mut notes = Vec::new();
                if let Some(v) = self
                    .bloc
                    .votes
                    .iter()
                    .flatten()
                    .find(|v| v.unit == u.name && v.form == award.name)
                {
                    notes.push(format!("{}/{} phiếu đồng ý", v.agree, v.total));
                }
                if u.provisional {
                    notes.push("Tạm thời".into());
                }
                rows.push(vec![
                    ((rows.len() + 1).to_string(), c),
                    (u.name.clone(), AlignmentType::Left),
                    (award.name.clone(), AlignmentType::Left),
                    (u.final_totals.map(|t| t.total.to_vietnamese()).unwrap_or_default(), c),
                    (u.rank.map(|r| r.to_string()).unwrap_or_default(), c),
                    (notes.join("; "), AlignmentType::Left),
                ]);
            }
        }
        data_table_or(
            &columns,
            rows,
            TABLE,
            "Không có đơn vị đủ điều kiện đề nghị khen thưởng.",
        )
    }

    /// `Nơi nhận:` and its list on the left, the signer on the right.
    fn foot(&self, kind: DocumentKind) -> docx_rs::Table {
        let copies = &self.settings.documents.copies;
        let mut left =
            vec![line("Nơi nhận:", AlignmentType::Left, Look::pt(12).bold().italic())
                .line_spacing(layout::spacing(240, 0))];
        for (i, copy) in copies.iter().enumerate() {
            let copy = copy.trim().trim_end_matches([';', '.']).trim_end();
            // A báo cáo has no "Kính gửi", so "Như trên" names the recipient.
            let copy = if kind == DocumentKind::Report && fold(copy) == fold("Như trên") {
                self.settings.documents.recipient.as_str()
            } else {
                copy
            };
            let end = if i + 1 == copies.len() { "." } else { ";" };
            left.push(line(&format!("- {copy}{end}"), AlignmentType::Left, Look::pt(11)));
        }
        let signer = self.settings.signer(&self.bloc.name);
        let mut right = Vec::new();
        let authority = match signer.form.trim() {
            "" => String::new(),
            form if form.eq_ignore_ascii_case("TM.") => format!("TM. {}", self.ctx.issuer),
            form => form.to_string(),
        };
        let sign_look = Look::pt(14).bold();
        if !authority.is_empty() {
            let authority = wrap_name(&authority, RIGHT_COLUMN - CELL_PADDING, sign_look.size);
            right.push(lines(&authority, AlignmentType::Center, sign_look).line_spacing(layout::spacing(240, 0)));
        }
        let title = line(&signer.title.to_uppercase(), AlignmentType::Center, sign_look);
        right.push(if authority.is_empty() {
            title.line_spacing(layout::spacing(240, 0))
        } else {
            title
        });
        for _ in 0..4 {
            right.push(paragraph(AlignmentType::Center, BODY));
        }
        right.push(line(signer.name.trim(), AlignmentType::Center, sign_look));
        borderless(
            &[LEFT_COLUMN, RIGHT_COLUMN],
            vec![TableRow::new(vec![cell(LEFT_COLUMN, left), cell(RIGHT_COLUMN, right)]).cant_split()],
        )
    }
}

/// The paragraphs of a block every document lays out the same way (title,
/// summary, headings, body text…); `None` for a block that is a table or
/// depends on the document.
pub(crate) fn standard_paragraphs(block: &Block) -> Option<Vec<Paragraph>> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    match block {
        Block::Title(text) => {
            paragraphs.push(
                line(&text.to_uppercase(), AlignmentType::Center, BODY.bold()).line_spacing(layout::spacing(360, 0)),
            );
        }
        Block::Summary(text) => {
            paragraphs.push(line(text, AlignmentType::Center, BODY.bold()));
            // 6 pt clear of the summary's descenders (ư, p, g).
            paragraphs.push(rule(TEXT_WIDTH, 2_000).line_spacing(rule_spacing(120, 240)));
        }
        Block::Rule => paragraphs.push(rule(TEXT_WIDTH, 2_000).line_spacing(rule_spacing(60, 300))),
        Block::To(text) => {
            paragraphs.push(
                paragraph(AlignmentType::Center, BODY)
                    .add_run(run("Kính gửi: ", BODY))
                    .add_run(run(text, BODY))
                    .line_spacing(layout::spacing(0, 240)),
            );
        }
        Block::Heading(text) => {
            paragraphs.push(
                line(text, AlignmentType::Both, BODY.bold())
                    .indent(
                        None,
                        Some(docx_rs::SpecialIndentType::FirstLine(layout::FIRST_LINE)),
                        None,
                        None,
                    )
                    .line_spacing(layout::spacing(60, layout::PARAGRAPH_AFTER))
                    .keep_next(true),
            );
        }
        Block::Item(text) => paragraphs.push(body(&format!("- {text}"), BODY).keep_next(text.ends_with(':'))),
        Block::Placeholder(text) => paragraphs.push(body(text, BODY.italic())),
        // A paragraph that announces a list or a table stays with it.
        Block::Body(text) => paragraphs.push(body(text, BODY).keep_next(text.ends_with(':'))),
        Block::Center(text) => {
            paragraphs.push(line(text, AlignmentType::Center, BODY.bold()));
        }
        Block::Note(text) => {
            paragraphs.push(line(text, AlignmentType::Center, BODY.italic()).line_spacing(layout::spacing(0, 120)));
        }
        _ => return None,
    }
    Some(paragraphs)
}

/// A table followed by 6 pt of space, so the next heading or paragraph
/// does not touch its bottom border.
pub(crate) fn spaced(table: docx_rs::Table) -> Vec<Piece> {
    vec![
        Piece::Table(Box::new(table)),
        Piece::Paragraph(Box::new(paragraph(AlignmentType::Both, Look::pt(6)))),
    ]
}

/// What a document's own block becomes: paragraphs or a table.
pub(crate) enum Piece {
    Paragraph(Box<Paragraph>),
    Table(Box<docx_rs::Table>),
}

/// Lays out `blocks` after what `docx` holds: the standard blocks as every
/// document does, `@newpage` as a page break before the next paragraph, and
/// any other block as `special` makes it (nothing when it returns `None`).
pub(crate) fn flow(
    mut docx: Docx,
    blocks: &[Block],
    special: &mut dyn FnMut(&Block) -> Result<Vec<Piece>, String>,
) -> Result<Docx, String> {
    let mut page_break = false;
    for block in blocks {
        let pieces = match block {
            Block::NewPage => {
                page_break = true;
                continue;
            }
            other => match standard_paragraphs(other) {
                Some(paragraphs) => paragraphs.into_iter().map(|p| Piece::Paragraph(Box::new(p))).collect(),
                None => special(other)?,
            },
        };
        for piece in pieces {
            match piece {
                Piece::Paragraph(p) => {
                    let p = if page_break { p.page_break_before(true) } else { *p };
                    page_break = false;
                    docx = docx.add_paragraph(p);
                }
                Piece::Table(t) => docx = docx.add_table(*t),
            }
        }
    }
    Ok(docx)
}

/// Columns of the results table. Widths (twips) keep every 12 pt bold
/// header on two lines at most ("Điểm tự / chấm", "Điểm / thưởng"), scores
/// and "Trung bình" on one; the unit's name takes the rest.
pub(crate) const RESULT_COLUMNS: [(&str, usize); 9] = [
    ("STT", 600),
    ("Đơn vị", TEXT_WIDTH - 6_790),
    ("Điểm tự chấm", 980),
    ("Điểm chuẩn", 800),
    ("Điểm thưởng", 900),
    ("Điểm trừ", 700),
    // "100,25" and "107,5" on one line.
    ("Tổng điểm", 840),
    ("Xếp hạng", 720),
    ("Xếp loại", 1_250),
];

/// Under the results table of an appraised bloc.
const APPRAISED_NOTE: &str =
    "Ghi chú: điểm chuẩn, điểm thưởng, điểm trừ, tổng điểm, xếp hạng và xếp loại là kết quả sau thẩm định.";

/// Two columns: the parent and issuing bodies with `Số: <number>` on the
/// left; the national name, motto, and the place and date line on the
/// right (Nghị định 30/2020, Appendix I).
pub(crate) fn letterhead(parent: &str, issuer: &str, number: &str, place_and_date: &str) -> docx_rs::Table {
    let (top, bottom) = letterhead_rows(parent, issuer, number, place_and_date);
    borderless(&[LEFT_COLUMN, RIGHT_COLUMN], vec![top, bottom])
}

/// The letterhead's top row only (bodies, national name and motto), for a
/// paper that has no number or date (a ballot).
pub(crate) fn letterhead_top(parent: &str, issuer: &str) -> docx_rs::Table {
    let (top, _) = letterhead_rows(parent, issuer, "", "");
    borderless(&[LEFT_COLUMN, RIGHT_COLUMN], vec![top])
}

fn letterhead_rows(parent: &str, issuer: &str, number: &str, place_and_date: &str) -> (TableRow, TableRow) {
    let left_top = cell(
        LEFT_COLUMN,
        vec![
            line(&parent.to_uppercase(), AlignmentType::Center, HEAD),
            lines(
                &wrap_name(issuer, LEFT_COLUMN - CELL_PADDING, HEAD.size),
                AlignmentType::Center,
                HEAD.bold(),
            ),
            rule(LEFT_COLUMN, 1_300).line_spacing(rule_spacing(80, 0)),
        ],
    );
    let right_top = cell(
        RIGHT_COLUMN,
        vec![
            line(
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                AlignmentType::Center,
                Look::pt(12).bold(),
            ),
            line(
                "Độc lập - Tự do - Hạnh phúc",
                AlignmentType::Center,
                HEAD.bold().underline(),
            ),
        ],
    );
    let left_bottom = cell(
        LEFT_COLUMN,
        vec![line(&format!("Số: {number}"), AlignmentType::Center, HEAD).line_spacing(layout::spacing(120, 0))],
    );
    let right_bottom = cell(
        RIGHT_COLUMN,
        vec![line(place_and_date, AlignmentType::Center, Look::pt(14).italic()).line_spacing(layout::spacing(120, 0))],
    );
    (
        TableRow::new(vec![left_top, right_top]),
        TableRow::new(vec![left_bottom, right_bottom]),
    )
}

/// Exact 2 pt line for a rule paragraph, `before` and `after` in twips.
fn rule_spacing(before: u32, after: u32) -> docx_rs::LineSpacing {
    docx_rs::LineSpacing::new()
        .before(before)
        .after(after)
        .line(40)
        .line_rule(docx_rs::LineSpacingType::Exact)
}

/// `DỰ THẢO` in a box, top right, above the letterhead.
fn draft_mark() -> Paragraph {
    let look = Look::pt(13).bold();
    paragraph(AlignmentType::Right, look)
        .add_run(
            run(DRAFT_MARK, look).text_border(
                TextBorder::new()
                    .border_type(docx_rs::BorderType::Single)
                    .size(6)
                    .space(2)
                    .color("000000"),
            ),
        )
        .line_spacing(layout::spacing(0, 120))
}

/// docx-rs's package, touched up.
pub(crate) fn pack(docx: Docx, date: crate::calendar::Date) -> Result<Vec<u8>, String> {
    package::package(docx.build(), date).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::layout::text_width;
    use super::*;

    #[test]
    fn scores_above_100_fit_their_column_on_one_line() {
        // Bonus points take totals past 100: "100,25" once wrapped as "100,2 / 5".
        for (i, (title, width)) in RESULT_COLUMNS.iter().enumerate().take(7).skip(2) {
            // Deductions stay small; the other scores can pass 100.
            let scores: &[&str] = if *title == "Điểm trừ" {
                &["20,25"]
            } else {
                &["100,25", "107,75"]
            };
            for score in scores {
                assert!(
                    text_width(score, 12) + CELL_PADDING <= *width,
                    "{score} in {title} (column {i})"
                );
            }
        }
    }

    #[test]
    fn the_results_table_spans_the_text_width() {
        assert_eq!(RESULT_COLUMNS.iter().map(|(_, w)| w).sum::<usize>(), TEXT_WIDTH);
    }
}
