//! Which device store a mounted root uses. The standalone app has the origin's own (`complaint-desk`); each
//! widget has the one its scope names (`complaint-desk.widget.<key>`), so two widgets on one page never read
//! each other's drafts, outbox or sent list unless the host gives them the same `name` (docs/embed.md).
//! Every name the store uses on the device (the IndexedDB database, the `localStorage` copy, the
//! BroadcastChannels) comes from here.

/// The prefix every name on the device shares, so "clear everything" finds them all.
pub const PREFIX: &str = "complaint-desk";

/// Longest key kept from a host's attribute.
const MAX_KEY: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoreScope(Option<String>);

impl StoreScope {
    /// The standalone app's store.
    pub fn app() -> StoreScope {
        StoreScope(None)
    }

    /// A widget's store named by `key` (a host's `name`, or its mode and category): letters, digits, `-`,
    /// `_` and `.` are kept (lower-cased), anything else becomes `-`, so no key can reach another's names.
    pub fn widget(key: &str) -> StoreScope {
        let key: String = key
            .trim()
            .chars()
            .take(MAX_KEY)
            .map(|c| match c {
                'a'..='z' | '0'..='9' | '-' | '_' | '.' => c,
                'A'..='Z' => c.to_ascii_lowercase(),
                _ => '-',
            })
            .collect();
        StoreScope(Some(if key.is_empty() {
            "file".to_owned()
        } else {
            key
        }))
    }

    /// The IndexedDB database.
    pub fn database(&self) -> String {
        match &self.0 {
            None => PREFIX.to_owned(),
            Some(key) => format!("{PREFIX}.widget.{key}"),
        }
    }

    /// A name of this store's for `what` (a `localStorage` key, a channel): `complaint-desk.drafts` in the
    /// app, `complaint-desk.widget.<key>.drafts` in a widget.
    pub fn name(&self, what: &str) -> String {
        format!("{}.{what}", self.database())
    }
}
