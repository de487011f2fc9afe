//! The Reply-Proof (`docs/replies.md`): the service's own secret ([`ReplyKey`], kept in the store), the
//! proof it makes for a complaint (given once, in the filing answer), and the check of a reply's proof in
//! constant time, with the same read and the same two hashes whether the complaint exists or not. The older
//! proof a device makes itself ([`proof_for`]) is still taken for complaints received before the key.

use complaint_domain::instant::Instant;
use complaint_domain::tracking::{normalise_verifier, reply_proof_input};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::IntakeError;
use crate::ids::hex;
use crate::store::Storage;
use crate::zone::now;

/// Equal in time independent of where they differ, so the answer's timing says nothing about how much of a
/// guessed proof was right.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The older proof, which a device makes itself from the reference and verifier: still taken for
/// complaints received before the [`ReplyKey`] existed, whose devices know no other.
pub fn proof_for(reference: &str, verifier: &str) -> String {
    hex(&Sha256::digest(
        reply_proof_input(reference, verifier).as_bytes(),
    ))
}

/// The service's secret for Reply-Proofs (`docs/replies.md`), kept in the database (`secrets`), made at the
/// first start. The proof is the HMAC-SHA256 under it of the complaint's status file name (itself a hash of
/// the reference and verifier, kept in the complaint's row, so checking parses nothing), given to the filing
/// device in its answer (`reply_proof`) and nowhere else: the reference and verifier, even the status file
/// found by guessing them, no longer make it.
#[derive(Clone)]
pub struct ReplyKey {
    key: Vec<u8>,
    /// Complaints received before this only know the older proof.
    since: Instant,
}

/// Never the key itself, in a log or a panic.
impl std::fmt::Debug for ReplyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReplyKey(..)")
    }
}

impl ReplyKey {
    const NAME: &'static str = "reply-proof";

    /// The database's key, made now if it has none.
    pub fn load(store: &mut dyn Storage) -> Result<ReplyKey, IntakeError> {
        let fresh = crate::ids::new_secret()?;
        let (key, since) = store.secret(Self::NAME, &fresh, now())?;
        Ok(ReplyKey { key, since })
    }

    /// The proof for the complaint whose status file is named `status_key`, lower-case hex. (`None` cannot
    /// happen: HMAC takes a key of any length.)
    pub fn proof(&self, status_key: &str) -> Option<String> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(status_key.as_bytes());
        Some(hex(&mac.finalize().into_bytes()))
    }

    /// Whether `given` proves the right to reply to `reference`: the same read and the same two hashes on
    /// every path (a complaint found or not), then one answer. Only a complaint received before the key has
    /// its verifier read too, for the older proof.
    pub fn admits(
        &self,
        store: &dyn Storage,
        reference: &str,
        given: &str,
    ) -> Result<bool, IntakeError> {
        let found = store.proof_inputs(reference, self.since)?;
        let (name, older) = match &found {
            Some((name, older)) => (name.as_str(), older.as_deref()),
            None => ("-", None),
        };
        let given = given.trim().to_ascii_lowercase();
        let keyed = self
            .proof(name)
            .is_some_and(|proof| same_bytes(given.as_bytes(), proof.as_bytes()));
        let older_proof = proof_for(reference, &normalise_verifier(older.unwrap_or("-")));
        let older = older.is_some() & same_bytes(given.as_bytes(), older_proof.as_bytes());
        Ok(found.is_some() & (keyed | older))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs_compare_whole() {
        let proof = proof_for("CMP-7K4Q-2M9X", "anna@example.pl");
        assert!(same_bytes(proof.as_bytes(), proof.as_bytes()));
        let mut wrong = proof.clone().into_bytes();
        wrong[63] ^= 1;
        assert!(!same_bytes(&wrong, proof.as_bytes()));
        assert!(!same_bytes(&proof.as_bytes()[..63], proof.as_bytes()));
    }
}
