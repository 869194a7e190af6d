//! `.leakgate.toml`: discovery at the scan root (or `--config FILE`), parsing with errors that name
//! the file, line and key, and the named scopes (built in: `docs`, `reports`, `logs`).
//!
//! ```toml
//! [scan]
//! fail_on = "low"                 # low | medium | high | critical
//! include_logs = true             # add the logs scope, as --include-logs does
//! scopes = ["docs", "reports"]    # restrict the scan to these scopes, as --scope does
//! exclude = ["tests/fixtures/**"] # globs relative to the scan root
//! max_file_size = "64 MiB"        # optional budget: larger files are error entries
//!
//! [scopes]                        # define or redefine named scopes
//! runbooks = ["ops/runbooks/**"]
//! ```

use crate::diag::SourceError;
use crate::rules::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The config file name looked up at the scan root.
pub const FILE_NAME: &str = ".leakgate.toml";

/// The built-in scopes and their globs (relative to the scan root).
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
    /// Every known scope: built-ins, overridden or extended by `[scopes]`.
    pub scope_defs: Vec<Scope>,
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
            scope_defs: builtin_scopes(),
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
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
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
        let mut cfg = Config::default();
        for (scope, globs) in &raw.scopes {
            for g in globs.get_ref() {
                if let Err(e) = globset::Glob::new(g) {
                    return Err(err(globs.span(), &format!("scopes.{scope}"), e.to_string()));
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
        if let Some(f) = &raw.scan.fail_on {
            cfg.fail_on = Some(Severity::parse(f.get_ref()).ok_or_else(|| {
                err(
                    f.span(),
                    "scan.fail_on",
                    format!(
                        "`{}` is not one of low, medium, high, critical",
                        f.get_ref()
                    ),
                )
            })?);
        }
        cfg.include_logs = raw.scan.include_logs.unwrap_or(false);
        if let Some(scopes) = &raw.scan.scopes {
            let mut names = Vec::new();
            for s in scopes {
                if !cfg.scope_defs.iter().any(|d| d.name == *s.get_ref()) {
                    return Err(err(
                        s.span(),
                        "scan.scopes",
                        format!("unknown scope `{}`", s.get_ref()),
                    ));
                }
                names.push(s.get_ref().clone());
            }
            cfg.scopes = Some(names);
        }
        for g in &raw.scan.exclude {
            if let Err(e) = globset::Glob::new(g.get_ref()) {
                return Err(err(g.span(), "scan.exclude", e.to_string()));
            }
            cfg.exclude.push(g.get_ref().clone());
        }
        if let Some(size) = &raw.scan.max_file_size {
            cfg.max_file_size = Some(match size.get_ref() {
                RawSize::Bytes(n) => *n,
                RawSize::Text(t) => parse_size(t).ok_or_else(|| {
                    err(
                        size.span(),
                        "scan.max_file_size",
                        format!("`{t}` is not a size such as 64 MiB"),
                    )
                })?,
            });
        }
        Ok(cfg)
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
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10"), Some(10));
        assert_eq!(parse_size("2 KiB"), Some(2048));
        assert_eq!(parse_size("1GB"), Some(1 << 30));
        assert_eq!(parse_size("lots"), None);
    }
}
