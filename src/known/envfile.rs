//! A dotenv parser for `--env-file`: `NAME=value` lines with optional `export`, `#` comments
//! (whole-line, or after an unquoted value), single quotes (literal), double quotes (with `\n`,
//! `\t`, `\"`, `\\` escapes) and backticks, each of which may span lines. Errors name the file,
//! the line, the column and the variable; they never quote a value, and their code frame shows
//! the file masked (`diag::mask_dotenv`).

use crate::diag::SourceError;

/// One `NAME=value` assignment.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// 1-based line of the assignment.
    pub line: usize,
}

// Values are secrets: no Debug that could print them.
impl std::fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvVar")
            .field("name", &self.name)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

/// Parses dotenv text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Vec<EnvVar>, Box<SourceError>> {
    let mut vars: Vec<EnvVar> = Vec::new();
    let mut pos = 0;
    let fail = |span: std::ops::Range<usize>, msg: &str, label: &str| {
        Box::new(SourceError::dotenv(
            file,
            text,
            span,
            format!("{file}: {msg}"),
            label,
        ))
    };
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        if trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
            pos = line_end + 1;
            continue;
        }
        let body = trimmed
            .strip_prefix("export")
            .filter(|r| r.starts_with([' ', '\t']))
            .map_or(trimmed, str::trim_start);
        let body_start = pos + (line.len() - body.len());
        let Some(eq) = body.find('=') else {
            let after = match vars.last() {
                Some(v) => format!(
                    " (after {})",
                    crate::diag::quoted_key(&v.name, "a variable (not shown)")
                ),
                None => String::new(),
            };
            let msg =
                format!("expected NAME=value{after}; a value on several lines must be quoted");
            return Err(fail(pos + lead..line_end, &msg, "not an assignment"));
        };
        let name = body[..eq].trim_end();
        let valid = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Err(fail(
                body_start..body_start + eq,
                "invalid variable name",
                "names are letters, digits and underscores",
            ));
        }
        let after = &text[body_start + eq + 1..];
        let value_ws = after.len() - after.trim_start_matches([' ', '\t']).len();
        let vstart = body_start + eq + 1 + value_ws;
        let line_no = crate::diag::line_of(text, pos);
        let (value, next) = match text[vstart..].chars().next() {
            Some(q @ ('\'' | '"' | '`')) => {
                let Some(close) = crate::text::closing_quote(&text[vstart + 1..], q) else {
                    let msg = format!(
                        "unterminated quoted value of {}",
                        crate::diag::quoted_key(name, "a variable")
                    );
                    return Err(fail(vstart..line_end, &msg, "this quote is never closed"));
                };
                let raw = &text[vstart + 1..vstart + 1 + close];
                let value = if q == '"' {
                    unescape(raw)
                } else {
                    raw.to_string()
                };
                let after_quote = vstart + 1 + close + 1;
                let end = text[after_quote..]
                    .find('\n')
                    .map_or(text.len(), |i| after_quote + i);
                (value, end + 1)
            }
            _ => {
                let raw = &text[vstart..line_end];
                let raw = match raw.find(" #").or_else(|| raw.find("\t#")) {
                    Some(i) => &raw[..i],
                    None => raw,
                };
                (
                    raw.trim_end().trim_end_matches('\r').to_string(),
                    line_end + 1,
                )
            }
        };
        vars.push(EnvVar {
            name: name.to_string(),
            value,
            line: line_no,
        });
        pos = next;
    }
    Ok(vars)
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(".env", text)
            .unwrap()
            .into_iter()
            .map(|v| (v.name, v.value))
            .collect()
    }

    #[test]
    fn dotenv_syntax() {
        let text = "# comment\nexport A=1\nB = two words # note\nC='x # y'\nD=\"l1\\nl2 \\\"q\\\"\"\n\nE=\"multi\nline\"\nF=\nG=`tick`\n";
        let got = pairs(text);
        let want = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "x # y"),
            ("D", "l1\nl2 \"q\""),
            ("E", "multi\nline"),
            ("F", ""),
            ("G", "tick"),
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn crlf_and_export_names() {
        let got = pairs("export_X=1\r\nexport  Y=2\r\n");
        assert_eq!(got[0], ("export_X".into(), "1".into()));
        assert_eq!(got[1], ("Y".into(), "2".into()));
    }

    #[test]
    fn errors_name_the_line_without_the_value() {
        let e = parse(".env", "A=1\nB='never closed\n").unwrap_err();
        assert_eq!(e.line(), 2);
        assert!(!e.src.inner().contains("never closed"));
        let e = parse(".env", "A=1\njust words\n").unwrap_err();
        assert_eq!(e.line(), 2);
        assert!(e.message.contains("NAME=value"));
    }
}
