//! YAML block scalars that are documentation: `EXAMPLES: |` in the `.yml` documentation files of
//! Ansible modules, `usage: >` and `help: |` texts in tool configs. The text of such a block shows
//! how to call something; its values are examples, judged as in a docstring. YAML files are not
//! parsed: the block a value sits in is found from the indentation of the lines above it.

/// How far up from a value the header of its block is looked for: a block of examples longer
/// than this is unusual, and the walk stays bounded for every candidate of a large file.
const LOOK_BACK: usize = 64 << 10;

/// Whether the value at `at` in the YAML text `buf` lies inside a block scalar (`|` or `>`)
/// whose key has a documentation word (`EXAMPLES`, `usage`, `help`).
pub fn in_doc_block(buf: &[u8], at: usize) -> bool {
    let floor = at.saturating_sub(LOOK_BACK);
    let line_start =
        |end: usize| memchr::memrchr(b'\n', &buf[floor..end]).map_or(floor, |i| floor + i + 1);
    let mut start = line_start(at);
    let mut indent = indentation(&buf[start..at]);
    while start > floor && indent > 0 {
        let end = start - 1;
        start = line_start(end);
        let line = &buf[start..end];
        let blank = line.iter().all(u8::is_ascii_whitespace);
        let ind = indentation(line);
        if blank || ind >= indent || line[ind] == b'#' {
            continue;
        }
        if let Some(key) = block_header(&line[ind..]) {
            return super::doc_name(key);
        }
        indent = ind;
    }
    false
}

fn indentation(line: &[u8]) -> usize {
    line.iter().take_while(|b| **b == b' ').count()
}

/// The key of a block scalar's header line (`EXAMPLES: |`, `- usage: >-`, `help: |2`).
fn block_header(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_prefix(b"- ").unwrap_or(line);
    let colon = memchr::memchr(b':', line)?;
    let (key, rest) = (&line[..colon], line[colon + 1..].trim_ascii());
    let indicator = rest.first().is_some_and(|b| matches!(b, b'|' | b'>'))
        && rest[1..]
            .iter()
            .all(|b| matches!(b, b'-' | b'+' | b'0'..=b'9'));
    let key = key.trim_ascii();
    let key = key
        .strip_prefix(b"\"")
        .and_then(|k| k.strip_suffix(b"\""))
        .unwrap_or(key);
    (indicator && !key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(src: &str, needle: &str) -> bool {
        in_doc_block(src.as_bytes(), src.find(needle).unwrap())
    }

    #[test]
    fn values_in_documentation_blocks_are_found_by_indentation() {
        let src = concat!(
            "DOCUMENTATION:\n",
            "  module: user\n",
            "  options:\n",
            "    password:\n",
            "      description: The password.\n",
            "EXAMPLES: |\n",
            "  - name: Create bob\n",
            "    microsoft.ad.user:\n",
            "      identity: bob\n",
            "\n",
            "      password: VALUE1\n",
            "RETURN:\n",
            "  sid:\n",
            "    sample: VALUE2\n",
            "config: |\n",
            "  password: VALUE3\n",
            "tool:\n",
            "  usage: >-\n",
            "    run --token VALUE4\n",
            "password: VALUE5\n",
        );
        assert!(at(src, "VALUE1"));
        assert!(
            !at(src, "VALUE2"),
            "a mapping named RETURN is data, not a block of text"
        );
        assert!(!at(src, "VALUE3"), "a block not named as documentation");
        assert!(at(src, "VALUE4"));
        assert!(!at(src, "VALUE5"));
    }
}
