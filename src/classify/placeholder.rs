//! Values that stand in for a secret: placeholders (`<token>`, `YOUR_API_KEY`, `changeme`),
//! masks (`****ABCD`, `[REDACTED]`), provider documentation examples (`…EXAMPLE`) and filler
//! (`xxxx…`). Judged on the value alone.

/// Markers that make any value containing them a placeholder (compared lowercase).
const MARKERS: [&str; 27] = [
    "example",
    "xxxx",
    "your_",
    "your-",
    "yourapi",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "yourpass",
    "changeme",
    "change_me",
    "change-me",
    "dummy",
    "redacted",
    "placeholder",
    "replace_me",
    "replace-me",
    "replaceme",
    "insert_",
    "insert-",
    "****",
    "\u{2022}\u{2022}",
    "\u{2026}",
    "...",
    "notreal",
    "not_real",
    "not-a-real",
];

/// Whole values that are never secrets (compared lowercase).
const WORDS: [&str; 24] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "empty",
    "test",
    "testing",
    "admin",
    "root",
    "default",
    "string",
    "required",
    "optional",
    "tbd",
    "todo",
    "value",
];

/// Credentials published in providers' documentation and tools, copied verbatim into runbooks and
/// samples: they grant nothing. Split with `concat!` so this file does not trip the repository's
/// own gate.
const DOCUMENTATION_VALUES: [&str; 12] = [
    // Telegram Bot API documentation.
    concat!("123456:ABC-DEF1234ghIkl", "-zyx57W2v1u123ew11"),
    // Azurite / Azure Storage Emulator well-known account key.
    concat!(
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
        "/K1SZFPTOtr/KBHBeksoGMGw=="
    ),
    // The jwt.io sample token.
    concat!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6",
        "IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    ),
    // Stripe API reference test keys.
    concat!("sk_test_", "4eC39HqLyjWDarjtT1zdp7dc"),
    concat!("pk_test_", "TYooMQauvdEDq54NiTphI7jx"),
    // The development accounts 0 to 3 of Hardhat and Anvil (Foundry), which both print them at
    // start and document them: keys of a local test chain, known to everyone.
    concat!(
        "ac0974bec39a17e36ba4a6b4d238ff94",
        "4bacb478cbed5efcae784d7bf4f2ff80"
    ),
    concat!(
        "59c6995e998f97a5a0044966f0945389",
        "dc9e86dae88c7a8412f4603b6b78690d"
    ),
    concat!(
        "5de4111afa1a4b94908f83103eb1f170",
        "6367c2e68ca870fc3fb9a804cdab365a"
    ),
    concat!(
        "7c852118294e51e653712a81e05800f4",
        "19141751be58f605c371e15141b007a6"
    ),
    // Hardhat's and Anvil's mnemonic, and the first test vector of the BIP-39 specification.
    concat!(
        "test test test test test test ",
        "test test test test test junk"
    ),
    concat!(
        "abandon abandon abandon abandon abandon abandon ",
        "abandon abandon abandon abandon abandon about"
    ),
    // The example UUID of RFC 4122 (and of countless API references that take a UUID key).
    concat!("123e4567-e89b-12d3", "-a456-426614174000"),
];

/// The filler marker (`xxxx`, compared lowercase) as it counts in a token of a proven format: a
/// run this long. Four x's occur by chance in about one random 36-character base62 token in
/// 30,000; eight, in fewer than one in ten billion.
const PROVEN_FILLER: &str = "xxxxxxxx";

/// Returns why `v` is a placeholder, or `None` when it may be a real value.
pub fn check(v: &[u8]) -> Option<&'static str> {
    documentation(v).or_else(|| looks_made_up(v, "xxxx"))
}

/// As [`check`], for a match whose format is proven (`Rule::format_proven`). With a passing
/// `checksum`, only a credential published in documentation is a placeholder: filler and words do
/// not carry a valid checksum. Otherwise every check applies, but filler counts only as a run of
/// [`PROVEN_FILLER`], not the four x's a random token holds now and then.
pub fn check_proven(v: &[u8], checksum: bool) -> Option<&'static str> {
    match checksum {
        true => documentation(v),
        false => documentation(v).or_else(|| looks_made_up(v, PROVEN_FILLER)),
    }
}

fn documentation(v: &[u8]) -> Option<&'static str> {
    DOCUMENTATION_VALUES
        .iter()
        .any(|d| v.len() >= d.len() && memchr::memmem::find(v, d.as_bytes()).is_some())
        .then_some("a credential published in provider documentation")
}

/// A placeholder word, a marker (with `filler` for the `xxxx` one), brackets or filler only.
fn looks_made_up(v: &[u8], filler: &str) -> Option<&'static str> {
    let lower = String::from_utf8_lossy(v).to_lowercase();
    let trimmed = lower.trim_matches(|c: char| !c.is_alphanumeric());
    if WORDS.contains(&trimmed) {
        return Some("a placeholder word");
    }
    // `secret123`, `password1`, `admin2024`: a placeholder word with a number.
    let word = trimmed.trim_end_matches(|c: char| c.is_ascii_digit());
    if word.len() < trimmed.len() && WORDS.contains(&word) {
        return Some("a placeholder word with a number");
    }
    let marker = |m: &&str| lower.contains(if *m == "xxxx" { filler } else { m });
    if MARKERS.iter().any(marker) {
        return Some("a placeholder or masked value");
    }
    if (lower.starts_with('<') && lower.ends_with('>'))
        || (lower.starts_with('[') && lower.ends_with(']'))
    {
        return Some("a placeholder in brackets");
    }
    if v.iter()
        .all(|&b| b == b'*' || b == b'x' || b == b'X' || b == b'#' || b == b'0')
    {
        return Some("filler characters");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn placeholders_are_recognised() {
        for v in [
            "<token>",
            "YOUR_API_KEY",
            "your-api-key-here",
            "xxxxxxxxxxxxxxxx",
            "****ABCD",
            "changeme",
            "[REDACTED]",
            "AKIAIOSFODNN7EXAMPLE",
            "sk_live_dummy_value_for_docs",
            "0000000000000000",
            "secret123",
            "Password1",
            super::DOCUMENTATION_VALUES[0],
            super::DOCUMENTATION_VALUES[2],
        ] {
            assert!(check(v.as_bytes()).is_some(), "{v}");
        }
    }

    #[test]
    fn proven_tokens_are_placeholders_only_by_what_chance_cannot_write() {
        use super::check_proven;
        // Built with concat! so the repository's own scan does not see a token here.
        let four_x = concat!("ghp_", "Qm7Lxxxx2Pz9Rt4Wv8Ny3Ks6Hd1Gf5Jb0Tc4Ae");
        assert!(check(four_x.as_bytes()).is_some());
        assert_eq!(check_proven(four_x.as_bytes(), true), None);
        assert_eq!(check_proven(four_x.as_bytes(), false), None);
        let eight_x = concat!("sk_live_", "Qm7Lxxxxxxxx2Pz9Rt4Wv8Ny3Ks");
        assert_eq!(check_proven(eight_x.as_bytes(), true), None);
        assert!(check_proven(eight_x.as_bytes(), false).is_some());
        let words = concat!("AKIAIOSFOD", "NN7EXAMPLE");
        assert_eq!(check_proven(words.as_bytes(), true), None);
        assert!(check_proven(words.as_bytes(), false).is_some());
        for doc in super::DOCUMENTATION_VALUES {
            assert!(check_proven(doc.as_bytes(), true).is_some(), "{doc}");
        }
    }

    #[test]
    fn random_values_are_not_placeholders() {
        // Built with concat! so the repository's own scan does not see a token here.
        let stripe_like = concat!("sk_", "test_", "Wq3pXt9LmZ2vB8nK4rY7cD1f");
        for v in ["9fKq2LmZp8XwR4tY7nBv", stripe_like, "hunter2!x"] {
            assert_eq!(check(v.as_bytes()), None, "{v}");
        }
    }
}
