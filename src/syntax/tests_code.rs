//! Test code inside source files: Rust's `#[test]` functions and `#[cfg(test)]` modules, Python's
//! `test_*` functions and `Test*` classes, Go's `Test*`, `Benchmark*`, `Fuzz*` and `Example*`
//! functions, JavaScript's `it(…)`, `test(…)` and `describe(…)` blocks, Java's `@Test` and C#'s
//! `[Test]`/`[Fact]` methods. A literal there is a fixture the test chose (`p@ssw0rd` in a URL
//! parser's test), judged as an example, not as configuration.

use tree_sitter::Node;

use super::Lang;

/// How many ancestors are looked at for a test item: the depth of a literal in a test function of
/// a test module of a nested module, with room to spare.
const DEPTH: usize = 64;

/// Whether `node` lies inside test code of `lang`.
pub fn inside(lang: Lang, node: Node, buf: &[u8]) -> bool {
    let mut up = node.parent();
    for _ in 0..DEPTH {
        let Some(n) = up else { return false };
        if is_test_item(lang, n, buf) {
            return true;
        }
        up = n.parent();
    }
    false
}

fn is_test_item(lang: Lang, n: Node, buf: &[u8]) -> bool {
    let text = |n: Node| &buf[n.byte_range()];
    let name = || n.child_by_field_name("name").map(text).unwrap_or_default();
    match (lang, n.kind()) {
        (Lang::Rust, "function_item" | "mod_item") => rust_test_attribute(n, buf),
        (Lang::Python, "function_definition") => name().starts_with(b"test"),
        (Lang::Python, "class_definition") => name().starts_with(b"Test"),
        (Lang::Go, "function_declaration") => {
            let name = name();
            [&b"Test"[..], b"Benchmark", b"Fuzz", b"Example"]
                .iter()
                .any(|p| name.starts_with(p))
        }
        (Lang::JavaScript | Lang::TypeScript | Lang::Tsx, "call_expression") => {
            let callee = n
                .child_by_field_name("function")
                .map(text)
                .unwrap_or_default();
            let head = callee.split(|b| *b == b'.').next().unwrap_or_default();
            matches!(
                head,
                b"it" | b"test" | b"describe" | b"beforeEach" | b"beforeAll" | b"afterEach"
            )
        }
        (Lang::Java | Lang::CSharp, "method_declaration") => {
            let mut cursor = n.walk();
            n.children(&mut cursor).any(|c| {
                matches!(c.kind(), "modifiers" | "attribute_list")
                    && annotation_names(text(c)).any(|a| {
                        matches!(
                            a,
                            b"Test" | b"ParameterizedTest" | b"TestMethod" | b"Fact" | b"Theory"
                        )
                    })
            })
        }
        _ => false,
    }
}

/// The `#[…]` attributes right above a Rust item say test: `#[test]`, `#[cfg(test)]`,
/// `#[tokio::test]` and the like.
fn rust_test_attribute(item: Node, buf: &[u8]) -> bool {
    let mut prev = item.prev_sibling();
    while let Some(p) = prev {
        match p.kind() {
            "attribute_item" => {
                let a = &buf[p.byte_range()];
                let found = |s: &[u8]| memchr::memmem::find(a, s).is_some();
                if a == b"#[test]" || found(b"cfg(test)") || found(b"::test]") {
                    return true;
                }
            }
            "line_comment" | "block_comment" => {}
            _ => return false,
        }
        prev = p.prev_sibling();
    }
    false
}

/// The names of the annotations or attributes in `text` (`@Test`, `[Fact]`, `@org.junit.Test`).
fn annotation_names(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .filter(|w| !w.is_empty())
}
