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
    /// The same, reached through `port` (a forwarder the test can cut: `support::outage`).
    BucketThrough {
        moto: &'a Moto,
        bucket: &'a str,
        port: u16,
    },
}

/// Two running nodes and the database they share.
pub struct Nodes {
    pub a: Server,
    pub b: Server,
    /// The shared database, `postgres://…`.
    pub url: String,
    /// Each node's flags and environment, to start it again the same way.
    flags: [Vec<String>; 2],
    env: Vec<(&'static str, String)>,
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
            Publish::BucketThrough { moto, bucket, port } => {
                moto.create_bucket(bucket);
                (format!("s3://{bucket}/api/v1/status"), moto.env_at(port))
            }
        };
        let flags = ["node-a", "node-b"].map(|own| {
            let mut flags = vec![
                "--config".to_owned(),
                dir.config().display().to_string(),
                "--db".to_owned(),
                url.clone(),
                "--publish".to_owned(),
                place.clone(),
                "--node-dir".to_owned(),
                dir.0.join(own).display().to_string(),
            ];
            flags.extend(extra.iter().map(|s| s.to_string()));
            flags
        });
        // One after the other: the second finds the schema and the desk's id the first made.
        let a = Server::start_with(dir, flags[0].clone(), &[], &borrowed(&env));
        let b = Server::start_with(dir, flags[1].clone(), &[], &borrowed(&env));
        Some(Nodes {
            a,
            b,
            url,
            flags,
            env,
        })
    }

    /// Node `n` (0 or 1).
    pub fn node(&self, n: usize) -> &Server {
        [&self.a, &self.b][n]
    }

    /// Kills node `n` with SIGKILL and starts it again with the same flags, once: `Err` with its log when
    /// it stopped before serving (a database or a bucket it could not reach at start); it is down then.
    pub fn kill_and_start(&mut self, dir: &TempDir, n: usize) -> Result<(), String> {
        [&mut self.a, &mut self.b][n].kill();
        self.start_again(dir, n)
    }

    /// Starts node `n` again after [`Nodes::kill_and_start`] left it down.
    pub fn start_again(&mut self, dir: &TempDir, n: usize) -> Result<(), String> {
        let started = self.try_start(dir, n)?;
        *[&mut self.a, &mut self.b][n] = started;
        Ok(())
    }

    fn try_start(&self, dir: &TempDir, n: usize) -> Result<Server, String> {
        Server::try_start_with(dir, self.flags[n].clone(), &[], &borrowed(&self.env))
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

fn borrowed<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
