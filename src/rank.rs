//! The ranking stage: order a bloc by final total and the tie-break keys,
//! share ranks among units still tied (1, 1, 3), and classify by the bands.

use std::cmp::Ordering;

use crate::reference::framework::{CriterionKind, Framework};
use crate::score::Scores;
use crate::settings::{Band, TieBreak};

/// Compares two standings: `Less` means `a` ranks before `b`.
pub fn compare(a: &Scores, b: &Scores, keys: &[TieBreak], framework: &Framework) -> Ordering {
    let by_total = b.totals.total.cmp(&a.totals.total);
    keys.iter().fold(by_total, |ord, key| {
        ord.then_with(|| match key {
            TieBreak::Standard => b.totals.standard.cmp(&a.totals.standard),
            TieBreak::Bonus => b.totals.bonus.cmp(&a.totals.bonus),
            TieBreak::Deduction => a.totals.deduction.cmp(&b.totals.deduction),
            TieBreak::Group(code) => match framework.find(code) {
                Some(i) => b.criteria[i].cmp(&a.criteria[i]),
                None => Ordering::Equal,
            },
        })
    })
}

/// Ranks of the given standings (`None` for unscored units): one more than
/// the number of units strictly ahead, so tied units share a rank (1, 1, 3)
/// and the result does not depend on input order. Sorts once: O(n log n).
pub fn ranks(standings: &[Option<&Scores>], keys: &[TieBreak], framework: &Framework) -> Vec<Option<u32>> {
    let mut order: Vec<(usize, &Scores)> = standings
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| (i, s)))
        .collect();
    order.sort_by(|(_, a), (_, b)| compare(a, b, keys, framework));
    let mut out = vec![None; standings.len()];
    let mut rank = 0;
    for (pos, &(i, s)) in order.iter().enumerate() {
        if pos == 0 || compare(order[pos - 1].1, s, keys, framework) != Ordering::Equal {
            rank = pos as u32 + 1;
        }
        out[i] = Some(rank);
    }
    out
}

/// Index of the highest band whose total and group floors the unit meets.
pub fn classify(standing: &Scores, bands: &[Band], framework: &Framework) -> Option<usize> {
    bands.iter().position(|band| {
        standing.totals.total >= band.min_total
            && band.min_group_share.is_none_or(|share| {
                framework
                    .tops()
                    .filter(|&i| framework.criteria[i].kind == CriterionKind::Standard)
                    .all(|i| share.reached_by(standing.criteria[i].0, framework.criteria[i].max.0))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Points;
    use crate::reference::framework::Criterion;
    use crate::score::Totals;
    use crate::settings::Share;
    use proptest::prelude::*;

    fn framework() -> Framework {
        let crit = |code: &str, kind, parent: Option<usize>, max: i64, leaf| Criterion {
            code: code.into(),
            title: code.into(),
            max: Points(max),
            kind,
            guide: String::new(),
            parent,
            depth: usize::from(parent.is_some()),
            leaf,
        };
        Framework::new(
            "T",
            vec![
                crit("I", CriterionKind::Standard, None, 5000, false),
                crit("I.1", CriterionKind::Standard, Some(0), 5000, true),
                crit("II", CriterionKind::Standard, None, 5000, false),
                crit("II.1", CriterionKind::Standard, Some(2), 5000, true),
            ],
        )
    }

    fn standing(total: i64, standard: i64, deduction: i64, group_i: i64) -> Scores {
        Scores {
            totals: Totals {
                standard: Points(standard),
                bonus: Points(total - standard + deduction),
                deduction: Points(deduction),
                total: Points(total),
            },
            criteria: vec![
                Points(group_i),
                Points(group_i),
                Points(standard - group_i),
                Points(standard - group_i),
            ],
        }
    }

    #[test]
    fn ties_share_a_rank_and_keys_break_them() {
        let f = framework();
        let a = standing(9000, 9000, 0, 4500);
        let b = standing(9000, 8900, 0, 4500);
        let c = standing(9000, 9000, 0, 4500);
        let d = standing(8000, 8000, 0, 4000);
        let keys = [TieBreak::Standard];
        let r = ranks(&[Some(&a), Some(&b), Some(&c), None, Some(&d)], &keys, &f);
        assert_eq!(r, vec![Some(1), Some(3), Some(1), None, Some(4)]);
        let r = ranks(&[Some(&a), Some(&b), Some(&c)], &[], &f);
        assert_eq!(r, vec![Some(1), Some(1), Some(1)]);
    }

    #[test]
    fn group_key_breaks_ties() {
        let f = framework();
        let a = standing(9000, 9000, 0, 4000);
        let b = standing(9000, 9000, 0, 5000);
        let r = ranks(&[Some(&a), Some(&b)], &[TieBreak::Group("I".into())], &f);
        assert_eq!(r, vec![Some(2), Some(1)]);
    }

    #[test]
    fn fewer_deductions_rank_first() {
        let f = framework();
        let a = standing(9000, 9000, 200, 4500);
        let b = standing(9000, 9000, 100, 4500);
        let r = ranks(&[Some(&a), Some(&b)], &[TieBreak::Deduction], &f);
        assert_eq!(r, vec![Some(2), Some(1)]);
    }

    #[test]
    fn band_floor_drops_a_band() {
        let f = framework();
        let bands = vec![
            Band {
                name: "Xuất sắc".into(),
                min_total: Points(9000),
                min_group_share: Some(Share(850_000)),
            },
            Band {
                name: "Tốt".into(),
                min_total: Points(8000),
                min_group_share: Some(Share(800_000)),
            },
            Band {
                name: "Khá".into(),
                min_total: Points(0),
                min_group_share: None,
            },
        ];
        // 92 in all but group II has 42/50 = 84% < 85%.
        let s = standing(9200, 9200, 0, 5000);
        assert_eq!(classify(&s, &bands, &f), Some(1));
        let s = standing(9400, 9400, 0, 5000);
        assert_eq!(classify(&s, &bands, &f), Some(0));
        let s = standing(8500, 8500, 0, 5000); // II at 35/50 = 70%
        assert_eq!(classify(&s, &bands, &f), Some(2));
    }

    proptest! {
        #[test]
        fn ranking_does_not_depend_on_input_order(
            totals in proptest::collection::vec((0i64..20, 0i64..5, 0i64..3, 0i64..3), 1..12),
            seed in any::<u64>(),
        ) {
            let f = framework();
            let list: Vec<Scores> = totals.iter().map(|(t, s, d, g)| standing(t * 100, (t - s).max(0) * 100, d * 100, g * 100)).collect();
            let keys = [TieBreak::Standard, TieBreak::Deduction, TieBreak::Group("I".into())];
            let refs: Vec<Option<&Scores>> = list.iter().map(Some).collect();
            let base = ranks(&refs, &keys, &f);
            // A deterministic shuffle from the seed.
            let mut order: Vec<usize> = (0..list.len()).collect();
            let mut x = seed | 1;
            for i in (1..order.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                order.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let shuffled: Vec<Option<&Scores>> = order.iter().map(|&i| Some(&list[i])).collect();
            let again = ranks(&shuffled, &keys, &f);
            for (pos, &i) in order.iter().enumerate() {
                prop_assert_eq!(again[pos], base[i]);
            }
            // Each rank is one more than the units strictly ahead.
            for (i, me) in list.iter().enumerate() {
                let ahead = list.iter().filter(|o| compare(o, me, &keys, &f) == Ordering::Less).count();
                prop_assert_eq!(base[i], Some(ahead as u32 + 1));
            }
            // Tied units (equal on every key) always share a rank.
            for i in 0..list.len() {
                for j in 0..list.len() {
                    if compare(&list[i], &list[j], &keys, &f) == Ordering::Equal {
                        prop_assert_eq!(base[i], base[j]);
                    }
                }
            }
        }
    }
}
