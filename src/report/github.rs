//! GitHub Actions workflow commands (`--format github`): one annotation per new finding
//! (`::error` when it fails the gate, `::warning` below `--fail-on`), one `::error` per input that
//! could not be read, one `::warning` per file with findings not listed, then the human summary
//! line. Baselined and suppressed findings are not
//! annotated (the report and the job summary list them).
//!
//! Escaping follows the Actions toolkit: in the message `%`, `\r`, `\n` are percent-encoded; in
//! properties `:` and `,` are as well, so a path or title can never end a property or the command.
//! Messages carry only the masked form of a secret.

use super::{Report, human};
use crate::finding::State;

/// Renders the report as workflow commands, one per line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.state == State::New) {
        let level = if f.severity >= report.fail_on {
            "error"
        } else {
            "warning"
        };
        let title = format!("{} ({})", f.title, f.rule_id);
        let message = format!(
            "{}: {} secret of {} characters, masked {}{} (rule {}, fingerprint {})",
            f.title,
            f.severity,
            f.secret_len,
            f.masked,
            f.parts_text(),
            f.rule_id,
            f.fingerprint
        );
        out.push_str(&format!(
            "::{level} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            property(&f.path),
            f.line,
            f.end_line,
            f.column,
            f.end_column,
            property(&title),
            data(&message)
        ));
    }
    for e in &report.errors {
        let file = if e.path.is_empty() {
            String::new()
        } else {
            format!("file={},", property(&e.path))
        };
        out.push_str(&format!(
            "::error {file}title={}::{}\n",
            property("leakgate could not scan this input"),
            data(&e.message)
        ));
    }
    for u in &report.unlisted {
        out.push_str(&format!(
            "::warning file={},title={}::{}\n",
            property(&u.path),
            property("leakgate did not list every finding in this file"),
            data(&u.message())
        ));
    }
    out.push_str(&human::summary_line(report));
    out.push('\n');
    out
}

/// Escapes a command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(data("50% done\r\nnext::x"), "50%25 done%0D%0Anext::x");
        assert_eq!(property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
