//! Copying a whole desk from its SQLite file into an empty PostgreSQL database (`complaint-intake migrate`,
//! docs/scaling.md): every table, row for row and id for id (PostgreSQL's identity columns are `BY
//! DEFAULT`, so ids are copied, and its counters are moved past them), evidence bytes included. Nothing is
//! committed unless the copy checks out: each table's rows are counted and hashed on both sides, inside the
//! one transaction that holds the copy.
//!
//! A dedicated path rather than the concern traits: the traits speak in complaints and replies, a copy
//! must move rows it does not understand (an audit line, a lease) exactly as they are. Only full-text
//! search's index is not copied: SQLite's is a virtual table, and PostgreSQL fills its own `search_text`
//! from its triggers as the complaints and replies go in.
//!
//! The hash of a table does not depend on row order (the two engines sort text differently): each row is
//! hashed, the row hashes are sorted, and the sorted list is hashed.

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::types::ValueRef;
use sha2::{Digest as _, Sha256};

use super::pg::PgStore;
use super::{Result, Store, StoreError};

/// One value of a row, in the types both engines share (no column of ours is a float).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// A table's rows counted and hashed.
#[derive(Debug, Default)]
pub struct Digest {
    rows: u64,
    each: Vec<[u8; 32]>,
}

impl Digest {
    pub fn add(&mut self, row: &[Value]) {
        let mut hash = Sha256::new();
        for value in row {
            match value {
                Value::Null => hash.update([0]),
                Value::Integer(n) => {
                    hash.update([1]);
                    hash.update(n.to_le_bytes());
                }
                Value::Text(text) => {
                    hash.update([2]);
                    hash.update((text.len() as u64).to_le_bytes());
                    hash.update(text.as_bytes());
                }
                Value::Blob(bytes) => {
                    hash.update([3]);
                    hash.update((bytes.len() as u64).to_le_bytes());
                    hash.update(bytes);
                }
            }
        }
        self.rows += 1;
        self.each.push(hash.finalize().into());
    }

    /// The count and the hex SHA-256 of the sorted row hashes.
    pub fn finish(mut self) -> (u64, String) {
        self.each.sort_unstable();
        let mut hash = Sha256::new();
        for row in &self.each {
            hash.update(row);
        }
        (self.rows, crate::publish::hex(&hash.finalize()))
    }
}

/// One table as copied: the same count and hash on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

/// Why nothing was copied.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} does not exist")]
    NoSource(String),
    #[error(
        "the PostgreSQL database is not empty ({table} holds {rows} row(s)); migrate copies into an \
         empty database only"
    )]
    NotEmpty { table: String, rows: i64 },
    #[error("the PostgreSQL schema has no column {table}.{column}; use the same complaint-intake for both")]
    NoColumn { table: String, column: String },
    #[error(
        "{table} differs after the copy: {from_rows} row(s) {from_sha256} in SQLite, {to_rows} row(s) \
         {to_sha256} in PostgreSQL; nothing was committed"
    )]
    Differs {
        table: String,
        from_rows: u64,
        from_sha256: String,
        to_rows: u64,
        to_sha256: String,
    },
}

/// What a copy's steps return.
pub type Migrated<T> = std::result::Result<T, MigrateError>;

/// Compares the two sides' counts and hashes of one table.
pub fn check(table: &str, from: (u64, String), to: (u64, String)) -> Migrated<TableCheck> {
    if from != to {
        return Err(MigrateError::Differs {
            table: table.to_owned(),
            from_rows: from.0,
            from_sha256: from.1,
            to_rows: to.0,
            to_sha256: to.1,
        });
    }
    Ok(TableCheck {
        table: table.to_owned(),
        rows: from.0,
        sha256: from.1,
    })
}

/// Rows sent to PostgreSQL at once, unless [`BATCH_BYTES`] comes first.
const BATCH_ROWS: usize = 500;
/// Bytes of values sent at once (evidence files make rows large).
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Copies the SQLite desk at `from` into the empty PostgreSQL database at `to`, and returns each table's
/// check. All or nothing: the target is left as it was on any error.
pub fn migrate(from: &Path, to: &str) -> Migrated<Vec<TableCheck>> {
    if !from.exists() {
        return Err(MigrateError::NoSource(from.display().to_string()));
    }
    let source = Store::open(from)?;
    let target = PgStore::open(to)?;
    let tables = source.tables_in_copy_order()?;
    let fresh = fresh_rows(&tables)?;
    target.import(|import| {
        let mut seeded = Vec::new();
        for (table, _) in &tables {
            let rows = import.rows_in(table)?;
            let new_desk_has = fresh.get(table).copied().unwrap_or(0);
            if rows > new_desk_has {
                return Err(MigrateError::NotEmpty {
                    table: table.clone(),
                    rows,
                });
            }
            if rows > 0 {
                seeded.push(table);
            }
        }
        // What the schema put in (the default templates) gives way to the desk's own copy of it.
        for table in seeded.into_iter().rev() {
            import.clear(table)?;
        }
        let mut checks = Vec::new();
        for (table, columns) in &tables {
            import.has_columns(table, columns)?;
            let mut batch = Vec::new();
            let mut bytes = 0;
            let mut sent = Ok(());
            let from_digest = source.each_row(table, columns, |row| {
                bytes += row.iter().map(size).sum::<usize>();
                batch.push(row);
                if batch.len() >= BATCH_ROWS || bytes >= BATCH_BYTES {
                    if sent.is_ok() {
                        sent = import.insert(table, columns, &batch);
                    }
                    batch.clear();
                    bytes = 0;
                }
            })?;
            sent?;
            import.insert(table, columns, &batch)?;
            let to_digest = import.digest(table, columns)?;
            checks.push(check(table, from_digest.finish(), to_digest.finish())?);
        }
        Ok(checks)
    })
}

/// The rows a new desk starts with, per table (the schema's own: the default templates), from a SQLite
/// file made for the purpose and removed again.
fn fresh_rows(tables: &[(String, Vec<String>)]) -> Result<std::collections::HashMap<String, i64>> {
    let dir = std::env::temp_dir().join(format!("complaint-intake-migrate-{}", std::process::id()));
    let counted = (|| {
        let fresh = Store::open(&dir.join("new.sqlite3"))?;
        tables
            .iter()
            .map(|(table, _)| {
                let rows: i64 = fresh.conn.query_row(
                    &format!("SELECT count(*) FROM {}", quoted(table)),
                    [],
                    |r| r.get(0),
                )?;
                Ok((table.clone(), rows))
            })
            .collect()
    })();
    let _ = std::fs::remove_dir_all(&dir);
    counted
}

fn size(value: &Value) -> usize {
    match value {
        Value::Null | Value::Integer(_) => 8,
        Value::Text(text) => text.len(),
        Value::Blob(bytes) => bytes.len(),
    }
}

impl Store {
    /// The tables a copy moves, parents before the tables that refer to them, each with its columns:
    /// every table but SQLite's own and full-text search's (a virtual table and its shadow tables).
    fn tables_in_copy_order(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut statement = self
            .conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
        let all: Vec<(String, String)> = statement
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let virtual_tables: Vec<&str> = all
            .iter()
            .filter(|(_, sql)| sql.starts_with("CREATE VIRTUAL TABLE"))
            .map(|(name, _)| name.as_str())
            .collect();
        let copied: Vec<&str> = all
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| !name.starts_with("sqlite_"))
            .filter(|name| {
                !virtual_tables
                    .iter()
                    .any(|v| name == v || name.starts_with(&format!("{v}_")))
            })
            .collect();
        let mut ordered: Vec<String> = Vec::new();
        let mut placed: BTreeSet<&str> = BTreeSet::new();
        while placed.len() < copied.len() {
            let before = placed.len();
            for &table in &copied {
                if placed.contains(table) {
                    continue;
                }
                let parents = self.parents_of(table)?;
                let ready = parents.iter().all(|p| {
                    p == table || placed.contains(p.as_str()) || !copied.contains(&p.as_str())
                });
                if ready {
                    placed.insert(table);
                    ordered.push(table.to_owned());
                }
            }
            if placed.len() == before {
                // Tables that refer to each other: none of ours do, but never loop for ever.
                return Err(StoreError::Corrupt {
                    what: "order of tables (a cycle of foreign keys)",
                    value: copied.join(", "),
                });
            }
        }
        ordered
            .into_iter()
            .map(|table| {
                let columns = self.columns_of(&table)?;
                Ok((table, columns))
            })
            .collect()
    }

    fn parents_of(&self, table: &str) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?;
        let parents = statement
            .query_map([table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(parents)
    }

    fn columns_of(&self, table: &str) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
        let columns = statement
            .query_map([table], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(columns)
    }

    /// Hands `each` every row of `table` in the order it was written (so a row referring to an earlier one
    /// of its table comes after it), and returns the table's digest.
    fn each_row(
        &self,
        table: &str,
        columns: &[String],
        mut each: impl FnMut(Vec<Value>),
    ) -> Result<Digest> {
        let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let mut statement = self.conn.prepare(&format!(
            "SELECT {} FROM {} ORDER BY rowid",
            list.join(", "),
            quoted(table)
        ))?;
        let mut rows = statement.query([])?;
        let mut digest = Digest::default();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns.len());
            for index in 0..columns.len() {
                values.push(match row.get_ref(index)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::Integer(n),
                    ValueRef::Real(r) => Value::Text(r.to_string()),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            digest.add(&values);
            each(values);
        }
        Ok(digest)
    }
}

/// A name as an SQL identifier, quoted (the names come from the schema, never from a person).
pub(super) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, text: &str, bytes: &[u8]) -> Vec<Value> {
        vec![
            Value::Integer(id),
            Value::Text(text.into()),
            Value::Blob(bytes.to_vec()),
            Value::Null,
        ]
    }

    fn digest(rows: &[Vec<Value>]) -> (u64, String) {
        let mut digest = Digest::default();
        for r in rows {
            digest.add(r);
        }
        digest.finish()
    }

    #[test]
    fn a_table_checks_out_in_any_row_order_and_not_with_any_difference() {
        let rows = [row(1, "zażalenie", b"\x00\x01"), row(2, "접수 건", b"")];
        let reordered = [rows[1].clone(), rows[0].clone()];
        let same = check("complaints", digest(&rows), digest(&reordered)).unwrap();
        assert_eq!(same.rows, 2);
        assert_eq!(same.sha256.len(), 64);

        // One byte of a file, one row missing, a row twice, a value moved between columns: each differs.
        let mut changed = rows.clone();
        changed[0][2] = Value::Blob(b"\x00\x02".to_vec());
        let missing = [rows[0].clone()];
        let doubled = [rows[0].clone(), rows[0].clone(), rows[1].clone()];
        let moved = [
            vec![
                Value::Integer(1),
                Value::Text("ab".into()),
                Value::Text("".into()),
                Value::Null,
            ],
            vec![
                Value::Integer(1),
                Value::Text("a".into()),
                Value::Text("b".into()),
                Value::Null,
            ],
        ];
        for other in [
            digest(&changed),
            digest(&missing),
            digest(&doubled),
            digest(&moved[..1]),
        ] {
            let refused = check("complaints", digest(&rows), other).unwrap_err();
            assert!(
                refused.to_string().contains("complaints differs"),
                "{refused}"
            );
        }
        assert_ne!(digest(&moved[..1]), digest(&moved[1..]));
        assert_ne!(
            digest(&[vec![Value::Null]]),
            digest(&[vec![Value::Text(String::new())]]),
            "NULL is not an empty text"
        );
    }
}
