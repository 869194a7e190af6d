//! Not-a-leak filters on realistic files, both directions: in each file the references,
//! templates and placeholders are allowed while a real secret beside them is still found, on
//! exactly the line where it was planted.

use crate::util::*;

/// One realistic file: its text, and the lines (1-based) where real secrets are planted.
struct Case {
    path: &'static str,
    text: String,
    secret_lines: Vec<u64>,
}

/// Builds the text from `lines`; a line containing `{S}` gets a fresh synthetic secret and is
/// expected to be found.
fn case(path: &'static str, seed: u64, lines: &[&str]) -> Case {
    let mut text = String::new();
    let mut secret_lines = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.contains("{S}") {
            secret_lines.push(i as u64 + 1);
            text.push_str(&l.replace("{S}", &synthetic(seed + i as u64, 28)));
        } else {
            text.push_str(l);
        }
        text.push('\n');
    }
    Case {
        path,
        text,
        secret_lines,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case(
            "deploy/.env.production",
            1,
            &[
                "# production settings",
                "export DB_PASSWORD=${DB_PASSWORD}",
                "API_TOKEN=$API_TOKEN",
                "SESSION_SECRET=%SESSION_SECRET%",
                "REDIS_PASSWORD=${REDIS_PASSWORD:-}",
                "SMTP_PASSWORD=changeme",
                "SIGNING_KEY=<signing-key>",
                "WEBHOOK_SECRET={S}",
                "CACHE_PASSWORD=${CACHE_PASSWORD:-{S}}",
            ],
        ),
        case(
            "k8s/deployment.yaml",
            2,
            &[
                "apiVersion: apps/v1",
                "kind: Deployment",
                "spec:",
                "  template:",
                "    spec:",
                "      containers:",
                "        - name: api",
                "          env:",
                "            - name: DB_PASSWORD",
                "              valueFrom:",
                "                secretKeyRef: {name: db, key: password}",
                "            - name: STRIPE_API_KEY",
                "              value: \"{S}\"",
            ],
        ),
        case(
            ".github/workflows/release.yml",
            3,
            &[
                "jobs:",
                "  release:",
                "    env:",
                "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
                "      DEPLOY_KEY: ${{ vars.DEPLOY_KEY_NAME }}",
                "      SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}",
                "      SLACK_SIGNING_SECRET: {S}",
            ],
        ),
        case(
            "charts/api/values.yaml",
            4,
            &[
                "database:",
                "  password: {{ .Values.global.dbPassword }}",
                "  passwordSecretRef: db-credentials",
                "{% if prod %}",
                "  api_key: {{ vault_api_key }}",
                "{% endif %}",
                "  admin_password: {S}",
            ],
        ),
        case(
            "app/settings.py",
            5,
            &[
                "import os",
                "SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]",
                "API_TOKEN = os.getenv(\"API_TOKEN\", \"\")",
                "DB_PASSWORD = settings.DATABASE_PASSWORD",
                "password: str = field(default=None)",
                "EXCHANGE_API_SECRET = \"{S}\"",
            ],
        ),
        case(
            "web/config.js",
            6,
            &[
                "const apiKey = process.env.API_KEY;",
                "const token = import.meta.env.VITE_TOKEN;",
                "export const clientSecret = '{S}';",
            ],
        ),
        case(
            "svc/config.go",
            7,
            &[
                "token := os.Getenv(\"SERVICE_TOKEN\")",
                "password := cfg.Database.Password",
                "apiSecret := \"{S}\"",
            ],
        ),
        case(
            "docs/setup.md",
            8,
            &[
                "# Setup",
                "Set `API_KEY=YOUR_API_KEY` and `password: <password>` in your shell.",
                "The log shows `token=****ABCD` and `secret=[REDACTED]`, which is fine.",
                "AWS example: aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
                "client_secret: xxxxxxxxxxxxxxxxxxxxxxxx",
                "```sh",
                "export DB_PASSWORD='{S}'   # the value before the rotation",
                "```",
            ],
        ),
    ]
}

#[test]
fn references_and_placeholders_pass_while_real_secrets_beside_them_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let files: Vec<(&str, String)> = cases.iter().map(|c| (c.path, c.text.clone())).collect();
    write_files(dir.path(), &files);
    owner_only(dir.path(), "deploy/.env.production");
    let (code, report) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "the planted secrets fail the gate");
    let found = findings_of(&report);
    for c in &cases {
        let mut lines: Vec<u64> = found
            .iter()
            .filter(|(p, ..)| p == c.path)
            .map(|(_, l, ..)| *l)
            .collect();
        lines.sort();
        assert_eq!(
            lines, c.secret_lines,
            "{}: findings on lines {lines:?}, planted on {:?}",
            c.path, c.secret_lines
        );
    }
}

#[test]
fn the_same_files_without_the_secrets_pass() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(&str, String)> = cases()
        .iter()
        .map(|c| {
            let kept: Vec<&str> = c
                .text
                .lines()
                .enumerate()
                .filter(|(i, _)| !c.secret_lines.contains(&(*i as u64 + 1)))
                .map(|(_, l)| l)
                .collect();
            (c.path, kept.join("\n"))
        })
        .collect();
    write_files(dir.path(), &files);
    owner_only(dir.path(), "deploy/.env.production");
    let (code, report) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 0, "{:?}", findings_of(&report));
}

#[test]
fn explain_suppressed_names_the_validator_or_filter_for_each_dropped_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let masked = format!("****{}", synthetic(9, 12));
    write_files(
        dir.path(),
        &[(
            "docs/a.md",
            format!(
                "API_TOKEN=$API_TOKEN_VALUE\napi_key: {masked}\nclient_secret: YOUR_CLIENT_SECRET\n"
            ),
        )],
    );
    let (code, report) = scan_json(dir.path(), &["--explain-suppressed", "."]);
    assert_eq!(code, 0);
    let dropped = report["dropped"].as_array().expect("dropped list");
    let reason_on = |line: u64| -> String {
        dropped
            .iter()
            .find(|d| d["line"] == line)
            .and_then(|d| d["suppression_reason"].as_str())
            .unwrap_or_else(|| panic!("no explanation for line {line}: {dropped:?}"))
            .to_string()
    };
    assert!(!reason_on(1).is_empty());
    assert!(reason_on(2).contains("masked"), "{}", reason_on(2));
    assert!(reason_on(3).contains("not random"), "{}", reason_on(3));
    assert!(dropped.iter().all(|d| d["state"] == "dropped"));
    assert!(
        !report.to_string().contains(&masked[4..]),
        "explanations are masked"
    );
    // Without the flag the report does not carry them.
    let (_, plain) = scan_json(dir.path(), &["."]);
    assert!(plain.get("dropped").is_none());
}

/// A hex digest of `len` digits from `seed` (a synthetic checksum, not a real one).
fn hex_digest(seed: u64, len: usize) -> String {
    synthetic_in(b"0123456789abcdef", seed, len)
}

#[test]
fn checksums_under_file_names_and_code_paths_are_not_secrets_but_lookalikes_are() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = format!(
        "{{\"files\":{{\"src/credentials.rs\":\"{}\",\"tests/private_key.p8\":\"{}\",\"src/token.rs\":\"{}\"}},\"package\":\"{}\"}}\n",
        hex_digest(1, 64),
        hex_digest(2, 64),
        hex_digest(3, 64),
        hex_digest(4, 64)
    );
    let code = "extern \"system\" {\n    pub fn LogonUserW(lpszpassword : windows_sys::core::PCWSTR) -> BOOL;\n}\n\
        fn copy(&mut self) {\n    self.secure_passphrase = self.stored_passphrase_value;\n}\n\
        void f(struct ctx *ctx) { char *api_token = ctx->session_token_buffer; }\n";
    write_files(
        dir.path(),
        &[
            ("vendor/lib/.cargo-checksum.json", manifest),
            ("src/win.rs", code.to_string()),
            (
                "k8s/secret.yaml",
                format!("data:\n  credentials.json: {}\n", synthetic(7, 40)),
            ),
            (
                "config/app.properties",
                format!("svc.auth.token: {}\n", hex_digest(8, 64)),
            ),
        ],
    );
    let (_, report) = scan_json(dir.path(), &["."]);
    let found: Vec<(String, u64)> = findings_of(&report)
        .into_iter()
        .map(|(p, l, ..)| (p, l))
        .collect();
    assert_eq!(
        found,
        vec![
            ("config/app.properties".to_string(), 1),
            ("k8s/secret.yaml".to_string(), 2)
        ],
        "checksums and code paths dropped; a file-named secret and a dotted key kept"
    );
}

#[test]
fn a_variable_passed_on_and_translated_messages_are_not_secrets() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (
                "lib/parser.js",
                "function f(node, dotDotDotToken) {\n    node.dotDotDotToken = dotDotDotToken;\n    const sessionToken = SessionToken;\n}\n".to_string(),
            ),
            (
                "locales/cs.json",
                "{\n  \"Unexpected_token_1012\": \"Neočekávaný token\",\n  \"Unexpected_token_1013\": \"意外的标记。请检查语法\"\n}\n".to_string(),
            ),
            (
                "deploy/app.env",
                // Split so that this file itself holds no assignment for the dogfood scan.
                format!(concat!("DB_PASS", "WORD=Zürich-{}\n"), synthetic(9, 20)),
            ),
        ],
    );
    let (_, report) = scan_json(dir.path(), &["."]);
    let found: Vec<(String, u64)> = findings_of(&report)
        .into_iter()
        .filter(|(_, _, rule, _)| rule.starts_with("generic"))
        .map(|(p, l, ..)| (p, l))
        .collect();
    assert_eq!(
        found,
        vec![("deploy/app.env".to_string(), 1)],
        "own names and translations dropped; a password with a non-ASCII letter kept"
    );
}

/// A password in a URL whose user names a token (`x-access-token`, a CI's clone URL) is the URL
/// rule's: found on its line and masked up to the `@`, not read by the generic rule as one value
/// from `token:` through the host and path.
#[test]
fn a_clone_url_password_is_masked_up_to_the_at_sign() {
    let dir = tempfile::tempdir().unwrap();
    let password = synthetic(41, 36);
    let log = format!(
        "step 1\ngit clone https://x-access-token:{password}@github.com/acme/app.git into /work/app\n"
    );
    write_files(dir.path(), &[("ci/build.log", log)]);
    let (_, report) = scan_json(dir.path(), &["."]);
    let found: Vec<(String, u64, String)> = findings_of(&report)
        .into_iter()
        .map(|(p, l, r, _)| (p, l, r))
        .collect();
    assert_eq!(
        found,
        vec![(
            "ci/build.log".to_string(),
            2,
            "url-embedded-credentials".to_string()
        )]
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["secret_len"], 36);
    let snippet = finding["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("@github.com/acme/app.git into"),
        "{snippet}"
    );
    assert!(!snippet.contains(&password[..8]), "{snippet}");
}

/// The lines of the generic rules' findings when `lines` are scanned as the file `path`.
fn generic_finding_lines(path: &str, lines: &[String]) -> Vec<u64> {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[(path, lines.join("\n") + "\n")]);
    let (_, report) = scan_json(dir.path(), &["."]);
    findings_of(&report)
        .into_iter()
        .filter(|(_, _, rule, _)| rule.starts_with("generic"))
        .map(|(_, l, ..)| l)
        .collect()
}

/// Names that say the value is not the credential they mention: an id of a credential, `key`
/// starting another word, a Key Vault's name, an anti-forgery form field, and a value too short
/// for the key or token its name announces. Each sits beside a look-alike that is a secret.
#[test]
fn names_of_ids_compounds_vaults_form_tokens_and_short_keys_are_not_secrets() {
    // Built at run time, so that this file holds no assignment for the dogfood scan.
    let kv = |name: &str, value: &str| format!("\"{name}\": \"{value}\"");
    let lines = [
        // dropped
        kv("credentialId", &synthetic(21, 22)),
        format!("x64-linux/qt5-master-keying{}fail", ":x64-linux="),
        kv("keyVaultToStoreSecrets", "acme-prod-kv-0042"),
        format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\" />",
            "authenticity_token",
            synthetic(22, 43)
        ),
        format!("SUMO_ACCESS_{}={}", "KEY", "Qwxzuv812"),
        // kept
        kv("credentialSecret", &synthetic(23, 22)),
        kv("keyVaultClientSecret", &synthetic(24, 32)),
        format!("SUMO_ACCESS_{}={}", "KEY", synthetic(25, 14)),
        format!("DB_PASS{}={}", "WORD", "Qwxzuv812"),
    ];
    assert_eq!(
        generic_finding_lines("deploy/values.txt", &lines),
        vec![6, 7, 8, 9],
        "lines 1-5 dropped, 6-9 kept"
    );
}

/// Values that are code, not literals: a property read, a negation, a renamed binding, a called
/// function, a YAML anchor, a date, a path from the home directory; and names the filters know
/// in snake case written in camelCase (`clientSecretExpiresAt`, `tokenEndpoint`). A random value
/// in the same places, and a refresh token, are kept.
#[test]
fn property_reads_expressions_anchors_dates_and_camel_case_locators_are_not_secrets() {
    // Built at run time, so that this file holds no assignment for the dogfood scan.
    let lines = [
        // dropped
        format!("  api{}: app.options.apiKey,", "Key"),
        format!("  \"X-Amz-Credential\": e.access{}Id + \"/\" + r,", "Key"),
        format!("  exclamation{} = !questionToken", "Token"),
        format!("var x = {{ comma{}: CommaToken$1 }};", "Token"),
        format!("admin_pass{}: &admin_password", "word"),
        format!("  \"PasswordLast{}\": \"2016-09-24T16:18:07Z\",", "Used"),
        format!("  \"clientSecret{}\": 1587584729,", "ExpiresAt"),
        format!(
            "  token{}: https://login.example.com/oauth2/v2.0/token",
            "Endpoint"
        ),
        format!("api_private_{}=~/keys/MyKey.txt", "key"),
        // kept
        format!("  api{}: {},", "Key", synthetic(31, 32)),
        format!("  exclamation{} = {}", "Token", synthetic(32, 24)),
        format!("APP_REFRESH_{}={}", "TOKEN", synthetic(33, 40)),
        format!("  \"liveRefresh{}\": \"{}\",", "Token", synthetic(34, 40)),
    ];
    assert_eq!(
        generic_finding_lines("web/config.js", &lines),
        vec![10, 11, 12, 13],
        "lines 1-9 dropped, 10-13 kept"
    );
}
