//! Generic values that real third-party code is full of and that are no secret, in files the
//! parser does not read (minified bundles over its size cap, source maps, docs quoting code) and
//! in the code's own documentation (doc comments, docstrings, Ansible-style `EXAMPLES`
//! strings, files named as examples). Each class is a made-up reconstruction of what real
//! packages hold; a random secret beside each stays found, and every rule's examples survive
//! every new context.

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
    findings(pipe, path, text)
        .into_iter()
        .filter(|(rule, _)| pipe.rules().iter().any(|r| r.generic && r.id == *rule))
        .map(|(_, line)| line)
        .collect()
}

/// Every finding of `text` scanned as `path`: rule id and line.
fn findings(pipe: &Pipeline, path: &str, text: &str) -> Vec<(String, usize)> {
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
    .map(|f| (f.rule_id.clone(), f.line))
    .collect()
}

/// `{=}` and `{:}` stand for `=` and `:` (kept out of this file's lines for the project's own
/// scan), `{S}` for a fresh random value, `{H}` for 40 random hex digits, `{B}` for base64.
fn expand(line: &str, seed: u64) -> String {
    use base64::Engine as _;
    let hex = crate::util::synthetic_in(b"0123456789abcdef", seed, 40);
    let words = base64::engine::general_purpose::STANDARD.encode("a secret");
    line.replace("{S}", &synthetic(seed, 32))
        .replace("{H}", &hex)
        .replace("{B}", &words)
        .replace("{=}", "=")
        .replace("{:}", ":")
}

/// Builds a file from `lines`, and the lines that must be found: those holding `{S}`.
fn file(lines: &[&str], seed: u64) -> (String, BTreeSet<usize>) {
    let text = lines
        .iter()
        .enumerate()
        .map(|(i, l)| expand(l, seed + i as u64) + "\n")
        .collect();
    let want = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("{S}"))
        .map(|(i, _)| i + 1)
        .collect();
    (text, want)
}

/// Code in minified bundles and source maps, and quoted in docs: read from its bytes alone.
const BYTE_SHAPES: &[&str] = &[
    // Comparisons read as assignments.
    "case 237:return a.kind{=}{=}{=}237&&n.keywordToken{=}{=}{=}a.keywordToken&&n.name",
    "while(this.$tokenIndex>{=}this.$rowTokens.length){this.$row+{=}1}",
    "assert( pToken->pDeferred{=}{=}0 || pToken->pSegcsr{=}{=}0 );",
    "if (tokenType{=}{=}TK_OVER) x();",
    // Expressions: optional chaining, nullish coalescing, double negation, the conditional,
    // concatenation.
    "\"%24skipToken\"{:} options?.skipToken,",
    "this.blockCommentStartToken{=}h?.blockCommentStartToken??null}get elec",
    "sourceEncryptionKey{:} options.sourceCustomerProvidedKey?.encryptionKey,",
    "t.prompt,n.password{=}!!e.password,n.ignoreFocusOut{=}!!e.ignoreFocusOut",
    "this.tokenMatcher{=}o?c.tokenStructuredMatcherNoCategories:c.tokenMatcher",
    "\"X-Amz-Credential\"{:}e.accessKeyId+\"/\"+r,\"X-Amz-Expires\"{:}this.expires",
    "s.push({token{:}a.token+t.tokenPostfix,open{:}po(t,a.open)})",
    "// shared_secret {=} client_pk^server_sk;",
    // Grammar tables' scope names.
    "\"@tagwords\"{:} { token{:} \"keyword.tag-$0\" },",
    ":[{token{:}\"@brackets.directive\"},{token{:}\"delimiter.directive\"}]",
    "{include{:}\"#function_arguments\"},{defaultToken{:}\"meta.function-call.gdscript\"}",
    // Names of fields, flags and headers; a file name; generated type names.
    "ACCESS_KEY {=} 'aws_access_key_id'",
    "SESSION_TOKEN_QUERY_PARAM {=} \"X-Amz-S3session-Token\"",
    "parser.add_argument('--token', '--api-key')",
    "///     -in rsa-2048-private-key.pem > rsa-2048-private-key.pk8",
    "  tokens{:} Resource$Tokens;",
    // A placeholder of the field's own name; base64 of words; a SigV4 scope; a checksum
    // manifest's entry for a file.
    "//   \"vmIdToken\"{:} \"my_vmIdToken\"",
    "\"clientSecret\"{:} \"{B}\",",
    "Authorization: AWS4-HMAC-SHA256 Credential{=}AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request",
    "{\"files\":{\"tests/ui/late-compile-pass.msrv.stderr\":\"{H}\"}}",
    // A Unix time; names that describe the value's class; field names, one secret word, a
    // query parameter's name; a URL; a format string; stored password hashes; `pass` inside
    // another word.
    "\"lastPasswordChangeUSec\"{:} 1641941238208691,",
    "credential_class {=} \"vmmUsrAccP\"",
    "'cookieEncryptionPassphrase'{:} 'encryption_passphrase',",
    "'signerKeyPassphrase'{:} 'passphrase',",
    "token_pair {=} \"access_token=\" + self.get_access_token()",
    "credential_scopes {=} 'https://management.azure.com/.default'",
    "pwd_status {=} \"storage-systems/%s/passwords\" % ssid",
    "# password{:} md59543f1d82624df2b31672ec0f7050460",
    "# password{:} SCRAM-SHA-256$4096:zFuajwIVdli9mK{=}NJkcv1Q++$JC4gWIrEHm",
    "'proxySslPassthrough'{:} 'proxy_ssl_passthrough',",
    // A path from the file system's root; credentials written as their names.
    "CLIPASSWORDSDK_CMD {=} os.getenv('AIM_CLIPASSWORDSDK_CMD', '/opt/CARKaim/sdk/clipasswordsdk')",
    "# web_SSLPassPhraseDialog{:} exec:/usr/libexec/httpd-ssl-pass-dialog",
    "# proxy_url may contain a password{:} user:password@url",
    // `pass` as a stage of a renderer.
    "if(!gn.has(this.context.gl))return;this.renderPass{=}\"offscreen\";for(const t of p)",
    "    ['u_first_pass']{:} Uniform1i;",
    // Stay found.
    "const token {=} \"{S}\";",
    "{\"apiKey\"{:}\"{S}\",\"user\"{:}\"ci\"}",
    "DB_PASSWORD{=}{S}",
    "if(ok)cfg.password{=}\"{S}\";",
];

/// Each class is dropped wherever the parser does not read the file, and each secret beside
/// them stays found, on its line.
#[test]
fn code_shapes_are_dropped_where_no_parser_reads_them() {
    let pipe = pipeline();
    let (text, want) = file(BYTE_SHAPES, 9100);
    let mut failures = Vec::new();
    for path in ["docs/notes.md", "dist/app.min.js.map", "vendor/app.lua"] {
        let got = generic_lines(&pipe, path, &text);
        if got != want {
            failures.push(format!("{path}: found on lines {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Passwords people type, which a runbook or a config may really hold: the new shapes never
/// take them for code (a `!` or `*` between words is no operator of names).
#[test]
fn human_passwords_in_docs_and_configs_stay_found() {
    let pipe = pipeline();
    let lines = [
        "CREDENTIALS{:} \"Maple57!Frost*3\"",
        "LDAP_BIND_PASSWORD{=}'Harbor48!Blue!2'",
        "admin_password{:} Welcome+2024",
        "smtp_pass{=}Spring^2023x",
        "password{:} Enterprise@Backup2024",
        "smtp_password {=} \"50%s@@ofBg+G+zWiVA\"",
    ]
    .map(|l| expand(l, 0) + "\n")
    .concat();
    for path in [
        "docs/runbook.md",
        "deploy/app.env",
        "ci/release.yml",
        "app.log",
    ] {
        assert_eq!(
            generic_lines(&pipe, path, &lines),
            BTreeSet::from([1, 2, 3, 4, 5, 6]),
            "{path}"
        );
    }
}

/// The code's own documentation: example values people chose are dropped (`password: Test@123`
/// in an Ansible module's `EXAMPLES`, a docstring, a doc comment), machine-made ones are kept,
/// and so is everything in plain comments (commented-out code) and in code.
#[test]
fn examples_in_the_codes_own_documentation_are_dropped_and_random_values_kept() {
    let pipe = pipeline();
    let cases: &[(&str, &[&str])] = &[
        (
            "plugins/modules/thing.py",
            &[
                "DOCUMENTATION {=} r'''",
                "module: thing",
                "'''",
                "EXAMPLES {=} r'''",
                "- name: Create a user",
                "  thing:",
                "    password{:} Test@123",
                "    admin_password{:} VeryStrongPasswordHere!",
                "    user_pass{:} \"newpasswordcomplicatedpassword\"",
                "    encryption_passphrase{:} Enterprise@Backup2024",
                "    api_token{:} {S}",
                "'''",
                "",
                "def f():",
                "    \"\"\"Call it.",
                "",
                "    password{:} MySuperSecureP4sswOrd",
                "    token{:} {S}",
                "    \"\"\"",
                "    # password {=} \"{S}\"",
                "    password {=} \"Harbor48!Blue!2\"",
                "    return 1",
            ],
        ),
        (
            "plugins/modules/user.yml",
            &[
                "DOCUMENTATION{:}",
                "  module{:} user",
                "EXAMPLES{:} |",
                "  - name{:} Create bob",
                "    microsoft.ad.user{:}",
                "      identity{:} bob",
                "      password{:} B0bP4ssw0rd",
                "      domain_password{:} SomePas2w0rd",
                "      api_token{:} {S}",
                "RETURN{:}",
                "  sid{:}",
                "    description{:} The user's SID.",
            ],
        ),
        (
            "src/lib.rs",
            &[
                "/// Example:",
                "/// let password {=} \"Enterprise@Backup2024\";",
                "/// let token {=} \"{S}\";",
                "pub fn f() {}",
                "// let password {=} \"Enterprise@Backup2024\";",
            ],
        ),
        (
            "src/client.js",
            &[
                "/**",
                " * new Client({ password{:} 'Passw0rd!Here' })",
                " * new Client({ token{:} '{S}' })",
                " */",
                "const password {=} \"Harbor48!Blue!2\";",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (n, (path, lines)) in cases.iter().enumerate() {
        let (text, mut want) = file(lines, 9300 + 100 * n as u64);
        // Human passwords in code and in plain comments stay found too.
        for (i, l) in lines.iter().enumerate() {
            if l.contains("Harbor48") || l.starts_with("// let password") {
                want.insert(i + 1);
            }
        }
        let got = generic_lines(&pipe, path, &text);
        if got != want {
            failures.push(format!("{path}: found on lines {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `text` scanned as each of `dropped_in` finds only `want` (its random values), and as each of
/// `found_in` finds every line of `all`.
fn chosen_dropped_in(
    pipe: &Pipeline,
    (text, want): (String, BTreeSet<usize>),
    dropped_in: &[&str],
    found_in: &[&str],
    all: &[usize],
) {
    for path in dropped_in {
        assert_eq!(generic_lines(pipe, path, &text), want, "{path}");
    }
    for path in found_in {
        let all: BTreeSet<usize> = all.iter().copied().collect();
        assert_eq!(generic_lines(pipe, path, &text), all, "{path}");
    }
}

/// A file named as examples or a sample shows what to write: a password people chose there is
/// an example, a random value is kept. The same lines in a real config are all found.
#[test]
fn example_files_drop_chosen_passwords_and_keep_random_values() {
    chosen_dropped_in(
        &pipeline(),
        file(
            &[
                "\"Password\"{:} \"SomeKindOfPassword123!@#\",",
                "\"LocalConsolePassword\"{:} \"PassWordMustBeAtLeast6Chars.\",",
                "\"TemporaryPassword\"{:} \"This-is-my-test-99!\",",
                "\"ClientSecret\"{:} \"{S}\",",
            ],
            9500,
        ),
        &[
            "apis/iam-2010-05-08.examples.json",
            "data/iam/examples-1.json",
            ".env.example",
            "config.sample.yml",
        ],
        &["apis/iam.json", ".env", "examples/config.yml"],
        &[1, 2, 3, 4],
    );
}

/// A package manager's install directory holds other people's packages: the passwords people
/// chose in their sample playbooks, READMEs and role defaults are published examples, and a
/// random value is kept. The same lines in the team's own playbook are all found.
#[test]
fn installed_packages_drop_chosen_passwords_and_keep_random_values() {
    chosen_dropped_in(
        &pipeline(),
        file(
            &[
                "- name: Discover devices",
                "  discovery_intent:",
                "    password{:} \"Lablab#1234\"",
                "    enable_password{:} Cisco#123",
                "    snmp_auth_passphrase{:} \"Harbor48!Blue\"",
                "    api_token{:} \"{S}\"",
            ],
            9550,
        ),
        &[
            "collections/ansible_collections/cisco/dnac/playbooks/discovery.yml",
            "web/node_modules/some-sdk/README.md",
            ".venv/lib/python3.12/site-packages/vendor_sdk/data/playbook.yml",
        ],
        &["playbooks/discovery.yml", "vendor/dnac/discovery.yml"],
        &[3, 4, 5, 6],
    );
}

/// Test code and fixtures: values people chose are fixtures (a URL parser's `p@ssw0rd`, a
/// `Test@123` in a `#[test]` function), found by the directory, the file's name or the test item
/// around the literal; random values are kept, and the same lines outside tests are all found.
#[test]
fn fixtures_people_chose_in_test_code_are_dropped_and_random_values_kept() {
    let pipe = pipeline();
    let cases: &[(&str, &[&str])] = &[
        (
            "src/options/parse.rs",
            &[
                "fn connect() { let password {=} \"Harbor48!Blue!2\"; }",
                "#[cfg(test)]",
                "mod tests {",
                "    #[test]",
                "    fn parses() {",
                "        let url {=} \"postgres://username:p@ssw0rd@hostname:5432/db\";",
                "        let token {=} \"{S}\";",
                "    }",
                "}",
            ],
        ),
        (
            "plugins/users.py",
            &[
                "def test_create_user():",
                "    run_module('user', dict(username{=}'Bob', password{=}'pass4word'))",
                "    run_module('user', dict(username{=}'Bob', token{=}'{S}'))",
                "",
                "def create_user():",
                "    password {=} 'Harbor48!Blue!2'",
            ],
        ),
        (
            "client/login.go",
            &[
                "func TestLogin(t *testing.T) {",
                "\tpassword :{=} \"Testing@123\"",
                "\tapiKey :{=} \"{S}\"",
                "}",
                "func login() {",
                "\tpassword :{=} \"Harbor48!Blue!2\"",
                "}",
            ],
        ),
        (
            "web/login.js",
            &[
                "it('logs in', () {=}> {",
                "  login({ user{:} 'bob', password{:} 'Passw0rd!Here' });",
                "  login({ user{:} 'bob', token{:} '{S}' });",
                "});",
                "login({ user{:} 'bob', password{:} 'Harbor48!Blue!2' });",
            ],
        ),
        (
            "roles/db/molecule/default/converge.yml",
            &[
                "    db_password{:} \"WrongPassword@123\"",
                "    db_token{:} {S}",
            ],
        ),
        (
            "tests/test_client.py",
            &["PASSWORD {=} 'S0meP@ss'", "TOKEN {=} '{S}'"],
        ),
    ];
    let mut failures = Vec::new();
    for (n, (path, lines)) in cases.iter().enumerate() {
        let (text, mut want) = file(lines, 9700 + 100 * n as u64);
        for (i, l) in lines.iter().enumerate() {
            if l.contains("Harbor48") {
                want.insert(i + 1);
            }
        }
        let got = generic_lines(&pipe, path, &text);
        if got != want {
            failures.push(format!("{path}: found on lines {got:?}, want {want:?}"));
        }
        // Out of tests, in a config or a runbook, every value is found.
        let all: BTreeSet<usize> = (1..=lines.len())
            .filter(|i| {
                let l = lines[i - 1].to_ascii_lowercase();
                l.contains("password") || l.contains("{s}")
            })
            .collect();
        for other in ["deploy/settings.yml", "docs/runbook.md"] {
            let got = generic_lines(&pipe, other, &text);
            if !all.is_subset(&got) {
                failures.push(format!("{path} as {other}: found on {got:?}, want {all:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Where each rule's examples are found in a plain text file, they are found by the same rule
/// in every new context: a docstring, an `EXAMPLES` string, a doc comment, a JSDoc block, a file
/// named as examples, a minified bundle's source map. The new filters judge generic values
/// only; a token whose format is proven is never an example to drop.
#[test]
fn every_proven_rule_example_survives_every_new_context() {
    let pipe = pipeline();
    type Wrap = fn(&str) -> Option<String>;
    let contexts: [(&str, Wrap); 9] = [
        ("lib/m.py", |ex| {
            (!ex.contains("'''") && !ex.contains('\\'))
                .then(|| format!("EXAMPLES = r'''\n{ex}\n'''\n"))
        }),
        ("lib/d.py", |ex| {
            (!ex.contains("\"\"\"") && !ex.contains('\\'))
                .then(|| format!("def f():\n    \"\"\"\n{ex}\n    \"\"\"\n"))
        }),
        ("src/d.rs", |ex| {
            Some(ex.lines().map(|l| format!("/// {l}\n")).collect::<String>() + "pub fn f() {}\n")
        }),
        ("src/d.js", |ex| {
            (!ex.contains("*/")).then(|| format!("/**\n{ex}\n */\nexport function f() {{}}\n"))
        }),
        ("apis/x.examples.json", |ex| Some(format!("{ex}\n"))),
        ("plugins/modules/m.yml", |ex| {
            let block: String = ex.lines().map(|l| format!("  {l}\n")).collect();
            Some(format!("EXAMPLES: |\n{block}"))
        }),
        ("dist/app.min.js.map", |ex| Some(format!("{ex}\n"))),
        ("tests/fixtures/config.yml", |ex| Some(format!("{ex}\n"))),
        ("src/t.rs", |ex| {
            (!ex.contains("\"#")).then(|| {
                format!("#[cfg(test)]\nmod tests {{\n    #[test]\n    fn t() {{\n        let s = r#\"{ex}\"#;\n    }}\n}}\n")
            })
        }),
    ];
    let (mut checked, mut failures) = (0, Vec::new());
    for rule in pipe.rules() {
        // A rule's `skip_paths` are files it never searches, by design (`partial_secrets_…`).
        if rule.generic || !rule.path_globs.is_empty() || rule.skip_paths.is_some() {
            continue;
        }
        for ex in &rule.examples {
            for (path, wrap) in &contexts {
                let Some(text) = wrap(ex) else { continue };
                let found = |p: &str| findings(&pipe, p, &text).iter().any(|(r, _)| *r == rule.id);
                if !found("rule-probe.txt") {
                    continue;
                }
                checked += 1;
                if !found(path) {
                    failures.push(format!("{} in {path}", rule.id));
                }
            }
        }
    }
    assert!(checked > 2000, "only {checked} embeddings checked");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `hygiene-partial-secret-in-log` reads what logs print: source code prints no log line (an
/// elided value in a doc comment or a test string is an example), and SDK example files show
/// what to write (`skip_paths` in `rules/hygiene.toml`). A log, a runbook and a report keep it.
#[test]
fn partial_secrets_are_looked_for_in_logs_and_docs_not_in_code() {
    let pipe = pipeline();
    let text = [
        "//!    \"SecretAccessKey\" : \"/7PC5om....\",",
        "    \"NextToken\" : \"MGYZLAHX1T5a....\",",
    ]
    .map(|l| l.to_string() + "\n")
    .concat();
    let partial = |path: &str| {
        findings(&pipe, path, &text)
            .iter()
            .filter(|(rule, _)| rule == "hygiene-partial-secret-in-log")
            .count()
    };
    for path in [
        "src/ecs.rs",
        "lib/creds.py",
        "dist/sdk.js",
        "apis/ec2-2016-11-15.examples.json",
        "data/ec2/examples-1.json",
    ] {
        assert_eq!(partial(path), 0, "{path}");
    }
    for path in ["logs/app.log", "docs/runbook.md", "reports/run.json"] {
        assert_eq!(partial(path), 2, "{path}");
    }
}
