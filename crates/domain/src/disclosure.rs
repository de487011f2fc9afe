//! Which published counts must be hidden so that no hidden one can be worked out from the rest
//! (complementary suppression), and when a group's average rating may be published at all.
//!
//! A week of the published figures is a table: a row per category, a column per part of a whole (upheld,
//! partly upheld, not upheld, not decided yet; rated, not rated), each row's total (the category's
//! complaints received) and each column's total (the week's row "every category"). Hiding a small count is
//! not enough: the review took the week's total, subtracted the published categories and got the hidden one
//! back exactly ("received 1, not upheld 1, rating 1"). So [`protect`] hides more:
//!
//! - **Every line** (a row with its total, a column with its total, the totals with the grand total) holds
//!   either no hidden entry or at least two that are not zero: subtracting the published entries from a
//!   published total then leaves the sum of two or more unknowns, never one.
//! - **No hidden entry is a bridge**: lines can be combined (a column's total minus a row's…); a hidden entry
//!   whose value is fixed by any combination of lines is one that lies on no cycle of hidden entries (rows and
//!   columns as the nodes, hidden entries as the edges: moving values around a cycle keeps every line's sum,
//!   so an entry on a cycle has more than one possible value). Each such entry gets a cycle.
//! - **Complements are not zeros** where a non-zero count can do: a hidden zero beside one other hidden
//!   entry still gives that one away. The smallest published count that does the job is chosen, so as
//!   little as possible is lost. A line of zeros is left alone: nobody is behind a zero.
//!
//! Pure and exhaustive on small tables (a week has a handful of categories); property-tested against a
//! linear-algebra oracle in `disclosure_properties.rs`.

/// The counts of one table: `cells[row][column]`; the totals are the sums, never stored apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub cells: Vec<Vec<u64>>,
}

/// One entry of a table with its margins: a cell, a row's total, a column's total, or the grand total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entry {
    Cell(usize, usize),
    RowTotal(usize),
    ColumnTotal(usize),
    Grand,
}

/// What is hidden, entry by entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub cells: Vec<Vec<bool>>,
    pub row_totals: Vec<bool>,
    pub column_totals: Vec<bool>,
    pub grand: bool,
}

impl Grid {
    pub fn rows(&self) -> usize {
        self.cells.len()
    }

    pub fn columns(&self) -> usize {
        self.cells.first().map_or(0, Vec::len)
    }

    /// The value of any entry, totals included (0 outside the table).
    pub fn value(&self, entry: Entry) -> u64 {
        let cell = |r: usize, c: usize| {
            self.cells
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(0)
        };
        match entry {
            Entry::Cell(r, c) => cell(r, c),
            Entry::RowTotal(r) => (0..self.columns()).map(|c| cell(r, c)).sum(),
            Entry::ColumnTotal(c) => (0..self.rows()).map(|r| cell(r, c)).sum(),
            Entry::Grand => (0..self.rows())
                .flat_map(|r| (0..self.columns()).map(move |c| (r, c)))
                .map(|(r, c)| cell(r, c))
                .sum(),
        }
    }

    /// Every entry, cells first, then the row totals, the column totals and the grand total.
    pub fn entries(&self) -> Vec<Entry> {
        let mut all: Vec<Entry> = (0..self.rows())
            .flat_map(|r| (0..self.columns()).map(move |c| Entry::Cell(r, c)))
            .collect();
        all.extend((0..self.rows()).map(Entry::RowTotal));
        all.extend((0..self.columns()).map(Entry::ColumnTotal));
        all.push(Entry::Grand);
        all
    }

    /// The lines an entry lies on, as (row line, column line) in the table with its margins: row
    /// `rows()` is the line of column totals, column `columns()` the line of row totals.
    pub fn lines_of(&self, entry: Entry) -> (usize, usize) {
        match entry {
            Entry::Cell(r, c) => (r, c),
            Entry::RowTotal(r) => (r, self.columns()),
            Entry::ColumnTotal(c) => (self.rows(), c),
            Entry::Grand => (self.rows(), self.columns()),
        }
    }

    /// The entries on row line `r` or column line `c` of the table with its margins.
    fn line(&self, line: Line) -> Vec<Entry> {
        self.entries()
            .into_iter()
            .filter(|e| {
                let (r, c) = self.lines_of(*e);
                match line {
                    Line::Row(x) => r == x,
                    Line::Column(x) => c == x,
                }
            })
            .collect()
    }

    /// Every line: each row with its total, the line of column totals, each column with its total, the
    /// line of row totals.
    pub fn lines(&self) -> Vec<Vec<Entry>> {
        (0..=self.rows())
            .map(Line::Row)
            .chain((0..=self.columns()).map(Line::Column))
            .map(|l| self.line(l))
            .collect()
    }
}

#[derive(Debug, Clone, Copy)]
enum Line {
    Row(usize),
    Column(usize),
}

impl Pattern {
    /// Nothing hidden, for a table of `grid`'s shape.
    pub fn none(grid: &Grid) -> Pattern {
        Pattern {
            cells: vec![vec![false; grid.columns()]; grid.rows()],
            row_totals: vec![false; grid.rows()],
            column_totals: vec![false; grid.columns()],
            grand: false,
        }
    }

    pub fn is_hidden(&self, entry: Entry) -> bool {
        match entry {
            Entry::Cell(r, c) => self.cells.get(r).and_then(|row| row.get(c)) == Some(&true),
            Entry::RowTotal(r) => self.row_totals.get(r) == Some(&true),
            Entry::ColumnTotal(c) => self.column_totals.get(c) == Some(&true),
            Entry::Grand => self.grand,
        }
    }

    pub fn hide(&mut self, entry: Entry) {
        let slot = match entry {
            Entry::Cell(r, c) => self.cells.get_mut(r).and_then(|row| row.get_mut(c)),
            Entry::RowTotal(r) => self.row_totals.get_mut(r),
            Entry::ColumnTotal(c) => self.column_totals.get_mut(c),
            Entry::Grand => Some(&mut self.grand),
        };
        if let Some(slot) = slot {
            *slot = true;
        }
    }

    /// Hides whatever `other` hides too.
    pub fn hide_all(&mut self, grid: &Grid, other: &Pattern) {
        for entry in grid.entries() {
            if other.is_hidden(entry) {
                self.hide(entry);
            }
        }
    }

    /// How many entries are hidden.
    pub fn count(&self, grid: &Grid) -> usize {
        grid.entries()
            .into_iter()
            .filter(|e| self.is_hidden(*e))
            .count()
    }
}

/// The pattern to publish: everything `primary` hides (the small groups, and whatever is never published),
/// and enough more that no hidden entry can be worked out from the published ones.
pub fn protect(grid: &Grid, primary: &Pattern) -> Pattern {
    let mut hidden = primary.clone();
    // Each round hides one more entry, so this ends after at most every entry.
    for _ in 0..=grid.entries().len() {
        let next = short_line(grid, &hidden).or_else(|| bridge(grid, &hidden));
        match next {
            Some(entry) => hidden.hide(entry),
            None => break,
        }
    }
    hidden
}

/// The smallest published entry of `candidates`, non-zero first (a hidden zero protects nothing: a zero
/// beside one other hidden entry still gives that one away), cells before totals on a tie (a hidden cell
/// costs one figure; a hidden total takes a whole row's or column's shares with it).
fn smallest(
    grid: &Grid,
    hidden: &Pattern,
    candidates: impl Iterator<Item = Entry>,
) -> Option<Entry> {
    candidates
        .filter(|e| !hidden.is_hidden(*e))
        .min_by_key(|e| {
            let value = grid.value(*e);
            (value == 0, value, !matches!(e, Entry::Cell(..)), *e)
        })
}

/// A complement for a line that hides something but fewer than two non-zero entries, if a line does. A line
/// of zeros is left alone: its published total says it is all zeros, and nobody is behind a zero.
fn short_line(grid: &Grid, hidden: &Pattern) -> Option<Entry> {
    grid.lines().into_iter().find_map(|line| {
        let any = line.iter().any(|e| hidden.is_hidden(*e));
        let non_zero = line
            .iter()
            .filter(|e| hidden.is_hidden(**e) && grid.value(**e) > 0)
            .count();
        let all_zero = line.iter().all(|e| grid.value(*e) == 0);
        let published_non_zero = line
            .iter()
            .any(|e| !hidden.is_hidden(*e) && grid.value(*e) > 0);
        (any && non_zero < 2 && !all_zero && published_non_zero)
            .then(|| smallest(grid, hidden, line.iter().copied()))
            .flatten()
    })
}

/// A complement that puts a bridge (a non-zero hidden entry on no cycle of hidden entries) on a cycle, if
/// there is one: the smallest published entry joining the two sides the bridge alone connects.
fn bridge(grid: &Grid, hidden: &Pattern) -> Option<Entry> {
    let edges: Vec<Entry> = grid
        .entries()
        .into_iter()
        .filter(|e| hidden.is_hidden(*e))
        .collect();
    for (i, bridge) in edges.iter().enumerate() {
        if grid.value(*bridge) == 0 {
            continue;
        }
        let rest: Vec<(usize, usize)> = edges
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, e)| grid.lines_of(*e))
            .collect();
        let (row, column) = grid.lines_of(*bridge);
        let row_side = reachable(grid, &rest, Node::Row(row));
        if row_side.1[column] {
            continue;
        }
        let column_side = reachable(grid, &rest, Node::Column(column));
        // Across the cut: a row on one side with a column on the other.
        let across = grid.entries().into_iter().filter(|e| {
            let (r, c) = grid.lines_of(*e);
            (row_side.0[r] && column_side.1[c]) || (column_side.0[r] && row_side.1[c])
        });
        if let Some(entry) = smallest(grid, hidden, across) {
            return Some(entry);
        }
    }
    None
}

#[derive(Debug, Clone, Copy)]
enum Node {
    Row(usize),
    Column(usize),
}

/// The row and column lines reachable from `start` along `edges` (row line, column line).
fn reachable(grid: &Grid, edges: &[(usize, usize)], start: Node) -> (Vec<bool>, Vec<bool>) {
    let mut rows = vec![false; grid.rows() + 1];
    let mut columns = vec![false; grid.columns() + 1];
    match start {
        Node::Row(r) => rows[r] = true,
        Node::Column(c) => columns[c] = true,
    }
    let mut changed = true;
    while changed {
        changed = false;
        for &(r, c) in edges {
            if rows[r] != columns[c] {
                rows[r] = true;
                columns[c] = true;
                changed = true;
            }
        }
    }
    (rows, columns)
}

/// The fewest ratings behind a published average: below this the average and the count are hidden.
pub const RATINGS_AT_LEAST: u64 = 10;

/// The fewest ratings that must have come or gone since the last publication before a group's average is
/// published anew; fewer, and the last published average and count are published again unchanged.
pub const RATINGS_CHANGED_AT_LEAST: u64 = 5;

/// A group's published rating: how many rated and the average (one decimal).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedRating {
    pub count: u64,
    pub average: f64,
}

/// What to publish for a group with `count` ratings adding up to `stars` stars, given what was published
/// for it last time (`None`: nothing, or it was hidden). `None` here: hide it.
///
/// The review read one customer's rating from two consecutive snapshots: 5.0 over 6, then 4.6 over 7, so the
/// seventh rating was 7 × 4.6 − 6 × 5.0 = 2. Two rules stop that: no average over fewer than
/// [`RATINGS_AT_LEAST`] ratings, and a published average changes only when at least
/// [`RATINGS_CHANGED_AT_LEAST`] ratings came (or went) since it was last published. So the difference between
/// any two publications is the work of five customers or more, never of one; a changed rating (the same
/// count) waits for them too.
pub fn rating(count: u64, stars: u64, last: Option<PublishedRating>) -> Option<PublishedRating> {
    if count < RATINGS_AT_LEAST {
        return None;
    }
    match last {
        Some(last) if count.abs_diff(last.count) < RATINGS_CHANGED_AT_LEAST => Some(last),
        _ => Some(PublishedRating {
            count,
            average: (stars as f64 * 10.0 / count as f64).round() / 10.0,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The review's week: three categories, columns upheld, partly upheld, not upheld, not decided.
    /// "something-else" has one complaint, not upheld.
    fn the_reviews_week() -> Grid {
        Grid {
            cells: vec![vec![4, 1, 2, 3], vec![3, 2, 4, 1], vec![0, 0, 1, 0]],
        }
    }

    fn primary_small_rows(grid: &Grid) -> Pattern {
        let mut primary = Pattern::none(grid);
        for r in 0..grid.rows() {
            if grid.value(Entry::RowTotal(r)) < 5 {
                for c in 0..grid.columns() {
                    primary.hide(Entry::Cell(r, c));
                }
                primary.hide(Entry::RowTotal(r));
            }
        }
        primary
    }

    #[test]
    fn the_reviews_subtraction_no_longer_recovers_the_small_category() {
        let grid = the_reviews_week();
        let hidden = protect(&grid, &primary_small_rows(&grid));
        // The attack: the week's total minus the published categories.
        let received_total = grid.value(Entry::Grand);
        let published: u64 = (0..2)
            .filter(|r| !hidden.is_hidden(Entry::RowTotal(*r)))
            .map(|r| grid.value(Entry::RowTotal(r)))
            .sum();
        let recovers_received =
            !hidden.grand && received_total - published == grid.value(Entry::RowTotal(2));
        assert!(!recovers_received, "received 1 recovered: {hidden:?}");
        let not_upheld_total = grid.value(Entry::ColumnTotal(2));
        let published: u64 = (0..2)
            .filter(|r| !hidden.is_hidden(Entry::Cell(*r, 2)))
            .map(|r| grid.value(Entry::Cell(r, 2)))
            .sum();
        let recovers_not_upheld = !hidden.is_hidden(Entry::ColumnTotal(2))
            && not_upheld_total - published == grid.value(Entry::Cell(2, 2));
        assert!(!recovers_not_upheld, "not upheld 1 recovered: {hidden:?}");
        // The small row is hidden, and so is at least one more.
        assert!(hidden.row_totals[2] && hidden.cells[2][2]);
        assert!(hidden.count(&grid) > primary_small_rows(&grid).count(&grid));
    }

    #[test]
    fn the_reviews_ratings_no_longer_recover_the_small_categorys_rating() {
        // Rated, not rated; the small category's one complaint was rated 1 star.
        let grid = Grid {
            cells: vec![vec![6, 4], vec![7, 3], vec![1, 0]],
        };
        let hidden = protect(&grid, &primary_small_rows(&grid));
        let published: u64 = (0..2)
            .filter(|r| !hidden.is_hidden(Entry::Cell(*r, 0)))
            .map(|r| grid.value(Entry::Cell(r, 0)))
            .sum();
        assert!(
            hidden.is_hidden(Entry::ColumnTotal(0))
                || grid.value(Entry::ColumnTotal(0)) - published != 1,
            "the hidden rating count is recovered: {hidden:?}"
        );
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let grid = Grid {
            cells: vec![vec![5, 6], vec![7, 8]],
        };
        let primary = Pattern::none(&grid);
        assert_eq!(protect(&grid, &primary), primary);
    }

    #[test]
    fn the_two_snapshot_difference_no_longer_reads_a_rating() {
        // The review: six ratings of 5, then a seventh of 2: 5.0 × 6 → 4.6 × 7.
        let first = rating(6, 30, None);
        let second = rating(7, 32, first);
        assert_eq!((first, second), (None, None), "too few to publish at all");
        // Larger groups: one more rating republishes the last figures, unchanged.
        let first = rating(12, 60, None).unwrap();
        let second = rating(13, 62, Some(first)).unwrap();
        assert_eq!(second, first);
        let read = second.average * second.count as f64 - first.average * first.count as f64;
        assert_eq!(read, 0.0, "the difference reads nothing");
        // Five more: published anew.
        let third = rating(17, 80, Some(second)).unwrap();
        assert_eq!((third.count, third.average), (17, 4.7));
    }
}
