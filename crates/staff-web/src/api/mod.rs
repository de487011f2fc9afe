//! Every call to the staff API (docs/staff-api.md), in one place: the base path, the CSRF header on every
//! change, JSON both ways, and the refusals as one [`ApiError`]. A `401` also tells the desk the session is
//! over ([`Api::signed_out`]): it shows sign-in over the screen, which keeps what was typed.

mod types;

pub use types::*;

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::i18n::{fill, text, Locale, T};

pub const API: &str = "/staff/api/v1";

/// What a call can end in besides its answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No network, or an answer that is not the API's.
    Offline,
    SignedOut,
    /// Someone else changed the complaint since the `revision` sent.
    Changed {
        by: String,
    },
    /// Any other refusal: its status and the API's `code` and `message`.
    Refused {
        status: u16,
        code: String,
        message: String,
    },
}

impl ApiError {
    /// The refusal in the person's language (the API's own message only as the detail of `invalid`).
    pub fn say(&self, locale: Locale) -> String {
        let key = match self {
            ApiError::Offline => T::ErrOffline,
            ApiError::SignedOut => T::SessionEnded,
            ApiError::Changed { by } => return fill(locale, T::ChangedBy, &[("name", by)]),
            ApiError::Refused {
                status,
                code,
                message,
            } => match (status, code.as_str()) {
                (_, "csrf") => T::ErrCsrf,
                (_, "forbidden") | (403, _) => T::ErrForbidden,
                (404, _) => T::ErrNotFound,
                (_, "quarantined") => T::ErrQuarantined,
                (_, "invalid") | (400, _) => {
                    return fill(locale, T::ErrInvalid, &[("detail", message)]);
                }
                (_, "refused") | (422, _) => T::ErrRefused,
                (429, _) => T::ErrRateLimited,
                _ => T::ErrServer,
            },
        };
        text(locale, key).to_owned()
    }
}

/// The API as the desk uses it: the session's CSRF value, and who to tell when the session is over.
#[derive(Clone, Copy)]
pub struct Api {
    csrf: StoredValue<String>,
    signed_out: RwSignal<bool>,
}

/// An answer with its `ETag`, or `None` when the server said `304 Not Modified`.
pub struct Tagged<A> {
    pub body: Option<A>,
    pub etag: Option<String>,
}

impl Api {
    pub fn new() -> Api {
        Api {
            csrf: StoredValue::new(String::new()),
            signed_out: RwSignal::new(false),
        }
    }

    /// Whether the last call found the session over (the desk then shows sign-in).
    pub fn is_signed_out(&self) -> bool {
        self.signed_out.get()
    }

    /// `GET /me`: who is signed in; keeps the CSRF value for every later change.
    pub async fn me(&self) -> Result<Me, ApiError> {
        let me: Me = self.get("/me").await?;
        self.csrf.set_value(me.csrf.clone());
        self.signed_out.set(false);
        Ok(me)
    }

    pub fn forget_session(&self) {
        self.csrf.set_value(String::new());
        self.signed_out.set(true);
    }

    pub async fn get<A: DeserializeOwned>(&self, path: &str) -> Result<A, ApiError> {
        let tagged = self.get_tagged(path, None).await?;
        tagged.body.ok_or(ApiError::Offline)
    }

    /// A `GET` that says which version it has (`If-None-Match`), for polling.
    pub async fn get_tagged<A: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Tagged<A>, ApiError> {
        let mut request = RequestBuilder::new(&format!("{API}{path}")).method(Method::GET);
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        let response = request.send().await.map_err(|_| ApiError::Offline)?;
        let etag = response.headers().get("etag");
        if response.status() == 304 {
            return Ok(Tagged { body: None, etag });
        }
        let body = self.answer(response).await?;
        Ok(Tagged {
            body: Some(body),
            etag,
        })
    }

    pub async fn post<B: Serialize, A: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<A, ApiError> {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put<B: Serialize, A: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<A, ApiError> {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn patch<B: Serialize, A: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<A, ApiError> {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<Value, ApiError> {
        self.send::<Value, Value>(Method::DELETE, path, None).await
    }

    async fn send<B: Serialize, A: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<A, ApiError> {
        let request = RequestBuilder::new(&format!("{API}{path}"))
            .method(method)
            .header("X-CSRF-Token", &self.csrf.get_value())
            .header("Content-Type", "application/json");
        let json = match body {
            Some(body) => serde_json::to_string(body).map_err(|_| ApiError::Offline)?,
            None => "{}".to_owned(),
        };
        let request = request.body(json).map_err(|_| ApiError::Offline)?;
        let response = request.send().await.map_err(|_| ApiError::Offline)?;
        self.answer(response).await
    }

    /// A file of a complaint as a `blob:` URL (for an image shown inline); the caller revokes it.
    pub async fn file_url(&self, reference: &str, n: u32) -> Result<String, ApiError> {
        let path = format!(
            "{API}/complaints/{}/files/{n}",
            crate::route::encode(reference)
        );
        let response = RequestBuilder::new(&path)
            .send()
            .await
            .map_err(|_| ApiError::Offline)?;
        if !response.ok() {
            return Err(self.refusal(
                response.status(),
                &response.text().await.unwrap_or_default(),
            ));
        }
        let kind = response.headers().get("content-type").unwrap_or_default();
        let bytes = response.binary().await.map_err(|_| ApiError::Offline)?;
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&kind);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| ApiError::Offline)?;
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ApiError::Offline)
    }

    async fn answer<A: DeserializeOwned>(
        &self,
        response: gloo_net::http::Response,
    ) -> Result<A, ApiError> {
        let status = response.status();
        let body = response.text().await.map_err(|_| ApiError::Offline)?;
        if !(200..300).contains(&status) {
            return Err(self.refusal(status, &body));
        }
        let body = if body.trim().is_empty() {
            "null"
        } else {
            &body
        };
        serde_json::from_str(body).map_err(|_| ApiError::Offline)
    }

    fn refusal(&self, status: u16, body: &str) -> ApiError {
        let refusal: Refusal = serde_json::from_str(body).unwrap_or_default();
        match (status, refusal.code.as_str()) {
            (401, _) => {
                self.signed_out.set(true);
                ApiError::SignedOut
            }
            (409, "changed") => ApiError::Changed {
                by: refusal.changed_by.map(|w| w.name()).unwrap_or_default(),
            },
            _ => ApiError::Refused {
                status,
                code: refusal.code,
                message: refusal.message,
            },
        }
    }
}

impl Default for Api {
    fn default() -> Self {
        Api::new()
    }
}
