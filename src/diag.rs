//! Diagnostics for user-written input (config files, rule files, env files, the baseline): every
//! error names the file, the line, the column and the key, and never quotes input content. These
//! errors exit with code 2.
//!
//! A user file can hold a secret anywhere: a regex written around a real token, a `reason` that
//! pastes one, a dotenv value. So:
//!
//! - The code frame (miette) is drawn from a *masked* copy of the file ([`mask_toml`],
//!   [`mask_dotenv`]): every byte of every value, comment and string is replaced by `*`, newlines
//!   are kept, and so is every byte offset, so spans and line/column numbers stay true. Keys stay
//!   readable when they look like keys ([`plain_key`]); anything else written where a key goes
//!   is masked too. [`SourceError`]'s constructors take the original text and mask it
//!   themselves: there is no way to build a frame over unmasked text.
//! - Messages are written here, never forwarded: the texts of `toml`, `serde`, `serde_json`,
//!   `globset`, `regex` and `humantime` errors can quote the input, so they are reduced to what
//!   they say about the shape of the problem ([`toml_message`], [`json_message`],
//!   [`glob_message`], [`regex_message`]). A message names a value only when it is a plain key
//!   such as a rule id.

mod mask;

pub use mask::{mask_dotenv, mask_toml};

use mask::key_at;
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::ops::Range;

/// Stands for a part of a key path that is not a [`plain_key`].
const HIDDEN_KEY: &str = "<key>";

/// One error at one place in one file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct SourceError {
    pub message: String,
    /// The file's text with its values masked (see the module doc).
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

/// The syntax of a file shown in a code frame, which decides what is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Dotenv,
}

impl SourceError {
    /// An error in a TOML file (config, rule file). `text` is the original text: the frame
    /// shows it masked. `message` and `label` must not quote it.
    pub fn new(
        file: &str,
        text: &str,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Self::in_syntax(Syntax::Toml, file, text, span, message, label)
    }

    /// An error in a dotenv file; as [`SourceError::new`].
    pub fn dotenv(
        file: &str,
        text: &str,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Self::in_syntax(Syntax::Dotenv, file, text, span, message, label)
    }

    fn in_syntax(
        syntax: Syntax,
        file: &str,
        text: &str,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        let masked = match syntax {
            Syntax::Toml => mask_toml(text),
            Syntax::Dotenv => mask_dotenv(text),
        };
        let end = floor_char_boundary(text, span.end.min(text.len()));
        let start = floor_char_boundary(text, span.start.min(end));
        SourceError {
            message: message.into(),
            src: NamedSource::new(file, masked),
            span: (start, end - start).into(),
            label: label.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The 1-based line of the error, for messages and tests.
    pub fn line(&self) -> usize {
        line_of(self.src.inner(), self.span.offset())
    }

    /// Converts a TOML syntax or type error into a code frame naming the key when known. The
    /// toml crate's message is reduced by [`toml_message`].
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let span = err.span().unwrap_or(0..0);
        let what = toml_message(err);
        let message = match key_at(text, span.start) {
            Some(k) => format!("invalid `{k}` in {file}: {what}"),
            None => format!("invalid TOML in {file}: {what}"),
        };
        SourceError::new(file, text, span, message, what)
    }
}

/// Many errors at once (a rule pack with several broken rules reports all of them).
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{summary}")]
pub struct Diagnostics {
    pub summary: String,
    #[related]
    pub errors: Vec<SourceError>,
}

impl Diagnostics {
    pub fn new(summary: impl Into<String>, errors: Vec<SourceError>) -> Self {
        Diagnostics {
            summary: summary.into(),
            errors,
        }
    }
}

/// The 1-based line holding byte `offset` of `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

// ---------------------------------------------------------------------------------------------
// What may be shown

/// Whether `s` reads as a key or name (`fail_on`, `allow`, `API_TOKEN`, `acme-deploy-key`,
/// `s3_bucket`) rather than as a value that could be a credential: at most 64 characters, words
/// of ASCII letters in one case (or capitalized), each at most 20 letters and followed by at
/// most 3 digits, joined by `_`, `-` or `.`. A random token mixes cases and digits; a hex
/// string puts digits inside its words.
pub fn plain_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.split(['_', '-', '.']).all(plain_word)
}

fn plain_word(w: &str) -> bool {
    let letters = w.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = w.len() - letters.len();
    if letters.is_empty() {
        return digits <= 4;
    }
    let mut rest = letters.chars();
    let first = rest.next().expect("non-empty");
    let rest = rest.as_str();
    digits <= 3
        && letters.len() <= 20
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && (letters.chars().all(|c| c.is_ascii_lowercase())
            || letters.chars().all(|c| c.is_ascii_uppercase())
            || (first.is_ascii_uppercase() && rest.chars().all(|c| c.is_ascii_lowercase())))
}

/// `part` of a key path when it is a [`plain_key`], else `<key>`.
pub fn key_part(part: &str) -> &str {
    if plain_key(part) { part } else { HIDDEN_KEY }
}

/// `key` in backticks when it is a [`plain_key`], else `fallback`.
pub fn quoted_key(key: &str, fallback: &str) -> String {
    if plain_key(key) {
        format!("`{key}`")
    } else {
        fallback.to_string()
    }
}

/// Whether a library's message text is one of its fixed phrasings rather than an echo of input:
/// words (split at spaces and `/`) that are plain keys or numbers, with light punctuation
/// around them, and backtick-quoted items that are plain keys or at most 2 characters (`=`,
/// `]]`, `0x`). No quotes or backslashes outside backticks.
fn fixed_phrase(s: &str) -> bool {
    if s.len() > 200 || s.split('`').count().is_multiple_of(2) {
        return false;
    }
    s.split('`').enumerate().all(|(i, part)| {
        if i % 2 == 1 {
            return part.chars().count() <= 2 || plain_key(part);
        }
        part.split([' ', '\t', '\n', '/']).all(|word| {
            let w = word.trim_matches(|c: char| "(),;:.!?<>=+*/".contains(c));
            w.is_empty() || (w.len() <= 12 && w.bytes().all(|b| b.is_ascii_digit())) || plain_key(w)
        })
    })
}

/// What a `toml` error says, without any input it quotes: its syntax messages are fixed
/// phrases, but its type errors (serde's) quote values and unknown keys.
pub fn toml_message(err: &toml::de::Error) -> String {
    serde_message(err.message())
}

/// A serde-style message (`invalid type: string "…", expected a boolean`, `unknown field `…`,
/// expected one of …`) reduced to its kind and the static `expected` part; any other message is
/// kept only when it is a fixed phrase.
pub fn serde_message(msg: &str) -> String {
    let (head, expected) = match msg.rsplit_once(", expected ") {
        Some((h, e)) => (h, Some(e)),
        None => (msg, None),
    };
    let kinds = [
        ("unknown field", "unknown key"),
        ("unexpected keys in table", "unknown key"),
        ("unknown variant", "unknown value"),
        ("invalid type", "wrong type of value"),
        ("invalid value", "invalid value"),
        ("invalid length", "wrong number of items"),
        ("data did not match any variant", "wrong type of value"),
    ];
    let head = match kinds.iter().find(|(p, _)| head.starts_with(p)) {
        Some((_, kind)) => kind,
        None if fixed_phrase(head) => head,
        None => "invalid input",
    };
    match expected.filter(|e| fixed_phrase(e)) {
        Some(e) => format!("{head}, expected {e}"),
        None => head.to_string(),
    }
}

/// What a `serde_json` error says, with its line and column, without any input it quotes.
pub fn json_message(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = format!(" at line {} column {}", err.line(), err.column());
    let text = err.to_string();
    let msg = text.strip_suffix(&at).unwrap_or(&text);
    let what = match err.classify() {
        Category::Syntax => format!("invalid JSON ({})", serde_message(msg)),
        Category::Eof => "the JSON ends early".to_string(),
        Category::Data => serde_message(msg),
        Category::Io => "read error".to_string(),
    };
    if err.line() == 0 {
        what
    } else {
        format!("{what}{at}")
    }
}

/// What a glob error says, without the glob (`globset` quotes it, and characters of it).
pub fn glob_message(err: &globset::Error) -> String {
    use globset::ErrorKind as K;
    match err.kind() {
        K::InvalidRecursive => "invalid use of **; must be one path component",
        K::UnclosedClass => "unclosed character class; missing ']'",
        K::InvalidRange(..) => "invalid character range; its start is after its end",
        K::UnopenedAlternates => "unopened alternate group; missing '{'",
        K::UnclosedAlternates => "unclosed alternate group; missing '}'",
        K::NestedAlternates => "nested alternate groups are not allowed",
        K::DanglingEscape => "dangling '\\' at the end",
        _ => "invalid glob",
    }
    .to_string()
}

/// What a regex error says, without the pattern: `regex` and `regex-syntax` print the pattern
/// with a caret line, then `error: <kind>`; the kind is kept when it is a fixed phrase.
pub fn regex_message(err: &str) -> String {
    let kind = err.rsplit_once("error: ").map_or(err, |(_, k)| k).trim();
    if fixed_phrase(kind) {
        kind.to_string()
    } else {
        "invalid regex".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys() {
        for k in [
            "fail_on",
            "allow",
            "API_TOKEN",
            "acme-deploy-key",
            "s3_bucket",
            "Path",
            "v2",
            "x",
        ] {
            assert!(plain_key(k), "{k}");
        }
        for k in [
            "ghp_Ab3dEf9hIjKlMn0pQrStUvWxYz0123456789",
            "AKIAIOSFODNN7EXAMPLE",
            "d41d8cd98f00b204e9800998ecf8427e",
            "aB3x",
            "apiKey",
            "",
            "9lives",
        ] {
            assert!(!plain_key(k), "{k}");
        }
    }

    #[test]
    #[allow(clippy::invalid_regex)] // a bad regex is the point
    fn library_messages_lose_what_they_quote() {
        let m = serde_message("invalid type: string \"Zq81Zq81\", expected a boolean");
        assert_eq!(m, "wrong type of value, expected a boolean");
        let m = serde_message(
            "unknown field `Zq81Zq81`, expected one of `fail_on`, `include_logs`, `scopes`",
        );
        assert_eq!(
            m,
            "unknown key, expected one of `fail_on`, `include_logs`, `scopes`"
        );
        let m = serde_message("unexpected keys in table: Zq81Zq81, available keys: a, b");
        assert_eq!(m, "unknown key");
        assert_eq!(
            serde_message("missing comma between array elements, expected `,`"),
            "missing comma between array elements, expected `,`"
        );
        assert_eq!(serde_message("saw 'Zq81Zq81' here"), "invalid input");
        let e = regex::Regex::new("^Zq81Zq81(").unwrap_err();
        assert_eq!(regex_message(&e.to_string()), "unclosed group");
        let e = globset::Glob::new("Zq81Zq81[z-a]").unwrap_err();
        assert!(!glob_message(&e).contains("Zq81"));
        let e = serde_json::from_str::<Vec<u8>>("[\"Zq81Zq81\"]").unwrap_err();
        let m = json_message(&e);
        assert!(!m.contains("Zq81") && m.contains("line 1 column"), "{m}");
    }
}
