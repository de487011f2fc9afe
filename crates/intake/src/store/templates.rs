//! The texts staff start a reply, a question or a decision's summary from (issue #23): one per language, for
//! one category or every one. An admin edits them; the desk fills their placeholders when they are used.

use std::collections::BTreeMap;

use complaint_domain::instant::Instant;
use rusqlite::{params, OptionalExtension};

use super::{corrupt, Result, Store, StoreError};

/// What a template is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    Reply,
    Ask,
    Decide,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 3] =
        [TemplateKind::Reply, TemplateKind::Ask, TemplateKind::Decide];

    pub fn name(self) -> &'static str {
        match self {
            TemplateKind::Reply => "reply",
            TemplateKind::Ask => "ask",
            TemplateKind::Decide => "decide",
        }
    }

    pub fn parse(name: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A template as written; `texts` by language tag (en, ko, pl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTemplate {
    pub name: String,
    /// A category id of the config; `None`: every category.
    pub category: Option<String>,
    pub kind: TemplateKind,
    pub texts: BTreeMap<String, String>,
}

/// A template as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: i64,
    pub template: NewTemplate,
    /// A staff id; `None`: seeded, or written from the command line.
    pub updated_by: Option<i64>,
    pub updated_at: Instant,
}

pub trait TemplateStore {
    /// Every template, by name.
    fn templates(&self) -> Result<Vec<Template>>;
    fn template(&self, id: i64) -> Result<Option<Template>>;
    fn add_template(&mut self, new: &NewTemplate, by: Option<i64>, at: Instant) -> Result<i64>;
    /// `false` when there is no template `id`.
    fn update_template(
        &mut self,
        id: i64,
        new: &NewTemplate,
        by: Option<i64>,
        at: Instant,
    ) -> Result<bool>;
    /// `false` when there is no template `id`.
    fn delete_template(&mut self, id: i64) -> Result<bool>;
}

type Row = (
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<i64>,
    i64,
);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn finish((id, name, category, kind, texts, updated_by, updated_at): Row) -> Result<Template> {
    Ok(Template {
        id,
        template: NewTemplate {
            name,
            category,
            kind: TemplateKind::parse(&kind).ok_or_else(|| corrupt("template kind", &kind))?,
            texts: serde_json::from_str(&texts).map_err(|_| corrupt("template texts", &texts))?,
        },
        updated_by,
        updated_at: Instant::from_unix_seconds(updated_at),
    })
}

fn texts_json(new: &NewTemplate) -> Result<String> {
    serde_json::to_string(&new.texts).map_err(|e| StoreError::Database(Box::new(e)))
}

const COLUMNS: &str = "id, name, category, kind, texts, updated_by, updated_at";

impl TemplateStore for Store {
    fn templates(&self) -> Result<Vec<Template>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM templates ORDER BY name, id"
        ))?;
        let rows = statement
            .query_map([], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(finish).collect()
    }

    fn template(&self, id: i64) -> Result<Option<Template>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM templates WHERE id = ?1"),
                [id],
                row,
            )
            .optional()?
            .map(finish)
            .transpose()
    }

    fn add_template(&mut self, new: &NewTemplate, by: Option<i64>, at: Instant) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO templates (name, category, kind, texts, updated_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                new.name,
                new.category,
                new.kind.name(),
                texts_json(new)?,
                by,
                at.unix_seconds()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_template(
        &mut self,
        id: i64,
        new: &NewTemplate,
        by: Option<i64>,
        at: Instant,
    ) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE templates SET name = ?2, category = ?3, kind = ?4, texts = ?5, updated_by = ?6,
                    updated_at = ?7
             WHERE id = ?1",
            params![
                id,
                new.name,
                new.category,
                new.kind.name(),
                texts_json(new)?,
                by,
                at.unix_seconds()
            ],
        )?;
        Ok(changed == 1)
    }

    fn delete_template(&mut self, id: i64) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM templates WHERE id = ?1", [id])?
            == 1)
    }
}
