//! The equivalence check of `rulefmt.py`: reads `{"id": …, "old": …, "new": …}` JSON lines on
//! stdin and proves each rewritten regex means the same as the one it replaces, by parsing both
//! with `regex-syntax` and comparing the syntax trees (`Hir` implements `PartialEq`; whitespace,
//! comments and escapes such as `\x20` for a space leave no trace in it). Each pair is parsed
//! twice: with the default `ParserBuilder`, and with the settings the scanner builds rules with
//! (`unicode(false)`, `utf8(false)`, as in src/rules/analysis.rs). Writes one
//! `{"id": …, "equal": bool}` line per pair to stdout and exits 1 if any pair differs (or fails
//! to parse where the old one parses), 2 on malformed input.

use regex_syntax::ParserBuilder;
use regex_syntax::hir::Hir;
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Parses with the default settings (`bytes == false`) or the scanner's (`bytes == true`).
fn parse(pattern: &str, bytes: bool) -> Result<Hir, String> {
    let mut builder = ParserBuilder::new();
    if bytes {
        builder.unicode(false).utf8(false);
    }
    builder.build().parse(pattern).map_err(|e| e.to_string())
}

/// Whether `new` means what `old` means under both parser settings. Where the old pattern does
/// not parse under a setting (the default one rejects some byte classes), the new one must not
/// either.
fn equivalent(old: &str, new: &str) -> bool {
    [false, true]
        .iter()
        .all(|&bytes| match (parse(old, bytes), parse(new, bytes)) {
            (Ok(a), Ok(b)) => a == b,
            (Err(_), Err(_)) => !bytes,
            _ => false,
        })
}

fn main() -> ExitCode {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let (mut pairs, mut differ) = (0usize, 0usize);
    for (n, line) in stdin.lock().lines().enumerate() {
        let Ok(line) = line else {
            eprintln!("line {}: not UTF-8", n + 1);
            return ExitCode::from(2);
        };
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("line {}: {e}", n + 1);
                return ExitCode::from(2);
            }
        };
        let field = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let (Some(old), Some(new)) = (field("old"), field("new")) else {
            eprintln!("line {}: needs string fields old and new", n + 1);
            return ExitCode::from(2);
        };
        let id = field("id").unwrap_or_else(|| format!("line {}", n + 1));
        let equal = equivalent(&old, &new);
        pairs += 1;
        if !equal {
            differ += 1;
            eprintln!("{id}: the rewritten regex is not equivalent");
        }
        let record = serde_json::json!({ "id": id, "equal": equal });
        if writeln!(out, "{record}").is_err() {
            return ExitCode::from(2);
        }
    }
    eprintln!("{pairs} pairs, {differ} not equivalent");
    if differ > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
