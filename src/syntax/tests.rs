use super::*;

/// The judgement of the value `value` (its first occurrence after the name `name`) in `src`.
/// `{=}` and `{:}` in `src` stand for `=` and `:`, kept out of this file for its own scan.
fn judge(path: &str, src: &str, name: &str, value: &str) -> Syntax {
    let src = &src.replace("{=}", "=").replace("{:}", ":");
    let n = src.find(name).expect("name in source");
    let v = n + src[n..].find(value).expect("value after name");
    Context::new(path, true).judge(src.as_bytes(), n..v, v..v + value.len())
}

#[test]
fn languages_come_from_extensions_and_docs_are_not_parsed() {
    assert_eq!(Lang::of_path("web/app.mjs"), Some(Lang::JavaScript));
    assert_eq!(Lang::of_path("a/b.pyi"), Some(Lang::Python));
    assert_eq!(Lang::of_path("C:\\x\\Y.TSX"), Some(Lang::Tsx));
    for doc in [
        "README.md",
        "a.json",
        "b.yaml",
        ".env",
        "c.log",
        "d.toml",
        "Makefile",
    ] {
        assert_eq!(Lang::of_path(doc), None, "{doc}");
    }
    // A chunk of a larger file is not parsed.
    let src = "let x = tokenType == TK_OVERFLOW;";
    let v = src.find("TK_").unwrap();
    assert_eq!(
        Context::new("a.js", false).judge(src.as_bytes(), 8..v, v..v + 11),
        Syntax::Unknown
    );
}

#[test]
fn code_values_are_not_literals() {
    let cases = [
        (
            "a.rs",
            "pub struct T {\n    pub GetCredentials{:} PFN_GetCredentialsFn,\n}\n",
            "GetCredentials",
            "PFN_GetCredentialsFn",
        ),
        (
            "a.pyi",
            "def g(passwd{:} HTTPPasswordMgr | None = None): ...\n",
            "passwd",
            "HTTPPasswordMgr",
        ),
        (
            "a.ts",
            "interface P {\n  KdcAdminPassword: XmlStringMaxLen256;\n}\n",
            "KdcAdminPassword",
            "XmlStringMaxLen256",
        ),
        (
            "a.js",
            "const c = { apiKey: app.options.apiKey };\n",
            "apiKey",
            "app.options.apiKey",
        ),
        (
            "a.js",
            "node.exclamationToken = !questionToken;\n",
            "exclamationToken",
            "!questionToken",
        ),
        (
            "a.js",
            "if(e.token{=}==TokenKinds.Whitespace&&s(e,82)){}\n",
            "token",
            "==TokenKinds.Whitespace",
        ),
        (
            "a.go",
            "func f() { token := lexer.NextTokenV2 }\n",
            "token",
            "lexer.NextTokenV2",
        ),
        (
            "a.java",
            "class A { void f() { if (tokenType==TOKEN_IDENT_X) {} } }\n",
            "tokenType",
            "TOKEN_IDENT_X",
        ),
        (
            "a.cs",
            "class A { string apiKey {=} Configuration.ApiKeyV2; }\n",
            "apiKey",
            "Configuration.ApiKeyV2",
        ),
        (
            "a.rb",
            "password = Rails.application.credentials.db_pw2\n",
            "password",
            "Rails.application.credentials.db_pw2",
        ),
        (
            "a.php",
            "<?php\n$password = $request->passwordV2;\n",
            "password",
            "$request->passwordV2",
        ),
        (
            "a.py",
            "secret = 12345678901234567\n",
            "secret",
            "12345678901234567",
        ),
    ];
    for (path, src, name, value) in cases {
        assert!(
            matches!(judge(path, src, name, value), Syntax::NotLiteral(_)),
            "{path}: {src}"
        );
    }
}

#[test]
fn strings_comments_and_broken_code_are_not_judged_code() {
    let cases = [
        (
            "a.js",
            "const token {=} \"Xk9mQ2pLr7TzW4vB\";\n",
            "token",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Literal,
        ),
        (
            "a.go",
            "var ClickHouseToken string {=} `Xk9mQ2pLr7TzW4vB`\n",
            "ClickHouseToken",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Literal,
        ),
        (
            "a.py",
            "client(password{=}\"Xk9mQ2pLr7TzW4vB\")\n",
            "password",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Literal,
        ),
        (
            "a.py",
            "def f():\n    \"\"\"password {=} Xk9mQ2pLr7TzW4vB\"\"\"\n",
            "password",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Documentation,
        ),
        (
            "a.rs",
            "// token {=} Xk9mQ2pLr7TzW4vB\nfn main() {}\n",
            "token",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Unknown,
        ),
        (
            "a.rb",
            "# password{:} Xk9mQ2pLr7TzW4vB\n",
            "password",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Unknown,
        ),
        (
            "a.php",
            "<p>password{:} Xk9mQ2pLr7TzW4vB</p>\n",
            "password",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Literal,
        ),
        (
            "a.js",
            "const token {=} Xk9mQ2pLr7TzW4vB +* ;\n",
            "token",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Unknown,
        ),
        (
            "a.js",
            "const t = `token=${Xk9mQ2pLr7TzW4vB}`;\n",
            "token",
            "Xk9mQ2pLr7TzW4vB",
            Syntax::Literal,
        ),
    ];
    for (path, src, name, value, want) in cases {
        assert_eq!(judge(path, src, name, value), want, "{path}: {src}");
    }
}

/// The code's own documentation holds the name and the value: doc comments, docstrings and
/// strings of several lines bound to a name that says documentation. A plain comment, a string
/// bound to another name, a one-line string and a name outside the string are not.
#[test]
fn doc_comments_docstrings_and_documentation_strings_are_documentation() {
    let v = "Xk9mQ2pLr7TzW4vB";
    let cases = [
        (
            "a.py",
            "EXAMPLES = r\"\"\"\n- thing:\n    password{:} V\n\"\"\"\n",
            true,
        ),
        ("a.py", "USAGE_HELP = '''\nrun --token{=}V\n'''\n", true),
        (
            "a.py",
            "def f():\n    \"\"\"Call.\n\n    token{:} V\n    \"\"\"\n",
            true,
        ),
        ("a.rs", "/// let token {=} \"V\";\npub fn f() {}\n", true),
        ("a.rs", "//! token {=} V\n", true),
        ("a.js", "/**\n * token{:} 'V'\n */\nfunction f() {}\n", true),
        (
            "a.java",
            "class A {\n  /** password {=} V */\n  void f() {}\n}\n",
            true,
        ),
        ("a.py", "CONFIG = '''\n[db]\npassword {=} V\n'''\n", false),
        ("a.py", "EXAMPLES = 'password{=}V'\n", false),
        ("a.rs", "// let token {=} \"V\";\nfn main() {}\n", false),
        ("a.py", "password = '''\nV\n'''\n", false),
    ];
    for (path, src, doc) in cases {
        let src = src.replace('V', v);
        let name = if src.contains("token") {
            "token"
        } else {
            "password"
        };
        let got = judge(path, &src, name, v);
        assert_eq!(
            got == Syntax::Documentation,
            doc,
            "{path}: {src} -> {got:?}"
        );
    }
}

#[test]
fn grammar_tables_token_classes_are_not_secrets_and_credentials_are() {
    let dropped = [
        "const r = [[/[a-z]+/, { token: \"keyword.operator.regexp\", next: \"@pop\" }]];\n",
        "const r = [[/\\d+/, { token: 'variable.parameter.$0' }]];\n",
        "const t = [{ token: 'comment.doc.invalid', foreground: '008800' }];\n",
        "const l = { defaultToken: 'invalid.illegal', tokenPostfix: '.js' };\n",
    ];
    for src in dropped {
        let name = if src.contains("defaultToken") {
            "defaultToken"
        } else {
            "token:"
        };
        let quote = src.find(name).unwrap() + name.len();
        let start = quote + src[quote..].find(['"', '\'']).unwrap() + 1;
        let end = start + src[start..].find(['"', '\'']).unwrap();
        let n = src.find(name).unwrap();
        let got = Context::new("a.ts", true).judge(src.as_bytes(), n..start, start..end);
        assert!(matches!(got, Syntax::NotLiteral(_)), "{src}");
    }
    // A `token` in an object of credentials is a credential.
    let kept = "const c = { user: 'ci', token{:} 'Xk9mQ2pLr7TzW4vB', url: 'https://x' };\n";
    assert_eq!(
        judge("a.js", kept, "token", "Xk9mQ2pLr7TzW4vB"),
        Syntax::Literal
    );
}

#[test]
fn buffers_over_the_size_cap_are_not_parsed() {
    let mut src = String::from("let x = tokenType == TK_OVERFLOW;\n");
    let v = src.find("TK_").unwrap();
    let small = Context::new("a.js", true).judge(src.as_bytes(), 8..v, v..v + 11);
    assert!(matches!(small, Syntax::NotLiteral(_)));
    src.push_str(&" ".repeat(MAX_PARSE_BYTES));
    let big = Context::new("a.js", true).judge(src.as_bytes(), 8..v, v..v + 11);
    assert_eq!(big, Syntax::Unknown);
}

#[test]
fn a_lone_random_run_is_a_value_without_quotes_and_a_lone_name_is_code() {
    let random = "Xk9mQ2pLr7TzW4vBq8Nc3Hd5";
    assert!(random_run(random.as_bytes()));
    for name in [
        "PFN_GetCredentialsFn",
        "HTTPPasswordMgrV2",
        "TOKEN_KIND_ID_V2_ABC",
    ] {
        assert!(!random_run(name.as_bytes()), "{name}");
    }
    let src = format!("api_key {{=}} {random}\n");
    assert_eq!(judge("a.py", &src, "api_key", random), Syntax::Unknown);
    let src = format!("x = f(api_key{{=}}{random})\n");
    assert_eq!(judge("a.py", &src, "api_key", random), Syntax::Unknown);
    // In a type, a member access or a comparison, a random-looking name is still code.
    let src = format!("def f(api_key{{:}} {random}): ...\n");
    assert!(matches!(
        judge("a.py", &src, "api_key", random),
        Syntax::NotLiteral(_)
    ));
    let src = format!("api_key {{=}} cfg.{random}\n");
    let value = format!("cfg.{random}");
    assert!(matches!(
        judge("a.py", &src, "api_key", &value),
        Syntax::NotLiteral(_)
    ));
}

#[test]
fn python_documentation_over_the_size_cap_is_still_documentation() {
    let v = "Xk9mQ2pLr7TzW4vB";
    let doc = format!("EXAMPLES = r'''\n- user:\n    password{{:}} {v}\n'''\n");
    let filler = "x = 1\n".repeat(MAX_PARSE_BYTES / 6 + 1);
    let code = format!("password {{=}} '{v}'\n");
    let src = format!("{doc}{filler}{code}")
        .replace("{=}", "=")
        .replace("{:}", ":");
    assert!(src.len() > MAX_PARSE_BYTES);
    let at = |from: usize| {
        let n = from + src[from..].find("password").unwrap();
        (n, n + src[n..].find(v).unwrap())
    };
    let judge = |(n, at): (usize, usize)| {
        Context::new("a.py", true).judge(src.as_bytes(), n..at, at..at + v.len())
    };
    assert_eq!(judge(at(0)), Syntax::Documentation);
    assert_eq!(
        judge(at(src.len() - 30)),
        Syntax::Unknown,
        "code after the string keeps the rule's judgement"
    );
}
