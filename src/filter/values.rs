//! Generic values that are something other than a secret, told by what they are: the name of a
//! field or flag (`'aws_access_key_id'`, `"X-Amz-S3session-Token"`), a file name, base64 of
//! words (`YSBzZWNyZXQ=` is "a secret"), a SigV4 credential scope (a public key id, a date and a
//! region), a generated type name (`Resource$Tokens`), and a placeholder made of the name itself
//! (`"my_vmIdToken"`), a Unix time, a URL without credentials, a format string and a stored
//! password hash, a path from the file system's root, a URL's credentials written as their names
//! (`user:password@url`). Random text has none of these shapes.

use base64::Engine as _;

use crate::classify::entropy::{is_identifier, is_wordy, name_words};

/// Words that make a name a secret's: a value holding one, and made only of words, names the
/// field that holds the secret instead of holding it.
const SECRET_WORDS: [&str; 9] = [
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "passphrase",
    "credential",
    "credentials",
    "auth",
];

/// The value names a field, a flag or a header (`'aws_access_key_id'`, `'AWSAccessKeyId'`,
/// `--api-key`, `X-Amz-S3session-Token`, `no-api-key`): letters and separators only, split into
/// words (snake, kebab, dotted or camelCase), one of them a secret's word, each short or
/// speakable.
pub(super) fn field_name(v: &[u8]) -> Option<&'static str> {
    let body = &v[v.iter().take_while(|b| **b == b'-').count()..];
    // A query parameter's name written before its value (`"access_token=" + token`).
    let body = body
        .strip_suffix(b"=")
        .or_else(|| body.strip_suffix(b":"))
        .unwrap_or(body);
    if body.is_empty()
        || !body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return None;
    }
    let words = name_words(body);
    let secret_word = words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()));
    let letters: usize = words.iter().map(|w| w.len()).sum();
    let mut in_words = 0;
    for w in &words {
        let digits = w.bytes().all(|b| b.is_ascii_digit());
        let word = SECRET_WORDS.contains(&w.as_str())
            || is_identifier(w.as_bytes())
            || crate::classify::grams::word_like(w.as_bytes());
        if digits && w.len() > 2 || !digits && w.len() > 4 && !word {
            return None;
        }
        if !digits && w.len() >= 3 {
            in_words += w.len();
        }
    }
    // Random text splits into chunks of one or two letters; a name is mostly words.
    // One secret word alone (`'signerKeyPassphrase': 'passphrase'`) names its field too.
    let alone = words.len() == 1 && secret_word && body.iter().all(u8::is_ascii_lowercase);
    (alone || secret_word && words.len() >= 2 && in_words * 10 >= letters * 7)
        .then_some("the value names a field, flag or header, not a secret")
}

/// Extensions of files named as values (`-in key.pem > rsa-2048-private-key.pk8`).
const KEY_FILE_EXTENSIONS: [&[u8]; 14] = [
    b".pem", b".der", b".p8", b".pk8", b".p12", b".pfx", b".key", b".crt", b".cer", b".jks",
    b".json", b".txt", b".gpg", b".asc",
];

/// The value is a file name: words, numbers and separators, and a key or data file's extension
/// (`rsa-2048-private-key.pk8`, `client_secret.json`).
pub(super) fn file_name(v: &[u8]) -> Option<&'static str> {
    let dot = v.iter().rposition(|&b| b == b'.')?;
    let (stem, ext) = v.split_at(dot);
    if !KEY_FILE_EXTENSIONS
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
        || stem.is_empty()
    {
        return None;
    }
    let words = stem
        .split(|&b| matches!(b, b'-' | b'_' | b'.'))
        .filter(|w| !w.is_empty())
        .all(|w| w.iter().all(u8::is_ascii_digit) || w.len() <= 4 || is_identifier(w));
    words.then_some("a file name, not a secret")
}

/// The value is standard base64 of text made of words (`YSBzZWNyZXQ=` is "a secret",
/// `UGFzc3dvcmQ6` is "Password:"): a label or an example encoded, not a key. Base64 of a random
/// password decodes to no words, and of `user:password` to a pair; both are kept.
pub(super) fn base64_of_words(v: &[u8]) -> Option<&'static str> {
    if v.len() < 8 || v.len() > 96 || !v.len().is_multiple_of(4) {
        return None;
    }
    let text = base64::engine::general_purpose::STANDARD.decode(v).ok()?;
    // `user:password` (a Basic credential) is a secret, whatever its words.
    let pair = text
        .iter()
        .position(|&b| b == b':')
        .is_some_and(|i| i > 0 && i + 1 < text.len());
    let printable = text.iter().all(|b| (0x20..0x7f).contains(b)) && !pair;
    let words = text.contains(&b' ')
        && text.iter().filter(|b| b.is_ascii_alphabetic()).count() * 4 >= text.len() * 3
        || is_wordy(&text);
    (printable && words).then_some("base64 of words, not a secret")
}

/// A SigV4 credential scope (`AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request`, or with `%2F`):
/// the access key id, the date, the region and the service. The key id is public; the secret
/// never appears in a scope.
pub(super) fn sigv4_scope(v: &[u8]) -> Option<&'static str> {
    let lower = v.to_ascii_lowercase();
    let text = String::from_utf8_lossy(&lower).replace("%2f", "/");
    let mut parts = text.split('/');
    let key_id = parts.next()?;
    let date = parts.next()?;
    let id_shaped = key_id.len() >= 8 && key_id.bytes().all(|b| b.is_ascii_alphanumeric());
    let dated = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    // Lower-cased above: the key id's case is checked on the value as written.
    let upper = v.iter().take(key_id.len()).all(|b| !b.is_ascii_lowercase());
    (id_shaped && upper && (dated || text.contains("aws4_request")))
        .then_some("a SigV4 credential scope (key id, date, region), not a secret")
}

/// A Unix time in seconds, milliseconds, microseconds or nanoseconds (`1641941238208691` under
/// `lastPasswordChangeUSec`): digits only, 10, 13, 16 or 19 of them, whose seconds fall between
/// 2001 and 2036.
pub(super) fn epoch_time(v: &[u8]) -> Option<&'static str> {
    if !matches!(v.len(), 10 | 13 | 16 | 19) || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let seconds: u64 = std::str::from_utf8(&v[..10]).ok()?.parse().ok()?;
    (1_000_000_000..2_100_000_000)
        .contains(&seconds)
        .then_some("a Unix time, not a secret")
}

/// A URL without a user or password (`https://management.azure.com/.default` under
/// `credential_scopes`): it says where, not what. A URL's password is the URL rule's to find.
pub(super) fn plain_url(v: &[u8]) -> Option<&'static str> {
    let scheme = v.iter().position(|&b| b == b':')?;
    let url = scheme > 1
        && v[..scheme].iter().all(u8::is_ascii_alphabetic)
        && v[scheme..].starts_with(b"://")
        && !v.contains(&b'@');
    url.then_some("a URL, not a secret")
}

/// A path from the root of a Unix file system (`/opt/vendor/sdk/clipasswordsdk`), or a command
/// run from one (`exec:/usr/libexec/ssl-pass-dialog`): it starts at a top directory of the
/// file-system hierarchy and goes at least one directory further, in names without spaces.
/// Base64 may start with `/`, but not with `/usr/` and a second `/` of names.
pub(super) fn system_path(v: &[u8]) -> Option<&'static str> {
    const ROOTS: [&str; 16] = [
        "usr",
        "opt",
        "etc",
        "var",
        "home",
        "tmp",
        "bin",
        "sbin",
        "lib",
        "srv",
        "run",
        "mnt",
        "root",
        "Users",
        "Library",
        "Applications",
    ];
    let path = v.strip_prefix(b"exec:").unwrap_or(v).strip_prefix(b"/")?;
    let mut parts = path.split(|b| *b == b'/');
    let root = parts.next()?;
    let rest: Vec<&[u8]> = parts.collect();
    let named = |p: &&[u8]| {
        !p.is_empty()
            && p.iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    };
    (ROOTS.iter().any(|r| r.as_bytes() == root) && rest.len() >= 2 && rest.iter().all(named))
        .then_some("a path in the file system, not a secret")
}

/// The parts of a URL's credentials written as their names (`user:password@url`,
/// `username:pass@host`): a template of where the credentials go.
pub(super) fn userinfo_template(v: &[u8]) -> Option<&'static str> {
    const WORDS: [&str; 14] = [
        "user", "username", "login", "pass", "password", "passwd", "pwd", "secret", "token",
        "host", "hostname", "url", "server", "domain",
    ];
    let parts: Vec<&[u8]> = v.split(|b| matches!(b, b':' | b'@')).collect();
    let template = parts.len() == 3
        && parts
            .iter()
            .all(|p| WORDS.iter().any(|w| p.eq_ignore_ascii_case(w.as_bytes())));
    template.then_some("credentials written as their names, a template")
}

/// A format string (`storage-systems/%s/passwords`, `users/{}/token`): placeholders among
/// words and separators only, filled in at run time. A random password may hold `%s` by chance
/// (`50%s@@ofBg+G…`), but not among words alone.
pub(super) fn format_string(v: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(v);
    let rest = ["%s", "%d", "{0}", "{1}", "{}"]
        .iter()
        .fold(text.to_string(), |t, p| t.replace(p, "/"));
    let placeholder = rest.len() < text.len() || text.contains("{}");
    let words = rest
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'.' | b'_' | b'-' | b':'))
        && rest.bytes().filter(u8::is_ascii_alphabetic).count() >= 4;
    (placeholder && words).then_some("a format string, filled in at run time")
}

/// A stored password hash, not the password: PostgreSQL's `md5` + 32 hex and
/// `SCRAM-SHA-256$…`, crypt(3) forms (`$2b$`, `$6$`, `$argon2id$`), Django's
/// `pbkdf2_sha256$`, LDAP's `{SSHA}`.
pub(super) fn password_hash(v: &[u8]) -> Option<&'static str> {
    let md5 = v.len() == 35 && v.starts_with(b"md5") && v[3..].iter().all(u8::is_ascii_hexdigit);
    const PREFIXES: [&[u8]; 11] = [
        b"SCRAM-SHA-256$",
        b"SCRAM-SHA-1$",
        b"$2a$",
        b"$2b$",
        b"$2y$",
        b"$5$",
        b"$6$",
        b"$argon2",
        b"pbkdf2_sha256$",
        b"{SSHA}",
        b"{SHA}",
    ];
    (md5 || PREFIXES.iter().any(|p| v.starts_with(p)))
        .then_some("a stored password hash, not the password")
}

/// A generated type name joined with `$` (`Resource$Tokens`,
/// `Resource$Inboundsamlssoprofiles$Idpcredentials`): parts of letters, each capitalised.
pub(super) fn dollar_type(v: &[u8]) -> Option<&'static str> {
    let parts: Vec<&[u8]> = v.split(|&b| b == b'$').collect();
    let typed = parts.len() >= 2
        && parts.iter().all(|p| {
            p.len() >= 2
                && p[0].is_ascii_uppercase()
                && p.iter().all(u8::is_ascii_alphanumeric)
                && p.iter().filter(|b| b.is_ascii_digit()).count() <= 2
        });
    typed.then_some("a generated type name, not a literal")
}

/// Prefixes of a placeholder made of the field's own name (`"my_vmIdToken"`, `your-api-token`).
const OWN_NAME_PREFIXES: [&[u8]; 10] = [
    b"my", b"your", b"the", b"example", b"sample", b"test", b"dummy", b"fake", b"some", b"new",
];

/// The value is `name` (the last word of the name it is assigned to) behind a placeholder's
/// prefix (`"vmIdToken": "my_vmIdToken"`); see `own_name`.
pub(super) fn prefixed_own_name(name: &[u8], v: &[u8]) -> Option<&'static str> {
    let rest = OWN_NAME_PREFIXES.iter().find_map(|p| {
        let lower = v.get(..p.len())?.to_ascii_lowercase();
        (lower == *p).then(|| &v[p.len()..])
    })?;
    let rest = rest
        .strip_prefix(b"_")
        .or_else(|| rest.strip_prefix(b"-"))
        .unwrap_or(rest);
    rest.eq_ignore_ascii_case(name)
        .then_some("a placeholder made of the field's own name, not a secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_told_from_values() {
        for v in [
            "aws_access_key_id",
            "AWSAccessKeyId",
            "--api-key",
            "X-Amz-S3session-Token",
            "no-api-key",
            "encryption_passphrase",
            "access_token=",
            "passphrase",
        ] {
            assert!(field_name(v.as_bytes()).is_some(), "{v}");
        }
        for v in [
            "Zx9kqLmP2w8RtVb4nC7d",
            "correct-horse-battery",
            "qzkxvbnm-token-wrtplk",
            "Secret",
            "Zx9keyLmP2w8RtVb4nC7d",
            "k8Xq2-auth-Lm9Wz4Rt7Vb",
        ] {
            assert!(field_name(v.as_bytes()).is_none(), "{v}");
        }
    }

    #[test]
    fn file_names_need_a_key_or_data_extension_and_a_stem_of_words() {
        assert!(file_name(b"rsa-2048-private-key.pk8").is_some());
        assert!(file_name(b"client_secret.json").is_some());
        assert!(file_name(b"Zx9kqLmP2w8RtVb4.pem").is_none());
        assert!(file_name(b"release-2024.tar").is_none());
    }

    #[test]
    fn base64_of_words_is_decoded_and_random_base64_is_not() {
        let b64 = |t: &str| base64::engine::general_purpose::STANDARD.encode(t);
        assert!(base64_of_words(b64("a secret").as_bytes()).is_some());
        assert!(base64_of_words(b64("Password:").as_bytes()).is_some());
        assert!(base64_of_words(b64("Xk9#mQ2p$Lr7!TzW").as_bytes()).is_none());
        assert!(base64_of_words(b64("deploy:open sesame now").as_bytes()).is_none());
        let random = [
            0x9bu8, 0x11, 0xf0, 0x42, 0x07, 0xd3, 0x88, 0x5e, 0xa1, 0x3c, 0x76, 0x2b,
        ];
        assert!(base64_of_words(b64_bytes(&random).as_bytes()).is_none());
    }

    fn b64_bytes(b: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    #[test]
    fn sigv4_scopes_are_key_id_date_region() {
        assert!(sigv4_scope(b"ASIARTESTID/20090213/us-west-2/s3express/aws4_request").is_some());
        assert!(sigv4_scope(b"ASIARTESTID%2F20090213%2Fus-west-2%2Fs3").is_some());
        assert!(sigv4_scope(b"Zx9kqLmP2w8RtVb4/nC7dQ+w8RtVb4nC7d").is_none());
    }

    #[test]
    fn system_paths_and_userinfo_templates() {
        for v in [
            "/opt/CARKaim/sdk/clipasswordsdk",
            "exec:/usr/libexec/httpd-ssl-pass-dialog",
            "/etc/ssl/private/server.key",
        ] {
            assert!(system_path(v.as_bytes()).is_some(), "{v}");
        }
        for v in [
            "/7PC5om+Xk9mQ2pLr7TzW4vB",
            "/usr",
            "/usr/Xk9mQ2pL+r7TzW4vB",
            "/var/a b/c",
            "/Xk9mQ/2pLr7/TzW4vB",
        ] {
            assert!(system_path(v.as_bytes()).is_none(), "{v}");
        }
        assert!(userinfo_template(b"user:password@url").is_some());
        assert!(userinfo_template(b"username:pass@host").is_some());
        assert!(userinfo_template(b"bob:Harbor48!Blue@db").is_none());
    }

    #[test]
    fn urls_format_strings_and_password_hashes() {
        assert!(plain_url(b"https://management.azure.com/.default").is_some());
        // Built at run time, so that the project's own scan does not read a URL password here.
        let with_password = format!("https://ci:{}@git.example.com", "Zx9kqLmP2w8R");
        assert!(plain_url(with_password.as_bytes()).is_none());
        assert!(plain_url(b"Zx9kqLmP2w8R://x").is_none());
        assert!(format_string(b"storage-systems/%s/passwords").is_some());
        assert!(format_string(b"Zx9kqLmP2w8R%2F").is_none());
        assert!(format_string(b"50%s@@ofBg+G+zWiVA").is_none());
        assert!(password_hash(b"md59543f1d82624df2b31672ec0f7050460").is_some());
        assert!(password_hash(b"SCRAM-SHA-256$4096").is_some());
        assert!(password_hash(b"md5Zx9kqLmP2w8R").is_none());
    }

    #[test]
    fn unix_times_in_any_unit() {
        assert!(epoch_time(b"1641941238").is_some());
        assert!(epoch_time(b"1641941238208691").is_some());
        assert!(epoch_time(b"8374920183").is_none());
        assert!(epoch_time(b"16419412382").is_none());
    }

    #[test]
    fn generated_type_names_and_own_name_placeholders() {
        assert!(dollar_type(b"Resource$Tokens").is_some());
        assert!(dollar_type(b"Resource$Inboundsamlssoprofiles$Idpcredentials").is_some());
        assert!(dollar_type(b"Xk9mQ2$pLr7TzW4vB").is_none());
        assert!(dollar_type(b"Zx9kqLmP2w8R").is_none());
        assert!(prefixed_own_name(b"vmIdToken", b"my_vmIdToken").is_some());
        assert!(prefixed_own_name(b"api_token", b"your-api_token").is_some());
        assert!(prefixed_own_name(b"api_token", b"my_Zx9kqLmP2w8R").is_none());
    }
}
