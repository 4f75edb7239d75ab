//! Signed 15-minute PDF links (PRODUCT §3.9.8): whoever holds one can download that one invoice
//! until it expires, without signing in. The token is base64url(JSON `{invoiceId, businessId,
//! exp}`) "." base64url(HMAC-SHA256 under `BETTER_AUTH_SECRET`), so changing the secret voids
//! every link.

use crate::ids::{BusinessId, InvoiceId};
use crate::server::signing::{sign, verify};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a link works.
pub const LINK_LIFETIME: Duration = Duration::minutes(15);
/// Keeps the signature of a PDF link from standing for any other signed thing.
const PURPOSE: &[u8] = b"clerq-invoice-pdf:";
/// A genuine token is ~150 characters; anything far longer is refused before decoding.
const MAX_TOKEN_LEN: usize = 512;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Claims {
    invoice_id: Uuid,
    business_id: Uuid,
    /// Unix seconds.
    exp: i64,
}

/// The token for `invoice` of `business`, valid until `expires_at`.
pub fn token(secret: &[u8], business: BusinessId, invoice: InvoiceId, expires_at: DateTime<Utc>) -> String {
    let claims = Claims { invoice_id: invoice.0, business_id: business.0, exp: expires_at.timestamp() };
    // Serialising three plain fields cannot fail.
    let json = serde_json::to_vec(&claims).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(json);
    let signature = URL_SAFE_NO_PAD.encode(sign(secret, PURPOSE, payload.as_bytes()));
    format!("{payload}.{signature}")
}

/// The business whose invoice `token` opens, when it is genuine, names `invoice` and has not
/// expired at `now`. Every failure is the same `None`: the caller says "Invalid or expired link".
pub fn verify_token(secret: &[u8], token: &str, invoice: InvoiceId, now: DateTime<Utc>) -> Option<BusinessId> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let (payload, signature) = token.split_once('.')?;
    // The strict decoder refuses non-canonical trailing bits, so no two spellings of one
    // signature exist: every changed character is a refused token.
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    if !verify(secret, PURPOSE, payload.as_bytes(), &signature) {
        return None;
    }
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (claims.invoice_id == invoice.0 && now.timestamp() < claims.exp).then_some(BusinessId(claims.business_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SECRET: &[u8] = b"a-secret-of-reasonable-length-for-tests";

    fn ids() -> (BusinessId, InvoiceId) {
        (BusinessId(Uuid::from_u128(0xB1)), InvoiceId(Uuid::from_u128(0x1A)))
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).single().expect("a valid instant")
    }

    #[test]
    fn a_link_opens_its_invoice_until_it_expires() {
        let (business, invoice) = ids();
        let token = token(SECRET, business, invoice, now() + LINK_LIFETIME);
        assert_eq!(verify_token(SECRET, &token, invoice, now()), Some(business));
        let almost = now() + LINK_LIFETIME - Duration::seconds(1);
        assert_eq!(verify_token(SECRET, &token, invoice, almost), Some(business));
        assert_eq!(verify_token(SECRET, &token, invoice, now() + LINK_LIFETIME), None, "expired");
    }

    #[test]
    fn a_link_opens_nothing_else() {
        let (business, invoice) = ids();
        let token = token(SECRET, business, invoice, now() + LINK_LIFETIME);
        assert_eq!(verify_token(SECRET, &token, InvoiceId(Uuid::from_u128(0x2A)), now()), None, "another invoice");
        assert_eq!(verify_token(b"another-secret", &token, invoice, now()), None, "a changed secret");
        assert_eq!(verify_token(SECRET, "", invoice, now()), None);
        assert_eq!(verify_token(SECRET, "no-dot", invoice, now()), None);
        assert_eq!(verify_token(SECRET, &"a".repeat(600), invoice, now()), None);
    }

    #[test]
    fn every_single_character_change_is_refused() {
        let (business, invoice) = ids();
        let token = token(SECRET, business, invoice, now() + LINK_LIFETIME);
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        for position in 0..token.len() {
            for &replacement in alphabet {
                let mut bytes = token.clone().into_bytes();
                if bytes[position] == replacement {
                    continue;
                }
                bytes[position] = replacement;
                let tampered = String::from_utf8(bytes).expect("ascii");
                assert_eq!(verify_token(SECRET, &tampered, invoice, now()), None, "{tampered}");
            }
        }
    }

    #[test]
    fn the_payload_is_the_documented_json() {
        let (business, invoice) = ids();
        let token = token(SECRET, business, invoice, now() + LINK_LIFETIME);
        let payload = URL_SAFE_NO_PAD.decode(token.split('.').next().expect("payload")).expect("base64url");
        let json: serde_json::Value = serde_json::from_slice(&payload).expect("json");
        assert_eq!(json["invoiceId"], invoice.0.to_string());
        assert_eq!(json["businessId"], business.0.to_string());
        assert_eq!(json["exp"], (now() + LINK_LIFETIME).timestamp());
    }
}
