//! Photos are shrunk on the phone before upload: a 12-megapixel photo becomes a few hundred kilobytes, which
//! matters on a weak signal. Re-encoding also drops the photo's metadata, such as where it was taken.

use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

/// 0.8: at the organisation's size (1600 px by default) a phone photo comes to about 300 KB, and print in it
/// stays sharp (the blocky edges around letters that make small text hard to read start lower, near 0.7);
/// 0.85 made ten photos 4.9 MB at 2000 px, 0.8 at 1600 px 3.0 MB (docs/submission.md).
const JPEG_QUALITY: f64 = 0.8;

/// The first `n` bytes of a file, for identifying it by content.
pub async fn read_head(blob: &Blob, n: i32) -> Result<Vec<u8>, JsValue> {
    let slice = blob.slice_with_i32_and_i32(0, n)?;
    let buffer: JsValue = JsFuture::from(slice.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A JPEG no larger than `max_px` on its long side, when the photo is larger than that or than `max_bytes`;
/// `None` when it is small enough to send as it is.
pub async fn shrink(photo: &Blob, max_px: u32, max_bytes: u64) -> Result<Option<Blob>, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let bitmap: ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(photo)?)
        .await?
        .dyn_into()?;
    let (width, height) = (bitmap.width(), bitmap.height());
    let long_side = width.max(height).max(1);
    if long_side <= max_px && photo.size() as u64 <= max_bytes {
        bitmap.close();
        return Ok(None);
    }
    let scale = (f64::from(max_px) / f64::from(long_side)).min(1.0);
    let (w, h) = (
        ((f64::from(width) * scale).round() as u32).max(1),
        ((f64::from(height) * scale).round() as u32).max(1),
    );
    let document = window.document().ok_or("no document")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        f64::from(w),
        f64::from(h),
    )?;
    bitmap.close();
    let encoded = Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg",
            &JPEG_QUALITY.into(),
        ) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob: JsValue = JsFuture::from(encoded).await?;
    Ok(Some(blob.dyn_into()?))
}
