//! The one glob dialect of every pattern in the configuration and the rules: `[[allow]] paths`,
//! `scan.exclude`, scopes, rule `paths`, `known_values.names`, and the history and staged path
//! filters built from them.
//!
//! `*` and `?` stay within one path component; only `**` crosses `/`: `docs/*.md` matches
//! `docs/x.md`, not `docs/sub/x.md` (`docs/**/*.md` matches both). Paths are matched relative to
//! the project root, with `/` separators. `config::parse` checks every pattern with [`build`], so
//! a bad one is an error naming the file, line and key before anything is built from it.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// One pattern.
pub fn build(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// A set of patterns, matched together.
pub fn set<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(build(p)?);
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_stays_in_its_component_and_two_cross() {
        let one = set(["docs/*.md"]).unwrap();
        assert!(one.is_match("docs/x.md"));
        assert!(!one.is_match("docs/sub/x.md"));
        let deep = set(["docs/**/*.md"]).unwrap();
        assert!(deep.is_match("docs/x.md"));
        assert!(deep.is_match("docs/sub/x.md"));
        assert!(set(["*.log"]).unwrap().is_match("app.log"));
        assert!(!set(["*.log"]).unwrap().is_match("logs/app.log"));
        assert!(set(["**/*.log"]).unwrap().is_match("logs/app.log"));
    }

    #[test]
    fn a_bad_pattern_is_an_error() {
        assert!(build("docs/[z-a].md").is_err());
        assert!(set(["ok/**", "{a,b"]).is_err());
    }
}
