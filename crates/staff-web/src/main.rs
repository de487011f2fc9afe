//! The desk's module (crates/staff-web/index.html): everything lives in the library.

fn main() {
    complaint_staff_web::mount();
}
