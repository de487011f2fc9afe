//! What a CDN decides per file, written out for this service: which precompressed copy to send
//! (`Accept-Encoding`), how long a browser may keep it (`Cache-Control`), and whether a revalidation is
//! answered with `304 Not Modified` (`If-None-Match`) for the files whose tag we compute ourselves.
//! Written here rather than taken from tower-http's `ServeDir::precompressed_br`: [`super::files`] says why.

use std::path::{Component, Path};

use axum::http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

/// The codings the build writes beside each compressible file (`scripts/compress-dist`), best first:
/// brotli at quality 11 is about a fifth smaller than gzip -9 on the Wasm, and every current browser
/// takes it over HTTPS and on localhost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    /// Ours, used to break ties between codings the client weighs alike.
    const PREFERENCE: [Coding; 2] = [Coding::Brotli, Coding::Gzip];

    /// The `Content-Encoding` token.
    pub(super) fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }

    /// What the build appends to a file's name for this coding (`app.wasm.br`), as nginx and Caddy expect.
    pub(super) fn suffix(self) -> &'static str {
        match self {
            Coding::Brotli => ".br",
            Coding::Gzip => ".gz",
        }
    }
}

/// The precompressed codings the client takes, in the order to try them: by its q-values, then ours. A
/// coding with `q=0` is refused, and `*` stands for any coding not named. No header, or none we keep,
/// means the file as it is (identity is always acceptable to us: a client that refuses even that gets it
/// anyway, which RFC 9110 allows and is more use to it than a 406).
pub(super) fn accepted_codings(headers: &HeaderMap) -> Vec<Coding> {
    let mut named: [Option<u16>; 2] = [None, None];
    let mut any: Option<u16> = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(text) = value.to_str() else { continue };
        for item in text.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let Some(weight) = weight(parts) else {
                // A q-value we cannot read: the item is ignored rather than guessed at.
                continue;
            };
            match name.as_str() {
                "br" => named[0] = Some(weight),
                "gzip" | "x-gzip" => named[1] = Some(weight),
                "*" => any = Some(weight),
                _ => {}
            }
        }
    }
    let mut codings: Vec<(Coding, u16)> = Coding::PREFERENCE
        .iter()
        .zip(named)
        .filter_map(|(&coding, weight)| {
            let weight = weight.or(any).unwrap_or(0);
            (weight > 0).then_some((coding, weight))
        })
        .collect();
    // Stable: equal weights keep our order.
    codings.sort_by_key(|&(_, weight)| std::cmp::Reverse(weight));
    codings.into_iter().map(|(coding, _)| coding).collect()
}

/// An item's `q` in thousandths (1000 when it has none); `None` when it is not a number from 0 to 1.
fn weight<'a>(parameters: impl Iterator<Item = &'a str>) -> Option<u16> {
    for parameter in parameters {
        let Some((key, value)) = parameter.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("q") {
            let q: f32 = value.trim().parse().ok()?;
            if !(0.0..=1.0).contains(&q) {
                return None;
            }
            // In range by the check above, so the cast keeps the value.
            return Some((q * 1000.0).round() as u16);
        }
    }
    Some(1000)
}

/// Whether a file name carries its content's hash the way Trunk writes it (`complaint-desk-
/// 905e0077a27c1ab6_bg.wasm`, `main-0123456789abcdef.css`): a dash, the hash in lowercase hex, then the
/// extension or wasm-bindgen's `_bg`. Trunk prints its 64-bit hash without leading zeros, so one build in
/// sixteen has 15 digits (`complaint-desk-296c2da4d638108_bg.wasm`); 12 to 16 are taken (fewer happens
/// once in 65,536 builds, and is then merely revalidated). Such a file never changes under its name, so it
/// may be kept for a year without asking; any other file (the page, `sw.js`, the config) must be
/// revalidated, or a new release would not reach customers.
pub(super) fn is_fingerprinted(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.iter().enumerate().any(|(dash, &b)| {
        let digits = bytes[dash + 1..]
            .iter()
            .take_while(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
            .count();
        b == b'-'
            && dash > 0
            && (12..=16).contains(&digits)
            && matches!(bytes.get(dash + 1 + digits), Some(b'.' | b'_'))
    })
}

/// Whether `relative` (a path inside the site) is the widget's loader, `embed/v1/embed.js` (or a later
/// version's): the one file there whose name stays the same between releases, since hosts' pages name it.
pub(super) fn is_embed_loader(relative: &Path) -> bool {
    let parts: Vec<Component<'_>> = relative.components().collect();
    matches!(
        parts[..],
        [Component::Normal(folder), Component::Normal(_), Component::Normal(name)]
            if folder == "embed" && name == "embed.js"
    )
}

/// `Cache-Control` for the file of the site at `relative`, by the name asked for.
pub(super) fn cache_control(relative: &Path) -> HeaderValue {
    let name = relative
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if is_fingerprinted(name) {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else if is_embed_loader(relative) {
        loader()
    } else {
        revalidate()
    }
}

/// The widget's loader is fetched on every view of every host page that embeds it, so it is kept for five
/// minutes without asking, and for an hour after that a browser may use its copy once more while it checks
/// for a new one in the background (with the `ETag`: a `304`). A release reaches host pages within minutes;
/// the loader it replaces still finds its hashed files, which stay for a day or two (docs/hosting.md).
pub(super) fn loader() -> HeaderValue {
    HeaderValue::from_static("public, max-age=300, stale-while-revalidate=3600")
}

/// Kept, but checked with the service before each use: customers see a change at once, and an unchanged
/// file costs a `304` instead of its bytes.
pub(super) fn revalidate() -> HeaderValue {
    HeaderValue::from_static("no-cache")
}

/// A strong tag from the bytes themselves, for files read whole (status files): unlike size and time, it
/// changes whenever the content does, even twice within one clock tick.
pub(super) fn content_tag(bytes: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    // Hex digits and quotes only: always a valid header value.
    HeaderValue::from_str(&format!("\"{hex}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("\"\""))
}

/// Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for GET), or is `*`.
pub(super) fn none_match_hits(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    let ours = tag.as_bytes();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|text| text.split(','))
        .map(str::trim)
        .any(|theirs| {
            theirs == "*" || theirs.strip_prefix("W/").unwrap_or(theirs).as_bytes() == ours
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> Vec<Coding> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        accepted_codings(&headers)
    }

    #[test]
    fn brotli_before_gzip_unless_the_client_weighs_them_otherwise() {
        use Coding::*;
        assert_eq!(accepting("gzip, deflate, br, zstd"), [Brotli, Gzip]);
        assert_eq!(accepting("gzip"), [Gzip]);
        assert_eq!(accepting("x-gzip"), [Gzip]);
        assert_eq!(accepting("BR;Q=0.5, gzip"), [Gzip, Brotli]);
        assert_eq!(accepting("br;q=0, gzip"), [Gzip]);
        assert_eq!(accepting("br;q=0.0, gzip;q=0"), []);
        assert_eq!(accepting("*"), [Brotli, Gzip]);
        assert_eq!(accepting("*;q=0.1, br;q=0"), [Gzip]);
        assert_eq!(accepting("identity"), []);
        assert_eq!(accepting(""), []);
        // Odd weights are ignored, not guessed at.
        assert_eq!(accepting("br;q=2, gzip;q=x"), []);
        assert_eq!(accepted_codings(&HeaderMap::new()), []);
    }

    #[test]
    fn only_trunks_hashed_names_are_fingerprinted() {
        for hashed in [
            "complaint-desk-905e0077a27c1ab6_bg.wasm",
            "complaint-desk-905e0077a27c1ab6.js",
            "main-0123456789abcdef.css",
            "favicon-fedcba9876543210.svg",
            // Trunk drops a hash's leading zeros.
            "complaint-desk-296c2da4d638108_bg.wasm",
            "app-0123456789abcde.js",
        ] {
            assert!(is_fingerprinted(hashed), "{hashed}");
        }
        for plain in [
            "index.html",
            "sw.js",
            "config.json",
            "privacy.html",
            "-0123456789abcdef.js",
            "app-0123456789a.js",
            "app-0123456789abcdef0.js",
            "app-0123456789ABCDEF.js",
            "app-0123456789abcdef",
            &format!("{}.json", "a".repeat(64)),
        ] {
            assert!(!is_fingerprinted(plain), "{plain}");
        }
    }

    #[test]
    fn only_the_widgets_loader_is_kept_for_minutes() {
        let control = |path: &str| cache_control(Path::new(path));
        assert_eq!(control("embed/v1/embed.js"), loader());
        assert_eq!(control("embed/v2/embed.js"), loader());
        assert_eq!(
            control("embed/v1/complaint-desk-embed-905e0077a27c1ab6.js"),
            "public, max-age=31536000, immutable"
        );
        for other in [
            "embed.js",
            "embed/embed.js",
            "embed/v1/other.js",
            "embed/v1/x/embed.js",
            "api/v1/embed.js",
            "sw.js",
        ] {
            assert_eq!(control(other), revalidate(), "{other}");
        }
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_as_a_list() {
        let tag = content_tag(b"hello");
        let mut headers = HeaderMap::new();
        assert!(!none_match_hits(&headers, &tag));
        let text = tag.to_str().unwrap().to_owned();
        for value in [text.clone(), format!("\"x\", W/{text}"), "*".to_owned()] {
            headers.insert(
                header::IF_NONE_MATCH,
                HeaderValue::from_str(&value).unwrap(),
            );
            assert!(none_match_hits(&headers, &tag), "{value}");
        }
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!none_match_hits(&headers, &tag));
        assert_ne!(content_tag(b"hello"), content_tag(b"hellp"));
    }
}
