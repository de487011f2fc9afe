//! The static shells: each page's HTML as the app's first frame would draw it, written at build time from
//! the organisation's config in each language, so a phone paints the real first question (and can answer
//! it) before the Wasm has arrived. The app adopts what was answered when it replaces the shell
//! (`src/static_shell.rs`); a small inline script makes a tap on Continue wait visibly until then.
//!
//! The markup here mirrors the app's components (`SiteHeader`, `FileComplaintPage`, `StepProgress`,
//! `CategoryStep`, `SiteFooter`): change both together. The end-to-end test "the static shell is the first
//! step …" compares the two in a browser, so a difference fails the build's tests, not a customer's phone.

use complaint_domain::config::{dialable, OrgConfig};
use complaint_domain::i18n::{format, shown_in, Locale, Msg};
use complaint_domain::localized::LocalizedText;
use complaint_domain::steps::{Step, CATEGORY_FIELD};

mod privacy;
pub use privacy::privacy_page;

/// The pages that get a shell: the filing page, with its first question, the tracker and the insights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    File,
    Track,
    Insights,
}

/// The site's two Wasm modules (`src/app.rs`, `Pages`): each page's shell loads one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    /// The filing page's own (`index.html`, Trunk's build of the page).
    Filing,
    /// The tracker's, with the insights (`tracker.html`, built beside it by `scripts/post-build`).
    Tracker,
}

impl Page {
    pub const ALL: [Page; 3] = [Page::File, Page::Track, Page::Insights];

    /// The file's stem in the build (`index.html`, `track.pl.html`).
    pub fn stem(self) -> &'static str {
        match self {
            Page::File => "index",
            Page::Track => "track",
            Page::Insights => "insights",
        }
    }

    /// The module that draws this page.
    pub fn module(self) -> Module {
        match self {
            Page::File => Module::Filing,
            Page::Track | Page::Insights => Module::Tracker,
        }
    }

    fn title(self) -> Msg {
        match self {
            Page::File => Msg::NavFile,
            Page::Track => Msg::TrackTitle,
            Page::Insights => Msg::InsightsTitle,
        }
    }

    fn href(self) -> &'static str {
        match self {
            Page::File => "/",
            Page::Track => "/track",
            Page::Insights => "/insights",
        }
    }
}

/// Where a page's shell is written: English under the page's own name (what a plain static host serves),
/// the other languages beside it (`index.ko.html`), for a server that knows the customer's language.
pub fn file_name(page: Page, locale: Locale) -> String {
    match locale {
        Locale::En => format!("{}.html", page.stem()),
        other => format!("{}.{}.html", page.stem(), other.tag()),
    }
}

/// The site files a page needs, as its HTML names them (`href`/`src`, the boot script's `data-glue` and
/// `data-wasm`, quoted paths in a script): its module's JS and Wasm, the style sheet, the icon, the
/// preloaded config; `pages.json` says so for the service worker's stamping step.
pub fn needed_files(template: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for quote in ["href=\"", "src=\"", "data-glue=\"", "data-wasm=\"", "'"] {
        let mut rest = template;
        while let Some(at) = rest.find(quote) {
            rest = &rest[at + quote.len()..];
            let end = rest.find(['"', '\'']).unwrap_or(rest.len());
            let value = &rest[..end];
            let site_file = value.starts_with('/')
                && !value.starts_with("//")
                && value
                    .rsplit('/')
                    .next()
                    .is_some_and(|name| name.contains('.'));
            if site_file && !files.iter().any(|f| f == value) {
                files.push(value.to_owned());
            }
        }
    }
    files
}

/// `pages.json`: for each page its address, its shell in each language and the files it needs (from its
/// template: the filing page's, or the tracker's), for the steps after this one (the service worker's
/// precache list).
pub fn pages_manifest(template_of: impl Fn(Page) -> String) -> String {
    let pages = Page::ALL
        .into_iter()
        .map(|page| {
            let files = needed_files(&template_of(page))
                .iter()
                .map(|f| format!("\"{}\"", json_escape(f)))
                .collect::<Vec<_>>()
                .join(", ");
            let shells = Locale::ALL
                .into_iter()
                .map(|l| format!("\"{}\": \"/{}\"", l.tag(), file_name(page, l)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "    {{ \"path\": \"{}\", \"shells\": {{ {shells} }}, \"files\": [{files}] }}",
                page.href()
            )
        })
        .collect::<Vec<_>>()
        .join(",\n");
    format!("{{\n  \"pages\": [\n{pages}\n  ]\n}}\n")
}

fn json_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Why a template cannot take a shell.
#[derive(Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// The build's page lacks the `#app` shell element or its end marker.
    NoShell,
    /// A page lacks its module's boot script (`data-glue`, `data-wasm`) or Trunk's preload of either.
    NoModule,
}

/// The tags that start a page's module, as Trunk writes them (`pattern_script` in Trunk.toml and its own
/// preloads): the boot script naming the JS glue and the Wasm, the glue's `modulepreload` and the Wasm's
/// `preload`, each with its `integrity`.
fn module_tags(page: &str) -> Result<[&str; 3], TemplateError> {
    let attribute = |name: &str| {
        let at = page.find(name)? + name.len();
        Some(&page[at..at + page[at..].find('"')?])
    };
    let tag = |from: usize, close: &str| {
        let end = page[from..].find(close)? + from + close.len();
        Some(&page[from..end])
    };
    let glue = attribute("data-glue=\"").ok_or(TemplateError::NoModule)?;
    let wasm = attribute("data-wasm=\"").ok_or(TemplateError::NoModule)?;
    let script = page[..page.find("data-glue=\"").ok_or(TemplateError::NoModule)?]
        .rfind("<script")
        .and_then(|at| tag(at, "</script>"));
    let link = |rel: &str, href: &str| {
        page.find(&format!("<link rel=\"{rel}\" href=\"{href}\""))
            .and_then(|at| tag(at, ">"))
    };
    match (script, link("modulepreload", glue), link("preload", wasm)) {
        (Some(script), Some(glue), Some(wasm)) => Ok([script, glue, wasm]),
        _ => Err(TemplateError::NoModule),
    }
}

/// The build's page (`template`, the filing page's) with the other module's boot script and preloads
/// (those of `module_page`, Trunk's build of `tracker.html`) in place of its own: the template of the
/// tracker's shells, the same page in every other way.
pub fn with_module_of(template: &str, module_page: &str) -> Result<String, TemplateError> {
    let mut out = template.to_owned();
    for (own, other) in module_tags(template)?
        .into_iter()
        .zip(module_tags(module_page)?)
    {
        out = out.replacen(own, other, 1);
    }
    Ok(out)
}

const SHELL_START: &str = "<div id=\"app\" data-complaint-desk-shell>";
const SHELL_END: &str = "<!-- /shell -->";

/// The build's page (`dist/index.html`, as Trunk wrote it) with its shell replaced by `page`'s first frame
/// in `locale`, and `<html lang>` and `<title>` to match.
pub fn write_page(
    template: &str,
    page: Page,
    locale: Locale,
    config: &OrgConfig,
) -> Result<String, TemplateError> {
    let start = template.find(SHELL_START).ok_or(TemplateError::NoShell)?;
    let inner = start + SHELL_START.len();
    let end = template[inner..]
        .find(SHELL_END)
        .map(|i| inner + i)
        .ok_or(TemplateError::NoShell)?;
    let mut out = String::with_capacity(template.len() + 4096);
    let head = &template[..inner];
    let head = replace_between(head, "<html lang=\"", "\"", locale.tag());
    let title = document_title(page, locale);
    let head = replace_between(&head, "<title>", "</title>", &escape(&title));
    out.push_str(&head);
    out.push_str(&frame(page, locale, config));
    out.push_str(&template[end..]);
    Ok(out)
}

/// The document's title as the app sets it: the filing page names its first question before the page
/// ("What is your complaint about? – Make a complaint – Complaint desk").
fn document_title(page: Page, locale: Locale) -> String {
    let title = format!("{} – {}", t(locale, page.title()), t(locale, Msg::SiteName));
    match page {
        Page::File => format!("{} – {title}", t(locale, Step::Category.title())),
        Page::Track | Page::Insights => title,
    }
}

fn replace_between(text: &str, open: &str, close: &str, with: &str) -> String {
    let Some(a) = text.find(open).map(|i| i + open.len()) else {
        return text.to_owned();
    };
    let Some(b) = text[a..].find(close).map(|i| a + i) else {
        return text.to_owned();
    };
    format!("{}{}{}", &text[..a], with, &text[b..])
}

fn t(locale: Locale, msg: Msg) -> &'static str {
    msg.text(locale)
}

/// The app's first frame of `page`, without Leptos's placeholder comments.
pub fn frame(page: Page, locale: Locale, config: &OrgConfig) -> String {
    let mut html = String::new();
    header(&mut html, page, locale);
    html.push_str("<main class=\"page\" id=\"main\" tabindex=\"-1\">");
    let title = format!(
        "<h1 class=\"page-title\">{}</h1>",
        escape(t(locale, page.title()))
    );
    let loading = format!(
        "<p class=\"loading\" role=\"status\">{}</p>",
        escape(t(locale, Msg::Loading))
    );
    match page {
        // The first question is the filing page's h1.
        Page::File => category_step(&mut html, locale, config),
        Page::Track => html.push_str(&format!("{title}{loading}")),
        // `InsightsPage`'s frame while the config loads: its title and "Loading…" in its own box.
        Page::Insights => html.push_str(&format!(
            "<div class=\"insights-page\">{title}{loading}</div>"
        )),
    }
    html.push_str("<noscript>");
    html.push_str(&format!("<p>{}</p>", escape(t(locale, Msg::NoScript))));
    contact_list(&mut html, locale, config);
    html.push_str("</noscript>");
    html.push_str("</main>");
    footer(&mut html, locale, config);
    html
}

fn header(html: &mut String, page: Page, locale: Locale) {
    html.push_str(&format!(
        "<a class=\"skip-link\" href=\"#main\">{}</a>",
        escape(t(locale, Msg::SkipToContent))
    ));
    html.push_str("<header class=\"masthead\"><div class=\"masthead__inner\">");
    html.push_str(&format!(
        "<p class=\"masthead__brand\">{}</p>",
        escape(t(locale, Msg::SiteName))
    ));
    // Disabled until the app runs: choosing another language is the app's to do.
    html.push_str(&format!(
        "<div class=\"language-picker\"><label class=\"language-picker__label\" for=\"language\">{}</label>\
         <select class=\"language-picker__select\" id=\"language\" disabled>",
        escape(t(locale, Msg::Language))
    ));
    for option in Locale::ALL {
        let selected = if option == locale { " selected" } else { "" };
        html.push_str(&format!(
            "<option value=\"{tag}\" lang=\"{tag}\"{selected}>{name}</option>",
            tag = option.tag(),
            name = option.endonym()
        ));
    }
    html.push_str("</select></div></div>");
    html.push_str(&format!(
        "<nav class=\"masthead__nav\" aria-label=\"{}\">",
        escape(t(locale, Msg::MainNavigation))
    ));
    for (target, label) in [(Page::File, Msg::NavFile), (Page::Track, Msg::NavTrack)] {
        let current = if target == page {
            " aria-current=\"page\""
        } else {
            ""
        };
        html.push_str(&format!(
            "<a href=\"{}\"{current}>{}</a>",
            target.href(),
            escape(t(locale, label))
        ));
    }
    html.push_str("</nav></header>");
}

/// `StepProgress` and `CategoryStep` inside `StepForm`, nothing chosen, no errors.
fn category_step(html: &mut String, locale: Locale, config: &OrgConfig) {
    let progress = format(
        locale,
        Msg::StepProgress,
        &[
            ("current", &Step::Category.number_for(None).to_string()),
            ("total", &Step::total_for(None).to_string()),
        ],
    );
    html.push_str(&format!(
        "<p class=\"step-progress\" id=\"step-progress\">{}</p>",
        escape(&progress)
    ));
    // The waiting text travels with the form, for the inline script to show on an early Continue.
    html.push_str(&format!(
        "<form class=\"step\" novalidate data-waiting=\"{}\">",
        escape(t(locale, Msg::ShellWaiting))
    ));
    html.push_str("<div class=\"field\">");
    html.push_str(&format!(
        "<fieldset class=\"radios\" aria-describedby=\"{CATEGORY_FIELD}-question-hint\">"
    ));
    html.push_str(&format!(
        "<legend class=\"question\"><h1 class=\"question__text\" id=\"step-heading\" tabindex=\"-1\" aria-describedby=\"step-progress\">{}</h1></legend>",
        escape(t(locale, Step::Category.title()))
    ));
    html.push_str(&format!(
        "<p class=\"hint\" id=\"{CATEGORY_FIELD}-question-hint\">{}</p>",
        escape(t(locale, Msg::CategoryHint))
    ));
    for (i, category) in config.categories.iter().enumerate() {
        let id = if i == 0 {
            CATEGORY_FIELD.to_owned()
        } else {
            format!("{CATEGORY_FIELD}-{}", category.id)
        };
        let hint = category.hint.as_ref().filter(|h| !h.is_blank());
        let described = if hint.is_some() {
            format!(" aria-describedby=\"{id}-hint\"")
        } else {
            String::new()
        };
        html.push_str(&format!(
            "<div class=\"radio\"><input class=\"radio__input\" type=\"radio\" name=\"{CATEGORY_FIELD}\" id=\"{id}\" value=\"{value}\"{described}>\
             <label class=\"radio__label\" for=\"{id}\">{label}</label>",
            id = escape(&id),
            value = escape(&category.id),
            label = in_language(&category.label, locale),
        ));
        if let Some(hint) = hint {
            html.push_str(&format!(
                "<p class=\"hint radio__hint\" id=\"{}-hint\">{}</p>",
                escape(&id),
                in_language(hint, locale)
            ));
        }
        html.push_str("</div>");
    }
    html.push_str("</fieldset></div>");
    html.push_str(&format!(
        "<button class=\"button\" type=\"submit\">{}</button></form>",
        escape(t(locale, Msg::Continue))
    ));
}

/// Organisation text as the app's `InLanguage` shows it: as it is in the page's language; in the language it
/// falls back to with its own `lang` and "(shown in English)" after it.
fn in_language(text: &LocalizedText, locale: Locale) -> String {
    let shown = escape(text.get(locale));
    match text.fallback_language(locale) {
        None => shown,
        Some(other) => format!(
            "<span lang=\"{}\">{shown}</span> <span class=\"org-words__language\">{}</span>",
            other.tag(),
            escape(t(locale, shown_in(other)))
        ),
    }
}

/// The footer's first lines (`SiteFooter`); the app adds its "clear everything" button below them.
fn footer(html: &mut String, locale: Locale, config: &OrgConfig) {
    html.push_str("<footer class=\"site-footer\">");
    html.push_str(&format!("<p>{}</p>", escape(t(locale, Msg::FooterPrivacy))));
    if has_contact(config) {
        html.push_str(&format!("<p>{}</p>", escape(t(locale, Msg::OtherWays))));
        contact_list(html, locale, config);
    }
    html.push_str("</footer>");
}

fn has_contact(config: &OrgConfig) -> bool {
    let contact = &config.organisation.contact;
    contact.email.is_some() || contact.phone.is_some()
}

/// The organisation's email and phone as links, the same list as `SiteFooter`'s.
pub fn contact_list(html: &mut String, locale: Locale, config: &OrgConfig) {
    let contact = &config.organisation.contact;
    html.push_str("<ul class=\"contact-list\">");
    if let Some(email) = contact.email.as_deref().filter(|e| !e.trim().is_empty()) {
        html.push_str(&format!(
            "<li>{}: <a href=\"mailto:{}\">{}</a></li>",
            escape(t(locale, Msg::ContactEmail)),
            escape(email.trim()),
            escape(email.trim())
        ));
    }
    if let Some(phone) = contact.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        html.push_str(&format!(
            "<li>{}: <a href=\"tel:{}\">{}</a></li>",
            escape(t(locale, Msg::ContactPhone)),
            escape(&dialable(phone)),
            escape(phone.trim())
        ));
    }
    html.push_str("</ul>");
}

/// Text and attribute values, escaped as the browser's serialiser would need them.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> OrgConfig {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../public/api/v1/config.json"
        ))
        .expect("the demo config is in the repository");
        OrgConfig::from_json(&text).expect("the demo config parses")
    }

    const TEMPLATE: &str = "<!doctype html><html lang=\"en\"><head><title>x</title></head><body>\
        <div id=\"app\" data-complaint-desk-shell><p>Loading</p><!-- /shell --></div><script>boot()</script></body></html>";

    #[test]
    fn the_filing_shell_asks_the_first_question_in_each_language() {
        let config = demo();
        for locale in Locale::ALL {
            let page = write_page(TEMPLATE, Page::File, locale, &config).unwrap();
            assert!(page.contains(&format!("<html lang=\"{}\">", locale.tag())));
            assert!(page.contains(&escape(Msg::CategoryQuestion.text(locale))));
            for category in &config.categories {
                assert!(
                    page.contains(&escape(category.label.get(locale))),
                    "{locale:?}"
                );
            }
            assert!(
                !page.contains("<p>Loading</p>"),
                "the template's shell is replaced"
            );
            assert!(page.ends_with("<!-- /shell --></div><script>boot()</script></body></html>"));
        }
    }

    #[test]
    fn the_filing_shells_one_h1_is_the_first_question_and_the_title_names_it() {
        for locale in Locale::ALL {
            let page = write_page(TEMPLATE, Page::File, locale, &demo()).unwrap();
            let question = escape(Msg::CategoryQuestion.text(locale));
            assert_eq!(page.matches("<h1").count(), 1, "{locale:?}");
            assert!(page.contains(&format!(
                "aria-describedby=\"step-progress\">{question}</h1>"
            )));
            let title = format!(
                "<title>{question} – {} – {}</title>",
                escape(Msg::NavFile.text(locale)),
                escape(Msg::SiteName.text(locale))
            );
            assert!(page.contains(&title), "{locale:?}: {page}");
        }
        let track = write_page(TEMPLATE, Page::Track, Locale::En, &demo()).unwrap();
        assert!(track.contains("<h1 class=\"page-title\">Track your complaint</h1>"));
    }

    #[test]
    fn an_untranslated_label_and_hint_each_fall_back_on_their_own_marked_as_such() {
        let mut config = demo();
        config.categories[0].label = LocalizedText::from([("en", "Broken")]);
        config.categories[0].hint = Some(LocalizedText::from([
            ("en", "It broke."),
            ("ko", "고장 났어요."),
        ]));
        let page = write_page(TEMPLATE, Page::File, Locale::Ko, &config).unwrap();
        assert!(page.contains(
            "for=\"category\"><span lang=\"en\">Broken</span> <span class=\"org-words__language\">(영어 원문)</span></label>"
        ));
        assert!(
            page.contains("id=\"category-hint\">고장 났어요.</p>"),
            "{page}"
        );
    }

    #[test]
    fn the_contacts_are_in_the_shell_and_in_noscript() {
        let page = write_page(TEMPLATE, Page::Track, Locale::Pl, &demo()).unwrap();
        let noscript = &page[page.find("<noscript>").unwrap()..page.find("</noscript>").unwrap()];
        assert!(noscript.contains("href=\"mailto:complaints@northwind.example\""));
        assert!(noscript.contains("href=\"tel:+442079460000\""));
        let footer = &page[page.find("<footer").unwrap()..];
        assert!(footer.contains("+44 20 7946 0000"));
        let title = format!("<title>{} – ", escape(Msg::TrackTitle.text(Locale::Pl)));
        assert!(page.contains(&title), "{page}");
    }

    #[test]
    fn organisation_text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(dialable(" +48 (22) 123-45-67 "), "+48221234567");
    }

    #[test]
    fn a_page_without_the_shell_element_is_refused() {
        assert_eq!(
            write_page(
                "<html><body></body></html>",
                Page::File,
                Locale::En,
                &demo()
            ),
            Err(TemplateError::NoShell)
        );
    }

    #[test]
    fn the_manifest_lists_each_pages_shells_and_the_files_its_html_names() {
        let template = "<link rel=\"preload\" href=\"/api/v1/config.json\"><link href=\"/main-1.css\">\
            <a href=\"/track\"></a><a href=\"https://x.example/a.js\"></a>\
            <script type=\"module\">import init from '/app-1.js'; init({ module_or_path: '/app-1_bg.wasm' });</script>";
        assert_eq!(
            needed_files(template),
            [
                "/api/v1/config.json",
                "/main-1.css",
                "/app-1.js",
                "/app-1_bg.wasm"
            ]
        );
        let manifest = pages_manifest(|_| template.to_owned());
        assert!(manifest.contains("\"path\": \"/track\", \"shells\": { \"en\": \"/track.html\", \"ko\": \"/track.ko.html\""));
        assert!(manifest.contains("\"files\": [\"/api/v1/config.json\", \"/main-1.css\", \"/app-1.js\", \"/app-1_bg.wasm\"]"));
    }

    fn built(name: &str) -> String {
        format!(
            "<head><script type=\"module\" src=\"/boot.js\" data-glue=\"/{name}-1.js\" data-wasm=\"/{name}-1_bg.wasm\"></script>\
             <link rel=\"modulepreload\" href=\"/{name}-1.js\" crossorigin=\"anonymous\" integrity=\"sha384-{name}js\">\
             <link rel=\"preload\" href=\"/{name}-1_bg.wasm\" crossorigin=\"anonymous\" integrity=\"sha384-{name}wasm\" as=\"fetch\" type=\"application/wasm\"></head>\
             <body><div id=\"app\" data-complaint-desk-shell><p>Loading</p><!-- /shell --></div></body>"
        )
    }

    #[test]
    fn the_tracker_pages_load_the_tracker_module_and_nothing_of_the_filing_one() {
        let tracker = with_module_of(&built("filing"), &built("tracker")).unwrap();
        assert_eq!(tracker, built("tracker"));
        let manifest = pages_manifest(|page| match page.module() {
            Module::Filing => built("filing"),
            Module::Tracker => tracker.clone(),
        });
        let files = |path: &str| {
            let line = manifest
                .lines()
                .find(|l| l.contains(&format!("\"path\": \"{path}\"")))
                .unwrap();
            line[line.find("\"files\"").unwrap()..]
                .trim_end_matches(',')
                .to_owned()
        };
        assert_eq!(
            files("/"),
            "\"files\": [\"/filing-1.js\", \"/filing-1_bg.wasm\", \"/boot.js\"] }"
        );
        for path in ["/track", "/insights"] {
            assert_eq!(
                files(path),
                "\"files\": [\"/tracker-1.js\", \"/tracker-1_bg.wasm\", \"/boot.js\"] }"
            );
        }
        assert_eq!(
            with_module_of(&built("filing"), TEMPLATE),
            Err(TemplateError::NoModule)
        );
        let page = write_page(&tracker, Page::Insights, Locale::Ko, &demo()).unwrap();
        assert!(page.contains("<div class=\"insights-page\"><h1 class=\"page-title\">"));
    }

    #[test]
    fn english_keeps_the_page_name_and_the_others_sit_beside_it() {
        assert_eq!(file_name(Page::File, Locale::En), "index.html");
        assert_eq!(file_name(Page::Track, Locale::Ko), "track.ko.html");
    }
}
