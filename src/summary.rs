//! The human summary printed at the end of `check` and `run`, in Vietnamese.

use std::fmt::Write;
use std::path::PathBuf;

use crate::model::Severity;
use crate::outcome::{InputStatus, Outcome, UnitStatus};

/// Counts per status, then each issue as `file › sheet › cell: message`,
/// then where the outputs are.
pub fn human(outcome: &Outcome, written: &[PathBuf]) -> String {
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
    for issue in &outcome.issues {
        let tag = match issue.severity {
            Severity::Error => "LỖI",
            Severity::Warning => "Cảnh báo",
        };
        let _ = writeln!(s, "  [{tag}] {}", issue.located());
    }
    for bloc in outcome.blocs.iter().filter(|b| !b.complete) {
        let _ = writeln!(
            s,
            "{}: chưa đủ đơn vị, văn bản là DỰ THẢO và đề nghị khen thưởng là tạm thời.",
            bloc.name
        );
    }
    if !written.is_empty() {
        let _ = writeln!(s, "Đã ghi {} tệp:", written.len());
        for path in written {
            let _ = writeln!(s, "  {}", path.display());
        }
    }
    s
}
