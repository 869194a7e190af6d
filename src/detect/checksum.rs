//! Checksums embedded in credential formats, which tell a real credential from a look-alike
//! without any network call:
//!
//! - GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens end in six base62
//!   characters that encode the CRC32 of the random part before them;
//! - Bitcoin's base58check (WIF private keys, BIP-32 extended keys): the last 4 decoded bytes are
//!   the first 4 of the double SHA-256 of the rest;
//! - BIP-39 mnemonics (wallet recovery phrases): every word is on the English list, and the last
//!   bits the words encode are the SHA-256 of the entropy before them.

use sha2::{Digest, Sha256};

use crate::rules::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Whether `secret` passes `checksum`.
pub fn passes(checksum: Checksum, secret: &[u8]) -> bool {
    match checksum {
        Checksum::Base62Crc32 => base62_crc32_ok(secret),
        Checksum::Base58Check => base58check_ok(secret),
        Checksum::Bip39 => bip39_ok(secret),
    }
}

/// Encodes `n` in base62, left-padded with `0` to `width` characters.
pub fn base62(mut n: u32, width: usize) -> String {
    let mut out = Vec::with_capacity(width);
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).expect("base62 is ASCII")
}

/// True when `token` (with or without its `prefix_`) ends in the base62 CRC32 of its body.
pub fn base62_crc32_ok(token: &[u8]) -> bool {
    let body_and_sum = match token.iter().rposition(|&b| b == b'_') {
        Some(i) => &token[i + 1..],
        None => token,
    };
    if body_and_sum.len() < 7 || !body_and_sum.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (body, sum) = body_and_sum.split_at(body_and_sum.len() - 6);
    base62(crc32fast::hash(body), 6).as_bytes() == sum
}

/// True when `text` is base58 whose last 4 decoded bytes are the first 4 of the double SHA-256
/// of the bytes before them.
pub fn base58check_ok(text: &[u8]) -> bool {
    let Ok(bytes) = bs58::decode(text).into_vec() else {
        return false;
    };
    if bytes.len() < 5 {
        return false;
    }
    let (payload, sum) = bytes.split_at(bytes.len() - 4);
    Sha256::digest(Sha256::digest(payload))[..4] == *sum
}

/// True when `text` is a BIP-39 mnemonic of 12, 15, 18, 21 or 24 English words, in any case and
/// separated by any run of whitespace, whose checksum bits match.
pub fn bip39_ok(text: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(text) else {
        return false;
    };
    let words: Vec<String> = text
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    matches!(words.len(), 12 | 15 | 18 | 21 | 24)
        && bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &words.join(" ")).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 6), "00000z");
        assert_eq!(base62(62, 6), "000010");
        assert_eq!(base62(u32::MAX, 6), "4gfFC3");
    }

    #[test]
    fn checksum_round_trip() {
        let body = "Qx7Lm2Pz9Rt4Wv8Ny3Ks6Hd1Gf5Jb0";
        let token = format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6));
        assert!(base62_crc32_ok(token.as_bytes()));
        let mut broken = token.into_bytes();
        let last = broken.len() - 1;
        broken[last] = if broken[last] == b'A' { b'B' } else { b'A' };
        assert!(!base62_crc32_ok(&broken));
        assert!(!base62_crc32_ok(b"ghp_short"));
    }

    /// Base58 of `payload` with its checksum, as a wallet writes it.
    fn base58check(payload: &[u8]) -> String {
        let sum = Sha256::digest(Sha256::digest(payload));
        let mut all = payload.to_vec();
        all.extend_from_slice(&sum[..4]);
        bs58::encode(all).into_string()
    }

    #[test]
    fn base58check_takes_a_valid_key_and_rejects_a_changed_one() {
        // A WIF key: version 0x80, 32 key bytes, 0x01 (compressed).
        let mut payload = vec![0x80];
        payload.extend((1..=32).map(|i: u8| i.wrapping_mul(37)));
        payload.push(0x01);
        let wif = base58check(&payload);
        assert!(wif.starts_with('K') || wif.starts_with('L'), "{wif}");
        assert!(base58check_ok(wif.as_bytes()));
        let mut changed = wif.clone().into_bytes();
        changed[10] = if changed[10] == b'2' { b'3' } else { b'2' };
        assert!(!base58check_ok(&changed));
        // Not base58 at all (0, O, I and l are not in its alphabet), or too short.
        assert!(!base58check_ok(b"0OIl"));
        assert!(!base58check_ok(b"2"));
    }

    #[test]
    fn bip39_checks_words_count_and_checksum() {
        // 16 bytes of entropy: 12 words, the last holding a 4-bit checksum.
        let m = bip39::Mnemonic::from_entropy(&[0x5a; 16]).expect("16 bytes");
        let phrase = m.words().collect::<Vec<_>>().join(" ");
        assert!(bip39_ok(phrase.as_bytes()));
        // Any whitespace between the words, any case.
        let spaced = phrase.to_uppercase().replace(' ', "\n  ");
        assert!(bip39_ok(spaced.as_bytes()));
        // Words in another order break the checksum (all but 1 in 16 orders).
        let mut words: Vec<&str> = phrase.split(' ').collect();
        words.swap(0, 11);
        let swapped = words.join(" ");
        assert_ne!(swapped, phrase);
        assert!(!bip39_ok(swapped.as_bytes()));
        // 11 words, or a word not on the list.
        assert!(!bip39_ok(words[..11].join(" ").as_bytes()));
        let mut off = phrase.split(' ').collect::<Vec<_>>();
        off[3] = "leakgate";
        assert!(!bip39_ok(off.join(" ").as_bytes()));
    }
}
