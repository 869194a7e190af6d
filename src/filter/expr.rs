//! Generic values that are code, told from their bytes alone: comparisons read as assignments,
//! expressions built of names and operators, and grammar tables' scope names. These shapes fill
//! minified bundles, files too large to parse and languages without a grammar here, where the
//! parser of `crate::syntax` gives no answer; in docs they are code quoted in prose.
//!
//! Each check asks for code structure a credential does not have (an operator between names
//! made of words), so a random value is never read as code: a JWT is dotted too, but its parts
//! are not words; base64 ends in `==`, but nothing follows it.

use crate::classify::entropy::is_identifier;

/// The value starts a comparison, not an assignment: the generic rules read `a.kind===b.kind`
/// as the name `kind`, the separator `=` and the value `==b.kind`, and `i>=this.length` as
/// `i`, `>` and `=this.length`. `before` is the buffer up to the value.
pub(super) fn comparison(before: &[u8], v: &[u8]) -> Option<&'static str> {
    let op = before.last().is_some_and(|b| b"=<>!".contains(b));
    (op && v.first() == Some(&b'=')).then_some("a comparison, not an assignment")
}

/// The generic rules read `p->field` as the name `p-`, the separator `>` and the value `field`:
/// a member access through a pointer, not an assignment (`pToken->pDeferred==0`).
pub(super) fn arrow(before: &[u8]) -> Option<&'static str> {
    before
        .ends_with(b"->")
        .then_some("a member access through a pointer (`->`), not an assignment")
}

/// The operators an expression of names may hold, longest first: member access (plain,
/// optional, through a pointer, through a path), comparison, logic, nullish coalescing, the
/// conditional, negation and arithmetic. A run of operator bytes must split into these.
const OPERATORS: [&[u8]; 19] = [
    b"===", b"!==", b"?.", b"->", b"::", b"==", b"!=", b">=", b"<=", b"&&", b"||", b"??", b".",
    b"!", b"=", b"?", b"+", b"^", b"*",
];

/// Splits an operator run into [`OPERATORS`], longest first; `None` if some byte is none.
fn operators(mut run: &[u8]) -> Option<Vec<&'static [u8]>> {
    let mut out = Vec::new();
    while !run.is_empty() {
        let op = OPERATORS.iter().find(|op| run.starts_with(op))?;
        out.push(*op);
        run = &run[op.len()..];
    }
    Some(out)
}

/// Names that are values in code.
const KEYWORDS: [&[u8]; 8] = [
    b"null",
    b"undefined",
    b"true",
    b"false",
    b"this",
    b"self",
    b"None",
    b"nil",
];

/// The value is an expression of names: names made of words (`options`, `skipToken`,
/// `is_empty_element`), numbers and keywords, joined by the operators of member access,
/// comparison and logic (`options?.skipToken`, `h?.blockCommentStartToken??null`,
/// `!parser_token.is_empty_element`, `e.passwordChar||`, `f.onMatch=f.token`). A lone `=`
/// counts only beside a member access, so `name=value` pairs of a query string stay values.
pub(super) fn expression(v: &[u8]) -> Option<&'static str> {
    let mut names = 0;
    let mut snake = false;
    let mut ops: Vec<&[u8]> = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let start = i;
        if is_atom_byte(v[i]) {
            while i < v.len() && is_atom_byte(v[i]) {
                i += 1;
            }
            let atom = &v[start..i];
            if !code_atom(atom) {
                return None;
            }
            names += 1;
            snake |= atom.len() > 2 && atom[1..atom.len() - 1].contains(&b'_');
        } else {
            while i < v.len() && !is_atom_byte(v[i]) {
                i += 1;
            }
            ops.extend(operators(&v[start..i])?);
        }
    }
    if names == 0 || ops.is_empty() {
        return None;
    }
    // Operators no value holds by chance; then `.` beside any other operator; then arithmetic
    // and the conditional between snake_case names. Alone, `.` is a dotted key or a member
    // chain (judged by `value_is_code`), `=` a query parameter, and `Welcome+2024` a password.
    let strong = ops.iter().any(|op| STRONG.contains(op));
    let dot = ops.contains(&&b"."[..]) && ops.iter().any(|op| *op != b".");
    let arithmetic = snake
        && ops
            .iter()
            .any(|op| matches!(*op, b"+" | b"^" | b"*" | b"?"));
    let negated = v.starts_with(b"!") && ops.len() >= 2;
    (strong || dot || arithmetic || negated)
        .then_some("an expression of names and operators, not a literal")
}

/// Operators of access, comparison and logic, which no credential holds.
const STRONG: [&[u8]; 12] = [
    b"===", b"!==", b"?.", b"->", b"::", b"==", b"!=", b">=", b"<=", b"&&", b"||", b"??",
];

fn is_atom_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$')
}

/// A name as code writes it and people name things: short (`e`, `ctx`), made of words
/// (`skipToken`, `is_empty_element`, `$rowTokens`), a keyword, or a number.
fn code_atom(a: &[u8]) -> bool {
    if a.iter().all(u8::is_ascii_digit) || KEYWORDS.contains(&a) {
        return true;
    }
    let name = a.strip_prefix(b"$").unwrap_or(a);
    let is_name = name
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'$');
    is_name && (name.len() <= 4 || is_identifier(name))
}

/// A grammar table's scope name under a `token` key (`{ token: "keyword.tag-$0" }`,
/// `{token:"@brackets.directive"}`, `defaultToken: "invalid"`): lower-case words joined by `.`,
/// with `-`, a `$N` capture reference or a leading `@` state reference. `name` is the text before
/// the value. A credential is not a sentence of lower-case words.
pub(super) fn scope_name(name: &[u8], v: &[u8]) -> Option<&'static str> {
    let key = name
        .rsplit(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .find(|w| !w.is_empty())?;
    if key != b"token" && key != b"defaultToken" {
        return None;
    }
    let body = v.strip_prefix(b"@").unwrap_or(v);
    let parts: Vec<&[u8]> = body.split(|&b| b == b'.').collect();
    let scoped = v.starts_with(b"@") || parts.len() >= 2;
    let words = parts.iter().all(|p| {
        !p.is_empty()
            && p.split(|&b| b == b'-' || b == b'_')
                .all(|w| scope_word(w.strip_suffix(b"$0").unwrap_or(w)))
    });
    (scoped && words).then_some("a grammar table's scope name, not a secret")
}

/// A word of a scope name: lower-case letters (`gdscript`, `doctype`), a `$N` capture, or empty
/// (`tag-$0` splits into `tag` and `$0`).
fn scope_word(w: &[u8]) -> bool {
    if let Some(n) = w.strip_prefix(b"$") {
        return !n.is_empty() && n.iter().all(u8::is_ascii_digit);
    }
    w.iter().all(u8::is_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_told_from_assignments_by_the_operator_before_the_value() {
        assert!(comparison(b"a.kind=", b"==b.kind").is_some());
        assert!(comparison(b"this.$tokenIndex>", b"=this.$rowTokens.length").is_some());
        assert!(comparison(b"password = ", b"=Zx9kqLmP2w8R").is_none());
        assert!(comparison(b"password=", b"Zx9kqLmP2w8R==").is_none());
    }

    #[test]
    fn expressions_of_names_are_code_and_random_values_are_not() {
        for v in [
            "options?.skipToken",
            "h?.blockCommentStartToken??null",
            "options.sourceCustomerProvidedKey?.encryptionKey",
            "config?.credentialDefaultProvider",
            "!parser_token.is_empty_element",
            "e.passwordChar||",
            "f.onMatch=f.token",
            "pDeferred==0",
            "==U.operatorToken.kind",
            "!!options.password",
            "o?c.tokenStructuredMatcherNoCategories",
            "e.accessKeyId+",
            "a.token+t.tokenPostfix",
            "e.error.retryable=!0",
            "client_pk^server_sk",
        ] {
            assert!(expression(v.as_bytes()).is_some(), "{v}");
        }
        for v in [
            "Zx9kqLmP2w8RtVb4nC7d==",
            "user=admin&pass=Zx9kqLmP2w8R",
            "corp.admin.2024",
            "aB3&dkq9Zz!x|Lm",
            "Summer2024!",
            "k8Xq2.Lm9Wz4.Rt7Vb",
            "!Xk9mQ2pLr7TzW4vB",
            "Zx9kqLmP+w8RtVb4/nC7d=",
            "hQ7kP2mZ9!",
            "Welcome+2024",
            "Spring^2023",
            "Maple57!Frost*3",
            "Harbor48!Blue!2",
        ] {
            assert!(expression(v.as_bytes()).is_none(), "{v}");
        }
    }

    #[test]
    fn a_jwt_is_dotted_but_not_an_expression() {
        // Joined at run time, so that the project's own scan does not read a token here.
        let jwt = [
            "eyJhbGciOiJIUzI1NiJ9",
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
            "dozjgNryP4J3jVmNHl0w5N",
        ]
        .join(".");
        assert!(expression(jwt.as_bytes()).is_none());
        assert!(expression(format!("!{jwt}").as_bytes()).is_none());
    }

    #[test]
    fn scope_names_only_under_token_keys() {
        assert!(scope_name(b"{ token: \"", b"keyword.tag-$0").is_some());
        assert!(scope_name(b"{token:\"", b"@brackets.directive").is_some());
        assert!(scope_name(b"{ token: \"", b"@rematch").is_some());
        assert!(scope_name(b"{ token: \"", b"xml-pe.doctype.xml").is_some());
        assert!(scope_name(b"api_token: \"", b"keyword.tag").is_none());
        assert!(scope_name(b"{defaultToken:\"", b"meta.function-call.gdscript").is_some());
        assert!(scope_name(b"{ token: \"", b"k9xq2lm.wz4rt7vb").is_none());
        assert!(scope_name(b"{ token: \"", b"Zx9kqLmP2w8RtVb4").is_none());
    }
}
