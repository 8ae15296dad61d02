//! Choosing, never guessing: when a workbook offers more than one place a
//! score could be read from (several sheets with a score table, several
//! self-score columns), these rules choose, in order, and say what they left
//! aside; where two candidates remain, nothing is chosen. See
//! docs/thu-muc-lam-viec.md ("Khi tệp có nhiều bảng hoặc nhiều cột điểm").

/// Whether a candidate names a year, and which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum YearMark {
    /// Names other years only (last year's sheet or column).
    Other,
    /// Names no year.
    None,
    /// Names the settings' year.
    This,
}

impl YearMark {
    /// How `years` (as named by a sheet or a column) stand to `year`.
    pub fn of(years: &[i32], year: i32) -> YearMark {
        if years.contains(&year) {
            YearMark::This
        } else if years.is_empty() {
            YearMark::None
        } else {
            YearMark::Other
        }
    }
}

/// One place a score could be read from.
#[derive(Clone, Debug)]
pub struct Candidate<T> {
    pub item: T,
    /// The form's own metadata names it (the form's score sheet).
    pub by_form: bool,
    pub visible: bool,
    pub year: YearMark,
}

/// The rule that set a candidate aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The form's metadata names another sheet.
    Form,
    /// Hidden, and a visible one exists.
    Hidden,
    /// Names another year (or none) where one names the settings' year.
    Year,
}

/// What the rules made of the candidates.
#[derive(Clone, Debug)]
pub enum Decision<T> {
    /// One candidate is left; the others were set aside by the rule given.
    Chosen { item: T, aside: Vec<(T, Rule)> },
    /// No rule tells these apart.
    Ambiguous(Vec<T>),
    /// There was no candidate.
    None,
}

/// Applies the rules in order: the form's metadata, visible over hidden, the
/// settings' year over another (a sheet or column that names no year stands
/// between the two).
pub fn decide<T>(candidates: Vec<Candidate<T>>) -> Decision<T> {
    let mut left = candidates;
    let mut aside = Vec::new();
    for rule in [Rule::Form, Rule::Hidden, Rule::Year] {
        let rank = |c: &Candidate<T>| match rule {
            Rule::Form => u8::from(c.by_form),
            Rule::Hidden => u8::from(c.visible),
            Rule::Year => c.year as u8,
        };
        let Some(best) = left.iter().map(&rank).max() else {
            return Decision::None;
        };
        let (keep, drop): (Vec<_>, Vec<_>) = left.into_iter().partition(|c| rank(c) == best);
        aside.extend(drop.into_iter().map(|c| (c.item, rule)));
        left = keep;
    }
    match left.len() {
        0 => Decision::None,
        1 => Decision::Chosen {
            item: left.pop().map(|c| c.item).expect("one candidate"),
            aside,
        },
        _ => Decision::Ambiguous(left.into_iter().map(|c| c.item).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(item: &'static str, by_form: bool, visible: bool, year: YearMark) -> Candidate<&'static str> {
        Candidate {
            item,
            by_form,
            visible,
            year,
        }
    }

    #[test]
    fn rules_apply_in_order() {
        // Visible beats hidden even when the hidden one names the year.
        let d = decide(vec![
            c("hidden 2026", false, false, YearMark::This),
            c("visible", false, true, YearMark::None),
        ]);
        assert!(
            matches!(d, Decision::Chosen { item: "visible", ref aside } if aside == &[("hidden 2026", Rule::Hidden)])
        );
        // The settings' year beats another year and no year.
        let d = decide(vec![
            c("2025", false, true, YearMark::Other),
            c("2026", false, true, YearMark::This),
        ]);
        assert!(matches!(d, Decision::Chosen { item: "2026", ref aside } if aside == &[("2025", Rule::Year)]));
        // The form's sheet beats everything.
        let d = decide(vec![
            c("mine", false, true, YearMark::This),
            c("form", true, true, YearMark::None),
        ]);
        assert!(matches!(d, Decision::Chosen { item: "form", .. }));
        // Nothing tells two visible sheets without a year apart.
        let d = decide(vec![
            c("a", false, true, YearMark::None),
            c("b", false, true, YearMark::None),
        ]);
        assert!(matches!(d, Decision::Ambiguous(ref v) if v == &["a", "b"]));
        // One candidate needs no rule.
        let d = decide(vec![c("only", false, false, YearMark::Other)]);
        assert!(matches!(d, Decision::Chosen { item: "only", ref aside } if aside.is_empty()));
        assert!(matches!(decide(Vec::<Candidate<&str>>::new()), Decision::None));
    }
}
