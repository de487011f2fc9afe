//! Property tests of [`crate::disclosure::protect`]: random tables, random small groups, and the attacks
//! tried on what is published: the subtraction along each line, and every combination of lines (a
//! linear-algebra oracle written apart from the rule it checks).

use proptest::prelude::*;

use crate::disclosure::{protect, Entry, Grid, Pattern};

/// Tables of up to 6 categories and 5 parts, with many small counts and zeros.
fn any_grid() -> impl Strategy<Value = Grid> {
    (1usize..=6, 1usize..=5).prop_flat_map(|(rows, columns)| {
        proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![3 => 0u64..5, 2 => Just(0u64), 3 => 5u64..40],
                columns,
            ),
            rows,
        )
        .prop_map(|cells| Grid { cells })
    })
}

/// What is primarily hidden: the small rows whole (as the published figures hide a small category), or
/// every entry below 5 (the classic cell rule), or a random few.
fn primary(grid: &Grid, how: u8, pick: &[bool]) -> Pattern {
    let mut hidden = Pattern::none(grid);
    for (n, entry) in grid.entries().into_iter().enumerate() {
        let small = |e: Entry| (1..5).contains(&grid.value(e));
        let hide = match (how % 3, entry) {
            (0, Entry::Cell(r, _) | Entry::RowTotal(r)) => grid.value(Entry::RowTotal(r)) < 5,
            (0, Entry::ColumnTotal(_) | Entry::Grand) => small(entry),
            (1, _) => small(entry),
            _ => pick.get(n).copied().unwrap_or(false),
        };
        if hide {
            hidden.hide(entry);
        }
    }
    hidden
}

/// The margin entry of a line: the one the others add up to.
fn total_of(line: &[Entry]) -> Option<Entry> {
    if line.contains(&Entry::Grand) {
        return Some(Entry::Grand);
    }
    line.iter()
        .copied()
        .find(|e| matches!(e, Entry::RowTotal(_) | Entry::ColumnTotal(_)))
}

/// Whether the hidden entry `target` is fixed by the published entries through any combination of lines:
/// it is when its unit vector lies in the span of the lines' equations restricted to the hidden entries.
fn determined(grid: &Grid, hidden: &Pattern, target: Entry) -> bool {
    let unknowns: Vec<Entry> = grid
        .entries()
        .into_iter()
        .filter(|e| hidden.is_hidden(*e))
        .collect();
    let column = |e: Entry| unknowns.iter().position(|u| *u == e);
    let mut equations: Vec<Vec<f64>> = Vec::new();
    for line in grid.lines() {
        let Some(total) = total_of(&line) else {
            continue;
        };
        let mut equation = vec![0.0; unknowns.len()];
        for entry in &line {
            if let Some(i) = column(*entry) {
                equation[i] = if *entry == total { -1.0 } else { 1.0 };
            }
        }
        equations.push(equation);
    }
    let before = rank(equations.clone());
    let mut unit = vec![0.0; unknowns.len()];
    if let Some(i) = column(target) {
        unit[i] = 1.0;
    }
    equations.push(unit);
    rank(equations) == before
}

fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let columns = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for c in 0..columns {
        let Some(pivot) = (rank..m.len()).find(|&r| m[r][c].abs() > 1e-9) else {
            continue;
        };
        m.swap(rank, pivot);
        let pivot_row = m[rank].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != rank && row[c].abs() > 1e-9 {
                let f = row[c] / pivot_row[c];
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= f * p;
                }
            }
        }
        rank += 1;
    }
    rank
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_hidden_entry_is_a_published_total_minus_the_published_rest(
        grid in any_grid(), how in 0u8..3, pick in proptest::collection::vec(any::<bool>(), 64)
    ) {
        let primary = primary(&grid, how, &pick);
        let hidden = protect(&grid, &primary);
        for entry in grid.entries() {
            prop_assert!(!primary.is_hidden(entry) || hidden.is_hidden(entry), "{entry:?} unhidden");
        }
        for line in grid.lines() {
            if line.iter().all(|e| grid.value(*e) == 0) {
                continue;
            }
            let total = total_of(&line).unwrap();
            let published_parts: u64 = line.iter()
                .filter(|e| **e != total && !hidden.is_hidden(**e))
                .map(|e| grid.value(*e))
                .sum();
            for entry in line.iter().filter(|e| hidden.is_hidden(**e)) {
                if *entry == total {
                    // A hidden total: the published parts must not add up to it.
                    prop_assert!(
                        line.iter().any(|e| *e != total && hidden.is_hidden(*e) && grid.value(*e) > 0),
                        "{entry:?} = the sum of the published {line:?} in {grid:?} with {hidden:?}"
                    );
                } else if !hidden.is_hidden(total) {
                    prop_assert_ne!(
                        grid.value(total) - published_parts, grid.value(*entry),
                        "{:?} recovered from {:?} in {:?} with {:?}", entry, line, grid, hidden
                    );
                }
            }
        }
    }

    #[test]
    fn no_hidden_count_is_fixed_by_any_combination_of_lines(
        grid in any_grid(), how in 0u8..3, pick in proptest::collection::vec(any::<bool>(), 64)
    ) {
        let hidden = protect(&grid, &primary(&grid, how, &pick));
        for entry in grid.entries() {
            if hidden.is_hidden(entry) && grid.value(entry) > 0 {
                prop_assert!(
                    !determined(&grid, &hidden, entry),
                    "{entry:?} is fixed by the lines of {grid:?} with {hidden:?}"
                );
            }
        }
    }

    #[test]
    fn nothing_primary_nothing_hidden(grid in any_grid()) {
        let none = Pattern::none(&grid);
        prop_assert_eq!(protect(&grid, &none), none);
    }
}

#[test]
fn the_oracle_sees_the_reviews_subtraction() {
    // Without complements, the small row's cell is fixed by its column: the oracle must say so.
    let grid = Grid {
        cells: vec![vec![4, 3], vec![3, 5], vec![1, 0]],
    };
    let mut only_primary = Pattern::none(&grid);
    only_primary.hide(Entry::Cell(2, 0));
    only_primary.hide(Entry::RowTotal(2));
    assert!(determined(&grid, &only_primary, Entry::Cell(2, 0)));
    let protected = protect(&grid, &only_primary);
    assert!(!determined(&grid, &protected, Entry::Cell(2, 0)));
}
