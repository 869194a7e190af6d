//! Windowed rules (`rules::reach`: a rule runs only on the lines around its keywords' hits) find
//! exactly what a search of the whole buffer finds, for every built-in rule's examples and
//! negative examples, alone, in context, and mixed with each other.

use leakgate::detect::{Candidate, Scanner, Scratch};
use leakgate::rules::RulePack;
use leakgate::rules::reach::Opening;

fn candidates(scanner: &Scanner, buf: &[u8]) -> Vec<Candidate> {
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    scanner.scan("notes/app.log", buf, &mut scratch, &mut out);
    out.sort_by_key(|c| (c.rule, c.secret.start, c.secret.end, c.matched.start));
    out
}

fn scanners() -> (Scanner, Scanner) {
    let windowed = Scanner::new(RulePack::builtin().expect("built-in pack"));
    let mut whole = Scanner::new(RulePack::builtin().expect("built-in pack"));
    whole.windows = false;
    (windowed, whole)
}

fn examples(scanner: &Scanner) -> Vec<String> {
    scanner
        .rules()
        .iter()
        .flat_map(|r| r.examples.iter().chain(&r.negative_examples).cloned())
        .collect()
}

/// Text that mentions many keywords without holding a secret: windows of many rules, to merge
/// and to cut the examples' neighbourhood into pieces.
const NOISE: &str = "2026-11-23T10:00:01Z INFO auth ok token=<redacted> key_id=42 secret rotated\n\
    {\"msg\":\"password check\",\"api_key\":\"${API_KEY}\",\"bearer\":true}\n\
    plain line without anything interesting in it at all\n";

#[test]
fn every_example_is_found_the_same_windowed_and_whole_in_context() {
    let (windowed, whole) = scanners();
    let examples = examples(&windowed);
    assert!(
        examples.len() > 500,
        "the pack's examples: {}",
        examples.len()
    );
    // Every keyword of the pack, far above the example: rules whose keyword is only context
    // (`binance` selects a rule for `api_key = ...`) run around literals of their own regex.
    let keywords: Vec<&str> = windowed
        .rules()
        .iter()
        .flat_map(|r| r.keywords.iter().map(String::as_str))
        .collect();
    let far = format!("{}\n{}", keywords.join(" "), NOISE.repeat(5));
    for (i, ex) in examples.iter().enumerate() {
        let contexts = [
            format!("{far}{ex}\n"),
            ex.clone(),
            format!("{NOISE}{ex}\n{NOISE}"),
            format!("{NOISE}{ex}{NOISE}"),
            format!("{ex} {ex}\n{ex}"),
            format!("{NOISE}x{ex}y\r\n{NOISE}"),
            format!("{}\n", ex.replace('\n', "\r\n")),
            format!("\n\n{ex}\n\n"),
            format!("{{\"line\":{}}}\n", serde_json::Value::String(ex.clone())),
        ];
        for (j, buf) in contexts.iter().enumerate() {
            let buf = buf.as_bytes();
            assert_eq!(
                candidates(&windowed, buf),
                candidates(&whole, buf),
                "example {i} of the pack, context {j}"
            );
        }
    }
}

#[test]
fn mixed_examples_are_found_the_same_windowed_and_whole() {
    let (windowed, whole) = scanners();
    let examples = examples(&windowed);
    let separators = [
        "\n",
        " ",
        "\r\n",
        "",
        "\n\n    ",
        "\t",
        "\",\"",
        "\n  value: ",
    ];
    // A fixed xorshift sequence: reproducible, and different buffers on every round.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for round in 0..300 {
        let mut buf = String::new();
        for _ in 0..1 + next(24) {
            buf.push_str(&examples[next(examples.len())]);
            buf.push_str(separators[next(separators.len())]);
            if next(4) == 0 {
                buf.push_str(NOISE);
            }
        }
        assert_eq!(
            candidates(&windowed, buf.as_bytes()),
            candidates(&whole, buf.as_bytes()),
            "round {round}"
        );
    }
}

/// A scratch keeps each rule's regex cache from buffer to buffer; used by another scanner (whose
/// rule at the same index has another regex), it must not hand that rule the first one's cache.
#[test]
fn one_scratch_serves_scanners_with_different_rules_in_turn() {
    let pack = |re: &str| {
        let text = format!(
            "[[rules]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"high\"\nkeywords = [\"tok\"]\n\
             regex = '''{re}'''\nexamples = []\n"
        );
        Scanner::new(RulePack::from_sources([("r.toml", text.as_str())]).expect("pack"))
    };
    let digits = pack(r"tok_([0-9]{8})");
    let letters = pack(r"(?:(x)|(y))?tok_(?P<secret>[a-z]{8})(?:-([a-z]{2,40}))?");
    let buf = b"tok_12345678 tok_abcdefgh\n";
    let mut scratch = Scratch::default();
    let mut found = |scanner: &Scanner| {
        let mut out = Vec::new();
        scanner.scan("a.log", buf, &mut scratch, &mut out);
        out.iter()
            .map(|c| &buf[c.secret.clone()])
            .collect::<Vec<_>>()
    };
    for _ in 0..2 {
        assert_eq!(found(&digits), [b"12345678"]);
        assert_eq!(found(&letters), [b"abcdefgh"]);
    }
}

/// Rules whose name opens the match (`Windowing::anchored`: one anchored search per hit, from
/// the run of name bytes before it) find what the whole buffer's search finds, also where
/// matches follow each other inside one run, a hit lies inside an earlier match, or a short
/// match ends before the hit that started its search.
#[test]
fn anchored_searches_find_what_the_whole_buffer_search_finds() {
    let pack = |re: &str| {
        let text = format!(
            "[[rules]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"high\"\n\
             keywords = [\"key\", \"tok\"]\nregex = '''{re}'''\nexamples = []\n"
        );
        RulePack::from_sources([("r.toml", text.as_str())]).expect("pack")
    };
    let regexes = [
        r"(?i)[a-z0-9_]*?(?:key|tok)[a-z_]{0,3}=(?P<secret>[a-z0-9]{2,6})",
        r"(?i)(?P<name>[a-z0-9_=]*(?:key|tok))(?P<secret>[0-9]{1,3})",
        r"(?:key|tok)_(?P<secret>[a-z0-9]{2,4})\b",
        // Opened by one byte that is not a name byte, or a line start (`Windowing::boundary`),
        // with the line break in that class or not.
        r"(?im)(?:^|[^?&a-z0-9_])[a-z0-9_]*?(?:key|tok)[a-z_]{0,3}=(?P<secret>[a-z0-9]{2,6})",
        r"(?m)(?:^|[ =])(?P<name>[a-z_]*(?:key|tok))(?P<secret>[0-9]{1,3})",
        r"(?i)[^a-z_](?:key|tok)=?(?P<secret>[a-z0-9]{2,4})",
        r"(?R)(?:^|[ 9])[A-Z_]*?(?:key|tok)(?P<secret>[0-9]{1,2})",
        // Opened by `\b` (`Windowing::word`): a name run with bytes that are not word bytes.
        r"(?i)\b[a-z0-9_=-]*?(?:key|tok)[a-z_]{0,3}=(?P<secret>[a-z0-9]{2,6})",
        r"\b(?P<name>[a-z_=?]*(?:key|tok))(?P<secret>[0-9]{1,3})",
        r"(?i)\b[a-z]*(?:key|tok)=?(?P<secret>[0-9]{2,4})",
    ];
    let alphabet = b"akeyKtoK_=19 \n\r?";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for re in regexes {
        let windowed = Scanner::new(pack(re));
        assert!(
            windowed.rules()[0].windowing.anchored,
            "{re} is searched from its hits"
        );
        assert_eq!(
            windowed.rules()[0].windowing.opening == Opening::Byte,
            re.contains("[^") || re.contains("(?:^|"),
            "{re} opens with a boundary"
        );
        assert_eq!(
            windowed.rules()[0].windowing.opening == Opening::Word,
            re.contains(r"\b[") || re.contains(r"\b(?"),
            "{re} opens with a word boundary"
        );
        let mut whole = Scanner::new(pack(re));
        whole.windows = false;
        for round in 0..3000 {
            let mut tricky = Vec::new();
            for _ in 0..next(60) {
                tricky.push(alphabet[next(alphabet.len())]);
                if next(5) == 0 {
                    tricky.extend_from_slice([&b"key"[..], b"tok", b"=", b"key="][next(4)]);
                }
            }
            // Text without hits around it: hits sparse enough to be searched one by one
            // rather than by a pass over the whole buffer.
            let plain = "plain words\n".repeat(2 + tricky.len() * 3);
            let buf = [plain.as_bytes(), &tricky, plain.as_bytes()].concat();
            assert_eq!(
                candidates(&windowed, &buf),
                candidates(&whole, &buf),
                "{re}, round {round}: {:?}",
                String::from_utf8_lossy(&buf)
            );
        }
    }
}
