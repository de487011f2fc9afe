//! `SearchStore` on PostgreSQL: the desk's lists with the same filters and order as SQLite's, and its
//! full-text search over `search_text` (the description and each reply, filled by triggers) with the GIN
//! index on its words, read through the `desk_words` configuration (diacritics and case ignored, see the
//! migrations). The person's search becomes a prefix query (`'refund':* & 'parcel':*`) built from the same
//! words as SQLite's FTS5 query, so every word must start a word of the description or of one reply, and no
//! input is a syntax error: only runs of letters and digits reach `to_tsquery` (not `websearch_to_tsquery`,
//! which has no prefixes: "배송" would not find "배송이").

use complaint_domain::instant::Instant;
use postgres::Row;

use super::complaints::load;
use super::PgStore;
use crate::store::search::FIRST_TEXT_CHARS;
use crate::store::search::{search_terms, FACT_COLUMNS, FACT_JOINS};
use crate::store::{DeskFacts, DeskRow, NoteRecord, Result, RowFilter, SearchStore};

/// The person's search as a `tsquery`: each word a quoted prefix, all of them required. `None` when nothing
/// searchable is left.
pub fn ts_query(words: &str) -> Option<String> {
    let terms: Vec<String> = search_terms(words)
        .map(|term| format!("'{term}':*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

fn facts_at(r: &Row, first: usize) -> Result<DeskFacts> {
    let assignee: Option<i64> = r.try_get(first)?;
    let name: Option<String> = r.try_get(first + 1)?;
    let waiting: Option<i64> = r.try_get(first + 2)?;
    Ok(DeskFacts {
        assignee: assignee.map(|id| (id, name.unwrap_or_default())),
        waiting_since: waiting.map(Instant::from_unix_seconds),
        merged_into: r.try_get(first + 3)?,
    })
}

/// The start of the description in a complaint's submission, as SQLite's `substr(json_extract(…))` gives
/// it; nothing when the submission is not JSON (PostgreSQL's cast would refuse the whole list instead).
fn first_text(submission: &str) -> String {
    let description = serde_json::from_str::<serde_json::Value>(submission)
        .ok()
        .and_then(|doc| match doc.get("description")? {
            serde_json::Value::Null => None,
            serde_json::Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        });
    description
        .map(|text| text.chars().take(FIRST_TEXT_CHARS as usize).collect())
        .unwrap_or_default()
}

impl SearchStore for PgStore {
    fn desk_rows(&self, filter: &RowFilter) -> Result<Vec<DeskRow>> {
        let search = match filter.words.as_deref() {
            Some(words) => match ts_query(words) {
                Some(query) => Some(query),
                // Nothing searchable (only punctuation): nothing matches.
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        let sql = format!(
            "SELECT c.id, c.received_at, c.submission,
                    (SELECT COUNT(*) FROM replies r WHERE r.complaint_id = c.id AND r.read_at IS NULL),
                    (SELECT jsonb_agg(DISTINCT j.value)::text
                     FROM notes n CROSS JOIN LATERAL jsonb_array_elements(n.mentions::jsonb) AS j(value)
                     WHERE n.complaint_id = c.id),
                    {FACT_COLUMNS}
             FROM complaints c {FACT_JOINS}
             WHERE (c.quarantine IS NOT NULL) = $1
               AND ($2::text IS NULL OR c.category = $2)
               AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM complaint_causes k
                                                WHERE k.complaint_id = c.id AND k.cause = $3))
               AND ($4::text IS NULL OR c.id IN (SELECT complaint_id FROM search_text
                                                WHERE to_tsvector('desk_words', body)
                                                      @@ to_tsquery('desk_words', $4)))
               AND (NOT $5
                    OR (SELECT stage FROM stages s WHERE s.complaint_id = c.id ORDER BY seq DESC LIMIT 1)
                       IS DISTINCT FROM 'closed'
                    OR EXISTS (SELECT 1 FROM replies r WHERE r.complaint_id = c.id AND r.read_at IS NULL))
             ORDER BY c.received_at, c.id"
        );
        let mut conn = self.connection()?;
        let found = conn.query(
            &sql,
            &[
                &filter.held,
                &filter.category,
                &filter.cause,
                &search,
                &filter.live,
            ],
        )?;
        found
            .iter()
            .map(|r| {
                let submission: String = r.try_get(2)?;
                let mentioned: Option<String> = r.try_get(4)?;
                Ok(DeskRow {
                    // A JSON array of ids (as the notes were written); anything else mentions nobody.
                    mentioned: mentioned
                        .and_then(|m| serde_json::from_str(&m).ok())
                        .unwrap_or_default(),
                    complaint: load(&mut *conn, r.try_get(0)?)?,
                    facts: facts_at(r, 5)?,
                    received_at: Instant::from_unix_seconds(r.try_get(1)?),
                    first_text: first_text(&submission),
                    unread: r.try_get(3)?,
                })
            })
            .collect()
    }

    fn desk_facts(&self, id: i64) -> Result<DeskFacts> {
        let sql = format!("SELECT {FACT_COLUMNS} FROM complaints c {FACT_JOINS} WHERE c.id = $1");
        match self.connection()?.query_opt(&sql, &[&id])? {
            Some(row) => facts_at(&row, 0),
            None => Ok(DeskFacts::default()),
        }
    }

    fn notes(&self, id: i64) -> Result<Vec<NoteRecord>> {
        let rows = self.connection()?.query(
            "SELECT n.id, n.author, s.name, n.at, n.text, n.mentions
             FROM notes n LEFT JOIN staff s ON s.id = n.author
             WHERE n.complaint_id = $1 ORDER BY n.id",
            &[&id],
        )?;
        rows.iter()
            .map(|r| {
                let author: Option<i64> = r.try_get(1)?;
                let name: Option<String> = r.try_get(2)?;
                let mentions: String = r.try_get(5)?;
                Ok(NoteRecord {
                    id: r.try_get(0)?,
                    author: author.map(|id| (id, name.unwrap_or_default())),
                    at: Instant::from_unix_seconds(r.try_get(3)?),
                    text: r.try_get(4)?,
                    // Written as a JSON array of ids; a hand edit that broke it mentions nobody.
                    mentions: serde_json::from_str(&mentions).unwrap_or_default(),
                })
            })
            .collect()
    }

    fn reference_of(&self, id: i64) -> Result<Option<String>> {
        let row = self
            .connection()?
            .query_opt("SELECT reference FROM complaints WHERE id = $1", &[&id])?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }
}

#[cfg(test)]
mod tests {
    use super::{first_text, ts_query};

    #[test]
    fn any_input_becomes_prefix_terms_or_nothing() {
        assert_eq!(
            ts_query("refund parcel").as_deref(),
            Some("'refund':* & 'parcel':*")
        );
        assert_eq!(
            ts_query("'x' & !y | <-> z:*").as_deref(),
            Some("'x':* & 'y':* & 'z':*")
        );
        assert_eq!(ts_query("' & | ! ( )"), None);
    }

    #[test]
    fn the_first_text_is_the_descriptions_start_or_nothing() {
        let long = "é".repeat(500);
        let doc = serde_json::json!({ "description": long }).to_string();
        assert_eq!(first_text(&doc).chars().count(), 400);
        assert_eq!(first_text("not json"), "");
        assert_eq!(first_text("{\"other\":1}"), "");
    }
}
