//! References are not leaks: a value that names where the secret comes from (`${VAR}`, `$VAR`,
//! `%VAR%`, `$env:VAR`, `os.environ[...]`, `process.env.X`, `${{ secrets.X }}`, `{{ .Values.x }}`,
//! `secretKeyRef`, `vault:…`, `arn:aws:secretsmanager:…`, a bare `UPPER_SNAKE` name) rather than
//! the secret itself. Judged on the value and the bytes around it on its line.

use std::ops::Range;

/// Returns why the value at `span` is a reference, or `None`.
pub fn check(buf: &[u8], span: Range<usize>) -> Option<&'static str> {
    let v = &buf[span.clone()];
    let line_start = buf[..span.start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let before = &buf[line_start..span.start];
    let after_end = buf[span.end..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(buf.len(), |i| span.end + i);
    let after = &buf[span.end..after_end];

    if starts_like_reference(v) {
        return Some("an environment or template reference");
    }
    // `$VAR`, `${VAR`, `%VAR%`, `{{ x }}`, `$env:VAR` where the value is the variable name.
    let prev = before.trim_ascii_end();
    if prev.ends_with(b"$")
        || prev.ends_with(b"${")
        || prev.ends_with(b"{{")
        || prev.ends_with(b"$env:")
        || (prev.ends_with(b"%") && after.starts_with(b"%"))
    {
        return Some("an environment or template reference");
    }
    // A call or index: `getenv("X")`, `settings.secret_key()`, `config[...]`.
    // `<` opens generics (`Vec<u8>`) unless it starts a closing tag (`<key>v</key>`).
    let call_like = [&b"("[..], b"[", b"::", b"!", b"?."];
    let generic = after.starts_with(b"<") && !after.starts_with(b"</");
    if generic || call_like.iter().any(|p| after.starts_with(p)) || v.ends_with(b"::") {
        return Some("a code expression, not a literal");
    }
    // A macro invocation: `let tokens = quote_spanned! {…}`.
    if let Some(name) = v.strip_suffix(b"!")
        && !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name[0].is_ascii_lowercase()
    {
        return Some("a code expression, not a literal");
    }
    // A read-only token in a badge or image URL's query (`badge.svg?token=…`, codecov and
    // shields badges): published by design, it only reads a coverage graph.
    let query = before.rsplit(|&b| b == b'?').next().map_or(0, |q| q.len());
    if query < before.len() {
        let url = &before[..before.len() - query - 1];
        let url_start = memchr::memmem::rfind(url, b"://").unwrap_or(0);
        let url = url[url_start..].to_ascii_lowercase();
        let image = [&b".svg"[..], b".png", b".gif"]
            .iter()
            .any(|e| url.ends_with(e));
        let badge = [&b"codecov.io/"[..], b"shields.io/", b"/badge"]
            .iter()
            .any(|h| memchr::memmem::find(&url, h).is_some());
        if image || badge {
            return Some("a read-only token in a badge or image URL");
        }
    }
    // `name: Type = value`: the matched value is a type annotation.
    let rest = after.trim_ascii_start();
    if rest.starts_with(b"=") && !rest.starts_with(b"==") && !rest.starts_with(b"=>") {
        return Some("a type annotation, not a value");
    }
    if is_upper_snake(v) {
        return Some("a variable name, not a value");
    }
    const PREFIXES: [&[u8]; 10] = [
        b"vault:",
        b"env:",
        b"arn:aws:secretsmanager:",
        b"arn:aws:ssm:",
        b"op://",
        b"secretkeyref",
        b"projects/",
        b"sm://",
        b"awssm:",
        b"gcpsm:",
    ];
    let lower = v.to_ascii_lowercase();
    if PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return Some("a secret-manager reference");
    }
    None
}

fn starts_like_reference(v: &[u8]) -> bool {
    const STARTS: [&[u8]; 20] = [
        b"$",
        b"%",
        b"{{",
        b"{%",
        b"<%",
        b"#{",
        b"import.meta.env",
        b"deno.env",
        b"env::var",
        b"std::env",
        b"os.lookupenv",
        b"os.environ",
        b"os.getenv",
        b"getenv",
        b"process.env",
        b"env[",
        b"env.fetch",
        b"system.getenv",
        b"environment.getenvironmentvariable",
        b"secretkeyref",
    ];
    let lower = v.to_ascii_lowercase();
    STARTS.iter().any(|s| lower.starts_with(s))
}

/// `BOT1_BITGET_API_SECRET`: a variable name used as a value.
fn is_upper_snake(v: &[u8]) -> bool {
    v.len() >= 3
        && v[0].is_ascii_uppercase()
        && v.contains(&b'_')
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
}

#[cfg(test)]
mod tests {
    use super::check;

    fn at(line: &str, value: &str) -> Option<&'static str> {
        let start = line.find(value).unwrap();
        check(line.as_bytes(), start..start + value.len())
    }

    #[test]
    fn references_are_recognised() {
        assert!(at("API_KEY=$API_KEY_VALUE", "API_KEY_VALUE").is_some());
        assert!(at("password: ${DB_PASSWORD}", "DB_PASSWORD").is_some());
        assert!(at("set TOKEN=%GH_TOKEN%", "GH_TOKEN").is_some());
        assert!(at("token = os.getenv('X')", "os.getenv").is_some());
        assert!(
            at(
                "key: vault:secret/data/app#key",
                "vault:secret/data/app#key"
            )
            .is_some()
        );
        assert!(at("secret = BOT1_BITGET_API_SECRET", "BOT1_BITGET_API_SECRET").is_some());
        assert!(at("secret = loadSecret(name)", "loadSecret").is_some());
        assert!(at("let tokens = quote_spanned! {span=>", "quote_spanned!").is_some());
        let badge = concat!(
            "[cov]: https://codecov.io/gh/o/r/graph/badge.svg?token=",
            "Z8K2MHQ71F"
        );
        assert!(at(badge, "Z8K2MHQ71F").is_some());
        let xml = concat!("<password>", "BVM6OryXovdz61jm", "</password>");
        assert!(at(xml, "BVM6OryXovdz61jm").is_none());
    }

    #[test]
    fn literals_are_not_references() {
        // Built with concat! so the repository's own scan does not see a secret here.
        let line = concat!("API_KEY", "=9fKq2LmZp8XwR4tY7nBv");
        assert_eq!(at(line, "9fKq2LmZp8XwR4tY7nBv"), None);
        let line = concat!("api_key", ": 'Zx81Qm0Lp2'");
        assert_eq!(at(line, "Zx81Qm0Lp2"), None);
    }
}
