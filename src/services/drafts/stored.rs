//! The drafts as the browser keeps them, for a list that reads each one whole only when it shows it.

use complaint_domain::draft::Draft;
use complaint_domain::sorting::sort_by_number;
use indexed_db_futures::prelude::*;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

use super::schema::DRAFTS;
use super::{DraftStore, Failure, StoreError};

/// A stored draft as the browser keeps it: its id and when it was last changed, read off the record, and
/// the record itself, read into a [`Draft`] only when wanted.
pub struct StoredDraft {
    pub id: String,
    pub updated_at_ms: f64,
    record: JsValue,
}

impl StoredDraft {
    /// The draft; `None` when the record is not one (logged: the rest of the list still reads).
    pub fn read(&self) -> Option<Draft> {
        serde_wasm_bindgen::from_value(self.record.clone())
            .map_err(|e| {
                web_sys::console::warn_1(&format!("a stored draft could not be read: {e}").into())
            })
            .ok()
    }
}

impl DraftStore {
    /// Every stored draft, newest first, still as the browser's objects: each is read into a [`Draft`] only
    /// when wanted ([`StoredDraft::read`]). Reading a whole draft across the boundary is what a list of
    /// them costs (~0.25 ms each at CPU ×4 in the benchmark's profile: 50 ms for 200), so the offer reads
    /// the few it shows first and the rest after the frame that shows them.
    pub async fn all_stored(&self) -> Result<Vec<StoredDraft>, StoreError> {
        let db = self.connection().await?;
        let records = async {
            let tx = db.transaction(DRAFTS).build()?;
            let records = tx
                .object_store(DRAFTS)?
                .get_all::<JsValue>()
                .primitive()?
                .await?;
            Ok::<_, Failure>(records.collect::<Result<Vec<JsValue>, _>>()?)
        };
        let records = records.await.map_err(|f| self.read_failed(f))?;
        let mut drafts: Vec<StoredDraft> = records
            .into_iter()
            .map(|record| StoredDraft {
                id: Reflect::get(&record, &"id".into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default(),
                updated_at_ms: Reflect::get(&record, &"updated_at_ms".into())
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0),
                record,
            })
            .collect();
        sort_by_number(&mut drafts, |d| -d.updated_at_ms);
        Ok(drafts)
    }
}
