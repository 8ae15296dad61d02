//! The official documents of every bloc (SPEC §5): the báo cáo (summary
//! report with the results table) and the tờ trình (proposal letter with the
//! annexed list), in the format of Nghị định 30/2020/NĐ-CP.
//!
//! The structure (letterhead, title, tables, foot) is built here with
//! docx-rs; the wording comes from the templates of [`wording`]; the package
//! is then written by [`package::package`] (compression, header rows,
//! language, stable ids). Identical inputs give identical bytes.

pub mod layout;
pub mod package;
mod schema;
pub mod wording;

use std::path::{Path, PathBuf};

use docx_rs::{AlignmentType, Docx, Paragraph, TableRow, TextBorder};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::Fatal;
use crate::fold::{fold, slug, UniqueStems};
use crate::model::Points;
use crate::outcome::{BlocResult, Outcome, UnitResult, UnitStatus};
use crate::settings::{LeaderPolicy, Settings};
use crate::write::atomic_write;
use layout::{body, borderless, cell, data_table, line, lines, paragraph, rule, run, spanning_row, wrap_name, Look};
use layout::{LEFT_COLUMN, RIGHT_COLUMN, TEXT_WIDTH};
use wording::{Block, Wording, PROPOSAL_TEMPLATE, REPORT_TEMPLATE};

/// Output folders under `out/` (SPEC §5).
pub const REPORT_DIR: &str = "bao-cao";
pub const PROPOSAL_DIR: &str = "to-trinh";

/// The mark of a bloc whose documents are drafts (a member is missing or
/// rejected).
pub const DRAFT_MARK: &str = "DỰ THẢO";

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
    // Names are fixed in bloc order before the parallel work, so two blocs
    // whose names give the same slug get distinct files, the same every run.
    let mut stems = UniqueStems::default();
    let names: Vec<String> = outcome
        .blocs
        .iter()
        .map(|bloc| format!("{}.docx", stems.claim(&slug(&bloc.name))))
        .collect();
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

/// Builds both documents of `bloc`.
///
/// Fails when a template cannot be rendered (naming the template).
pub fn bloc_documents(
    outcome: &Outcome,
    bloc: &BlocResult,
    settings: &Settings,
    wording: &Wording,
) -> Result<BlocDocuments, Fatal> {
    let ctx = Context::new(outcome, bloc, settings);
    let doc = Document {
        outcome,
        bloc,
        settings,
        ctx: &ctx,
    };
    let report = doc.build(Kind::Report, &wording.render(REPORT_TEMPLATE, &ctx)?)?;
    let proposal = doc.build(Kind::Proposal, &wording.render(PROPOSAL_TEMPLATE, &ctx)?)?;
    Ok(BlocDocuments { report, proposal })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Report,
    Proposal,
}

impl Kind {
    /// Type code of Nghị định 30 (Appendix III).
    fn code(self) -> &'static str {
        match self {
            Kind::Report => "BC",
            Kind::Proposal => "TTr",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Kind::Report => REPORT_TEMPLATE,
            Kind::Proposal => PROPOSAL_TEMPLATE,
        }
    }
}

/// What the templates see (all text already in Vietnamese form).
#[derive(Serialize)]
struct Context {
    year: i32,
    next_year: i32,
    place: String,
    /// `ngày 05 tháng 12 năm 2026`.
    date: String,
    draft: bool,
    bloc: String,
    /// The issuing body as the letterhead writes it (upper case).
    issuer: String,
    recipient: String,
    /// `     /BC-KTĐ`, `12/TTr-KTĐ`: the number part after `Số:`.
    report_ref: String,
    proposal_ref: String,
    members: Vec<Member>,
    member_count: usize,
    scored_count: usize,
    missing: Vec<String>,
    rejected: Vec<String>,
    leader: Option<String>,
    deputy: Option<String>,
    next_leader: Option<String>,
    next_deputy: Option<String>,
    leader_policy: &'static str,
    appraised: bool,
    ranked: Vec<Ranked>,
    bands: Vec<BandCount>,
    awards: Vec<AwardGroup>,
    proposed_count: usize,
    /// `None` when there is no votes file.
    votes: Option<Vec<VoteLine>>,
    /// Ties at a quota's edge, for the meeting to settle: `A, B đồng hạng
    /// 1, cùng tranh 1 suất “…”`.
    ties: Vec<String>,
    /// Units kept out of the awards (`Không xét` sheet), with the reason:
    /// `Thanh tra tỉnh: có đơn thư …`.
    excluded: Vec<String>,
}

#[derive(Serialize)]
struct Member {
    name: String,
    code: String,
    role: &'static str,
}

#[derive(Serialize)]
struct Ranked {
    rank: u32,
    name: String,
    total: String,
    classification: String,
}

#[derive(Serialize)]
struct BandCount {
    name: String,
    count: usize,
    units: Vec<String>,
}

#[derive(Serialize)]
struct AwardGroup {
    name: String,
    units: Vec<Proposed>,
}

#[derive(Serialize)]
struct Proposed {
    name: String,
    total: String,
    rank: u32,
}

#[derive(Serialize)]
struct VoteLine {
    unit: String,
    form: String,
    agree: u32,
    total: u32,
    /// Share of "agree" votes, `87,5`.
    percent: String,
}

/// `Số` reference: the number (blank when not yet given), the type code and
/// the issuer's code.
fn reference(number: Option<&str>, kind: Kind, code: &str) -> String {
    let number = number.map(str::trim).filter(|n| !n.is_empty()).unwrap_or("     ");
    if code.trim().is_empty() {
        format!("{number}/{}", kind.code())
    } else {
        format!("{number}/{}-{}", kind.code(), code.trim())
    }
}

/// Units of a bloc in rank order (ties in registry order), unscored last.
fn ranked_units(bloc: &BlocResult) -> Vec<&UnitResult> {
    let mut units: Vec<&UnitResult> = bloc.units.iter().collect();
    units.sort_by_key(|u| (u.rank.is_none(), u.rank));
    units
}

impl Context {
    fn new(outcome: &Outcome, bloc: &BlocResult, settings: &Settings) -> Context {
        let bloc_settings = settings.bloc(&bloc.name);
        let names = |status: UnitStatus| -> Vec<String> {
            bloc.units
                .iter()
                .filter(|u| u.status == status)
                .map(|u| u.name.clone())
                .collect()
        };
        let ranked: Vec<Ranked> = ranked_units(bloc)
            .into_iter()
            .filter_map(|u| {
                Some(Ranked {
                    rank: u.rank?,
                    name: u.name.clone(),
                    total: u.final_totals?.total.to_vietnamese(),
                    classification: u.classification.clone().unwrap_or_default(),
                })
            })
            .collect();
        let bands = settings
            .bands
            .iter()
            .map(|band| BandCount {
                name: band.name.clone(),
                count: 0,
                units: ranked_units(bloc)
                    .into_iter()
                    .filter(|u| u.classification.as_deref() == Some(band.name.as_str()))
                    .map(|u| u.name.clone())
                    .collect(),
            })
            .filter(|b| !b.units.is_empty())
            .map(|b| BandCount {
                count: b.units.len(),
                ..b
            })
            .collect();
        let awards: Vec<AwardGroup> = settings
            .awards
            .iter()
            .map(|award| AwardGroup {
                name: award.name.clone(),
                units: ranked_units(bloc)
                    .into_iter()
                    .filter(|u| u.award.as_deref() == Some(award.name.as_str()))
                    .map(|u| Proposed {
                        name: u.name.clone(),
                        total: u.final_totals.map(|t| t.total.to_vietnamese()).unwrap_or_default(),
                        rank: u.rank.unwrap_or(0),
                    })
                    .collect(),
            })
            .filter(|a| !a.units.is_empty())
            .collect();
        let votes = bloc.votes.as_ref().map(|votes| {
            votes
                .iter()
                .map(|v| VoteLine {
                    unit: v.unit.clone(),
                    form: v.form.clone(),
                    agree: v.agree,
                    total: v.total,
                    percent: Points((v.agree as i64 * 10_000 + v.total as i64 / 2) / v.total.max(1) as i64)
                        .to_vietnamese(),
                })
                .collect()
        });
        let ties = ties(bloc);
        let excluded = bloc
            .units
            .iter()
            .flat_map(|u| {
                u.notes
                    .iter()
                    .filter_map(|n| n.strip_prefix(EXCLUDED_NOTE))
                    .map(move |reason| format!("{}: {}", u.name, sentence_case(reason.trim())))
            })
            .collect();
        Context {
            year: outcome.year,
            next_year: outcome.year + 1,
            place: settings.place.clone(),
            date: outcome.report_date.vietnamese(),
            draft: !bloc.complete,
            bloc: bloc.name.clone(),
            issuer: issuer(settings, &bloc.name),
            recipient: settings.documents.recipient.clone(),
            report_ref: reference(
                bloc_settings.and_then(|b| b.report_number.as_deref()),
                Kind::Report,
                &settings.letterhead.code,
            ),
            proposal_ref: reference(
                bloc_settings.and_then(|b| b.proposal_number.as_deref()),
                Kind::Proposal,
                &settings.letterhead.code,
            ),
            members: bloc
                .units
                .iter()
                .map(|u| Member {
                    name: u.name.clone(),
                    code: u.code.clone(),
                    role: if Some(&u.name) == bloc.leader.as_ref() {
                        "Trưởng khối"
                    } else if Some(&u.name) == bloc.deputy.as_ref() {
                        "Phó khối"
                    } else {
                        ""
                    },
                })
                .collect(),
            member_count: bloc.units.len(),
            scored_count: bloc.units.iter().filter(|u| u.status == UnitStatus::Scored).count(),
            missing: names(UnitStatus::Missing),
            rejected: names(UnitStatus::Rejected),
            leader: bloc.leader.clone(),
            deputy: bloc.deputy.clone(),
            next_leader: bloc.next_leader.clone(),
            next_deputy: bloc.next_deputy.clone(),
            leader_policy: match settings.next_leader.policy {
                LeaderPolicy::Rotation => "rotation",
                LeaderPolicy::Top => "top",
                LeaderPolicy::Vote => "vote",
            },
            appraised: bloc.units.iter().any(|u| u.self_totals != u.final_totals),
            proposed_count: awards.iter().map(|a| a.units.len()).sum(),
            ranked,
            bands,
            awards,
            votes,
            ties,
            excluded,
        }
    }
}

/// How the award stage notes a tie at a quota's edge (see `award.rs`):
/// `đồng hạng với B, tranh 1 suất "X": chờ hội nghị khối quyết định`.
const TIE_NOTE: &str = "đồng hạng với ";
const TIE_PLACES: &str = ", tranh ";
const TIE_END: &str = ": chờ hội nghị khối quyết định";
/// How the award stage notes a unit of the `Không xét` sheet.
const EXCLUDED_NOTE: &str = "không xét khen thưởng: ";

/// Ties at a quota's edge, one line per tied group, units in rank order:
/// `A, B đồng hạng 1, cùng tranh 1 suất “Cờ thi đua của Chính phủ”`.
fn ties(bloc: &BlocResult) -> Vec<String> {
    // (rank, places contested) → the tied units.
    type Key<'a> = (Option<u32>, &'a str);
    let mut groups: Vec<(Key, Vec<&str>)> = Vec::new();
    for u in ranked_units(bloc) {
        for note in &u.notes {
            let Some(rest) = note.strip_prefix(TIE_NOTE) else {
                continue;
            };
            let rest = rest.strip_suffix(TIE_END).unwrap_or(rest);
            let Some(at) = rest.find(TIE_PLACES) else {
                continue;
            };
            let key = (u.rank, &rest[at + TIE_PLACES.len()..]);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, units)) => units.push(&u.name),
                None => groups.push((key, vec![&u.name])),
            }
        }
    }
    groups
        .into_iter()
        .map(|((rank, places), units)| {
            let rank = rank.map(|r| format!(" {r}")).unwrap_or_default();
            format!(
                "{} đồng hạng{rank}, cùng tranh {}",
                units.join(", "),
                curly_quotes(places)
            )
        })
        .collect()
}

/// Straight double quotes as Vietnamese print sets them: “…”.
fn curly_quotes(text: &str) -> String {
    let mut open = false;
    text.chars()
        .map(|c| match c {
            '"' => {
                open = !open;
                if open {
                    '“'
                } else {
                    '”'
                }
            }
            c => c,
        })
        .collect()
}

/// A reason as it reads after a colon: the first letter in lower case unless
/// the first word is an abbreviation (`UBND`, `HĐND`).
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

/// The issuing body: the bloc's `issuer` setting, else its name in upper case.
fn issuer(settings: &Settings, bloc: &str) -> String {
    settings
        .bloc(bloc)
        .and_then(|b| b.issuer.clone())
        .filter(|i| !i.trim().is_empty())
        .unwrap_or_else(|| bloc.to_uppercase())
}

/// One document being laid out.
struct Document<'a> {
    outcome: &'a Outcome,
    bloc: &'a BlocResult,
    settings: &'a Settings,
    ctx: &'a Context,
}

impl Document<'_> {
    fn build(&self, kind: Kind, blocks: &[Block]) -> Result<Vec<u8>, Fatal> {
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
                Block::Title(text) => {
                    paragraphs.push(
                        line(&text.to_uppercase(), AlignmentType::Center, BODY.bold())
                            .line_spacing(layout::spacing(360, 0)),
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
                Block::Bases => paragraphs.extend(self.bases()),
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
                    paragraphs
                        .push(line(text, AlignmentType::Center, BODY.italic()).line_spacing(layout::spacing(0, 120)));
                }
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
            }
            for p in paragraphs {
                let p = if page_break { p.page_break_before(true) } else { p };
                page_break = false;
                docx = docx.add_paragraph(p);
            }
        }
        pack(docx, self.outcome.report_date).map_err(|e| Fatal::Write {
            path: PathBuf::from(match kind {
                Kind::Report => REPORT_DIR,
                Kind::Proposal => PROPOSAL_DIR,
            })
            .join(format!("{}.docx", slug(&self.bloc.name))),
            message: format!("{e} (mẫu {})", kind.template()),
        })
    }

    /// Two columns: the parent and issuing bodies with the number on the
    /// left; the national name, motto, place and date on the right.
    fn letterhead(&self, kind: Kind) -> docx_rs::Table {
        let number = match kind {
            Kind::Report => &self.ctx.report_ref,
            Kind::Proposal => &self.ctx.proposal_ref,
        };
        let left_top = cell(
            LEFT_COLUMN,
            vec![
                line(
                    &self.settings.letterhead.parent.to_uppercase(),
                    AlignmentType::Center,
                    HEAD,
                ),
                lines(
                    &wrap_name(&self.ctx.issuer, LEFT_COLUMN - CELL_PADDING, HEAD.size),
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
            vec![line(
                &format!("{}, {}", self.settings.place, self.ctx.date),
                AlignmentType::Center,
                Look::pt(14).italic(),
            )
            .line_spacing(layout::spacing(120, 0))],
        );
        borderless(
            &[LEFT_COLUMN, RIGHT_COLUMN],
            vec![
                TableRow::new(vec![left_top, right_top]),
                TableRow::new(vec![left_bottom, right_bottom]),
            ],
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
        let mut table = data_table(&columns, rows.clone(), TABLE);
        if rows.is_empty() {
            table = table.add_row(spanning_row(
                "Không có đơn vị đủ điều kiện đề nghị khen thưởng.",
                TEXT_WIDTH,
                columns.len(),
                TABLE.italic(),
            ));
        }
        table
    }

    /// `Nơi nhận:` and its list on the left, the signer on the right.
    fn foot(&self, kind: Kind) -> docx_rs::Table {
        let copies = &self.settings.documents.copies;
        let mut left =
            vec![line("Nơi nhận:", AlignmentType::Left, Look::pt(12).bold().italic())
                .line_spacing(layout::spacing(240, 0))];
        for (i, copy) in copies.iter().enumerate() {
            let copy = copy.trim().trim_end_matches([';', '.']).trim_end();
            // A báo cáo has no "Kính gửi", so "Như trên" names the recipient.
            let copy = if kind == Kind::Report && fold(copy) == fold("Như trên") {
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
fn pack(docx: Docx, date: crate::settings::Date) -> Result<Vec<u8>, String> {
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
