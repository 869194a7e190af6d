//! The rule linter behind `leakgate rules check` and the test suite: every rule's `examples` must
//! be found and its `negative_examples` must not, through the full pipe (prefilter, regex,
//! validators, not-a-leak filters), together with the rest of the pack; and the rule's metadata
//! must be complete. All problems are collected, not just the first.

use crate::detect::{Scanner, Scratch};
use crate::engine::{Pipeline, scan_bytes};
use crate::finding::{Finding, Source};
use crate::rules::{Rule, RulePack};

/// One problem with one rule.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub rule_id: String,
    pub origin: String,
    pub message: String,
}

/// Minimum number of examples and negative examples a rule must carry.
pub const MIN_EXAMPLES: usize = 2;

/// Checks the rules of `pipe`'s pack whose origin is accepted by `which`.
pub fn check(pipe: &Pipeline, which: impl Fn(&Rule) -> bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut scratch = Scratch::default();
    let mut candidates = Vec::new();
    for rule in pipe.rules().iter().filter(|r| which(r)) {
        let mut problem = |message: String| {
            problems.push(Problem {
                rule_id: rule.id.clone(),
                origin: rule.origin.clone(),
                message,
            })
        };
        if rule.examples.len() < MIN_EXAMPLES {
            problem(format!(
                "has {} examples; at least {MIN_EXAMPLES} are required",
                rule.examples.len()
            ));
        }
        if rule.negative_examples.len() < MIN_EXAMPLES {
            problem(format!(
                "has {} negative_examples; at least {MIN_EXAMPLES} are required",
                rule.negative_examples.len()
            ));
        }
        if rule.category.is_none() {
            problem("has no `category` (see `CATEGORIES` in src/rules/mod.rs)".into());
        }
        if rule.references.is_empty() {
            problem("has no `references` to the provider's format documentation".into());
        }
        if rule
            .remediation
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
        {
            problem("has no `remediation` text".into());
        }
        let path = example_path(rule);
        let mut pair_shown = false;
        for (i, ex) in rule.examples.iter().enumerate() {
            let n = i + 1;
            if !rule.keywords.is_empty() {
                let lower = ex.to_ascii_lowercase();
                if !rule
                    .keywords
                    .iter()
                    .any(|k| lower.contains(&k.to_ascii_lowercase()))
                {
                    problem(format!(
                        "example {n} holds none of the keywords {:?}",
                        rule.keywords
                    ));
                }
            }
            let found = scan_bytes(
                pipe,
                &path,
                &Source::File,
                ex.as_bytes(),
                &mut scratch,
                &mut candidates,
            );
            if !found.iter().any(|f| f.rule_id == rule.id) {
                problem(format!("example {n} is not found{}", found_instead(&found)));
            }
            pair_shown |= found
                .iter()
                .any(|f| f.rule_id == rule.id && !f.parts.is_empty());
        }
        if let Some(pair) = &rule.pair
            && !pair_shown
        {
            problem(format!(
                "has a `pair`, but no example shows the {} found with the secret",
                pair.part
            ));
        }
        for (i, ex) in rule.negative_examples.iter().enumerate() {
            let found = scan_bytes(
                pipe,
                &path,
                &Source::File,
                ex.as_bytes(),
                &mut scratch,
                &mut candidates,
            );
            if let Some(f) = found.iter().find(|f| f.rule_id == rule.id) {
                problem(format!(
                    "negative example {} is found (line {}, column {}, masked {})",
                    i + 1,
                    f.line,
                    f.column,
                    f.masked
                ));
            }
        }
    }
    problems
}

/// Checks the whole pack.
pub fn check_pack(pack: RulePack) -> Vec<Problem> {
    check(&Pipeline::new(Scanner::new(pack)), |_| true)
}

fn found_instead(found: &[Finding]) -> String {
    if found.is_empty() {
        return String::new();
    }
    let ids: Vec<&str> = found.iter().map(|f| f.rule_id.as_str()).collect();
    format!(" (found by {} instead)", ids.join(", "))
}

/// A file path that the rule's `paths` globs accept, for running its examples. Not named as an
/// example file: there the generic rules take a chosen password for an example.
pub fn example_path(rule: &Rule) -> String {
    match rule.path_globs.first() {
        None => "rule-probe.txt".to_string(),
        Some(g) => g
            .replace("**/", "")
            .replace("**", "probe")
            .replace('*', "probe"),
    }
}
