//! The masking property (ARCHITECTURE.md, "Masking"): for generated secrets in generated contexts,
//! no output of any format holds the raw secret or any 5-character run of it beyond the allowed
//! suffix.
//!
//! A run counts as leaked only when it appears in the output for this secret and not in the output
//! for an independent secret of the same shape in the same context: runs that happen to occur in
//! fixed text (titles, help, field names) are not the secret's doing.

use leakgate::detect::Scratch;
use leakgate::engine::scan_bytes;
use leakgate::finding::{Finding, Source};
use leakgate::report::{
    Report, RulesInfo, Stats, github, human, json, jsonl, junit, markdown, sarif,
};
use leakgate::rules::Severity;
use proptest::prelude::*;

use crate::util::examples::{NEIGHBOURS, examples, fixed_text, reshaped, scanner, windows};

/// Every output format for the findings of `text`.
fn outputs(text: &str) -> (Vec<Finding>, String) {
    let s = scanner();
    let mut scratch = Scratch::default();
    let mut cands = Vec::new();
    let findings = scan_bytes(
        s,
        "docs/notes.md",
        &Source::File,
        text.as_bytes(),
        &mut scratch,
        &mut cands,
    );
    let report = Report::new(
        ".".into(),
        &[],
        Severity::Low,
        RulesInfo {
            count: s.rules().len(),
            pack_digest: s.scanner.pack.digest.clone(),
        },
        Stats::default(),
        findings.clone(),
        Vec::new(),
    );
    let mut all = String::new();
    for opts in [
        human::HumanOptions {
            color: false,
            width: 80,
            explain: true,
        },
        human::HumanOptions {
            color: true,
            width: 200,
            explain: false,
        },
    ] {
        all.push_str(&human::render(&report, s.rules(), opts));
    }
    all.push_str(&json::render(&report));
    all.push_str(&jsonl::render(&report));
    all.push_str(&sarif::render(&report, s.rules()));
    all.push_str(&github::render(&report));
    all.push_str(&junit::render(&report));
    let doc = serde_json::to_value(&report).unwrap();
    all.push_str(&markdown::render(&doc).unwrap());
    all.push_str(&format!("{findings:?}"));
    (findings, all)
}

fn secret() -> impl Strategy<Value = String> {
    // Random enough to be judged a secret, and not read as a mask (`XXxX0Aaa...` starts like one).
    "[A-Za-z0-9]{20,48}".prop_filter("random enough", |s| {
        leakgate::classify::entropy::judge(s.as_bytes()).is_ok()
            && !leakgate::classify::is_placeholder(s.as_bytes())
    })
}

fn context() -> impl Strategy<Value = (String, String)> {
    let names = prop_oneof![
        Just("BOT1_BITGET_API_SECRET"),
        Just("api_key"),
        Just("password"),
        Just("REDIS_PASSWORD"),
        Just("clientSecret"),
        Just("x-api-key"),
    ];
    let shapes = prop_oneof![
        Just(("{n}={s}", "")),
        Just(("export {n}=\"{s}\"", "")),
        Just(("{{\"{n}\": \"{s}\", \"ok\": true}}", "")),
        Just(("{n}: '{s}'", "")),
        Just((
            "2026-02-22T08:00:01Z ERROR request failed {n}={s} retry=3",
            ""
        )),
        Just(("<{n}>{s}</{n}>", "")),
    ];
    let filler = "[ a-z.,:#-]{0,40}";
    (
        names,
        shapes,
        filler.prop_map(String::from),
        "[ a-z.,:#-]{0,40}",
    )
        .prop_map(|(n, (shape, _), pre, post)| {
            let line = shape
                .replace("{n}", n)
                .replace("{{", "{")
                .replace("}}", "}");
            (format!("{pre}\n{line}"), post)
        })
}

fn render(ctx: &(String, String), s: &str) -> String {
    format!("{}\n{}\n", ctx.0.replace("{s}", s), ctx.1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn no_output_holds_a_secret(ctx in context(), s in secret(), other in secret()) {
        prop_assume!(s != other);
        let (findings, out) = outputs(&render(&ctx, &s));
        prop_assert!(!findings.is_empty(), "the secret was not found in {:?}", render(&ctx, "<secret>"));
        prop_assert!(!out.contains(&s));
        let (_, baseline) = outputs(&render(&ctx, &other));
        for w in windows(&s, 5) {
            prop_assert!(
                !out.contains(&w) || baseline.contains(&w),
                "output holds {:?} of the secret", w
            );
        }
    }

    #[test]
    fn two_secrets_on_one_line_are_both_masked(a in secret(), b in secret()) {
        prop_assume!(a != b);
        let text = format!("api_key={a} password={b}\n");
        let (findings, out) = outputs(&text);
        prop_assert_eq!(findings.len(), 2);
        for s in [&a, &b] {
            prop_assert!(!out.contains(s.as_str()));
            for w in windows(s, 5) {
                // The fixed wording may share a word with a random value (`issue…`, "issued").
                prop_assert!(
                    !out.contains(&w) || "api_key= password=".contains(&w) || fixed_text().contains(&w)
                );
            }
        }
    }

    #[test]
    fn masks_show_at_most_a_suffix_of_long_secrets(s in "[ -~]{0,64}") {
        let m = leakgate::mask::mask(s.as_bytes());
        if s.chars().count() < 16 {
            prop_assert_eq!(m, "****");
        } else {
            let suffix: String = s.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
            prop_assert_eq!(m, format!("****{suffix}"));
        }
    }
}

fn other_value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{20,40}".prop_filter("mixed classes", |s| {
        s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes().any(|b| b.is_ascii_uppercase())
            && s.bytes().any(|b| b.is_ascii_lowercase())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every rule's example shape beside a second, undetected value, in lines of several kinds:
    /// no output holds the detected secret (beyond its allowed suffix) or any run of the second
    /// value.
    #[test]
    fn no_output_holds_a_detected_secret_or_its_neighbour(
        which in any::<prop::sample::Index>(),
        shape in 0..NEIGHBOURS.len(),
        other in other_value(),
        seed in any::<u64>(),
    ) {
        let (example, secrets) = &examples()[which.index(examples().len())];
        // A multi-line example stays whole; the neighbour goes on its last line.
        let text = format!("intro line\n{}\nlast line\n", NEIGHBOURS[shape].replace("{e}", example).replace("{o}", &other));
        let (_, out) = outputs(&text);
        let mut shifted = vec![other.clone()];
        shifted.extend(secrets.iter().cloned());
        let (_, baseline) = outputs(&reshaped(&text, &shifted, seed));
        // The text around the secrets: a token's public prefix may also be in its name
        // (`rubygems_api_key: rubygems_…`), which the output shows by design.
        let around = secrets.iter().fold(text.clone(), |t, s| t.replace(s.as_str(), "\u{0}"));
        for s in secrets {
            prop_assert!(!out.contains(s.as_str()), "raw secret of {:?}", example);
            for w in windows(s, 5) {
                prop_assert!(
                    !out.contains(&w)
                        || baseline.contains(&w)
                        || fixed_text().contains(&w)
                        || around.contains(&w),
                    "output holds {:?} of a secret of {:?} in {:?}", w, example, NEIGHBOURS[shape]
                );
            }
        }
        for w in windows(&other, 5) {
            prop_assert!(
                !out.contains(&w) || baseline.contains(&w),
                "output holds {:?} of the neighbour value in {:?} with {:?}", w, NEIGHBOURS[shape], example
            );
        }
    }
}
