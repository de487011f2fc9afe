//! The command line's parsing: each command's flags, the values refused and the words they are refused in.

use super::values::OneOf;
use super::*;
use crate::store::Address;

fn parse(line: &str) -> Result<(Paths, Command), clap::Error> {
    super::parse(std::iter::once("complaint-intake").chain(line.split_whitespace()))
}

fn refused(line: &str) -> String {
    match parse(line) {
        Ok(_) => panic!("accepted: {line}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{line}: {e}");
            e.to_string()
        }
    }
}

#[test]
fn the_command_line_is_consistent_and_every_listed_word_reads() {
    Cli::command().debug_assert();
    fn reads<T>(parser: OneOf<T>) -> bool {
        parser
            .names
            .iter()
            .all(|name| (parser.read)(name).is_some())
    }
    assert!(reads(locale()) && reads(decision()) && reads(step()));
    assert!(reads(export_format()) && reads(report_format()));
}

#[test]
fn serve_takes_repeated_origins_and_shared_paths() {
    let (paths, command) = parse(
        "serve --listen 127.0.0.1:0 --db /tmp/x.db --allow-origin https://a.example --allow-origin=https://b.example",
    )
    .unwrap();
    assert_eq!(paths.db, Address::Sqlite(PathBuf::from("/tmp/x.db")));
    assert_eq!(paths.publish, PathBuf::from("var/status"));
    let Command::Serve(serve) = command else {
        panic!("not serve")
    };
    assert_eq!(serve.listen, "127.0.0.1:0");
    assert_eq!(
        serve.allow_origins,
        ["https://a.example", "https://b.example"]
    );
    assert_eq!(serve.rate_limit_per_minute, 20);
    assert_eq!(serve.max_connections_per_address, 32);
    assert_eq!(serve.max_bodies_per_address, 8);
    assert_eq!(serve.silence_timeout, Duration::from_secs(30));
    assert!(serve.trusted_proxies.is_empty());
}

#[test]
fn shared_flags_go_before_or_after_the_command_and_the_last_one_counts() {
    let (paths, _) = parse("--db /tmp/a.db list --publish /tmp/p").unwrap();
    assert_eq!(paths.db, Address::Sqlite(PathBuf::from("/tmp/a.db")));
    assert_eq!(paths.publish, PathBuf::from("/tmp/p"));
    assert_eq!(paths.config, PathBuf::from("public/api/v1/config.json"));
    let (paths, _) = parse("list --db /tmp/a.db --db /tmp/b.db").unwrap();
    assert_eq!(paths.db, Address::Sqlite(PathBuf::from("/tmp/b.db")));
    let (_, command) = parse("serve --body-timeout 60").unwrap();
    let Command::Serve(serve) = command else {
        panic!("not serve")
    };
    assert_eq!(
        serve.silence_timeout,
        Duration::from_secs(60),
        "the old name"
    );
}

#[test]
fn trusted_proxies_are_addresses_or_networks() {
    let (_, command) = parse(
        "serve --trusted-proxy 127.0.0.1 --trusted-proxy 10.0.0.0/8 --trusted-proxy fd00::/8",
    )
    .unwrap();
    let Command::Serve(serve) = command else {
        panic!("not serve")
    };
    assert_eq!(serve.trusted_proxies.len(), 3);
    assert!(refused("serve --trusted-proxy proxy.example").contains("proxy.example"));
    refused("serve --idle-timeout 0");
    refused("serve --idle-timeout 18446744073709551615");
    refused("serve --body-timeout 0");
}

#[test]
fn respond_needs_a_known_decision() {
    refused("respond CMP-1");
    let typo = refused("respond CMP-1 --decision uphld");
    assert!(typo.contains("upheld"), "{typo}");
    let (_, command) = parse("respond CMP-1 --decision partly_upheld --summary Half").unwrap();
    assert!(matches!(
        command,
        Command::Stage {
            stage: Stage::Responded,
            decision: Some((Decision::PartlyUpheld, Some(_))),
            ..
        }
    ));
}

#[test]
fn respond_takes_causes_and_report_takes_a_period() {
    let (_, command) =
        parse("respond CMP-1 --decision upheld --cause courier-delay --cause billing-error")
            .unwrap();
    assert!(matches!(
        command,
        Command::Stage { causes, .. } if causes == ["courier-delay", "billing-error"]
    ));
    refused("close CMP-1 --cause courier-delay");
    assert!(matches!(
        parse("report --from 2026-01-01 --to 2026-06-30 --format csv")
            .unwrap()
            .1,
        Command::Report {
            format: ReportFormat::Csv,
            ..
        }
    ));
    assert!(
        refused("report --from 2026-06-30 --to 2026-01-01 --format csv")
            .contains("--to is before --from")
    );
    refused("report --from 2026-01-01 --to 2026-06-30 --format xls");
    // Gone with the debounced runs: the figures follow `serve`'s schedule, or `insights` at once.
    refused("insights --wait 2");
}

#[test]
fn typos_are_reported_not_ignored() {
    let flag = refused("acknowledge CMP-1 --mesage hi");
    assert!(
        flag.contains("--mesage") && flag.contains("--message"),
        "{flag}"
    );
    let command = refused("acknowldge CMP-1");
    assert!(command.contains("acknowledge"), "{command}");
    refused("acknowledge");
    assert!(refused("extend CMP-1 --step decide --due 2026-13-01").contains("YYYY-MM-DD"));
    refused("fly");
}

#[test]
fn help_is_printed_with_status_0() {
    assert!(matches!(parse("").unwrap().1, Command::Help));
    for line in ["--help", "respond --help", "help respond", "list -h"] {
        let e = parse(line).err().unwrap();
        assert_eq!(e.exit_code(), 0, "{line}");
        assert_eq!(e.kind(), ErrorKind::DisplayHelp, "{line}");
    }
    assert!(help().contains("acknowledge"));
}

#[test]
fn attachment_and_export_take_what_they_need() {
    assert!(matches!(
        parse("attachment CMP-1 2 --out x.jpg").unwrap().1,
        Command::Attachment {
            which: Which::One(2),
            force: false,
            ..
        }
    ));
    assert!(matches!(
        parse("attachment CMP-1 --all --out dir --force").unwrap().1,
        Command::Attachment {
            which: Which::All,
            force: true,
            ..
        }
    ));
    assert!(refused("attachment CMP-1 0 --out x").contains("1, 2"));
    refused("attachment CMP-1 1");
    refused("attachment CMP-1 --out x");
    refused("attachment CMP-1 2 --all --out x");
    assert!(matches!(
        parse("export --since 2026-11-01 --format csv --lang pl")
            .unwrap()
            .1,
        Command::Export {
            format: ExportFormat::Csv,
            lang: Locale::Pl,
            ..
        }
    ));
    assert!(matches!(
        parse("show CMP-1 --lang KO").unwrap().1,
        Command::Show {
            lang: Locale::Ko,
            ..
        }
    ));
    refused("export --since 2026-11-01 --format xml");
    refused("show CMP-1 --lang de");
}

#[test]
fn mail_is_off_without_a_relay_and_a_relay_needs_a_sender() {
    assert!(parse("list").unwrap().0.mail.is_none());
    let (paths, _) = parse(
        "list --smtp-relay 127.0.0.1:2525 --mail-from desk@example.com --org-inbox in@example.com",
    )
    .unwrap();
    let mail = paths.mail.unwrap();
    assert_eq!(
        (mail.relay_host.as_str(), mail.relay_port),
        ("127.0.0.1", 2525)
    );
    assert_eq!(mail.org_inbox.as_deref(), Some("in@example.com"));
    assert_eq!(mail.max_bytes, 10 * 1024 * 1024, "10 MB unless told");
    assert_eq!(mail.timeout, Duration::from_secs(10));
    let (paths, _) =
        parse("--smtp-relay 127.0.0.1:2525 list --mail-from desk@example.com --mail-max-mb 25")
            .unwrap();
    assert_eq!(paths.mail.unwrap().max_bytes, 25 * 1024 * 1024);
    for bad in ["0", "101", "ten"] {
        refused(&format!(
            "list --smtp-relay 127.0.0.1:2525 --mail-from a@b.c --mail-max-mb {bad}"
        ));
    }
    assert!(refused("list --smtp-relay 127.0.0.1:2525").contains("--mail-from"));
    refused("list --smtp-relay nowhere --mail-from a@b.c");
}

#[test]
fn quarantine_commands_take_one_reference() {
    assert!(matches!(
        parse("list --quarantine").unwrap().1,
        Command::ListQuarantine
    ));
    refused("list --quarantine --all");
    assert!(matches!(
        parse("release CMP-1").unwrap().1,
        Command::Release { reference } if reference == "CMP-1"
    ));
    assert!(matches!(
        parse("delete CMP-1").unwrap().1,
        Command::Delete { reference } if reference == "CMP-1"
    ));
    refused("release");
    refused("delete CMP-1 CMP-2");
}

#[test]
fn a_text_is_plain_once_or_one_per_language() {
    let message = |line: &[&str]| match super::parse(
        std::iter::once("complaint-intake").chain(line.iter().copied()),
    ) {
        Ok((_, Command::Stage { message, .. })) => Ok(message),
        Ok(_) => Err("not a stage change".to_owned()),
        Err(e) => Err(e.to_string()),
    };
    assert_eq!(
        message(&["acknowledge", "CMP-1", "--message", "Note: we have it."]),
        Ok(Some(OrgText::from("Note: we have it.")))
    );
    assert_eq!(
        message(&[
            "acknowledge",
            "CMP-1",
            "--message",
            "-5% on your next order"
        ]),
        Ok(Some(OrgText::from("-5% on your next order")))
    );
    assert_eq!(
        message(&[
            "acknowledge",
            "CMP-1",
            "--message",
            "ko:접수했습니다.",
            "--message",
            "EN: We have it."
        ]),
        Ok(Some(OrgText::ByLanguage(vec![
            ("ko".into(), "접수했습니다.".into()),
            ("en".into(), "We have it.".into())
        ])))
    );
    let mixed = message(&[
        "acknowledge",
        "CMP-1",
        "--message",
        "Hi",
        "--message",
        "ko:안녕",
    ]);
    assert!(mixed.is_err_and(|e| e.contains("not both")));
}

#[test]
fn db_names_postgres_by_its_scheme_and_sqlite_otherwise() {
    let (paths, _) = parse("list --db postgres://desk@db:5432/intake").unwrap();
    assert_eq!(
        paths.db,
        Address::Postgres("postgres://desk@db:5432/intake".into())
    );
    let (paths, _) = parse("list --db sqlite:/tmp/a.db").unwrap();
    assert_eq!(paths.db, Address::Sqlite(PathBuf::from("/tmp/a.db")));
}

#[test]
fn migrate_takes_a_sqlite_file_and_a_postgres_address_only() {
    let (_, command) = parse("migrate --from /tmp/a.db --to postgres://desk@db/intake").unwrap();
    let Command::Migrate { from, to } = command else {
        panic!("not migrate")
    };
    assert_eq!(from, PathBuf::from("/tmp/a.db"));
    assert_eq!(to, "postgres://desk@db/intake");
    assert!(refused("migrate --from /tmp/a.db --to /tmp/b.db").contains("postgres://"));
}
