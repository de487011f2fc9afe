//! The passkey ceremonies (WebAuthn) between the staff API and `navigator.credentials`: the API's options
//! arrive as JSON with base64url binary fields, the browser wants `ArrayBuffer`s, and the credential goes
//! back as JSON again ([`crate::base64url`]). A sign-in's start answers `{ceremony, options}` and its finish
//! takes `{ceremony, credential}`; an enrolment's start answers the options and its finish takes
//! `{credential}` (docs/staff-api.md, "The ceremonies").

use js_sys::{Array, Object, Reflect};
use serde_json::{json, Map, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::{Api, ApiError, Enrolled};
use crate::base64url::{from_buffer, to_buffer};

#[derive(Clone, Debug, PartialEq)]
pub enum PasskeyError {
    Unsupported,
    /// Dismissed, timed out, or no passkey for this site on the device.
    Cancelled,
    Api(ApiError),
}

impl From<ApiError> for PasskeyError {
    fn from(error: ApiError) -> Self {
        PasskeyError::Api(error)
    }
}

/// `POST /sign-in/start` → `navigator.credentials.get` → `POST /sign-in/finish` (which sets the cookie).
pub async fn sign_in(api: Api) -> Result<(), PasskeyError> {
    let start: Value = api.post("/sign-in/start", &json!({})).await?;
    let options = start
        .get("options")
        .and_then(request_options)
        .ok_or(PasskeyError::Unsupported)?;
    let credential = ceremony(options, false).await?;
    let body = json!({
        "ceremony": start.get("ceremony").cloned().unwrap_or(Value::Null),
        "credential": credential_json(&credential),
    });
    let _: Value = api.post("/sign-in/finish", &body).await?;
    Ok(())
}

/// `POST /enrolments/{token}/start` → `navigator.credentials.create` → `/finish`: the recovery codes.
pub async fn enrol(api: Api, token: &str) -> Result<Enrolled, PasskeyError> {
    let base = format!("/enrolments/{}", crate::route::encode(token));
    let start: Value = api.post(&format!("{base}/start"), &json!({})).await?;
    let options = creation_options(&start).ok_or(PasskeyError::Unsupported)?;
    let credential = ceremony(options, true).await?;
    let body = json!({ "credential": credential_json(&credential) });
    Ok(api.post(&format!("{base}/finish"), &body).await?)
}

/// `POST /me/passkeys/start` → `navigator.credentials.create` → `/finish`: a new passkey for the one
/// signed in (after a recovery code; the person's own passkeys are excluded by the server's options).
pub async fn add(api: Api) -> Result<(), PasskeyError> {
    let start: Value = api.post("/me/passkeys/start", &json!({})).await?;
    let options = creation_options(&start).ok_or(PasskeyError::Unsupported)?;
    let credential = ceremony(options, true).await?;
    let body = json!({ "credential": credential_json(&credential) });
    let _: Value = api.post("/me/passkeys/finish", &body).await?;
    Ok(())
}

async fn ceremony(options: Object, create: bool) -> Result<JsValue, PasskeyError> {
    let window = web_sys::window().ok_or(PasskeyError::Unsupported)?;
    let navigator = window.navigator();
    let present = Reflect::get(&navigator, &"credentials".into()).is_ok_and(|c| !c.is_undefined());
    if !present
        || Reflect::get(&window, &"PublicKeyCredential".into()).is_ok_and(|p| p.is_undefined())
    {
        return Err(PasskeyError::Unsupported);
    }
    let container = navigator.credentials();
    let promise = if create {
        container.create_with_options(options.unchecked_ref())
    } else {
        container.get_with_options(options.unchecked_ref())
    }
    .map_err(|_| PasskeyError::Unsupported)?;
    let credential: JsValue = JsFuture::from(promise)
        .await
        .map_err(|_| PasskeyError::Cancelled)?;
    if credential.is_null() || credential.is_undefined() {
        return Err(PasskeyError::Cancelled);
    }
    Ok(credential)
}

/// The `publicKey` member of the options (webauthn-rs's `{publicKey: …}`).
fn public_key(start: &Value) -> &Value {
    start.get("publicKey").unwrap_or(start)
}

/// `{publicKey: …}` for `navigator.credentials.get`, its binary fields as `ArrayBuffer`s.
pub fn request_options(start: &Value) -> Option<Object> {
    let key = js(public_key(start))?;
    buffer_field(&key, "challenge")?;
    list_ids(&key, "allowCredentials");
    wrap(key)
}

/// `{publicKey: …}` for `navigator.credentials.create`, its binary fields as `ArrayBuffer`s.
pub fn creation_options(start: &Value) -> Option<Object> {
    let key = js(public_key(start))?;
    buffer_field(&key, "challenge")?;
    let user = Reflect::get(&key, &"user".into()).ok()?;
    buffer_field(&user, "id")?;
    list_ids(&key, "excludeCredentials");
    wrap(key)
}

fn js(value: &Value) -> Option<JsValue> {
    js_sys::JSON::parse(&value.to_string())
        .ok()
        .filter(JsValue::is_object)
}

fn wrap(key: JsValue) -> Option<Object> {
    let options = Object::new();
    Reflect::set(&options, &"publicKey".into(), &key).ok()?;
    Some(options)
}

/// Replaces the base64url text at `object[name]` with its bytes.
fn buffer_field(object: &JsValue, name: &str) -> Option<()> {
    let text = Reflect::get(object, &name.into()).ok()?.as_string()?;
    Reflect::set(object, &name.into(), &to_buffer(&text)?.into()).ok()?;
    Some(())
}

fn list_ids(object: &JsValue, name: &str) {
    if let Ok(list) = Reflect::get(object, &name.into()) {
        if let Some(list) = list.dyn_ref::<Array>() {
            for item in list.iter() {
                let _ = buffer_field(&item, "id");
            }
        }
    }
}

/// A `PublicKeyCredential` as the JSON the API reads (binary fields base64url).
pub fn credential_json(credential: &JsValue) -> Value {
    let get = |object: &JsValue, name: &str| {
        Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
    };
    let response = get(credential, "response");
    let mut fields = Map::new();
    for name in [
        "clientDataJSON",
        "authenticatorData",
        "signature",
        "userHandle",
        "attestationObject",
    ] {
        if let Some(text) = from_buffer(&get(&response, name)) {
            fields.insert(name.to_owned(), Value::String(text));
        }
    }
    json!({
        "id": get(credential, "id").as_string().unwrap_or_default(),
        "rawId": from_buffer(&get(credential, "rawId")).unwrap_or_default(),
        "type": get(credential, "type").as_string().unwrap_or_else(|| "public-key".to_owned()),
        "response": Value::Object(fields),
        "extensions": {},
    })
}
