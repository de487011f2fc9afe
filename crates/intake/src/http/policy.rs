//! The headers a public service sends with what it serves: a Content-Security-Policy, a Referrer-Policy
//! and a Permissions-Policy. The app needs little: its own scripts and Wasm (`'wasm-unsafe-eval'` to
//! compile it; its pages boot from `/boot.js`, a file of the site, with no inline script, but any inline
//! script a page carries is allowed by its SHA-256, computed from the page as served, so a rebuild needs
//! no change here), the web app manifest (`default-src 'self'` covers `manifest-src`), `blob:` images for
//! the photo previews, and `fetch` to this origin and to wherever the config sends complaints and reads
//! status files. Styles are the site's own files, plus a page's own `<style>` block by its hash (the
//! privacy page has one); no `'unsafe-inline'` (the app sets no style attributes in markup). No fonts or
//! frames from elsewhere, no plugins, no `<base>`.
//!
//! Files under `/embed/` (the widget other sites will include) may be framed by the `--allow-origin`
//! sites and loaded by them (`Cross-Origin-Resource-Policy: cross-origin`); everything else refuses to be
//! framed at all.
//!
//! This module says what the headers are; [`super::layers`] puts them on every answer (the fixed ones by
//! tower-http's `SetResponseHeaderLayer`, the per-path ones by [`Policy::apply`]).

use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};

use complaint_domain::config::OrgConfig;

/// Where files for other sites' pages live; see the module documentation.
pub(super) const EMBED_PREFIX: &str = "/embed/";

/// The features the app never uses, denied to it and to anything it might frame. The camera is among
/// them: photos come through a file input, which needs no permission.
pub(super) const PERMISSIONS: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), \
gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), \
screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()";

/// The staff desk's pages (`/staff/`) sign in with passkeys: WebAuthn's two features are this origin's
/// there, and denied everywhere else as before.
pub(super) const STAFF_PERMISSIONS: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), \
publickey-credentials-create=(self), publickey-credentials-get=(self), screen-wake-lock=(), serial=(), usb=(), \
xr-spatial-tracking=()";

/// The CSP sources (`'sha256-…'`) of a page's inline scripts and style sheets, found when it is served.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct InlineSources {
    scripts: Vec<String>,
    styles: Vec<String>,
}

impl InlineSources {
    /// Every `<script>` without `src` and every `<style>` (the demo's privacy page has one), hashed over
    /// its text exactly as written, which is what browsers hash. HTML comments are skipped, so a
    /// commented-out script is not allowed by accident.
    pub(super) fn of(page: &[u8]) -> InlineSources {
        let text = String::from_utf8_lossy(page);
        InlineSources {
            scripts: hashes(&text, "script"),
            styles: hashes(&text, "style"),
        }
    }
}

fn hashes(text: &str, element: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let open = format!("<{element}");
    let close = format!("</{element}");
    let mut sources = Vec::new();
    let mut at = 0;
    while let Some(found) = next_tag(&lower, &open, at) {
        match found {
            Tag::Comment(start) => match lower[start..].find("-->") {
                Some(end) => at = start + end + 3,
                None => break,
            },
            Tag::Element(start) => {
                let Some(content) = lower[start..].find('>').map(|e| start + e + 1) else {
                    break;
                };
                let Some(end) = lower[content..].find(&close).map(|c| content + c) else {
                    break;
                };
                let external = lower[start..content]
                    .split(|c: char| c.is_ascii_whitespace())
                    .any(|attribute| attribute.starts_with("src=") || attribute == "src");
                if !external {
                    let digest = Sha256::digest(&text.as_bytes()[content..end]);
                    sources.push(format!(
                        "'sha256-{}'",
                        base64::engine::general_purpose::STANDARD.encode(digest)
                    ));
                }
                at = end;
            }
        }
    }
    sources
}

enum Tag {
    Comment(usize),
    Element(usize),
}

fn next_tag(lower: &str, open: &str, from: usize) -> Option<Tag> {
    let comment = lower[from..].find("<!--").map(|i| from + i);
    let element = lower[from..]
        .match_indices(open)
        .map(|(i, _)| from + i)
        // `<scripts>` or `<style-x>` are other elements.
        .find(|&i| {
            lower[i + open.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c.is_ascii_whitespace() || c == '/')
        });
    match (comment, element) {
        (Some(c), Some(e)) if c < e => Some(Tag::Comment(c)),
        (_, Some(e)) => Some(Tag::Element(e)),
        (Some(c), None) => Some(Tag::Comment(c)),
        (None, None) => None,
    }
}

/// The policies, built once from the config and the CORS list.
pub(super) struct Policy {
    /// `connect-src`: this origin and the other origins the config sends the app to.
    connect: String,
    /// `frame-ancestors` under `/embed/`: this origin and the `--allow-origin` sites.
    embedders: String,
}

impl Policy {
    pub(super) fn new(config: &OrgConfig, allowed_origins: &[String]) -> Policy {
        let mut connect = vec!["'self'".to_owned()];
        for url in [&config.submission.endpoint, &config.tracking.status_base] {
            if let Some(origin) = origin_of(url) {
                if !connect.contains(&origin) {
                    connect.push(origin);
                }
            }
        }
        let mut embedders = vec!["'self'".to_owned()];
        embedders.extend(allowed_origins.iter().filter_map(|o| origin_of(o)));
        Policy {
            connect: connect.join(" "),
            embedders: embedders.join(" "),
        }
    }

    /// Adds the per-path headers (the CSP, and under `/embed/` the CORP) to a response for `path`. Headers a
    /// handler set itself are kept.
    pub(super) fn apply(
        &self,
        path: &str,
        scripts: Option<&InlineSources>,
        headers: &mut HeaderMap,
    ) {
        let embed = path.starts_with(EMBED_PREFIX);
        let inline = scripts.cloned().unwrap_or_default();
        let mut script_src = "'self' 'wasm-unsafe-eval'".to_owned();
        for source in &inline.scripts {
            script_src.push(' ');
            script_src.push_str(source);
        }
        let mut style_src = "'self'".to_owned();
        for source in &inline.styles {
            style_src.push(' ');
            style_src.push_str(source);
        }
        let ancestors = if embed {
            self.embedders.as_str()
        } else {
            "'none'"
        };
        let csp = format!(
            "default-src 'self'; script-src {script_src}; style-src {style_src}; img-src 'self' blob:; \
             connect-src {}; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors {ancestors}",
            self.connect
        );
        let mut set = |name: HeaderName, value: Option<HeaderValue>| {
            if let Some(value) = value {
                headers.entry(name).or_insert(value);
            }
        };
        set(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&csp).ok(),
        );
        if path == "/staff" || path.starts_with("/staff/") {
            set(
                HeaderName::from_static("permissions-policy"),
                Some(HeaderValue::from_static(STAFF_PERMISSIONS)),
            );
        }
        if embed {
            // Another origin's page loads the widget's module script and Wasm (a module script is
            // fetched with CORS too: `--allow-origin` lists who may).
            set(
                HeaderName::from_static("cross-origin-resource-policy"),
                Some(HeaderValue::from_static("cross-origin")),
            );
        }
    }
}

/// `https://host[:port]` of an absolute http(s) URL; `None` for a path on this site, or for anything that
/// could break out of a CSP source list.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let clean = !authority.is_empty()
        && !authority.contains('@')
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    clean.then(|| {
        format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_and_styles_are_hashed_as_written_and_external_or_commented_ones_are_not() {
        let page = b"<html><head><!-- <script>old()</script> -->\
<script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script>\
<script src=\"/other.js\"></script><SCRIPT>x()</SCRIPT><style>p { color: red }</style></head></html>";
        let sha = |text: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
            )
        };
        assert_eq!(
            InlineSources::of(page),
            InlineSources {
                scripts: vec![
                    sha("\nimport init from '/app.js';\nawait init();\n"),
                    sha("x()")
                ],
                styles: vec![sha("p { color: red }")],
            }
        );
    }

    #[test]
    fn origins_come_only_from_absolute_urls() {
        assert_eq!(
            origin_of("https://Status.Example:8443/v1/status/").as_deref(),
            Some("https://status.example:8443")
        );
        assert_eq!(origin_of("/api/v1/complaints"), None);
        assert_eq!(origin_of("https://a.example; script-src *"), None);
        assert_eq!(origin_of("javascript://x"), None);
    }
}
