//! The generic rules in source code read its syntax (`src/syntax`): in every parsed language, a
//! value that is code (a type, a name, a member access, an operand, an expression) or a grammar
//! table's token class is not a finding, while a random value in a string literal bound to a
//! secret name, and any value in a comment, stays one. Docs and configs are not parsed.

use crate::util::synthetic;
use leakgate::detect::{Scanner, Scratch};
use leakgate::engine::{Pipeline, scan_bytes};
use leakgate::finding::Source;
use leakgate::rules::RulePack;
use std::collections::BTreeSet;

fn pipeline() -> Pipeline {
    Pipeline::new(Scanner::new(RulePack::builtin().unwrap()))
}

/// The lines (1-based) of `text` with a finding of a generic rule, scanned as `path`.
fn generic_lines(pipe: &Pipeline, path: &str, text: &str) -> BTreeSet<usize> {
    let generic: BTreeSet<&str> = pipe
        .rules()
        .iter()
        .filter(|r| r.generic)
        .map(|r| r.id.as_str())
        .collect();
    let (mut scratch, mut candidates) = (Scratch::default(), Vec::new());
    scan_bytes(
        pipe,
        path,
        &Source::File,
        text.as_bytes(),
        &mut scratch,
        &mut candidates,
    )
    .into_iter()
    .filter(|f| generic.contains(f.rule_id.as_str()))
    .map(|f| f.line)
    .collect()
}

/// One source file: lines of code that are no secret (each found before the parser read them),
/// and lines holding `{S}`, replaced by a fresh random value, which must stay found.
struct Case {
    paths: &'static [&'static str],
    lines: &'static [&'static str],
}

/// The assignment operator, kept out of this file's own lines (`cargo run -- scan` reads them
/// as Rust): `{=}` in a case is `=`, `{:}` is `:`.
fn expand(line: &str, seed: u64) -> String {
    line.replace("{S}", &synthetic(seed, 32))
        .replace("{=}", "=")
        .replace("{:}", ":")
}

const CASES: &[Case] = &[
    Case {
        paths: &["web/app.js", "web/app.mjs", "web/app.cjs", "web/app.jsx"],
        lines: &[
            // Monarch tokenizer and theme rules: a `token` beside `next`, in a regex rule's
            // action, beside `foreground`.
            "const lexer = { root: [[/[a-z]+/, { token{:} \"keyword.k8sV2.$0\", next: \"@popall\" }]] };",
            "const rules = [[/\\d+/, { token{:} 'tag.id.pug.V2x$1' }]];",
            "const theme = [{ token{:} 'comment.jsDoc.tagV2', foreground: '608B4E' }];",
            // A member access, a concatenation, a comparison in minified code.
            "const cfg = { apiKey{:} app.optionsV2.apiKeyX9 };",
            "const h = { \"X-Amz-Credential\"{:} e.accessKeyIdV4 + \"/\" + r };",
            "if(e.token{=}==TokenKinds.Whitespace&&s(e,82)){}",
            // Stay found.
            "const token {=} \"{S}\";",
            "const creds = { user: 'ci', token{:} '{S}' };",
            "client({ password{:} `{S}` });",
            "// token {=} {S}",
        ],
    },
    Case {
        paths: &["src/app.ts", "src/app.tsx"],
        lines: &[
            "const lexer = { root: [[/[a-z]+/, { token{:} \"keyword.k8sV2.$0\", next: \"@popall\" }]] };",
            "const theme = [{ token{:} 'comment.jsDoc.tagV2', foreground: '608B4E' }];",
            "const cfg = { apiKey{:} app.optionsV2.apiKeyX9 };",
            "class C { private accessToken{:} OAuth2TokenV2; }",
            "const token {=} \"{S}\";",
            "export const config = { apiKey{:} \"{S}\" };",
            "/* password {=} {S} */",
        ],
    },
    Case {
        paths: &["lib/client.py", "lib/client.pyi"],
        lines: &[
            "def g(passwd{:} HTTPPasswordMgr | None = None): ...",
            "api_key {=} Configuration.ApiKeyV2",
            "api_key {=} \"{S}\"",
            "client(password{=}\"{S}\")",
            "conf = {\"secret\"{:} '{S}'}",
            "# password {=} {S}",
        ],
    },
    Case {
        paths: &["cmd/main.go"],
        lines: &[
            "package main",
            "func f() {",
            "\tsecret {=} kubeClient.CoreV1Secrets",
            "\tvar ClickHouseToken string {=} \"{S}\"",
            "\ttoken :{=} `{S}`",
            "\t// password {=} {S}",
            "}",
        ],
    },
    Case {
        paths: &["src/ffi.rs"],
        lines: &[
            "pub struct Table {",
            "    pub GetCredentials{:} PFN_GetCredentialsFn,",
            "}",
            "fn f() {",
            "    let api_key {=} \"{S}\";",
            "    let password {=} \"{S}\".to_string();",
            "    // token {=} {S}",
            "}",
        ],
    },
    Case {
        paths: &["src/main/java/A.java"],
        lines: &[
            "class A {",
            "  String apiKey {=} Configuration.ApiKeyV2;",
            "  Object secret {=} SecretsV2.defaultV2x;",
            "  String accessToken {=} e.accessKeyIdV4 + \"/\" + r;",
            "  String token {=} \"{S}\";",
            "  // password {=} {S}",
            "}",
        ],
    },
    Case {
        paths: &["src/A.cs"],
        lines: &[
            "class A {",
            "  private string apiKey {=} Configuration.ApiKeyV2;",
            "  private string clientSecret {=} \"{S}\";",
            "  void F() { var password {=} \"{S}\"; }",
            "}",
        ],
    },
    Case {
        paths: &["app/client.rb"],
        lines: &[
            "api_key {=} ENV_V2.fetchKeyV2",
            "api_key {=} \"{S}\"",
            "client(password{:} '{S}')",
            "# secret {=} {S}",
        ],
    },
    Case {
        paths: &["web/index.php"],
        lines: &[
            "<?php",
            "$password {=} PASSWD_V2x9Q;",
            "if ($token{=}{=}TokKind_V2x) {}",
            "$arr = ['password' {=}> HTTPPasswordMgrV2, 'x' => 1];",
            "$password {=} '{S}';",
            "$arr = ['secret' {=}> \"{S}\"];",
        ],
    },
    Case {
        paths: &["src/sqlite.c", "src/sqlite.cpp", "src/sqlite.h"],
        lines: &[
            "int f(Parse *pParse, Token *pToken) {",
            "  if (pToken->pDeferred{=}{=}0) { return 0; }",
            "  const char *api_key {=} \"{S}\";",
            "  /* password {=} {S} */",
            "  return 1;",
            "}",
        ],
    },
];

/// Each false-positive class in each language is dropped, each secret beside it stays found.
#[test]
fn code_values_are_dropped_and_literal_secrets_are_kept_in_every_language() {
    let pipe = pipeline();
    let mut failures = Vec::new();
    for (n, case) in CASES.iter().enumerate() {
        let seed = 7000 + 100 * n as u64;
        let text: String = case
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| expand(l, seed + i as u64) + "\n")
            .collect();
        let want: BTreeSet<usize> = case
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains("{S}"))
            .map(|(i, _)| i + 1)
            .collect();
        for path in case.paths {
            let got = generic_lines(&pipe, path, &text);
            if got != want {
                failures.push(format!("{path}: found on lines {got:?}, want {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Docs, configs and logs are not parsed: the code-shaped lines keep today's judgement there.
#[test]
fn docs_and_configs_keep_the_rules_sensitivity() {
    let pipe = pipeline();
    // Shapes only the parser reads as code (a type, a member access), not the byte filters.
    let text = [
        "def g(passwd{:} HTTPMgrV2x9Q7Zk3W | None = None): ...",
        "api_key {=} Configuration.ApiMgrV2",
    ]
    .map(|l| expand(l, 0) + "\n")
    .concat();
    for path in ["docs/runbook.md", "notes.txt", "deploy/app.env", "app.log"] {
        assert_eq!(
            generic_lines(&pipe, path, &text),
            BTreeSet::from([1, 2]),
            "{path}"
        );
    }
}

/// A string literal assignment in each parsed language, holding `ex` (or `None` where the
/// language's literal cannot hold it as written).
fn embed(lang: &str, ex: &str) -> Option<String> {
    let clean = |bad: &[&str]| !bad.iter().any(|b| ex.contains(b));
    Some(match lang {
        "js" | "ts" if clean(&["`", "${", "\\"]) => format!("const value = `{ex}`;\n"),
        "py" if clean(&["'''", "\\"]) => format!("value = '''{ex}'''\n"),
        "go" if clean(&["`"]) => format!("package main\n\nvar value = `{ex}`\n"),
        "rs" if clean(&["\"#"]) => format!("const VALUE: &str = r#\"{ex}\"#;\n"),
        "java" if clean(&["\"\"\"", "\\"]) => {
            format!("class A {{\n  String value = \"\"\"\n{ex}\n\"\"\";\n}}\n")
        }
        "cs" if clean(&["\""]) => format!("class A {{\n  string value = @\"{ex}\";\n}}\n"),
        "rb" if clean(&["\nEOS"]) => format!("value = <<~'EOS'\n{ex}\nEOS\n"),
        "php" if clean(&["\nEOS"]) => format!("<?php\n$value = <<<'EOS'\n{ex}\nEOS;\n"),
        "c" if clean(&["\"", "\\", "\n"]) => format!("const char *value = \"{ex}\";\n"),
        "cpp" if clean(&[")EOS\""]) => format!("const char *value = R\"EOS({ex})EOS\";\n"),
        _ => return None,
    })
}

/// Every rule's own examples, in a string literal of every parsed language, are still found by
/// their rule wherever they are found in a plain text file with the same lines.
#[test]
fn every_rule_example_in_a_string_literal_of_every_language_is_still_found() {
    let pipe = pipeline();
    let langs = [
        "js", "ts", "py", "go", "rs", "java", "cs", "rb", "php", "c", "cpp",
    ];
    let (mut checked, mut failures) = (0, Vec::new());
    for rule in pipe.rules() {
        // Rules scoped to some files, or skipping some (`skip_paths`), are not asked elsewhere.
        if !rule.path_globs.is_empty() || rule.skip_paths.is_some() {
            continue;
        }
        for ex in &rule.examples {
            for lang in langs {
                let Some(text) = embed(lang, ex) else {
                    continue;
                };
                let found = |path: &str| {
                    let (mut scratch, mut candidates) = (Scratch::default(), Vec::new());
                    scan_bytes(
                        &pipe,
                        path,
                        &Source::File,
                        text.as_bytes(),
                        &mut scratch,
                        &mut candidates,
                    )
                    .iter()
                    .any(|f| f.rule_id == rule.id)
                };
                if !found("rule-probe.txt") {
                    continue;
                }
                checked += 1;
                if !found(&format!("src/probe.{lang}")) {
                    failures.push(format!("{} in .{lang}", rule.id));
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} embeddings checked");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The history scan reduces a blob to its new lines and their neighbours: out of context, a line
/// inside a docstring would parse as code. History blobs keep the rules' judgement: a
/// code-shaped line added inside a docstring is found by `scan --git` as by a working-tree scan.
#[test]
fn history_blobs_reduced_to_their_new_lines_are_not_parsed() {
    let repo = crate::util::git_repo();
    let dir = repo.path();
    let filler: Vec<String> = (0..12)
        .map(|i| format!("    line {i} of the usage"))
        .collect();
    let doc = |middle: &[String]| {
        let mut l = vec!["def f():".to_string(), "    \"\"\"Usage.".to_string()];
        l.extend(filler[..6].iter().cloned());
        l.extend(middle.iter().cloned());
        l.extend(filler[6..].iter().cloned());
        l.extend(["    \"\"\"".to_string(), "    return 1".to_string()]);
        l.join("\n") + "\n"
    };
    crate::util::write(dir, "lib/f.py", &doc(&[]));
    crate::util::git(dir, &["add", "."]);
    crate::util::git(dir, &["commit", "-q", "-m", "f"]);
    // A type name long and random enough to be kept as an example value in a docstring, which
    // out of context would parse as code.
    let added = expand("    passwd{:} HTTPMgrV2x9Q7Zk3W | None", 0);
    crate::util::write(dir, "lib/f.py", &doc(std::slice::from_ref(&added)));
    crate::util::git(dir, &["commit", "-q", "-am", "doc"]);
    let generic = |args: &[&str]| {
        let (_, report) = crate::util::scan_json(dir, args);
        crate::util::findings_of(&report)
            .into_iter()
            .filter(|(_, _, rule, _)| rule.starts_with("generic"))
            .map(|(_, line, ..)| line)
            .collect::<Vec<u64>>()
    };
    assert_eq!(
        generic(&["lib"]),
        vec![9],
        "the working tree: inside the docstring"
    );
    assert_eq!(generic(&["--git"]), vec![9], "the history");
}
