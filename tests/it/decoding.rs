//! Secrets under an encoding are found through decoding layers, reported at the encoded text's
//! line with `decoded_from`, and never shown, in any format, encoded or not.

use crate::util::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

#[test]
fn encoded_secrets_are_found_at_their_line_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    let s: Vec<String> = (0..6).map(|i| synthetic(700 + i, 26)).collect();
    let (a, b) = s[1].split_at(11);
    let inner = format!("{{\"exchange\": \"bybit\", \"api_secret\": \"{}\"}}", s[4]);
    let lines = [
        "2026-11-23T10:00:00Z INFO boot".to_string(),
        format!(
            "{{\"level\":\"info\",\"dsn\":\"postgresql:\\/\\/trader:{}@db.internal:5432\\/bots\"}}",
            s[0]
        ),
        format!("\u{1b}[32mINFO\u{1b}[0m deploy API_SECRET=\u{1b}[1m{a}\u{1b}[0m{b} ok"),
        format!("<td>client_secret=&quot;{}&quot;</td>", s[2]),
        format!(
            "GET /cb?next=https%3A%2F%2Fapp.acme.io%2Fauth%3Fclient_secret%3D{}%26state%3D9 200",
            s[3]
        ),
        format!(
            "2026-11-23T10:00:05Z DEBUG payload={}",
            STANDARD.encode(&inner)
        ),
        "2026-11-23T10:00:06Z INFO done".to_string(),
    ];
    write_files(dir.path(), &[("logs/app.log", lines.join("\n") + "\n")]);
    let (code, v) = scan_json(dir.path(), &["--include-logs", "."]);
    assert_eq!(code, 1);
    let found: Vec<(u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["decoded_from"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let layer_on = |line: u64| {
        found
            .iter()
            .find(|(l, _)| *l == line)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("nothing on line {line}: {found:?}"))
    };
    assert_eq!(layer_on(2), "json-escape");
    assert_eq!(layer_on(3), "ansi");
    assert_eq!(layer_on(4), "html-entities");
    assert!(layer_on(5).starts_with("percent"), "{}", layer_on(5));
    assert_eq!(layer_on(6), "base64");
    assert_eq!(found.len(), 5, "{found:?}");

    for format in ["human", "json", "jsonl", "sarif"] {
        let out = leakgate(
            dir.path(),
            &[
                "scan",
                "--no-report",
                "--no-env",
                "--include-logs",
                "--format",
                format,
                ".",
            ],
        );
        let text = stdout(&out);
        for secret in &s {
            for w in secret.as_bytes().windows(8) {
                let w = std::str::from_utf8(w).unwrap();
                assert!(!text.contains(w), "{format} shows part of a secret");
            }
        }
        assert!(
            !text.contains(&STANDARD.encode(&inner)[..24]),
            "{format} shows the blob"
        );
    }
}

#[test]
fn encoded_references_and_placeholders_stay_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        "{\"msg\":\"set API_SECRET=${API_SECRET} in https:\\/\\/docs.acme.io\\/setup\"}",
        "<td>password=&quot;&lt;your-password&gt;&quot;</td>",
        "GET /cb?client_secret%3DYOUR_CLIENT_SECRET%26x%3D1",
        &format!(
            "blob {}",
            STANDARD.encode("{\"password\": \"changeme\", \"note\": \"placeholder\"}")
        ),
    ];
    write_files(dir.path(), &[("logs/app.log", lines.join("\n") + "\n")]);
    let (code, v) = scan_json(dir.path(), &["--include-logs", "."]);
    assert_eq!(code, 0, "{:?}", findings_of(&v));
}

/// A minified bundle is one line of megabytes with a few escapes: its layers keep only the
/// surroundings of what decoded, and still find each encoded secret at its own column, however
/// far apart they lie; what the layer cuts out adds nothing.
#[test]
fn encoded_secrets_far_apart_on_one_long_line_are_each_found_at_their_column() {
    let dir = tempfile::tempdir().unwrap();
    let s: Vec<String> = (0..3).map(|i| synthetic(740 + i, 28)).collect();
    let filler = "function f(a){return a.map(function(x){return x*2})};".repeat(4_000);
    let parts = [
        format!(
            "var u=\"https%3A%2F%2Fapi.acme.io%3Fclient_secret%3D{}\";",
            s[0]
        ),
        format!("var h=\"<b>client_secret=&quot;{}&quot;</b>\";", s[1]),
        format!("var q=\"next%3D%2Fcb%26client_secret%3D{}\";", s[2]),
    ];
    let mut line = String::new();
    let mut columns = Vec::new();
    for p in &parts {
        line.push_str(&filler);
        columns.push(line.len() + 1);
        line.push_str(p);
    }
    line.push_str(&filler);
    assert!(line.len() > 600_000);
    write_files(dir.path(), &[("dist/app.min.js", line + "\n")]);
    let (code, v) = scan_json(dir.path(), &["."]);
    assert_eq!(code, 1, "{v}");
    let found: Vec<(u64, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["decoded_from"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    for ((line, column, layer), (part, at)) in found.iter().zip(parts.iter().zip(&columns)) {
        assert_eq!(*line, 1);
        assert!(!layer.is_empty(), "found in a layer: {found:?}");
        // Reported within the encoded part, where its secret starts.
        let start = *at as u64;
        assert!(
            (start..start + part.len() as u64).contains(column),
            "{column} not within {start}..+{}: {found:?}",
            part.len()
        );
    }
}
