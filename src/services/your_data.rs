//! The customer's copy of their data (`docs/api.md` "Your data"): one zip fetched with the complaint's
//! Reply-Proof in a header (never in the URL), then saved through a temporary blob URL, which the strict
//! CSP allows (a download is no script, style or frame).

use gloo_net::http::Request;
use wasm_bindgen::JsValue;

/// `{endpoint}/{reference}/export`, the reference as the customer was given it (letters, digits, dashes).
pub fn export_url(endpoint: &str, reference: &str) -> String {
    let reference: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("{}/{reference}/export", endpoint.trim_end_matches('/'))
}

/// Fetches the zip and saves it as `{reference}.zip`. `Err` says only that it did not work: a wrong proof
/// and a missing complaint are one answer by design.
pub async fn download(endpoint: &str, reference: &str, proof: &str) -> Result<(), String> {
    let response = Request::get(&export_url(endpoint, reference))
        .header("Reply-Proof", proof)
        .header("Accept", "application/zip")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !(200..=299).contains(&response.status()) {
        return Err(format!("HTTP {}", response.status()));
    }
    let bytes = response.binary().await.map_err(|e| e.to_string())?;
    save(&format!("{reference}.zip"), &bytes).map_err(|e| format!("{e:?}"))
}

fn save(file_name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/zip");
    let array = js_sys::Uint8Array::from(bytes);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(
        &js_sys::Array::of1(&array),
        &options,
    )?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlElement = wasm_bindgen::JsCast::dyn_into(document.create_element("a")?)?;
    link.set_attribute("href", &url)?;
    link.set_attribute("download", file_name)?;
    link.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
