//! One test body on both engines: a temporary folder (config, status files, figures) with its records in
//! SQLite (the folder's file) or in a fresh database on the test's PostgreSQL cluster (`super::postgres`),
//! and what a test reads of the records, asked the same way of either: a row count, a scan of every text
//! and byte column of every table for words that must be gone, and one statement run as given.

#![allow(dead_code)]

use std::process::{Command, Output};

use super::{postgres, Server, TempDir, BIN};

/// Where the records are.
pub enum Engine {
    Sqlite,
    Postgres(String),
}

/// A desk's folder and its records.
pub struct OnEngine {
    pub dir: TempDir,
    pub engine: Engine,
}

impl OnEngine {
    pub fn sqlite(name: &str) -> OnEngine {
        OnEngine {
            dir: TempDir::new(name),
            engine: Engine::Sqlite,
        }
    }

    /// `None` (the test skipped, with the cluster's note) when PostgreSQL is not installed outside CI.
    pub fn postgres(name: &str) -> Option<OnEngine> {
        Some(OnEngine {
            engine: Engine::Postgres(postgres::database(name)?),
            dir: TempDir::new(name),
        })
    }

    /// The folder's `--config`, `--db`, `--publish`, `--insights`, with `--db` this engine's.
    pub fn paths(&self) -> Vec<String> {
        let mut paths = self.dir.paths();
        if let Engine::Postgres(url) = &self.engine {
            let at = paths.iter().position(|p| p == "--db").unwrap() + 1;
            paths[at] = url.clone();
        }
        paths
    }

    /// `serve` on these records; on PostgreSQL with a node folder of its own inside the folder.
    pub fn server(&self, extra: &[&str]) -> Server {
        let mut paths = self.paths();
        if let Engine::Postgres(_) = self.engine {
            paths.push("--node-dir".into());
            paths.push(self.dir.0.join("node").display().to_string());
        }
        Server::start_with(&self.dir, paths, extra, &[])
    }

    /// Runs a back-office command on these records.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .args(self.paths())
            .output()
            .unwrap()
    }

    /// Runs `statement` with `$1` (SQLite: `?1`) bound to `text`.
    pub fn execute(&self, statement: &str, text: &str) {
        match &self.engine {
            Engine::Sqlite => {
                let statement = statement.replace("$1", "?1");
                self.connection().execute(&statement, [text]).unwrap();
            }
            Engine::Postgres(url) => {
                client(url).execute(statement, &[&text]).unwrap();
            }
        }
    }

    pub fn count(&self, table_and_condition: &str) -> i64 {
        let statement = format!("SELECT COUNT(*) FROM {table_and_condition}");
        match &self.engine {
            Engine::Sqlite => self
                .connection()
                .query_row(&statement, [], |r| r.get(0))
                .unwrap(),
            Engine::Postgres(url) => client(url).query_one(&statement, &[]).unwrap().get(0),
        }
    }

    /// The first column of each row `statement` gives, as text (NULL as `None`).
    pub fn texts(&self, statement: &str) -> Vec<Option<String>> {
        match &self.engine {
            Engine::Sqlite => {
                let conn = self.connection();
                let mut prepared = conn.prepare(statement).unwrap();
                let rows = prepared
                    .query_map([], |r| {
                        Ok(match r.get_ref(0)? {
                            rusqlite::types::ValueRef::Null => None,
                            rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                            value => Some(value.as_str().unwrap_or_default().to_owned()),
                        })
                    })
                    .unwrap();
                rows.map(Result::unwrap).collect()
            }
            Engine::Postgres(url) => client(url)
                .query(statement, &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect(),
        }
    }

    /// A secret the service keeps (`secrets`), as its bytes.
    pub fn secret(&self, name: &str) -> Vec<u8> {
        let statement = "SELECT value FROM secrets WHERE name = $1";
        match &self.engine {
            Engine::Sqlite => self
                .connection()
                .query_row(&statement.replace("$1", "?1"), [name], |r| r.get(0))
                .unwrap(),
            Engine::Postgres(url) => client(url).query_one(statement, &[&name]).unwrap().get(0),
        }
    }

    /// Every needle found (in lower case) in any text or bytes of any table, as (table, needle).
    pub fn found(&self, needles: &[&str]) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for (table, values) in self.every_value() {
            for needle in needles {
                let hit = values
                    .iter()
                    .any(|v| contains(&v.to_ascii_lowercase(), needle));
                if hit && !found.contains(&(table.clone(), needle.to_string())) {
                    found.push((table.clone(), needle.to_string()));
                }
            }
        }
        found
    }

    /// Each table with every text and byte value in it.
    fn every_value(&self) -> Vec<(String, Vec<Vec<u8>>)> {
        match &self.engine {
            Engine::Sqlite => {
                let conn = self.connection();
                let tables: Vec<String> = conn
                    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let mut all = Vec::new();
                for table in tables {
                    let mut statement =
                        conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
                    let columns = statement.column_count();
                    let mut rows = statement.query([]).unwrap();
                    let mut values = Vec::new();
                    while let Some(row) = rows.next().unwrap() {
                        for i in 0..columns {
                            match row.get_ref(i).unwrap() {
                                rusqlite::types::ValueRef::Text(t)
                                | rusqlite::types::ValueRef::Blob(t) => values.push(t.to_vec()),
                                _ => {}
                            }
                        }
                    }
                    all.push((table, values));
                }
                all
            }
            Engine::Postgres(url) => {
                let mut client = client(url);
                let columns = client
                    .query(
                        "SELECT table_name::text, column_name::text, data_type::text
                         FROM information_schema.columns WHERE table_schema = 'public'
                         ORDER BY table_name, ordinal_position",
                        &[],
                    )
                    .unwrap();
                let mut all: Vec<(String, Vec<Vec<u8>>)> = Vec::new();
                for column in columns {
                    let (table, name, kind): (String, String, String) =
                        (column.get(0), column.get(1), column.get(2));
                    let values: Vec<Vec<u8>> = if kind == "bytea" {
                        let statement = format!("SELECT \"{name}\" FROM \"{table}\"");
                        let rows = client.query(&statement, &[]).unwrap();
                        rows.iter()
                            .filter_map(|r| r.get::<_, Option<Vec<u8>>>(0))
                            .collect()
                    } else {
                        let statement = format!("SELECT \"{name}\"::text FROM \"{table}\"");
                        let rows = client.query(&statement, &[]).unwrap();
                        let texts = rows.iter().filter_map(|r| r.get::<_, Option<String>>(0));
                        texts.map(String::into_bytes).collect()
                    };
                    match all.last_mut() {
                        Some((last, found)) if *last == table => found.extend(values),
                        _ => all.push((table, values)),
                    }
                }
                all
            }
        }
    }

    fn connection(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(self.dir.db()).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        conn
    }
}

fn client(url: &str) -> ::postgres::Client {
    ::postgres::Client::connect(url, ::postgres::NoTls).unwrap()
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
