//! Hygiene checks: secrets kept carelessly rather than leaked whole. A `hygiene` rule family in
//! the same report as the pattern rules, with ids, severities, `rules explain` texts and
//! `[pack] disable` like any rule:
//! - `hygiene-env-file-tracked` / `hygiene-env-file-not-ignored`: env and key files (`.env`,
//!   `.env.*` but not `.example`/`.sample`/`.template`, `*.pem` holding a private key, `id_rsa`
//!   and its siblings, `*.p12`/`*.pfx`, anything under `.secrets/`) tracked by git, or neither
//!   tracked nor git-ignored (one `git add -A` away from a commit);
//! - `hygiene-env-file-permissions`: such files readable or writable by group or others, except
//!   test and example material (`tests/`, `examples/`: keys the tests run with);
//! - `hygiene-rotation-overdue`: `*_ROTATED_AT` (ISO 8601) older than `*_MAX_AGE_DAYS` (default
//!   90) in env files;
//! - `hygiene-forbidden-scope`: `*_API_SCOPES` / `*_PERMISSIONS` values that include `withdraw`.
//!
//! The fifth member, `hygiene-partial-secret-in-log` (a prefix of a secret printed before an
//! ellipsis), is a pattern rule in `rules/hygiene.toml`. The checks here run once per tree scan
//! (`scan` calls [`check`]) and once per staged scan on the index entries it selected
//! ([`check_staged`]: the tracked check, rotation and scopes on the staged text); their findings
//! hold no secret (file names, dates, scope lists), and a check whose rule is disabled does not
//! run.

mod envvars;
mod files;

use crate::finding::{Finding, Source, State, fingerprint};
use crate::rules::{Rule, Severity};
use std::path::{Path, PathBuf};

/// A hygiene check implemented in code.
struct Spec {
    id: &'static str,
    title: &'static str,
    severity: Severity,
    what: &'static str,
    remediation: &'static str,
    reference: &'static str,
}

pub const ENV_FILE_TRACKED: &str = "hygiene-env-file-tracked";
pub const ENV_FILE_NOT_IGNORED: &str = "hygiene-env-file-not-ignored";
pub const ENV_FILE_PERMISSIONS: &str = "hygiene-env-file-permissions";
pub const ROTATION_OVERDUE: &str = "hygiene-rotation-overdue";
pub const FORBIDDEN_SCOPE: &str = "hygiene-forbidden-scope";

const SPECS: [Spec; 5] = [
    Spec {
        id: ENV_FILE_TRACKED,
        title: "Env or key file tracked by git",
        severity: Severity::High,
        what: "An env file (.env, .env.*) or key file (*.pem with a private key, id_rsa, *.p12, .secrets/) is in the git index: every clone and every fork has its values.",
        remediation: "Remove it from the index (`git rm --cached FILE`), add it to .gitignore, rotate every secret it held, and purge it from the history if the repository is shared.",
        reference: "https://git-scm.com/docs/gitignore",
    },
    Spec {
        id: ENV_FILE_NOT_IGNORED,
        title: "Env or key file not git-ignored",
        severity: Severity::Medium,
        what: "An env or key file sits in the work tree untracked but not git-ignored: the next `git add -A` commits it.",
        remediation: "Add it (or its pattern, e.g. `.env*` with `!.env.example`) to .gitignore.",
        reference: "https://git-scm.com/docs/gitignore",
    },
    Spec {
        id: ENV_FILE_PERMISSIONS,
        title: "Env or key file readable by group or others",
        severity: Severity::Medium,
        what: "An env or key file's permissions let users other than its owner read (or write) it. Key files of test and example trees (`tests/`, `examples/`) are what the tests run with, and are not judged by their mode.",
        remediation: "Restrict it to its owner: `chmod 600 FILE` (and run the service as that owner).",
        reference: "https://man7.org/linux/man-pages/man1/chmod.1.html",
    },
    Spec {
        id: ROTATION_OVERDUE,
        title: "Secret rotation overdue",
        severity: Severity::Medium,
        what: "An env file records when a secret was rotated (`NAME_ROTATED_AT`, ISO 8601) and that date is older than `NAME_MAX_AGE_DAYS` (default 90 days), or is not a date.",
        remediation: "Rotate the secret at its provider, update it where it is used, and set `NAME_ROTATED_AT` to today.",
        reference: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html#24-rotation",
    },
    Spec {
        id: FORBIDDEN_SCOPE,
        title: "API key with a withdraw scope",
        severity: Severity::High,
        what: "An env file grants an API key a scope or permission that includes `withdraw` (`NAME_API_SCOPES`, `NAME_PERMISSIONS`): a leak of that key moves funds out.",
        remediation: "Issue a key without withdrawal rights (trade/read only), with an IP allowlist, and revoke the old one.",
        reference: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html#21-high-availability",
    },
];

/// Whether `id` names a hygiene check implemented here.
pub fn is_check(id: &str) -> bool {
    SPECS.iter().any(|s| s.id == id)
}

/// What a hygiene check looks at, for `rules explain`.
pub fn describe(id: &str) -> Option<&'static str> {
    SPECS.iter().find(|s| s.id == id).map(|s| s.what)
}

/// The hygiene checks as rules (for lists, explanations, SARIF and the human view), minus the
/// ones `disabled` names. Their regexes never run: the checks are code.
pub fn rules(disabled: impl Fn(&str) -> bool) -> Vec<Rule> {
    SPECS
        .iter()
        .filter(|s| !disabled(s.id))
        .map(|s| Rule {
            references: vec![s.reference.to_string()],
            remediation: Some(s.remediation.to_string()),
            category: Some("hygiene".to_string()),
            ..Rule::without_regex(
                s.id.to_string(),
                s.title.to_string(),
                s.severity,
                "hygiene".to_string(),
            )
        })
        .collect()
}

/// Where the checks of a working-tree scan look.
pub struct Plan<'a> {
    /// The directory looked in (a scanned directory, as the process opens it).
    pub dir: &'a Path,
    /// Its path relative to the project root (`""`: the root itself), put before the names found
    /// so they read as the scan's other findings do.
    pub prefix: &'a str,
    /// Globs (relative to the project root) never looked at.
    pub exclude: &'a [String],
    /// Env files named on the command line or in the config (name in reports, path to open),
    /// checked for rotation and scopes too.
    pub env_files: &'a [(String, PathBuf)],
    /// Today, `YYYY-MM-DD`.
    pub today: &'a str,
}

/// Runs the enabled checks (those whose rule is in `rules`).
pub fn check(plan: &Plan, rules: &[Rule]) -> Vec<Finding> {
    let rule = |id: &str| rules.iter().find(|r| r.id == id);
    let any = SPECS.iter().any(|s| rule(s.id).is_some());
    if !any {
        return Vec::new();
    }
    let mut out = Vec::new();
    let found = files::discover(plan.dir, plan.prefix, plan.exclude);
    for f in &found {
        let git = match f.git {
            files::GitState::Tracked => Some((ENV_FILE_TRACKED, "tracked by git")),
            files::GitState::Untracked => Some((
                ENV_FILE_NOT_IGNORED,
                "untracked and not git-ignored: `git add -A` would commit it",
            )),
            _ => None,
        };
        if let Some((id, detail)) = git
            && let Some(r) = rule(id)
        {
            out.push(file_finding(r, &f.path, detail.to_string(), &Source::File));
        }
        // Test and example key files are what the tests run with, at whatever mode the package
        // or checkout gave them.
        if let Some(r) = rule(ENV_FILE_PERMISSIONS)
            && !crate::filter::paths::fixture(&f.path)
            && let Some(mode) = files::loose_mode(&f.fs_path)
        {
            out.push(file_finding(
                r,
                &f.path,
                format!(
                    "mode {mode:04o}: readable or writable by group or others; run `chmod 600 {}`",
                    f.path
                ),
                &Source::File,
            ));
        }
    }
    let (rotation, scopes) = (rule(ROTATION_OVERDUE), rule(FORBIDDEN_SCOPE));
    if rotation.is_some() || scopes.is_some() {
        let mut env_files: Vec<(String, PathBuf)> = found
            .iter()
            .filter(|f| f.kind == files::Kind::Env)
            .map(|f| (f.path.clone(), f.fs_path.clone()))
            .collect();
        for (shown, fs) in plan.env_files {
            let same =
                |q: &PathBuf| std::fs::canonicalize(q).ok() == std::fs::canonicalize(fs).ok();
            if fs.is_file() && !env_files.iter().any(|(_, q)| same(q)) {
                env_files.push((shown.clone(), fs.clone()));
            }
        }
        for (path, fs) in env_files {
            let Ok(text) = crate::inputfile::read_text(&fs, crate::inputfile::CONFIG_CAP) else {
                continue;
            };
            env_content(&mut out, &path, &text, plan.today, rules, &Source::File);
        }
    }
    out.sort_by(|a, b| (&a.path, a.line, &a.rule_id).cmp(&(&b.path, b.line, &b.rule_id)));
    out
}

/// The rotation and scope checks of one env file's text.
fn env_content(
    out: &mut Vec<Finding>,
    path: &str,
    text: &str,
    today: &str,
    rules: &[Rule],
    source: &Source,
) {
    let rule = |id: &str| rules.iter().find(|r| r.id == id);
    for issue in envvars::check(text, today) {
        let r = match issue.kind {
            envvars::Kind::Rotation => rule(ROTATION_OVERDUE),
            envvars::Kind::Scope => rule(FORBIDDEN_SCOPE),
        };
        if let Some(r) = r {
            out.push(line_finding(r, path, &issue, source));
        }
    }
}

/// Whether a staged scan checks this index path: an env or key file by its name.
pub fn staged_candidate(path: &str) -> bool {
    files::by_name(path).is_some()
}

/// Whether the staged checks of this path read its staged content: env files (rotation and
/// scopes) and `.pem`s (a private key or a certificate).
pub fn staged_reads(path: &str) -> bool {
    matches!(
        files::by_name(path),
        Some(files::Named::Env | files::Named::Pem)
    )
}

/// An index entry a staged scan checks.
pub struct StagedFile {
    /// Repository-relative.
    pub path: String,
    /// Its staged bytes when [`staged_reads`] asks for them; `None`: not read (or too large, or
    /// unreadable).
    pub bytes: Option<Vec<u8>>,
}

/// The checks of a staged scan (`--staged`), on the index entries it selected: an env or key file
/// staged for commit is reported as a tracked one is in a working-tree scan, and the staged text
/// of env files is checked for rotation and scopes. Permissions and ignore rules are about the
/// working tree, not the commit: they are not checked here.
pub fn check_staged(staged: &[StagedFile], today: &str, rules: &[Rule]) -> Vec<Finding> {
    let mut out = Vec::new();
    let tracked = rules.iter().find(|r| r.id == ENV_FILE_TRACKED);
    for f in staged {
        let Some(named) = files::by_name(&f.path) else {
            continue;
        };
        let is_key_file = match named {
            // A `.pem` that cannot be read to tell is judged a key, as in the working tree.
            files::Named::Pem => f.bytes.as_deref().is_none_or(files::pem_holds_key),
            _ => true,
        };
        if let (true, Some(r)) = (is_key_file, tracked) {
            out.push(file_finding(
                r,
                &f.path,
                "staged: the commit adds it to the repository (unstage it with `git restore --staged FILE` and git-ignore it)".to_string(),
                &Source::Staged,
            ));
        }
        if let (files::Named::Env, Some(bytes)) = (named, &f.bytes) {
            let text = String::from_utf8_lossy(bytes);
            env_content(&mut out, &f.path, &text, today, rules, &Source::Staged);
        }
    }
    out.sort_by(|a, b| (&a.path, a.line, &a.rule_id).cmp(&(&b.path, b.line, &b.rule_id)));
    out
}

fn base(rule: &Rule, path: &str, key: &[u8], source: &Source) -> Finding {
    Finding {
        rule_id: rule.id.clone(),
        title: rule.title.clone(),
        severity: rule.severity,
        path: path.to_string(),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        masked: String::new(),
        secret_len: 0,
        fingerprint: fingerprint(&rule.id, path, key),
        state: State::New,
        suppression_reason: None,
        decoded_from: None,
        source: source.clone(),
        snippet: String::new(),
        snippet_mask: 0..0,
        detail: None,
        parts: Vec::new(),
    }
}

/// A finding about a whole file: the snippet is its path.
fn file_finding(rule: &Rule, path: &str, detail: String, source: &Source) -> Finding {
    Finding {
        snippet: path.to_string(),
        snippet_mask: 0..path.len(),
        detail: Some(detail),
        ..base(rule, path, b"", source)
    }
}

/// A finding about one assignment in an env file: the snippet is `NAME=value` (a date or a scope
/// list, never a secret).
fn line_finding(rule: &Rule, path: &str, issue: &envvars::Issue, source: &Source) -> Finding {
    let snippet = format!("{}={}", issue.name, issue.value);
    let at = issue.name.len() + 1;
    let chars = snippet.chars().count();
    Finding {
        line: issue.line,
        end_line: issue.line,
        end_column: chars + 1,
        snippet_mask: at..snippet.len(),
        snippet,
        detail: Some(issue.detail.clone()),
        ..base(rule, path, issue.name.as_bytes(), source)
    }
}
