//! Inline allow comments: `leakgate:allow` on the secret's line, or `leakgate:allow-next-line` on
//! the line before, optionally followed by a reason (`leakgate:allow test fixture for parser`).
//! The finding stays in the report as suppressed, with the reason.

const MARKER: &[u8] = b"leakgate:allow";
const NEXT_LINE: &[u8] = b"-next-line";

/// The reason if the line holding `offset` (or the line before it) allows findings.
pub fn allowed(buf: &[u8], offset: usize) -> Option<String> {
    let line_start = buf[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = buf[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(buf.len(), |i| offset + i);
    if let Some(rest) = marker(&buf[line_start..line_end])
        && !rest.starts_with(NEXT_LINE)
    {
        return Some(reason(rest));
    }
    if line_start > 0 {
        let prev_start = buf[..line_start - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        if let Some(rest) = marker(&buf[prev_start..line_start - 1])
            && let Some(rest) = rest.strip_prefix(NEXT_LINE)
        {
            return Some(reason(rest));
        }
    }
    None
}

/// The bytes after the marker, if the line holds it.
fn marker(line: &[u8]) -> Option<&[u8]> {
    memchr::memmem::find(line, MARKER).map(|i| &line[i + MARKER.len()..])
}

/// The reason written after the marker, its values masked (the rest of the line may hold the
/// very secret it allows).
fn reason(rest: &[u8]) -> String {
    let raw = String::from_utf8_lossy(rest);
    let raw = raw
        .trim_start_matches([':', ' ', '\t', '='])
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '>' | '*' | '/'))
        .trim();
    let text = crate::snippet::masked_text(raw.as_bytes());
    if text.is_empty() {
        "allowed inline (leakgate:allow)".to_string()
    } else {
        let clipped: String = text.chars().take(200).collect();
        format!("allowed inline: {clipped}")
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn same_line_and_next_line() {
        let text = b"a = 1\nkey = v # leakgate:allow fixture for parser tests\n";
        assert_eq!(
            allowed(text, 12).as_deref(),
            Some("allowed inline: fixture for parser tests")
        );
        let text = b"<!-- leakgate:allow-next-line -->\nkey = v\nother = w\n";
        assert!(allowed(text, 36).is_some());
        assert!(allowed(text, 44).is_none());
        assert!(allowed(b"key = v\n", 3).is_none());
    }

    #[test]
    fn a_reason_never_holds_the_secret_it_allows() {
        let text = b"leakgate:allow rotated token=Zx9Kq2Lm7Pw4Rt8Vb3Nc6\n";
        assert_eq!(
            allowed(text, 30).as_deref(),
            Some("allowed inline: rotated token=****")
        );
        let text = b"leakgate:allow Zx9Kq2Lm7Pw4Rt8Vb3Nc6\n";
        assert_eq!(allowed(text, 20).as_deref(), Some("allowed inline: ****"));
    }
}
