//! The command line as a user meets it: every documented command's `--help`, the cheap commands run on an
//! empty database, typos answered with a suggestion and exit status 2, and `serve` taking every documented
//! flag and still printing its address first.

mod support;

use std::process::{Command, Output};

use support::*;

/// The commands docs/intake.md documents, each with a flag its help must list.
const COMMANDS: [(&str, &str); 20] = [
    ("serve", "--trusted-proxy"),
    ("acknowledge", "--next-step"),
    ("assess", "--message"),
    ("investigate", "--message"),
    ("respond", "--decision"),
    ("close", "--message"),
    ("reopen", "--message"),
    ("extend", "--due"),
    ("list", "--quarantine"),
    ("release", "<REFERENCE>"),
    ("delete", "<REFERENCE>"),
    ("show", "--lang"),
    ("attachment", "--out"),
    ("export", "--since"),
    ("republish", "--all"),
    ("insights", "--insights"),
    ("report", "--from"),
    ("completions", "<SHELL>"),
    ("staff", "invite"),
    ("migrate", "--to"),
];

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn ran(output: Output) -> Ran {
    Ran {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn every_documented_command_has_its_own_help() {
    let dir = TempDir::new("cli-help");
    for (command, flag) in COMMANDS {
        for help in [["help", command], [command, "--help"]] {
            // `help` takes command names only; `--help` comes with the shared flags, as typed in a script.
            let out = ran(match help[0] {
                "help" => Command::new(BIN).args(help).output().unwrap(),
                _ => dir.cli(&help),
            });
            assert_eq!(out.code, Some(0), "{help:?}: {}", out.stderr);
            assert!(
                out.stdout
                    .contains(&format!("Usage: complaint-intake {command}")),
                "{help:?}: {}",
                out.stdout
            );
            assert!(out.stdout.contains(flag), "{help:?}: {}", out.stdout);
            assert!(
                out.stdout.contains("--db <FILE>"),
                "{help:?}: {}",
                out.stdout
            );
        }
    }
    assert!(!dir.db().exists(), "help opens no database");
    for bare in [&[][..], &["--help"], &["-h"], &["help"]] {
        let out = ran(Command::new(BIN).args(bare).output().unwrap());
        assert_eq!(out.code, Some(0), "{bare:?}: {}", out.stderr);
        for (command, _) in COMMANDS {
            assert!(out.stdout.contains(command), "{bare:?}: {}", out.stdout);
        }
    }
}

#[test]
fn commands_run_and_bad_usage_exits_2_with_a_suggestion() {
    let dir = TempDir::new("cli-run");
    let none = "CMP-0000-0000";
    // (arguments, exit status, what stdout shows, what stderr shows)
    #[rustfmt::skip]
    let table: &[(&[&str], i32, &str, &str)] = &[
        (&["list"], 0, "0 complaint(s)", ""),
        (&["list", "--quarantine"], 0, "", ""),
        (&["republish"], 0, "0 status file(s)", ""),
        (&["republish", "--all"], 0, "0 status file(s)", ""),
        (&["insights"], 0, "bytes of insights written", ""),
        (&["export", "--since", "2026-01-01", "--format", "json"], 0, "[", ""),
        (&["report", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "csv"], 0, "\"", ""),
        (&["completions", "bash"], 0, "complaint-intake", ""),
        (&["completions", "zsh"], 0, "#compdef complaint-intake", ""),
        (&["completions", "fish"], 0, "complete -c complaint-intake", ""),
        // Parsed and run: refused by the store, status 1 as before.
        (&["acknowledge", none, "--message", "ko:접수했습니다.", "--message", "en:We have it."], 1, "", "no complaint has the reference"),
        (&["assess", none, "--next-step", "-5% on the next order"], 1, "", "no complaint has the reference"),
        (&["investigate", none], 1, "", "no complaint has the reference"),
        (&["respond", none, "--decision", "partly_upheld", "--summary", "Half"], 1, "", "no complaint has the reference"),
        (&["close", none], 1, "", "no complaint has the reference"),
        (&["reopen", none], 1, "", "no complaint has the reference"),
        (&["extend", none, "--step", "decide", "--due", "2026-12-18"], 1, "", "no complaint has the reference"),
        (&["show", none, "--lang", "pl"], 1, "", "no complaint has the reference"),
        (&["attachment", none, "1", "--out", "x"], 1, "", "no complaint has the reference"),
        // Typos: the nearest word as a tip, status 2, nothing run.
        (&["acknowldge", none], 2, "", "a similar subcommand exists: 'acknowledge'"),
        (&["acknowledge", none, "--mesage", "x"], 2, "", "a similar argument exists: '--message'"),
        (&["respond", none, "--decision", "uphld"], 2, "", "a similar value exists: 'upheld'"),
        (&["list", "--al"], 2, "", "'--all'"),
        (&["fly"], 2, "", "unrecognized subcommand 'fly'"),
        // Values and their combinations, refused with the command's usage.
        (&["respond", none], 2, "", "--decision <DECISION>"),
        (&["extend", none, "--step", "decide", "--due", "2026-13-01"], 2, "", "YYYY-MM-DD"),
        (&["report", "--from", "2026-06-30", "--to", "2026-01-01", "--format", "csv"], 2, "", "--to is before --from"),
        (&["close", none, "--message", "Hi", "--message", "ko:안녕"], 2, "", "not both"),
        (&["attachment", none, "0", "--out", "x"], 2, "", "1, 2"),
        (&["attachment", none, "--out", "x"], 2, "", "<N>"),
        (&["show", none, "--lang", "de"], 2, "", "possible values: en, ko, pl"),
        (&["insights", "--wait", "2"], 2, "", "--wait"),
        (&["serve", "--insights-at", "24:00"], 2, "", "HH:MM"),
        (&["serve", "--insights-every", "month"], 2, "", "day, week"),
        (&["list", "--smtp-relay", "127.0.0.1:2525"], 2, "", "--mail-from"),
        (&["serve", "--idle-timeout", "0"], 2, "", "1..=86400"),
        (&["serve", "--trusted-proxy", "proxy.example"], 2, "", "proxy.example"),
    ];
    for (args, code, stdout, stderr) in table {
        let out = ran(dir.cli(args));
        assert_eq!(
            out.code,
            Some(*code),
            "{args:?}: {}{}",
            out.stdout,
            out.stderr
        );
        assert!(out.stdout.contains(stdout), "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains(stderr), "{args:?}: {}", out.stderr);
        if *code == 2 {
            assert!(out.stderr.contains("try '--help'"), "{}", out.stderr);
        }
    }
}

#[test]
fn shared_flags_may_come_before_the_command() {
    let dir = TempDir::new("cli-before");
    let out = ran(Command::new(BIN)
        .args(dir.paths())
        .arg("list")
        .output()
        .unwrap());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        dir.db().exists(),
        "the database --db named, given before `list`"
    );
}

#[test]
fn serve_takes_every_documented_flag_and_prints_its_address_first() {
    let dir = TempDir::new("cli-serve");
    let site = dir.0.join("site");
    std::fs::create_dir_all(&site).unwrap();
    let site = site.display().to_string();
    // The defaults, spelled out; `Server::start` fails unless the first line is the address.
    #[rustfmt::skip]
    let flags = [
        "--site", &site, "--allow-origin", "https://shop.example", "--rate-limit", "20",
        "--header-timeout", "10", "--silence-timeout", "30", "--min-rate", "2048",
        "--rate-window", "20", "--uploads-max-mb", "2048", "--min-fill-seconds", "3",
        "--max-connections", "256", "--max-connections-per-address", "32", "--max-bodies-per-address", "8", "--idle-timeout", "20",
        "--connection-lifetime", "300", "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "fd00::/8",
        "--smtp-relay", "127.0.0.1:9", "--mail-from", "desk@example.com", "--org-inbox",
        "in@example.com", "--org-lang", "pl", "--public-url", "http://127.0.0.1:8080",
        "--smtp-timeout", "10", "--mail-max-mb", "10", "--staff-origin", "https://desk.example",
        "--staff-idle-minutes", "30", "--staff-session-hours", "12", "--staff-sign-in-limit", "10",
        "--insights-at", "05:30", "--insights-every", "week",
    ];
    let server = Server::start(&dir, &flags, &[]);
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
}
