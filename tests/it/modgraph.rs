//! The module graph: the layers written in ARCHITECTURE.md ("Layers") are what the code imports.
//! Every `crate::` path in `src/` (test modules aside) names a top-level module; each such import
//! must point to a lower layer, so no import circle can form. A new module must be given a layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, top first, from the ```layers block of ARCHITECTURE.md.
fn layers() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let start = text
        .find("```layers\n")
        .expect("a ```layers block in ARCHITECTURE.md");
    let body = &text[start + "```layers\n".len()..];
    let end = body.find("```").expect("the layers block is closed");
    body[..end]
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|l| !l.is_empty())
        .collect()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments and test-only items: the trailing `mod tests` block and
/// any single item marked `#[cfg(test)]`.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    let mut skip_next = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            skip_next = true;
            continue;
        }
        if skip_next {
            skip_next = false;
            continue;
        }
        let code = match t.find("//") {
            Some(i) => &t[..i],
            None => t,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The top-level modules a file's code names through `crate::`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The group runs to its matching brace (groups nest: `crate::{a::{B, C}, d}`).
            let mut open = 1;
            let close = group
                .char_indices()
                .find(|&(_, c)| {
                    open += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    open == 0
                })
                .map_or(group.len(), |(j, _)| j);
            let inner = &group[..close];
            // Top-level items of the group: split on commas outside nested braces.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&inner[j..]);
                        if !name.is_empty() && name != "self" {
                            found.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn imports_follow_the_documented_layers() {
    let layers = layers();
    let mut layer_of: BTreeMap<String, usize> = BTreeMap::new();
    for (i, layer) in layers.iter().enumerate() {
        for m in layer {
            assert!(
                layer_of.insert(m.clone(), i).is_none(),
                "{m} is listed twice in the layers"
            );
        }
    }
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeSet::new();
    let mut violations = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = first.trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        modules.insert(top.clone());
        let Some(&from) = layer_of.get(&top) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for to in imports(&code(&text)) {
            if to == top {
                continue;
            }
            match layer_of.get(&to) {
                Some(&l) if l > from => {}
                Some(_) => violations.push(format!(
                    "src/{}: {top} imports {to}, which is not in a lower layer",
                    rel.display()
                )),
                None => {}
            }
        }
    }
    let listed: BTreeSet<String> = layer_of.keys().cloned().collect();
    let unlisted: Vec<_> = modules.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "modules missing from the layers of ARCHITECTURE.md: {unlisted:?}"
    );
    let stale: Vec<_> = layer_of.keys().filter(|m| !modules.contains(*m)).collect();
    assert!(
        stale.is_empty(),
        "layers name modules that do not exist: {stale:?}"
    );
    assert!(
        violations.is_empty(),
        "imports against the layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_import_reader_sees_groups_paths_and_skips_tests() {
    let got = imports(&code(
        "use crate::a::B;\nuse crate::{b::{C, D}, c, self};\nfn f() { crate::d::e(); }\n\
         // crate::comment\n#[cfg(test)]\nuse crate::testonly;\n#[cfg(test)]\nmod tests {\n\
         use crate::x;\n}\n",
    ));
    let want: BTreeSet<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want);
}
