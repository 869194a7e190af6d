//! How a path is named in reports: `/`-separated, and one-to-one with the real name, so two files
//! never share a name in a report (a lossy conversion would map `x\xfe.md` and `x\xff.md` to one
//! key and scan only one of them). Bytes that are not UTF-8 are written `\xNN`, control
//! characters as escapes (`\n`, `\x1b`: a name cannot start a line of its own in any output), and
//! a backslash that is part of a Unix name as `\\`.

use std::fmt::Write;
use std::path::Path;

/// The report name of a path: separators as `/`, without a leading `./`.
pub fn shown(p: &Path) -> String {
    #[cfg(unix)]
    let s = {
        use std::os::unix::ffi::OsStrExt;
        shown_bytes(p.as_os_str().as_bytes())
    };
    #[cfg(not(unix))]
    let s = shown_bytes(p.to_string_lossy().replace('\\', "/").as_bytes());
    match s.strip_prefix("./") {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// The report name of a `/`-separated path given as bytes (a git path, a Unix file name).
pub fn shown_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_distinct_and_printable() {
        let names: [&[u8]; 6] = [
            b"x\xfe.md",
            b"x\xff.md",
            b"x\\xfe.md",
            b"a\nb.md",
            b"a\x1b[31mb.md",
            b"docs/r\xc3\xa9sum\xc3\xa9.md",
        ];
        let shown: Vec<String> = names.iter().map(|n| shown_bytes(n)).collect();
        assert_eq!(
            shown,
            [
                "x\\xfe.md",
                "x\\xff.md",
                "x\\\\xfe.md",
                "a\\nb.md",
                "a\\u{1b}[31mb.md",
                "docs/résumé.md"
            ]
        );
        assert!(shown.iter().all(|s| !s.chars().any(char::is_control)));
    }

    #[test]
    fn leading_dot_slash_is_dropped() {
        assert_eq!(shown(Path::new("./docs/a.md")), "docs/a.md");
        assert_eq!(shown(Path::new("docs/a.md")), "docs/a.md");
    }
}
