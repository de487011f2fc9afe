//! `TemplateStore` on PostgreSQL: the texts staff start a reply, a question or a decision's summary from,
//! stored as SQLite stores them (the texts as a JSON object by language tag).

use complaint_domain::instant::Instant;
use postgres::Row;

use super::PgStore;
use crate::store::{
    corrupt, NewTemplate, Result, StoreError, Template, TemplateKind, TemplateStore,
};

const COLUMNS: &str = "id, name, category, kind, texts, updated_by, updated_at";

fn template(r: &Row) -> Result<Template> {
    let kind: String = r.try_get(3)?;
    let texts: String = r.try_get(4)?;
    Ok(Template {
        id: r.try_get(0)?,
        template: NewTemplate {
            name: r.try_get(1)?,
            category: r.try_get(2)?,
            kind: TemplateKind::parse(&kind).ok_or_else(|| corrupt("template kind", &kind))?,
            texts: serde_json::from_str(&texts).map_err(|_| corrupt("template texts", &texts))?,
        },
        updated_by: r.try_get(5)?,
        updated_at: Instant::from_unix_seconds(r.try_get(6)?),
    })
}

fn texts_json(new: &NewTemplate) -> Result<String> {
    serde_json::to_string(&new.texts).map_err(|e| StoreError::Database(Box::new(e)))
}

impl TemplateStore for PgStore {
    fn templates(&self) -> Result<Vec<Template>> {
        self.connection()?
            .query(
                &format!("SELECT {COLUMNS} FROM templates ORDER BY name, id"),
                &[],
            )?
            .iter()
            .map(template)
            .collect()
    }

    fn template(&self, id: i64) -> Result<Option<Template>> {
        self.connection()?
            .query_opt(
                &format!("SELECT {COLUMNS} FROM templates WHERE id = $1"),
                &[&id],
            )?
            .as_ref()
            .map(template)
            .transpose()
    }

    fn add_template(&mut self, new: &NewTemplate, by: Option<i64>, at: Instant) -> Result<i64> {
        let row = self.connection()?.query_one(
            "INSERT INTO templates (name, category, kind, texts, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &new.name,
                &new.category,
                &new.kind.name(),
                &texts_json(new)?,
                &by,
                &at.unix_seconds(),
            ],
        )?;
        Ok(row.try_get(0)?)
    }

    fn update_template(
        &mut self,
        id: i64,
        new: &NewTemplate,
        by: Option<i64>,
        at: Instant,
    ) -> Result<bool> {
        let changed = self.connection()?.execute(
            "UPDATE templates SET name = $2, category = $3, kind = $4, texts = $5, updated_by = $6,
                    updated_at = $7
             WHERE id = $1",
            &[
                &id,
                &new.name,
                &new.category,
                &new.kind.name(),
                &texts_json(new)?,
                &by,
                &at.unix_seconds(),
            ],
        )?;
        Ok(changed == 1)
    }

    fn delete_template(&mut self, id: i64) -> Result<bool> {
        let deleted = self
            .connection()?
            .execute("DELETE FROM templates WHERE id = $1", &[&id])?;
        Ok(deleted == 1)
    }
}
