//! Mounts the app into the static shell of `index.html`; everything else lives in the library. The same
//! module also serves the widget (embed.js calls its `mountWidget`): on a host's page there is no shell,
//! and nothing is mounted or hooked here.

fn main() {
    if let Some(shell) = complaint_desk::standalone_shell() {
        complaint_desk::crash::install_panic_screen();
        complaint_desk::mount_standalone(shell);
    }
}
