//! The site served as a CDN would, over real HTTP on loopback: the precompressed copy the client takes
//! (brotli before gzip, `q=0` refused) with `Vary: Accept-Encoding` and the original's type; content-hashed
//! files kept for a year, everything else revalidated with its tag and answered `304` when unchanged; and
//! a copy that leads out of the site, or was left by an earlier build, never sent. And the headers the
//! layers around the router put on every answer, refusals included, with the refusal's code in the log.

mod support;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use support::*;

const WASM: &str = "complaint-desk-905e0077a27c1ab6_bg.wasm";
const JS: &str = "complaint-desk-905e0077a27c1ab6.js";
const BOOT_SCRIPT: &str =
    "\nimport init from '/complaint-desk-905e0077a27c1ab6.js';\nawait init();\n";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A site shaped like `dist/` after the build: each file with a `.br` and a `.gz` copy. The copies are
/// not real compressions but marked bytes, so a test can tell which one was sent.
fn site(dir: &TempDir) -> PathBuf {
    let site = dir.0.join("dist");
    fs::create_dir_all(site.join("api/v1")).unwrap();
    let page =
        format!("<!doctype html><title>app</title><script type=\"module\">{BOOT_SCRIPT}</script>");
    let files: Vec<(String, Vec<u8>)> = vec![
        ("index.html".into(), page.into_bytes()),
        (WASM.into(), b"\0asm the module itself".to_vec()),
        (
            JS.into(),
            b"export default async function init() {}".to_vec(),
        ),
        (
            "main-0123456789abcdef.css".into(),
            b"body { margin: 0 }".to_vec(),
        ),
        (
            "sw.js".into(),
            b"self.addEventListener('fetch', () => {});".to_vec(),
        ),
        ("api/v1/config.json".into(), fs::read(dir.config()).unwrap()),
    ];
    for (name, bytes) in files {
        fs::write(site.join(&name), &bytes).unwrap();
        fs::write(site.join(format!("{name}.br")), format!("brotli of {name}")).unwrap();
        fs::write(site.join(format!("{name}.gz")), format!("gzip of {name}")).unwrap();
    }
    site
}

fn request(server: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        server.addr
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    send(&server.addr, head.as_bytes())
}

fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(server, "GET", path, headers)
}

/// Every `Vary` value of the answer, one token each.
fn vary(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("vary"))
        .flat_map(|(_, v)| v.split(',').map(|t| t.trim().to_ascii_lowercase()))
        .collect()
}

fn serve(dir: &TempDir, site: &std::path::Path) -> Server {
    Server::start(dir, &["--site", site.to_str().unwrap()], &[])
}

#[test]
fn the_precompressed_copy_is_chosen_by_accept_encoding_with_the_originals_type() {
    let dir = TempDir::new("encodings");
    let site = site(&dir);
    let server = serve(&dir, &site);
    let path = format!("/{WASM}");

    for (accept, body, coding) in [
        (Some("gzip, deflate, br, zstd"), "brotli of ", Some("br")),
        (Some("br"), "brotli of ", Some("br")),
        (Some("gzip"), "gzip of ", Some("gzip")),
        (Some("gzip, br;q=0"), "gzip of ", Some("gzip")),
        (Some("br;q=0.5, gzip;q=0.8"), "gzip of ", Some("gzip")),
        (Some("*"), "brotli of ", Some("br")),
        (Some("identity"), "\0asm", None),
        (Some("br;q=0, gzip;q=0"), "\0asm", None),
        (Some("zstd"), "\0asm", None),
        (None, "\0asm", None),
        // Odd values: unknown or broken items are passed over, never guessed at or refused.
        (Some(""), "\0asm", None),
        (Some(" , ;q=1, ,"), "\0asm", None),
        (Some("br;q=high, gzip"), "gzip of ", Some("gzip")),
        (Some("BR;Q=1"), "brotli of ", Some("br")),
        (Some("gzip;q=0.001, identity;q=0"), "gzip of ", Some("gzip")),
        (Some("compress, deflate, sdch"), "\0asm", None),
    ] {
        let headers: Vec<(&str, &str)> =
            accept.map(|a| ("Accept-Encoding", a)).into_iter().collect();
        let reply = get(&server, &path, &headers);
        assert_eq!(reply.status, 200, "{accept:?}");
        assert!(
            reply.text().starts_with(body),
            "{accept:?}: {}",
            reply.text()
        );
        assert_eq!(reply.header("content-encoding"), coding, "{accept:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/wasm"),
            "{accept:?}"
        );
        assert_eq!(
            reply.header("content-length"),
            Some(reply.body.len().to_string().as_str()),
            "{accept:?}: the length of what is sent"
        );
        assert!(
            vary(&reply).contains(&"accept-encoding".to_owned()),
            "{accept:?}: {:?}",
            reply.headers
        );
    }

    // HEAD tells the length of the copy it would send.
    let head = request(&server, "HEAD", &path, &[("Accept-Encoding", "br")]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-encoding"), Some("br"));
    let copy = fs::metadata(site.join(format!("{WASM}.br"))).unwrap().len();
    assert_eq!(
        head.header("content-length"),
        Some(copy.to_string().as_str())
    );

    // Pages too, and an app route's page: sent compressed, its policy still names the original's script.
    for page in ["/", "/index.html", "/track"] {
        let reply = get(&server, page, &[("Accept-Encoding", "br, gzip")]);
        assert_eq!(reply.status, 200, "{page}");
        assert_eq!(reply.text(), "brotli of index.html", "{page}");
        assert_eq!(reply.header("content-encoding"), Some("br"));
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        let csp = reply.header("content-security-policy").unwrap_or_default();
        let boot = {
            use base64::Engine;
            use sha2::{Digest, Sha256};
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(BOOT_SCRIPT.as_bytes()))
        };
        assert!(csp.contains(&format!("'sha256-{boot}'")), "{page}: {csp}");
    }
    let config = get(
        &server,
        "/api/v1/config.json",
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(config.text(), "gzip of api/v1/config.json");
    assert_eq!(
        config.header("content-type"),
        Some("application/json; charset=utf-8")
    );

    // Nothing compressible, nothing to vary by.
    fs::write(site.join("photo.png"), b"\x89PNG").unwrap();
    let png = get(&server, "/photo.png", &[("Accept-Encoding", "br")]);
    assert_eq!(png.header("content-encoding"), None);
    assert!(!vary(&png).contains(&"accept-encoding".to_owned()));
}

#[test]
fn only_content_hashed_files_are_immutable_and_the_rest_is_revalidated() {
    let dir = TempDir::new("cache-control");
    let site = site(&dir);
    symlink(site.join(JS), site.join("app.js")).unwrap();
    let server = serve(&dir, &site);

    for hashed in [WASM, JS, "main-0123456789abcdef.css"] {
        for accept in ["br", "identity"] {
            let reply = get(
                &server,
                &format!("/{hashed}"),
                &[("Accept-Encoding", accept)],
            );
            assert_eq!(reply.status, 200, "{hashed}");
            assert_eq!(
                reply.header("cache-control"),
                Some(IMMUTABLE),
                "{hashed} {accept}"
            );
        }
    }
    // The page, the worker, the config, a status file, and a plain name for a hashed file.
    let demo = "2".repeat(64);
    fs::create_dir_all(site.join("api/v1/status")).unwrap();
    fs::write(site.join(format!("api/v1/status/{demo}.json")), "{}").unwrap();
    for plain in [
        "/".to_owned(),
        "/index.html".to_owned(),
        "/track".to_owned(),
        "/sw.js".to_owned(),
        "/api/v1/config.json".to_owned(),
        format!("/api/v1/status/{demo}.json"),
        "/app.js".to_owned(),
    ] {
        let reply = get(&server, &plain, &[("Accept-Encoding", "br")]);
        assert_eq!(reply.status, 200, "{plain}");
        assert_eq!(reply.header("cache-control"), Some("no-cache"), "{plain}");
        assert!(
            reply.header("etag").is_some(),
            "{plain}: {:?}",
            reply.headers
        );
    }
}

#[test]
fn the_widgets_loader_is_kept_for_minutes_and_then_answered_304_for_its_tag() {
    let dir = TempDir::new("embed-loader");
    let site = site(&dir);
    fs::create_dir_all(site.join("embed/v1")).unwrap();
    let glue = "complaint-desk-embed-905e0077a27c1ab6.js";
    for name in ["embed.js", glue, "other.js"] {
        let path = site.join("embed/v1").join(name);
        fs::write(&path, format!("export const name = '{name}';")).unwrap();
        fs::write(
            site.join(format!("embed/v1/{name}.br")),
            format!("brotli of {name}"),
        )
        .unwrap();
    }
    let server = serve(&dir, &site);
    const LOADER: &str = "public, max-age=300, stale-while-revalidate=3600";

    for accept in ["br", "identity"] {
        let first = get(
            &server,
            "/embed/v1/embed.js",
            &[("Accept-Encoding", accept)],
        );
        assert_eq!(first.status, 200);
        assert_eq!(first.header("cache-control"), Some(LOADER), "{accept}");
        assert!(vary(&first).contains(&"accept-encoding".to_owned()));
        let tag = first
            .header("etag")
            .unwrap_or_else(|| panic!("no ETag: {:?}", first.headers))
            .to_owned();
        let again = get(
            &server,
            "/embed/v1/embed.js",
            &[("Accept-Encoding", accept), ("If-None-Match", &tag)],
        );
        assert_eq!(again.status, 304, "{accept}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("cache-control"), Some(LOADER));
        assert_eq!(again.header("etag"), Some(tag.as_str()));
    }
    // What it imports is content-hashed and kept for a year; nothing else there gets the loader's minutes.
    let hashed = get(&server, &format!("/embed/v1/{glue}"), &[]);
    assert_eq!(hashed.header("cache-control"), Some(IMMUTABLE));
    let other = get(&server, "/embed/v1/other.js", &[]);
    assert_eq!(other.status, 200);
    assert_eq!(other.header("cache-control"), Some("no-cache"));
    // A new loader gets a new tag, so the check after the five minutes fetches it.
    let before = get(&server, "/embed/v1/embed.js", &[]);
    let tag = before.header("etag").unwrap().to_owned();
    let path = site.join("embed/v1/embed.js");
    fs::write(
        &path,
        "export const name = 'the next release, a little longer';",
    )
    .unwrap();
    let later = SystemTime::now() + Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let changed = get(&server, "/embed/v1/embed.js", &[("If-None-Match", &tag)]);
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
    assert_eq!(changed.header("cache-control"), Some(LOADER));
}

#[test]
fn an_unchanged_file_is_answered_304_for_its_tag_or_its_date() {
    let dir = TempDir::new("not-modified");
    let site = site(&dir);
    let server = serve(&dir, &site);

    for path in [
        "/sw.js",
        "/",
        "/api/v1/config.json",
        format!("/{WASM}").as_str(),
    ] {
        for accept in ["br", "gzip", "identity"] {
            let first = get(&server, path, &[("Accept-Encoding", accept)]);
            assert_eq!(first.status, 200, "{path}");
            let tag = first
                .header("etag")
                .unwrap_or_else(|| panic!("{path}: no ETag"))
                .to_owned();
            assert!(!tag.starts_with("W/"), "{path}: a strong tag, {tag}");
            let again = get(
                &server,
                path,
                &[("Accept-Encoding", accept), ("If-None-Match", &tag)],
            );
            assert_eq!(again.status, 304, "{path} {accept}");
            assert!(again.body.is_empty());
            assert_eq!(again.header("etag"), Some(tag.as_str()));
            assert_eq!(again.header("cache-control"), first.header("cache-control"));
            assert!(
                vary(&again).contains(&"accept-encoding".to_owned()),
                "{path}"
            );
            let other = get(
                &server,
                path,
                &[("Accept-Encoding", accept), ("If-None-Match", "\"stale\"")],
            );
            assert_eq!(other.status, 200, "{path}");

            let date = first
                .header("last-modified")
                .unwrap_or_else(|| panic!("{path}: no date"))
                .to_owned();
            let dated = get(
                &server,
                path,
                &[("Accept-Encoding", accept), ("If-Modified-Since", &date)],
            );
            assert_eq!(dated.status, 304, "{path} {accept} {date}");
        }
        // Each copy is its own representation, with its own tag.
        let br = get(&server, path, &[("Accept-Encoding", "br")]);
        let plain = get(&server, path, &[]);
        assert_ne!(br.header("etag"), plain.header("etag"), "{path}");
        let crossed = get(
            &server,
            path,
            &[("If-None-Match", br.header("etag").unwrap())],
        );
        assert_eq!(
            crossed.status, 200,
            "{path}: the brotli copy's tag is not the file's"
        );
    }

    // A status file is tagged by its content: the next stage gets a new tag at once.
    let key = "3".repeat(64);
    fs::create_dir_all(dir.publish()).unwrap();
    let file = dir.publish().join(format!("{key}.json"));
    fs::write(&file, r#"{"stage":"received"}"#).unwrap();
    let path = format!("/api/v1/status/{key}.json");
    let first = get(&server, &path, &[]);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    assert_eq!(
        first.header("last-modified"),
        None,
        "a date could hide a stage changed within its second"
    );
    let tag = first.header("etag").unwrap().to_owned();
    assert_eq!(get(&server, &path, &[("If-None-Match", &tag)]).status, 304);
    fs::write(&file, r#"{"stage":"acknowledged"}"#).unwrap();
    let changed = get(&server, &path, &[("If-None-Match", &tag)]);
    assert_eq!(changed.status, 200);
    assert_eq!(changed.text(), r#"{"stage":"acknowledged"}"#);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
}

#[test]
fn a_copy_that_leads_out_of_the_site_or_is_older_than_its_file_is_never_sent() {
    let dir = TempDir::new("copies");
    let site = site(&dir);
    let secret = dir.0.join("secret.br");
    fs::write(&secret, "outside the site").unwrap();
    for copy in ["sw.js.br", "sw.js.gz"] {
        fs::remove_file(site.join(copy)).unwrap();
    }
    symlink(&secret, site.join("sw.js.br")).unwrap();
    symlink("/etc/passwd", site.join("sw.js.gz")).unwrap();
    // A copy from an earlier build: older than the page it was made from.
    let old = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(site.join("index.html.br"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let demo = "2".repeat(64);
    fs::create_dir_all(site.join("api/v1/status")).unwrap();
    fs::write(site.join(format!("api/v1/status/{demo}.json")), "{}").unwrap();
    symlink(&secret, site.join(format!("api/v1/status/{demo}.json.br"))).unwrap();
    let server = serve(&dir, &site);

    for accept in ["br", "gzip", "br, gzip"] {
        let reply = get(&server, "/sw.js", &[("Accept-Encoding", accept)]);
        assert_eq!(reply.status, 200, "{accept}");
        assert_eq!(
            reply.text(),
            "self.addEventListener('fetch', () => {});",
            "{accept}"
        );
        assert_eq!(reply.header("content-encoding"), None, "{accept}");
    }
    let status = get(
        &server,
        &format!("/api/v1/status/{demo}.json"),
        &[("Accept-Encoding", "br")],
    );
    assert_eq!((status.status, status.text().as_str()), (200, "{}"));
    assert_eq!(status.header("content-encoding"), None);

    // The stale brotli copy is passed over for the fresh gzip one.
    let page = get(&server, "/", &[("Accept-Encoding", "br, gzip")]);
    assert_eq!(page.text(), "gzip of index.html");
    assert_eq!(page.header("content-encoding"), Some("gzip"));
}

#[test]
fn files_vary_by_origin_only_where_another_site_may_read_them() {
    let dir = TempDir::new("vary-origin");
    let site = site(&dir);
    let own = serve(&dir, &site);
    let origin = format!("http://{}", own.addr);
    for path in [format!("/{JS}"), format!("/{WASM}"), "/".to_owned()] {
        // What a module script or a fetch from the app's own page sends.
        let reply = get(
            &own,
            &path,
            &[("Origin", &origin), ("Accept-Encoding", "br")],
        );
        assert_eq!(reply.status, 200, "{path}");
        // An app route's shell also varies by the customer's language (shells.rs); never by origin.
        let expected: &[&str] = if path == "/" {
            &["accept-encoding", "accept-language", "cookie"]
        } else {
            &["accept-encoding"]
        };
        assert_eq!(vary(&reply), expected, "{path}");
    }
    drop(own);

    let embedding = Server::start(
        &dir,
        &[
            "--site",
            site.to_str().unwrap(),
            "--allow-origin",
            "https://shop.example",
        ],
        &[],
    );
    // Another site reads the data and the widget's copies, so those answer it and vary by it.
    fs::create_dir_all(site.join("embed/v1")).unwrap();
    fs::write(site.join(format!("embed/v1/{JS}")), "export {};").unwrap();
    for path in ["/api/v1/config.json".to_owned(), format!("/embed/v1/{JS}")] {
        let reply = get(&embedding, &path, &[("Origin", "https://shop.example")]);
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("https://shop.example"),
            "{path}"
        );
        assert!(
            vary(&reply).contains(&"origin".to_owned()),
            "{path}: {:?}",
            reply.headers
        );
    }
    // The app's own pages and top-level files are read by its own pages only: no CORS, and no
    // `Vary: Origin`, which would make the service worker's requests (sent without an Origin) miss what
    // the page's (sent with one) put in the HTTP cache.
    let own_origin = format!("http://{}", embedding.addr);
    for path in [
        format!("/{JS}"),
        format!("/{WASM}"),
        "/".to_owned(),
        "/track".to_owned(),
    ] {
        for origin in ["https://shop.example", own_origin.as_str()] {
            let reply = get(
                &embedding,
                &path,
                &[("Origin", origin), ("Accept-Encoding", "br")],
            );
            assert_eq!(reply.status, 200, "{path}");
            assert_eq!(reply.header("access-control-allow-origin"), None, "{path}");
            // Pages also vary by the customer's language (the shell in their language), never by Origin.
            let varies = vary(&reply);
            assert!(
                !varies.contains(&"origin".to_owned()),
                "{path} from {origin}: {varies:?}"
            );
            if !path.starts_with("/track") && path != "/" {
                assert_eq!(varies, ["accept-encoding"], "{path} from {origin}");
            }
        }
    }
}

#[test]
fn an_app_route_gets_its_pages_shell_in_the_customers_language() {
    let dir = TempDir::new("serving-shells");
    let site = site(&dir);
    for (name, text) in [
        ("index.pl.html", "filing in Polish"),
        ("index.ko.html", "filing in Korean"),
        ("track.html", "tracker in English"),
        ("track.pl.html", "tracker in Polish"),
        ("insights.pl.html", "insights in Polish"),
    ] {
        fs::write(
            site.join(name),
            format!("<!doctype html><title>{text}</title>"),
        )
        .unwrap();
    }
    let server = serve(&dir, &site);
    let title = |reply: &Reply| {
        let body = String::from_utf8_lossy(&reply.body).to_string();
        let start = body.find("<title>").map_or(0, |i| i + 7);
        body[start..body[start..].find('<').map_or(body.len(), |i| start + i)].to_owned()
    };
    let polish_browser = [("Accept-Language", "pl-PL,pl;q=0.9,en;q=0.5")];
    assert_eq!(
        title(&get(&server, "/", &polish_browser)),
        "filing in Polish"
    );
    assert_eq!(
        title(&get(&server, "/track", &polish_browser)),
        "tracker in Polish"
    );
    // The insights' own shell (it loads the tracker's module, not the filing page's).
    assert_eq!(
        title(&get(&server, "/insights", &polish_browser)),
        "insights in Polish"
    );
    // The address wins over the browser, the remembered choice over the browser.
    assert_eq!(
        title(&get(&server, "/?lang=ko", &polish_browser)),
        "filing in Korean"
    );
    let remembered = [
        ("Accept-Language", "pl"),
        ("Cookie", "complaint-desk.locale=ko"),
    ];
    assert_eq!(title(&get(&server, "/", &remembered)), "filing in Korean");
    // No tracker shell in Korean: the tracker's English one, not the filing page's.
    assert_eq!(
        title(&get(&server, "/track", &remembered)),
        "tracker in English"
    );
    // No language asked, or one we do not ship: English, the plain index.
    assert_eq!(title(&get(&server, "/", &[])), "app");
    assert_eq!(
        title(&get(&server, "/", &[("Accept-Language", "de, *;q=0.1")])),
        "app"
    );
    let reply = get(&server, "/", &polish_browser);
    let vary = vary(&reply);
    for token in ["accept-language", "cookie"] {
        assert!(
            vary.iter().any(|t| t == token),
            "Vary names {token}: {vary:?}"
        );
    }
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
}

#[test]
fn the_staff_desk_answers_each_of_its_routes_with_its_own_page_and_its_api_never_does() {
    let dir = TempDir::new("serving-desk");
    let site = site(&dir);
    fs::create_dir_all(site.join("staff")).unwrap();
    fs::write(
        site.join("staff/index.html"),
        "<!doctype html><title>desk</title>",
    )
    .unwrap();
    fs::write(site.join("staff/boot.js"), "// the desk's loader").unwrap();
    let server = serve(&dir, &site);
    for path in [
        "/staff",
        "/staff/",
        "/staff/complaints/CMP-1",
        "/staff/enrol",
    ] {
        let reply = get(&server, path, &[]);
        assert_eq!(reply.status, 200, "{path}");
        assert!(
            String::from_utf8_lossy(&reply.body).contains("<title>desk</title>"),
            "{path}"
        );
        let permissions = reply.header("permissions-policy").unwrap_or_default();
        assert!(
            permissions.contains("publickey-credentials-get=(self)"),
            "{path}: {permissions}"
        );
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{path}: {csp}"
        );
        assert!(csp.contains("img-src 'self' blob:"), "{path}: {csp}");
    }
    assert_eq!(get(&server, "/staff/boot.js", &[]).status, 200);
    assert_eq!(get(&server, "/staff/missing.js", &[]).status, 404);
    assert_eq!(get(&server, "/staff/api/v1/no-such-route", &[]).status, 404);
    // The customer's pages keep passkeys denied, and their own shell.
    let customer = get(&server, "/track", &[]);
    assert!(!String::from_utf8_lossy(&customer.body).contains("<title>desk</title>"));
    let permissions = customer.header("permissions-policy").unwrap_or_default();
    assert!(
        permissions.contains("publickey-credentials-get=()"),
        "{permissions}"
    );
}

#[test]
fn every_answer_refusals_included_carries_the_security_headers_and_a_refusal_is_logged_by_its_code()
{
    let dir = TempDir::new("serving-headers");
    let site = site(&dir);
    let server = serve(&dir, &site);
    let key = "headers-1";
    let answers = [
        ("a page", get(&server, "/", &[]), 200),
        (
            "no such file",
            get(&server, "/api/v1/nothing.json", &[]),
            404,
        ),
        (
            "a method files do not take",
            request(&server, "DELETE", "/sw.js", &[]),
            405,
        ),
        (
            "a complaint that is not multipart",
            request(
                &server,
                "POST",
                "/api/v1/complaints",
                &[("Idempotency-Key", key), ("Content-Type", "text/plain")],
            ),
            415,
        ),
        (
            "a preflight from a site not listed",
            request(
                &server,
                "OPTIONS",
                "/api/v1/complaints",
                &[
                    ("Origin", "https://elsewhere.example"),
                    ("Access-Control-Request-Method", "POST"),
                ],
            ),
            403,
        ),
    ];
    for (what, reply, status) in &answers {
        assert_eq!(reply.status, *status, "{what}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{what}"
        );
        assert!(
            reply
                .header("permissions-policy")
                .is_some_and(|p| p.contains("camera=()")),
            "{what}"
        );
        assert!(
            reply
                .header("content-security-policy")
                .is_some_and(|p| p.contains("frame-ancestors 'none'")),
            "{what}"
        );
        assert_eq!(reply.header("access-control-allow-origin"), None, "{what}");
    }
    let log = server.wait_for_log(Duration::from_secs(10), |log| {
        log.contains("POST /api/v1/complaints 415 ") && log.contains("ms origin_not_allowed")
    });
    assert!(log.contains("ms not_multipart"), "{log}");
}
