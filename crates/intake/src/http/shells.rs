//! Which static shell an app route gets: the page's own (`track.html` for `/track`, `insights.html` for
//! `/insights`: those two load the tracker's Wasm module, the filing page's does not; else `index.html`) in
//! the customer's language when the build wrote one (`index.pl.html`; `crates/shell`), so the first paint,
//! before any script, is already in their language. The language is the one the app itself would start in:
//! `?lang=` (links in mail), else the choice remembered by the app's language picker (its cookie), else
//! the browser's `Accept-Language`, else English.

use std::path::PathBuf;

use axum::http::{header, HeaderMap};
use complaint_domain::i18n::Locale;

/// The cookie the app's language picker writes (`src/services/locale.rs`).
const COOKIE: &str = "complaint-desk.locale";

/// What a shell's answer varies by, besides its coding.
pub(super) const VARY: &str = "Accept-Language, Cookie";

/// The files to try for an app route, best first; the last is always `index.html`.
pub(super) fn candidates(path: &str, query: Option<&str>, headers: &HeaderMap) -> Vec<PathBuf> {
    let page = match path.trim_end_matches('/') {
        "/track" => "track",
        "/insights" => "insights",
        _ => "index",
    };
    let locale = language(query, headers);
    let mut names = Vec::new();
    for stem in [page, "index"] {
        if locale != Locale::En {
            names.push(format!("{stem}.{}.html", locale.tag()));
        }
        names.push(format!("{stem}.html"));
    }
    names.dedup();
    names.into_iter().map(PathBuf::from).collect()
}

fn language(query: Option<&str>, headers: &HeaderMap) -> Locale {
    from_query(query)
        .or_else(|| remembered(headers))
        .unwrap_or_else(|| from_accept_language(headers))
}

fn from_query(query: Option<&str>) -> Option<Locale> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Locale::from_tag)
}

fn remembered(headers: &HeaderMap) -> Option<Locale> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE)
                .then(|| Locale::from_tag(value.trim()))
                .flatten()
        })
}

/// The browser's languages by their weight (`q`), the first we ship, else English.
fn from_accept_language(headers: &HeaderMap) -> Locale {
    let mut ranges: Vec<(u16, usize, &str)> = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .enumerate()
        .filter_map(|(order, range)| {
            let mut parts = range.split(';');
            let tag = parts.next()?.trim();
            let weight =
                parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1000), |q| {
                        q.trim()
                            .parse::<f32>()
                            .ok()
                            .map(|q| (q.clamp(0.0, 1.0) * 1000.0) as u16)
                    })?;
            (weight > 0 && !tag.is_empty()).then_some((weight, order, tag))
        })
        .collect();
    ranges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Locale::negotiate(ranges.into_iter().map(|(_, _, tag)| tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    fn first(path: &str, query: Option<&str>, map: &HeaderMap) -> String {
        candidates(path, query, map)[0].display().to_string()
    }

    #[test]
    fn the_address_then_the_remembered_choice_then_the_browser() {
        let browser = headers(&[(header::ACCEPT_LANGUAGE, "pl-PL,pl;q=0.9,en;q=0.5")]);
        assert_eq!(first("/", None, &browser), "index.pl.html");
        assert_eq!(first("/", Some("lang=ko"), &browser), "index.ko.html");
        let chosen = headers(&[
            (header::ACCEPT_LANGUAGE, "pl"),
            (header::COOKIE, "other=1; complaint-desk.locale=ko"),
        ]);
        assert_eq!(first("/track", None, &chosen), "track.ko.html");
        assert_eq!(
            first("/track/", Some("ref=X&lang=en"), &chosen),
            "track.html"
        );
        assert_eq!(first("/insights", None, &chosen), "insights.ko.html");
    }

    #[test]
    fn weights_order_the_browser_languages_and_odd_values_fall_back_to_english() {
        let weighted = headers(&[(header::ACCEPT_LANGUAGE, "de;q=1, en;q=0.2, ko;q=0.8")]);
        assert_eq!(first("/", None, &weighted), "index.ko.html");
        let refused = headers(&[(header::ACCEPT_LANGUAGE, "pl;q=0, ??, ;q=x")]);
        assert_eq!(first("/", None, &refused), "index.html");
        assert_eq!(first("/", Some("lang=xx"), &HeaderMap::new()), "index.html");
        let bad_cookie = headers(&[(header::COOKIE, "complaint-desk.locale=zz")]);
        assert_eq!(first("/", None, &bad_cookie), "index.html");
    }

    #[test]
    fn every_route_ends_with_the_plain_index() {
        let list = candidates("/track", Some("lang=pl"), &HeaderMap::new());
        let names: Vec<_> = list.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            names,
            ["track.pl.html", "track.html", "index.pl.html", "index.html"]
        );
        let names: Vec<_> = candidates("/nowhere", None, &HeaderMap::new())
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(names, ["index.html"]);
    }
}
