//! One week's rows of figures: the counts behind each row, the week's hidden figures
//! ([`super::hiding`]) and the ratings by the domain's rule, made into the published [`WeekFigures`].

use std::collections::BTreeMap;

use complaint_domain::disclosure::{self, PublishedRating};
use complaint_domain::insights::{Figure, Insights, WeekFigures};

use super::hiding::{self, RowHidden};
use crate::store::{FigureCounts, StoreError};

impl FigureCounts {
    /// Adds `o`'s counts to these (a week's categories into the week's total).
    pub(super) fn add(&mut self, o: &FigureCounts) {
        self.received += o.received;
        self.ack_base += o.ack_base;
        self.ack_kept += o.ack_kept;
        self.decide_base += o.decide_base;
        self.decide_kept += o.decide_kept;
        self.decided += o.decided;
        self.decided_once += o.decided_once;
        self.upheld += o.upheld;
        self.partly += o.partly;
        self.not_upheld += o.not_upheld;
        self.reopened += o.reopened;
        self.rated += o.rated;
        self.stars += o.stars;
    }

    /// The row's figures: hidden where `hidden` says (small groups and their complements), the rating by
    /// the domain's rule from what was published `last` time.
    fn figures(
        &self,
        week: &str,
        category: Option<&str>,
        days: &Days,
        hidden: RowHidden,
        last: Option<PublishedRating>,
    ) -> WeekFigures {
        let guard = |figure: Option<Figure>, hide: bool, base: u64| match figure {
            Some(_) if hide => Some(Figure::hidden(base)),
            figure => figure,
        };
        let decided = self.decided;
        let outcome = |part: u64| guard(Figure::share(part, decided), hidden.outcomes, decided);
        let rating = match disclosure::rating(self.rated, self.stars, last) {
            Some(r) if !hidden.ratings => Some(r),
            _ => None,
        };
        let rating_figure = |value: Option<f64>| {
            (self.rated > 0).then(|| value.map_or(Figure::hidden(self.rated), Figure::Value))
        };
        WeekFigures {
            week: week.to_owned(),
            category: category.map(str::to_owned),
            received: guard(
                Some(Figure::count(self.received)),
                hidden.received,
                self.received,
            )
            .unwrap_or(Figure::hidden(self.received)),
            acknowledged_on_time: guard(
                Figure::share(self.ack_kept, self.ack_base),
                hidden.acknowledged,
                self.ack_base,
            ),
            decided_on_time: guard(
                Figure::share(self.decide_kept, self.decide_base),
                hidden.decided,
                self.decide_base,
            ),
            days_to_decision_median: Figure::measure(days.median, days.count),
            days_to_decision_p90: Figure::measure(days.p90, days.count),
            upheld: outcome(self.upheld),
            partly_upheld: outcome(self.partly),
            not_upheld: outcome(self.not_upheld),
            reopened: guard(
                Figure::share(self.reopened, self.received),
                hidden.reopened,
                self.received,
            ),
            rating_average: rating_figure(rating.map(|r| r.average)),
            rating_count: rating_figure(rating.map(|r| r.count as f64)),
        }
    }
}

/// What was published last time for a row's rating, when it was published.
fn last_rating(
    previous: Option<&Insights>,
    week: &str,
    category: Option<&str>,
) -> Option<PublishedRating> {
    let row = previous?
        .weeks
        .iter()
        .find(|r| r.week == week && r.category.as_deref() == category)?;
    let count = row.rating_count?.value()?;
    let average = row.rating_average?.value()?;
    (count >= 0.0 && count.fract() == 0.0).then_some(PublishedRating {
        count: count as u64,
        average,
    })
}

/// Days from receipt to the first decision: how many, the median and the 90th percentile (nearest rank).
#[derive(Debug, Clone, Default)]
pub(super) struct Days {
    pub(super) count: u64,
    pub(super) median: Option<f64>,
    pub(super) p90: Option<f64>,
}

/// Reads a group's days to a decision: its week, its category (`None`: every one), how many were decided.
pub(super) type DaysOf<'a> = dyn FnMut(&str, Option<&str>, u64) -> Result<Days, StoreError> + 'a;

/// Each week's rows, its categories' then every category's together, with what the week hides; `days`
/// reads a group's days to a decision.
pub(super) fn weeks(
    per_cell: BTreeMap<(String, String), FigureCounts>,
    previous: Option<&Insights>,
    days: &mut DaysOf<'_>,
) -> Result<Vec<WeekFigures>, StoreError> {
    let mut weeks = Vec::new();
    let mut per_week: BTreeMap<String, Vec<(String, FigureCounts)>> = BTreeMap::new();
    for ((week, category), counts) in per_cell {
        per_week.entry(week).or_default().push((category, counts));
    }
    for (week, cells) in &per_week {
        let counts: Vec<FigureCounts> = cells.iter().map(|(_, c)| c.clone()).collect();
        let hidden = hiding::week(&counts);
        let mut total = FigureCounts::default();
        for (n, (category, c)) in cells.iter().enumerate() {
            total.add(c);
            let d = days(week, Some(category), c.decided_once)?;
            let last = last_rating(previous, week, Some(category));
            weeks.push(c.figures(
                week,
                Some(category),
                &d,
                hidden.get(n).copied().unwrap_or_default(),
                last,
            ));
        }
        let d = days(week, None, total.decided_once)?;
        let last = last_rating(previous, week, None);
        let total_hidden = hidden.last().copied().unwrap_or_default();
        weeks.push(total.figures(week, None, &d, total_hidden, last));
    }
    Ok(weeks)
}
