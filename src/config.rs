//! `.leakgate.toml`: discovery at the project root (`source::root`: the nearest directory holding
//! one from the scanned path upward, up to the git top-level), or `--config FILE`; parsing with
//! errors that name the file, line and key; and the named scopes (built in: `docs`, `reports`,
//! `logs`). Globs (scopes, `exclude`, `[[allow]] paths`) are relative to the project root.
//!
//! ```toml
//! [scan]
//! fail_on = "low"                 # low | medium | high | critical
//! include_logs = true             # add the logs scope, as --include-logs does
//! scopes = ["docs", "reports"]    # restrict the scan to these scopes, as --scope does
//! exclude = ["tests/fixtures/**"] # globs relative to the project root
//! max_file_size = "64 MiB"        # optional budget: larger files are error entries
//! max_file_time = "60s"           # optional budget for streamed (large or .gz) files
//!
//! [scopes]                        # define or redefine named scopes
//! runbooks = ["ops/runbooks/**"]
//!
//! [[allow]]                         # accept findings (kept in the report as suppressed)
//! reason = "documented sample keys"
//! rules = ["generic-secret-assignment"]   # optional: only these rules
//! paths = ["docs/api/**"]                 # optional: file globs
//! secrets = ['^sk_test_']                 # optional: regexes on the secret
//! lines = ['# fixture$']                  # optional: regexes on the secret's line
//! stopwords = ["sample"]                  # optional: words in the secret
//!
//! [pack]
//! disable = ["generic-cli-secret-flag"]  # built-in rule ids to turn off
//! min_confidence = "high"                # only rules of this confidence or above (low |
//!                                        # medium | high; `leakgate rules list` shows each)
//!
//! [[rules]]                         # add a rule, or override a built-in one by id
//! id = "acme-deploy-key"
//! title = "Acme deploy key"
//! severity = "high"
//! keywords = ["acmedk_"]
//! regex = '\b(acmedk_[A-Za-z0-9]{32})\b'
//!
//! [known_values]                    # literal values that must never appear in artifacts
//! env = true                        # read the scanning process's environment (--no-env: off)
//! env_files = [".env.ci"]           # dotenv files, as --env-file
//! names = ["*_KEY", "*_SECRET"]     # which variable names hold secrets (globs, any case)
//! min_length = 8
//! ```
//!
//! Every kind of matcher an `[[allow]]` entry sets must match (`paths` and `stopwords` both, if
//! both are set); within one kind, any item may match.

use crate::diag::{self, Diagnostics, SourceError};
use crate::filter::allow::{AllowEntry, AllowList};
pub use crate::known::{DEFAULT_SECRET_NAMES, KnownSettings};
use crate::rules::syntax::RuleSyntax;
use crate::rules::{BUILTIN_RULE_FILES, Confidence, PackBuilder, RulePack, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The config file name looked up at the project root.
pub const FILE_NAME: &str = ".leakgate.toml";

/// The built-in scopes and their globs (relative to the project root).
pub const BUILTIN_SCOPES: [(&str, &[&str]); 3] = [
    ("docs", &["docs/**", "**/*.md"]),
    ("reports", &["reports/**"]),
    (
        "logs",
        &["data/*/logs/**", "logs/**", "**/*.log", "**/*.jsonl"],
    ),
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    scan: RawScan,
    #[serde(default)]
    scopes: BTreeMap<String, Spanned<Vec<String>>>,
    #[serde(default)]
    allow: Vec<Spanned<RawAllow>>,
    #[serde(default)]
    pack: RawPack,
    #[serde(default)]
    rules: Vec<Spanned<RuleSyntax>>,
    #[serde(default)]
    known_values: RawKnown,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    reason: Option<String>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    secrets: Vec<Spanned<String>>,
    #[serde(default)]
    lines: Vec<Spanned<String>>,
    #[serde(default)]
    stopwords: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    min_confidence: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKnown {
    env: Option<bool>,
    #[serde(default)]
    env_files: Vec<String>,
    names: Option<Vec<Spanned<String>>>,
    min_length: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScan {
    fail_on: Option<Spanned<String>>,
    include_logs: Option<bool>,
    scopes: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    max_file_size: Option<Spanned<RawSize>>,
    max_file_time: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSize {
    Bytes(u64),
    Text(String),
}

/// A named set of globs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub name: String,
    pub globs: Vec<String>,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    pub fail_on: Option<Severity>,
    pub include_logs: bool,
    pub scopes: Option<Vec<String>>,
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    pub max_file_time: Option<std::time::Duration>,
    /// Every known scope: built-ins, overridden or extended by `[scopes]`.
    pub scope_defs: Vec<Scope>,
    /// `[[allow]]` entries.
    pub allow: AllowList,
    /// `[known_values]`.
    pub known: KnownSettings,
    /// `[[rules]]` and `[pack]`, checked against the pack by [`Config::rule_pack`].
    rules: Vec<RuleSyntax>,
    disable: Vec<Spanned<String>>,
    /// `[pack] min_confidence`: rules below it do not run.
    pub min_confidence: Option<Confidence>,
    /// Rule ids named by `[[allow]] rules`, with their spans and the key that names them.
    allow_rule_ids: Vec<(String, Spanned<String>)>,
    /// The config's name and text, for errors found after parsing.
    source: Option<(String, String)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            fail_on: None,
            include_logs: false,
            scopes: None,
            exclude: Vec::new(),
            max_file_size: None,
            max_file_time: None,
            scope_defs: builtin_scopes(),
            allow: AllowList::default(),
            known: KnownSettings::default(),
            rules: Vec::new(),
            disable: Vec::new(),
            min_confidence: None,
            allow_rule_ids: Vec::new(),
            source: None,
        }
    }
}

fn builtin_scopes() -> Vec<Scope> {
    BUILTIN_SCOPES
        .iter()
        .map(|(name, globs)| Scope {
            name: name.to_string(),
            globs: globs.iter().map(|g| g.to_string()).collect(),
        })
        .collect()
}

/// Why a config could not be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error("cannot read config {path}: {message}")]
    Read { path: String, message: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<SourceError>),
}

impl Config {
    /// Loads `explicit`, or `.leakgate.toml` in `root` when present, or the defaults.
    pub fn discover(root: &Path, explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = root.join(FILE_NAME);
                if !p.is_file() {
                    return Ok(Config::default());
                }
                p
            }
        };
        let text =
            crate::inputfile::read_text(&path, crate::inputfile::CONFIG_CAP).map_err(|e| {
                ConfigError::Read {
                    path: path.display().to_string(),
                    message: e.to_string(),
                }
            })?;
        let mut cfg =
            Config::parse(&path.display().to_string(), &text).map_err(ConfigError::Invalid)?;
        cfg.path = Some(path);
        Ok(cfg)
    }

    /// Parses and validates config text; `name` is used in error frames.
    pub fn parse(name: &str, text: &str) -> Result<Config, Box<SourceError>> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| Box::new(SourceError::from_toml(name, text, &e)))?;
        let err = |span: std::ops::Range<usize>, key: &str, msg: String| {
            Box::new(SourceError::new(
                name,
                text,
                span,
                format!("invalid `{key}` in {name}: {msg}"),
                msg,
            ))
        };
        let mut cfg = Config {
            source: Some((name.to_string(), text.to_string())),
            ..Config::default()
        };
        cfg.allow.origin = name.to_string();
        for (index, entry) in raw.allow.iter().enumerate() {
            let span = entry.span();
            let e = entry.get_ref();
            let key = |k: &str| format!("allow[{index}].{k}");
            let mut paths = globset::GlobSetBuilder::new();
            for g in &e.paths {
                let glob = crate::glob::build(g.get_ref())
                    .map_err(|x| err(g.span(), &key("paths"), diag::glob_message(&x)))?;
                paths.add(glob);
            }
            let regex_set = |items: &[Spanned<String>], k: &str| {
                for r in items {
                    regex::bytes::Regex::new(r.get_ref())
                        .map_err(|x| err(r.span(), &key(k), diag::regex_message(&x.to_string())))?;
                }
                Ok::<_, Box<SourceError>>((!items.is_empty()).then(|| {
                    regex::bytes::RegexSet::new(items.iter().map(|r| r.get_ref()))
                        .expect("each pattern compiled")
                }))
            };
            let stopwords: Vec<String> = e
                .stopwords
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .filter(|w| !w.is_empty())
                .collect();
            let matchers = e.paths.len() + e.secrets.len() + e.lines.len() + stopwords.len();
            if matchers == 0 {
                return Err(err(
                    span,
                    &format!("allow[{index}]"),
                    "an entry needs at least one of paths, secrets, lines or stopwords".into(),
                ));
            }
            cfg.allow_rule_ids
                .extend(e.rules.iter().map(|r| (key("rules"), r.clone())));
            cfg.allow.entries.push(AllowEntry {
                index,
                reason: e.reason.clone(),
                rules: e.rules.iter().map(|r| r.get_ref().clone()).collect(),
                paths: (!e.paths.is_empty())
                    .then(|| paths.build())
                    .transpose()
                    .map_err(|x| err(span.clone(), &key("paths"), diag::glob_message(&x)))?,
                secrets: regex_set(&e.secrets, "secrets")?,
                lines: regex_set(&e.lines, "lines")?,
                stopwords,
            });
        }
        cfg.rules = raw.rules.iter().map(|r| r.get_ref().clone()).collect();
        cfg.disable = raw.pack.disable.clone();
        let known = &raw.known_values;
        if let Some(env) = known.env {
            cfg.known.env = env;
        }
        cfg.known.env_files = known.env_files.iter().map(PathBuf::from).collect();
        if let Some(names) = &known.names {
            for n in names {
                crate::glob::build(n.get_ref())
                    .map_err(|x| err(n.span(), "known_values.names", diag::glob_message(&x)))?;
            }
            cfg.known.names = names.iter().map(|n| n.get_ref().clone()).collect();
        }
        if let Some(min) = known.min_length {
            cfg.known.min_length = min.max(4);
        }
        for (scope, globs) in &raw.scopes {
            for g in globs.get_ref() {
                if let Err(e) = crate::glob::build(g) {
                    let key = format!("scopes.{}", diag::key_part(scope));
                    return Err(err(globs.span(), &key, diag::glob_message(&e)));
                }
            }
            let def = Scope {
                name: scope.clone(),
                globs: globs.get_ref().clone(),
            };
            match cfg.scope_defs.iter_mut().find(|s| s.name == *scope) {
                Some(existing) => *existing = def,
                None => cfg.scope_defs.push(def),
            }
        }
        if let Some(c) = &raw.pack.min_confidence {
            cfg.min_confidence = Some(Confidence::parse(c.get_ref()).ok_or_else(|| {
                err(
                    c.span(),
                    "pack.min_confidence",
                    "not one of low, medium, high".into(),
                )
            })?);
        }
        if let Some(f) = &raw.scan.fail_on {
            cfg.fail_on = Some(Severity::parse(f.get_ref()).ok_or_else(|| {
                err(
                    f.span(),
                    "scan.fail_on",
                    "not one of low, medium, high, critical".into(),
                )
            })?);
        }
        cfg.include_logs = raw.scan.include_logs.unwrap_or(false);
        if let Some(scopes) = &raw.scan.scopes {
            let mut names = Vec::new();
            for s in scopes {
                if !cfg.scope_defs.iter().any(|d| d.name == *s.get_ref()) {
                    let known: Vec<&str> = cfg
                        .scope_defs
                        .iter()
                        .map(|d| d.name.as_str())
                        .filter(|n| diag::plain_key(n))
                        .collect();
                    return Err(err(
                        s.span(),
                        "scan.scopes",
                        format!(
                            "unknown scope {} (known: {})",
                            diag::quoted_key(s.get_ref(), "(not shown)"),
                            known.join(", ")
                        ),
                    ));
                }
                names.push(s.get_ref().clone());
            }
            cfg.scopes = Some(names);
        }
        for g in &raw.scan.exclude {
            if let Err(e) = crate::glob::build(g.get_ref()) {
                return Err(err(g.span(), "scan.exclude", diag::glob_message(&e)));
            }
            cfg.exclude.push(g.get_ref().clone());
        }
        if let Some(t) = &raw.scan.max_file_time {
            // humantime's message quotes the text: not forwarded.
            cfg.max_file_time = Some(humantime::parse_duration(t.get_ref()).map_err(|_| {
                err(
                    t.span(),
                    "scan.max_file_time",
                    "not a duration such as 60s".into(),
                )
            })?);
        }
        if let Some(size) = &raw.scan.max_file_size {
            cfg.max_file_size = Some(match size.get_ref() {
                RawSize::Bytes(n) => *n,
                RawSize::Text(t) => parse_size(t).ok_or_else(|| {
                    err(
                        size.span(),
                        "scan.max_file_size",
                        "not a size such as 64 MiB".into(),
                    )
                })?,
            });
        }
        Ok(cfg)
    }

    /// The rule pack this config runs: the built-in pack, then the config's `[[rules]]` (a rule
    /// with a built-in id replaces it), minus `[pack] disable`. Unknown ids in `disable` or in an
    /// allow entry's `rules` are errors that point at the config.
    pub fn rule_pack(&self) -> Result<RulePack, Diagnostics> {
        let mut builder = PackBuilder::builtin();
        builder.add_files(BUILTIN_RULE_FILES);
        let Some((name, text)) = &self.source else {
            return builder.finish();
        };
        builder.digest_extra(text.as_bytes());
        builder.compile_eagerly();
        for rule in &self.rules {
            builder.add_rule(name, text, rule.clone());
        }
        let mut errors = Vec::new();
        let disable = self.disable.iter().map(|d| ("pack.disable", d));
        let allow = self.allow_rule_ids.iter().map(|(k, id)| (k.as_str(), id));
        for (key, id) in disable.chain(allow) {
            if !builder.has_rule(id.get_ref()) && !crate::hygiene::is_check(id.get_ref()) {
                errors.push(SourceError::new(
                    name,
                    text,
                    id.span(),
                    format!(
                        "unknown rule id {} at `{key}` in {name}",
                        diag::quoted_key(id.get_ref(), "(not shown)")
                    ),
                    "no rule has this id (see `leakgate rules list`)",
                ));
            }
        }
        if !errors.is_empty() {
            let n = errors.len();
            return Err(Diagnostics::new(format!("{n} error(s) in {name}"), errors));
        }
        let ids: Vec<String> = self.disable.iter().map(|d| d.get_ref().clone()).collect();
        builder.disable(&ids);
        if let Some(min) = self.min_confidence {
            builder.retain(|r| r.confidence >= min);
        }
        builder.finish()
    }

    /// Whether `[pack] disable` names this rule id.
    pub fn disabled(&self, id: &str) -> bool {
        self.disable.iter().any(|d| d.get_ref() == id)
    }

    /// The hygiene checks this config leaves enabled, as rules.
    pub fn hygiene_rules(&self) -> Vec<crate::rules::Rule> {
        crate::hygiene::rules(|id| self.disabled(id))
    }

    /// The definition of a scope by name.
    pub fn scope(&self, name: &str) -> Option<&Scope> {
        self.scope_defs.iter().find(|s| s.name == name)
    }
}

/// `1024`, `64KiB`, `64 MiB`, `2GB`.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().ok()?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let text = r#"
[scan]
fail_on = "high"
include_logs = true
scopes = ["docs", "runbooks"]
exclude = ["tests/fixtures/**"]
max_file_size = "64 MiB"

[scopes]
runbooks = ["ops/**"]
"#;
        let cfg = Config::parse("c.toml", text).unwrap();
        assert_eq!(cfg.fail_on, Some(Severity::High));
        assert!(cfg.include_logs);
        assert_eq!(
            cfg.scopes.as_deref(),
            Some(&["docs".to_string(), "runbooks".to_string()][..])
        );
        assert_eq!(cfg.max_file_size, Some(64 << 20));
        assert_eq!(cfg.scope("runbooks").unwrap().globs, vec!["ops/**"]);
        assert_eq!(cfg.scope("logs").unwrap().globs.len(), 4);
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let e = Config::parse("c.toml", "[scan]\nfail_on = \"sometimes\"\n").unwrap_err();
        assert_eq!(e.line(), 2);
        assert!(e.message.contains("`scan.fail_on`") && e.message.contains("c.toml"));
        let e = Config::parse("c.toml", "[scan]\ninclude_logs = true\nfail_onn = 1\n").unwrap_err();
        assert_eq!(e.line(), 3);
        assert!(e.message.contains("fail_onn"), "{}", e.message);
        let e = Config::parse("c.toml", "[scan]\nscopes = [\"nope\"]\n").unwrap_err();
        assert_eq!(e.line(), 2);
        assert!(e.message.contains("unknown scope `nope`"));
        let e = Config::parse("c.toml", "[scan]\nscopes = [\"Ab3dEf9hIj\"]\n").unwrap_err();
        assert!(
            !e.message.contains("Ab3d"),
            "a value is never quoted: {}",
            e.message
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10"), Some(10));
        assert_eq!(parse_size("2 KiB"), Some(2048));
        assert_eq!(parse_size("1GB"), Some(1 << 30));
        assert_eq!(parse_size("lots"), None);
    }
}
