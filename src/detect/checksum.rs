//! Checksums embedded in token formats. GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm
//! (`npm_`) tokens end in six base62 characters that encode the CRC32 of the random part before
//! them, which tells a real token from a look-alike without any network call.

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

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
}
