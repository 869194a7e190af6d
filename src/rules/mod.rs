//! The rule model: loading rule files (the embedded pack and user files), validating them with
//! errors that point at file, line and key, and compiling them into [`Rule`]s the detector runs.
//!
//! Rules are data (`rules/*.toml`, format in `rules/README.md`). A rule pack is an ordered list of
//! rules plus a digest of the sources it came from, so a report can name exactly what ran.

pub mod analysis;
mod compile;
pub mod format;
pub mod lazy;
pub mod reach;
pub mod syntax;

use crate::diag::{Diagnostics, SourceError};
use reach::Windowing;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;

pub use compile::compile_rule;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The analyses of the built-in rules' regexes, made by the build script, sorted by digest.
pub static BUILTIN_ANALYSES: &[analysis::Precomputed] = {
    use analysis::Precomputed;
    use reach::{Opening, Reach};
    include!(concat!(env!("OUT_DIR"), "/builtin_analyses.rs"))
};

/// How bad a leak of this kind is; also the `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Character classes a secret may be required to contain (`require_classes`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classes(u8);

impl Classes {
    pub const LOWER: Classes = Classes(1);
    pub const UPPER: Classes = Classes(2);
    pub const DIGIT: Classes = Classes(4);
    pub const SPECIAL: Classes = Classes(8);

    pub fn parse(name: &str) -> Option<Classes> {
        Some(match name {
            "lower" => Classes::LOWER,
            "upper" => Classes::UPPER,
            "digit" => Classes::DIGIT,
            "special" => Classes::SPECIAL,
            _ => return None,
        })
    }

    pub fn union(self, other: Classes) -> Classes {
        Classes(self.0 | other.0)
    }

    pub fn of(bytes: &[u8]) -> Classes {
        bytes.iter().fold(Classes(0), |acc, &b| {
            acc.union(match b {
                b'a'..=b'z' => Classes::LOWER,
                b'A'..=b'Z' => Classes::UPPER,
                b'0'..=b'9' => Classes::DIGIT,
                _ => Classes::SPECIAL,
            })
        })
    }

    pub fn contains(self, other: Classes) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Checksums embedded in some token formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// The last 6 characters are the CRC32 of the random part, base62-encoded (GitHub, npm).
    Base62Crc32,
    /// Base58 whose last 4 decoded bytes are the first 4 of the double SHA-256 of the rest
    /// (Bitcoin WIF keys, BIP-32 extended keys).
    Base58Check,
    /// A BIP-39 mnemonic: 12 to 24 words of the English list whose last bits are the SHA-256
    /// checksum of the entropy the words encode.
    Bip39,
}

impl Checksum {
    /// Each checksum by its name in a rule file.
    pub const NAMES: [(&str, Checksum); 3] = [
        ("base62-crc32", Checksum::Base62Crc32),
        ("base58check", Checksum::Base58Check),
        ("bip39", Checksum::Bip39),
    ];

    pub fn parse(s: &str) -> Option<Checksum> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|&(_, c)| c)
    }
}

/// How sure a finding of a rule is a live credential, as `[pack] min_confidence` chooses rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A name and a free-form value (generic rules).
    Low,
    /// A provider's keyword next to a value of the right shape.
    Medium,
    /// The token proves its format: a distinctive prefix and bounded length, or a checksum.
    High,
}

impl Confidence {
    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The categories a rule may name (`category = "..."`), for filtering and for reports.
pub const CATEGORIES: &[&str] = &[
    "ai",
    "analytics",
    "auth",
    "ci-cd",
    "cloud",
    "communication",
    "crm",
    "crypto-exchange",
    "crypto-wallet",
    "database",
    "devtools",
    "ecommerce",
    "email",
    "finance",
    "generic",
    "hosting",
    "hygiene",
    "iac",
    "maps",
    "marketing",
    "messaging",
    "monitoring",
    "package-registry",
    "payment",
    "private-key",
    "productivity",
    "saas",
    "search",
    "secrets-manager",
    "security",
    "social",
    "storage",
    "vcs",
];

/// A compiled rule.
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub keywords: Vec<String>,
    /// Built on first use for the built-in pack (see `lazy.rs`); derefs to the regex.
    pub regex: lazy::LazyRegex,
    pub pattern: String,
    pub secret_group: usize,
    /// Where the regex must run: near the hits of which literals, how far (`rules::reach`).
    pub windowing: Windowing,
    pub min_entropy: Option<f64>,
    pub randomness: bool,
    pub require_classes: Classes,
    pub checksum: Option<Checksum>,
    pub generic: bool,
    /// Every match of the secret carries one of the rule's keywords and is bounded in length
    /// (`rules::format`): a token format, not a free-form value.
    pub distinctive: bool,
    pub paths: Option<globset::GlobSet>,
    pub path_globs: Vec<String>,
    /// Files the rule does not search, though `paths` admits them (`skip_paths`: a log rule has
    /// nothing to find in source code, which prints no log line).
    pub skip_paths: Option<globset::GlobSet>,
    /// One of [`CATEGORIES`]; `None` when the rule names none (a user's own rule).
    pub category: Option<String>,
    /// As written, else derived: high for a proven format, low for a generic rule, else medium.
    pub confidence: Confidence,
    pub tags: Vec<String>,
    pub references: Vec<String>,
    pub remediation: Option<String>,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    /// The file the rule came from (`rules/aws.toml`, `.leakgate.toml`).
    pub origin: String,
    /// A `known-secret-value` rule: it matches one variable's literal value (`known`), not a
    /// regex, and the not-a-leak filters do not second-guess it.
    pub known_value: bool,
    /// The other part of a two-part credential, looked for around each finding.
    pub pair: Option<Pair>,
}

/// The other part of a two-part credential (`[rules.pair]` in a rule file): the id that goes with
/// a secret (an AWS access key id), or the account a key opens (an Azure storage account). The
/// secret is the finding; the part found nearest to it, within `lines` lines above or below, is
/// reported with it (`finding::Part`), masked like the secret.
pub struct Pair {
    /// What the part is, in a few words (`access key id`).
    pub part: String,
    pub regex: lazy::LazyRegex,
    /// The capture group holding the part (0: the whole match).
    pub group: usize,
    /// How many lines above and below the secret's line are searched.
    pub lines: usize,
}

impl Pair {
    /// Default of `lines`.
    pub const DEFAULT_LINES: usize = 3;
    /// Most `lines` a rule may ask for: the parts of one credential are written together.
    pub const MAX_LINES: usize = 20;
}

impl Rule {
    /// Whether a match's format is proven by the token itself: a passing checksum (the validators
    /// reject a match whose checksum fails) or a distinctive format (`distinctive`). The
    /// not-a-leak heuristics for free-form values leave such a match alone (`filter`).
    pub fn format_proven(&self) -> bool {
        !self.generic && (self.checksum.is_some() || self.distinctive)
    }

    /// A rule that names findings made by code, not by a regex (known secret values, hygiene
    /// checks): no keywords, a regex that never matches, no validators and no examples.
    pub fn without_regex(id: String, title: String, severity: Severity, origin: String) -> Rule {
        Rule {
            id,
            title,
            severity,
            keywords: Vec::new(),
            regex: lazy::LazyRegex::new(r"\b\B").expect("valid").0,
            pattern: String::new(),
            secret_group: 0,
            windowing: Windowing::WHOLE,
            min_entropy: None,
            randomness: false,
            require_classes: Classes::default(),
            checksum: None,
            generic: false,
            distinctive: false,
            paths: None,
            path_globs: Vec::new(),
            skip_paths: None,
            category: None,
            confidence: Confidence::High,
            tags: Vec::new(),
            references: Vec::new(),
            remediation: None,
            examples: Vec::new(),
            negative_examples: Vec::new(),
            origin,
            known_value: false,
            pair: None,
        }
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

/// An ordered set of compiled rules.
#[derive(Debug)]
pub struct RulePack {
    pub rules: Vec<Rule>,
    /// `sha256:` digest over the rule sources that ran.
    pub digest: String,
}

impl RulePack {
    /// The pack embedded in the binary.
    /// The pack embedded in the binary. Its regexes are built on first use (the test suite
    /// builds every one of them), which keeps short scans such as pre-commit hooks fast.
    pub fn builtin() -> Result<RulePack, Diagnostics> {
        let mut builder = PackBuilder::builtin();
        builder.add_files(BUILTIN_RULE_FILES);
        builder.finish()
    }

    /// Parses and compiles rule files given as (file name, text). All errors are collected.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<RulePack, Diagnostics> {
        let mut builder = PackBuilder::default();
        builder.add_files(&sources.into_iter().collect::<Vec<_>>());
        builder.finish()
    }
}

/// Accumulates rule files (built-in and user) into a pack; later rules with the same id override
/// earlier ones, and disabled ids are dropped.
#[derive(Default)]
pub struct PackBuilder {
    rules: Vec<Rule>,
    errors: Vec<SourceError>,
    hasher: Sha256,
    /// Build regexes on first use (the built-in pack) rather than at load.
    lazy: bool,
}

impl PackBuilder {
    /// A builder for the built-in pack, whose regexes are built on first use.
    pub fn builtin() -> PackBuilder {
        PackBuilder {
            lazy: true,
            ..PackBuilder::default()
        }
    }

    /// Builds the regexes of the rules added from now on at load, so that their errors are
    /// reported there (user rules, after the lazily built built-in pack).
    pub fn compile_eagerly(&mut self) {
        self.lazy = false;
    }

    /// Adds every rule of one rule file.
    pub fn add_file(&mut self, name: &str, text: &str) {
        self.add_files(&[(name, text)]);
    }

    /// Adds every rule of these rule files, in order, as `add_file` one by one would. The files
    /// are parsed and their rules compiled in parallel (on the current rayon pool): parsing each
    /// regex and proving its reach for the 250 rules of the built-in pack is most of a short
    /// scan's start.
    pub fn add_files(&mut self, files: &[(&str, &str)]) {
        use rayon::prelude::*;
        for (name, text) in files {
            self.hasher.update(name.as_bytes());
            self.hasher.update([0]);
            self.hasher.update(text.as_bytes());
            self.hasher.update([0]);
        }
        let lazy = self.lazy;
        let compiled: Vec<_> = files
            .par_iter()
            .map(
                |&(name, text)| match toml::from_str::<syntax::RuleFile>(text) {
                    Ok(file) => Ok(file
                        .rules
                        .into_par_iter()
                        .map(|rule| {
                            let id_span = rule.get_ref().id.span();
                            (id_span, compile_rule(name, text, rule.into_inner(), lazy))
                        })
                        .collect::<Vec<_>>()),
                    Err(e) => Err(Box::new(SourceError::from_toml(name, text, &e))),
                },
            )
            .collect();
        for (&(name, text), file) in files.iter().zip(compiled) {
            match file {
                Ok(rules) => rules
                    .into_iter()
                    .for_each(|(span, r)| self.insert(name, text, span, r)),
                Err(e) => self.errors.push(*e),
            }
        }
    }

    /// Adds one parsed rule (also used for `[[rules]]` in `.leakgate.toml`).
    pub fn add_rule(&mut self, name: &str, text: &str, rule: syntax::RuleSyntax) {
        let id_span = rule.id.span();
        let compiled = compile_rule(name, text, rule, self.lazy);
        self.insert(name, text, id_span, compiled);
    }

    /// Adds a compiled rule (a later origin's rule replaces the one with its id) or its errors.
    /// `id_span` is where the rule's `id` is written.
    fn insert(
        &mut self,
        name: &str,
        text: &str,
        id_span: std::ops::Range<usize>,
        compiled: Result<Rule, Vec<SourceError>>,
    ) {
        match compiled {
            Ok(rule) => match self.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(existing) if existing.origin != rule.origin => *existing = rule,
                Some(_) => self.errors.push(SourceError::new(
                    name,
                    text,
                    id_span,
                    format!(
                        "invalid `id` in {name}: duplicate rule id {}",
                        crate::diag::quoted_key(&rule.id, "(not shown)")
                    ),
                    "defined earlier in this file",
                )),
                None => self.rules.push(rule),
            },
            Err(errs) => self.errors.extend(errs),
        }
    }

    /// Records extra source bytes in the pack digest (e.g. a config's rule settings).
    pub fn digest_extra(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
    }

    /// Drops rules by id.
    pub fn disable(&mut self, ids: &[String]) {
        self.rules.retain(|r| !ids.contains(&r.id));
    }

    /// Keeps only the rules `keep` accepts (`[pack] min_confidence`).
    pub fn retain(&mut self, keep: impl Fn(&Rule) -> bool) {
        self.rules.retain(|r| keep(r));
    }

    pub fn has_rule(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.id == id)
    }

    pub fn finish(self) -> Result<RulePack, Diagnostics> {
        if !self.errors.is_empty() {
            let n = self.errors.len();
            return Err(Diagnostics::new(
                format!("{n} error(s) in rule files"),
                self.errors,
            ));
        }
        let digest = self.hasher.finalize();
        let mut hex = String::from("sha256:");
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        Ok(RulePack {
            rules: self.rules,
            digest: hex,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pack_loads() {
        let pack = RulePack::builtin().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!pack.rules.is_empty());
        assert!(pack.digest.starts_with("sha256:"));
    }

    #[test]
    fn classes_of_bytes() {
        let c = Classes::of(b"aB3");
        assert!(c.contains(Classes::LOWER.union(Classes::UPPER).union(Classes::DIGIT)));
        assert!(!c.contains(Classes::SPECIAL));
    }

    #[test]
    fn later_files_override_rules_by_id() {
        let a = "[[rules]]\nid='x-a'\ntitle='A'\nseverity='low'\nregex='''a(b{4})'''\n";
        let b = "[[rules]]\nid='x-a'\ntitle='B'\nseverity='high'\nregex='''c(d{4})'''\n";
        let pack = RulePack::from_sources([("a.toml", a), ("b.toml", b)]).unwrap();
        assert_eq!(pack.rules.len(), 1);
        assert_eq!(pack.rules[0].title, "B");
    }

    #[test]
    fn files_added_together_give_the_pack_of_files_added_one_by_one() {
        let rule = |id: &str, title: &str| {
            format!(
                "[[rules]]\nid='{id}'\ntitle='{title}'\nseverity='low'\nregex='''a(b{{4}})'''\n"
            )
        };
        let a = format!("{}{}", rule("x-one", "A1"), rule("x-two", "A2"));
        let b = format!("{}{}", rule("x-three", "B3"), rule("x-one", "B1"));
        let dup = format!("{}{}", rule("x-four", "D4"), rule("x-four", "D4 again"));
        let bad = "[[rules]]\nid='x-bad'\n";
        let files = [
            ("a.toml", a.as_str()),
            ("b.toml", b.as_str()),
            ("dup.toml", dup.as_str()),
            ("bad.toml", bad),
        ];
        let mut together = PackBuilder::default();
        together.add_files(&files);
        let mut one_by_one = PackBuilder::default();
        for (name, text) in files {
            one_by_one.add_file(name, text);
        }
        let titles = |b: &PackBuilder| b.rules.iter().map(|r| r.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&together), ["B1", "A2", "B3", "D4"]);
        assert_eq!(titles(&together), titles(&one_by_one));
        let errors = |b: &PackBuilder| {
            b.errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(errors(&together).len(), 2, "{:?}", errors(&together));
        assert_eq!(errors(&together), errors(&one_by_one));
        assert_eq!(together.hasher.finalize(), one_by_one.hasher.finalize());
    }

    #[test]
    fn errors_point_at_file_line_and_key() {
        let text = "[[rules]]\nid='x-a'\ntitle='A'\nseverity='urgent'\nregex='''a(b'''\n";
        let err = RulePack::from_sources([("bad.toml", text)]).unwrap_err();
        let lines: Vec<_> = err.errors.iter().map(|e| e.line()).collect();
        assert!(lines.contains(&4), "severity error on line 4: {lines:?}");
        assert!(lines.contains(&5), "regex error on line 5: {lines:?}");
        assert!(err.errors.iter().any(|e| e.message.contains("`severity`")));
        assert!(err.errors.iter().any(|e| e.message.contains("`regex`")));
    }
}
