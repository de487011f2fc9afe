//! References, PINs and the service's secrets: random, in Crockford's base 32 (no I, L, O or U, so nothing reads as another
//! letter or a word), in groups of four that people can read out on the phone.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Bytes as lower-case hex: digests, keys and the names made of them.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, thiserror::Error)]
#[error("the system's random number source failed: {0}")]
pub struct NoRandomness(#[source] getrandom::Error);

/// Eight random characters (40 bits) as `XXXX-XXXX`.
fn random_groups() -> Result<String, NoRandomness> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(NoRandomness)?;
    // Each byte gives one character: 256 is a multiple of 32, so every character is equally likely.
    let chars: String = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
        .collect();
    Ok(format!("{}-{}", &chars[..4], &chars[4..]))
}

/// `CMP-XXXX-XXXX`: the reference the customer is given.
pub fn new_reference() -> Result<String, NoRandomness> {
    Ok(format!("CMP-{}", random_groups()?))
}

/// `XXXX-XXXX`: 40 bits a customer without an email address holds to track their complaint.
pub fn new_pin() -> Result<String, NoRandomness> {
    random_groups()
}

/// 32 random bytes: a key of the service's own (the Reply-Proof's, `crate::reply_proof::ReplyKey`).
pub fn new_secret() -> Result<[u8; 32], NoRandomness> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(NoRandomness)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_crockford_group(s: &str) -> bool {
        s.len() == 4 && s.bytes().all(|b| ALPHABET.contains(&b))
    }

    #[test]
    fn references_and_pins_have_the_documented_shape() {
        let reference = new_reference().unwrap();
        let parts: Vec<&str> = reference.split('-').collect();
        assert_eq!(parts[0], "CMP");
        assert!(
            parts[1..].iter().all(|p| is_crockford_group(p)),
            "{reference}"
        );
        let pin = new_pin().unwrap();
        assert!(pin.split('-').all(is_crockford_group), "{pin}");
        assert_eq!(pin.len(), 9);
    }

    #[test]
    fn they_do_not_repeat() {
        let many: std::collections::BTreeSet<String> =
            (0..1000).map(|_| new_reference().unwrap()).collect();
        assert_eq!(many.len(), 1000);
    }
}
