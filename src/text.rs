//! Reading text: what an input's bytes are, for every source alike ([`content`]: binary, or text
//! in which encoding), and [`LineIndex`], which locates byte offsets as lines and columns. An
//! input with a NUL byte in its first 8 KiB is binary and not scanned; UTF-16 and UTF-32 text (by
//! its byte-order mark) is decoded to UTF-8 before scanning; everything else is scanned as it is
//! (UTF-8 or raw bytes).
//!
//! A mark alone is not enough: a UTF-8 file that happens to start with `FF FE` is still UTF-8, and
//! reading it as UTF-16 would turn every token in it into CJK-looking characters no rule matches.
//! Text is decoded only when the whole mark is there and the decode is valid:
//! - the length after the mark is a whole number of code units (unless only a prefix is judged),
//! - every unit decodes (no unpaired surrogate; UTF-32 units are Unicode scalar values),
//! - the decoded text holds no NUL character,
//! - for UTF-16: the bytes after the mark are not plain UTF-8 text. Any ASCII character in
//!   UTF-16 has a zero byte, so UTF-16 text that could hold a token never reads as NUL-free
//!   UTF-8, while a UTF-8 file behind a stray mark does (its first [`PROBE`] bytes are valid UTF-8
//!   without a NUL byte).
//!
//! The whole-file scan, the streamed scan and the history scan all decide with this module.

/// Bytes after the mark that are checked for plain UTF-8 text (the binary probe's size).
pub const PROBE: usize = 8 << 10;

/// A wide text encoding, known by its byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    /// The encoding's usual name (`UTF-16LE`).
    pub fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "UTF-16LE",
            Wide::Utf16Be => "UTF-16BE",
            Wide::Utf32Le => "UTF-32LE",
            Wide::Utf32Be => "UTF-32BE",
        }
    }

    fn mark_len(self) -> usize {
        match self {
            Wide::Utf16Le | Wide::Utf16Be => 2,
            Wide::Utf32Le | Wide::Utf32Be => 4,
        }
    }
}

/// The encoding a whole byte-order mark at the start of `buf` names, if any. `FF FE 00 00` is
/// the UTF-32LE mark (as UTF-16LE it would start with a NUL character, which text does not).
fn mark(buf: &[u8]) -> Option<Wide> {
    if buf.starts_with(&[0xFF, 0xFE, 0, 0]) {
        Some(Wide::Utf32Le)
    } else if buf.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some(Wide::Utf32Be)
    } else if buf.starts_with(&[0xFF, 0xFE]) {
        Some(Wide::Utf16Le)
    } else if buf.starts_with(&[0xFE, 0xFF]) {
        Some(Wide::Utf16Be)
    } else {
        None
    }
}

/// How many leading bytes decide whether an input is binary: a NUL byte among them.
pub const BINARY_PROBE: usize = 8 << 10;

/// Whether an input whose first bytes are `prefix` is binary (a NUL byte in the first
/// [`BINARY_PROBE`] bytes). UTF-16 and UTF-32 text holds NULs: check [`decode_wide`] or
/// [`sniff_wide`] first.
pub fn looks_binary(prefix: &[u8]) -> bool {
    memchr::memchr(0, &prefix[..prefix.len().min(BINARY_PROBE)]).is_some()
}

/// The text of a whole input as the detectors read it: UTF-16/32 decoded into `decoded`, other
/// text as it is, `None` for a binary input. Every source that holds a whole input (files read
/// whole, staged and history blobs) goes through here; streamed inputs check their first chunk
/// with [`sniff_wide`] and [`looks_binary`].
pub fn content<'a>(buf: &'a [u8], decoded: &'a mut Vec<u8>) -> Option<&'a [u8]> {
    if decode_wide(buf, decoded).is_some() {
        Some(decoded.as_slice())
    } else if looks_binary(buf) {
        None
    } else {
        Some(buf)
    }
}

/// Decodes `buf` into `out` as UTF-8 when it is UTF-16 or UTF-32 text (see the module's rules);
/// `None` when it is not (then `buf` is read as it is, and `out` holds nothing useful).
pub fn decode_wide(buf: &[u8], out: &mut Vec<u8>) -> Option<Wide> {
    out.clear();
    decode(buf, true, Some(out))
}

/// Whether an input whose first bytes are `prefix` is UTF-16 or UTF-32 text, judged on the prefix
/// alone (a code unit or surrogate pair cut at its end is allowed). `complete`: `prefix` is the
/// whole input.
pub fn sniff_wide(prefix: &[u8], complete: bool) -> Option<Wide> {
    decode(prefix, complete, None)
}

fn decode(buf: &[u8], complete: bool, mut out: Option<&mut Vec<u8>>) -> Option<Wide> {
    let wide = mark(buf)?;
    let body = &buf[wide.mark_len()..];
    let unit = wide.mark_len();
    if complete && !body.len().is_multiple_of(unit) {
        return None;
    }
    let body = &body[..body.len() - body.len() % unit];
    if matches!(wide, Wide::Utf16Le | Wide::Utf16Be) && plain_utf8(body) {
        return None;
    }
    let mut tmp = [0u8; 4];
    let mut push = |ch: char| -> Option<()> {
        if ch == '\0' {
            return None;
        }
        if let Some(out) = out.as_deref_mut() {
            out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
        }
        Some(())
    };
    match wide {
        Wide::Utf16Le | Wide::Utf16Be => {
            let units = body.chunks_exact(2).map(|c| match wide {
                Wide::Utf16Le => u16::from_le_bytes([c[0], c[1]]),
                _ => u16::from_be_bytes([c[0], c[1]]),
            });
            let (n, mut seen) = (body.len() / 2, 0);
            for ch in char::decode_utf16(units) {
                match ch {
                    Ok(ch) => {
                        seen += ch.len_utf16();
                        push(ch)?;
                    }
                    // A high surrogate that ends a prefix may be completed by what follows.
                    Err(e) if !complete && seen + 1 == n && e.unpaired_surrogate() < 0xDC00 => {
                        seen += 1;
                    }
                    Err(_) => return None,
                }
            }
        }
        Wide::Utf32Le | Wide::Utf32Be => {
            for c in body.chunks_exact(4) {
                let v = match wide {
                    Wide::Utf32Le => u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    _ => u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
                };
                push(char::from_u32(v)?)?;
            }
        }
    }
    Some(wide)
}

/// Whether the first [`PROBE`] bytes of `body` read as UTF-8 text: valid (a sequence cut at the
/// probe's end allowed) and without a NUL byte.
fn plain_utf8(body: &[u8]) -> bool {
    let probe = &body[..body.len().min(PROBE)];
    if memchr::memchr(0, probe).is_some() {
        return false;
    }
    match std::str::from_utf8(probe) {
        Ok(_) => true,
        // Cut at the probe's end (not at the body's end: there it is invalid).
        Err(e) => e.error_len().is_none() && probe.len() < body.len(),
    }
}

/// Newline offsets of a buffer, built only for buffers that have findings.
pub struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    pub fn new(buf: &[u8]) -> LineIndex {
        LineIndex {
            newlines: memchr::memchr_iter(b'\n', buf).collect(),
        }
    }

    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn locate(&self, buf: &[u8], offset: usize) -> (usize, usize) {
        let idx = self.newlines.partition_point(|&n| n < offset);
        let line_start = if idx == 0 {
            0
        } else {
            self.newlines[idx - 1] + 1
        };
        let column = buf[line_start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        (idx + 1, column)
    }

    /// How many lines the buffer has (a final line without a terminator counts).
    pub fn count(&self) -> usize {
        self.newlines.len() + 1
    }

    /// Byte bounds of a 1-based line, without its line terminator.
    pub fn bounds(&self, buf: &[u8], line: usize) -> (usize, usize) {
        let start = if line <= 1 {
            0
        } else {
            self.newlines[line - 2] + 1
        };
        let mut end = self.newlines.get(line - 1).copied().unwrap_or(buf.len());
        if end > start && buf[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end)
    }
}

/// Offset of the closing quote `q` in `s`; inside double quotes a backslash escapes (shell and
/// dotenv quoting: the env-file parser and the masking of its error messages agree on it).
pub fn closing_quote(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' && q == '"' {
            escaped = true;
        } else if c == q {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        let mut b = if big {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            b.extend_from_slice(&if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        b
    }

    fn utf32(text: &str, big: bool) -> Vec<u8> {
        let mut b = if big {
            vec![0, 0, 0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE, 0, 0]
        };
        for c in text.chars() {
            let v = c as u32;
            b.extend_from_slice(&if big {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            });
        }
        b
    }

    #[test]
    fn utf16_and_utf32_with_a_mark_are_decoded() {
        let text = "key=é1 中文 \u{1F600}\r\n";
        let mut out = Vec::new();
        for (bytes, want) in [
            (utf16(text, false), Wide::Utf16Le),
            (utf16(text, true), Wide::Utf16Be),
            (utf32(text, false), Wide::Utf32Le),
            (utf32(text, true), Wide::Utf32Be),
        ] {
            assert_eq!(decode_wide(&bytes, &mut out), Some(want));
            assert_eq!(out, text.as_bytes(), "{want:?}");
            assert_eq!(sniff_wide(&bytes, true), Some(want));
        }
        // Text without ASCII is still UTF-16 when its bytes are not UTF-8.
        assert_eq!(
            decode_wide(&utf16("中文", false), &mut out),
            Some(Wide::Utf16Le)
        );
        assert_eq!(out, "中文".as_bytes());
        assert_eq!(decode_wide(b"plain", &mut out), None);
    }

    #[test]
    fn utf8_behind_a_stray_mark_is_not_wide() {
        let mut out = Vec::new();
        // Even length, every unit a valid UTF-16 character: still UTF-8 text.
        for body in [
            "token=abcdefgh12345678\n",
            "token=abcdefgh1234567\n",
            "é ok\n",
        ] {
            for mark in [&[0xFF, 0xFE][..], &[0xFE, 0xFF]] {
                let mut bytes = mark.to_vec();
                bytes.extend_from_slice(body.as_bytes());
                assert_eq!(decode_wide(&bytes, &mut out), None, "{body:?}");
                assert_eq!(sniff_wide(&bytes, false), None, "{body:?}");
            }
        }
    }

    #[test]
    fn an_invalid_decode_is_not_wide() {
        let mut out = Vec::new();
        // Odd length.
        let mut odd = utf16("key=1\n", false);
        odd.push(b'x');
        assert_eq!(decode_wide(&odd, &mut out), None);
        // An unpaired surrogate (low, then high at the end).
        let mut lone = utf16("key=1\n", false);
        lone.extend_from_slice(&0xDC00u16.to_le_bytes());
        assert_eq!(decode_wide(&lone, &mut out), None);
        let mut high = utf16("key=1\n", false);
        high.extend_from_slice(&0xD800u16.to_le_bytes());
        assert_eq!(decode_wide(&high, &mut out), None);
        // ...which a prefix may end with, its pair still to come.
        assert_eq!(sniff_wide(&high, false), Some(Wide::Utf16Le));
        assert_eq!(sniff_wide(&odd, false), Some(Wide::Utf16Le));
        // A NUL character.
        assert_eq!(decode_wide(&utf16("key\0=1\n", false), &mut out), None);
        // UTF-32 units beyond Unicode; a UTF-32LE mark is never read as UTF-16LE.
        let mut big = vec![0xFF, 0xFE, 0, 0];
        big.extend_from_slice(b"abcdefgh");
        assert_eq!(decode_wide(&big, &mut out), None);
        let mut cut = utf32("ab", false);
        cut.pop();
        assert_eq!(decode_wide(&cut, &mut out), None);
    }

    #[test]
    fn line_index_locates_offsets() {
        let buf = b"ab\ncd\r\nef";
        let idx = LineIndex::new(buf);
        assert_eq!(idx.locate(buf, 0), (1, 1));
        assert_eq!(idx.locate(buf, 4), (2, 2));
        assert_eq!(idx.locate(buf, 7), (3, 1));
        assert_eq!(idx.bounds(buf, 2), (3, 5));
    }
}
