//! The filing page's module (`index.html`): mounts the app with the filing page into the static shell;
//! everything else lives in the library. The tracker and the insights are another module
//! (`src/bin/tracker.rs`, `tracker.html`), so this one, the most visited first load, does not carry them.

fn main() {
    if let Some(shell) = complaint_desk::standalone_shell() {
        complaint_desk::crash::install_panic_screen();
        complaint_desk::mount_standalone(shell, complaint_desk::app::Pages::FILING);
    }
}
