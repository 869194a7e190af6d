//! Embeds the built-in rule pack: every `rules/*.toml` file becomes an `include_str!` entry of
//! `BUILTIN_RULE_FILES`, so adding a rule file needs no code change. It also analyses every
//! built-in rule's regex (`src/rules/analysis.rs`, compiled here too) and embeds the results, so
//! loading the built-in pack parses no regex. A rule whose regex does not parse gets no entry: the
//! loader then reports the error with its file, line and key.

#[allow(dead_code)]
#[path = "src/rules/analysis.rs"]
mod analysis;
#[allow(dead_code)]
#[path = "src/rules/format.rs"]
mod format;
#[allow(dead_code)]
#[path = "src/rules/reach.rs"]
mod reach;

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    for module in ["analysis", "format", "reach"] {
        println!("cargo:rerun-if-changed=src/rules/{module}.rs");
    }
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("pub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    let mut analyses: Vec<(u64, String)> = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    (\"rules/{name}\", include_str!({:?})),\n",
            path.display().to_string()
        ));
        let text = fs::read_to_string(path).expect("rule file is UTF-8");
        analyses.extend(analyse_file(&text));
    }
    out.push_str("];\n");
    let out_dir = env::var("OUT_DIR").unwrap();
    fs::write(Path::new(&out_dir).join("builtin_rules.rs"), out).expect("write builtin_rules.rs");
    analyses.sort_by_key(|(d, _)| *d);
    analyses.dedup_by_key(|(d, _)| *d);
    let mut table = String::from("&[\n");
    for (_, source) in &analyses {
        table.push_str("    ");
        table.push_str(source);
        table.push_str(",\n");
    }
    table.push(']');
    fs::write(Path::new(&out_dir).join("builtin_analyses.rs"), table)
        .expect("write builtin_analyses.rs");
}

/// The analyses of a rule file's regexes, as (digest, Rust source) pairs. A file that does not
/// parse, or a rule without a regex that parses, is left to the loader's errors.
fn analyse_file(text: &str) -> Vec<(u64, String)> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let Some(rules) = table.get("rules").and_then(|r| r.as_array()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for rule in rules {
        let Some(pattern) = rule.get("regex").and_then(|r| r.as_str()) else {
            continue;
        };
        let keywords: Vec<String> = rule
            .get("keywords")
            .and_then(|k| k.as_array())
            .map(|k| {
                k.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let Ok(hir) = analysis::parse(pattern) else {
            continue;
        };
        let a = analysis::analyze(&hir, &keywords);
        let digest = analysis::digest(pattern, &keywords);
        out.push((digest, analysis::Precomputed::source(digest, &a)));
    }
    out
}
