//! `complaint-shell DIST`: writes each page's static shells into the build folder, from the build's own
//! `index.html` (Trunk's, with the module and preloads) and the organisation's `api/v1/config.json`.
//! Also `pages.json`: each page's shells and the files it needs, for the service worker's stamping step.
//! Run by `scripts/post-build` before the service worker is stamped and the files are compressed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Locale;
use complaint_shell::{file_name, pages_manifest, write_page, Page};

fn main() -> ExitCode {
    let Some(dist) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: complaint-shell DIST");
        return ExitCode::from(2);
    };
    match run(&dist) {
        Ok(written) => {
            println!("complaint-shell: wrote {}", written.join(", "));
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("complaint-shell: {problem}");
            ExitCode::FAILURE
        }
    }
}

fn run(dist: &Path) -> Result<Vec<String>, String> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let template = read(dist.join("index.html"))?;
    let config = read(dist.join("api/v1/config.json"))?;
    let config = OrgConfig::from_json(&config).map_err(|e| format!("config.json: {e:?}"))?;
    let mut written = Vec::new();
    for page in Page::ALL {
        for locale in Locale::ALL {
            let html = write_page(&template, page, locale, &config)
                .map_err(|e| format!("index.html: {e:?} (no `#app` shell with its end marker)"))?;
            let name = file_name(page, locale);
            std::fs::write(dist.join(&name), html)
                .map_err(|e| format!("cannot write {name}: {e}"))?;
            written.push(name);
        }
    }
    std::fs::write(dist.join("pages.json"), pages_manifest(&template))
        .map_err(|e| format!("cannot write pages.json: {e}"))?;
    written.push("pages.json".to_owned());
    Ok(written)
}
