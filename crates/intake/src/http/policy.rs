//! The headers a public service sends with what it serves: a Content-Security-Policy, a Referrer-Policy
//! and a Permissions-Policy. The app needs little: its own scripts and Wasm (`'wasm-unsafe-eval'` to
//! compile it), the one inline module script Trunk writes into `index.html` to boot the Wasm (allowed by
//! its SHA-256, computed from the page as served, so a rebuild needs no change here), `blob:` images for
//! the photo previews, and `fetch` to this origin and to wherever the config sends complaints and reads
//! status files. No inline styles (Leptos sets styles through the CSSOM), no fonts or frames from
//! elsewhere, no plugins, no `<base>`.
//!
//! Files under `/embed/` (the widget other sites will include) may be framed by the `--allow-origin`
//! sites and loaded by them (`Cross-Origin-Resource-Policy: cross-origin`); everything else refuses to be
//! framed at all.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};

use complaint_domain::config::OrgConfig;

/// Where files for other sites' pages live; see the module documentation.
pub(super) const EMBED_PREFIX: &str = "/embed/";

/// The features the app never uses, denied to it and to anything it might frame. The camera is among
/// them: photos come through a file input, which needs no permission.
const PERMISSIONS: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), \
gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), \
screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()";

/// The CSP sources (`'sha256-…'`) of a page's inline scripts, found when the page is served.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct InlineScripts(Vec<String>);

impl InlineScripts {
    /// Every `<script>` without `src`, hashed over its text exactly as written (what browsers hash).
    /// HTML comments are skipped, so a commented-out script is not allowed by accident.
    pub(super) fn of(page: &[u8]) -> InlineScripts {
        let text = String::from_utf8_lossy(page);
        let lower = text.to_ascii_lowercase();
        let mut sources = Vec::new();
        let mut at = 0;
        while let Some(found) = next_tag(&lower, at) {
            match found {
                Tag::Comment(start) => match lower[start..].find("-->") {
                    Some(end) => at = start + end + 3,
                    None => break,
                },
                Tag::Script(start) => {
                    let Some(open_end) = lower[start..].find('>').map(|e| start + e + 1) else {
                        break;
                    };
                    let Some(close) = lower[open_end..].find("</script").map(|c| open_end + c)
                    else {
                        break;
                    };
                    let opening = &lower[start..open_end];
                    let external = opening
                        .split(|c: char| c.is_ascii_whitespace())
                        .any(|attribute| attribute.starts_with("src=") || attribute == "src");
                    if !external {
                        let digest = Sha256::digest(text[open_end..close].as_bytes());
                        sources.push(format!(
                            "'sha256-{}'",
                            base64::engine::general_purpose::STANDARD.encode(digest)
                        ));
                    }
                    at = close;
                }
            }
        }
        InlineScripts(sources)
    }
}

enum Tag {
    Comment(usize),
    Script(usize),
}

fn next_tag(lower: &str, from: usize) -> Option<Tag> {
    let comment = lower[from..].find("<!--").map(|i| from + i);
    let script = lower[from..]
        .match_indices("<script")
        .map(|(i, _)| from + i)
        // `<scripts>` or `<script-x>` are other elements.
        .find(|&i| {
            lower[i + 7..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c.is_ascii_whitespace() || c == '/')
        });
    match (comment, script) {
        (Some(c), Some(s)) if c < s => Some(Tag::Comment(c)),
        (_, Some(s)) => Some(Tag::Script(s)),
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

    /// Adds the headers to a response for `path`. Headers a handler set itself are kept.
    pub(super) fn apply(
        &self,
        path: &str,
        scripts: Option<&InlineScripts>,
        headers: &mut HeaderMap,
    ) {
        let embed = path.starts_with(EMBED_PREFIX);
        let mut script_src = "'self' 'wasm-unsafe-eval'".to_owned();
        for source in scripts.map(|s| s.0.as_slice()).unwrap_or_default() {
            script_src.push(' ');
            script_src.push_str(source);
        }
        let ancestors = if embed {
            self.embedders.as_str()
        } else {
            "'none'"
        };
        let csp = format!(
            "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' blob:; \
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
        set(
            header::REFERRER_POLICY,
            Some(HeaderValue::from_static("no-referrer")),
        );
        set(
            HeaderName::from_static("permissions-policy"),
            Some(HeaderValue::from_static(PERMISSIONS)),
        );
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
    fn inline_scripts_are_hashed_as_written_and_external_or_commented_ones_are_not() {
        let page = b"<html><head><!-- <script>old()</script> -->\
<script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script>\
<script src=\"/other.js\"></script><SCRIPT>x()</SCRIPT></head></html>";
        let sha = |text: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
            )
        };
        assert_eq!(
            InlineScripts::of(page),
            InlineScripts(vec![
                sha("\nimport init from '/app.js';\nawait init();\n"),
                sha("x()")
            ])
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
