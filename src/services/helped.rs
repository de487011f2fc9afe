//! Counts, on this device only, how often a common answer solved a problem: the organisation's knowledge
//! base earns its keep when complaints are avoided. Nothing is sent anywhere.

const PREFIX: &str = "complaint-desk.solved.";

pub fn count_solved(article_id: &str) {
    let Some(storage) = super::device::local_storage() else {
        return;
    };
    let key = format!("{PREFIX}{article_id}");
    let count = storage
        .get_item(&key)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let _ = storage.set_item(&key, &(count + 1).to_string());
}
