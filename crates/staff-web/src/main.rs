//! The desk's module (crates/staff-web/index.html): everything lives in the library.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

fn main() {
    // A panic's own words in the console (the default says only "unreachable").
    std::panic::set_hook(Box::new(|info| console_error(&info.to_string())));
    complaint_staff_web::mount();
}
