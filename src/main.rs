//! Mounts the app into the static shell of `index.html`; everything else lives in the library.

fn main() {
    complaint_desk::crash::install_panic_screen();
    complaint_desk::mount_standalone();
}
