//! Hygiene checks in the scan report: each fires on the careless case and stays quiet on the
//! compliant one; they can be disabled like rules and are listed and explained like rules.

use crate::util::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

#[cfg(unix)]
fn chmod(dir: &Path, path: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join(path), std::fs::Permissions::from_mode(mode)).unwrap();
}

/// (rule id, path, line) of the hygiene findings.
fn hygiene(v: &Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("hygiene-"))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.to_string(), path.to_string(), line)
}

/// Env-file text whose only values are settings, so the pattern rules stay quiet.
const SETTINGS: &str = "LOG_LEVEL=info\nREGION=eu-west-1\n";

#[test]
fn env_files_tracked_or_not_ignored_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "--quiet", "-b", "main"]);
    write_files(
        d,
        &[
            (".gitignore", ".env.local\nignored/\n".into()),
            (".env", SETTINGS.into()),
            (".env.example", SETTINGS.into()),
            (".env.local", SETTINGS.into()),
            ("deploy/.env.live", SETTINGS.into()),
            ("ignored/.env", SETTINGS.into()),
            ("docs/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n".into()),
        ],
    );
    for f in [".env", ".env.example", ".env.local", "deploy/.env.live"] {
        #[cfg(unix)]
        chmod(d, f, 0o600);
        let _ = f;
    }
    git(
        d,
        &["add", ".gitignore", ".env", ".env.example", "docs/ca.pem"],
    );
    git(d, &["commit", "--quiet", "-m", "init"]);
    let (code, v) = scan_json(d, &[]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(
        hygiene(&v),
        [
            row("hygiene-env-file-tracked", ".env", 1),
            row("hygiene-env-file-not-ignored", "deploy/.env.live", 1),
        ]
    );
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "high");
    assert!(f["detail"].as_str().unwrap().contains("tracked by git"));

    // Compliant: untracked and ignored.
    git(d, &["rm", "--quiet", "--cached", ".env"]);
    std::fs::write(
        d.join(".gitignore"),
        ".env\n.env.local\n.env.live\nignored/\n",
    )
    .unwrap();
    let (code, v) = scan_json(d, &[]);
    assert_eq!(hygiene(&v), [], "{v}");
    assert_eq!(code, 0, "{v}");
}

#[cfg(unix)]
#[test]
fn env_and_key_files_readable_by_others_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_files(
        d,
        &[
            ("bot1/.env", SETTINGS.into()),
            ("bot2/.env", SETTINGS.into()),
            (".secrets/exchange.json", "{}\n".into()),
        ],
    );
    chmod(d, "bot1/.env", 0o644);
    chmod(d, "bot2/.env", 0o600);
    chmod(d, ".secrets/exchange.json", 0o640);
    let (code, v) = scan_json(d, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        hygiene(&v),
        [
            row("hygiene-env-file-permissions", ".secrets/exchange.json", 1),
            row("hygiene-env-file-permissions", "bot1/.env", 1),
        ]
    );
    let detail = v["findings"][1]["detail"].as_str().unwrap();
    assert!(
        detail.contains("0644") && detail.contains("chmod 600"),
        "{detail}"
    );

    chmod(d, "bot1/.env", 0o600);
    chmod(d, ".secrets/exchange.json", 0o600);
    let (code, v) = scan_json(d, &[]);
    assert_eq!((code, hygiene(&v)), (0, vec![]), "{v}");
}

#[test]
fn overdue_rotation_and_withdraw_scopes_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let today = leakgate::date::today();
    write_files(
        d,
        &[
            (
                "env/.env",
                format!(
                    "# bot 1\nBOT1_API_ROTATED_AT=2020-01-01\nBOT1_API_SCOPES=read,trade,withdraw\n\
                     BOT2_API_ROTATED_AT={today}T09:00:00Z\nBOT2_API_SCOPES=read,trade\n\
                     BOT3_API_ROTATED_AT=2020-01-01\nBOT3_API_MAX_AGE_DAYS=100000\n"
                ),
            ),
            (
                "ci/settings.env",
                "EXCHANGE_PERMISSIONS=\"spot:trade wallet:withdraw\"\n".into(),
            ),
        ],
    );
    #[cfg(unix)]
    chmod(d, "env/.env", 0o600);
    let (code, v) = scan_json(d, &["--env-file", "ci/settings.env"]);
    assert_eq!(code, 1);
    assert_eq!(
        hygiene(&v),
        [
            row("hygiene-forbidden-scope", "ci/settings.env", 1),
            row("hygiene-rotation-overdue", "env/.env", 2),
            row("hygiene-forbidden-scope", "env/.env", 3),
        ]
    );
    let rotation = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "hygiene-rotation-overdue")
        .unwrap();
    assert!(
        rotation["detail"]
            .as_str()
            .unwrap()
            .contains("the maximum is 90 days")
    );
    assert_eq!(rotation["snippet"], "BOT1_API_ROTATED_AT=2020-01-01");
}

#[test]
fn partial_secrets_in_logs_are_reported_but_the_allowed_mask_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let prefix = synthetic(71, 8);
    let long = synthetic(72, 32);
    write_files(
        d,
        &[(
            "logs/app.log",
            format!(
                "12:00:01 INFO using api_key={prefix}\u{2026} for eu\n\
                 12:00:02 INFO token prefix {}... accepted\n\
                 12:00:03 INFO using api_key=****{} (masked)\n\
                 12:00:04 INFO using api_key={}\u{2026} (4 characters)\n",
                synthetic(73, 10),
                &long[28..],
                &long[..4],
            ),
        )],
    );
    let (code, v) = scan_json(d, &["--include-logs"]);
    assert_eq!(code, 1);
    assert_eq!(
        hygiene(&v),
        [
            row("hygiene-partial-secret-in-log", "logs/app.log", 1),
            row("hygiene-partial-secret-in-log", "logs/app.log", 2),
        ]
    );
    assert!(
        !v.to_string().contains(&prefix),
        "the fragment is masked too"
    );
}

#[test]
fn hygiene_rules_are_listed_explained_and_can_be_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_files(
        d,
        &[(
            ".env",
            "BOT1_API_SCOPES=withdraw\nBOT1_API_ROTATED_AT=2020-01-01\n".into(),
        )],
    );
    #[cfg(unix)]
    chmod(d, ".env", 0o600);
    let list = stdout(&leakgate(d, &["rules", "list"]));
    for id in [
        "hygiene-env-file-tracked",
        "hygiene-env-file-not-ignored",
        "hygiene-env-file-permissions",
        "hygiene-rotation-overdue",
        "hygiene-forbidden-scope",
        "hygiene-partial-secret-in-log",
    ] {
        assert!(list.contains(id), "{id} not listed");
    }
    let explain = stdout(&leakgate(
        d,
        &["rules", "explain", "hygiene-rotation-overdue"],
    ));
    assert!(
        explain.contains("_MAX_AGE_DAYS") && explain.contains("What to do"),
        "{explain}"
    );

    let (_, v) = scan_json(d, &[]);
    assert_eq!(hygiene(&v).len(), 2);
    std::fs::write(
        d.join(".leakgate.toml"),
        "[pack]\ndisable = [\"hygiene-forbidden-scope\", \"hygiene-rotation-overdue\"]\n",
    )
    .unwrap();
    let (code, v) = scan_json(d, &[]);
    assert_eq!((code, hygiene(&v)), (0, vec![]), "{v}");
}

#[test]
fn hygiene_findings_reach_sarif_and_the_human_view() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_files(d, &[(".env", "BOT1_API_SCOPES=trade,withdraw\n".into())]);
    #[cfg(unix)]
    chmod(d, ".env", 0o600);
    let out = leakgate(
        d,
        &[
            "scan",
            "--no-env",
            "--no-report",
            "--color",
            "never",
            "--sarif",
            "o.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let human = stdout(&out);
    assert!(human.contains("hygiene-forbidden-scope"), "{human}");
    assert!(human.contains("grants `withdraw`"), "{human}");
    let sarif = std::fs::read_to_string(d.join("o.sarif")).unwrap();
    assert!(sarif.contains("\"ruleId\": \"hygiene-forbidden-scope\""));
    assert!(sarif.contains("Issue a key without withdrawal rights"));
}

/// Key files in test and example trees are what the tests run with: their mode says nothing
/// about anyone's secret. The same key elsewhere is reported.
#[cfg(unix)]
#[test]
fn key_files_of_tests_and_examples_are_not_judged_by_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = [
        "-----BEGIN ",
        "PRIVATE KEY-----\nMIIB\n-----END ",
        "PRIVATE KEY-----\n",
    ]
    .concat();
    let files = [
        "tests/examples/key.pem",
        "examples/server/key.pem",
        "deploy/key.pem",
    ];
    write_files(d, &files.map(|f| (f, key.clone())));
    for f in files {
        chmod(d, f, 0o644);
    }
    let (_, v) = scan_json(d, &[]);
    let rows: Vec<_> = hygiene(&v)
        .into_iter()
        .filter(|r| r.0 == "hygiene-env-file-permissions")
        .collect();
    assert_eq!(
        rows,
        [row("hygiene-env-file-permissions", "deploy/key.pem", 1)],
        "{v}"
    );
}
