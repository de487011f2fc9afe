//! The full privacy notice as a static page per language (`privacy.html`, `privacy.ko.html`,
//! `privacy.pl.html`), written at build time from the organisation's config by
//! `complaint_domain::privacy::page`, so no number in it is copied by hand. A plain static host serves it
//! as it is; its one `<style>` block is allowed by its hash where the intake serves it (`http/policy.rs`),
//! and it runs no script.

use complaint_domain::config::OrgConfig;
use complaint_domain::i18n::{Locale, NoticeMsg};
use complaint_domain::privacy::notice_file_name;
use complaint_domain::privacy::page::{notice_page, Block};

use crate::escape;

/// The page's looks: readable on a phone, in light and dark, with nothing from elsewhere.
const STYLE: &str = "body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 40rem; \
margin: 0 auto; padding: 1rem; color: #1b1f24; background: #ffffff; overflow-wrap: break-word; } \
h1 { font-size: 1.75rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } a { color: #1d4f91; } \
:lang(ko) { word-break: keep-all; } \
nav a { display: inline-block; min-height: 24px; padding: 0.375rem 0; } \
@media (prefers-color-scheme: dark) { body { color: #f3f2f1; background: #16191d; } a { color: #8fb8f0; } }";

/// The notice in `locale`, as a whole HTML document.
pub fn privacy_page(config: &OrgConfig, locale: Locale) -> String {
    let page = notice_page(config, locale);
    let organisation = config.organisation.name.get(locale);
    let mut html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\" />\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
<title>{title} – {organisation}</title>\n<meta name=\"color-scheme\" content=\"light dark\" />\n\
<link rel=\"icon\" href=\"/icon-48.png\" />\n\
<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n<p>{intro}</p>\n<p>{version}</p>\n",
        lang = locale.tag(),
        title = escape(&page.title),
        organisation = escape(organisation),
        intro = escape(&page.intro),
        version = escape(&page.version),
    );
    for section in &page.sections {
        html.push_str(&format!("<h2>{}</h2>\n", escape(&section.heading)));
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => html.push_str(&format!("<p>{}</p>\n", escape(text))),
                Block::List(items) => {
                    html.push_str("<ul>\n");
                    for item in items {
                        html.push_str(&format!("<li>{}</li>\n", escape(item)));
                    }
                    html.push_str("</ul>\n");
                }
            }
        }
    }
    html.push_str("<nav>\n<p>");
    let others = Locale::ALL
        .into_iter()
        .filter(|&l| l != locale)
        .map(|l| {
            let title = NoticeMsg::Title.text(l);
            format!(
                "<a href=\"/{}\" hreflang=\"{tag}\" lang=\"{tag}\">{}</a>",
                notice_file_name(l),
                escape(title),
                tag = l.tag()
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    html.push_str(&others);
    html.push_str(&format!(
        "</p>\n<p><a href=\"/\">{}</a></p>\n</nav>\n</main>\n</body>\n</html>\n",
        escape(NoticeMsg::BackLink.text(locale))
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> OrgConfig {
        OrgConfig::from_json(include_str!("../../../public/api/v1/config.json")).unwrap()
    }

    #[test]
    fn each_language_has_its_titled_page_with_the_configs_numbers() {
        let config = config();
        let ko = privacy_page(&config, Locale::Ko);
        assert!(ko.contains("<html lang=\"ko\">"));
        assert!(ko.contains("<h1>개인정보 처리방침</h1>"));
        let pl = privacy_page(&config, Locale::Pl);
        // A one-letter word keeps the next on its line (a non-breaking space, the sentence rules).
        assert!(pl.contains("<h1>Informacja o\u{a0}przetwarzaniu danych osobowych</h1>"));
        let en = privacy_page(&config, Locale::En);
        assert!(en.contains("<h1>Privacy notice</h1>"));
        let years = config.retention.years_for(Some("service-billing"));
        assert!(en.contains(&format!("for {years} years after")), "{en}");
        assert!(en.contains("privacy.ko.html") && en.contains("privacy.pl.html"));
    }

    #[test]
    fn the_organisations_words_are_text_not_markup() {
        let mut config = config();
        config.privacy.recipients = vec![[("en", "<script>x</script>")].into()];
        let en = privacy_page(&config, Locale::En);
        assert!(!en.contains("<script>"));
        assert!(en.contains("&lt;script&gt;"));
    }
}
