//! One line per event on stderr, stamped in UTC. Only what an operator needs: references, statuses,
//! timings. Never names, contact details, descriptions, file names, status keys or IP addresses.

#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        eprintln!("{} {}", $crate::zone::now(), format_args!($($arg)*))
    };
}
