//! The rule file format as written in TOML: plain serde structs that mirror `rules/*.toml` and the
//! `[[rules]]` tables of `.leakgate.toml`, with spans kept so errors can point at the file, line
//! and key. Compilation into matchers lives in `rules::compile`.

use serde::Deserialize;
use toml::Spanned;

/// A rule file: a list of `[[rules]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rules: Vec<Spanned<RuleSyntax>>,
}

/// One rule as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub severity: Spanned<String>,
    #[serde(default)]
    pub keywords: Option<Spanned<Vec<String>>>,
    pub regex: Spanned<String>,
    #[serde(default)]
    pub min_entropy: Option<Spanned<f64>>,
    #[serde(default)]
    pub randomness: bool,
    #[serde(default)]
    pub require_classes: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub checksum: Option<Spanned<String>>,
    #[serde(default)]
    pub generic: bool,
    #[serde(default)]
    pub paths: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub skip_paths: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub category: Option<Spanned<String>>,
    #[serde(default)]
    pub confidence: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
    #[serde(default)]
    pub pair: Option<Spanned<PairSyntax>>,
}

/// `[rules.pair]`: the other part of a two-part credential (an AWS key's id beside its secret),
/// searched for near each finding of the rule and reported with it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSyntax {
    /// What the other part is, in a few words (`access key id`).
    pub part: Spanned<String>,
    /// The other part's pattern: its first capture group, else the whole match.
    pub regex: Spanned<String>,
    /// How many lines above and below the secret's line to search (default 3).
    #[serde(default)]
    pub lines: Option<Spanned<i64>>,
}
