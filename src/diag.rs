//! Diagnostics for user-written input (config files, rule files): every error names the file, the
//! line and the key, rendered by miette as a code frame. These errors exit with code 2.
//!
//! The texts shown here are configuration, never scanned content, so they cannot hold a secret
//! found by a scan.

use miette::{Diagnostic, NamedSource, SourceSpan};
use std::ops::Range;

/// One error at one place in one file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct SourceError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl SourceError {
    pub fn new(
        file: &str,
        text: &str,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        let end = span.end.min(text.len());
        let start = span.start.min(end);
        SourceError {
            message: message.into(),
            src: NamedSource::new(file, text.to_string()),
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
        let text = self.src.inner();
        text[..self.span.offset().min(text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1
    }

    /// Converts a TOML syntax or type error into a code frame naming the key when known.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let span = err.span().unwrap_or(0..0);
        let key = key_at(text, span.start);
        let message = match &key {
            Some(k) => format!("invalid `{k}` in {file}: {}", err.message()),
            None => format!("invalid TOML in {file}: {}", err.message()),
        };
        SourceError::new(file, text, span, message, err.message().to_string())
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

/// The key written at the start of the line holding `offset`, if the line is `key = value`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'));
    ok.then(|| key.trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_read_from_the_error_line() {
        let text = "[scan]\nfail_on = 3\n";
        assert_eq!(key_at(text, 17).as_deref(), Some("fail_on"));
        assert_eq!(key_at(text, 2), None);
    }
}
