//! The demo ops repository in fixtures/demo (the README's quick tour): a runbook, a backtest
//! report, a git-ignored bot log and an env example, with synthetic secrets of six kinds planted
//! among clean lines and placeholders.
//!
//! This file is also the demo's generator: the secrets are drawn from fixed seeds (a GitHub token
//! with a valid checksum, an AWS key id, a Slack bot token, a Stripe live key, a database URL's
//! password, a PEM key body of random base64), and `the_committed_demo_is_generated` checks that
//! the committed files are exactly what it makes. To change the demo, edit [`demo`] and run
//! `LEAKGATE_WRITE_DEMO=1 cargo test --test it demo::`, then commit the files (the log with
//! `git add -f`: the demo's own .gitignore ignores it, as real bot logs are).
//!
//! The scans run from inside fixtures/demo with `.` (its own `.leakgate.toml` makes it the
//! project root) and from the repository root with `fixtures/demo`; findings are compared by
//! path suffix, so the test holds whether paths are reported relative to the demo or to the
//! repository.

use crate::util::*;
use leakgate::detect::checksum::base62;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a piece of a demo file holds.
enum Mark {
    Clean,
    /// Placeholders, references or masks: never a finding.
    Placeholder,
    /// A planted secret and the rule that must report it.
    Secret(&'static str, String),
}

/// A demo file: pieces of text (one line, or several for a PEM block), each with its mark.
struct DemoFile {
    path: &'static str,
    pieces: Vec<(String, Mark)>,
}

/// A planted secret where the scan must report it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Planted {
    path: &'static str,
    line: u64,
    rule: &'static str,
    secret: String,
}

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

fn clean(s: &str) -> (String, Mark) {
    (s.to_string(), Mark::Clean)
}

fn placeholder(s: &str) -> (String, Mark) {
    (s.to_string(), Mark::Placeholder)
}

fn secret(rule: &'static str, text: String, secret: String) -> (String, Mark) {
    assert!(text.contains(&secret));
    (text, Mark::Secret(rule, secret))
}

/// The demo repository.
fn demo() -> Vec<DemoFile> {
    let digits = b"0123456789";
    let body = synthetic(2101, 30);
    let github = format!("ghp_{body}{}", base62(crc32fast::hash(body.as_bytes()), 6));
    let aws = format!(
        "AKIA{}",
        synthetic_in(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 2102, 16)
    );
    let slack = format!(
        "xoxb-{}-{}-{}",
        synthetic_in(digits, 2103, 13),
        synthetic_in(digits, 2104, 13),
        synthetic(2105, 24)
    );
    let stripe = format!("sk_live_{}", synthetic(2106, 99));
    let db_password = synthetic(2107, 24);
    let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let pem_body: Vec<String> = synthetic_in(b64, 2108, 64 * 9 + 44)
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let pem_body = pem_body.join("\n");
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{pem_body}\n-----END PRIVATE KEY-----");

    vec![
        DemoFile {
            path: ".leakgate.toml",
            pieces: vec![
                clean("# The demo ops repository's gate: leakgate's defaults, spelled out."),
                clean("# Bot logs are git-ignored: scan them with `leakgate scan --include-logs`."),
                clean("[scan]"),
                clean("fail_on = \"low\""),
            ],
        },
        DemoFile {
            path: ".gitignore",
            pieces: vec![
                clean("# Runtime output of the bots is never committed (the demo commits one log"),
                clean("# with `git add -f`, so the gate has a git-ignored log to find)."),
                clean("data/*/logs/"),
                clean("env/.env"),
            ],
        },
        DemoFile {
            path: "docs/runbook.md",
            pieces: vec![
                clean("# bot1 deployment runbook"),
                clean(""),
                clean(
                    "Deploys the trading bot in `data/bot1/` to the ops hosts. Credentials live in the",
                ),
                clean("secret store; this page says where they go, never what they are."),
                clean(""),
                clean("## 1. Access"),
                clean(""),
                clean(
                    "Export a token with the `repo` and `workflow` scopes, then run the deploy script:",
                ),
                clean(""),
                clean("```sh"),
                placeholder("export GITHUB_TOKEN=<your-github-token>"),
                secret(
                    "github-classic-pat",
                    format!("export GITHUB_TOKEN={github}   # TODO remove after the release"),
                    github.clone(),
                ),
                clean("./scripts/deploy.sh bot1 --region eu-west-1"),
                clean("```"),
                clean(""),
                clean("## 2. Database"),
                clean(""),
                clean("The bot writes its fills to PostgreSQL:"),
                clean(""),
                placeholder(
                    "    DATABASE_URL=postgres://deploy:${DB_PASSWORD}@db.internal.example:5432/ops",
                ),
                secret(
                    "postgres-url-password",
                    format!(
                        "    DATABASE_URL=postgres://deploy:{db_password}@db.internal.example:5432/ops"
                    ),
                    db_password.clone(),
                ),
                clean(""),
                clean("## 3. AWS"),
                clean(""),
                placeholder(
                    "The example key id in the AWS docs is AKIAIOSFODNN7EXAMPLE; ours is in the store.",
                ),
                clean(""),
                placeholder("    AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}"),
                clean(""),
                clean("## 4. Break-glass key"),
                clean(""),
                clean("If the bastion is unreachable, use the break-glass key, then rotate it:"),
                clean(""),
                clean("```"),
                secret("private-key-pem", pem.clone(), pem_body.clone()),
                clean("```"),
                clean(""),
                placeholder(
                    "Paste yours as `-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----`.",
                ),
            ],
        },
        DemoFile {
            path: "reports/backtest.json",
            pieces: vec![
                clean("{"),
                clean("  \"strategy\": \"mean-reversion-v3\","),
                clean("  \"period\": {\"from\": \"2025-01-01\", \"to\": \"2025-06-30\"},"),
                clean("  \"sharpe\": 1.42,"),
                clean("  \"max_drawdown\": 0.083,"),
                clean("  \"trades\": 1834,"),
                clean("  \"run_id\": \"3f2b9c1e-8d4a-4e6f-9b7c-2a1d0e5f6c3b\","),
                clean("  \"data_source\": {"),
                clean("    \"bucket\": \"s3://ops-backtests/2025h1\","),
                secret(
                    "aws-access-key-id",
                    format!("    \"aws_access_key_id\": \"{aws}\","),
                    aws.clone(),
                ),
                placeholder("    \"aws_secret_access_key\": \"${AWS_SECRET_ACCESS_KEY}\""),
                clean("  },"),
                placeholder(
                    "  \"notifier\": {\"slack_token\": \"<slack-bot-token>\", \"channel\": \"#ops-alerts\"}",
                ),
                clean("}"),
            ],
        },
        DemoFile {
            path: "data/bot1/logs/app.log",
            pieces: vec![
                clean(
                    "2025-06-11T09:15:20Z INFO bot1 starting (strategy=mean-reversion-v3, dry_run=false)",
                ),
                clean("2025-06-11T09:15:21Z INFO loaded config from /etc/bot1/config.toml"),
                secret(
                    "slack-bot-token",
                    format!("2025-06-11T09:15:21Z DEBUG slack notifier ready token={slack}"),
                    slack.clone(),
                ),
                placeholder("2025-06-11T09:15:22Z DEBUG stripe client ready key=****4242"),
                clean("2025-06-11T09:15:22Z INFO connected to exchange (latency 12 ms)"),
                secret(
                    "stripe-live-secret-key",
                    format!(
                        "2025-06-11T09:15:23Z ERROR payment webhook failed: 401 for key {stripe}"
                    ),
                    stripe.clone(),
                ),
                placeholder(
                    "2025-06-11T09:15:24Z WARN SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN} not set, using the file",
                ),
                clean("2025-06-11T09:16:00Z INFO heartbeat ok"),
            ],
        },
        DemoFile {
            path: "env/.env.example",
            pieces: vec![
                clean("# Copy to env/.env and fill in; env/.env is git-ignored."),
                placeholder("GITHUB_TOKEN="),
                placeholder("SLACK_BOT_TOKEN=xoxb-your-bot-token"),
                placeholder("STRIPE_SECRET_KEY=sk_live_your_key_here"),
                placeholder("DATABASE_URL=postgres://deploy:changeme@localhost:5432/ops"),
                placeholder("AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX"),
                clean("LOG_LEVEL=info"),
            ],
        },
    ]
}

/// A file's text: its pieces, one per line, and a final newline.
fn text(f: &DemoFile) -> String {
    f.pieces.iter().map(|(t, _)| format!("{t}\n")).collect()
}

/// Each piece with its first line number.
fn numbered(f: &DemoFile) -> Vec<(u64, &(String, Mark))> {
    let mut line = 1;
    f.pieces
        .iter()
        .map(|p| {
            let at = line;
            line += p.0.matches('\n').count() as u64 + 1;
            (at, p)
        })
        .collect()
}

fn planted(files: &[DemoFile]) -> Vec<Planted> {
    let mut out = Vec::new();
    for f in files {
        for (at, (text, mark)) in numbered(f) {
            if let Mark::Secret(rule, secret) = mark {
                let before = &text[..text.find(secret.as_str()).unwrap()];
                out.push(Planted {
                    path: f.path,
                    line: at + before.matches('\n').count() as u64,
                    rule,
                    secret: secret.clone(),
                });
            }
        }
    }
    out.sort();
    out
}

/// (path, line) of every placeholder line.
fn placeholder_lines(files: &[DemoFile]) -> Vec<(&'static str, u64)> {
    let mut out = Vec::new();
    for f in files {
        for (at, (text, mark)) in numbered(f) {
            if let Mark::Placeholder = mark {
                let n = text.matches('\n').count() as u64;
                out.extend((at..=at + n).map(|l| (f.path, l)));
            }
        }
    }
    out
}

/// Whether a reported path names the demo file `rel` (relative to the demo or the repository).
fn names(reported: &str, rel: &str) -> bool {
    reported == rel || reported.ends_with(&format!("/{rel}"))
}

/// Asserts that `text` holds no planted secret, nor 8 characters in a row of one, and shows
/// the mask of each planted secret that `shown` says is in the output.
fn assert_masked(what: &str, text: &str, planted: &[Planted]) {
    for p in planted {
        let chars: Vec<char> = p.secret.chars().filter(|c| *c != '\n').collect();
        for w in chars.windows(8) {
            let w: String = w.iter().collect();
            assert!(
                !text.contains(&w),
                "{what} holds part of the {} secret",
                p.rule
            );
        }
    }
}

/// The findings of a JSON report as (path, line, rule, state, masked).
fn findings(v: &Value) -> Vec<(String, u64, String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["state"].as_str().unwrap().to_string(),
                f["masked"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Checks a demo scan's report: each planted secret exactly once, new, with its rule and its
/// mask; nothing else, and nothing on a placeholder line. `with_logs` says whether the log was
/// scanned.
fn check_report(v: &Value, with_logs: bool) {
    let files = demo();
    let expected: Vec<Planted> = planted(&files)
        .into_iter()
        .filter(|p| with_logs || !p.path.ends_with(".log"))
        .collect();
    let found = findings(v);
    for p in &expected {
        let hits: Vec<_> = found
            .iter()
            .filter(|f| names(&f.0, p.path) && f.1 == p.line)
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "{}:{} ({}) must be found exactly once: {hits:?}",
            p.path,
            p.line,
            p.rule
        );
        let (_, _, rule, state, masked) = hits[0];
        assert_eq!(rule, p.rule, "{}:{}", p.path, p.line);
        assert_eq!(state, "new");
        let tail: String = {
            let chars: Vec<char> = p.secret.chars().collect();
            chars[chars.len() - 4..].iter().collect()
        };
        assert_eq!(masked, &format!("****{tail}"), "{}:{}", p.path, p.line);
    }
    assert_eq!(
        found.len(),
        expected.len(),
        "only the planted secrets are findings: {found:?}"
    );
    for (path, line) in placeholder_lines(&files) {
        assert!(
            !found.iter().any(|f| names(&f.0, path) && f.1 == line),
            "a placeholder is a finding: {path}:{line}"
        );
    }
    let scanned_log = found.iter().any(|f| f.0.ends_with(".log"));
    assert_eq!(scanned_log, with_logs);
}

#[test]
fn the_committed_demo_is_generated() {
    let files = demo();
    let write = std::env::var_os("LEAKGATE_WRITE_DEMO").is_some();
    for f in &files {
        let p = demo_dir().join(f.path);
        if write {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text(f)).unwrap();
        }
        let committed =
            std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("fixtures/demo/{}: {e}", f.path));
        assert!(
            committed == text(f),
            "fixtures/demo/{} is not what tests/it/demo.rs generates: run \
             `LEAKGATE_WRITE_DEMO=1 cargo test --test it demo::`",
            f.path
        );
    }
    // Six kinds of secret, each in the format its provider issues.
    let rules: BTreeSet<&str> = planted(&files).iter().map(|p| p.rule).collect();
    assert_eq!(rules.len(), 6);
    let github = planted(&files)
        .into_iter()
        .find(|p| p.rule == "github-classic-pat")
        .unwrap();
    assert!(leakgate::detect::checksum::base62_crc32_ok(
        github.secret.as_bytes()
    ));
}

#[test]
fn the_demo_fails_with_each_planted_secret_once() {
    let out = leakgate(
        &demo_dir(),
        &[
            "scan",
            ".",
            "--include-logs",
            "--no-report",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_masked("the JSON report", &text, &planted(&demo()));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["status"], "fail");
    check_report(&v, true);
}

#[test]
fn the_human_output_shows_masks_only() {
    let out = leakgate(
        &demo_dir(),
        &[
            "scan",
            ".",
            "--include-logs",
            "--no-report",
            "--color",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let (text, err) = (stdout(&out), stderr(&out));
    let planted = planted(&demo());
    assert_masked("the human output", &text, &planted);
    assert_masked("stderr", &err, &planted);
    for p in &planted {
        let chars: Vec<char> = p.secret.chars().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        assert!(
            text.contains(&format!("****{tail}")),
            "the mask of the {} secret is shown",
            p.rule
        );
    }
}

#[test]
fn the_git_ignored_log_is_scanned_only_with_include_logs() {
    let out = leakgate(
        &demo_dir(),
        &["scan", ".", "--no-report", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    check_report(&v, false);
}

#[test]
fn the_quick_tour_runs_from_the_repository_root() {
    // The README's command, from the repository root: the demo's own config applies.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = leakgate(
        root,
        &[
            "scan",
            "fixtures/demo",
            "--include-logs",
            "--no-report",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_masked("the JSON report", &text, &planted(&demo()));
    check_report(&serde_json::from_str(&text).unwrap(), true);
}
