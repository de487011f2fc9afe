//! `complaint-shell DIST TRACKER_PAGE`: writes each page's static shells into the build folder, from the
//! build's own `index.html` (Trunk's, with the filing page's module and preloads), the tracker module's
//! page (Trunk's build of `tracker.html`: its module and preloads, for the tracker's and the insights'
//! shells) and the organisation's `api/v1/config.json`. Also `pages.json`: each page's shells and the files
//! it needs, for the service worker's stamping step; and the full privacy notice in each language
//! (`privacy.html`, `privacy.ko.html`, …), from the same config. Run by `scripts/post-build` after the tracker's module
//! is built and before the service worker is stamped and the files are compressed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::Locale;
use complaint_domain::privacy::notice_file_name;
use complaint_shell::{
    file_name, pages_manifest, privacy_page, with_module_of, write_page, Module, Page,
};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(dist), Some(tracker)) = (args.next(), args.next()) else {
        eprintln!("usage: complaint-shell DIST TRACKER_PAGE");
        return ExitCode::from(2);
    };
    match run(&dist, &tracker) {
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

fn run(dist: &Path, tracker: &Path) -> Result<Vec<String>, String> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let filing = read(dist.join("index.html"))?;
    let tracker = with_module_of(&filing, &read(tracker.to_path_buf())?).map_err(|e| {
        format!("{e:?}: index.html or the tracker's page lacks its module's script or preloads")
    })?;
    let template_of = |page: Page| match page.module() {
        Module::Filing => &filing,
        Module::Tracker => &tracker,
    };
    let config = read(dist.join("api/v1/config.json"))?;
    let config = OrgConfig::from_json(&config).map_err(|e| format!("config.json: {e:?}"))?;
    let mut written = Vec::new();
    for page in Page::ALL {
        for locale in Locale::ALL {
            let html = write_page(template_of(page), page, locale, &config)
                .map_err(|e| format!("index.html: {e:?} (no `#app` shell with its end marker)"))?;
            let name = file_name(page, locale);
            std::fs::write(dist.join(&name), html)
                .map_err(|e| format!("cannot write {name}: {e}"))?;
            written.push(name);
        }
    }
    // The full privacy notice, one page per language, from the same config.
    for locale in Locale::ALL {
        let name = notice_file_name(locale);
        std::fs::write(dist.join(&name), privacy_page(&config, locale))
            .map_err(|e| format!("cannot write {name}: {e}"))?;
        written.push(name);
    }
    std::fs::write(
        dist.join("pages.json"),
        pages_manifest(|page| template_of(page).clone()),
    )
    .map_err(|e| format!("cannot write pages.json: {e}"))?;
    written.push("pages.json".to_owned());
    Ok(written)
}
