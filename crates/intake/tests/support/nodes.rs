//! Two intake nodes on one desk: the same PostgreSQL database, the same publish place (a folder, or a bucket
//! on moto), each with a folder of its own (`--node-dir`: its spool and, without `--files`, its uploads),
//! as docs/scaling.md deploys them. For the multi-node tests (`tests/nodes.rs`).

use super::s3::Moto;
use super::{postgres, Server, TempDir};

/// Where both nodes publish status files.
pub enum Publish<'a> {
    /// One folder on this machine, as nodes sharing a network file system would.
    Folder,
    /// One bucket (created here) on a moto server.
    Bucket { moto: &'a Moto, bucket: &'a str },
}

/// Two running nodes and the database they share.
pub struct Nodes {
    pub a: Server,
    pub b: Server,
    /// The shared database, `postgres://…`.
    pub url: String,
}

impl Nodes {
    /// A fresh database named after `name`, and two nodes on it publishing to `publish`, each started with
    /// `extra` flags; `None` (with a note; a failure under `CI=true`) without PostgreSQL.
    pub fn start(dir: &TempDir, name: &str, publish: Publish<'_>, extra: &[&str]) -> Option<Nodes> {
        let url = postgres::database(name)?;
        let (place, env) = match publish {
            Publish::Folder => (dir.publish().display().to_string(), Vec::new()),
            Publish::Bucket { moto, bucket } => {
                moto.create_bucket(bucket);
                (format!("s3://{bucket}/api/v1/status"), moto.env())
            }
        };
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let node = |own: &str| {
            let paths = vec![
                "--config".to_owned(),
                dir.config().display().to_string(),
                "--db".to_owned(),
                url.clone(),
                "--publish".to_owned(),
                place.clone(),
                "--node-dir".to_owned(),
                dir.0.join(own).display().to_string(),
            ];
            Server::start_with(dir, paths, extra, &env)
        };
        // One after the other: the second finds the schema and the desk's id the first made.
        let a = node("node-a");
        let b = node("node-b");
        Some(Nodes { a, b, url })
    }

    /// Both nodes, for sending the same thing to each.
    pub fn both(&self) -> [&Server; 2] {
        [&self.a, &self.b]
    }

    /// One query's single number from the shared database (a count, say).
    pub fn number(&self, sql: &str) -> i64 {
        let mut client = ::postgres::Client::connect(&self.url, ::postgres::NoTls)
            .expect("connect to the shared database");
        client.query_one(sql, &[]).expect(sql).get(0)
    }
}
