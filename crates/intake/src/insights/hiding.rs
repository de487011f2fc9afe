//! Which figures of one week are hidden, by the domain's rules (`complaint_domain::disclosure`): the week's
//! counts laid out as tables whose rows are the categories and whose totals are the row "every category",
//! small groups hidden first, then enough others that no hidden one can be worked out by subtraction.
//!
//! Three tables share their rows' totals (the complaints received): the outcomes (upheld, partly upheld,
//! not upheld, not decided yet), the ratings (rated, not rated) and the reopened (reopened, not). A total
//! one of them hides is hidden in the others too, until none hides more. The promises kept have tables of
//! their own (kept, late; the totals are the complaints due), taken as known to whoever reads the shares.

use complaint_domain::disclosure::{protect, Entry, Grid, Pattern, RATINGS_AT_LEAST};
use complaint_domain::insights::SUPPRESS_BELOW;

use crate::store::FigureCounts;

/// What is hidden in one row of a week (a category, or every category together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct RowHidden {
    pub received: bool,
    pub outcomes: bool,
    pub ratings: bool,
    pub reopened: bool,
    pub acknowledged: bool,
    pub decided: bool,
}

/// A group too small to publish: some, but fewer than `at_least`.
fn small(n: u64, at_least: u64) -> bool {
    n > 0 && n < at_least
}

fn grid(rows: &[FigureCounts], parts: impl Fn(&FigureCounts) -> Vec<u64>) -> Grid {
    Grid {
        cells: rows.iter().map(parts).collect(),
    }
}

/// Hides whole rows (every part and the total) whose total is small, and the grand total when small.
fn small_rows(grid: &Grid) -> Pattern {
    let mut hidden = Pattern::none(grid);
    for r in 0..grid.rows() {
        if small(grid.value(Entry::RowTotal(r)), SUPPRESS_BELOW) {
            for c in 0..grid.columns() {
                hidden.hide(Entry::Cell(r, c));
            }
            hidden.hide(Entry::RowTotal(r));
        }
    }
    if small(grid.value(Entry::Grand), SUPPRESS_BELOW) {
        hidden.hide(Entry::Grand);
    }
    hidden
}

/// Hides the parts `columns` of every row (and of the totals) whose `base` is below `at_least`.
fn small_parts(
    hidden: &mut Pattern,
    rows: &[FigureCounts],
    base: impl Fn(&FigureCounts) -> u64,
    at_least: u64,
    columns: std::ops::Range<usize>,
) {
    for (r, counts) in rows.iter().enumerate() {
        if small(base(counts), at_least) {
            for c in columns.clone() {
                hidden.hide(Entry::Cell(r, c));
            }
        }
    }
    let total: u64 = rows.iter().map(&base).sum();
    if small(total, at_least) {
        for c in columns {
            hidden.hide(Entry::ColumnTotal(c));
        }
    }
}

/// The hidden figures of a week: one per row of `rows` (the categories), then the total's.
pub(super) fn week(rows: &[FigureCounts]) -> Vec<RowHidden> {
    let outcomes = grid(rows, |c| {
        let decided = c.upheld + c.partly + c.not_upheld;
        vec![
            c.upheld,
            c.partly,
            c.not_upheld,
            c.received.saturating_sub(decided),
        ]
    });
    let ratings = grid(rows, |c| vec![c.rated, c.received.saturating_sub(c.rated)]);
    let reopened = grid(rows, |c| {
        vec![c.reopened, c.received.saturating_sub(c.reopened)]
    });
    let mut outcomes_first = small_rows(&outcomes);
    small_parts(
        &mut outcomes_first,
        rows,
        |c| c.upheld + c.partly + c.not_upheld,
        SUPPRESS_BELOW,
        0..3,
    );
    let mut ratings_first = small_rows(&ratings);
    small_parts(
        &mut ratings_first,
        rows,
        |c| c.rated,
        RATINGS_AT_LEAST,
        0..1,
    );
    let reopened_first = small_rows(&reopened);
    let shared = [
        (&outcomes, outcomes_first),
        (&ratings, ratings_first),
        (&reopened, reopened_first),
    ];
    let [outcomes_hidden, ratings_hidden, reopened_hidden] = with_shared_totals(&shared);

    let kept = |base: fn(&FigureCounts) -> u64, kept: fn(&FigureCounts) -> u64| {
        let table = grid(rows, |c| vec![kept(c), base(c).saturating_sub(kept(c))]);
        let first = small_rows(&table);
        protect(&table, &first)
    };
    let acknowledged = kept(|c| c.ack_base, |c| c.ack_kept);
    let decided = kept(|c| c.decide_base, |c| c.decide_kept);

    let any = |p: &Pattern, entries: &mut dyn Iterator<Item = Entry>| {
        entries.filter(|e| p.is_hidden(*e)).count() > 0
    };
    let mut hidden: Vec<RowHidden> = (0..rows.len())
        .map(|r| RowHidden {
            received: outcomes_hidden.is_hidden(Entry::RowTotal(r)),
            outcomes: any(&outcomes_hidden, &mut (0..4).map(|c| Entry::Cell(r, c))),
            ratings: ratings_hidden.is_hidden(Entry::Cell(r, 0)),
            reopened: reopened_hidden.is_hidden(Entry::Cell(r, 0)),
            acknowledged: any(&acknowledged, &mut (0..2).map(|c| Entry::Cell(r, c))),
            decided: any(&decided, &mut (0..2).map(|c| Entry::Cell(r, c))),
        })
        .collect();
    hidden.push(RowHidden {
        received: outcomes_hidden.is_hidden(Entry::Grand),
        outcomes: any(&outcomes_hidden, &mut (0..4).map(Entry::ColumnTotal)),
        ratings: ratings_hidden.is_hidden(Entry::ColumnTotal(0)),
        reopened: reopened_hidden.is_hidden(Entry::ColumnTotal(0)),
        acknowledged: any(&acknowledged, &mut (0..2).map(Entry::ColumnTotal)),
        decided: any(&decided, &mut (0..2).map(Entry::ColumnTotal)),
    });
    hidden
}

/// Protects tables that share their rows' totals: a total hidden in one is hidden in all, again until none
/// hides a new one (each round hides more, so it ends).
fn with_shared_totals<const N: usize>(tables: &[(&Grid, Pattern); N]) -> [Pattern; N] {
    let mut totals = Pattern::none(tables[0].0);
    loop {
        let protected: [Pattern; N] = std::array::from_fn(|i| {
            let (grid, first) = &tables[i];
            let mut primary = first.clone();
            for r in 0..grid.rows() {
                if totals.is_hidden(Entry::RowTotal(r)) {
                    primary.hide(Entry::RowTotal(r));
                }
            }
            if totals.grand {
                primary.hide(Entry::Grand);
            }
            protect(grid, &primary)
        });
        let mut next = totals.clone();
        for (p, (grid, _)) in protected.iter().zip(tables) {
            for r in 0..grid.rows() {
                if p.is_hidden(Entry::RowTotal(r)) {
                    next.hide(Entry::RowTotal(r));
                }
            }
            next.grand |= p.grand;
        }
        if next == totals {
            return protected;
        }
        totals = next;
    }
}
