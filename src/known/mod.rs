//! Known secret values (README.md, "Known secret values"): the values of secret-named variables
//! from `--env-file` files and from the scanning process's own environment (a CI job's secrets). No
//! pattern can recognise them, but a build log that echoes one leaks it. Each value is matched
//! literally in every scanned buffer, plain and in its base64 (standard and URL-safe, at each of
//! the three byte alignments, so it is found inside a longer encoded blob) and percent-encoded
//! forms, all in one Aho-Corasick automaton.
//!
//! Findings use rule id `known-secret-value` and name the variable, never the value. The values
//! live only in memory, in [`KnownValues`], which has no Debug output.

pub mod envfile;

use crate::diag::SourceError;
use crate::rules::{Rule, Severity};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use std::path::{Path, PathBuf};

/// Which variables' values become known secrets (README.md, "Known secret values").
#[derive(Debug, Clone)]
pub struct KnownSettings {
    /// Read the scanning process's environment.
    pub env: bool,
    /// Dotenv files, relative to the project root.
    pub env_files: Vec<PathBuf>,
    /// Name globs (matched case-insensitively) of variables that hold secrets.
    pub names: Vec<String>,
    /// Shorter values are ignored: too likely to occur by chance.
    pub min_length: usize,
}

/// The default secret-looking variable names.
pub const DEFAULT_SECRET_NAMES: [&str; 12] = [
    "*_KEY",
    "*_KEY_*",
    "*SECRET*",
    "*TOKEN",
    "*PASSWORD",
    "*PASSWD",
    "*PASSPHRASE",
    "*CREDENTIALS",
    "*_PWD",
    "*APIKEY*",
    "*_AUTH",
    "*_DSN",
];

impl Default for KnownSettings {
    fn default() -> Self {
        KnownSettings {
            env: true,
            env_files: Vec::new(),
            names: DEFAULT_SECRET_NAMES.iter().map(|s| s.to_string()).collect(),
            min_length: 8,
        }
    }
}

/// The rule id of every known-value finding.
pub const RULE_ID: &str = "known-secret-value";

/// A variable whose value is a known secret.
#[derive(Clone)]
pub struct KnownVar {
    pub name: String,
    /// Where it came from: `the environment` or the env file's path.
    pub origin: String,
    value: String,
}

impl KnownVar {
    pub fn new(name: String, origin: String, value: String) -> KnownVar {
        KnownVar {
            name,
            origin,
            value,
        }
    }
}

/// How a value appears in the scanned bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Plain,
    Base64,
    PercentEncoded,
}

/// The variables to look for, loaded per [`KnownSettings`].
#[derive(Default, Clone)]
pub struct KnownSet {
    pub vars: Vec<KnownVar>,
}

impl KnownSet {
    /// Collects the secret-named variables of `settings.env_files` (relative to `root` unless
    /// absolute), of extra `env_files`, and of the process environment when `settings.env`.
    /// Values shorter than `min_length` or that are placeholders are ignored. When several
    /// variables hold the same value, the first (env files first, in order) names it.
    pub fn load(
        settings: &KnownSettings,
        root: &Path,
        extra_files: &[std::path::PathBuf],
    ) -> Result<KnownSet, KnownError> {
        let names = name_matcher(&settings.names);
        let mut set = KnownSet::default();
        let files = settings
            .env_files
            .iter()
            .map(|p| {
                if p.is_absolute() {
                    p.clone()
                } else {
                    root.join(p)
                }
            })
            .chain(extra_files.iter().cloned());
        for path in files {
            let shown = path.display().to_string();
            let text =
                crate::inputfile::read_text(&path, crate::inputfile::CONFIG_CAP).map_err(|e| {
                    KnownError::Read {
                        path: shown.clone(),
                        message: e.to_string(),
                    }
                })?;
            let vars = envfile::parse(&shown, &text).map_err(KnownError::Invalid)?;
            for v in vars {
                if names.is_match(v.name.to_ascii_uppercase()) {
                    set.push(settings, KnownVar::new(v.name, shown.clone(), v.value));
                }
            }
        }
        if settings.env {
            let mut env: Vec<(String, String)> = std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect();
            env.sort();
            for (k, v) in env {
                if names.is_match(k.to_ascii_uppercase()) {
                    set.push(settings, KnownVar::new(k, "the environment".into(), v));
                }
            }
        }
        Ok(set)
    }

    fn push(&mut self, settings: &KnownSettings, var: KnownVar) {
        let v = var.value.trim();
        if v.chars().count() < settings.min_length
            || crate::classify::is_placeholder(v.as_bytes())
            || is_setting(v)
            || self.vars.iter().any(|k| k.value == var.value)
        {
            return;
        }
        self.vars.push(var);
    }
}

/// Values of secret-named variables that are settings, not secrets: a file path (`SSL_KEY=/etc/
/// ssl/private/app.key`), a URL without credentials, a reference to another variable, or an
/// identifier made of words (`SORT_KEY=created_at`). Matching them literally would flag every
/// doc that mentions them.
fn is_setting(v: &str) -> bool {
    let path = v.starts_with('/') || v.starts_with("./") || v.starts_with("~/") || {
        let b = v.as_bytes();
        b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/')
    };
    let url = v.split_once("://").is_some_and(|(scheme, rest)| {
        scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+')
            && !rest
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .contains('@')
    });
    let reference = v.starts_with('$') || (v.starts_with("{{") && v.ends_with("}}"));
    // `SORT_KEY=created_at`: a name, not a secret.
    let identifier = matches!(
        crate::classify::entropy::judge(v.as_bytes()),
        Err(crate::classify::entropy::NotRandom::Identifier)
    );
    (path && !v.contains(char::is_whitespace)) || url || reference || identifier
}

/// The secret-name globs, upper-cased (names are matched upper-case): `config::parse` checked
/// each with the same builder, so none fails here.
fn name_matcher(globs: &[String]) -> globset::GlobSet {
    let upper: Vec<String> = globs.iter().map(|g| g.to_ascii_uppercase()).collect();
    crate::glob::set(upper.iter().map(String::as_str))
        .expect("known_values.names globs are checked when the config is parsed")
}

/// Why the known values could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum KnownError {
    #[error("cannot read env file {path}: {message}")]
    Read { path: String, message: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<SourceError>),
}

/// The compiled matcher: one automaton over every encoded form of every value.
pub struct KnownValues {
    ac: AhoCorasick,
    /// For each automaton pattern, the rule (one per variable and encoding) it reports under,
    /// as an index into `rules`.
    pattern_rule: Vec<usize>,
    /// The synthetic rules, in the order [`KnownValues::rules`] returns them.
    rules: Vec<Rule>,
}

impl KnownValues {
    /// Builds the matcher, or `None` when there is nothing to look for.
    pub fn build(set: &KnownSet) -> Option<KnownValues> {
        if set.vars.is_empty() {
            return None;
        }
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut pattern_rule = Vec::new();
        let mut rules = Vec::new();
        for var in &set.vars {
            for encoding in [Encoding::Plain, Encoding::Base64, Encoding::PercentEncoded] {
                let forms = encoded_forms(var.value.as_bytes(), encoding);
                let forms: Vec<Vec<u8>> = forms
                    .into_iter()
                    .filter(|f| f.len() >= 8 && !patterns.contains(f))
                    .collect();
                if forms.is_empty() {
                    continue;
                }
                let ri = rules.len();
                rules.push(synthetic_rule(var, encoding));
                for f in forms {
                    patterns.push(f);
                    pattern_rule.push(ri);
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok()?;
        Some(KnownValues {
            ac,
            pattern_rule,
            rules,
        })
    }

    /// The synthetic rules the scanner appends to its pack.
    pub fn take_rules(&mut self) -> Vec<Rule> {
        std::mem::take(&mut self.rules)
    }

    /// Calls `found(rule index among the synthetic rules, byte range)` for every occurrence.
    pub fn find(&self, buf: &[u8], mut found: impl FnMut(usize, std::ops::Range<usize>)) {
        for m in self.ac.find_overlapping_iter(buf) {
            found(self.pattern_rule[m.pattern().as_usize()], m.range());
        }
    }
}

/// The byte strings under which `value` appears in `encoding`.
fn encoded_forms(value: &[u8], encoding: Encoding) -> Vec<Vec<u8>> {
    match encoding {
        Encoding::Plain => vec![value.to_vec()],
        Encoding::Base64 => {
            let mut out = Vec::new();
            for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
                for form in base64_fragments(value, |b| engine.encode(b)) {
                    if !out.contains(&form) {
                        out.push(form);
                    }
                }
            }
            out
        }
        Encoding::PercentEncoded => {
            let upper = percent_encode(value, b"0123456789ABCDEF");
            let lower = percent_encode(value, b"0123456789abcdef");
            let mut out = Vec::new();
            for f in [upper, lower] {
                if f != value && !out.contains(&f) {
                    out.push(f);
                }
            }
            out
        }
    }
}

/// The base64 characters that encode only bytes of `value`, for the value starting at each of the
/// three byte offsets modulo 3 inside a longer encoded stream.
fn base64_fragments(value: &[u8], encode: impl Fn(&[u8]) -> String) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for k in 0..3usize {
        let mut input = vec![0u8; k];
        input.extend_from_slice(value);
        let enc = encode(&input).into_bytes();
        let total_bits = 8 * input.len();
        let first = (8 * k).div_ceil(6);
        let last = total_bits / 6; // characters fully determined by the input, exclusive
        if last > first {
            out.push(enc[first..last.min(enc.len())].to_vec());
        }
    }
    out
}

fn percent_encode(value: &[u8], hex: &[u8; 16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() * 3);
    for &b in value {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', hex[(b >> 4) as usize], hex[(b & 15) as usize]]);
        }
    }
    out
}

fn synthetic_rule(var: &KnownVar, encoding: Encoding) -> Rule {
    let how = match encoding {
        Encoding::Plain => "",
        Encoding::Base64 => ", base64-encoded",
        Encoding::PercentEncoded => ", percent-encoded",
    };
    Rule {
        references: vec![
            "https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions".into(),
        ],
        remediation: Some(format!(
            "The value of {} was written into this file: rotate that secret where it is issued, \
             update the variable, and stop echoing it (mask it in CI logs, keep it out of reports).",
            var.name
        )),
        known_value: true,
        category: Some("generic".to_string()),
        ..Rule::without_regex(
            RULE_ID.to_string(),
            format!("Value of secret variable {} ({}{how})", var.name, var.origin),
            Severity::Critical,
            var.origin.clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(vals: &[(&str, &str)]) -> KnownValues {
        let set = KnownSet {
            vars: vals
                .iter()
                .map(|(n, v)| KnownVar::new(n.to_string(), ".env".into(), v.to_string()))
                .collect(),
        };
        KnownValues::build(&set).unwrap()
    }

    fn hits(k: &KnownValues, buf: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        k.find(buf, |ri, _| out.push(k.rules[ri].title.clone()));
        out
    }

    #[test]
    fn plain_base64_and_percent_forms_are_found() {
        let k = values(&[(concat!("APP_", "SECRET"), "s3cr3t/Value+x=1")]);
        assert_eq!(hits(&k, b"log: s3cr3t/Value+x=1 end").len(), 1);
        for prefix in ["", "a", "ab"] {
            let mut blob = prefix.as_bytes().to_vec();
            blob.extend_from_slice(b"s3cr3t/Value+x=1 and more");
            let enc = STANDARD_NO_PAD.encode(&blob);
            let got = hits(&k, enc.as_bytes());
            assert!(
                got.iter().any(|t| t.contains("base64")),
                "{prefix:?}: {got:?}"
            );
        }
        let got = hits(
            &k,
            concat!("GET /cb?secret", "=s3cr3t%2FValue%2Bx%3D1").as_bytes(),
        );
        assert!(got.iter().any(|t| t.contains("percent")), "{got:?}");
        assert!(hits(&k, b"nothing here").is_empty());
    }

    #[test]
    fn titles_name_the_variable_not_the_value() {
        let k = values(&[(concat!("BOT1_BITGET_API_", "SECRET"), "Zq8LmW3pXt9vB2nK")]);
        for r in &k.rules {
            assert!(r.title.contains("BOT1_BITGET_API_SECRET"));
            assert!(!r.title.contains("Zq8LmW3pXt9vB2nK"));
        }
    }

    #[test]
    fn settings_select_names_and_skip_short_or_placeholder_values() {
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join(".env");
        std::fs::write(
            &env,
            concat!("BOT1_BITGET_API_SECRET", "=Zq8LmW3pXt9vB2nK\nDB_PASSWORD=short\nAPI_TOKEN=changeme\nLOG_LEVEL=debug-verbose\nSORT_KEY=created_at_desc\nTLS_KEY=/etc/ssl/private/app.key\nAUTH_TOKEN_URL=https://auth.acme.io/token\nREDIS_PASSWORD=${REDIS_PASSWORD}\n"),
        )
        .unwrap();
        let settings = KnownSettings {
            env: false,
            ..KnownSettings::default()
        };
        let set = KnownSet::load(&settings, dir.path(), &[env]).unwrap();
        let names: Vec<_> = set.vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["BOT1_BITGET_API_SECRET"]);
    }
}
