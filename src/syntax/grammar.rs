//! Grammar and theme tables in JavaScript and TypeScript (Monaco's Monarch tokenizers and themes,
//! Ace and CodeMirror modes): objects whose `token` key holds a token class (`"@rematch"`,
//! `'keyword.$0'`, `"string.quoted"`), a string bound to the word `token` that is no credential.

use std::ops::Range;

use tree_sitter::Node;

use super::{Lang, is_string};

/// Keys that, beside `token`, make an object a lexer rule or a theme rule: what to match
/// (`regex`), where to go next (`next`, `push`, `switchTo`, `goBack`, `nextEmbedded`,
/// `include`), how to color (`foreground`, `background`, `fontStyle`), brackets (`open`,
/// `close`, `bracket`), Monarch's `cases`, Ace's `onMatch`. A credential object has none of
/// them: it has a user, a URL, an expiry.
const RULE_KEYS: [&[u8]; 16] = [
    b"next",
    b"regex",
    b"push",
    b"switchTo",
    b"goBack",
    b"nextEmbedded",
    b"include",
    b"foreground",
    b"background",
    b"fontStyle",
    b"open",
    b"close",
    b"bracket",
    b"cases",
    b"onMatch",
    b"log",
];

/// Keys beside `defaultToken` that make an object a Monarch language definition.
const LANGUAGE_KEYS: [&[u8]; 4] = [b"tokenizer", b"tokenPostfix", b"ignoreCase", b"brackets"];

/// For a string `s` holding the value: a grammar table's token class, or `None`. The rule: the
/// string is the value of a `token` key (the key is the candidate's name), and its object has
/// another key of a lexer or theme rule ([`RULE_KEYS`]), or is the action of a lexer rule (an
/// array whose first element is a regex literal: `[/\d+/, { token: 'number' }]`); or it is the
/// value of `defaultToken` in an object with a Monarch language's keys ([`LANGUAGE_KEYS`]).
pub(super) fn token_class(
    lang: Lang,
    s: Node,
    buf: &[u8],
    name: &Range<usize>,
) -> Option<&'static str> {
    if !matches!(lang, Lang::JavaScript | Lang::TypeScript | Lang::Tsx) {
        return None;
    }
    let mut s = s;
    while let Some(p) = s.parent()
        && p.is_named()
        && is_string(p.kind())
    {
        s = p;
    }
    let pair = s.parent()?;
    if pair.kind() != "pair" || pair.child_by_field_name("value")? != s {
        return None;
    }
    let key = pair.child_by_field_name("key")?;
    // The key is the candidate's name, not some other word before it.
    if key.end_byte() <= name.start || key.start_byte() >= name.end {
        return None;
    }
    let object = pair.parent()?;
    let keys = keys_of(object, buf);
    let has = |set: &[&[u8]]| keys.iter().any(|k| set.contains(k));
    let table = match key_text(key, buf) {
        b"token" => has(&RULE_KEYS) || lexer_action(object),
        b"defaultToken" => has(&LANGUAGE_KEYS),
        _ => false,
    };
    table.then_some("in code: a grammar or theme table's token class, not a secret")
}

/// The keys of an object's pairs.
fn keys_of<'b>(object: Node, buf: &'b [u8]) -> Vec<&'b [u8]> {
    let mut cursor = object.walk();
    object
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "pair")
        .filter_map(|p| p.child_by_field_name("key"))
        .map(|k| key_text(k, buf))
        .collect()
}

/// A key as written, without quotes.
fn key_text<'b>(key: Node, buf: &'b [u8]) -> &'b [u8] {
    let text = &buf[key.byte_range()];
    match text {
        [q, inner @ .., e] if q == e && matches!(q, b'"' | b'\'') => inner,
        _ => text,
    }
}

/// The object is an element of an array whose first element is a regex literal.
fn lexer_action(object: Node) -> bool {
    object.parent().is_some_and(|a| {
        a.kind() == "array"
            && a.named_child(0)
                .is_some_and(|first| first.kind() == "regex")
    })
}
