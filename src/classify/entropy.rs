//! Randomness scoring for candidate secrets: Shannon entropy, a charset-aware threshold, and the
//! shapes that are random-looking but not secrets (UUIDs, versions, paths, identifiers, repeated
//! characters, keyboard and alphabet sequences).
//!
//! Plain Shannon entropy is a poor judge on its own: it ranks `a1b2c3d4e5f6` above many real keys
//! and cannot tell a UUID from a token. The threshold here depends on the alphabet the value uses
//! and on its length (a 12-character value cannot reach 5 bits per character), and the shape
//! checks run first.

/// Shannon entropy in bits per byte. 0 for empty input.
pub fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Why a value was judged not random enough to be a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRandom {
    TooShort,
    Repeated,
    Sequence,
    Uuid,
    Version,
    Path,
    Identifier,
    LowEntropy,
}

impl NotRandom {
    /// The reason as an explanation of a rejected match.
    pub fn explain(self) -> &'static str {
        match self {
            NotRandom::TooShort => "not random: too short to be a secret",
            NotRandom::Repeated => "not random: repeated characters",
            NotRandom::Sequence => "not random: a keyboard or alphabet sequence",
            NotRandom::Uuid => "not random: a UUID",
            NotRandom::Version => "not random: a version number",
            NotRandom::Path => "not random: a file path or URL path",
            NotRandom::Identifier => "not random: words or an identifier",
            NotRandom::LowEntropy => "not random: entropy below the threshold for its alphabet",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NotRandom::TooShort => "too short to be a secret",
            NotRandom::Repeated => "repeated characters",
            NotRandom::Sequence => "a keyboard or alphabet sequence",
            NotRandom::Uuid => "a UUID",
            NotRandom::Version => "a version number",
            NotRandom::Path => "a file path or URL path",
            NotRandom::Identifier => "words or an identifier",
            NotRandom::LowEntropy => "entropy below the threshold for its alphabet and length",
        }
    }
}

/// Minimum length for a value to be judged random at all.
pub const MIN_RANDOM_LEN: usize = 8;

/// Judges whether `v` looks like a randomly generated secret.
pub fn judge(v: &[u8]) -> Result<(), NotRandom> {
    if v.len() < MIN_RANDOM_LEN {
        return Err(NotRandom::TooShort);
    }
    if is_repeated(v) {
        return Err(NotRandom::Repeated);
    }
    if is_uuid(v) {
        return Err(NotRandom::Uuid);
    }
    if is_version(v) || is_timestamp(v) {
        return Err(NotRandom::Version);
    }
    if is_path(v) {
        return Err(NotRandom::Path);
    }
    if sequence_share(v) * 2 >= v.len() || interleaved_sequence(v) {
        return Err(NotRandom::Sequence);
    }
    if is_identifier(v) {
        return Err(NotRandom::Identifier);
    }
    if shannon(v) < threshold(v) {
        return Err(NotRandom::LowEntropy);
    }
    Ok(())
}

/// The entropy a value of this alphabet and length must reach: a fixed share of the most it
/// could have, `log2(min(len, alphabet size))`.
pub fn threshold(v: &[u8]) -> f64 {
    let alphabet = alphabet_size(v) as f64;
    let reachable = alphabet.min(v.len() as f64).log2();
    0.72 * reachable
}

/// Size of the smallest common alphabet that holds every byte of `v`.
fn alphabet_size(v: &[u8]) -> usize {
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    if v.iter().all(u8::is_ascii_digit) {
        10
    } else if hex
        && (v.iter().all(|b| !b.is_ascii_uppercase()) || v.iter().all(|b| !b.is_ascii_lowercase()))
    {
        16
    } else if v.iter().all(u8::is_ascii_alphanumeric) {
        let classes = crate::rules::Classes::of(v);
        use crate::rules::Classes as C;
        if classes.contains(C::UPPER) && classes.contains(C::LOWER) {
            62
        } else {
            36
        }
    } else if v
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
    {
        64
    } else {
        94
    }
}

/// One character (or a 2-3 character unit) repeated across the whole value.
fn is_repeated(v: &[u8]) -> bool {
    (1..=3).any(|unit| v.len() >= unit * 3 && v.iter().enumerate().all(|(i, &b)| b == v[i % unit]))
        || max_run(v) * 2 >= v.len()
}

fn max_run(v: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in v {
        run = if Some(b) == prev { run + 1 } else { 1 };
        prev = Some(b);
        best = best.max(run);
    }
    best
}

/// How many bytes belong to ascending/descending runs of 4+ (abcd, 1234, 9876) or keyboard rows.
fn sequence_share(v: &[u8]) -> usize {
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let lower: Vec<u8> = v.iter().map(u8::to_ascii_lowercase).collect();
    let mut covered = vec![false; v.len()];
    for step in [1i16, -1] {
        let mut start = 0;
        for i in 1..=lower.len() {
            let continues = i < lower.len()
                && lower[i].is_ascii_alphanumeric()
                && lower[i] as i16 - lower[i - 1] as i16 == step;
            if !continues {
                if i - start >= 4 {
                    covered[start..i].iter_mut().for_each(|c| *c = true);
                }
                start = i;
            }
        }
    }
    for row in ROWS {
        for w in 0..lower.len().saturating_sub(3) {
            if row.windows(4).any(|r| r == &lower[w..w + 4]) {
                covered[w..w + 4].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    covered.iter().filter(|&&c| c).count()
}

/// Letters or digits that run in sequence once the other kind is taken out (`a1b2c3d4e5f6g7h8`,
/// `x7a9b2c4d8e1f3g5h6i0`): filler typed by hand. Taken apart, at least 8 of one kind, making up a
/// third of the value or more, three quarters of them in runs.
fn interleaved_sequence(v: &[u8]) -> bool {
    [u8::is_ascii_alphabetic, u8::is_ascii_digit]
        .iter()
        .any(|kind| {
            let part: Vec<u8> = v.iter().copied().filter(kind).collect();
            part.len() >= 8
                && part.len() * 3 >= v.len()
                && sequence_share(&part) * 4 >= part.len() * 3
        })
}

/// `8-4-4-4-12` hex groups.
pub fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `1.2.3`, `v2.10.0-rc.1`, `2024.11.05`.
fn is_version(v: &[u8]) -> bool {
    // A version requirement (`^3.972.21`, `~1.2`, `>=2.0.0`) is a version too.
    let start = v
        .iter()
        .position(|b| !b"^~=<>!".contains(b))
        .unwrap_or(v.len());
    let v = &v[start..];
    let s = v.strip_prefix(b"v").unwrap_or(v);
    let core_end = s
        .iter()
        .position(|&b| b == b'-' || b == b'+')
        .unwrap_or(s.len());
    let parts: Vec<&[u8]> = s[..core_end].split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
}

/// A date or a date and time (`2016-09-24`, `2016-09-24T16:18:07Z`, `2026-01-05 10:00:01.123`):
/// judged as a version, a number that names a point, not a secret.
fn is_timestamp(v: &[u8]) -> bool {
    let date = v.len() >= 10
        && v[..10].iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    date && v[10..]
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'T' | b' ' | b':' | b'.' | b'Z' | b'+' | b'-'))
}

/// `/usr/local/bin`, `./config/app.yaml`, `C:\Users\x`, `s3://bucket/key`.
fn is_path(v: &[u8]) -> bool {
    let seps = v.iter().filter(|&&b| b == b'/' || b == b'\\').count();
    if seps == 0 {
        return false;
    }
    let starts_like_path = v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"../")
        || v.starts_with(b"~/")
        || (v.len() > 2 && v[1] == b':' && v[2] == b'\\');
    // `~`, `.` and `..` are the home and relative directories; a file name may be camelCase.
    let segments: Vec<&[u8]> = v
        .split(|&b| b == b'/' || b == b'\\')
        .filter(|s| !matches!(*s, b"" | b"~" | b"." | b".."))
        .collect();
    let wordy = segments
        .iter()
        .all(|s| is_wordish_segment(s) || is_identifier(s));
    (starts_like_path || seps >= 2) && wordy
}

fn is_wordish_segment(s: &[u8]) -> bool {
    s.split(|&b| matches!(b, b'.' | b'-' | b'_' | b':'))
        .all(|w| w.is_empty() || w.iter().all(u8::is_ascii_digit) || is_word(w))
}

/// Words joined by `_`, `-`, `.`, or camelCase, possibly with a short number: `my_secret_value`,
/// `SuperSecretPassword`, `get-api-key`, `prod.db.password2`.
pub fn is_identifier(v: &[u8]) -> bool {
    let mut words = 0;
    let mut short = 0;
    let mut letters = 0;
    let mut body = 0;
    for part in v.split(|&b| matches!(b, b'_' | b'-' | b'.' | b' ' | b':' | b'/' | b'#')) {
        if part.is_empty() {
            continue;
        }
        body += part.len();
        // A short number may lead a word as well as end it (`1Password`, `3DSecure`).
        let lead = part.iter().take_while(|b| b.is_ascii_digit()).count();
        let (alpha, digits) = split_trailing_digits(&part[lead.min(4)..]);
        if lead > 4
            || (lead > 0 && lead < part.len() && alpha.len() < 4)
            || digits.len() > 4
            || alpha.iter().any(|b| !b.is_ascii_alphabetic())
        {
            return false;
        }
        for w in camel_words(alpha) {
            if !is_word(w) {
                return false;
            }
            words += 1;
            short += usize::from(w.len() <= 3);
            letters += w.len();
        }
    }
    // Random mixed-case strings split into many tiny camelCase "words"; real names do not.
    words > 0 && short * 2 <= words + 1 && letters * 10 >= body * 7
}

fn split_trailing_digits(p: &[u8]) -> (&[u8], &[u8]) {
    let n = p.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    p.split_at(p.len() - n)
}

fn camel_words(s: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..s.len() {
        let boundary = s[i].is_ascii_uppercase()
            && (s[i - 1].is_ascii_lowercase()
                || (i + 1 < s.len()
                    && s[i + 1].is_ascii_lowercase()
                    && s[i - 1].is_ascii_uppercase()));
        if boundary {
            out.push(&s[start..i]);
            start = i;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// A pronounceable word: letters only, with vowels and no long consonant clusters. Random
/// strings of mixed case fail the camelCase split into such words.
fn is_word(w: &[u8]) -> bool {
    if w.is_empty() || !w.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let lower: Vec<u8> = w.iter().map(u8::to_ascii_lowercase).collect();
    if w.len() <= 3 {
        // Short parts: acronyms and abbreviations (API, db, tls) or short words.
        return true;
    }
    if w.len() > 20 {
        return false;
    }
    let vowels = lower.iter().filter(|b| is_vowel(**b)).count();
    let mut cluster = 0;
    let mut max_cluster = 0;
    for &b in &lower {
        cluster = if is_vowel(b) { 0 } else { cluster + 1 };
        max_cluster = max_cluster.max(cluster);
    }
    vowels * 6 >= lower.len() && max_cluster <= 4
}

/// The lower-case words of a name: split at `_`, `-`, `.`, camelCase humps (an acronym run ends
/// before the capital that starts the next word: `AWSAccessKeyId` → aws access key id) and
/// between letters and digits (`S3session` → s 3 session).
pub fn name_words(v: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &b) in v.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            out.push(std::mem::take(&mut word));
            continue;
        }
        let prev = i.checked_sub(1).map(|j| v[j]);
        let next = v.get(i + 1);
        let digit_edge = prev.is_some_and(|p| p.is_ascii_digit() != b.is_ascii_digit());
        let hump = digit_edge
            || b.is_ascii_uppercase()
                && (prev.is_some_and(|p| p.is_ascii_lowercase())
                    || prev.is_some_and(|p| p.is_ascii_uppercase())
                        && next.is_some_and(u8::is_ascii_lowercase));
        if hump {
            out.push(std::mem::take(&mut word));
        }
        word.push(b.to_ascii_lowercase() as char);
    }
    out.push(word);
    out.retain(|w| !w.is_empty());
    out
}

/// Half or more of `v` is words people type: runs of four or more letters made of the trigrams
/// of text (`classify::grams::word_like`: `Enterprise@Backup2024`, `MySuperSecureP4sswOrd`, `newpasswordcomplicatedpassword`), and
/// short words between separators (`This-is-my-test-99!`), with
/// digits inside a word read as the letters they stand for (`P4ssw0rd`). Hex is never words (a
/// digest or key spells `cafe` by chance, not by choice); random text splits into runs too short
/// or made of rare trigrams.
pub fn is_wordy(v: &[u8]) -> bool {
    if v.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let letter = |i: usize| v.get(i).is_some_and(u8::is_ascii_alphabetic);
    let read: Vec<u8> = (0..v.len())
        .map(|i| match leet(v[i]) {
            Some(l) if i > 0 && letter(i - 1) && letter(i + 1) => l,
            _ => v[i],
        })
        .collect();
    let mut in_words = 0;
    let mut at: usize = 0;
    for run in read.split(|b| !b.is_ascii_alphabetic()) {
        // A short word stands between separators (`This-is-my-test`), not between digits.
        let separated = |i: Option<usize>| {
            i.and_then(|i| read.get(i))
                .is_none_or(|b| !b.is_ascii_alphanumeric())
        };
        let short_word = (2..=3).contains(&run.len())
            && run.iter().all(u8::is_ascii_lowercase)
            && run.iter().any(|b| is_vowel(*b))
            && separated(at.checked_sub(1))
            && separated(Some(at + run.len()));
        if short_word {
            in_words += run.len();
        }
        for w in camel_words(run) {
            if super::grams::word_like(w) {
                in_words += w.len();
            }
        }
        at += run.len() + 1;
    }
    in_words * 2 >= v.len()
}

/// The letter a digit or symbol stands for inside a word people type (`P4ssw0rd`).
fn leet(b: u8) -> Option<u8> {
    Some(match b {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' | b'@' => b'a',
        b'5' | b'$' => b's',
        b'7' => b't',
        _ => return None,
    })
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_edge_cases() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"abab") - 1.0).abs() < 1e-9);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn random_values_pass() {
        for v in [
            "9fKq2LmZp8XwR4tY7nBv",
            "f3a9c1e07b5d42e8a6c09d1f7e3b5a2c",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi",
            "Tr0ub4dor&3-x9",
            "Summer2024!Blue#",
            "xKqPmWnRtBvLsZcYdHgF",
        ] {
            assert_eq!(judge(v.as_bytes()), Ok(()), "{v}");
        }
    }

    #[test]
    fn shapes_that_are_not_secrets() {
        let cases = [
            ("short", NotRandom::TooShort),
            ("aaaaaaaaaaaaaaaa", NotRandom::Repeated),
            ("abcabcabcabc", NotRandom::Repeated),
            ("abcdefghijklmnop", NotRandom::Sequence),
            ("1234567890123456", NotRandom::Sequence),
            ("qwertyuiopasdf", NotRandom::Sequence),
            ("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", NotRandom::Sequence),
            ("9x3a7b1c8d2e6f4g0h5i", NotRandom::Sequence),
            ("123e4567-e89b-12d3-a456-426614174000", NotRandom::Uuid),
            ("v1.24.3-rc.1", NotRandom::Version),
            ("^3.972.21", NotRandom::Version),
            ("~=2.31.0", NotRandom::Version),
            ("2016-09-24T16:18:07Z", NotRandom::Version),
            ("/usr/local/share/app/config", NotRandom::Path),
            ("~/keys/MyKey.txt", NotRandom::Path),
            ("my_secret_password", NotRandom::Identifier),
            ("1Password", NotRandom::Identifier),
            ("SuperSecretPassword", NotRandom::Identifier),
            ("get-api-key-from-vault", NotRandom::Identifier),
            ("prod.db.password2", NotRandom::Identifier),
            ("_bindgen_ty_3", NotRandom::Identifier),
            ("crate::ObjectIdentifier", NotRandom::Identifier),
            ("node.struct_token", NotRandom::Identifier),
        ];
        for (v, why) in cases {
            assert_eq!(judge(v.as_bytes()), Err(why), "{v}");
        }
    }

    #[test]
    fn threshold_depends_on_alphabet_and_length() {
        assert!(
            threshold(b"0123456789abcdef0123456789abcdef")
                < threshold(
                    b"Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0Aa0"
                )
        );
        assert!(threshold(b"abcdefgh") < threshold(b"abcdefghabcdefghabcdefgh"));
    }

    #[test]
    fn chosen_passwords_are_wordy_and_random_values_are_not() {
        for v in [
            "Enterprise@Backup2024",
            "MySuperSecureP4sswOrd",
            "newpasswordcomplicatedpassword",
            "VeryStrongPasswordHere!",
            "SomeKindOfPassword123!@#",
            "PassWordMustBeAtLeast6Chars.",
            "This-is-my-test-99!",
            "randomusertokenfromthewtidevice",
        ] {
            assert!(is_wordy(v.as_bytes()), "{v}");
        }
        for v in [
            "9775a026f1ca7d1c6c5af9d94d9595a4",
            "T-68618f31-0c9e-4e57-aa44-5306a2cf10e3",
            "U2FsdGVkX199MZ7YOPkOR9O6wEZmtGSgiDfnlcN9hBg=",
            "Zx9kqLmP2w8RtVb4nC7d",
        ] {
            assert!(!is_wordy(v.as_bytes()), "{v}");
        }
        // Random values of the alphabets tokens use are almost never wordy.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let alphabets: [&[u8]; 3] = [
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            b"abcdefghijklmnopqrstuvwxyz0123456789",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        ];
        let (mut wordy, mut total) = (0, 0);
        for alphabet in alphabets {
            for len in [16, 24, 32, 40] {
                for _ in 0..300 {
                    let v: Vec<u8> = (0..len)
                        .map(|_| {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            alphabet[(x % alphabet.len() as u64) as usize]
                        })
                        .collect();
                    total += 1;
                    wordy += usize::from(is_wordy(&v));
                }
            }
        }
        assert!(
            wordy * 200 < total,
            "{wordy} of {total} random values read as words"
        );
    }
}
