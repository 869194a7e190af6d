//! The commonest 4-byte grams of code, docs and logs (`common_grams.txt`, made by
//! `tools/grams/common_grams.py` from 81 MB of them), and what they tell: which grams are rare
//! enough to key the prefilter on (`detect::literals`), and which three-letter runs occur in the
//! words people write, to tell a password of words from random text ([`word_like`]).

use std::sync::OnceLock;

/// The table, commonest first, one gram per line, escaped as in a Rust byte string; `#` lines
/// are comments.
pub const COMMON_GRAMS: &str = include_str!("common_grams.txt");

/// The bytes of a line escaped as in a Rust byte string (`\n`, `\t`, `\\`, `\xNN`).
pub fn unescape(line: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut bytes = line.bytes();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        out.push(match bytes.next()? {
            b'n' => b'\n',
            b't' => b'\t',
            b'\\' => b'\\',
            b'x' => {
                let hex = [bytes.next()?, bytes.next()?];
                u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?
            }
            _ => return None,
        });
    }
    Some(out)
}

/// Three lower-case letters as an index into a 26³ bit set.
fn trigram(t: &[u8]) -> Option<usize> {
    t.iter().try_fold(0usize, |acc, b| {
        b.is_ascii_alphabetic()
            .then(|| acc * 26 + usize::from(b.to_ascii_lowercase() - b'a'))
    })
}

/// The letter trigrams inside the common grams (about 1,100 of the 17,576): the runs words are
/// made of (`the`, `ion`, `pas`, `ord`). Random letters hit one in sixteen.
fn common_trigrams() -> &'static [bool] {
    static SET: OnceLock<Vec<bool>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = vec![false; 26 * 26 * 26];
        for gram in COMMON_GRAMS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(unescape)
            .filter(|g| g.len() == 4)
        {
            for t in gram.windows(3) {
                if let Some(i) = trigram(t) {
                    set[i] = true;
                }
            }
        }
        set
    })
}

/// A run of four or more letters reads as words: three in five or more of its trigrams are common
/// in text (`Enterprise`, `Backup`, `newpasswordcomplicatedpassword`). Random letters almost
/// never are (measured in the tests: under 1 in 1,000 random values of 12 to 40 characters).
pub fn word_like(run: &[u8]) -> bool {
    if run.len() < 4 {
        return false;
    }
    let set = common_trigrams();
    let (mut common, mut all) = (0, 0);
    for t in run.windows(3) {
        all += 1;
        common += usize::from(trigram(t).is_some_and(|i| set[i]));
    }
    common * 5 >= all * 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_as_words_and_random_letters_do_not() {
        for w in ["Enterprise", "Strong", "password", "complicated", "Secure"] {
            assert!(word_like(w.as_bytes()), "{w}");
        }
        for w in ["qzkx", "Zxkq", "vbnmwtrp", "hBhDuJOUZC"] {
            assert!(!word_like(w.as_bytes()), "{w}");
        }
    }
}
