//! The whole result of a run: what `ket-qua.json` holds (docs/ket-qua-json.md) and what
//! every writer reads.

use serde::Serialize;

use std::fmt;

use serde::Serializer;

use crate::calendar::Date;
use crate::model::{Issue, Points};
use crate::reference::registry::UnitRef;
use crate::score::Totals;
use crate::score_table::Table;
use crate::settings::Share;

#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub schema: &'static str,
    pub year: i32,
    pub report_date: Date,
    pub blocs: Vec<BlocResult>,
    pub issues: Vec<Issue>,
    pub inputs: Vec<InputRecord>,
}

pub const SCHEMA: &str = "thidua/ket-qua/1";

#[derive(Clone, Debug, Serialize)]
pub struct BlocResult {
    pub name: String,
    pub complete: bool,
    pub next_leader: Option<String>,
    pub next_deputy: Option<String>,
    /// This year's leader and deputy, from the registry.
    pub leader: Option<String>,
    pub deputy: Option<String>,
    /// The framework sheet the bloc is scored on.
    pub framework: String,
    /// The bloc has votes (a row of phieu-bau.xlsx with counts): its vote
    /// thresholds applied and its minutes are written.
    pub voted: bool,
    /// The facts of the bloc's meeting (sheet `Hội nghị`); `None` when the
    /// votes file gives none.
    pub meeting: Option<Meeting>,
    pub units: Vec<UnitResult>,
    /// The bloc's rows of the votes file, for the documents; `None` when
    /// there is no votes file.
    #[serde(skip)]
    pub votes: Option<Vec<VoteCount>>,
    /// What the meeting votes on: every award with a vote threshold that
    /// the bloc proposes, with its candidates (the scored units that meet
    /// its other conditions), for the ballot and the votes workbook.
    #[serde(skip)]
    pub ballot: Vec<BallotAward>,
}

/// An award the bloc's meeting votes on, and its candidates.
#[derive(Clone, Debug)]
pub struct BallotAward {
    pub award: String,
    /// Indexes into the bloc's `units`, in rank order.
    pub candidates: Vec<usize>,
}

/// The facts of a bloc's meeting as the votes workbook gives them; what it
/// does not give stays `None` (the minutes leave a dotted blank).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Meeting {
    pub date: Option<Date>,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    /// Members present.
    pub present: Option<u32>,
    /// Absent units, by name.
    pub absent: Vec<String>,
}

/// The meeting's vote on one unit, for an award or for next year's leader
/// or deputy.
#[derive(Clone, Debug, Serialize)]
pub struct UnitVote {
    /// An award name, `Trưởng khối` or `Phó khối`.
    pub form: String,
    pub agree: u32,
    /// Ballots cast.
    pub total: u32,
    /// What the share counts over: the ballots cast, or every registry
    /// member of the bloc (`vote_base = "members"`).
    pub base: u32,
    /// `agree / base`, rounded to a hundredth of a percent.
    #[serde(serialize_with = "basis_points")]
    pub share: u32,
    /// The share needed, when the award (or `[next_leader]`) sets one.
    pub threshold: Option<Share>,
    /// Whether the share reaches the threshold (exactly, before rounding);
    /// `None` without a threshold.
    pub passed: Option<bool>,
}

impl UnitVote {
    /// A vote of `agree` out of `total` ballots, its share over `base`.
    pub fn new(form: &str, agree: u32, total: u32, base: u32, threshold: Option<Share>) -> UnitVote {
        let base = base.max(1);
        UnitVote {
            form: form.to_string(),
            agree,
            total,
            base,
            share: ((u64::from(agree) * 20_000 + u64::from(base)) / (2 * u64::from(base))) as u32,
            passed: threshold.map(|t| t.reached_by(i64::from(agree), i64::from(base))),
            threshold,
        }
    }

    /// The share as print shows it: `88,89%`, `80%`.
    pub fn percent(&self) -> String {
        format!("{}%", Points(i64::from(self.share)).to_vietnamese())
    }

    /// Whether the share is counted over the bloc's members rather than
    /// the ballots.
    pub fn over_members(&self) -> bool {
        self.base != self.total
    }
}

/// Hundredths of a percent as a JSON ratio: 8889 → 0.8889.
fn basis_points<S: Serializer>(share: &u32, s: S) -> Result<S::Ok, S::Error> {
    if share % 10_000 == 0 {
        s.serialize_u32(share / 10_000)
    } else {
        s.serialize_f64(f64::from(*share) / 10_000.0)
    }
}

/// One vote count of a bloc meeting (a row of phieu-bau.xlsx).
#[derive(Clone, Debug, Serialize)]
pub struct VoteCount {
    /// The unit's name.
    pub unit: String,
    /// An award name, `Trưởng khối` or `Phó khối`.
    pub form: String,
    pub agree: u32,
    pub total: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitStatus {
    Scored,
    Missing,
    Rejected,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnitResult {
    pub code: String,
    pub name: String,
    pub status: UnitStatus,
    #[serde(rename = "self")]
    pub self_totals: Option<Totals>,
    #[serde(rename = "final")]
    pub final_totals: Option<Totals>,
    pub rank: Option<u32>,
    pub classification: Option<String>,
    pub eligible: bool,
    pub notes: Vec<Note>,
    pub award: Option<String>,
    /// The award is provisional: the bloc is incomplete.
    pub provisional: bool,
    /// The meeting's votes on this unit (phieu-bau.xlsx), in the order of
    /// the awards, then `Trưởng khối`, `Phó khối`.
    pub votes: Vec<UnitVote>,
    pub source: Option<String>,
    /// Every criterion's score (groups capped), self and final, indexed like
    /// the bloc's framework; empty when unscored.
    #[serde(skip)]
    pub self_scores: Vec<Points>,
    #[serde(skip)]
    pub final_scores: Vec<Points>,
}

/// A remark on a unit's row: what the stages tell each other about a
/// unit, as data. It becomes Vietnamese text only where a person reads it
/// (`Display`: the `notes` of ket-qua.json, the `Ghi chú` columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// No submission from the unit.
    Missing,
    /// The unit's submission has errors and is not counted.
    Rejected,
    /// Listed in `Không xét`: ranked, never proposed; the reason (with its
    /// basis in brackets when given).
    Excluded(String),
    /// Shares its rank with other units.
    Tied,
    /// Tied after every tie-break at a quota's edge: the places stay open
    /// for the bloc's meeting to settle.
    TiePending {
        /// The other units of the tied group, by name.
        others: Vec<String>,
        /// The places contested: award name and how many.
        places: Vec<(String, usize)>,
    },
    /// Passed over for an award: too few agree votes.
    VotesShort {
        award: String,
        agree: u32,
        total: u32,
        /// The bloc's size, when the share counts over its members.
        members: Option<u32>,
        threshold: Share,
    },
    /// Passed over for an award that needs votes: no vote row for the unit.
    NoVoteRow { award: String, file: String },
}

impl Note {
    /// The places of a pending tie: `1 suất "Cờ", 2 suất "Bằng khen"`.
    pub fn places_text(places: &[(String, usize)]) -> String {
        let places: Vec<String> = places
            .iter()
            .map(|(award, n)| format!("{n} suất \"{award}\""))
            .collect();
        places.join(", ")
    }

    /// Notes as one cell's text, `; ` between them.
    pub fn join(notes: &[Note]) -> String {
        let texts: Vec<String> = notes.iter().map(Note::to_string).collect();
        texts.join("; ")
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Missing => f.write_str("chưa nộp"),
            Note::Rejected => f.write_str("bảng chấm điểm có lỗi, chưa được tính"),
            Note::Excluded(reason) => write!(f, "không xét khen thưởng: {reason}"),
            Note::Tied => f.write_str("đồng hạng"),
            Note::TiePending { others, places } => write!(
                f,
                "đồng hạng với {}, tranh {}: chờ hội nghị khối quyết định",
                others.join(", "),
                Note::places_text(places)
            ),
            Note::VotesShort {
                award,
                agree,
                total,
                members: None,
                threshold,
            } => write!(
                f,
                "không đủ tỷ lệ phiếu đồng ý cho \"{award}\": {agree}/{total} phiếu, cần {}",
                threshold.percent()
            ),
            Note::VotesShort {
                award,
                agree,
                total,
                members: Some(members),
                threshold,
            } => write!(
                f,
                "không đủ tỷ lệ phiếu đồng ý cho \"{award}\": {agree}/{total} phiếu, tức {agree}/{members} thành viên của khối, cần {} tổng số thành viên",
                threshold.percent()
            ),
            Note::NoVoteRow { award, file } => write!(
                f,
                "{file} không có dòng bỏ phiếu cho \"{award}\" của đơn vị nên chưa được đề nghị"
            ),
        }
    }
}

impl Serialize for Note {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputStatus {
    Accepted,
    Rejected,
    Ignored,
}

#[derive(Clone, Debug, Serialize)]
pub struct InputRecord {
    pub file: String,
    pub sha256: Option<String>,
    pub status: InputStatus,
    pub unit: Option<String>,
    /// Where an accepted input's scores were read from; `None` otherwise.
    pub table: Option<TableRecord>,
}

/// Where the scores of an input were read: the sheet, the header row as
/// Excel numbers it (the first row of a two-row header), and the self-score
/// and appraisal (`final`) column letters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableRecord {
    pub sheet: String,
    pub header_row: u32,
    #[serde(rename = "self")]
    pub self_column: String,
    #[serde(rename = "final")]
    pub final_column: Option<String>,
}

impl TableRecord {
    /// The record of a found table.
    pub fn of(table: &crate::score_table::Table) -> TableRecord {
        TableRecord {
            sheet: table.sheet.clone(),
            header_row: table.first_header_row + 1,
            self_column: crate::model::column_letters(table.columns.self_score),
            final_column: table.columns.appraisal.map(crate::model::column_letters),
        }
    }

    /// `Tự chấm điểm › D (dòng tiêu đề 7)`, as `Nộp bài` shows it.
    pub fn label(&self) -> String {
        let appraisal = self
            .final_column
            .as_deref()
            .map(|c| format!(", thẩm định cột {c}"))
            .unwrap_or_default();
        format!(
            "Sheet \"{}\", tiêu đề dòng {}, tự chấm cột {}{appraisal}",
            self.sheet, self.header_row, self.self_column
        )
    }
}

impl Outcome {
    /// Whether any input had an error (exit code 1).
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(Issue::is_error)
    }

    /// Units per status, over all blocs.
    pub fn count(&self, status: UnitStatus) -> usize {
        self.blocs
            .iter()
            .flat_map(|b| &b.units)
            .filter(|u| u.status == status)
            .count()
    }
}

/// The score table of an input with issues, as found: kept beside the
/// outcome (not in ket-qua.json) for the feedback workbook that lays it out
/// again.
#[derive(Clone, Debug)]
pub struct FoundTable {
    /// The unit, when the input was matched to one.
    pub unit: Option<UnitRef>,
    /// The input's path relative to the working folder.
    pub file: String,
    pub table: Table,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(note: Note) -> String {
        note.to_string()
    }

    #[test]
    fn each_note_renders_in_vietnamese() {
        assert_eq!(text(Note::Missing), "chưa nộp");
        assert_eq!(text(Note::Rejected), "bảng chấm điểm có lỗi, chưa được tính");
        assert_eq!(
            text(Note::Excluded("Đang bị xem xét kỷ luật (Thanh tra tỉnh)".into())),
            "không xét khen thưởng: Đang bị xem xét kỷ luật (Thanh tra tỉnh)"
        );
        assert_eq!(text(Note::Tied), "đồng hạng");
        assert_eq!(
            text(Note::TiePending {
                others: vec!["Sở Y tế".into(), "Sở Tài chính".into()],
                places: vec![("Cờ thi đua".into(), 1), ("Bằng khen".into(), 2)],
            }),
            "đồng hạng với Sở Y tế, Sở Tài chính, tranh 1 suất \"Cờ thi đua\", 2 suất \"Bằng khen\": chờ hội nghị khối quyết định"
        );
        assert_eq!(
            text(Note::VotesShort {
                award: "Cờ thi đua".into(),
                agree: 7,
                total: 10,
                members: None,
                threshold: Share(800_000),
            }),
            "không đủ tỷ lệ phiếu đồng ý cho \"Cờ thi đua\": 7/10 phiếu, cần 80%"
        );
        assert_eq!(
            text(Note::VotesShort {
                award: "Bằng khen".into(),
                agree: 1,
                total: 3,
                members: None,
                threshold: Share(666_667),
            }),
            "không đủ tỷ lệ phiếu đồng ý cho \"Bằng khen\": 1/3 phiếu, cần 66,7%"
        );
        assert_eq!(
            text(Note::VotesShort {
                award: "Cờ thi đua".into(),
                agree: 8,
                total: 8,
                members: Some(10),
                threshold: Share(900_000),
            }),
            "không đủ tỷ lệ phiếu đồng ý cho \"Cờ thi đua\": 8/8 phiếu, tức 8/10 thành viên của khối, cần 90% tổng số thành viên"
        );
        assert_eq!(
            text(Note::NoVoteRow {
                award: "Cờ thi đua".into(),
                file: "phieu-bau.xlsx".into(),
            }),
            "phieu-bau.xlsx không có dòng bỏ phiếu cho \"Cờ thi đua\" của đơn vị nên chưa được đề nghị"
        );
    }

    #[test]
    fn vote_shares_are_exact_at_the_threshold_and_print_with_a_comma() {
        let v = UnitVote::new("Cờ", 8, 9, 9, Some(Share(800_000)));
        assert_eq!(
            (v.share, v.percent(), v.passed),
            (8889, "88,89%".to_string(), Some(true))
        );
        let at = UnitVote::new("Cờ", 8, 10, 10, Some(Share(800_000)));
        assert_eq!(
            (at.percent(), at.passed),
            ("80%".to_string(), Some(true)),
            "exactly at passes"
        );
        let under = UnitVote::new("Cờ", 7, 10, 10, Some(Share(800_000)));
        assert_eq!(under.passed, Some(false));
        // 2/3 rounds to 66,67% but does not reach a threshold of 0.666667.
        let third = UnitVote::new("Cờ", 2, 3, 3, Some(Share(666_667)));
        assert_eq!((third.percent(), third.passed), ("66,67%".to_string(), Some(false)));
        let members = UnitVote::new("Cờ", 9, 9, 10, Some(Share(900_000)));
        assert!(members.over_members());
        assert_eq!((members.percent(), members.passed), ("90%".to_string(), Some(true)));
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(
            json,
            r#"{"form":"Cờ","agree":8,"total":9,"base":9,"share":0.8889,"threshold":0.8,"passed":true}"#
        );
        let none = serde_json::to_string(&UnitVote::new("Trưởng khối", 9, 9, 9, None)).unwrap();
        assert!(none.ends_with(r#""share":1,"threshold":null,"passed":null}"#), "{none}");
    }

    #[test]
    fn notes_join_into_one_cell_and_serialise_as_text() {
        assert_eq!(Note::join(&[]), "");
        assert_eq!(Note::join(&[Note::Missing, Note::Tied]), "chưa nộp; đồng hạng");
        let json = serde_json::to_string(&vec![Note::Rejected]).unwrap();
        assert_eq!(json, "[\"bảng chấm điểm có lỗi, chưa được tính\"]");
    }
}
