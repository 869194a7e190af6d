//! Python documentation strings found by a lexer, for files over the parse cap. Ansible modules
//! and generated SDKs are Python files of hundreds of KiB whose `DOCUMENTATION`, `EXAMPLES` and
//! `RETURN` strings hold thousands of example values; parsing them whole costs a tree of tens of
//! MiB, and their documentation must not be judged by the file's size. Finding triple-quoted
//! strings needs only Python's string and comment lexing, which this module does in one pass.
//!
//! A string counts as documentation as in [`super::doc_string`]: it stands alone as a statement
//! (a docstring), or it spans several lines and is bound to a name with a documentation word
//! (`EXAMPLES = r"""…"""`).

use std::ops::Range;

/// A triple-quoted string that is documentation: the bytes from its opening quotes to the end of
/// its closing quotes.
pub type Span = Range<usize>;

/// The documentation strings of the Python source `buf`, in order.
pub fn doc_spans(buf: &[u8]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < buf.len() {
        match buf[i] {
            b'#' => {
                i = memchr::memchr(b'\n', &buf[i..]).map_or(buf.len(), |n| i + n);
            }
            q @ (b'\'' | b'"') => {
                let triple = buf[i..].starts_with(&[q, q, q]);
                let end = string_end(buf, i, q, triple);
                if triple && is_doc(buf, i, end) {
                    out.push(i..end);
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The end (exclusive) of the string whose quotes open at `at`. A backslash escapes the next
/// byte in every kind of string, raw ones included, as far as finding the end goes. A one-line
/// string ends at its line's end if it is not closed there (the lexer resynchronises).
fn string_end(buf: &[u8], at: usize, q: u8, triple: bool) -> usize {
    let mut i = at + if triple { 3 } else { 1 };
    while i < buf.len() {
        match buf[i] {
            b'\\' => i += 2,
            b'\n' if !triple => return i,
            b if b == q && (!triple || buf[i..].starts_with(&[q, q, q])) => {
                return i + if triple { 3 } else { 1 };
            }
            _ => i += 1,
        }
    }
    buf.len()
}

/// The triple-quoted string `open..end` is documentation: it spans lines and is bound to a
/// documentation name, or nothing that could take it as an operand comes before it.
fn is_doc(buf: &[u8], open: usize, end: usize) -> bool {
    // The string prefix (`r`, `b`, `f`, `u` and their pairs) belongs to the string.
    let mut start = open;
    while start > 0 && buf[start - 1].is_ascii_alphabetic() && open - start < 2 {
        start -= 1;
    }
    let prefix = &buf[start..open];
    if !prefix
        .iter()
        .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u'))
    {
        return false;
    }
    let before = &buf[..start];
    let last = before.iter().rposition(|b| !b.is_ascii_whitespace());
    let Some(last) = last else {
        return true; // the module's docstring
    };
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |n| n + 1);
    if last < line_start {
        // First on its line: a statement unless the line before leaves an operand open.
        return !b"([{,=+-*/%|&<>!~\\".contains(&before[last]);
    }
    // `NAME = """…` (`NAME: str = """…`) on one line, for a string of several lines.
    let multiline = memchr::memchr(b'\n', &buf[open..end]).is_some();
    let assignment = before[line_start..=last].trim_ascii_end();
    let Some(lhs) = assignment.strip_suffix(b"=") else {
        return false;
    };
    let name = lhs.split(|b| *b == b':').next().unwrap_or(lhs).trim_ascii();
    multiline
        && !name.is_empty()
        && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && super::doc_name(name)
}

/// Whether `value` and its `name` lie inside one of `spans` (the name after the opening quotes).
pub fn inside(spans: &[Span], name: &Range<usize>, value: &Range<usize>) -> bool {
    let i = spans.partition_point(|s| s.end <= value.start);
    spans
        .get(i)
        .is_some_and(|s| s.start < name.start && value.end <= s.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(src: &str) -> Vec<&str> {
        doc_spans(src.as_bytes())
            .into_iter()
            .map(|r| &src[r])
            .collect()
    }

    #[test]
    fn documentation_strings_are_found_and_other_strings_are_not() {
        let src = concat!(
            "\"\"\"Module doc.\"\"\"\n",
            "# a comment with \"\"\" quotes\n",
            "EXAMPLES = r'''\n- run: x\n'''\n",
            "CONFIG = '''\n[db]\n'''\n",
            "RETURN: str = \"\"\"\nkey: v\n\"\"\"\n",
            "def f():\n    \"\"\"Doc of f.\"\"\"\n",
            "    x = g(\n        \"\"\"argument\"\"\")\n",
            "    s = 'it''s \"\"\" not open'\n",
            "    USAGE = \"\"\"one line\"\"\"\n",
            "    return \"\"\"not doc\"\"\"\n",
        );
        assert_eq!(
            spans(src),
            [
                "\"\"\"Module doc.\"\"\"",
                "'''\n- run: x\n'''",
                "\"\"\"\nkey: v\n\"\"\"",
                "\"\"\"Doc of f.\"\"\""
            ]
        );
    }

    #[test]
    fn a_value_is_inside_when_its_name_is_too() {
        let src = "EXAMPLES = '''\npassword: V\n'''\nX = 1\n";
        let s = doc_spans(src.as_bytes());
        let n = src.find("password").unwrap();
        let v = src.find('V').unwrap();
        assert!(inside(&s, &(n..v), &(v..v + 1)));
        assert!(!inside(&s, &(0..v), &(v..v + 1)), "name before the string");
        let x = src.find("1\n").unwrap();
        assert!(!inside(&s, &(x - 4..x), &(x..x + 1)));
    }
}
