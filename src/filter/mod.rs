//! Everything that says "not a leak". Each candidate from `detect` gets a [`Verdict`]: kept,
//! dropped (it is not a secret: a placeholder, a masked value, an env-var reference, a hash in a
//! hash context), or suppressed (it may be a secret, but the user accepted it with an inline
//! `leakgate:allow`, which the report keeps with its reason).
//!
//! Every decision carries a reason, so `--explain-suppressed` and tests can say which filter
//! fired. This module sees secret bytes only to judge them; it never formats them.

pub mod allow;
mod expr;
mod inline;
pub mod paths;
mod reference;
mod values;

use crate::classify::placeholder;
use crate::detect::Candidate;
use crate::rules::Rule;
use allow::AllowList;

/// What the filters decided about one candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// Not a secret; the reason names the filter.
    Drop(&'static str),
    /// A secret the user accepted; the reason is theirs (or a default text).
    Suppress(String),
}

/// Judges one candidate in its buffer; `path` is the file's path relative to the scan root.
/// Known secret values skip the not-a-leak checks (the value is known to be a secret), but inline
/// and config allows still apply. A match whose format the token proves (`Rule::format_proven`:
/// a passing checksum, or a distinctive prefix and bounded length) is a literal token: it is never
/// a reference or a code expression (`ghp_…(prod)` is a token before a parenthesis), and only
/// what such a token cannot be by chance makes it a placeholder.
///
/// `syntax` is `buf`'s parse, made at most once and only when a generic candidate passes every
/// byte filter: a generic value that the parser reads as code (a type, a name, a member access,
/// an operand) is dropped (`syntax::Context::judge`).
pub fn judge(
    rule: &Rule,
    path: &str,
    buf: &[u8],
    c: &Candidate,
    allow: &AllowList,
    syntax: &crate::syntax::Context,
) -> Verdict {
    let secret = &buf[c.secret.clone()];
    if !rule.known_value {
        let proven = rule.format_proven();
        let placeholder = match proven {
            true => placeholder::check_proven(secret, checksum_passes(rule, secret)),
            false => placeholder::check(secret),
        };
        if let Some(why) = placeholder {
            return Verdict::Drop(why);
        }
        if !proven && let Some(why) = reference::check(buf, c.secret.clone()) {
            return Verdict::Drop(why);
        }
        // A generic regex may open with the one byte before the name (`(?:^|[^:a-z0-9_.-])`, so
        // that a name cannot start after `:`): the name starts after it.
        let start = match buf.get(c.matched.start) {
            Some(&b) if c.matched.start < c.secret.start && !is_name_byte(b) => c.matched.start + 1,
            _ => c.matched.start,
        };
        if rule.generic
            && let Some(why) = name_says_not_secret(&buf[start..c.secret.start])
                .or_else(|| value_is_code(secret, &buf[c.secret.end..]))
                .or_else(|| expr::comparison(&buf[..c.secret.start], secret))
                .or_else(|| expr::arrow(&buf[..c.secret.start]))
                .or_else(|| expr::expression(secret))
                .or_else(|| expr::scope_name(&buf[start..c.secret.start], secret))
                .or_else(|| values::field_name(secret))
                .or_else(|| values::file_name(secret))
                .or_else(|| values::base64_of_words(secret))
                .or_else(|| values::sigv4_scope(secret))
                .or_else(|| values::dollar_type(secret))
                .or_else(|| values::epoch_time(secret))
                .or_else(|| values::plain_url(secret))
                .or_else(|| values::system_path(secret))
                .or_else(|| values::userinfo_template(secret))
                .or_else(|| values::format_string(secret))
                .or_else(|| values::password_hash(secret))
                // The path first: it is cheaper than reading the value for words.
                .or_else(|| chosen_by_path(path).and_then(|why| chosen_value(secret, why)))
                .or_else(|| file_digest(&buf[start.saturating_sub(200)..c.secret.start], secret))
                .or_else(|| own_name(&buf[start..c.secret.start], secret))
                .or_else(|| prose(secret, &buf[c.secret.end..]))
                .or_else(|| too_short_for_name(&buf[start..c.secret.start], secret))
                .or_else(|| type_name_in_code(path, secret))
                .or_else(|| url_userinfo(&buf[..start], secret))
                .or_else(
                    || match syntax.judge(buf, start..c.secret.start, c.secret.clone()) {
                        crate::syntax::Syntax::NotLiteral(why) => Some(why),
                        crate::syntax::Syntax::Documentation => chosen_value(secret, DOCUMENTATION),
                        crate::syntax::Syntax::Test => chosen_value(secret, TEST_CODE),
                        _ => None,
                    },
                )
        {
            return Verdict::Drop(why);
        }
    }
    if let Some(reason) = inline::allowed(buf, c.secret.start, &buf[c.secret.clone()]) {
        return Verdict::Suppress(reason);
    }
    if !allow.entries.is_empty() {
        let line = line_of(buf, c.secret.start);
        if let Some(reason) = allow.check(&rule.id, path, secret, line) {
            return Verdict::Suppress(reason);
        }
    }
    Verdict::Keep
}

/// Whether the rule has a checksum and `secret` passes it (the validators already reject a match
/// that fails it; judged again here, where it decides what a placeholder is).
fn checksum_passes(rule: &Rule, secret: &[u8]) -> bool {
    rule.checksum
        .is_some_and(|c| crate::detect::checksum::passes(c, secret))
}

/// The line holding `offset`, without its terminator.
fn line_of(buf: &[u8], offset: usize) -> &[u8] {
    let start = memchr::memrchr(b'\n', &buf[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &buf[offset..]).map_or(buf.len(), |i| offset + i);
    let line = &buf[start..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// For generic matches: the value reads as code, not a literal: a path through modules or a
/// member access (`windows_sys::core::PCWSTR`, `self.passphrase`, `ctx->token`,
/// `app.options.apiKey`, a Sphinx `~azure.core.credentials.TokenCredential`), a negation
/// (`!questionToken`), a function called (`get_secret(`), or a YAML anchor or alias
/// (`&admin_password`). A random-looking name part keeps the value (a JWT is dotted too).
fn value_is_code(v: &[u8], after: &[u8]) -> Option<&'static str> {
    let has = |w: &[u8]| memchr::memmem::find(v, w).is_some();
    let member = [&b"self."[..], b"this.", b"&self."]
        .iter()
        .any(|p| v.starts_with(p));
    if has(b"::") || has(b"->") || member || member_chain(v.strip_prefix(b"~").unwrap_or(v)) {
        return Some("a code path or member access, not a literal");
    }
    if let Some(rest) = v.strip_prefix(b"!")
        && code_name(rest)
    {
        return Some("an expression, not a literal");
    }
    // A bundler's renamed binding (`CommaToken$1`): a name, `$` and a number.
    if let Some(at) = v.iter().rposition(|&b| b == b'$')
        && at > 0
        && code_name(&v[..at])
        && v[at + 1..].iter().all(u8::is_ascii_digit)
        && crate::classify::entropy::is_identifier(&v[..at])
    {
        return Some("a renamed binding, not a literal");
    }
    if after.first() == Some(&b'(') && code_name(v) && crate::classify::entropy::judge(v).is_err() {
        return Some("a function called, not a literal");
    }
    if let Some(rest) = v.strip_prefix(b"&").or_else(|| v.strip_prefix(b"*"))
        && code_name(rest)
        && crate::classify::entropy::is_identifier(rest)
    {
        return Some("a YAML anchor or alias, not a literal");
    }
    None
}

/// A name as code writes it: a letter, `_` or `$`, then letters, digits, `_` or `$`.
fn code_name(v: &[u8]) -> bool {
    v.first()
        .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'$'))
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'))
}

/// Two or more names joined by `.`, each short or made of words (`e.accessKeyId`,
/// `app.options.apiKey`): a property read. A random part (a JWT's, a dotted key's) is not.
fn member_chain(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v.split(|&b| b == b'.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            code_name(p)
                && (p.len() <= 4
                    || crate::classify::entropy::is_identifier(p)
                    || camel_case_name(p))
        })
}

/// Letters in camelCase humps of three letters or more on average, no two capitals in a row
/// (`apiKey`, `accessKeyId`): a name, where random text has short humps and capital runs.
fn camel_case_name(p: &[u8]) -> bool {
    let humps = p.iter().filter(|b| b.is_ascii_uppercase()).count() + 1;
    p.iter().all(u8::is_ascii_alphabetic)
        && !p
            .windows(2)
            .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase())
        && p.len() >= humps * 3
}

/// A byte of a variable or key name as the generic rules read names.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// For generic matches: the name is a URL's user and the value runs on through the `@` into the
/// host (`https://x-access-token:…@github.com/acme/app.git` read as `token:` and a value). The
/// URL's password ends at the `@`; `url-embedded-credentials` reads it there, so its mask does
/// not swallow the host and path.
fn url_userinfo(before: &[u8], v: &[u8]) -> Option<&'static str> {
    (before.ends_with(b"://") && memchr::memchr(b'@', v).is_some())
        .then_some("a URL's user and password, read by the URL rule up to the `@`")
}

/// For generic matches (`name` is the text before the value, from before the captured name): a
/// hex digest under a key named like a file (`"src/credentials.rs":
/// "9f86d0…"`, `"tests/private_key.p8": "…"` in a checksum manifest) is that file's checksum. A
/// file name with other content (`credentials.json: eyJ0eXBlIjoi…` in a Kubernetes secret) is
/// kept.
fn file_digest(name: &[u8], v: &[u8]) -> Option<&'static str> {
    let key_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let key_end = name.iter().rposition(key_byte).map_or(0, |i| i + 1);
    // The key as written before the name the rule captured, through the `/` of a path.
    let key_start = name[..key_end]
        .iter()
        .rposition(|b| !(key_byte(b) || *b == b'/'))
        .map_or(0, |i| i + 1);
    let key = &name[key_start..key_end];
    let ext = key.iter().rposition(|&b| b == b'.').map(|i| &key[i..]);
    // A known extension, or any extension on a path (`tests/ui/pass.stderr`, `tests/keys/client.key`
    // in a checksum manifest).
    let path = key.contains(&b'/') && ext.is_some_and(|e| e.len() >= 2 && e.len() <= 10);
    let file = key.len() > 4
        && (path || ext.is_some_and(|e| FILE_EXTENSIONS.iter().any(|f| e.eq_ignore_ascii_case(f))));
    let digest =
        matches!(v.len(), 32 | 40 | 56 | 64 | 96 | 128) && v.iter().all(u8::is_ascii_hexdigit);
    (file && digest).then_some("a file's checksum under its file name, not a secret")
}

/// Why a value people chose is an example, by where it is.
const DOCUMENTATION: &str = "an example value people chose, in the code's own documentation";
const EXAMPLE_FILE: &str = "an example value people chose, in a file named as examples";
const TEST_FILE: &str = "a fixture value people chose, in a test file";
const TEST_CODE: &str = "a fixture value people chose, in test code";
const PACKAGE: &str = "an example value people chose, in an installed third-party package";

/// What a value people chose is in a file of this path, if the path says (`paths`): an example
/// in a file named as examples, a fixture in test code, its authors' example in an installed
/// package.
fn chosen_by_path(path: &str) -> Option<&'static str> {
    if paths::example_file(path) {
        Some(EXAMPLE_FILE)
    } else if paths::test_file(path) {
        Some(TEST_FILE)
    } else if paths::installed_package(path) {
        Some(PACKAGE)
    } else {
        None
    }
}

/// For generic values in the code's own documentation (doc comments, docstrings, `EXAMPLES`
/// strings), example files and test code: a value people chose is an example of how to call the
/// code or a fixture (`password: Test@123`, `admin_password: VeryStrongPasswordHere!`,
/// `postgres://user:p@ssw0rd@host/db` in a parser's test). Only what a machine issues is kept:
/// 16 bytes or more, not made of words (a 32-hex API key, a token with its prefix, a base64
/// blob).
fn chosen_value(v: &[u8], why: &'static str) -> Option<&'static str> {
    const MACHINE_LEN: usize = 16;
    (v.len() < MACHINE_LEN || crate::classify::entropy::is_wordy(v)).then_some(why)
}

/// For generic matches: the value is the name itself (`node.dotDotDotToken = dotDotDotToken;`,
/// `password=password`): a variable passed on, or a default that is no secret; or the name
/// behind a placeholder's prefix (`"vmIdToken": "my_vmIdToken"`, `values::prefixed_own_name`).
fn own_name(name: &[u8], v: &[u8]) -> Option<&'static str> {
    let last = name
        .split(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-'))
        .rfind(|w| !w.is_empty())?;
    if v.eq_ignore_ascii_case(last) {
        return Some("the value is the variable's own name, not a secret");
    }
    values::prefixed_own_name(last, v)
}

/// Extensions of source files, where a capitalised name is a type or a constant.
const SOURCE_EXTENSIONS: [&str; 20] = [
    "ts", "tsx", "js", "jsx", "mjs", "cjs", "py", "pyi", "go", "rs", "java", "kt", "cs", "c", "h",
    "cc", "cpp", "hpp", "rb", "php",
];

/// For generic matches in source files: a value made of capitalised humps (`KspGetTokenFn`,
/// `XmlStringMaxLen256`, `V1SecretVolumeSource`): a type or constant name, as in a type
/// annotation (`KdcAdminPassword: XmlStringMaxLen256;`). Random text has capitals side by side
/// and humps of one letter; in docs, configs and logs a password of words keeps the rule's
/// judgement.
fn type_name_in_code(path: &str, v: &[u8]) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    if !SOURCE_EXTENSIONS
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
    {
        return None;
    }
    pascal_humps(v).then_some("a type or constant name in code, not a literal")
}

/// Two or more humps, each a capital and two or more lower-case letters, or a capital and one
/// (`Fn`) when it is not the first, with digits only at a hump's end (`Len256`, `V1`), 10 or
/// more bytes in all.
fn pascal_humps(v: &[u8]) -> bool {
    if v.len() < 10 || !v.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let mut humps = Vec::new();
    let mut start = 0;
    for i in 1..v.len() {
        if v[i].is_ascii_uppercase() {
            humps.push(&v[start..i]);
            start = i;
        }
    }
    humps.push(&v[start..]);
    humps.len() >= 2
        && humps.iter().enumerate().all(|(i, h)| {
            let lower = h[1..].iter().take_while(|b| b.is_ascii_lowercase()).count();
            let digits = &h[1 + lower..];
            let shape = digits.iter().all(u8::is_ascii_digit) && digits.len() <= 4;
            shape && (lower >= 2 || (lower == 1 && i > 0) || (lower == 0 && !digits.is_empty()))
        })
}

/// For generic matches: a value shorter than any issued key or token under a name that announces
/// only a key or token (`SUMO_ACCESS_KEY=Abcdef123`). Keys and tokens are issued at 12 characters
/// and more; a password or a secret may be shorter, so those names keep the rule's floor.
fn too_short_for_name(name: &[u8], v: &[u8]) -> Option<&'static str> {
    const MIN_KEY_LEN: usize = 12;
    if v.len() >= MIN_KEY_LEN {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let has = |w: &[u8]| memchr::memmem::find(&lower, w).is_some();
    let password_or_secret = [&b"pass"[..], b"pwd", b"secret", b"credential"]
        .iter()
        .any(|w| has(w));
    let key_or_token = has(b"key") || has(b"token");
    (key_or_token && !password_or_secret)
        .then_some("too short for the key or token its name announces")
}

/// For generic matches: natural-language text (`"Unexpected_token": "Neočekávaný token"`,
/// `"…": "意外的标记。"` in translation files): a value mostly in a non-Latin script, or with
/// non-ASCII letters and continued by more words after a space. Secrets are ASCII in practice.
fn prose(v: &[u8], after: &[u8]) -> Option<&'static str> {
    let non_ascii = v.iter().filter(|b| !b.is_ascii()).count();
    let words_follow = after.first() == Some(&b' ')
        && after
            .get(1)
            .is_some_and(|b| !b.is_ascii_whitespace() && !b"\"'`".contains(b));
    (non_ascii * 2 > v.len() || non_ascii > 0 && words_follow)
        .then_some("natural-language text, not a secret")
}

/// Extensions of code, data, archive and key-material files, for [`file_digest`]. Not words that
/// end dotted config keys (`datadog.api.key`, `svc.auth.token`).
const FILE_EXTENSIONS: [&[u8]; 36] = [
    b".rs", b".py", b".js", b".ts", b".tsx", b".go", b".c", b".h", b".cc", b".cpp", b".hpp",
    b".java", b".rb", b".json", b".toml", b".yaml", b".yml", b".md", b".txt", b".html", b".css",
    b".sh", b".lock", b".xml", b".pem", b".der", b".p8", b".pk8", b".p12", b".bin", b".crt",
    b".so", b".dll", b".wasm", b".gz", b".zip",
];

/// For generic matches: the name part says the value is not a secret itself: a hash or digest
/// (`password_sha256`, `token_hash`), an identifier or locator (`key_id`, `token_url`,
/// `secret_name`, `password_file`), public material (`public_key`), or a pagination/CSRF token.
fn name_says_not_secret(name: &[u8]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let has = |w: &[u8]| memchr::memmem::find(&lower, w).is_some();
    const HASH: [&[u8]; 9] = [
        b"hash",
        b"sha1",
        b"sha256",
        b"sha512",
        b"digest",
        b"checksum",
        b"md5",
        b"integrity",
        b"fingerprint",
    ];
    if HASH.iter().any(|w| has(w)) {
        return Some("a digest named as a hash, not a secret");
    }
    const LOCATORS: [&[u8]; 24] = [
        b"_url",
        b"_uri",
        b"url\"",
        b"_endpoint",
        b"_path",
        b"_file",
        b"_dir",
        b"_name",
        b"keyref",
        b"_type",
        b"_class",
        b"_kind",
        b"_format",
        b"_ttl",
        b"_length",
        b"_len",
        b"_count",
        b"_expir",
        b"_timeout",
        b"_policy",
        b"_header",
        b"_field",
        b"_env",
        b"_prefix",
    ];
    let ident: Vec<u8> = lower
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .map(|b| if b == b'-' || b == b'.' { b'_' } else { b })
        .collect();
    // The name just before the assignment, as written and in snake case, a camelCase hump
    // marked by `_` (`tokenEndpoint` reads as `token_endpoint`, `clientSecretExpiresAt` as
    // `client_secret_expires_at`): the filters' words are written in snake case.
    let written = name
        .rsplit(|b| !is_name_byte(*b))
        .find(|w| !w.is_empty())
        .unwrap_or_default();
    let mut camel: Vec<u8> = Vec::with_capacity(written.len() + 8);
    for (i, &b) in written.iter().enumerate() {
        if b.is_ascii_uppercase() && i > 0 && written[i - 1].is_ascii_lowercase() {
            camel.push(b'_');
        }
        camel.push(match b {
            b'-' | b'.' => b'_',
            _ => b.to_ascii_lowercase(),
        });
    }
    let ihas = |w: &[u8]| {
        memchr::memmem::find(&ident, w).is_some() || memchr::memmem::find(&camel, w).is_some()
    };
    let ends = |w: &[u8]| ident.ends_with(w) || camel.ends_with(w);
    // `_ref` as a word (`secret_ref`, `token_ref_name`), not the start of `_refresh`; an age
    // (`max_password_age`).
    let word_locator = ends(b"_ref") || ihas(b"_ref_") || ends(b"_age");
    if LOCATORS.iter().any(|w| ihas(w)) || word_locator || ends(b"url") || ends(b"uri") {
        return Some("the name says the value locates or describes a secret");
    }
    // The identifier's case tells `credentialId` from `apiKeyValid`.
    if (ident.ends_with(b"_id") || written.ends_with(b"Id")) && !ihas(b"secret_id") {
        return Some("the name says the value is an identifier");
    }
    const NOT_SECRET: [&[u8]; 9] = [
        b"public",
        b"publishable",
        b"page_token",
        b"pagetoken",
        b"next_token",
        b"nexttoken",
        b"continuation",
        b"cursor",
        b"csrf",
    ];
    if NOT_SECRET.iter().any(|w| ihas(w)) || ihas(b"xsrf") || ihas(b"tokenizer") || ihas(b"_tokens")
    {
        return Some("the name says the value is public or not a credential");
    }
    // Form fields that carry a per-session anti-forgery token, published in the page (Rails,
    // ASP.NET).
    if ihas(b"authenticity_token") || ihas(b"request_verification_token") {
        return Some("the name says the value is an anti-forgery form token, not a credential");
    }
    // `key` starting another word (`master-keying`, `apiKeyword`, `hotkeyboard`), with no other
    // secret word in the name; and Azure Key Vault names (where secrets are kept, not a secret).
    const KEY_COMPOUNDS: [&[u8]; 8] = [
        b"keyboard",
        b"keyword",
        b"keyframe",
        b"keypress",
        b"keystroke",
        b"keycode",
        b"keying",
        b"keydown",
    ];
    let other_secret_word = [&b"secret"[..], b"pass", b"pwd", b"token", b"credential"]
        .iter()
        .any(|w| ihas(w));
    if KEY_COMPOUNDS.iter().any(|w| ihas(w)) && !other_secret_word {
        return Some("`key` starts another word in the name, not a key");
    }
    // `pass` starting or ending another word (`proxySslPassthrough`, `bypass_cache`). A word
    // before `pass` is not enough on its own (a password may be named `adminPass`); see the
    // stages below.
    const PASS_COMPOUNDS: [&[u8]; 8] = [
        b"passthrough",
        b"passthru",
        b"passive",
        b"passage",
        b"passenger",
        b"bypass",
        b"compass",
        b"surpass",
    ];
    let other_secret = [
        &b"secret"[..],
        b"password",
        b"passwd",
        b"pwd",
        b"token",
        b"key",
    ]
    .iter()
    .any(|w| ihas(w));
    if PASS_COMPOUNDS.iter().any(|w| ihas(w)) && !other_secret {
        return Some("`pass` is part of another word in the name, not a password");
    }
    // `pass` as a stage of a renderer or a compiler (`renderPass`, `u_first_pass`, `shadow_pass`):
    // the name's last word, after a word that says which stage.
    const STAGES: [&str; 16] = [
        "render", "draw", "shadow", "depth", "blur", "bloom", "ao", "lighting", "geometry",
        "first", "second", "final", "last", "multi", "single", "compute",
    ];
    let words = crate::classify::entropy::name_words(name);
    if let [.., stage, last] = words.as_slice()
        && last == "pass"
        && STAGES.contains(&stage.as_str())
    {
        return Some("the name says a stage of processing (`renderPass`), not a password");
    }
    let ends_secret = [&b"secret"[..], b"password", b"key", b"token"]
        .iter()
        .any(|w| ends(w));
    if (ihas(b"keyvault") || ihas(b"key_vault")) && !ends_secret {
        return Some("the name says the value names a key vault, not a secret");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_humps_are_type_names_and_random_text_is_not() {
        for v in [
            "KspGetTokenFn",
            "XmlStringMaxLen256",
            "V1SecretVolumeSource",
            "TokenCredential",
        ] {
            assert!(pascal_humps(v.as_bytes()), "{v}");
        }
        for v in [
            "Xk9mQ2pLr7TzW4vB",
            "HQS0j4H75XpthOW",
            "ABCDEFGHIJKLMN",
            "Zx9kqLmP2w8RtVb4nC7d",
            "Tokencredential",
            "Summer2024!Blue#",
        ] {
            assert!(!pascal_humps(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn type_names_are_judged_only_in_source_files() {
        assert!(type_name_in_code("src/auth.ts", b"XmlStringMaxLen256").is_some());
        assert!(type_name_in_code("deploy/app.env", b"XmlStringMaxLen256").is_none());
        assert!(type_name_in_code("docs/runbook.md", b"CorrectHorseBatteryStaple").is_none());
    }
}
