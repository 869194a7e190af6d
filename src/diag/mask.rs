//! The masked copies of user files that code frames are drawn from: every value replaced by `*`
//! byte for byte (newlines kept), so any span into the original text is a span into the copy and
//! line and column numbers stay true. Also where each TOML key's assignment lies, to name the key
//! of a toml error.

use super::{HIDDEN_KEY, plain_key};
use std::collections::HashMap;
use std::ops::Range;

fn mask(out: &mut [u8], range: Range<usize>) {
    for b in &mut out[range] {
        if !matches!(*b, b'\n' | b'\r') {
            *b = b'*';
        }
    }
}

fn line_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |i| from + i)
}

/// TOML text with every value masked: `*` for every byte of a value, string content, comment or
/// key that is not a [`plain_key`]; newlines, quotes, brackets, `=`, `,` and plain keys kept.
/// Same length, same newlines: any span into `text` is a span into the result.
pub fn mask_toml(text: &str) -> String {
    let shape = toml_shape(text);
    String::from_utf8(shape.masked).expect("ASCII replaces whole characters")
}

/// The key (dotted path, `allow[1].secrets`) whose assignment or table header holds byte
/// `offset`; a part that is not a [`plain_key`] shows as `<key>`.
pub(super) fn key_at(text: &str, offset: usize) -> Option<String> {
    let shape = toml_shape(text);
    shape
        .keys
        .into_iter()
        .rev()
        .find(|k| k.range.start <= offset && offset <= k.range.end)
        .map(|k| k.path)
}

/// Where one top-level assignment or table header lies, and its dotted path.
struct KeySpan {
    range: Range<usize>,
    path: String,
}

struct TomlShape {
    masked: Vec<u8>,
    keys: Vec<KeySpan>,
}

/// A tolerant TOML tokenizer (it runs on text that may not parse): strings, comments, arrays,
/// inline tables, headers and key positions.
fn toml_shape(text: &str) -> TomlShape {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut keys: Vec<KeySpan> = Vec::new();
    // Open arrays (`[`) and inline tables (`{`) of the value being read.
    let mut stack: Vec<u8> = Vec::new();
    let mut key_pos = true;
    // Start of the table header being read, and whether it is `[[...]]`.
    let mut header: Option<(usize, bool)> = None;
    let mut table = String::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    // Parts of the top-level key being read (None: not plain), and where it starts.
    let mut pieces: Vec<Option<String>> = Vec::new();
    let mut key_start: Option<usize> = None;
    let mut open: Option<usize> = None;
    let join = |table: &str, pieces: &[Option<String>]| -> String {
        let mut path = table.to_string();
        for p in pieces {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(p.as_deref().unwrap_or(HIDDEN_KEY));
        }
        path
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let top = stack.is_empty();
        match c {
            b'\n' => {
                if top {
                    if let Some(o) = open.take() {
                        keys[o].range.end = i;
                    }
                    key_pos = true;
                    header = None;
                    pieces.clear();
                    key_start = None;
                }
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                let end = line_end(b, i);
                mask(&mut out, i + 1..end);
                i = end;
            }
            b'"' | b'\'' => {
                let (inner, end) = toml_string(b, i);
                if key_pos && top {
                    let content = &text[inner.clone()];
                    key_start.get_or_insert(i);
                    pieces.push(plain_key(content).then(|| content.to_string()));
                }
                mask(&mut out, inner);
                i = end;
            }
            b'[' if key_pos && top && header.is_none() => {
                let double = b.get(i + 1) == Some(&b'[');
                header = Some((i, double));
                pieces.clear();
                i += if double { 2 } else { 1 };
            }
            b']' if top && header.is_some() => {
                let (start, double) = header.take().expect("checked");
                table = join("", &pieces);
                if double {
                    let k = counts.entry(table.clone()).or_insert(0);
                    table = format!("{table}[{k}]");
                    *k += 1;
                }
                keys.push(KeySpan {
                    range: start..line_end(b, i),
                    path: table.clone(),
                });
                pieces.clear();
                key_pos = false;
                i += if double && b.get(i + 1) == Some(&b']') {
                    2
                } else {
                    1
                };
            }
            b'[' => {
                stack.push(b'[');
                key_pos = false;
                i += 1;
            }
            b']' => {
                if stack.last() == Some(&b'[') {
                    stack.pop();
                }
                i += 1;
            }
            b'{' => {
                stack.push(b'{');
                key_pos = true;
                i += 1;
            }
            b'}' => {
                if stack.last() == Some(&b'{') {
                    stack.pop();
                }
                key_pos = false;
                i += 1;
            }
            b',' => {
                key_pos = stack.last() == Some(&b'{');
                i += 1;
            }
            b'=' => {
                if top && key_pos && header.is_none() {
                    keys.push(KeySpan {
                        range: key_start.unwrap_or(i)..b.len(),
                        path: join(&table, &pieces),
                    });
                    open = Some(keys.len() - 1);
                }
                key_pos = false;
                i += 1;
            }
            b'.' if key_pos => i += 1,
            _ => {
                let end = i + b[i..]
                    .iter()
                    .position(|&c| {
                        matches!(
                            c,
                            b' ' | b'\t'
                                | b'\r'
                                | b'\n'
                                | b'='
                                | b','
                                | b'['
                                | b']'
                                | b'{'
                                | b'}'
                                | b'#'
                                | b'"'
                                | b'\''
                        ) || (key_pos && c == b'.')
                    })
                    .unwrap_or(b.len() - i);
                let run = &text[i..end];
                let plain = key_pos && plain_key(run);
                if key_pos && top {
                    key_start.get_or_insert(i);
                    pieces.push(plain.then(|| run.to_string()));
                }
                if !plain {
                    mask(&mut out, i..end);
                }
                i = end;
            }
        }
    }
    TomlShape { masked: out, keys }
}

/// The content and end of the TOML string opening at `b[i]` (a quote): basic (`"`, with `\`
/// escapes) or literal (`'`), single-line or triple-quoted. An unterminated single-line string
/// ends at the end of its line, a multi-line one at the end of the text.
fn toml_string(b: &[u8], i: usize) -> (Range<usize>, usize) {
    let q = b[i];
    let escapes = q == b'"';
    if b[i..].starts_with(&[q, q, q]) {
        let start = i + 3;
        let mut j = start;
        while j < b.len() {
            if escapes && b[j] == b'\\' {
                j += 2;
            } else if b[j..].starts_with(&[q, q, q]) {
                return (start..j, j + 3);
            } else {
                j += 1;
            }
        }
        return (start..b.len(), b.len());
    }
    let start = i + 1;
    let mut j = start;
    while j < b.len() && b[j] != b'\n' {
        if escapes && b[j] == b'\\' && b.get(j + 1).is_some_and(|&c| c != b'\n') {
            j += 2;
        } else if b[j] == q {
            return (start..j, j + 1);
        } else {
            j += 1;
        }
    }
    let j = j.min(b.len());
    (start..j, j)
}

/// Dotenv text with every value masked: names that are [`plain_key`]s, `export`, `=` and the
/// opening and closing quotes are kept; values (multi-line ones whole), comments, and lines that
/// are not assignments are masked. Same length and newlines as `text`.
pub fn mask_dotenv(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut pos = 0;
    while pos < b.len() {
        let end = line_end(b, pos);
        let line = &text[pos..end];
        let trimmed = line.trim_start();
        let lead = pos + line.len() - trimmed.len();
        if trimmed.starts_with('#') {
            mask(&mut out, lead + 1..end);
            pos = end + 1;
            continue;
        }
        let body = trimmed
            .strip_prefix("export")
            .filter(|r| r.starts_with([' ', '\t']))
            .map_or(trimmed, str::trim_start);
        let body_start = pos + line.len() - body.len();
        let Some(eq) = body.find('=') else {
            mask(&mut out, body_start..end);
            pos = end + 1;
            continue;
        };
        if !plain_key(body[..eq].trim_end()) {
            mask(&mut out, body_start..body_start + eq);
        }
        let after = &text[body_start + eq + 1..];
        let vstart =
            body_start + eq + 1 + after.len() - after.trim_start_matches([' ', '\t']).len();
        match text[vstart..].chars().next() {
            Some(q @ ('\'' | '"' | '`')) => {
                match crate::text::closing_quote(&text[vstart + 1..], q) {
                    Some(close) => {
                        let close = vstart + 1 + close;
                        mask(&mut out, vstart + 1..close);
                        let rest = line_end(b, close);
                        mask(&mut out, close + 1..rest);
                        pos = rest + 1;
                    }
                    None => {
                        mask(&mut out, vstart + 1..b.len());
                        pos = b.len();
                    }
                }
            }
            _ => {
                mask(&mut out, vstart..end);
                pos = end + 1;
            }
        }
    }
    String::from_utf8(out).expect("ASCII replaces whole characters")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both maskers keep every newline where it was and the length.
    fn same_shape(a: &str, b: &str) {
        assert_eq!(a.len(), b.len());
        let nl = |s: &str| s.match_indices('\n').map(|(i, _)| i).collect::<Vec<_>>();
        assert_eq!(nl(a), nl(b));
    }

    #[test]
    fn key_is_read_from_the_error_line() {
        let text = "[scan]\nfail_on = 3\n";
        assert_eq!(key_at(text, 17).as_deref(), Some("scan.fail_on"));
        assert_eq!(key_at(text, 2).as_deref(), Some("scan"));
        let text = "[[allow]]\nx = 1\n[[allow]]\nsecrets = [\n  'a',\n  'b(',\n]\n";
        let at = text.find("'b(").unwrap();
        assert_eq!(key_at(text, at).as_deref(), Some("allow[1].secrets"));
    }

    #[test]
    fn a_key_that_looks_like_a_value_is_not_named() {
        let text = "[scan]\nghp_Ab3dEf9hIjKlMn0pQrStUvWxYz0123456789 = 1\n";
        assert_eq!(key_at(text, 8).as_deref(), Some("scan.<key>"));
        assert!(!mask_toml(text).contains("Ab3d"));
    }

    #[test]
    fn toml_values_comments_and_odd_keys_are_masked() {
        let text = "[scan] # tok Zq81\nfail_on = \"Zq81xx\"\nexclude = [\"a/**\",\n  'Zq81y' ]\n\
                    t = { k = \"Zq81z\", n = 5 }\nm = '''\nZq81\n  more = Zq81\n'''\n\
                    bare Zq81w\nn = \"esc \\\" Zq81\"\nx = tru\"e\n[[Zq81Q9x3]]\n";
        let m = mask_toml(text);
        same_shape(text, &m);
        assert!(!m.contains("Zq81"), "{m}");
        assert!(m.contains("[scan] #"), "{m}");
        assert!(m.contains("fail_on = \"******\""), "{m}");
        assert!(m.contains("exclude = [\"****\","), "{m}");
        assert!(m.contains("t = { k = \"*****\", n = * }"), "{m}");
    }

    #[test]
    fn unterminated_strings_mask_to_the_end_of_their_line_or_text() {
        let text = "a = \"Zq81\nb = 'Zq81\nc = '''Zq81\nd = 1\n";
        let m = mask_toml(text);
        same_shape(text, &m);
        assert!(!m.contains("Zq81") && !m.contains("d = 1"), "{m}");
        assert!(m.starts_with("a = \"****\nb = '****\nc = '''"), "{m}");
    }

    #[test]
    fn dotenv_values_and_non_assignments_are_masked() {
        let text = "# Zq81 note\nexport API_KEY=Zq81a\nB = \"Zq81\nZq81\" # Zq81\n\
                    API_KEY: Zq81b\n-----BEGIN Zq81-----\nZq81Zq81==\nghp_Zq81Q9x3Wv=1\nC='Zq81\nZq81\n";
        let m = mask_dotenv(text);
        same_shape(text, &m);
        assert!(!m.contains("Zq81"), "{m}");
        assert!(m.contains("export API_KEY=*****\nB = \"****"), "{m}");
    }
}
