//! The scoring stage: leaf scores to group scores and totals, exactly.
//!
//! A group's score is the sum of its children capped at its own maximum
//! (docs/thu-muc-lam-viec.md). Final total = standard + bonus − deduction; it is not clamped.

use serde::Serialize;

use crate::model::Points;
use crate::reference::framework::{CriterionKind, Framework};

/// The four figures every unit is ranked on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub standard: Points,
    pub bonus: Points,
    pub deduction: Points,
    pub total: Points,
}

/// A unit's scores under its framework, computed once from the leaf scores
/// and carried to ranking and the outputs: what a unit is ranked on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scores {
    /// Score of every criterion (groups capped), indexed like the framework.
    pub criteria: Vec<Points>,
    pub totals: Totals,
}

impl Scores {
    /// The scores of `leaf_scores` (indexed like `framework.criteria`).
    pub fn of(framework: &Framework, leaf_scores: &[Points]) -> Scores {
        let criteria = criterion_scores(framework, leaf_scores);
        let totals = totals_of(framework, &criteria);
        Scores { criteria, totals }
    }
}

/// Score of every criterion: leaves as given, groups as the capped sum of
/// their children. `leaf_scores` is indexed like `framework.criteria`.
pub fn criterion_scores(framework: &Framework, leaf_scores: &[Points]) -> Vec<Points> {
    let n = framework.criteria.len();
    let mut sums = vec![Points::ZERO; n];
    let mut scores = vec![Points::ZERO; n];
    // Children always come after their parent, so one backward pass settles
    // every child before its parent.
    for i in (0..n).rev() {
        let c = &framework.criteria[i];
        let raw = if c.leaf { leaf_scores[i] } else { sums[i] };
        scores[i] = raw.min(c.max);
        if let Some(p) = c.parent {
            sums[p] = sums[p] + scores[i];
        }
    }
    scores
}

/// Standard, bonus, deduction and total from leaf scores.
pub fn totals(framework: &Framework, leaf_scores: &[Points]) -> Totals {
    totals_of(framework, &criterion_scores(framework, leaf_scores))
}

/// Standard, bonus, deduction and total from every criterion's score.
fn totals_of(framework: &Framework, scores: &[Points]) -> Totals {
    let sum_of = |kind: CriterionKind| -> Points {
        framework
            .tops()
            .filter(|&i| framework.criteria[i].kind == kind)
            .map(|i| scores[i])
            .sum()
    };
    let (standard, bonus, deduction) = (
        sum_of(CriterionKind::Standard),
        sum_of(CriterionKind::Bonus),
        sum_of(CriterionKind::Deduction),
    );
    Totals {
        standard,
        bonus,
        deduction,
        total: standard + bonus - deduction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::framework::Criterion;

    fn crit(code: &str, max: i64, kind: CriterionKind, parent: Option<usize>, leaf: bool) -> Criterion {
        Criterion {
            code: code.into(),
            title: code.into(),
            max: Points(max * 100),
            kind,
            guide: String::new(),
            parent,
            depth: usize::from(parent.is_some()),
            leaf,
        }
    }

    fn framework() -> Framework {
        Framework::new(
            "T",
            vec![
                crit("I", 10, CriterionKind::Standard, None, false),
                crit("I.1", 8, CriterionKind::Standard, Some(0), true),
                crit("I.2", 8, CriterionKind::Standard, Some(0), true),
                crit("II", 5, CriterionKind::Bonus, None, false),
                crit("II.1", 5, CriterionKind::Bonus, Some(3), true),
                crit("III", 10, CriterionKind::Deduction, None, false),
                crit("III.1", 10, CriterionKind::Deduction, Some(5), true),
            ],
        )
    }

    #[test]
    fn groups_are_capped_and_total_not_clamped() {
        let f = framework();
        let leaf = vec![
            Points(0),
            Points(800),
            Points(750),
            Points(0),
            Points(500),
            Points(0),
            Points(125),
        ];
        let t = totals(&f, &leaf);
        assert_eq!(t.standard, Points(1000)); // 15.5 capped at 10
        assert_eq!(t.bonus, Points(500));
        assert_eq!(t.deduction, Points(125));
        assert_eq!(t.total, Points(1375));
    }
}
