//! An OpenID Connect provider for the tests: a small HTTP server on 127.0.0.1 in the test process with a
//! discovery document, its JWKS (a P-256 key made for the run) and a token endpoint that checks the client's
//! secret and the PKCE verifier and answers with an ES256-signed ID token. The test plays the person at the
//! provider: it reads the desk's redirect and [`Provider::issue`]s a code for the claims it wants.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "complaint-desk";
pub const CLIENT_SECRET: &str = "s3cret-of-the-desk";

/// A code waiting for the token endpoint: the PKCE challenge it was given for and the ID token's claims.
struct Grant {
    challenge: String,
    claims: Value,
}

/// The provider's signing key and its id in the JWKS; [`Provider::rotate`] replaces both.
type Key = Arc<Mutex<(String, SigningKey)>>;

pub struct Provider {
    pub issuer: String,
    key: Key,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
    /// Token requests refused (bad client secret or PKCE verifier), for the tests to see.
    pub refusals: Arc<Mutex<Vec<String>>>,
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Provider {
    pub fn start() -> Provider {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let provider = Provider {
            issuer,
            key: Arc::new(Mutex::new(("key-1".to_owned(), new_key()))),
            grants: Arc::new(Mutex::new(HashMap::new())),
            refusals: Arc::new(Mutex::new(Vec::new())),
        };
        let discovery = provider.discovery();
        let (grants, refusals) = (Arc::clone(&provider.grants), Arc::clone(&provider.refusals));
        let key = Arc::clone(&provider.key);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (path, headers, body) = read_request(&stream);
                let (status, answer) = match path.as_str() {
                    "/.well-known/openid-configuration" => (200, discovery.clone()),
                    "/jwks" => (200, jwks(&key)),
                    "/token" => token(&grants, &refusals, &key, &headers, &body),
                    _ => (404, json!({ "error": "not_found" })),
                };
                write_answer(stream, status, &answer);
            }
        });
        provider
    }

    fn discovery(&self) -> Value {
        json!({
            "issuer": self.issuer,
            "authorization_endpoint": format!("{}/authorize", self.issuer),
            "token_endpoint": format!("{}/token", self.issuer),
            "jwks_uri": format!("{}/jwks", self.issuer),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        })
    }

    /// A new signing key with a new id; the JWKS has only it from now on.
    pub fn rotate(&self) {
        let mut key = self.key.lock().unwrap();
        let next = format!(
            "key-{}",
            key.0.trim_start_matches("key-").parse::<u32>().unwrap() + 1
        );
        *key = (next, new_key());
    }

    /// The claims a good ID token for `email` has, answering `nonce`.
    pub fn claims(&self, nonce: &str, email: &str) -> Value {
        let now = unix_now();
        json!({
            "iss": self.issuer, "sub": format!("sub-{email}"), "aud": CLIENT_ID,
            "iat": now, "exp": now + 300, "nonce": nonce,
            "email": email, "email_verified": true,
        })
    }

    /// A code the token endpoint exchanges for an ID token with `claims`, to the holder of the verifier of
    /// `challenge`.
    pub fn issue(&self, challenge: &str, claims: Value) -> String {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).unwrap();
        let code = b64(&bytes);
        self.grants.lock().unwrap().insert(
            code.clone(),
            Grant {
                challenge: challenge.to_owned(),
                claims,
            },
        );
        code
    }
}

fn new_key() -> SigningKey {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).unwrap();
    SigningKey::from_slice(&secret).unwrap()
}

/// `GET /jwks`: the current key only.
fn jwks(key: &Key) -> Value {
    let (id, key) = &*key.lock().unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    json!({ "keys": [{
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": id,
        "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap()),
    }]})
}

/// An ES256 JWT of `claims`, signed with the current key.
fn sign(key: &Key, claims: &Value) -> String {
    let (id, key) = &*key.lock().unwrap();
    let header = json!({ "alg": "ES256", "typ": "JWT", "kid": id });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// `POST /token`: the client's secret (HTTP Basic), the code once, its PKCE verifier.
fn token(
    grants: &Mutex<HashMap<String, Grant>>,
    refusals: &Mutex<Vec<String>>,
    key: &Key,
    headers: &[(String, String)],
    body: &str,
) -> (u16, Value) {
    let form: HashMap<String, String> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect();
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let refuse = |why: &str| {
        refusals.lock().unwrap().push(why.to_owned());
        (
            400,
            json!({ "error": "invalid_grant", "error_description": why }),
        )
    };
    if !headers
        .iter()
        .any(|(n, v)| n == "authorization" && *v == basic)
    {
        return refuse("client authentication");
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(grant) = grants.lock().unwrap().remove(&code) else {
        return refuse("unknown or used code");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if b64(&Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return refuse("PKCE verifier");
    }
    (
        200,
        json!({
            "access_token": "access", "token_type": "Bearer", "expires_in": 300,
            "id_token": sign(key, &grant.claims),
        }),
    )
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// One HTTP/1.1 request: its path (without the query), headers (names in lower case), body.
fn read_request(stream: &TcpStream) -> (String, Vec<(String, String)>, String) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    let target = line.split(' ').nth(1).unwrap_or("/").to_owned();
    let path = target.split('?').next().unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.push((name.trim().to_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0usize);
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    (path, headers, String::from_utf8_lossy(&body).into_owned())
}

fn write_answer(mut stream: TcpStream, status: u16, body: &Value) {
    let body = body.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}
