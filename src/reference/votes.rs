//! The meeting's votes (`phieu-bau.xlsx`, sheet `Phiếu bầu`): one row per
//! unit and award (or `Trưởng khối` / `Phó khối` for next year's leader
//! and deputy) with the agree votes and the ballots cast; and the meeting's
//! facts (sheet `Hội nghị`, [`super::meeting`]).
//!
//! The workbook `run` pre-fills (`out/phieu-bau-mau.xlsx`) lists every
//! candidate with its counts blank: a row whose two counts are blank is a
//! vote not yet held, never an error. A bloc "has votes" once one of its
//! rows has a count; only then do its vote thresholds apply.

use std::collections::{BTreeMap, BTreeSet};

use super::find_header;
use super::meeting::{meetings_from_sheets, whole, MeetingFacts};
use super::registry::Registry;
use crate::model::{Code, Issue};
use crate::read::Sheet;
use crate::settings::{LeaderPolicy, Settings, DEPUTY_VOTE, LEADER_VOTE};
use crate::text::fold;

pub const VOTES_SHEET: &str = "Phiếu bầu";
const VOTE_HEADERS: [&str; 5] = ["Khối", "Mã đơn vị", "Hình thức", "Đồng ý", "Tổng số phiếu"];

/// One valid row of phieu-bau.xlsx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    pub bloc: usize,
    pub unit: usize,
    /// An award name, [`LEADER_VOTE`] or [`DEPUTY_VOTE`].
    pub form: String,
    pub agree: u32,
    pub total: u32,
}

/// The votes of all blocs.
#[derive(Clone, Debug, Default)]
pub struct Votes {
    /// The votes file as messages name it (`phieu-bau.xlsx`, or the name
    /// `[files] votes` gives in thidua.toml).
    pub file: String,
    pub rows: Vec<Vote>,
    /// Blocs with at least one row that has a count (valid or not).
    pub counted: BTreeSet<usize>,
    /// The file has no usable `Phiếu bầu` header: no row can be read, so
    /// no bloc's vote can be trusted.
    pub broken: bool,
    /// The `Hội nghị` rows, by bloc.
    pub meetings: BTreeMap<usize, MeetingFacts>,
}

impl Votes {
    /// Whether bloc `bloc` has voted: its thresholds apply (a unit with no
    /// row is passed over). A broken file counts as voted everywhere, so
    /// nothing is proposed on the strength of votes nobody can read.
    pub fn voted(&self, bloc: usize) -> bool {
        self.broken || self.counted.contains(&bloc)
    }

    pub fn find(&self, bloc: usize, unit: usize, form: &str) -> Option<&Vote> {
        self.rows
            .iter()
            .find(|v| v.bloc == bloc && v.unit == unit && v.form == form)
    }
}

/// Reads the `Phiếu bầu` sheet and the `Hội nghị` sheet. Rows that name no
/// known bloc, unit or award, or whose counts do not add up (more agree
/// votes than ballots, more ballots than members present or than the bloc
/// has), become `vote.invalid` issues at their cell; `Trưởng khối` /
/// `Phó khối` rows when the leader is not elected by vote, `vote.ignored`.
pub fn votes_from_sheets(
    file: &str,
    sheets: &[Sheet],
    registry: &Registry,
    settings: &Settings,
) -> (Votes, Vec<Issue>) {
    let (meetings, meeting_issues) = meetings_from_sheets(file, sheets, registry);
    let mut votes = Votes {
        file: file.to_string(),
        meetings,
        ..Votes::default()
    };
    let mut issues = Vec::new();
    read_vote_rows(file, sheets, registry, settings, &mut votes, &mut issues);
    issues.extend(meeting_issues);
    (votes, issues)
}

fn read_vote_rows(
    file: &str,
    sheets: &[Sheet],
    registry: &Registry,
    settings: &Settings,
    votes: &mut Votes,
    issues: &mut Vec<Issue>,
) {
    let Some(sheet) = sheets.iter().find(|s| fold(&s.name) == fold(VOTES_SHEET)).or_else(|| {
        sheets
            .iter()
            .find(|s| fold(&s.name) != fold(super::meeting::MEETING_SHEET))
    }) else {
        return;
    };
    let Some((header, cols)) = find_header(sheet, &VOTE_HEADERS, 5) else {
        issues.push(
            Issue::new(
                Code::VoteInvalid,
                "Không tìm thấy dòng tiêu đề \"Khối | Mã đơn vị | Hình thức | Đồng ý | Tổng số phiếu\" trong phiếu bầu; kết quả bỏ phiếu không được dùng.",
            )
            .file(file)
            .sheet(&sheet.name),
        );
        votes.broken = true;
        return;
    };
    let col = |i: usize| cols[i].unwrap_or(0);
    for row in sheet.rows.iter().filter(|r| r.index > header) {
        let text = |i: usize| {
            row.get(col(i))
                .map(|c| c.as_text().trim().to_string())
                .unwrap_or_default()
        };
        // A candidate's row before the meeting: nothing to count yet.
        if text(3).is_empty() && text(4).is_empty() {
            continue;
        }
        let invalid = |c: usize, message: String| {
            Issue::new(Code::VoteInvalid, message)
                .file(file)
                .sheet(&sheet.name)
                .at(row.index, col(c))
        };
        let (bloc_name, unit_text, form) = (text(0), text(1), text(2));
        let unit = match registry
            .find_code(&unit_text)
            .ok_or(())
            .or_else(|_| registry.match_unit(&unit_text))
        {
            Ok(unit) => unit,
            Err(nearest) => {
                if let Some(b) = registry.blocs.iter().position(|b| fold(&b.name) == fold(&bloc_name)) {
                    votes.counted.insert(b);
                }
                let hint = nearest.map(|n| format!(" Có phải \"{n}\"?")).unwrap_or_default();
                issues.push(invalid(
                    1,
                    format!(
                        "Mã đơn vị \"{unit_text}\" không có trong danh sách đơn vị (don-vi.xlsx); dòng phiếu bầu này không được tính.{hint} Sửa mã đơn vị rồi chạy lại."
                    ),
                ));
                continue;
            }
        };
        let unit_code = registry.unit(unit).code.clone();
        let invalid = |c: usize, message: String| invalid(c, message).unit(&unit_code);
        let bloc = &registry.blocs[unit.bloc].name;
        votes.counted.insert(unit.bloc);
        if !bloc_name.is_empty() && fold(bloc) != fold(&bloc_name) {
            issues.push(invalid(
                0,
                format!(
                    "Đơn vị {unit_code} thuộc \"{bloc}\", không phải \"{bloc_name}\"; dòng phiếu bầu này không được tính. Sửa tên khối rồi chạy lại."
                ),
            ));
            continue;
        }
        let form = match settings.awards.iter().find(|a| fold(&a.name) == fold(&form)) {
            Some(a) if !a.applies_to(bloc) => {
                issues.push(invalid(
                    2,
                    format!(
                        "Hình thức \"{}\" không áp dụng cho \"{bloc}\" (khóa \"blocs\" của [[award]] trong thidua.toml); dòng phiếu bầu này không được tính.",
                        a.name
                    ),
                ));
                continue;
            }
            Some(a) => a.name.clone(),
            None if fold(&form) == fold(LEADER_VOTE) || fold(&form) == fold(DEPUTY_VOTE) => {
                let form = if fold(&form) == fold(LEADER_VOTE) {
                    LEADER_VOTE
                } else {
                    DEPUTY_VOTE
                };
                if settings.next_leader.policy != LeaderPolicy::Vote {
                    issues.push(
                        Issue::new(
                            Code::VoteIgnored,
                            format!(
                                "Dòng bầu \"{form}\" không được tính vì [next_leader] policy của thidua.toml không phải \"vote\" (Trưởng khối, Phó khối năm sau được chọn theo quy định khác). Bỏ dòng này, hoặc đặt policy = \"vote\"."
                            ),
                        )
                        .file(file)
                        .sheet(&sheet.name)
                        .at(row.index, col(2))
                        .unit(&unit_code),
                    );
                    continue;
                }
                form.to_string()
            }
            None => {
                issues.push(invalid(
                    2,
                    format!(
                        "Hình thức \"{form}\" không có trong các mục [[award]] của thidua.toml, cũng không phải \"Trưởng khối\" hay \"Phó khối\"; dòng phiếu bầu này không được tính. Ghi đúng tên hình thức khen thưởng như trong thidua.toml."
                    ),
                ));
                continue;
            }
        };
        let count = |i: usize| -> Option<u32> { whole(&text(i)) };
        let Some(agree) = count(3) else {
            issues.push(invalid(
                3,
                format!(
                    "Số phiếu đồng ý \"{}\" không phải số nguyên không âm; dòng phiếu bầu này không được tính.",
                    text(3)
                ),
            ));
            continue;
        };
        let Some(total) = count(4) else {
            issues.push(invalid(
                4,
                format!(
                    "Tổng số phiếu \"{}\" không phải số nguyên không âm; dòng phiếu bầu này không được tính.",
                    text(4)
                ),
            ));
            continue;
        };
        if total == 0 {
            issues.push(invalid(
                4,
                "Tổng số phiếu bằng 0; dòng phiếu bầu này không được tính. Ghi số phiếu phát ra theo biên bản kiểm phiếu.".into(),
            ));
            continue;
        }
        if agree > total {
            issues.push(invalid(
                3,
                format!("Số phiếu đồng ý ({agree}) lớn hơn tổng số phiếu ({total}); dòng phiếu bầu này không được tính. Kiểm tra lại biên bản kiểm phiếu."),
            ));
            continue;
        }
        let size = registry.blocs[unit.bloc].units.len() as u32;
        if total > size {
            issues.push(invalid(
                4,
                format!("Tổng số phiếu ({total}) nhiều hơn số thành viên của khối ({size}); dòng phiếu bầu này không được tính. Kiểm tra lại biên bản kiểm phiếu."),
            ));
            continue;
        }
        if let Some(present) = votes.meetings.get(&unit.bloc).and_then(|m| m.present) {
            if total > present {
                issues.push(invalid(
                    4,
                    format!("Tổng số phiếu ({total}) nhiều hơn số thành viên có mặt ({present}, sheet \"Hội nghị\"); dòng phiếu bầu này không được tính. Kiểm tra lại biên bản kiểm phiếu hoặc số thành viên có mặt."),
                ));
                continue;
            }
        }
        if votes.find(unit.bloc, unit.unit, &form).is_some() {
            issues.push(invalid(
                1,
                format!("Đơn vị {unit_code} có hai dòng phiếu bầu cho \"{form}\"; chỉ dòng đầu được tính. Xóa dòng thừa rồi chạy lại."),
            ));
            continue;
        }
        votes.rows.push(Vote {
            bloc: unit.bloc,
            unit: unit.unit,
            form,
            agree,
            total,
        });
    }
}
