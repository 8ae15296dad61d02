//! The facts of each bloc's meeting (`phieu-bau.xlsx`, sheet `Hội nghị`):
//! one row per bloc with the date, place, chair, secretary, members present
//! and the absent units. The minutes print what is given here and leave a
//! dotted blank for the rest; nothing is invented. See
//! docs/thu-muc-lam-viec.md.

use std::collections::BTreeMap;

use super::find_header;
use super::registry::Registry;
use crate::calendar::Date;
use crate::model::{Code, Issue, Points};
use crate::read::Sheet;
use crate::score_table::Cell;
use crate::text::fold;

pub const MEETING_SHEET: &str = "Hội nghị";
pub const MEETING_HEADERS: [&str; 7] = [
    "Khối",
    "Ngày họp",
    "Địa điểm",
    "Chủ trì",
    "Thư ký",
    "Số thành viên có mặt",
    "Vắng mặt",
];

/// One bloc's meeting as the secretary wrote it; `None` or empty where the
/// row says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingFacts {
    pub date: Option<Date>,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    /// Members present, as written (or as the absent list implies).
    pub present: Option<u32>,
    /// Absent units, by index in the bloc, in the order written.
    pub absent: Vec<usize>,
}

impl MeetingFacts {
    fn is_empty(&self) -> bool {
        *self == MeetingFacts::default()
    }
}

/// Reads the `Hội nghị` sheet when the workbook has one: the facts by bloc
/// index, and a `vote.invalid` at its cell for every value that cannot be
/// used (an unknown bloc, a date or count that is not one, more members
/// present than the bloc has, an absent unit the bloc does not have).
pub fn meetings_from_sheets(
    file: &str,
    sheets: &[Sheet],
    registry: &Registry,
) -> (BTreeMap<usize, MeetingFacts>, Vec<Issue>) {
    let mut meetings = BTreeMap::new();
    let mut issues = Vec::new();
    let Some(sheet) = sheets.iter().find(|s| fold(&s.name) == fold(MEETING_SHEET)) else {
        return (meetings, issues);
    };
    let Some((header, cols)) = find_header(sheet, &MEETING_HEADERS, 1) else {
        issues.push(
            Issue::new(
                Code::VoteInvalid,
                "Sheet \"Hội nghị\" không có dòng tiêu đề \"Khối | Ngày họp | Địa điểm | Chủ trì | Thư ký | Số thành viên có mặt | Vắng mặt\"; thông tin hội nghị không được dùng.",
            )
            .file(file)
            .sheet(&sheet.name),
        );
        return (meetings, issues);
    };
    for row in sheet.rows.iter().filter(|r| r.index > header) {
        let cell = |i: usize| cols[i].and_then(|c| row.get(c));
        let text = |i: usize| cell(i).map(|c| c.as_text().trim().to_string()).unwrap_or_default();
        let invalid = |i: usize, message: String| {
            Issue::new(Code::VoteInvalid, message)
                .file(file)
                .sheet(&sheet.name)
                .at(row.index, cols[i].unwrap_or(0))
        };
        let facts_given = (1..MEETING_HEADERS.len()).any(|i| !text(i).is_empty());
        let bloc_name = text(0);
        if bloc_name.is_empty() {
            if facts_given {
                issues.push(invalid(
                    0,
                    "Dòng hội nghị không ghi tên khối; dòng này không được dùng. Ghi tên khối như trong don-vi.xlsx."
                        .into(),
                ));
            }
            continue;
        }
        let Some(b) = registry.blocs.iter().position(|bl| fold(&bl.name) == fold(&bloc_name)) else {
            issues.push(invalid(
                0,
                format!("Khối \"{bloc_name}\" không có trong danh sách khối (don-vi.xlsx); dòng hội nghị này không được dùng. Sửa tên khối rồi chạy lại."),
            ));
            continue;
        };
        let bloc = &registry.blocs[b];
        if meetings.contains_key(&b) {
            issues.push(invalid(
                0,
                format!(
                    "\"{}\" có hai dòng hội nghị; chỉ dòng đầu được dùng. Xóa dòng thừa rồi chạy lại.",
                    bloc.name
                ),
            ));
            continue;
        }
        let optional = |i: usize| Some(text(i)).filter(|t| !t.is_empty());
        let mut facts = MeetingFacts {
            place: optional(2),
            chair: optional(3),
            secretary: optional(4),
            ..MeetingFacts::default()
        };
        match cell(1) {
            None => {}
            Some(c) if c.is_empty() => {}
            Some(Cell::Number(n) | Cell::Date(n)) => match Date::from_serial(*n) {
                Some(date) => facts.date = Some(date),
                None => issues.push(invalid(
                    1,
                    format!("Ngày họp \"{}\" không phải một ngày; ghi dạng 05/12/2026.", text(1)),
                )),
            },
            Some(_) => match Date::parse_vietnamese(&text(1)) {
                Some(date) => facts.date = Some(date),
                None => issues.push(invalid(
                    1,
                    format!("Ngày họp \"{}\" không đọc được; ghi dạng 05/12/2026.", text(1)),
                )),
            },
        }
        let size = bloc.units.len() as u32;
        if let Some(present) = optional(5) {
            match whole(&present) {
                Some(n) if n <= size => facts.present = Some(n),
                Some(n) => issues.push(invalid(
                    5,
                    format!(
                        "Số thành viên có mặt ({n}) nhiều hơn số thành viên của khối ({size}); số này không được dùng."
                    ),
                )),
                None => issues.push(invalid(
                    5,
                    format!(
                        "Số thành viên có mặt \"{present}\" không phải số nguyên không âm; số này không được dùng."
                    ),
                )),
            }
        }
        for name in text(6).split([';', ',']).map(str::trim).filter(|n| !n.is_empty()) {
            let found = bloc
                .units
                .iter()
                .position(|u| fold(&u.code) == fold(name) || fold(&u.name) == fold(name));
            match found {
                Some(u) if !facts.absent.contains(&u) => facts.absent.push(u),
                Some(_) => {}
                None => issues.push(invalid(
                    6,
                    format!("Đơn vị vắng mặt \"{name}\" không phải thành viên của \"{}\"; ghi tên hoặc mã đơn vị như trong don-vi.xlsx, cách nhau bằng dấu ;.", bloc.name),
                )),
            }
        }
        let absent = facts.absent.len() as u32;
        match facts.present {
            Some(present) if present + absent > size => {
                issues.push(invalid(
                    5,
                    format!("Số thành viên có mặt ({present}) cộng số đơn vị vắng mặt ({absent}) nhiều hơn số thành viên của khối ({size}); số có mặt không được dùng."),
                ));
                facts.present = None;
            }
            None if absent > 0 => facts.present = Some(size - absent),
            _ => {}
        }
        if !facts.is_empty() {
            meetings.insert(b, facts);
        }
    }
    (meetings, issues)
}

/// A whole number of members or ballots: `8`, `8.0`, ` 8 `.
pub(crate) fn whole(text: &str) -> Option<u32> {
    Points::parse(text)
        .filter(|(p, _)| p.0 >= 0 && p.0 % 100 == 0)
        .and_then(|(p, _)| u32::try_from(p.0 / 100).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::registry::{Bloc, Role, Unit};
    use crate::reference::test_sheets::sheet;

    fn registry() -> Registry {
        let unit = |code: &str, name: &str| Unit {
            code: code.into(),
            name: name.into(),
            role: Role::Member,
            aliases: Vec::new(),
        };
        Registry::new(
            vec![Bloc {
                name: "Khối A".into(),
                units: vec![
                    unit("A1", "Sở Y tế"),
                    unit("A2", "Sở Tài chính"),
                    unit("A3", "Sở Nội vụ"),
                ],
            }],
            Default::default(),
        )
    }

    #[test]
    fn a_meeting_row_gives_its_facts_and_leaves_the_rest_blank() {
        let s = sheet(
            "Hội nghị",
            &[
                &["THÔNG TIN HỘI NGHỊ"],
                &MEETING_HEADERS,
                &["khối a", "05/12/2026", "", "Nguyễn Văn A", "", "", "A2; Sở Nội vụ"],
            ],
        );
        let (m, issues) = meetings_from_sheets("phieu-bau.xlsx", &[s], &registry());
        assert!(issues.is_empty(), "{issues:?}");
        let facts = &m[&0];
        assert_eq!(facts.date, Date::parse("2026-12-05"));
        assert_eq!(facts.place, None);
        assert_eq!(facts.chair.as_deref(), Some("Nguyễn Văn A"));
        assert_eq!(facts.absent, vec![1, 2]);
        assert_eq!(facts.present, Some(1), "present follows from the absent list");
    }

    #[test]
    fn bad_meeting_values_are_located() {
        let s = sheet(
            "Hội nghị",
            &[
                &MEETING_HEADERS,
                &["Khối B", "", "Hội trường"],
                &["Khối A", "hôm qua", "", "", "", "9", "Sở Xây dựng"],
            ],
        );
        let (m, issues) = meetings_from_sheets("phieu-bau.xlsx", &[s], &registry());
        let cells: Vec<String> = issues.iter().map(|i| i.cell.unwrap().to_string()).collect();
        assert_eq!(cells, ["A2", "B3", "F3", "G3"]);
        assert!(issues.iter().all(|i| i.code == Code::VoteInvalid));
        assert!(m.is_empty(), "nothing usable is left of the row: {m:?}");
    }
}
