//! The human summary printed at the end of `check` and `run`, in Vietnamese:
//! units scored, missing and rejected; the issues; where the outputs are.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::model::Severity;
use crate::outcome::{InputStatus, Outcome, UnitStatus};

/// Issues listed one by one after `run` before the rest are only counted
/// (all of them are in ket-qua.json and the workbook). `check` lists all.
pub const RUN_ISSUE_LINES: usize = 50;

/// Counts per status, then each issue as `file › sheet › cell: message`
/// (errors first; after `run`, at most [`RUN_ISSUE_LINES`]), the blocs that
/// are incomplete, and where the outputs are: `out` with the files written,
/// grouped by folder.
pub fn report(outcome: &Outcome, out: Option<&Path>, written: &[PathBuf]) -> String {
    let mut s = String::new();
    let units: usize = outcome.blocs.iter().map(|b| b.units.len()).sum();
    let inputs = |st: InputStatus| outcome.inputs.iter().filter(|i| i.status == st).count();
    let _ = writeln!(
        s,
        "Năm {}: {} khối, {} đơn vị — {} đã chấm điểm, {} chưa nộp, {} bị từ chối.",
        outcome.year,
        outcome.blocs.len(),
        units,
        outcome.count(UnitStatus::Scored),
        outcome.count(UnitStatus::Missing),
        outcome.count(UnitStatus::Rejected),
    );
    let _ = writeln!(
        s,
        "Tệp nộp: {} được nhận, {} bị từ chối, {} bỏ qua.",
        inputs(InputStatus::Accepted),
        inputs(InputStatus::Rejected),
        inputs(InputStatus::Ignored),
    );
    let errors = outcome.issues.iter().filter(|i| i.severity == Severity::Error).count();
    let warnings = outcome.issues.len() - errors;
    let _ = writeln!(s, "Vấn đề: {errors} lỗi, {warnings} cảnh báo.");
    let limit = if out.is_some() { RUN_ISSUE_LINES } else { usize::MAX };
    let ordered = outcome
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .chain(outcome.issues.iter().filter(|i| i.severity != Severity::Error));
    for issue in ordered.clone().take(limit) {
        let tag = match issue.severity {
            Severity::Error => "LỖI",
            Severity::Warning => "Cảnh báo",
        };
        let _ = writeln!(s, "  [{tag}] {}", issue.located());
    }
    let hidden = ordered.count().saturating_sub(limit);
    if hidden > 0 {
        let _ = writeln!(
            s,
            "  … và {hidden} vấn đề khác: xem đủ trong ket-qua.json hoặc chạy `thidua check`."
        );
    }
    for bloc in outcome.blocs.iter().filter(|b| !b.complete) {
        let _ = writeln!(
            s,
            "{}: chưa đủ đơn vị, văn bản là DỰ THẢO và đề nghị khen thưởng là tạm thời.",
            bloc.name
        );
    }
    if let Some(out) = out {
        let _ = write!(s, "{}", outputs(out, written));
    } else if !written.is_empty() {
        let _ = writeln!(s, "Đã ghi {} tệp:", written.len());
        for path in written {
            let _ = writeln!(s, "  {}", crate::shown::path(path));
        }
    }
    s
}

/// `Đã ghi N tệp vào out/:` then the files at the top of `out` by name and
/// each sub-folder with its file count.
fn outputs(out: &Path, written: &[PathBuf]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Đã ghi {} tệp vào {}:", written.len(), crate::shown::path(out));
    let mut folders: BTreeMap<String, usize> = BTreeMap::new();
    for path in written {
        let rel = path.strip_prefix(out).unwrap_or(path);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [file] => {
                let _ = writeln!(s, "  {file}");
            }
            [first, ..] => *folders.entry(first.clone()).or_default() += 1,
            [] => {}
        }
    }
    for (folder, n) in folders {
        let _ = writeln!(s, "  {folder}/ ({n} tệp)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Date;
    use crate::model::{Code, Issue};

    fn outcome(issues: usize) -> Outcome {
        Outcome {
            schema: crate::outcome::SCHEMA,
            year: 2026,
            report_date: Date {
                year: 2026,
                month: 12,
                day: 5,
            },
            blocs: Vec::new(),
            issues: (0..issues)
                .map(|i| Issue::new(Code::UnitMissing, format!("đơn vị {i} chưa nộp")))
                .collect(),
            inputs: Vec::new(),
        }
    }

    #[test]
    fn outputs_are_grouped_by_folder() {
        let out = Path::new("w").join("out");
        let written = [
            out.join("tong-hop.xlsx"),
            out.join("ket-qua.json"),
            out.join("bao-cao").join("a.docx"),
            out.join("bao-cao").join("b.docx"),
        ];
        let text = report(&outcome(0), Some(&out), &written);
        assert!(text.contains("Đã ghi 4 tệp vào"), "{text}");
        assert!(text.contains("  tong-hop.xlsx\n"), "{text}");
        assert!(text.contains("  bao-cao/ (2 tệp)\n"), "{text}");
    }

    #[test]
    fn run_lists_a_bounded_number_of_issues_check_lists_all() {
        let many = outcome(RUN_ISSUE_LINES + 7);
        let run = report(&many, Some(Path::new("out")), &[]);
        assert!(run.contains("… và 7 vấn đề khác"), "{run}");
        assert_eq!(run.matches("[Cảnh báo]").count(), RUN_ISSUE_LINES);
        let check = report(&many, None, &[]);
        assert_eq!(check.matches("[Cảnh báo]").count(), RUN_ISSUE_LINES + 7);
        assert!(
            check.contains(&format!("0 lỗi, {} cảnh báo", RUN_ISSUE_LINES + 7)),
            "{check}"
        );
    }
}
