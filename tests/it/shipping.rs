//! What a release ships: shell completions and man pages generated from the command line, the
//! archive layout of `.github/scripts/package-release.sh` (the names the Action and
//! docs/install.md download), the release workflow's version and changelog checks run for real,
//! its target list, and the Dockerfile's shape.

use serde_yaml_ng::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The five release targets (the Action downloads these; docs/install.md lists them).
const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_leakgate"))
}

fn leakgate(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

#[test]
fn bash_completion_defines_its_function_and_knows_the_commands_and_flags() {
    let script = ok(&leakgate(&["completions", "bash"]));
    assert!(script.contains("_leakgate()"), "{script}");
    assert!(script.contains("complete -F _leakgate"), "{script}");
    for word in [
        "scan",
        "baseline",
        "redact",
        "--staged",
        "--include-logs",
        "--fail-on",
    ] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
}

#[test]
fn every_shell_gets_its_own_kind_of_script() {
    for (shell, marker) in [
        ("zsh", "#compdef leakgate"),
        ("fish", "complete -c leakgate"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[leakgate]"),
    ] {
        let script = ok(&leakgate(&["completions", shell]));
        assert!(script.contains(marker), "{shell}: no {marker}");
        assert!(script.contains("staged"), "{shell}: no --staged");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let o = leakgate(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn man_page_is_roff_for_leakgate_with_its_commands() {
    let page = ok(&leakgate(&["man"]));
    assert!(page.contains(".TH leakgate 1"), "{page}");
    assert!(page.contains(&format!("leakgate {VERSION}")), "no version");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    for command in ["scan", "baseline", "redact", "completions", "man"] {
        assert!(
            page.contains(&format!("leakgate\\-{command}(1)")),
            "man page lacks leakgate-{command}(1)"
        );
    }
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    ok(&leakgate(&["man", "--dir", out.to_str().unwrap()]));
    for (file, title) in [
        ("leakgate.1", "leakgate"),
        ("leakgate-scan.1", "leakgate-scan"),
        ("leakgate-rules-list.1", "leakgate-rules-list"),
        ("leakgate-completions.1", "leakgate-completions"),
    ] {
        let page =
            std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(page.contains(&format!(".TH {title} 1")), "{file}");
    }
    let scan = std::fs::read_to_string(out.join("leakgate-scan.1")).unwrap();
    assert!(scan.contains("\\-\\-staged"), "scan page lacks --staged");
}

/// A stand-in for a target's binary (the test binary is over 100 MB with debug info: packing it
/// takes half a minute): a script that says which it is. The completions and man pages come
/// from the real binary.
fn stand_in(dir: &Path) -> PathBuf {
    let path = dir.join("built-leakgate");
    std::fs::write(
        &path,
        "#!/bin/sh\necho \"stand-in for the target's leakgate\"\n",
    )
    .unwrap();
    path
}

/// Runs the packaging script for `target`; returns the archive's path.
fn package(target: &str, out: &Path) -> PathBuf {
    let o = Command::new("bash")
        .arg(root().join(".github/scripts/package-release.sh"))
        .args([VERSION, target])
        .arg(stand_in(out))
        .arg(bin())
        .arg(out.join("dist"))
        .output()
        .expect("bash runs");
    PathBuf::from(ok(&o).trim())
}

/// The files every archive holds under its folder, besides the binary.
fn expected_entries(name: &str, exe: &str) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = [
        exe,
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "README.md",
        "CHANGELOG.md",
        "completions/leakgate.bash",
        "completions/_leakgate",
        "completions/leakgate.fish",
        "completions/_leakgate.ps1",
        "completions/leakgate.elv",
        "man/leakgate.1",
        "man/leakgate-scan.1",
    ]
    .iter()
    .map(|f| format!("{name}/{f}"))
    .collect();
    files.insert(format!("{name}/"));
    files
}

#[test]
fn unix_archive_holds_one_folder_with_binary_licenses_docs_completions_and_man() {
    let target = "x86_64-unknown-linux-gnu";
    let out = tempfile::tempdir().unwrap();
    let archive = package(target, out.path());
    let name = format!("leakgate-v{VERSION}-{target}");
    assert_eq!(
        archive,
        out.path().join("dist").join(format!("{name}.tar.gz"))
    );

    let listing = ok(&Command::new("tar")
        .arg("tzf")
        .arg(&archive)
        .output()
        .unwrap());
    let entries: BTreeSet<String> = listing.lines().map(str::to_owned).collect();
    for want in expected_entries(&name, "leakgate") {
        assert!(entries.contains(&want), "archive lacks {want}: {entries:?}");
    }
    assert!(
        entries.iter().all(|e| e.starts_with(&format!("{name}/"))),
        "{entries:?}"
    );

    // The packed binary is the one given, and executable; the rest is the repository's.
    let x = tempfile::tempdir().unwrap();
    ok(&Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(x.path())
        .output()
        .unwrap());
    let said = ok(&Command::new(x.path().join(&name).join("leakgate"))
        .output()
        .unwrap());
    assert_eq!(said.trim(), "stand-in for the target's leakgate");
    assert_eq!(
        std::fs::read(x.path().join(&name).join("LICENSE-MIT")).unwrap(),
        std::fs::read(root().join("LICENSE-MIT")).unwrap()
    );
    let bash =
        std::fs::read_to_string(x.path().join(&name).join("completions/leakgate.bash")).unwrap();
    assert!(bash.contains("_leakgate()"));
}

#[test]
fn windows_archive_is_a_zip_with_leakgate_exe() {
    let target = "x86_64-pc-windows-msvc";
    let out = tempfile::tempdir().unwrap();
    let archive = package(target, out.path());
    let name = format!("leakgate-v{VERSION}-{target}");
    assert_eq!(archive, out.path().join("dist").join(format!("{name}.zip")));
    let listing = ok(&Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(&archive)
        .output()
        .expect("python3 runs"));
    let entries: BTreeSet<String> = listing.lines().map(str::to_owned).collect();
    for want in expected_entries(&name, "leakgate.exe") {
        assert!(entries.contains(&want), "zip lacks {want}: {entries:?}");
    }
    assert!(!entries.contains(&format!("{name}/leakgate")));
}

#[test]
fn packaging_refuses_a_tag_for_the_version() {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new("bash")
        .arg(root().join(".github/scripts/package-release.sh"))
        .args([&format!("v{VERSION}"), "x86_64-unknown-linux-gnu"])
        .arg(stand_in(out.path()))
        .arg(bin())
        .arg(out.path().join("dist"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.path().join("dist").exists());
}

fn workflow() -> Value {
    let path = root().join(".github/workflows/release.yml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).expect("release.yml parses")
}

/// The `run:` script of the step named `name` in job `job`.
fn step_script(w: &Value, job: &str, name: &str) -> String {
    w["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step {name} in job {job}"))["run"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Runs a workflow script with bash in `dir` with `env` (the GITHUB_REF_* of a push, the step's
/// env); returns the output and what it wrote to GITHUB_OUTPUT (a file outside `dir`).
fn run_step(script: &str, dir: &Path, env: &[(&str, &str)]) -> (Output, String) {
    let runner_temp = tempfile::tempdir().unwrap();
    let gh_output = runner_temp.path().join("github-output");
    std::fs::write(&gh_output, "").unwrap();
    let o = Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("GITHUB_OUTPUT", &gh_output)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (o, std::fs::read_to_string(&gh_output).unwrap())
}

#[test]
fn release_checks_that_the_tag_is_the_cargo_version() {
    let script = step_script(&workflow(), "check", "Read the version");
    let (o, out) = run_step(
        &script,
        root(),
        &[
            ("GITHUB_REF_TYPE", "tag"),
            ("GITHUB_REF_NAME", &format!("v{VERSION}")),
        ],
    );
    ok(&o);
    assert_eq!(out.trim(), format!("version={VERSION}"));

    let (o, _) = run_step(
        &script,
        root(),
        &[("GITHUB_REF_TYPE", "tag"), ("GITHUB_REF_NAME", "v99.0.0")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("does not match Cargo.toml version"));

    // A manual run on a branch needs no tag.
    let (o, out) = run_step(
        &script,
        root(),
        &[("GITHUB_REF_TYPE", "branch"), ("GITHUB_REF_NAME", "main")],
    );
    ok(&o);
    assert_eq!(out.trim(), format!("version={VERSION}"));
}

const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n- next\n\n\
## [1.2.0] - 2031-02-03\n\n### Added\n\n- one (1.2.0)\n\n### Rule pack\n\n- two\n\n\
## [1.1.0] - 2030-01-01\n\n- old (1.1.0)\n";

#[test]
fn release_notes_are_the_versions_dated_changelog_section() {
    let script = step_script(&workflow(), "check", "Release notes from CHANGELOG.md");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("CHANGELOG.md"), CHANGELOG).unwrap();
    let (o, _) = run_step(
        &script,
        dir.path(),
        &[("GITHUB_REF_TYPE", "tag"), ("VERSION", "1.2.0")],
    );
    ok(&o);
    let notes = std::fs::read_to_string(dir.path().join("release-notes.md")).unwrap();
    assert!(
        notes.contains("- one (1.2.0)") && notes.contains("### Rule pack"),
        "{notes}"
    );
    assert!(
        !notes.contains("next") && !notes.contains("1.1.0"),
        "{notes}"
    );

    // 1.2.0's dots are not wildcards: 1x2y0 has no section.
    let (o, _) = run_step(
        &script,
        dir.path(),
        &[("GITHUB_REF_TYPE", "tag"), ("VERSION", "1x2y0")],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_tag_needs_a_dated_changelog_section() {
    let script = step_script(&workflow(), "check", "Release notes from CHANGELOG.md");
    let dir = tempfile::tempdir().unwrap();
    let undated = CHANGELOG.replace("## [1.2.0] - 2031-02-03", "## [1.2.0] - unreleased");
    std::fs::write(dir.path().join("CHANGELOG.md"), undated).unwrap();
    let (o, _) = run_step(
        &script,
        dir.path(),
        &[("GITHUB_REF_TYPE", "tag"), ("VERSION", "1.2.0")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("no dated section for 1.2.0"));
    // A manual (dry) run packs it all the same.
    let (o, _) = run_step(
        &script,
        dir.path(),
        &[("GITHUB_REF_TYPE", "branch"), ("VERSION", "1.2.0")],
    );
    ok(&o);
}

#[test]
fn the_changelog_has_a_section_for_this_version_and_lists_rule_changes() {
    let log = std::fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    assert!(log.contains("\n## [Unreleased]\n"));
    let heading = format!("\n## [{VERSION}]");
    let at = log
        .find(&heading)
        .expect("a section for the Cargo.toml version");
    let section = &log[at + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    assert!(
        section.contains("\n### Rule pack\n"),
        "no Rule pack subsection"
    );
}

#[test]
fn the_release_builds_packs_and_sums_the_five_targets() {
    let w = workflow();
    let matrix: BTreeSet<&str> = w["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    assert_eq!(matrix, TARGETS.into_iter().collect());

    let pack = step_script(&w, "package", "Pack");
    for target in TARGETS {
        assert!(pack.contains(target), "Pack does not pack {target}");
    }
    assert!(pack.contains(".github/scripts/package-release.sh"));
    assert!(pack.contains("sha256sum leakgate-v* > SHA256SUMS"));

    // Nothing is published from a manual run, and every action is pinned to a version.
    assert_eq!(
        w["jobs"]["release"]["if"].as_str(),
        Some("github.ref_type == 'tag'")
    );
    for (name, job) in w["jobs"].as_mapping().unwrap() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(uses) = step["uses"].as_str() {
                let (_, version) = uses.split_once('@').unwrap_or_else(|| panic!("{uses}"));
                assert!(version.starts_with('v'), "{name:?}: {uses} is not pinned");
            }
        }
    }
}

#[test]
fn the_image_runs_leakgate_as_a_non_root_user_with_git() {
    let file = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let last_stage = &file[file.rfind("\nFROM ").expect("a FROM")..];
    assert!(file.contains("cargo build --release --locked"));
    assert!(last_stage.contains("\nENTRYPOINT [\"leakgate\"]\n"));
    assert!(last_stage.contains("\nWORKDIR /repo\n"));
    assert!(last_stage.contains("install -y --no-install-recommends git"));
    let user = last_stage
        .lines()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER in the runtime stage");
    assert!(
        !user.starts_with("root") && !user.starts_with("0"),
        "USER {user}"
    );

    // Every file the build stage copies passes .dockerignore (an allow-list).
    let ignore = std::fs::read_to_string(root().join(".dockerignore")).unwrap();
    let allowed: Vec<&str> = ignore
        .lines()
        .filter_map(|l| l.strip_prefix('!'))
        .map(|l| l.trim_end_matches('/'))
        .collect();
    let build_stage = &file[..file.rfind("\nFROM ").unwrap()];
    for line in build_stage.lines().filter(|l| l.starts_with("COPY ")) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        for src in &parts[1..parts.len() - 1] {
            assert!(
                allowed.contains(src),
                "{src} is copied but .dockerignore leaves it out"
            );
            assert!(root().join(src).exists(), "{src} does not exist");
        }
    }
}
