//! The only code that turns secret bytes into printable text. A secret is shown as `****` plus its
//! last 4 characters, and only when it has at least 16 characters (so the suffix gives nothing
//! away); shorter secrets show `****` alone. Every output format goes through [`mask`].

/// Characters a secret needs before its suffix may be shown.
pub const MIN_LEN_FOR_SUFFIX: usize = 16;
/// Characters of suffix shown.
pub const SUFFIX_LEN: usize = 4;
/// What stands for the hidden part.
pub const STARS: &str = "****";

/// The masked form of a secret.
pub fn mask(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < MIN_LEN_FOR_SUFFIX {
        return STARS.to_string();
    }
    let suffix: String = chars[chars.len() - SUFFIX_LEN..].iter().collect();
    if suffix.chars().any(|c| c.is_control() || c == '\u{FFFD}') {
        return STARS.to_string();
    }
    format!("{STARS}{suffix}")
}

/// Length of the secret in characters, as reported in `secret_len`.
pub fn char_len(secret: &[u8]) -> usize {
    String::from_utf8_lossy(secret).chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_show_no_suffix() {
        assert_eq!(mask(b""), "****");
        assert_eq!(mask(b"abc"), "****");
        assert_eq!(mask(b"0123456789abcde"), "****");
    }

    #[test]
    fn long_secrets_show_last_four() {
        assert_eq!(mask(b"0123456789abcdef"), "****cdef");
        assert_eq!(mask("ééééééééééééééééWXYZ".as_bytes()), "****WXYZ");
    }

    #[test]
    fn control_characters_are_never_shown() {
        assert_eq!(mask(b"0123456789abcde\n\n\n\n"), "****");
    }
}
