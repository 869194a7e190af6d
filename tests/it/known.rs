//! Known secret values: the values of secret-named variables from `--env-file` files and from the
//! process environment are found literally, plain, base64 and percent-encoded, under rule
//! `known-secret-value`, named by the variable and never shown.

use crate::util::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

fn run(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("leakgate").unwrap();
    cmd.current_dir(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// A value no pattern rule would flag on its own: it sits in a log line with no secret-named key.
fn value() -> String {
    format!("{}-{}", synthetic(500, 14), synthetic(501, 10))
}

#[test]
fn env_file_values_are_found_plain_and_encoded_and_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let secret = value();
    let encoded = STANDARD.encode(format!("{{\"auth\":\"{secret}\"}}"));
    write_files(
        dir.path(),
        &[
            (
                "ci/.env.ci",
                format!(
                    "# CI secrets\nexport BOT1_BITGET_API_SECRET=\"{secret}\"\nLOG_LEVEL=info\n"
                ),
            ),
            (
                "logs/build.log",
                format!(
                    "12:00:01 step 3/9 calling upstream with {secret}\n12:00:02 payload {encoded}\n12:00:03 done\n"
                ),
            ),
        ],
    );
    let args = [
        "scan",
        "--no-env",
        "--no-report",
        "--format",
        "json",
        "--include-logs",
        "--env-file",
        "ci/.env.ci",
        "logs",
    ];
    let out = run(dir.path(), &args, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let known: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "known-secret-value")
        .collect();
    let lines: Vec<u64> = known.iter().map(|f| f["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 2], "plain on line 1, base64 on line 2");
    assert!(known.iter().all(|f| {
        f["title"]
            .as_str()
            .unwrap()
            .contains("BOT1_BITGET_API_SECRET")
    }));
    assert!(known[1]["title"].as_str().unwrap().contains("base64"));
    for format in ["human", "json", "jsonl", "sarif"] {
        let mut a = args.to_vec();
        a[4] = format;
        let out = run(dir.path(), &a, &[]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(&secret), "{format} shows the value");
        assert!(
            !all.contains(&secret[..10]),
            "{format} shows part of the value"
        );
    }
}

#[test]
fn the_process_environment_is_read_unless_no_env() {
    let dir = tempfile::tempdir().unwrap();
    let secret = value();
    write_files(
        dir.path(),
        &[(
            "reports/run.json",
            format!("{{\"step\": \"upload\", \"note\": \"used {secret} for the upload\"}}\n"),
        )],
    );
    let env = [("DEPLOY_SERVICE_TOKEN", secret.as_str())];
    let out = run(
        dir.path(),
        &["scan", "--no-report", "--format", "json", "."],
        &env,
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule_id"], "known-secret-value");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&secret));

    let out = run(
        dir.path(),
        &["scan", "--no-report", "--no-env", "--format", "json", "."],
        &env,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "--no-env ignores the environment"
    );
}

#[test]
fn a_malformed_env_file_names_the_file_and_line_without_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let secret = value();
    write_files(
        dir.path(),
        &[(".env", format!("A_TOKEN=ok-value-1\nB_SECRET='{secret}\n"))],
    );
    let out = run(
        dir.path(),
        &["scan", "--no-report", "--no-env", "--env-file", ".env", "."],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(".env") && err.contains("unterminated"),
        "{err}"
    );
    assert!(err.contains(":2:"), "names line 2: {err}");
    assert!(!err.contains(&secret));
    let out = run(
        dir.path(),
        &[
            "scan",
            "--no-report",
            "--no-env",
            "--env-file",
            "missing.env",
            ".",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.env"));
}
