//! The syntax of source files, for the generic rules. A generic rule takes any value after a
//! secret-looking name; in source code that value is often not a literal at all (a type, an
//! identifier, a member access, a comparison operand). This module parses the file with
//! tree-sitter, once and only when a generic candidate asks, and says whether the value is code.
//!
//! Only whole source files of the languages in [`Lang`] are parsed, chosen by extension. Docs,
//! configs and logs (`.md`, `.json`, `.yaml`, `.env`, `.log`…) are never parsed: there the
//! generic rules keep their sensitivity. Comments, docstrings, strings of any kind and anything
//! the parser could not read answer [`Syntax::Unknown`], which keeps the rules' own judgement.

mod grammar;
mod pydoc;
mod tests_code;
mod yamldoc;

use std::cell::OnceCell;
use std::ops::Range;
use std::time::{Duration, Instant};

use tree_sitter::{Node, Parser, Tree};

/// Buffers larger than this are not parsed (their candidates are [`Syntax::Unknown`]): a bundle
/// or a generated SDK file of megabytes costs a parse tree of tens of MiB per thread and a large
/// share of the scan's time, for few candidates (on the real-code corpus of docs/benchmarks.md, a
/// 4 MiB cap parsed 25% more CPU time and 100 MiB more peak memory than this one, to drop 51
/// more findings of 1,784). Whole files over 2 MiB are streamed in chunks (`engine::stream`)
/// and never reach the parser anyway.
pub const MAX_PARSE_BYTES: usize = 256 << 10;

/// A parse that runs longer than this is abandoned: the buffer's candidates are
/// [`Syntax::Unknown`]. Tree-sitter is linear; this bounds a pathological grammar state only.
pub const PARSE_TIMEOUT: Duration = Duration::from_millis(1500);

/// The languages parsed, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    JavaScript,
    TypeScript,
    Tsx,
    Python,
    Go,
    Rust,
    Java,
    CSharp,
    Ruby,
    Php,
    C,
    Cpp,
}

impl Lang {
    /// The language of a path, from its extension; `None` for anything else (docs, configs, logs
    /// and languages without a grammar here).
    pub fn of_path(path: &str) -> Option<Lang> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (_, ext) = name.rsplit_once('.')?;
        Some(match ext.to_ascii_lowercase().as_str() {
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "py" | "pyi" => Lang::Python,
            "go" => Lang::Go,
            "rs" => Lang::Rust,
            "java" => Lang::Java,
            "cs" => Lang::CSharp,
            "rb" => Lang::Ruby,
            "php" => Lang::Php,
            "c" => Lang::C,
            // A `.h` may be C or C++: the C++ grammar reads both (C code that uses a C++ keyword
            // as a name is a parse error there, which answers `Unknown`).
            "h" | "cc" | "cpp" | "cxx" | "c++" | "hh" | "hpp" | "hxx" => Lang::Cpp,
            _ => return None,
        })
    }

    fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            Lang::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Lang::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Lang::C => tree_sitter_c::LANGUAGE.into(),
            Lang::Cpp => tree_sitter_cpp::LANGUAGE.into(),
        }
    }
}

/// What the syntax says about a generic candidate's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// The value is inside a string literal (of any kind: raw, template, heredoc…).
    Literal,
    /// The value is code, or a literal that is not a secret by its place; the reason is fixed.
    NotLiteral(&'static str),
    /// Inside the code's own documentation, the candidate's name included: a doc comment
    /// (`///`, `//!`, `/** */`), a docstring, or a string the code names as documentation
    /// (`EXAMPLES = r'''…'''`, `USAGE = """…"""`). What such text shows is an example of how
    /// to call the code; see [`doc_string`].
    Documentation,
    /// A literal in test code (a `#[test]` function, a `test_*` method, an `it(…)` block): a
    /// fixture the test chose; see [`tests_code`].
    Test,
    /// Not parsed, a parse error around the value, a plain comment (commented-out code keeps
    /// its sensitivity), or a span the tree does not cover: the rules' own judgement stands.
    Unknown,
}

/// One buffer's syntax, parsed at most once, on the first question. Built per buffer by the
/// engine; [`Context::off`] (or `whole` false) where the buffer is not a whole source file (a
/// streamed chunk, a history blob reduced to its new lines, a decoded layer, a path, a `redact`
/// window).
pub struct Context {
    lang: Option<Lang>,
    /// A whole YAML file: its documentation blocks are looked for ([`yamldoc`]); it is never
    /// parsed.
    yaml: bool,
    tree: OnceCell<Option<Tree>>,
    /// For Python over [`MAX_PARSE_BYTES`]: its documentation strings, found by a lexer.
    doc_spans: OnceCell<Vec<pydoc::Span>>,
}

impl Context {
    /// The context of `path`'s buffer; `whole` says the buffer is the whole file (a chunk of a
    /// larger one may start inside a string, and would be misread).
    pub fn new(path: &str, whole: bool) -> Context {
        Context {
            lang: whole.then(|| Lang::of_path(path)).flatten(),
            yaml: whole && is_yaml(path),
            tree: OnceCell::new(),
            doc_spans: OnceCell::new(),
        }
    }

    /// No parsing: every question answers [`Syntax::Unknown`].
    pub fn off() -> Context {
        Context {
            lang: None,
            yaml: false,
            tree: OnceCell::new(),
            doc_spans: OnceCell::new(),
        }
    }

    /// What the syntax of `buf` (the buffer this context was built for) says about the value at
    /// `value`, written after the name at `name`.
    pub fn judge(&self, buf: &[u8], name: Range<usize>, value: Range<usize>) -> Syntax {
        if self.yaml && value.end <= buf.len() && yamldoc::in_doc_block(buf, value.start) {
            return Syntax::Documentation;
        }
        let Some(lang) = self.lang else {
            return Syntax::Unknown;
        };
        if lang == Lang::Python && buf.len() > MAX_PARSE_BYTES {
            // Too big to parse, but its documentation is still documentation.
            let spans = self.doc_spans.get_or_init(|| pydoc::doc_spans(buf));
            return match pydoc::inside(spans, &name, &value) {
                true => Syntax::Documentation,
                false => Syntax::Unknown,
            };
        }
        let tree = self.tree.get_or_init(|| parse(lang, buf));
        match tree {
            Some(tree) if value.end <= buf.len() && value.start < value.end => {
                classify(lang, tree, buf, name, value)
            }
            _ => Syntax::Unknown,
        }
    }
}

/// A YAML file, by its extension.
fn is_yaml(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

thread_local! {
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(Parser::new());
}

/// Parses `buf` as `lang`; `None` past [`MAX_PARSE_BYTES`] or [`PARSE_TIMEOUT`].
fn parse(lang: Lang, buf: &[u8]) -> Option<Tree> {
    if buf.len() > MAX_PARSE_BYTES {
        return None;
    }
    PARSER.with(|p| {
        let mut parser = p.borrow_mut();
        parser.set_language(&lang.grammar()).ok()?;
        let started = Instant::now();
        let mut over = |_: &tree_sitter::ParseState| match started.elapsed() > PARSE_TIMEOUT {
            true => std::ops::ControlFlow::Break(()),
            false => std::ops::ControlFlow::Continue(()),
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut over);
        let len = buf.len();
        let tree = parser.parse_with_options(
            &mut |at: usize, _| if at < len { &buf[at..] } else { &[][..] },
            None,
            Some(options),
        );
        // An abandoned parse would be resumed by the next one: start afresh.
        parser.reset();
        tree
    })
}

/// How many ancestors above the value's node are searched for an error, a string or a comment.
/// Enough to climb out of a member access or a type; not the whole file, whose root carries any
/// error anywhere in it.
const CLIMB: usize = 4;

/// The judgement: the value's tokens are all code (identifiers, types, numbers, operators,
/// punctuation) with no string, comment or error around them → [`Syntax::NotLiteral`]; inside a
/// string → [`Syntax::Literal`], unless [`grammar::token_class`] says the string is a grammar
/// table's token class; anything else → [`Syntax::Unknown`].
fn classify(
    lang: Lang,
    tree: &Tree,
    buf: &[u8],
    name: Range<usize>,
    value: Range<usize>,
) -> Syntax {
    let root = tree.root_node();
    if value.end > root.end_byte() {
        return Syntax::Unknown;
    }
    let Some(node) = root.descendant_for_byte_range(value.start, value.end) else {
        return Syntax::Unknown;
    };
    // The node holding the value and its nearest ancestors: a string or a comment there decides.
    let mut up = Some(node);
    for _ in 0..=CLIMB {
        let Some(n) = up else { break };
        // The root carries any error anywhere in the file: only the value's surroundings count.
        if n.is_error() || n.is_missing() || (n.has_error() && n.parent().is_some()) {
            return Syntax::Unknown;
        }
        if n.is_named() && is_comment(n.kind()) {
            let doc = n.kind() == "doc_comment" || doc_comment(&buf[n.byte_range()]);
            return match doc && n.start_byte() <= name.start {
                true => Syntax::Documentation,
                false => Syntax::Unknown,
            };
        }
        if n.is_named() && is_string(n.kind()) {
            if doc_string(n, buf, &name) {
                return Syntax::Documentation;
            }
            return match grammar::token_class(lang, n, buf, &name) {
                Some(why) => Syntax::NotLiteral(why),
                None if tests_code::inside(lang, n, buf) => Syntax::Test,
                None => Syntax::Literal,
            };
        }
        up = n.parent();
    }
    // Every token the value overlaps must be code.
    let mut leaves = Vec::new();
    overlapping_leaves(node, &value, &mut leaves);
    let mut named = None;
    for leaf in &leaves {
        if leaf.is_error() || leaf.is_missing() {
            return Syntax::Unknown;
        }
        // The leaf, and what lies between it and the value's node, must not be a string or a
        // comment (a template's substitution, a string the value runs into).
        let mut up = Some(*leaf);
        while let Some(n) = up
            && n != node
        {
            if n.is_named() && (is_string(n.kind()) || is_comment(n.kind())) {
                return Syntax::Unknown;
            }
            up = n.parent();
        }
        let kind = leaf.kind();
        if leaf.is_named() {
            if !is_code_token(kind) {
                return Syntax::Unknown;
            }
            named.get_or_insert(*leaf);
        }
    }
    let Some(leaf) = named else {
        return Syntax::Unknown;
    };
    let why = reason(leaf);
    // A lone name that reads as a random run is a value written without quotes (a template, a
    // pasted line), not a name anyone would write: the rule's judgement stands. Names in a type,
    // a member access, a call or an operation are code whatever they look like.
    let lone = leaves.iter().filter(|l| l.is_named()).count() == 1;
    if lone && why == NAME && random_run(&buf[leaf.byte_range()]) {
        return Syntax::Unknown;
    }
    Syntax::NotLiteral(why)
}

/// A documentation comment: Rust's `///` and `//!`, the `/** */` of JSDoc, Javadoc, PHPDoc and
/// Doxygen, `/*!`, C#'s `///`. Plain comments are not: commented-out code is a leak like any.
fn doc_comment(text: &[u8]) -> bool {
    [&b"///"[..], b"//!", b"/**", b"/*!"]
        .iter()
        .any(|p| text.starts_with(p))
        && !text.starts_with(b"/**/")
}

/// The string `s` is documentation holding the candidate's name: a docstring (a string standing
/// alone as a statement, as Python writes them), or a string of several lines bound to a name
/// that says documentation ([`DOC_WORDS`]: Ansible's `EXAMPLES` and `DOCUMENTATION`, a CLI's
/// `USAGE` or `EPILOG`). A name outside the string is code binding a literal, never this.
fn doc_string(s: Node, buf: &[u8], name: &Range<usize>) -> bool {
    let mut s = s;
    while let Some(p) = s.parent()
        && p.is_named()
        && (is_string(p.kind()) || p.kind() == "concatenated_string")
    {
        s = p;
    }
    if name.start < s.start_byte() {
        return false;
    }
    let Some(parent) = s.parent() else {
        return false;
    };
    if parent.kind() == "expression_statement" && parent.named_child_count() == 1 {
        return true;
    }
    let multiline = buf[s.byte_range()].contains(&b'\n');
    let bound = ["left", "name"]
        .iter()
        .find_map(|f| parent.child_by_field_name(f))
        .filter(|n| n.end_byte() <= s.start_byte());
    multiline && bound.is_some_and(|n| doc_name(&buf[n.byte_range()]))
}

/// Words of a name that say its string is documentation.
const DOC_WORDS: [&str; 11] = [
    "doc",
    "docs",
    "documentation",
    "example",
    "examples",
    "usage",
    "help",
    "epilog",
    "sample",
    "samples",
    "return",
];

/// `name` (an identifier, in any case, snake or camel) has a word of [`DOC_WORDS`].
fn doc_name(name: &[u8]) -> bool {
    crate::classify::entropy::name_words(name)
        .iter()
        .any(|w| DOC_WORDS.contains(&w.as_str()))
}

/// The reason for a name in no other context.
const NAME: &str = "in code: a name, not a literal";

/// 16 or more letters and digits (`_` and `$` aside) that switch between upper case, lower case
/// and digits at two positions in five or more: random text switches at about three in five,
/// names made of words (`PFN_GetCredentialsFn`, `HTTPPasswordMgr`) at one in three or fewer.
fn random_run(v: &[u8]) -> bool {
    let class = |b: &u8| match b {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let v: Vec<u8> = v
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'_' | b'$'))
        .collect();
    let switches = v
        .windows(2)
        .filter(|w| class(&w[0]) != class(&w[1]))
        .count();
    v.len() >= 16 && switches * 5 >= v.len() * 2
}

/// The leaves under `node` that overlap `range`, in order.
fn overlapping_leaves<'t>(node: Node<'t>, range: &Range<usize>, out: &mut Vec<Node<'t>>) {
    if node.end_byte() <= range.start || node.start_byte() >= range.end {
        return;
    }
    if node.child_count() == 0 {
        out.push(node);
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        overlapping_leaves(child, range, out);
    }
}

/// Strings of every kind the grammars name: plain, raw, template, heredoc and nowdoc, regex
/// literals, characters and runes, symbols, JSX and inline-HTML text, Java text blocks, Ruby's
/// data after `__END__`, and their parts (fragments, contents, escapes, interpolations).
fn is_string(kind: &str) -> bool {
    const PARTS: [&str; 14] = [
        "string",
        "heredoc",
        "nowdoc",
        "regex",
        "template",
        "text",
        "character",
        "char_literal",
        "rune",
        "symbol",
        "fragment",
        "content",
        "escape",
        "uninterpreted",
    ];
    PARTS.iter().any(|p| kind.contains(p))
}

fn is_comment(kind: &str) -> bool {
    kind.contains("comment")
}

/// Named leaves that are code: names, types, numbers, and the keywords that are values.
fn is_code_token(kind: &str) -> bool {
    kind.ends_with("identifier")
        || kind.ends_with("_type")
        || matches!(
            kind,
            "identifier"
                | "name"
                | "constant"
                | "variable_name"
                | "instance_variable"
                | "class_variable"
                | "global_variable"
                | "integer"
                | "float"
                | "number"
                | "integer_literal"
                | "float_literal"
                | "int_literal"
                | "number_literal"
                | "real_literal"
                | "imaginary_literal"
                | "decimal_integer_literal"
                | "hex_integer_literal"
                | "decimal_floating_point_literal"
                | "true"
                | "false"
                | "null"
                | "nil"
                | "none"
                | "undefined"
                | "self"
                | "this"
                | "super"
                | "crate"
                | "metavariable"
                | "predefined_type"
                | "primitive_type"
                | "void_type"
                | "boolean_type"
                | "integral_type"
                | "floating_point_type"
        )
}

/// The reason a code value is dropped, from where its first named token sits.
fn reason(leaf: Node) -> &'static str {
    let kind = leaf.kind();
    if kind.contains("number")
        || kind.contains("integer")
        || kind.contains("float")
        || kind.ends_with("_literal")
        || kind == "real_literal"
    {
        return "in code: a number, not a literal";
    }
    let mut up = Some(leaf);
    for _ in 0..=CLIMB {
        let Some(n) = up else { break };
        let k = n.kind();
        if k.contains("type") && !k.contains("typeof") {
            return "in code: a type, not a literal";
        }
        up = n.parent();
    }
    let parent = leaf.parent().map_or("", |p| p.kind());
    const MEMBER: [&str; 8] = [
        "member",
        "attribute",
        "selector",
        "field_expression",
        "field_access",
        "scoped",
        "qualified",
        "scope_resolution",
    ];
    if MEMBER.iter().any(|m| parent.contains(m)) {
        return "in code: a member access or path, not a literal";
    }
    if parent.contains("call") || parent.contains("invocation") {
        return "in code: a call, not a literal";
    }
    const OPERATION: [&str; 5] = ["binary", "comparison", "unary", "not_operator", "boolean"];
    if OPERATION.iter().any(|o| parent.contains(o)) {
        return "in code: an operand of an expression, not a literal";
    }
    NAME
}

#[cfg(test)]
mod tests;
