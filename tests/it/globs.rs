//! One glob dialect in every field (`src/glob.rs`): `docs/*.md` means `docs/x.md` and not
//! `docs/sub/x.md` alike in `[[allow]] paths`, `scan.exclude`, a scope and a rule's `paths`; a bad
//! glob in any of them exits 2 naming the file, the line and the key.

use crate::util::*;
use std::path::Path;

/// A token of a custom rule's shape, built at run time.
fn acme_key(seed: u8) -> String {
    let body: String = (0..32)
        .map(|i| {
            let x = (i as u8)
                .wrapping_mul(37)
                .wrapping_add(seed.wrapping_mul(11))
                % 62;
            (match x {
                0..=9 => b'0' + x,
                10..=35 => b'a' + x - 10,
                _ => b'A' + x - 36,
            }) as char
        })
        .collect();
    format!("{}{body}", ["acme", "dk_"].concat())
}

const RULE: &str = r#"
[[rules]]
id = "acme-deploy-key"
title = "Acme deploy key"
severity = "critical"
keywords = ["acmedk_"]
regex = '\b(acmedk_[A-Za-z0-9]{32})\b'
"#;

/// A repository with the same kind of key in `docs/x.md` and `docs/sub/x.md`, and `config`.
fn repo(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |p: &str, text: &str| {
        let p = dir.path().join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("docs/x.md", &format!("deploy with {}\n", acme_key(1)));
    write("docs/sub/x.md", &format!("deploy with {}\n", acme_key(2)));
    write(".leakgate.toml", config);
    dir
}

/// (path, state) of every finding of a json scan of `dir` with `args`.
fn states(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["scan", "--format", "json", "--no-report", "--no-env"];
    all.extend_from_slice(args);
    let out = leakgate(dir, &all);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    got
}

fn pair(path: &str, state: &str) -> (String, String) {
    (path.to_string(), state.to_string())
}

#[test]
fn a_star_stays_in_one_directory_in_every_field() {
    let allow = repo(&format!(
        "{RULE}\n[[allow]]\nreason = \"fixtures\"\npaths = [\"docs/*.md\"]\n"
    ));
    assert_eq!(
        states(allow.path(), &[]),
        [
            pair("docs/sub/x.md", "new"),
            pair("docs/x.md", "suppressed")
        ]
    );

    let exclude = repo(&format!("[scan]\nexclude = [\"docs/*.md\"]\n{RULE}"));
    assert_eq!(states(exclude.path(), &[]), [pair("docs/sub/x.md", "new")]);

    let scope = repo(&format!("[scopes]\nmine = [\"docs/*.md\"]\n{RULE}"));
    assert_eq!(
        states(scope.path(), &["--scope", "mine"]),
        [pair("docs/x.md", "new")]
    );

    let rule = repo(&format!("{RULE}paths = [\"docs/*.md\"]\n"));
    assert_eq!(states(rule.path(), &[]), [pair("docs/x.md", "new")]);
}

#[test]
fn a_bad_glob_in_any_field_names_file_line_and_key() {
    let cases = [
        (
            format!("{RULE}\n[[allow]]\nreason = \"r\"\npaths = [\"docs/[z-a].md\"]\n"),
            "allow[0].paths",
        ),
        (
            "[scan]\nexclude = [\"docs/[z-a].md\"]\n".to_string(),
            "scan.exclude",
        ),
        (
            "[scopes]\nmine = [\"docs/[z-a].md\"]\n".to_string(),
            "scopes.mine",
        ),
        (format!("{RULE}paths = [\"docs/[z-a].md\"]\n"), "paths"),
        (
            "[known_values]\nnames = [\"*[z-a]KEY\"]\n".to_string(),
            "known_values.names",
        ),
    ];
    for (config, key) in cases {
        let dir = repo(&config);
        let out = leakgate(dir.path(), &["scan", "--no-report", "--no-env"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{key}: {err}");
        assert!(
            err.contains(".leakgate.toml"),
            "{key}: names the file: {err}"
        );
        assert!(err.contains(key), "{key}: names the key: {err}");
        let line = config
            .lines()
            .position(|l| l.contains("[z-a]"))
            .map(|i| i + 1)
            .unwrap();
        assert!(
            err.contains(&format!(".leakgate.toml:{line}")) || err.contains(&format!(":{line}:")),
            "{key}: names line {line}: {err}"
        );
    }
}
