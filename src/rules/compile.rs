//! Turns a parsed [`RuleSyntax`] into a compiled [`Rule`], checking every field and reporting each
//! problem at the key that caused it.

use super::analysis;
use super::lazy::LazyRegex;
use super::reach::Windowing;
use super::syntax::RuleSyntax;
use super::{BUILTIN_ANALYSES, CATEGORIES, Checksum, Classes, Confidence, Pair, Rule, Severity};
use crate::diag::{self, SourceError};
use toml::Spanned;

/// Compiles one rule. With `lazy`, its regex is only syntax-checked now and built on first use
/// (see `lazy.rs`); otherwise it is built now and a size-limit error is reported here. Errors
/// never quote a value of the rule (a regex or a keyword may be written around a real token):
/// they name the rule by its id only when the id is a plain key (`diag::plain_key`).
pub fn compile_rule(
    file: &str,
    text: &str,
    r: RuleSyntax,
    lazy: bool,
) -> Result<Rule, Vec<SourceError>> {
    let mut errors = Vec::new();
    let id = r.id.get_ref().clone();
    let rule = match diag::plain_key(&id) {
        true => format!("rule `{id}`"),
        false => format!(
            "the rule at line {}",
            diag::line_of(text, r.id.span().start)
        ),
    };
    let err = |span: std::ops::Range<usize>, key: &str, msg: String| {
        SourceError::new(
            file,
            text,
            span,
            format!("{rule} in {file}: invalid `{key}`: {msg}"),
            msg,
        )
    };

    let id_ok = !id.is_empty()
        && id.len() <= 80
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.ends_with('-')
        && !id.contains("--");
    if !id_ok {
        errors.push(err(
            r.id.span(),
            "id",
            "ids are kebab-case: lowercase letters, digits and single dashes".into(),
        ));
    }
    if r.title.get_ref().trim().is_empty() {
        errors.push(err(r.title.span(), "title", "the title is empty".into()));
    }
    let severity = Severity::parse(r.severity.get_ref());
    if severity.is_none() {
        errors.push(err(
            r.severity.span(),
            "severity",
            "not one of low, medium, high, critical".into(),
        ));
    }
    let keywords = r
        .keywords
        .as_ref()
        .map_or(&[][..], |k| k.get_ref().as_slice());
    let keywords_span = r.keywords.as_ref().map_or(r.id.span(), |k| k.span());
    for (i, kw) in keywords.iter().enumerate() {
        if kw.trim().is_empty() || !kw.is_ascii() {
            errors.push(err(
                keywords_span.clone(),
                "keywords",
                format!("keyword {} must be non-empty ASCII", i + 1),
            ));
        }
    }

    // The built-in pack's analyses were made by the build script (`analysis`): no parse here.
    let pattern = r.regex.get_ref();
    let regex = match analysis::precomputed(BUILTIN_ANALYSES, pattern, keywords) {
        Some(a) if lazy => Ok((LazyRegex::unchecked(pattern), a)),
        _ => LazyRegex::parse(pattern).and_then(|(re, _, hir)| {
            if !lazy {
                re.compile_now()?;
            }
            Ok((re, analysis::analyze(&hir, keywords)))
        }),
    }
    .map(|(re, a)| {
        let distinctive = !r.generic && a.distinctive;
        (re, a.group, a.windowing, distinctive)
    });
    let (regex, secret_group, windowing, distinctive) = match regex {
        Ok((re, group, windowing, distinctive)) => (Some(re), group, windowing, distinctive),
        Err(e) => {
            errors.push(err(r.regex.span(), "regex", diag::regex_message(&e)));
            (None, 0, Windowing::WHOLE, false)
        }
    };

    if let Some(e) = &r.min_entropy
        && !(0.0..=8.0).contains(e.get_ref())
    {
        errors.push(err(
            e.span(),
            "min_entropy",
            "bits per character must be within 0..=8".into(),
        ));
    }
    let mut require_classes = Classes::default();
    if let Some(list) = &r.require_classes {
        for (i, name) in list.get_ref().iter().enumerate() {
            match Classes::parse(name) {
                Some(c) => require_classes = require_classes.union(c),
                None => errors.push(err(
                    list.span(),
                    "require_classes",
                    format!("item {} is not one of lower, upper, digit, special", i + 1),
                )),
            }
        }
    }
    let checksum = match &r.checksum {
        None => None,
        Some(c) => {
            let parsed = Checksum::parse(c.get_ref());
            if parsed.is_none() {
                errors.push(err(
                    c.span(),
                    "checksum",
                    format!(
                        "unknown checksum (known: {})",
                        Checksum::NAMES.map(|(n, _)| n).join(", ")
                    ),
                ));
            }
            parsed
        }
    };
    let (paths, path_globs) = match &r.paths {
        None => (None, Vec::new()),
        Some(list) => match build_globs(list) {
            Ok(set) => (Some(set), list.get_ref().clone()),
            Err(msg) => {
                errors.push(err(list.span(), "paths", msg));
                (None, Vec::new())
            }
        },
    };

    let skip_paths = r
        .skip_paths
        .as_ref()
        .and_then(|list| match build_globs(list) {
            Ok(set) => Some(set),
            Err(msg) => {
                errors.push(err(list.span(), "skip_paths", msg));
                None
            }
        });

    let category = r.category.as_ref().map(|c| {
        if !CATEGORIES.contains(&c.get_ref().as_str()) {
            errors.push(err(
                c.span(),
                "category",
                format!("not a known category (known: {})", CATEGORIES.join(", ")),
            ));
        }
        c.get_ref().clone()
    });
    let derived = if r.generic {
        Confidence::Low
    } else if checksum.is_some() || distinctive {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let confidence = match &r.confidence {
        None => derived,
        Some(c) => Confidence::parse(c.get_ref()).unwrap_or_else(|| {
            errors.push(err(
                c.span(),
                "confidence",
                "not one of low, medium, high".into(),
            ));
            derived
        }),
    };
    let tags = r.tags.as_ref().map_or(Vec::new(), |t| {
        for (i, tag) in t.get_ref().iter().enumerate() {
            let ok = !tag.is_empty()
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                errors.push(err(
                    t.span(),
                    "tags",
                    format!("tag {} must be lowercase kebab-case", i + 1),
                ));
            }
        }
        t.get_ref().clone()
    });

    let pair = r.pair.as_ref().and_then(|p| {
        let p = p.get_ref();
        let name = p.part.get_ref();
        let name_ok = !name.trim().is_empty()
            && name.len() <= 40
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
        if !name_ok {
            errors.push(err(
                p.part.span(),
                "pair.part",
                "name the part in a few plain words (letters, digits, spaces, dashes)".into(),
            ));
        }
        let lines = match &p.lines {
            None => Pair::DEFAULT_LINES,
            Some(n) => match usize::try_from(*n.get_ref()) {
                Ok(n) if (1..=Pair::MAX_LINES).contains(&n) => n,
                _ => {
                    errors.push(err(
                        n.span(),
                        "pair.lines",
                        format!("must be within 1..={}", Pair::MAX_LINES),
                    ));
                    Pair::DEFAULT_LINES
                }
            },
        };
        let built = LazyRegex::new(p.regex.get_ref()).and_then(|(re, group)| {
            if !lazy {
                re.compile_now()?;
            }
            Ok((re, group))
        });
        match built {
            Ok((regex, group)) => Some(Pair {
                part: name.clone(),
                regex,
                group,
                lines,
            }),
            Err(e) => {
                errors.push(err(p.regex.span(), "pair.regex", diag::regex_message(&e)));
                None
            }
        }
    });

    match (errors.is_empty(), severity, regex) {
        (true, Some(severity), Some(regex)) => Ok(Rule {
            id,
            title: r.title.into_inner(),
            severity,
            keywords: r.keywords.map(Spanned::into_inner).unwrap_or_default(),
            pattern: r.regex.into_inner(),
            regex,
            secret_group,
            windowing,
            min_entropy: r.min_entropy.map(Spanned::into_inner),
            randomness: r.randomness,
            require_classes,
            checksum,
            generic: r.generic,
            distinctive,
            paths,
            path_globs,
            skip_paths,
            category,
            confidence,
            tags,
            references: r.references,
            remediation: r.remediation,
            examples: r.examples,
            negative_examples: r.negative_examples,
            origin: file.to_string(),
            known_value: false,
            pair,
        }),
        _ => Err(errors),
    }
}

fn build_globs(list: &Spanned<Vec<String>>) -> Result<globset::GlobSet, String> {
    let mut b = globset::GlobSetBuilder::new();
    for g in list.get_ref() {
        let glob = crate::glob::build(g).map_err(|e| diag::glob_message(&e))?;
        b.add(glob);
    }
    b.build().map_err(|e| diag::glob_message(&e))
}
