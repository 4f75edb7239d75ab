//! HMAC-SHA256 under `BETTER_AUTH_SECRET`, for everything Clerq signs: session cookies, invitation
//! links and (next) PDF links. Each use passes its own purpose prefix, so a signature made for one
//! can never be replayed as another.

use hmac::{Hmac, Mac};
use sha2::Sha256;

fn mac(secret: &[u8], purpose: &[u8], message: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(purpose);
    mac.update(message);
    mac
}

/// [`sign`] under the instance's secret (for callers outside this crate: the server's layers).
pub fn sign_for(auth: &crate::server::AuthSettings, purpose: &[u8], message: &[u8]) -> [u8; 32] {
    sign(auth.secret_bytes(), purpose, message)
}

/// [`verify`] under the instance's secret.
pub fn verify_for(auth: &crate::server::AuthSettings, purpose: &[u8], message: &[u8], signature: &[u8]) -> bool {
    verify(auth.secret_bytes(), purpose, message, signature)
}

/// The 32-byte signature of `message` for `purpose`.
pub fn sign(secret: &[u8], purpose: &[u8], message: &[u8]) -> [u8; 32] {
    mac(secret, purpose, message).finalize().into_bytes().into()
}

/// Whether `signature` is `message`'s for `purpose` (constant-time comparison).
pub fn verify(secret: &[u8], purpose: &[u8], message: &[u8], signature: &[u8]) -> bool {
    mac(secret, purpose, message).verify_slice(signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_only_for_its_secret_purpose_and_message() {
        let signature = sign(b"secret", b"invitation:", b"id-1");
        assert!(verify(b"secret", b"invitation:", b"id-1", &signature));
        assert!(!verify(b"other", b"invitation:", b"id-1", &signature), "another secret");
        assert!(!verify(b"secret", b"pdf:", b"id-1", &signature), "another purpose");
        assert!(!verify(b"secret", b"invitation:", b"id-2", &signature), "another message");
        assert!(!verify(b"secret", b"invitation:", b"id-1", &signature[..31]), "a truncated signature");
    }
}
