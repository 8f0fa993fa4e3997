//! Random tokens (sessions, magic links, status links, signatures): random bytes shown base64url; only
//! their SHA-256 is stored, so a copy of the database opens no session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new token: what the user gets, and what is stored.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new token whose stored form sorts by creation time, for tables that take many rows a second
/// (petition signatures): 8 bytes of the creation time (microseconds, big-endian) and 32 random
/// bytes, shown base64url; stored as those 8 bytes followed by the token's SHA-256. A new row's
/// key is appended to its index instead of landing on a random page (one page less written to
/// the log per signature). The time it reveals is stored next to it anyway.
pub fn new_ordered_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 40];
    bytes[..8].copy_from_slice(&crate::clock::system_time().as_microsecond().to_be_bytes());
    rand::rng().fill_bytes(&mut bytes[8..]);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let key = ordered_key(&token);
    (token, key)
}

/// The stored form of a token from `new_ordered_token`; of any other token (such as one made
/// before them), its plain hash.
pub fn ordered_key(token: &str) -> Vec<u8> {
    match URL_SAFE_NO_PAD.decode(token) {
        Ok(bytes) if bytes.len() == 40 => [&bytes[..8], hash(token).as_slice()].concat(),
        _ => hash(token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_tokens_sort_by_creation_and_store_only_a_hash() {
        let (first, first_key) = new_ordered_token();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let (second, second_key) = new_ordered_token();
        assert!(first_key < second_key, "a later token's key sorts after an earlier one's");
        assert_eq!(ordered_key(&first), first_key);
        assert_eq!(&first_key[8..], hash(&first).as_slice(), "the rest of the key is the token's SHA-256");
        assert_eq!(ordered_key(&second), second_key);
        // A token made before ordered ones (32 random bytes) is found by its plain hash.
        let (old, old_hash) = new_token();
        assert_eq!(ordered_key(&old), old_hash);
        // Another 40-byte token with the same time prefix but other random bytes has another key.
        let mut forged = URL_SAFE_NO_PAD.decode(&first).unwrap();
        forged[39] ^= 1;
        assert_ne!(ordered_key(&URL_SAFE_NO_PAD.encode(forged)), first_key);
    }
}
