//! `leakgate scan --git`: the history of a temporary repository, built commit by commit. A secret
//! committed and later deleted is found at the commit that introduced it; each unique blob is read
//! once; `--since` and `--range` select commits; scopes and excludes apply to blob paths.

use crate::util::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A temporary repository with deterministic identities and dates.
struct Repo {
    dir: tempfile::TempDir,
    day: u32,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
            day: 0,
        };
        r.git(&["init", "--quiet", "-b", "main"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let date = format!("2024-03-{:02}T10:00:00Z", self.day + 1);
        let out = Command::new("git")
            .current_dir(self.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Writes (or, with `None`, deletes) files, commits them all and returns the commit id.
    fn commit(&mut self, files: &[(&str, Option<String>)]) -> String {
        for (path, text) in files {
            let p = self.path().join(path);
            match text {
                Some(t) => {
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, t).unwrap();
                }
                None => std::fs::remove_file(&p).unwrap(),
            }
        }
        self.day += 1;
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", "change"]);
        self.git(&["rev-parse", "HEAD"])
    }
}

/// A value the generic rule finds when assigned to a secret-named variable.
fn secret(seed: u64) -> String {
    synthetic(seed, 32)
}

fn assignment(seed: u64) -> String {
    format!(
        "# service settings\nBOT_API_SECRET={}\nLOG_LEVEL=info\n",
        secret(seed)
    )
}

fn git_scan(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--git"];
    args.extend_from_slice(extra);
    scan_json(dir, &args)
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().unwrap()
}

#[test]
fn a_secret_committed_then_deleted_is_found_at_the_commit_that_introduced_it() {
    let mut repo = Repo::new();
    repo.commit(&[("README.md", Some("# service\n".into()))]);
    let introduced = repo.commit(&[("config/bot.env", Some(assignment(11)))]);
    // Later edits keep the secret: still one finding, at the introducing commit.
    repo.commit(&[(
        "config/bot.env",
        Some(format!("{}TIMEOUT=30\n", assignment(11))),
    )]);
    repo.commit(&[("config/bot.env", None)]);

    // The working tree is clean now...
    let (code, v) = scan_json(repo.path(), &[]);
    assert_eq!(code, 0, "{v}");
    // ...but the history is not.
    let (code, v) = git_scan(repo.path(), &[]);
    assert_eq!(code, 1, "{v}");
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["path"], "config/bot.env");
    assert_eq!(f[0]["line"], 2);
    assert_eq!(f[0]["source"]["type"], "commit");
    assert_eq!(f[0]["source"]["id"], introduced.as_str());
    assert_eq!(f[0]["source"]["date"], "2024-03-03T10:00:00Z");
    assert_eq!(v["stats"]["git"]["commits"], 4);
    assert!(
        !v.to_string().contains(&secret(11)),
        "the report holds the secret"
    );
}

#[test]
fn each_unique_blob_is_scanned_once() {
    let mut repo = Repo::new();
    let same = format!("{}# shared text\n", assignment(21));
    let first = repo.commit(&[("a.env", Some(same.clone()))]);
    repo.commit(&[("copy/b.env", Some(same.clone()))]); // the same blob at another path
    repo.commit(&[("a.env", Some("LOG_LEVEL=debug\n".into()))]);
    repo.commit(&[("a.env", Some(same))]); // reverted: the first blob again
    let (code, v) = git_scan(repo.path(), &[]);
    assert_eq!(code, 1);
    let git = &v["stats"]["git"];
    assert_eq!(git["commits"], 4, "{git}");
    assert_eq!(git["blob_references"], 4, "{git}");
    assert_eq!(git["unique_blobs"], 2, "{git}");
    assert_eq!(git["blobs_scanned"], 2, "{git}");
    assert_eq!(v["stats"]["files_scanned"], 2);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["path"], "a.env");
    assert_eq!(f[0]["source"]["id"], first.as_str());
}

#[test]
fn since_and_ranges_select_commits() {
    let mut repo = Repo::new();
    let base = repo.commit(&[("old.env", Some(assignment(31)))]);
    let second = repo.commit(&[("new.env", Some(assignment(32)))]);
    let third = repo.commit(&[("newer.env", Some(assignment(33)))]);

    let paths = |v: &Value| -> Vec<String> {
        findings(v)
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, v) = git_scan(repo.path(), &["--since", &base]);
    assert_eq!(paths(&v), ["new.env", "newer.env"]);
    assert_eq!(v["stats"]["git"]["commits"], 2);
    assert_eq!(v["stats"]["git"]["range"], format!("{base}..HEAD"));

    let (_, v) = git_scan(repo.path(), &["--range", &format!("{base}..{second}")]);
    assert_eq!(paths(&v), ["new.env"]);
    assert_eq!(findings(&v)[0]["source"]["id"], second.as_str());

    let (code, v) = git_scan(repo.path(), &["--since", &third]);
    assert_eq!(code, 0, "nothing after HEAD: {v}");
    assert_eq!(v["stats"]["git"]["commits"], 0);

    let out = leakgate(
        repo.path(),
        &["scan", "--git", "--no-report", "--since", "no-such-rev"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-rev"), "{}", stderr(&out));
}

#[test]
fn excludes_scopes_and_binaries_apply_to_blobs() {
    let mut repo = Repo::new();
    let mut binary = b"\x00\x01binary".to_vec();
    binary.extend_from_slice(assignment(41).as_bytes());
    std::fs::write(repo.path().join("blob.bin"), &binary).unwrap();
    repo.commit(&[
        (
            ".leakgate.toml",
            Some("[scan]\nexclude = [\"fixtures/**\"]\n".into()),
        ),
        ("fixtures/sample.env", Some(assignment(42))),
        ("docs/setup.md", Some(assignment(43))),
        ("app/prod.env", Some(assignment(44))),
    ]);
    let (_, v) = git_scan(repo.path(), &[]);
    let paths: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["app/prod.env", "docs/setup.md"]);
    assert_eq!(v["stats"]["skipped"]["binary"], 1);

    let (_, v) = git_scan(repo.path(), &["--scope", "docs"]);
    let paths: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["docs/setup.md"]);
}

#[test]
fn sarif_and_human_output_name_the_commit() {
    let mut repo = Repo::new();
    let id = repo.commit(&[("app.env", Some(assignment(51)))]);
    let out = leakgate(
        repo.path(),
        &[
            "scan",
            "--git",
            "--no-report",
            "--no-env",
            "--color",
            "never",
            "--sarif",
            "out.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let human = stdout(&out);
    assert!(
        human.contains(&format!("app.env @ {}", &id[..12])),
        "{human}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join("out.sarif")).unwrap())
            .unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["commit"], id.as_str());
    assert_eq!(result["properties"]["commitDate"], "2024-03-02T10:00:00Z");
    for text in [human, sarif.to_string()] {
        assert!(!text.contains(&secret(51)));
    }
}

#[test]
fn a_secret_added_to_a_long_file_is_found_at_its_line_in_that_commit() {
    let mut repo = Repo::new();
    let lines = |secret_at: Option<usize>, edited: bool| -> String {
        (1..=300)
            .map(|i| match (i, secret_at) {
                (i, Some(at)) if i == at => format!("BOT_API_SECRET={}\n", secret(61)),
                (10, _) if edited => "line 10, edited\n".to_string(),
                _ => format!("line {i} of the runbook\n"),
            })
            .collect()
    };
    let first = repo.commit(&[("docs/runbook.md", Some(lines(None, false)))]);
    let added = repo.commit(&[("docs/runbook.md", Some(lines(Some(150), false)))]);
    repo.commit(&[("docs/runbook.md", Some(lines(Some(150), true)))]);
    let (code, v) = git_scan(repo.path(), &[]);
    assert_eq!(code, 1);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(f[0]["line"], 150);
    assert_eq!(f[0]["end_line"], 150);
    assert_eq!(f[0]["source"]["id"], added.as_str());
    assert!(
        f[0]["snippet"]
            .as_str()
            .unwrap()
            .starts_with("BOT_API_SECRET=****")
    );
    // Three versions were read; the later two only where they changed.
    let git = &v["stats"]["git"];
    assert_eq!(git["blobs_scanned"], 3);
    let whole = v["stats"]["bytes_scanned"].as_u64().unwrap();
    assert!(git["bytes_new"].as_u64().unwrap() * 2 < whole, "{git}");

    // A pull-request range starting at the secret's commit: the version before the range is
    // read to seed the comparison, so only the changed lines are scanned, as in a diff.
    let (_, v) = git_scan(repo.path(), &["--range", &format!("{first}..HEAD")]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["source"]["id"].as_str()),
        (Some(150), Some(added.as_str()))
    );
    let git = &v["stats"]["git"];
    assert_eq!(git["blobs_scanned"], 2);
    assert!(git["bytes_new"].as_u64().unwrap() * 4 < whole, "{git}");
}
