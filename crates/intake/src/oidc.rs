//! Talking to the organisation's OpenID Connect provider (issue #23): discovery, the authorization code
//! flow with PKCE, and the ID token's checks (signature against the provider's published keys, issuer,
//! audience, nonce, expiry), all by `openidconnect`, its HTTP through reqwest with rustls (no OpenSSL) and
//! redirects off. What the answer lets in is the desk's (`crate::desk::oidc`).
//!
//! The provider's discovery document (and so its keys) is fetched when `serve` starts and kept for ten
//! minutes, or until an ID token names a key it does not have (the provider rotated its keys); when the provider cannot be reached the sign-in route says so (`503 oidc_unavailable`) and the
//! next request tries again, so a provider that was down at start is used once it is back.

use std::time::{Duration, Instant as Clock};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    SignatureVerificationError, TokenResponse,
};

use crate::desk::oidc::{OidcIdentity, OidcPending};

/// How long a discovery document (with its keys) is used before it is fetched again.
const METADATA_SECONDS: u64 = 10 * 60;
/// How long one request to the provider may take.
const REQUEST_SECONDS: u64 = 10;

/// How `serve` was told to reach the provider.
#[derive(Clone)]
pub struct OidcOptions {
    pub issuer: String,
    pub client_id: String,
    /// Read from `--oidc-client-secret-file`, never from the command line.
    pub client_secret: String,
    /// The sign-in button's words.
    pub label: String,
}

/// Why a sign-in with the provider did not give an identity.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered nonsense: nobody's fault here; try later.
    #[error("the sign-in provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the code, or its ID token failed a check: a failed sign-in.
    #[error("{0}")]
    Rejected(String),
}

/// The configured provider, its discovery document fetched when first needed.
pub struct Provider {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    redirect: RedirectUrl,
    label: String,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Clock, CoreProviderMetadata)>>,
}

impl Provider {
    /// The provider for `options`; `redirect` is the callback route on the desk's origin (registered with
    /// the provider).
    pub fn new(options: &OidcOptions, redirect: &str) -> Result<Provider, String> {
        let issuer = IssuerUrl::new(options.issuer.trim().to_owned())
            .map_err(|e| format!("--oidc-issuer {}: {e}", options.issuer))?;
        let redirect = RedirectUrl::new(redirect.to_owned())
            .map_err(|e| format!("the sign-in callback {redirect}: {e}"))?;
        // The provider's answers are read as they are: a redirect could lead the client anywhere.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(REQUEST_SECONDS))
            .build()
            .map_err(|e| format!("an HTTP client for the sign-in provider: {e}"))?;
        Ok(Provider {
            issuer,
            client_id: ClientId::new(options.client_id.clone()),
            client_secret: ClientSecret::new(options.client_secret.clone()),
            redirect,
            label: options.label.clone(),
            http,
            metadata: tokio::sync::Mutex::new(None),
        })
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The discovery document, fetched again when older than [`METADATA_SECONDS`].
    async fn metadata(&self) -> Result<CoreProviderMetadata, OidcError> {
        self.fetch_metadata(false).await
    }

    /// The discovery document kept, unless `again` or too old: then fetched.
    async fn fetch_metadata(&self, again: bool) -> Result<CoreProviderMetadata, OidcError> {
        let mut kept = self.metadata.lock().await;
        if let Some((fetched, metadata)) = kept.as_ref() {
            if !again && fetched.elapsed() < Duration::from_secs(METADATA_SECONDS) {
                return Ok(metadata.clone());
            }
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcError::Unavailable(error_chain(&e)))?;
        *kept = Some((Clock::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Fetches the discovery document now (at start), so a misconfiguration shows in the log at once.
    pub async fn discover(&self) -> Result<(), OidcError> {
        self.metadata().await.map(|_| ())
    }

    /// Where to send the browser, its `state`, and what its answer will need.
    pub async fn start(&self) -> Result<(String, String, OidcPending), OidcError> {
        let client = self.client(self.metadata().await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = OidcPending {
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), state.secret().clone(), pending))
    }

    /// Exchanges the provider's `code` for an ID token and checks it against what `pending` kept.
    pub async fn finish(
        &self,
        code: &str,
        pending: &OidcPending,
    ) -> Result<OidcIdentity, OidcError> {
        let client = self.client(self.metadata().await?);
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Unavailable(format!("no token endpoint: {e}")))?;
        let answer = request
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(refusal) => {
                    OidcError::Rejected(format!("the token endpoint refused the code: {refusal}"))
                }
                RequestTokenError::Request(e) => OidcError::Unavailable(error_chain(&e)),
                other => OidcError::Unavailable(error_chain(&other)),
            })?;
        let token = answer
            .id_token()
            .ok_or_else(|| OidcError::Rejected("the provider gave no ID token".to_owned()))?;
        let nonce = Nonce::new(pending.nonce.clone());
        let checked = match identity(token, &client, &nonce) {
            // A key the kept JWKS does not have: the provider rotated its keys; fetch them again, once.
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                let fresh = self.client(self.fetch_metadata(true).await?);
                identity(token, &fresh, &nonce)
            }
            other => other,
        };
        checked
            .map_err(|e| OidcError::Rejected(format!("ID token not accepted: {}", error_chain(&e))))
    }

    fn client(&self, metadata: CoreProviderMetadata) -> DeskClient {
        CoreClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            Some(self.client_secret.clone()),
        )
        .set_redirect_uri(self.redirect.clone())
    }
}

/// The client as made from a discovery document: the token endpoint and user info "maybe set".
type DeskClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// Who the ID token names, once its signature, issuer, audience, nonce and expiry are checked.
fn identity(
    token: &CoreIdToken,
    client: &DeskClient,
    nonce: &Nonce,
) -> Result<OidcIdentity, ClaimsVerificationError> {
    let claims = token.claims(&client.id_token_verifier(), nonce)?;
    Ok(OidcIdentity {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified() == Some(true),
    })
}

/// An error with its causes, for the log (never shown to the person signing in).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
