//! The PostgreSQL side of `migrate` (`crate::store::copy`): rows in, in one transaction, each table read
//! back and hashed before anything is committed, and the identity counters moved past the copied ids.

use postgres::types::Type;
use postgres::Transaction;
use serde_json::{Map, Value as Json};

use super::PgStore;
use crate::store::copy::{quoted, Digest, MigrateError, Migrated, Value};
use crate::store::StoreError;

/// Rows read back at a time for the check.
const READ_BACK_ROWS: i32 = 500;

/// The copy's open transaction.
pub struct Import<'a> {
    tx: Transaction<'a>,
}

impl PgStore {
    /// Runs `work` in one transaction and commits it only if `work` succeeds.
    pub fn import<T>(&self, work: impl FnOnce(&mut Import<'_>) -> Migrated<T>) -> Migrated<T> {
        let mut conn = self.connection()?;
        let tx = conn.transaction().map_err(StoreError::from)?;
        let mut import = Import { tx };
        let done = work(&mut import)?;
        import.past_copied_ids()?;
        import.tx.commit().map_err(StoreError::from)?;
        Ok(done)
    }
}

impl Import<'_> {
    pub fn rows_in(&mut self, table: &str) -> Migrated<i64> {
        let row = self
            .tx
            .query_one(&format!("SELECT count(*) FROM {}", quoted(table)), &[])
            .map_err(StoreError::from)?;
        Ok(row.try_get(0).map_err(StoreError::from)?)
    }

    /// Empties `table` (rows the schema put in, which the copy brings its own of).
    pub fn clear(&mut self, table: &str) -> Migrated<()> {
        self.tx
            .execute(&format!("DELETE FROM {}", quoted(table)), &[])
            .map_err(StoreError::from)?;
        Ok(())
    }

    /// Refuses a table the schema lacks a column of (a binary older than the file's).
    pub fn has_columns(&mut self, table: &str, columns: &[String]) -> Migrated<()> {
        let present: Vec<String> = self
            .tx
            .query(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1",
                &[&table],
            )
            .map_err(StoreError::from)?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()
            .map_err(StoreError::from)?;
        match columns.iter().find(|c| !present.contains(c)) {
            Some(column) => Err(MigrateError::NoColumn {
                table: table.to_owned(),
                column: column.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Inserts `rows` in one statement: sent as JSON and typed by the table's own columns
    /// (`json_populate_recordset`), so one path fits every table; bytes as `bytea`'s hex text.
    pub fn insert(&mut self, table: &str, columns: &[String], rows: &[Vec<Value>]) -> Migrated<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let records: Vec<Json> = rows
            .iter()
            .map(|row| {
                let record: Map<String, Json> = columns
                    .iter()
                    .zip(row)
                    .map(|(column, value)| (column.clone(), json_of(value)))
                    .collect();
                Json::Object(record)
            })
            .collect();
        let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let list = list.join(", ");
        let body = Json::Array(records).to_string();
        self.tx
            .execute(
                &format!(
                    "INSERT INTO {table} ({list}) SELECT {list}
                     FROM json_populate_recordset(NULL::{table}, $1::text::json)",
                    table = quoted(table)
                ),
                &[&body],
            )
            .map_err(StoreError::from)?;
        Ok(())
    }

    /// The table's rows as they now stand in this transaction, counted and hashed as SQLite's were.
    pub fn digest(&mut self, table: &str, columns: &[String]) -> Migrated<Digest> {
        let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let query = format!("SELECT {} FROM {}", list.join(", "), quoted(table));
        let portal = self
            .tx
            .bind(query.as_str(), &[])
            .map_err(StoreError::from)?;
        let mut digest = Digest::default();
        loop {
            let rows = self
                .tx
                .query_portal(&portal, READ_BACK_ROWS)
                .map_err(StoreError::from)?;
            if rows.is_empty() {
                return Ok(digest);
            }
            for row in &rows {
                let mut values = Vec::with_capacity(columns.len());
                for (index, column) in row.columns().iter().enumerate() {
                    values.push(value_of(row, index, column.type_())?);
                }
                digest.add(&values);
            }
        }
    }

    /// Moves each identity counter past the largest id copied, so the next complaint does not collide.
    fn past_copied_ids(&mut self) -> Migrated<()> {
        let identities = self
            .tx
            .query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND is_identity = 'YES'",
                &[],
            )
            .map_err(StoreError::from)?;
        for row in identities {
            let table: String = row.try_get(0).map_err(StoreError::from)?;
            let column: String = row.try_get(1).map_err(StoreError::from)?;
            self.tx
                .execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence($1, $2), max({column}))
                         FROM {table} HAVING max({column}) IS NOT NULL",
                        column = quoted(&column),
                        table = quoted(&table)
                    ),
                    &[&quoted(&table), &column],
                )
                .map_err(StoreError::from)?;
        }
        Ok(())
    }
}

fn json_of(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Integer(n) => Json::from(*n),
        Value::Text(text) => Json::from(text.as_str()),
        Value::Blob(bytes) => Json::from(format!("\\x{}", crate::publish::hex(bytes))),
    }
}

fn value_of(row: &postgres::Row, index: usize, kind: &Type) -> Migrated<Value> {
    let value = if *kind == Type::INT8 {
        row.try_get::<_, Option<i64>>(index)
            .map(|v| v.map(Value::Integer))
    } else if *kind == Type::INT4 {
        row.try_get::<_, Option<i32>>(index)
            .map(|v| v.map(|n| Value::Integer(n.into())))
    } else if *kind == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(index)
            .map(|v| v.map(Value::Blob))
    } else {
        row.try_get::<_, Option<String>>(index)
            .map(|v| v.map(Value::Text))
    };
    Ok(value.map_err(StoreError::from)?.unwrap_or(Value::Null))
}
