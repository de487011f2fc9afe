//! Addresses that end up in an `href`: only kinds a customer can follow safely. A config value or a path
//! from the address bar never becomes `javascript:`, `data:` or a link to another site by accident.

/// `https:`, `http:`, `mailto:` and `tel:` links, or a path on this site (`/privacy`, not `//other.site`).
pub fn is_safe_href(url: &str) -> bool {
    let url = url.trim();
    if url.is_empty() || url.chars().any(char::is_control) {
        return false;
    }
    if url.starts_with('/') {
        return !url.starts_with("//") && !url.starts_with("/\\");
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" | "http" => rest.starts_with("//") && rest.len() > 2,
        "mailto" | "tel" => !rest.is_empty(),
        _ => false,
    }
}

/// A path as a link on this site: `//evil.example/x` is a path to the server but a link to another site
/// in `href`, so leading slashes (and backslashes, which browsers read as slashes) fold into one.
pub fn same_site_path(path: &str) -> String {
    format!("/{}", path.trim_start_matches(['/', '\\']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_followable_links_pass() {
        for good in [
            "https://desk.example/privacy",
            "http://ombudsman.example",
            "mailto:help@desk.example",
            "tel:+48221234567",
            "/privacy.html",
        ] {
            assert!(is_safe_href(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "//evil.example",
            "/\\evil.example",
            "https:evil",
            "privacy.html",
            "",
            "https://desk.example/\u{0}",
        ] {
            assert!(!is_safe_href(bad), "{bad}");
        }
    }

    #[test]
    fn a_path_becomes_a_link_that_stays_on_this_site() {
        assert_eq!(same_site_path("//evil.example/x"), "/evil.example/x");
        assert_eq!(same_site_path("/\\evil.example"), "/evil.example");
        assert_eq!(same_site_path("/track"), "/track");
        assert_eq!(same_site_path(""), "/");
    }
}
