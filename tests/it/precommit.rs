//! The pre-commit integration with the real `pre-commit` tool: a temporary repository installs
//! this repository's hooks (`.pre-commit-hooks.yaml`, committed to a scratch hooks repository so
//! pre-commit can clone it at a `rev`), and real `git commit`s show that a commit adding a token
//! is blocked with a masked message, a clean commit passes, and a partially staged file is judged
//! by its staged content. The hook used is `leakgate-system` with the freshly built binary on
//! PATH; the `language: rust` hook is checked by `pre-commit validate-manifest`.
//!
//! Without `pre-commit` on PATH these tests skip, unless `LEAKGATE_REQUIRE_PRECOMMIT` is set (as
//! `.ci/run` does), in which case they fail.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")
}

/// Whether pre-commit can run; panics when it cannot but CI requires it.
fn have_pre_commit() -> bool {
    let ok = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("LEAKGATE_REQUIRE_PRECOMMIT").is_some() {
            panic!("pre-commit is not on PATH but LEAKGATE_REQUIRE_PRECOMMIT is set");
        }
        eprintln!("skipped: pre-commit is not installed (pip install pre-commit)");
    }
    ok
}

/// A repository whose commits run this repository's `leakgate-system` hook.
struct HookedRepo {
    repo: tempfile::TempDir,
    _hooks: tempfile::TempDir,
    home: tempfile::TempDir,
    path: String,
}

impl HookedRepo {
    fn new() -> HookedRepo {
        let hooks = git_repo();
        std::fs::copy(manifest(), hooks.path().join(".pre-commit-hooks.yaml")).unwrap();
        git(hooks.path(), &["add", ".pre-commit-hooks.yaml"]);
        git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
        let rev = String::from_utf8(git(hooks.path(), &["rev-parse", "HEAD"]).stdout).unwrap();

        let repo = git_repo();
        write(
            repo.path(),
            ".pre-commit-config.yaml",
            &format!(
                "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: leakgate-system\n",
                hooks.path().display(),
                rev.trim()
            ),
        );
        git(repo.path(), &["add", ".pre-commit-config.yaml"]);
        git(repo.path(), &["commit", "-q", "-m", "pre-commit config"]);

        let bin_dir = Path::new(env!("CARGO_BIN_EXE_leakgate")).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let r = HookedRepo {
            repo,
            _hooks: hooks,
            home: tempfile::tempdir().unwrap(),
            path,
        };
        let out = r.run("pre-commit", &["install"]);
        assert!(
            out.status.success(),
            "pre-commit install: {}",
            all_output(&out)
        );
        r
    }

    fn dir(&self) -> &Path {
        self.repo.path()
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .current_dir(self.dir())
            .args(args)
            .env("PATH", &self.path)
            .env("PRE_COMMIT_HOME", self.home.path())
            .env_remove("CI")
            .output()
            .unwrap()
    }

    /// `git commit`, with the hook; returns whether it went through and everything printed.
    fn commit(&self, message: &str) -> (bool, String) {
        let out = self.run("git", &["commit", "-m", message]);
        let text = all_output(&out);
        for s in planted_secrets() {
            assert!(!text.contains(&s), "the commit output holds a raw secret");
        }
        assert_no_secret("commit output", &text);
        (out.status.success(), text)
    }

    fn head_files(&self) -> String {
        String::from_utf8(git(self.dir(), &["ls-tree", "-r", "--name-only", "HEAD"]).stdout)
            .unwrap()
    }
}

fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn masked(secret: &str) -> String {
    let tail: String = secret.chars().skip(secret.chars().count() - 4).collect();
    format!("****{tail}")
}

#[test]
fn the_hook_manifest_is_valid() {
    if !have_pre_commit() {
        return;
    }
    let out = Command::new("pre-commit")
        .args(["validate-manifest"])
        .arg(manifest())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
}

#[test]
fn a_commit_adding_a_token_is_blocked_with_a_masked_message() {
    if !have_pre_commit() {
        return;
    }
    let r = HookedRepo::new();
    let token = token_secret();
    write(
        r.dir(),
        "docs/setup.md",
        &format!("Use this:\n\ntoken: {token}\n"),
    );
    git(r.dir(), &["add", "docs/setup.md"]);
    let (ok, text) = r.commit("add setup notes");
    assert!(!ok, "the commit went through:\n{text}");
    assert!(text.contains("leakgate"), "{text}");
    assert!(text.contains("docs/setup.md"), "{text}");
    assert!(
        text.contains(&masked(&token)),
        "no masked secret in:\n{text}"
    );
    assert!(!r.head_files().contains("docs/setup.md"));
}

#[test]
fn a_clean_commit_passes() {
    if !have_pre_commit() {
        return;
    }
    let r = HookedRepo::new();
    write(
        r.dir(),
        "docs/setup.md",
        "Use the token from the vault:\n\ntoken: ${GITHUB_TOKEN}\n",
    );
    git(r.dir(), &["add", "docs/setup.md"]);
    let (ok, text) = r.commit("add setup notes");
    assert!(ok, "a clean commit was blocked:\n{text}");
    assert!(r.head_files().contains("docs/setup.md"));
}

#[test]
fn a_partially_staged_secret_is_judged_by_its_staged_content() {
    if !have_pre_commit() {
        return;
    }
    let r = HookedRepo::new();
    let secret = generic_secret();
    let leaky = format!("# settings\napi_secret={secret}\n");
    let clean = "# settings\napi_secret=${API_SECRET}\n";

    // Staged with the secret, then removed from the working tree: blocked.
    write(r.dir(), "docs/settings.md", &leaky);
    git(r.dir(), &["add", "docs/settings.md"]);
    write(r.dir(), "docs/settings.md", clean);
    let (ok, text) = r.commit("settings");
    assert!(!ok, "a staged secret went through:\n{text}");
    assert!(text.contains(&masked(&secret)), "{text}");

    // The clean version staged, the secret only in the working tree: passes, and the unstaged
    // change is still there afterwards.
    git(r.dir(), &["add", "docs/settings.md"]);
    write(r.dir(), "docs/settings.md", &leaky);
    let (ok, text) = r.commit("settings");
    assert!(ok, "an unstaged secret blocked the commit:\n{text}");
    let committed = git(r.dir(), &["show", "HEAD:docs/settings.md"]).stdout;
    assert_eq!(String::from_utf8(committed).unwrap(), clean);
    let worktree = std::fs::read_to_string(r.dir().join("docs/settings.md")).unwrap();
    assert!(worktree.contains("api_secret=") && !worktree.contains("${API_SECRET}"));
}
