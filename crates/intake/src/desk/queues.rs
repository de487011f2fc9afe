//! What staff see first (issue #23, docs/staff-api.md "Queues and complaints"): the queues with their counts,
//! and the list of complaints filtered, searched, sorted and cut into pages. The store gives rows
//! (`crate::store::SearchStore`); here each row gets its next deadline by the domain's service-level rules (the
//! same numbers the customer's status file shows, as on the command line's list), and who may see it: an agent
//! the complaints they may work ([`Actor::may_work`]), a lead and above every one.

use std::cmp::Ordering;

use complaint_domain::calendar::Date;
use complaint_domain::instant::{Instant, Zone};
use complaint_domain::service_levels::{Due, Timeliness};
use complaint_domain::status::Stage;
use complaint_domain::tracking::{Rule, Timeline};
use serde::Serialize;

use super::clock::{clock_text, due_text};
use super::{Actor, Desk, DeskError, Permission};
use crate::settings::Settings;
use crate::store::{DeskRow, RowFilter};

/// How many working days ahead `due-soon` looks.
const DUE_SOON_WORKING_DAYS: u32 = 2;

/// About how many characters of the description a row shows.
const FIRST_WORDS_CHARS: usize = 140;

/// One of the desk's queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Received, not yet acknowledged.
    New,
    /// Open and assigned to the one asking.
    Mine,
    /// Open, nobody's yet.
    Unassigned,
    /// The next deadline falls within two working days and has not passed.
    DueSoon,
    Overdue,
    /// The organisation asked the customer for more and waits.
    Waiting,
    /// The customer replied and nobody has opened it since.
    Replied,
    /// Held as possibly automated (leads and above).
    Quarantined,
    /// "Breaches soon": overdue, or due within two working days; a lead's landing page.
    Breaching,
    /// Open, with an internal note that mentions the one asking.
    Mentions,
}

impl Queue {
    pub const ALL: [Queue; 10] = [
        Queue::Breaching,
        Queue::New,
        Queue::Mine,
        Queue::Unassigned,
        Queue::DueSoon,
        Queue::Overdue,
        Queue::Waiting,
        Queue::Replied,
        Queue::Quarantined,
        Queue::Mentions,
    ];

    /// The id in the API.
    pub fn id(self) -> &'static str {
        match self {
            Queue::New => "new",
            Queue::Mine => "mine",
            Queue::Unassigned => "unassigned",
            Queue::DueSoon => "due-soon",
            Queue::Overdue => "overdue",
            Queue::Waiting => "waiting",
            Queue::Replied => "replied",
            Queue::Quarantined => "quarantined",
            Queue::Breaching => "breaching",
            Queue::Mentions => "mentions",
        }
    }

    pub fn parse(id: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.id() == id)
    }

    /// Whether `row` is in this queue for `me` (the one asking's staff id). Quarantine is a list of its own.
    /// A complaint one was only mentioned on is in `mentions` and nowhere else.
    fn holds(self, row: &Listed, me: Option<i64>) -> bool {
        if !row.works && self != Queue::Mentions {
            return false;
        }
        let open = row.stage != Stage::Closed;
        let timeliness = row.next.as_ref().map(NextStep::timeliness);
        match self {
            Queue::New => row.stage == Stage::Received,
            Queue::Mine => open && me.is_some() && row.assignee_id() == me,
            Queue::Unassigned => open && row.assignee_id().is_none(),
            Queue::DueSoon => row.due_soon && timeliness != Some(Timeliness::Overdue),
            Queue::Overdue => timeliness == Some(Timeliness::Overdue),
            Queue::Waiting => open && row.row.facts.waiting_since.is_some(),
            Queue::Replied => row.row.unread > 0,
            Queue::Quarantined => row.row.complaint.quarantine.is_some(),
            Queue::Breaching => row.due_soon || timeliness == Some(Timeliness::Overdue),
            Queue::Mentions => open && me.is_some_and(|me| row.row.mentioned.contains(&me)),
        }
    }
}

/// Whose complaints: one person's, or nobody's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeIs {
    Staff(i64),
    Nobody,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// By the next deadline, those without one last.
    Due,
    Received,
    Reference,
    /// Along the lifecycle.
    Stage,
}

impl Sort {
    pub const ALL: [(&'static str, Sort); 4] = [
        ("due", Sort::Due),
        ("received", Sort::Received),
        ("reference", Sort::Reference),
        ("stage", Sort::Stage),
    ];
}

/// What `GET /complaints` asks, already read and checked.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub queue: Option<Queue>,
    pub category: Option<String>,
    pub cause: Option<String>,
    pub stage: Option<Stage>,
    pub assignee: Option<AssigneeIs>,
    /// Received on or after this date (the organisation's).
    pub from: Option<Date>,
    /// Received on or before this date.
    pub to: Option<Date>,
    pub words: Option<String>,
    pub sort: Sort,
    pub descending: bool,
    pub limit: usize,
    pub offset: usize,
}

/// The next step expected, as a row shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NextStep {
    pub step: &'static str,
    /// An exact time for an hour-based promise, a date (the whole day) for a day-based one.
    pub due: String,
    pub timeliness: &'static str,
    pub set_by_hand: bool,
    #[serde(skip)]
    timeliness_value: Timeliness,
    #[serde(skip)]
    due_key: (Date, u16),
}

impl NextStep {
    pub fn timeliness(&self) -> Timeliness {
        self.timeliness_value
    }
}

pub fn timeliness_name(timeliness: Timeliness) -> &'static str {
    match timeliness {
        Timeliness::Ahead => "ahead",
        Timeliness::DueToday => "due-today",
        Timeliness::Overdue => "overdue",
    }
}

/// A staff member as a row names them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

/// One complaint in a list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ListRow {
    pub reference: String,
    pub category: String,
    pub first_words: String,
    pub stage: &'static str,
    pub next: Option<NextStep>,
    pub assignee: Option<Person>,
    pub received_at: String,
    pub locale: &'static str,
    pub unread: i64,
    /// Since when the organisation waits for the customer.
    pub waiting: Option<String>,
    pub revision: i64,
}

/// One page of a list, and how many rows the whole list has.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub rows: Vec<ListRow>,
    pub total: usize,
}

/// A queue and how many complaints are in it.
#[derive(Debug, Clone, Serialize)]
pub struct QueueCount {
    pub id: &'static str,
    pub count: usize,
}

/// A row with what the lists decide on.
struct Listed {
    row: DeskRow,
    stage: Stage,
    next: Option<NextStep>,
    /// The next deadline falls within [`DUE_SOON_WORKING_DAYS`].
    due_soon: bool,
    received_on: Date,
    /// The one asking may work it; otherwise they were mentioned on it ([`super::mentions`]).
    works: bool,
}

impl Listed {
    fn assignee_id(&self) -> Option<i64> {
        self.row.facts.assignee.as_ref().map(|(id, _)| *id)
    }
}

/// The description's start on one line (runs of spaces and line breaks as one space), cut after a whole word
/// near [`FIRST_WORDS_CHARS`], `…` when cut. Every other character is the customer's, as sent.
pub fn first_words(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some((cut, _)) = text.char_indices().nth(FIRST_WORDS_CHARS) else {
        return text;
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => head[..space].trim_end(),
        _ => head,
    };
    format!("{head}…")
}

fn listed(row: DeskRow, works: bool, settings: &Settings, now: Instant, soon: Date) -> Listed {
    let record = &row.complaint.record;
    let stage = record.current().map_or(Stage::Received, |e| e.stage);
    let timeline = Timeline::build(
        record,
        settings.config.category(&record.category),
        &settings.zone,
        &settings.holidays,
        now,
    );
    let next = timeline.next_expected().map(|(step, expected)| {
        let due_key = match expected.due {
            Due::At { local, .. } => (local.date, local.minute),
            Due::EndOf(date) => (date, 24 * 60),
        };
        NextStep {
            step: step.as_str(),
            due: due_text(&settings.zone, expected.due),
            timeliness: timeliness_name(expected.timeliness),
            set_by_hand: matches!(expected.rule, Rule::Set(_)),
            timeliness_value: expected.timeliness,
            due_key,
        }
    });
    let due_soon = next.as_ref().is_some_and(|n| n.due_key.0 <= soon);
    let received_on = settings
        .zone
        .local(row.received_at)
        .map_or(row.received_at.utc_wall_clock().date, |l| l.date);
    Listed {
        row,
        stage,
        next,
        due_soon,
        received_on,
        works,
    }
}

fn shown(listed: Listed, settings: &Settings) -> ListRow {
    let complaint = &listed.row.complaint;
    ListRow {
        reference: complaint.record.reference.clone(),
        category: complaint.record.category.clone(),
        first_words: first_words(&listed.row.first_text),
        stage: listed.stage.as_str(),
        next: listed.next,
        assignee: listed
            .row
            .facts
            .assignee
            .clone()
            .map(|(id, name)| Person { id, name }),
        received_at: clock_text(&settings.zone, listed.row.received_at),
        locale: complaint.locale.tag(),
        unread: listed.row.unread,
        waiting: listed
            .row
            .facts
            .waiting_since
            .map(|at| clock_text(&settings.zone, at)),
        revision: complaint.revision,
    }
}

fn compare(a: &Listed, b: &Listed, sort: Sort) -> Ordering {
    let by = match sort {
        Sort::Due => match (&a.next, &b.next) {
            (Some(x), Some(y)) => x.due_key.cmp(&y.due_key),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        Sort::Received => a.row.received_at.cmp(&b.row.received_at),
        Sort::Reference => Ordering::Equal,
        Sort::Stage => a.stage.position().cmp(&b.stage.position()),
    };
    by.then_with(|| {
        a.row
            .complaint
            .record
            .reference
            .cmp(&b.row.complaint.record.reference)
    })
}

fn staff_id(actor: &Actor) -> Option<i64> {
    match actor {
        Actor::Staff(member) => Some(member.id),
        _ => None,
    }
}

impl Desk {
    /// The rows `actor` may work, or was mentioned on (open and not held: those are in `mentions` only), with
    /// their deadlines as of `now`: the held ones instead with `held`.
    fn visible(
        &self,
        actor: &Actor,
        filter: &RowFilter,
        now: Instant,
    ) -> Result<Vec<Listed>, DeskError> {
        let settings = self.settings()?;
        let today = settings
            .zone
            .local(now)
            .map_or(now.utc_wall_clock().date, |l| l.date);
        let soon = today.add_business_days(DUE_SOON_WORKING_DAYS, &settings.holidays);
        let me = staff_id(actor);
        Ok(self
            .store
            .desk_rows(filter)?
            .into_iter()
            .filter_map(|row| {
                let assignee = row.facts.assignee.as_ref().map(|(id, _)| *id);
                let works = actor.may_work(assignee, &row.complaint.record.category);
                let mentioned = row.complaint.quarantine.is_none()
                    && me.is_some_and(|me| row.mentioned.contains(&me));
                (works || mentioned).then(|| listed(row, works, settings, now, soon))
            })
            .collect())
    }

    /// Each queue and how many complaints `actor` may see in it as of `now`; quarantine for leads and above.
    pub fn queues(&self, actor: &Actor, now: Instant) -> Result<Vec<QueueCount>, DeskError> {
        actor.require(Permission::Read)?;
        let live = RowFilter {
            live: true,
            ..RowFilter::default()
        };
        let rows = self.visible(actor, &live, now)?;
        let me = staff_id(actor);
        let mut counts: Vec<QueueCount> = Queue::ALL
            .into_iter()
            .filter(|q| *q != Queue::Quarantined)
            .map(|queue| QueueCount {
                id: queue.id(),
                count: rows.iter().filter(|row| queue.holds(row, me)).count(),
            })
            .collect();
        if actor.may(Permission::Quarantine) {
            let held = RowFilter {
                held: true,
                live: true,
                ..RowFilter::default()
            };
            counts.push(QueueCount {
                id: Queue::Quarantined.id(),
                count: self
                    .visible(actor, &held, now)?
                    .iter()
                    .filter(|r| r.works)
                    .count(),
            });
        }
        Ok(counts)
    }

    /// The complaints `actor` may see that `query` asks for, as of `now`: one page, and how many in all.
    pub fn complaints(
        &self,
        actor: &Actor,
        query: &ListQuery,
        now: Instant,
    ) -> Result<Page, DeskError> {
        actor.require(Permission::Read)?;
        let held = query.queue == Some(Queue::Quarantined);
        if held {
            actor.require(Permission::Quarantine)?;
        }
        let filter = RowFilter {
            held,
            live: query.queue.is_some(),
            category: query.category.clone(),
            cause: query.cause.clone(),
            words: query.words.clone(),
        };
        let me = staff_id(actor);
        let mut rows: Vec<Listed> = self
            .visible(actor, &filter, now)?
            .into_iter()
            .filter(|row| query.queue.map_or(row.works, |q| q.holds(row, me)))
            .filter(|row| query.stage.is_none_or(|s| row.stage == s))
            .filter(|row| match query.assignee {
                None => true,
                Some(AssigneeIs::Nobody) => row.assignee_id().is_none(),
                Some(AssigneeIs::Staff(id)) => row.assignee_id() == Some(id),
            })
            .filter(|row| query.from.is_none_or(|d| row.received_on >= d))
            .filter(|row| query.to.is_none_or(|d| row.received_on <= d))
            .collect();
        rows.sort_by(|a, b| compare(a, b, query.sort));
        if query.descending {
            rows.reverse();
        }
        let total = rows.len();
        let settings = self.settings()?;
        let rows = rows
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|row| shown(row, settings))
            .collect();
        Ok(Page { rows, total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_words_cut_at_a_word_and_say_so() {
        assert_eq!(first_words("  short text "), "short text");
        assert_eq!(first_words("two\n\n lines\t<b>"), "two lines <b>");
        let long = "word ".repeat(100);
        let cut = first_words(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= FIRST_WORDS_CHARS + 1);
        let one = "x".repeat(500);
        assert_eq!(first_words(&one).chars().count(), FIRST_WORDS_CHARS + 1);
        let korean = "배송이 늦어요 ".repeat(40);
        assert!(first_words(&korean).ends_with('…'));
    }

    #[test]
    fn queue_ids_round_trip() {
        for queue in Queue::ALL {
            assert_eq!(Queue::parse(queue.id()), Some(queue));
        }
        assert_eq!(Queue::parse("everything"), None);
    }
}
