//! What the staff desk lists (issue #23): every complaint with who works it, since when the organisation
//! waits for the customer, the first of the customer's words and the unread replies; narrowed by category,
//! root cause and full-text search over the description and the customer's replies (FTS5 here; PostgreSQL
//! answers the same method with its own text search, `pg/search.rs`). Which queue a complaint is in, and whether a person
//! may see it, the desk decides (`crate::desk::queues`): the store only gives rows.

use complaint_domain::instant::Instant;

use rusqlite::params;
use rusqlite::OptionalExtension;

use super::complaints::{load, Complaint};
use super::{Result, Store};

/// How many characters of the description a row carries: enough for the desk's first words.
pub const FIRST_TEXT_CHARS: i64 = 400;

/// At most this many words of a search are used; the rest are ignored.
const MAX_SEARCH_TERMS: usize = 16;

/// What narrows the rows, as the store can ask it.
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    /// The ones held in quarantine instead of the others.
    pub held: bool,
    /// Only those not closed, or closed with replies nobody has opened: all that any queue holds, so counting
    /// the queues never reads the closed ones, which are most of them in time.
    pub live: bool,
    pub category: Option<String>,
    /// A root cause the organisation found (`complaint_causes`).
    pub cause: Option<String>,
    /// The person's search, as typed: every word must start a word of the description or of one reply.
    pub words: Option<String>,
}

/// What the desk knows of a complaint besides its public status.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeskFacts {
    /// The staff member who works it, and their name.
    pub assignee: Option<(i64, String)>,
    pub waiting_since: Option<Instant>,
    /// The reference of the complaint it was merged into.
    pub merged_into: Option<String>,
}

/// One complaint as the desk lists it.
#[derive(Debug, Clone)]
pub struct DeskRow {
    pub complaint: Complaint,
    pub facts: DeskFacts,
    pub received_at: Instant,
    /// The start of the description (at most [`FIRST_TEXT_CHARS`] characters).
    pub first_text: String,
    /// Customer replies nobody has opened yet.
    pub unread: i64,
    /// The staff ids its internal notes mention.
    pub mentioned: Vec<i64>,
}

/// One internal note.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRecord {
    pub id: i64,
    /// The author and their name (`None`: written from the command line, or the account is gone).
    pub author: Option<(i64, String)>,
    pub at: Instant,
    pub text: String,
    pub mentions: Vec<i64>,
}

/// The desk's reading of complaints: lists, search, and what only staff see.
pub trait SearchStore {
    /// The complaints `filter` lets through, oldest first.
    fn desk_rows(&self, filter: &RowFilter) -> Result<Vec<DeskRow>>;

    /// Who works complaint `id`, since when it waits for the customer, what it was merged into.
    fn desk_facts(&self, id: i64) -> Result<DeskFacts>;

    /// Complaint `id`'s internal notes, oldest first.
    fn notes(&self, id: i64) -> Result<Vec<NoteRecord>>;

    /// The reference of complaint `id`, if it is still there.
    fn reference_of(&self, id: i64) -> Result<Option<String>>;
}

/// The person's search as an FTS5 query: each run of letters and digits becomes a quoted prefix term
/// (`"refund"*`), so quotes, `*`, `-`, `NEAR(`, `AND` and `OR` are searched for as words or ignored, never
/// obeyed, and no input is a syntax error. `None` when nothing searchable is left.
pub fn fts_query(words: &str) -> Option<String> {
    let terms: Vec<String> = search_terms(words)
        .map(|term| format!("\"{term}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The words of a person's search that are searched for, each engine's query made of them: the runs of
/// letters and digits, at most [`MAX_SEARCH_TERMS`].
pub(super) fn search_terms(words: &str) -> impl Iterator<Item = &str> {
    words
        .split(|c: char| !c.is_alphanumeric())
        .filter(|term| !term.is_empty())
        .take(MAX_SEARCH_TERMS)
}

/// Facts joined from `complaints c` and `staff s`: assignee, its name, waiting_since, merged into (the same
/// SQL on both engines).
pub(super) const FACT_COLUMNS: &str = "c.assignee, s.name, c.waiting_since, m.reference";
pub(super) const FACT_JOINS: &str = "LEFT JOIN staff s ON s.id = c.assignee
                          LEFT JOIN complaints m ON m.id = c.merged_into";

fn facts_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<DeskFacts> {
    let assignee: Option<i64> = r.get(first)?;
    let name: Option<String> = r.get(first + 1)?;
    let waiting: Option<i64> = r.get(first + 2)?;
    Ok(DeskFacts {
        assignee: assignee.map(|id| (id, name.unwrap_or_default())),
        waiting_since: waiting.map(Instant::from_unix_seconds),
        merged_into: r.get(first + 3)?,
    })
}

impl SearchStore for Store {
    fn desk_rows(&self, filter: &RowFilter) -> Result<Vec<DeskRow>> {
        let search = match filter.words.as_deref() {
            Some(words) => match fts_query(words) {
                Some(query) => Some(query),
                // Nothing searchable (only punctuation): nothing matches.
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        let sql = format!(
            "SELECT c.id, c.received_at,
                    CASE WHEN json_valid(c.submission)
                         THEN substr(json_extract(c.submission, '$.description'), 1, ?1) END,
                    (SELECT COUNT(*) FROM replies r WHERE r.complaint_id = c.id AND r.read_at IS NULL),
                    (SELECT json_group_array(DISTINCT j.value) FROM notes n, json_each(n.mentions) j
                     WHERE n.complaint_id = c.id AND json_valid(n.mentions)),
                    {FACT_COLUMNS}
             FROM complaints c {FACT_JOINS}
             WHERE (c.quarantine IS NOT NULL) = ?2
               AND (?3 IS NULL OR c.category = ?3)
               AND (?4 IS NULL OR EXISTS (SELECT 1 FROM complaint_causes k
                                          WHERE k.complaint_id = c.id AND k.cause = ?4))
               AND (?5 IS NULL OR c.id IN (SELECT complaint_id FROM search_text
                                          WHERE search_text MATCH ?5))
               AND (NOT ?6
                    OR (SELECT stage FROM stages s WHERE s.complaint_id = c.id ORDER BY seq DESC LIMIT 1)
                       IS NOT 'closed'
                    OR EXISTS (SELECT 1 FROM replies r WHERE r.complaint_id = c.id AND r.read_at IS NULL))
             ORDER BY c.received_at, c.id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let found = statement
            .query_map(
                params![
                    FIRST_TEXT_CHARS,
                    filter.held,
                    filter.category,
                    filter.cause,
                    search,
                    filter.live
                ],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        facts_at(r, 5)?,
                    ))
                },
            )?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        found
            .into_iter()
            .map(|(id, received_at, first_text, unread, mentioned, facts)| {
                Ok(DeskRow {
                    // A JSON array of ids; anything else mentions nobody.
                    mentioned: mentioned
                        .and_then(|m| serde_json::from_str(&m).ok())
                        .unwrap_or_default(),
                    complaint: load(&self.conn, id)?,
                    facts,
                    received_at: Instant::from_unix_seconds(received_at),
                    first_text: first_text.unwrap_or_default(),
                    unread,
                })
            })
            .collect()
    }

    fn desk_facts(&self, id: i64) -> Result<DeskFacts> {
        let sql = format!("SELECT {FACT_COLUMNS} FROM complaints c {FACT_JOINS} WHERE c.id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [id], |r| facts_at(r, 0))
            .optional()?
            .unwrap_or_default())
    }

    fn notes(&self, id: i64) -> Result<Vec<NoteRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT n.id, n.author, s.name, n.at, n.text, n.mentions
             FROM notes n LEFT JOIN staff s ON s.id = n.author
             WHERE n.complaint_id = ?1 ORDER BY n.id",
        )?;
        let notes = statement
            .query_map(params![id], |r| {
                let author: Option<i64> = r.get(1)?;
                let name: Option<String> = r.get(2)?;
                let mentions: String = r.get(5)?;
                Ok(NoteRecord {
                    id: r.get(0)?,
                    author: author.map(|id| (id, name.unwrap_or_default())),
                    at: Instant::from_unix_seconds(r.get(3)?),
                    text: r.get(4)?,
                    // Written as a JSON array of ids; a hand edit that broke it mentions nobody.
                    mentions: serde_json::from_str(&mentions).unwrap_or_default(),
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(notes)
    }

    fn reference_of(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT reference FROM complaints WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn any_input_becomes_quoted_prefix_terms_or_nothing() {
        assert_eq!(
            fts_query("refund parcel").as_deref(),
            Some("\"refund\"* \"parcel\"*")
        );
        assert_eq!(
            fts_query("\"NEAR(a b)* -x OR").as_deref(),
            Some("\"NEAR\"* \"a\"* \"b\"* \"x\"* \"OR\"*")
        );
        assert_eq!(
            fts_query("배송이 늦어요").as_deref(),
            Some("\"배송이\"* \"늦어요\"*")
        );
        assert_eq!(fts_query("\" * - ( )"), None);
        assert_eq!(fts_query(""), None);
    }
}
