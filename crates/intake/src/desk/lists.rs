//! The desk's lists: open complaints in the order staff should take them (overdue first, then those with
//! replies nobody has read, then due today, then by date), and the complaints held in quarantine. Typed rows;
//! a front end draws them (the command line's tables: `tables.rs`).

use std::cmp::Ordering;

use complaint_domain::calendar::Date;
use complaint_domain::instant::Instant;
use complaint_domain::service_levels::{Due, Timeliness};
use complaint_domain::status::Stage;
use complaint_domain::tracking::Timeline;

use super::{Actor, Desk, DeskError};
use crate::store::Complaint;

/// One complaint on the open list.
pub struct OpenRow {
    pub reference: String,
    pub stage: Stage,
    pub category: String,
    /// The customer's language tag.
    pub locale: &'static str,
    /// The next step expected, when it is due, how that stands today, and whether the date was set by hand.
    pub next: Option<(Stage, Due, Timeliness, bool)>,
    /// Customer replies `show` has not shown yet.
    pub unread: i64,
}

/// The open list, in order, and the zone its times are in.
pub struct OpenList {
    pub rows: Vec<OpenRow>,
    pub zone: String,
}

impl OpenRow {
    /// Overdue first (a promise already broken), then those with customer replies nobody has read (the
    /// customer is waiting on us), then due today, then the rest.
    fn urgency(&self) -> u8 {
        match self.next {
            Some((_, _, Timeliness::Overdue, _)) => 0,
            _ if self.unread > 0 => 1,
            Some((_, _, Timeliness::DueToday, _)) => 2,
            Some((_, _, Timeliness::Ahead, _)) => 3,
            None => 4,
        }
    }

    /// When the next step is due, comparable across exact times and whole days.
    fn due_key(&self) -> Option<(Date, u16)> {
        self.next.map(|(_, due, ..)| match due {
            Due::At { local, .. } => (local.date, local.minute),
            Due::EndOf(date) => (date, 24 * 60),
        })
    }
}

impl Desk {
    /// Open complaints (all with `include_closed`) as of `now`, overdue first, then due today, then by date.
    pub fn list(
        &self,
        _actor: &Actor,
        now: Instant,
        include_closed: bool,
    ) -> Result<OpenList, DeskError> {
        let settings = self.settings()?;
        let mut rows: Vec<OpenRow> = Vec::new();
        let unread = self.store.unread_replies()?;
        for complaint in self.store.all()? {
            let record = &complaint.record;
            let stage = record.current().map_or(Stage::Received, |e| e.stage);
            if stage == Stage::Closed && !include_closed {
                continue;
            }
            let timeline = Timeline::build(
                record,
                settings.config.category(&record.category),
                &settings.zone,
                &settings.holidays,
                now,
            );
            let next = timeline.next_expected().map(|(stage, expected)| {
                let by_hand = matches!(expected.rule, complaint_domain::tracking::Rule::Set(_));
                (stage, expected.due, expected.timeliness, by_hand)
            });
            rows.push(OpenRow {
                reference: record.reference.clone(),
                stage,
                category: record.category.clone(),
                locale: complaint.locale.tag(),
                next,
                unread: unread.get(&complaint.id).copied().unwrap_or(0),
            });
        }
        rows.sort_by(|a, b| {
            a.urgency()
                .cmp(&b.urgency())
                .then_with(|| match (a.due_key(), b.due_key()) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    _ => Ordering::Equal,
                })
                .then_with(|| a.reference.cmp(&b.reference))
        });
        Ok(OpenList {
            rows,
            zone: settings.zone.name().to_owned(),
        })
    }

    /// The complaints held in quarantine, oldest first, each with why it was held.
    pub fn quarantined(&self, _actor: &Actor) -> Result<Vec<Complaint>, DeskError> {
        Ok(self.store.quarantined()?)
    }
}
