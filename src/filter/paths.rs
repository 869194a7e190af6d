//! What a file's path says about the values in it: files named as examples or samples, test code
//! (a test directory, a file named as a test), and third-party packages a package manager
//! installed. Values people chose there are fixtures and examples; what a machine issued (a long
//! random token, a proven format) is judged as anywhere.
//! The mission's own artifacts (`docs/`, `reports/`, logs) are none of these, and keep the
//! rules' full sensitivity.

/// The file is named as examples or a sample (`iam.examples.json`, `examples-1.json`,
/// `.env.example`, `config.sample.yml`): its values show what to write, like documentation.
/// Only the file's own name counts; a directory named `examples` holds code like any other.
pub fn example_file(path: &str) -> bool {
    file_name(path)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| one_of(w, &EXAMPLE_WORDS))
}

/// Words that name examples, in a file name or a directory.
const EXAMPLE_WORDS: [&str; 4] = ["example", "examples", "sample", "samples"];

/// `word` is one of `list`, in any case.
fn one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// Directories that hold tests and their fixtures, in the conventions of the common test
/// runners: `tests/` (Rust, Python), `test/` (Node, Java), `__tests__/` and `__mocks__/` (Jest),
/// `spec/` (RSpec, Jasmine), `testdata/` (Go), `fixtures/`, and `molecule/` (Ansible's role
/// tests).
const TEST_DIRS: [&str; 13] = [
    "test",
    "tests",
    "testing",
    "__tests__",
    "__mocks__",
    "spec",
    "specs",
    "testdata",
    "test_data",
    "test-data",
    "fixtures",
    "__fixtures__",
    "molecule",
];

/// The file is test code or a test fixture: under a test directory ([`TEST_DIRS`]), or named as
/// a test (`test_x.py`, `x_test.go`, `x.test.ts`, `x.spec.js`, `XTest.java`, `XTests.cs`,
/// `x_spec.rb`, `conftest.py`). The path is relative to the scan root.
pub fn test_file(path: &str) -> bool {
    let mut dirs = path.split(['/', '\\']);
    let name = dirs.next_back().unwrap_or(path);
    if dirs.any(|d| one_of(d, &TEST_DIRS)) {
        return true;
    }
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !one_of(ext, &super::SOURCE_EXTENSIONS) {
        return false;
    }
    let lower = stem.to_ascii_lowercase();
    lower.starts_with("test_")
        || lower.ends_with("_test")
        || lower.ends_with("_spec")
        || lower.ends_with(".test")
        || lower.ends_with(".spec")
        || lower == "conftest"
        || stem.ends_with("Test")
        || stem.ends_with("Tests")
}

/// The file is test or example material: [`test_file`], or under a directory of examples
/// (`examples/`, `samples/`). Key files there are what the tests and examples run with (a crate's
/// `tests/examples/pkcs8-private-key.pem`), not someone's credentials.
pub fn fixture(path: &str) -> bool {
    let mut dirs = path.split(['/', '\\']);
    dirs.next_back();
    test_file(path) || dirs.any(|d| one_of(d, &EXAMPLE_WORDS))
}

/// Directories package managers install third-party packages into: npm's `node_modules/` (and
/// Bower's and jspm's), Python's `site-packages/` and `dist-packages/`, Ansible Galaxy's
/// `ansible_collections/` (`collections/ansible_collections/<namespace>/<name>/`), Bundler's
/// `vendor/bundle/` and Cargo's `.cargo/registry/`.
const PACKAGE_DIRS: [&str; 6] = [
    "node_modules",
    "bower_components",
    "jspm_packages",
    "site-packages",
    "dist-packages",
    "ansible_collections",
];

/// The file belongs to a third-party package a package manager installed ([`PACKAGE_DIRS`],
/// `vendor/bundle/`, `.cargo/registry/`). A value people chose there (`password: Cisco#123` in a
/// collection's sample playbook, `changeme` in a README) is its authors' published example, not
/// the team's credential: the team cannot rotate it and did not write it. A machine-issued value
/// is judged as anywhere, so a real key shipped in a dependency is still found. Only the path
/// decides, so a file gets the same verdict from `scan`, `scan --staged` and `scan --git`.
pub fn installed_package(path: &str) -> bool {
    let mut dirs = path.split(['/', '\\']);
    dirs.next_back();
    let mut previous = "";
    dirs.any(|d| {
        let hit = one_of(d, &PACKAGE_DIRS)
            || (previous == "vendor" && d == "bundle")
            || (previous == ".cargo" && d == "registry");
        previous = d;
        hit
    })
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_code_is_told_by_its_directory_or_its_name() {
        for p in [
            "tests/parse.rs",
            "pkg/test/key.pem",
            "src/__tests__/api.js",
            "roles/db/molecule/default/converge.yml",
            "internal/testdata/config.yaml",
            "spec/models/user_spec.rb",
            "test_client.py",
            "lib/client_test.go",
            "web/api.test.ts",
            "web/api.spec.js",
            "src/main/java/ClientTest.java",
            "Client.Tests/ClientTests.cs",
            "conftest.py",
        ] {
            assert!(test_file(p), "{p}");
        }
        for p in [
            "docs/runbook.md",
            "reports/security/latest.json",
            "data/bot1/logs/app.log",
            "src/contest.py",
            "src/latest.rs",
            "attestation/config.yml",
            "testimonials.md",
            "test_results.log",
            "LatestTest.md",
        ] {
            assert!(!test_file(p), "{p}");
        }
    }

    #[test]
    fn example_files_are_told_by_their_own_name() {
        assert!(example_file("x/iam.examples.json"));
        assert!(example_file(".env.example"));
        assert!(example_file("config.sample.yml"));
        assert!(!example_file("examples/bot.py"));
        assert!(!example_file("counterexample.txt"));
    }

    #[test]
    fn installed_packages_are_told_by_the_directory_a_package_manager_installs_into() {
        for p in [
            "web/node_modules/pg/README.md",
            ".venv/lib/python3.12/site-packages/boto3/session.py",
            "/usr/lib/python3/dist-packages/yaml/__init__.py",
            "collections/ansible_collections/cisco/dnac/playbooks/discovery.yml",
            "vendor/bundle/ruby/3.3.0/gems/rack-3.0.0/README.md",
            "home/.cargo/registry/src/index.crates.io-6f17d22bba15001f/sqlx-0.8.6/README.md",
        ] {
            assert!(installed_package(p), "{p}");
        }
        for p in [
            "playbooks/discovery.yml",
            "docs/runbooks/node_modules.md",
            "vendor/binance/client.py",
            "bundle/vendor.js",
            "data/bot1/logs/app.log",
            "registry/.cargo/config.toml",
        ] {
            assert!(!installed_package(p), "{p}");
        }
    }

    #[test]
    fn fixtures_are_test_files_and_example_trees() {
        assert!(fixture("crates/rsa/tests/examples/pkcs1/key.pem"));
        assert!(fixture("examples/server/key.pem"));
        assert!(fixture("test/key.pem"));
        assert!(!fixture("deploy/key.pem"));
        assert!(!fixture(".secrets/exchange.json"));
        assert!(!fixture("bot1/.env"));
    }
}
