//! Inline allow comments. leakgate's own: `leakgate:allow` on the secret's line, or
//! `leakgate:allow-next-line` on the line before, optionally followed by a reason
//! (`leakgate:allow test fixture for parser`). For users coming from other scanners, their
//! markers are honoured too: gitleaks' `gitleaks:allow` on the secret's line, and detect-secrets'
//! `pragma: allowlist secret` on the secret's line or `pragma: allowlist nextline secret` on the
//! line before (also spelled `pragma:allowlist secret`, `allowlist-secret`, and the older
//! `pragma: whitelist secret`). Markers are matched
//! case-sensitively anywhere on the line, as these tools write them in a comment.
//!
//! The finding stays in the report as suppressed, with a reason that names the marker.

const MARKER: &[u8] = b"leakgate:allow";
const NEXT_LINE: &[u8] = b"-next-line";
const GITLEAKS: &[u8] = b"gitleaks:allow";

/// Which line a marker applies to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    ThisLine,
    NextLine,
}

/// The reason if the line holding `offset` (or the line before it) allows findings. Every
/// occurrence of `secret` (the candidate's bytes) in the reason is masked, whatever its shape.
pub fn allowed(buf: &[u8], offset: usize, secret: &[u8]) -> Option<String> {
    let line_start = buf[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = buf[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(buf.len(), |i| offset + i);
    if let Some(reason) = marker_on(&buf[line_start..line_end], Reach::ThisLine, secret) {
        return Some(reason);
    }
    if line_start > 0 {
        let prev_start = buf[..line_start - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        return marker_on(&buf[prev_start..line_start - 1], Reach::NextLine, secret);
    }
    None
}

/// The suppression reason of the first marker on `line` that reaches as far as `reach`.
fn marker_on(line: &[u8], reach: Reach, secret: &[u8]) -> Option<String> {
    if let Some(rest) = marker(line) {
        match (rest.strip_prefix(NEXT_LINE), reach) {
            (None, Reach::ThisLine) => return Some(reason(rest, secret)),
            (Some(rest), Reach::NextLine) => return Some(reason(rest, secret)),
            _ => {}
        }
    }
    if reach == Reach::ThisLine && memchr::memmem::find(line, GITLEAKS).is_some() {
        return Some("allowed inline (gitleaks:allow)".to_string());
    }
    match pragma(line) {
        Some((word, r)) if r == reach => {
            let next = if r == Reach::NextLine {
                " nextline"
            } else {
                ""
            };
            Some(format!("allowed inline (pragma: {word}{next} secret)"))
        }
        _ => None,
    }
}

/// The bytes after the marker, if the line holds it.
fn marker(line: &[u8]) -> Option<&[u8]> {
    memchr::memmem::find(line, MARKER).map(|i| &line[i + MARKER.len()..])
}

/// A detect-secrets pragma on the line: `pragma: allowlist secret` (this line) or
/// `pragma: allowlist nextline secret` (the next line), with the word it used (`allowlist`, or
/// the older `whitelist`). The space after `pragma:` is optional, and a `-` may stand for each
/// space after the word, as detect-secrets reads them.
fn pragma(line: &[u8]) -> Option<(&'static str, Reach)> {
    const PRAGMA: &[u8] = b"pragma:";
    let sep = |b: Option<&u8>| matches!(b, Some(b' ' | b'-'));
    for at in memchr::memmem::find_iter(line, PRAGMA) {
        let mut rest = &line[at + PRAGMA.len()..];
        rest = rest.strip_prefix(b" ").unwrap_or(rest);
        let Some((word, mut rest)) = ["allowlist", "whitelist"]
            .into_iter()
            .find_map(|w| Some((w, rest.strip_prefix(w.as_bytes())?)))
        else {
            continue;
        };
        if !sep(rest.first()) {
            continue;
        }
        rest = &rest[1..];
        let mut reach = Reach::ThisLine;
        if let Some(after) = rest.strip_prefix(b"nextline".as_slice())
            && sep(after.first())
        {
            reach = Reach::NextLine;
            rest = &after[1..];
        }
        if rest.starts_with(b"secret") {
            return Some((word, reach));
        }
    }
    None
}

/// The reason written after the marker, its values masked (the rest of the line may hold the
/// very secret it allows: that one is masked whatever its shape, a UUID-shaped key included).
fn reason(rest: &[u8], secret: &[u8]) -> String {
    let mut hidden;
    let mut rest = rest;
    if !secret.is_empty() && memchr::memmem::find(rest, secret).is_some() {
        hidden = Vec::with_capacity(rest.len());
        let mut at = 0;
        for i in memchr::memmem::find_iter(rest, secret) {
            if i >= at {
                hidden.extend_from_slice(&rest[at..i]);
                hidden.extend_from_slice(crate::mask::STARS.as_bytes());
                at = i + secret.len();
            }
        }
        hidden.extend_from_slice(&rest[at..]);
        rest = &hidden;
    }
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

    /// The verdict for the value `v = …` on line `line` (1-based) of `text`.
    fn at_line(text: &str, line: usize) -> Option<String> {
        let start: usize = text
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let offset = start + text[start..].find("v = ").expect("a value on the line") + 4;
        allowed(text.as_bytes(), offset, b"")
    }

    #[test]
    fn same_line_and_next_line() {
        let text = b"a = 1\nkey = v # leakgate:allow fixture for parser tests\n";
        assert_eq!(
            allowed(text, 12, b"").as_deref(),
            Some("allowed inline: fixture for parser tests")
        );
        let text = b"<!-- leakgate:allow-next-line -->\nkey = v\nother = w\n";
        assert!(allowed(text, 36, b"").is_some());
        assert!(allowed(text, 44, b"").is_none());
        assert!(allowed(b"key = v\n", 3, b"").is_none());
    }

    /// Found by the scan_planted property: an Opsgenie key is UUID-shaped, and a UUID is not a
    /// value the reason's masking hides, so the key it allowed showed whole.
    #[test]
    fn a_reason_masks_the_allowed_secret_whatever_its_shape() {
        let key = b"3f1c9a2e-7b4d-4e8a-9c6f-1d2e3f4a5b6c";
        let mut text = b"leakgate:allow opsgenie key ".to_vec();
        text.extend_from_slice(key);
        text.push(b'\n');
        let reason = allowed(&text, 28, key).unwrap();
        assert!(!reason.contains("3f1c9a2e"), "{reason}");
        assert!(
            reason.starts_with("allowed inline: opsgenie key"),
            "{reason}"
        );
    }

    #[test]
    fn a_reason_never_holds_the_secret_it_allows() {
        let text = b"leakgate:allow rotated token=Zx9Kq2Lm7Pw4Rt8Vb3Nc6\n";
        assert_eq!(
            allowed(text, 30, b"").as_deref(),
            Some("allowed inline: rotated token=****")
        );
        let text = b"leakgate:allow Zx9Kq2Lm7Pw4Rt8Vb3Nc6\n";
        assert_eq!(
            allowed(text, 20, b"").as_deref(),
            Some("allowed inline: ****")
        );
    }

    #[test]
    fn gitleaks_allow_applies_to_its_own_line_only() {
        let text = "v = 1 # gitleaks:allow\nv = 2\n";
        assert_eq!(
            at_line(text, 1).as_deref(),
            Some("allowed inline (gitleaks:allow)")
        );
        assert_eq!(at_line(text, 2), None, "gitleaks has no next-line form");
        assert_eq!(
            at_line("v = 1 # Gitleaks:Allow\n", 1),
            None,
            "case-sensitive"
        );
    }

    #[test]
    fn detect_secrets_pragmas() {
        let same = "v = 1  # pragma: allowlist secret\nv = 2\n";
        assert_eq!(
            at_line(same, 1).as_deref(),
            Some("allowed inline (pragma: allowlist secret)")
        );
        assert_eq!(
            at_line(same, 2),
            None,
            "the same-line pragma stays on its line"
        );
        for spelling in [
            "# pragma:allowlist secret",
            "// pragma: allowlist-secret",
            "<!-- pragma: allowlist secret -->",
        ] {
            let text = format!("v = 1  {spelling}\n");
            assert!(at_line(&text, 1).is_some(), "{spelling}");
        }
        let next = "# pragma: allowlist nextline secret\nv = 1\nv = 2\n";
        assert_eq!(
            at_line(next, 2).as_deref(),
            Some("allowed inline (pragma: allowlist nextline secret)")
        );
        assert_eq!(at_line(next, 3), None, "only the next line");
        let own = "v = 1  # pragma: allowlist nextline secret\n";
        assert_eq!(
            at_line(own, 1),
            None,
            "a next-line pragma does not allow its own line"
        );
        let old = "v = 1  # pragma: whitelist secret\n";
        assert_eq!(
            at_line(old, 1).as_deref(),
            Some("allowed inline (pragma: whitelist secret)")
        );
        for near_miss in [
            "# pragma: allowlist",
            "# pragma: allowlistsecret",
            "# allowlist secret",
            "# pragma: allowlist-me secret",
            "# Pragma: Allowlist Secret",
        ] {
            let text = format!("v = 1  {near_miss}\n");
            assert_eq!(at_line(&text, 1), None, "{near_miss}");
        }
    }

    #[test]
    fn leakgate_marker_wins_with_its_reason() {
        let text = "v = 1 # leakgate:allow sandbox key gitleaks:allow\n";
        assert_eq!(
            at_line(text, 1).as_deref(),
            Some("allowed inline: sandbox key gitleaks:allow")
        );
        // A leakgate next-line marker on the secret's own line does not hide a gitleaks marker.
        let text = "v = 1 # leakgate:allow-next-line gitleaks:allow\n";
        assert_eq!(
            at_line(text, 1).as_deref(),
            Some("allowed inline (gitleaks:allow)")
        );
    }
}
