//! The customer's replies on filed complaints: each kept as it is typed and, once sent, until the
//! organisation has it (`ReplyDraft::outbox`). Their files live in the same files store as a complaint's,
//! under the reply's id.

use complaint_domain::replies::ReplyDraft;
use complaint_domain::sorting::sort_by_number;

use super::schema::{FILES, REPLIES};
use super::{DraftStore, StoreError};

impl DraftStore {
    /// Saves a reply, replacing any earlier copy with the same id.
    pub async fn put_reply(&self, reply: &ReplyDraft) -> Result<(), StoreError> {
        self.put_record(REPLIES, reply).await
    }

    /// Every reply kept on this device, oldest first.
    pub async fn replies(&self) -> Result<Vec<ReplyDraft>, StoreError> {
        let mut replies: Vec<ReplyDraft> = self.all_records(REPLIES).await?;
        sort_by_number(&mut replies, |r| r.updated_at_ms);
        Ok(replies)
    }

    /// Removes a reply and its files, in one transaction.
    pub async fn delete_reply(&self, reply: &ReplyDraft) -> Result<(), StoreError> {
        let mut stores = vec![REPLIES];
        let mut keys = vec![reply.id.as_str()];
        for file in &reply.attachments {
            stores.push(FILES);
            keys.push(file.id.as_str());
        }
        self.delete_records(&stores, &keys).await
    }
}
