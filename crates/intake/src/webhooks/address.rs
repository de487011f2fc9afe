//! Which URLs a webhook may call (server-side request forgery): an admin's URL must not make the service
//! reach its own network. Only `http` and `https`; no loopback, private, link-local, shared or multicast
//! address, unless `serve --webhooks-allow-private`. A name is checked when the endpoint is added when it
//! is `localhost`, and at every delivery by [`Resolver`], which drops such addresses from what DNS answers (so
//! a name that later points inward is still refused); redirects are never followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

/// Why a URL is refused, in words for the admin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("not a URL: {0}")]
    NotUrl(String),
    #[error("only http and https URLs can receive webhooks, not \"{0}\"")]
    Scheme(String),
    #[error("a webhook URL may not hold a user name or password; put secrets in the receiver, not the URL")]
    Credentials,
    #[error("{0} is a loopback or private address; the service does not call its own network (serve --webhooks-allow-private allows it)")]
    Private(String),
    #[error("{0} resolves to no public address; the service does not call its own network (serve --webhooks-allow-private allows it)")]
    NoPublicAddress(String),
    #[error("a webhook URL may be {MAX_URL} characters long at most")]
    TooLong,
}

/// The longest URL taken.
pub const MAX_URL: usize = 2000;

impl Refused {
    /// The API's error code for it.
    pub fn code(&self) -> &'static str {
        match self {
            Refused::NotUrl(_) | Refused::Scheme(_) | Refused::Credentials | Refused::TooLong => {
                "bad_url"
            }
            Refused::Private(_) | Refused::NoPublicAddress(_) => "private_address",
        }
    }
}

/// Whether `ip` is one the service must not call without `--webhooks-allow-private`.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => private_v4(v4),
            None => private_v6(v6),
        },
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24; benchmarking, 198.18.0.0/15; reserved, 240.0.0.0/4.
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
}

/// Checks an endpoint's URL as an admin gives it. Returns it parsed.
pub fn check(url: &str, allow_private: bool) -> Result<Url, Refused> {
    if url.len() > MAX_URL {
        return Err(Refused::TooLong);
    }
    let parsed = Url::parse(url.trim()).map_err(|e| Refused::NotUrl(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Refused::Scheme(parsed.scheme().to_owned()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Refused::Credentials);
    }
    let Some(host) = parsed.host_str() else {
        return Err(Refused::NotUrl("it names no host".into()));
    };
    if allow_private {
        return Ok(parsed);
    }
    // An IPv6 literal comes bracketed.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        if is_private(ip) {
            return Err(Refused::Private(ip.to_string()));
        }
        return Ok(parsed);
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return Err(Refused::Private(name));
    }
    Ok(parsed)
}

/// The delivery client's DNS: the system's answer, less any address [`is_private`] refuses (all of them
/// unless `allow_private`). A name with nothing left fails to resolve, and the attempt is logged as such.
#[derive(Debug, Clone, Copy)]
pub struct Resolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || !is_private(a.ip()))
                .collect();
            if found.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    Refused::NoPublicAddress(host).into();
                return Err(refused);
            }
            let addresses: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_without_credentials() {
        assert_eq!(
            check("ftp://example.com/x", false).unwrap_err().code(),
            "bad_url"
        );
        assert_eq!(
            check("file:///etc/passwd", false).unwrap_err().code(),
            "bad_url"
        );
        assert_eq!(check("not a url", false).unwrap_err().code(), "bad_url");
        assert_eq!(
            check("https://user:pw@example.com/", false).unwrap_err(),
            Refused::Credentials
        );
        assert!(check("https://hooks.example.com/in", false).is_ok());
        let long = format!("https://hooks.example.com/{}", "a".repeat(MAX_URL));
        assert_eq!(check(&long, false).unwrap_err(), Refused::TooLong);
    }

    #[tokio::test]
    async fn a_name_that_resolves_inward_is_refused_at_delivery() {
        use reqwest::dns::Resolve;
        let name = |host: &str| host.parse::<reqwest::dns::Name>().unwrap();
        let refused = Resolver {
            allow_private: false,
        }
        .resolve(name("localhost"))
        .await
        .err()
        .unwrap();
        assert!(
            refused.to_string().contains("no public address"),
            "{refused}"
        );
        let allowed = Resolver {
            allow_private: true,
        }
        .resolve(name("localhost"))
        .await
        .unwrap();
        assert!(allowed.into_iter().all(|a| a.ip().is_loopback()));
    }

    #[test]
    fn the_services_own_network_is_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:9/",
            "http://localhost/",
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://172.16.0.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert_eq!(
                check(url, false).unwrap_err().code(),
                "private_address",
                "{url}"
            );
            assert!(check(url, true).is_ok(), "{url}");
        }
        assert!(check("http://93.184.216.34/", false).is_ok());
        assert!(check("http://[2606:4700::1111]/", false).is_ok());
    }
}
