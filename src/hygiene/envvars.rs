//! The env-file content checks: rotation age (`NAME_ROTATED_AT` against `NAME_MAX_AGE_DAYS`,
//! default 90 days) and forbidden scopes (`NAME_API_SCOPES` / `NAME_PERMISSIONS` that include
//! `withdraw`). Only those variables are read, so an issue never carries a secret value; dates
//! are computed in whole days from a given `today`, so the checks are deterministic.

/// Days a secret may go without rotation when the file does not say.
pub const DEFAULT_MAX_AGE_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rotation,
    Scope,
}

/// One problem at one assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub kind: Kind,
    pub name: String,
    pub value: String,
    /// 1-based line.
    pub line: usize,
    pub detail: String,
}

/// `NAME=value` assignments (optional `export`, quotes stripped) of the variables these checks
/// read, with their lines.
fn assignments(text: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let t = t.strip_prefix("export ").map_or(t, str::trim_start);
        let Some((name, value)) = t.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        let upper = name.to_ascii_uppercase();
        let wanted = [
            "_ROTATED_AT",
            "_MAX_AGE_DAYS",
            "_API_SCOPES",
            "_PERMISSIONS",
        ]
        .iter()
        .any(|s| upper.ends_with(s));
        if !wanted {
            continue;
        }
        let mut v = value.trim();
        if let Some(hash) = v.find(" #") {
            v = v[..hash].trim_end();
        }
        for q in ['"', '\''] {
            if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
                v = &v[1..v.len() - 1];
            }
        }
        out.push((i + 1, name.to_string(), v.to_string()));
    }
    out
}

/// Runs both checks over an env file's text.
pub fn check(text: &str, today: &str) -> Vec<Issue> {
    let vars = assignments(text);
    let Some(today) = days(today) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (line, name, value) in &vars {
        let upper = name.to_ascii_uppercase();
        if let Some(prefix) = upper.strip_suffix("_ROTATED_AT") {
            let max_name = format!("{prefix}_MAX_AGE_DAYS");
            let max = vars
                .iter()
                .find(|(_, n, _)| n.to_ascii_uppercase() == max_name)
                .and_then(|(_, _, v)| v.parse::<i64>().ok())
                .filter(|&m| m > 0);
            let (max_days, max_from) = match max {
                Some(m) => (m, max_name.clone()),
                None => (DEFAULT_MAX_AGE_DAYS, "the default".to_string()),
            };
            let detail = match iso_date(value).and_then(days) {
                None => Some(format!(
                    "`{value}` is not an ISO 8601 date: nobody can tell when this secret was rotated"
                )),
                Some(d) if today - d > max_days => Some(format!(
                    "rotated {} days ago; the maximum is {max_days} days ({max_from})",
                    today - d
                )),
                Some(_) => None,
            };
            if let Some(detail) = detail {
                out.push(Issue {
                    kind: Kind::Rotation,
                    name: name.clone(),
                    value: value.clone(),
                    line: *line,
                    detail,
                });
            }
        } else if upper.ends_with("_API_SCOPES") || upper.ends_with("_PERMISSIONS") {
            let forbidden: Vec<&str> = value
                .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-')))
                .filter(|s| s.to_ascii_lowercase().contains("withdraw"))
                .collect();
            if !forbidden.is_empty() {
                out.push(Issue {
                    kind: Kind::Scope,
                    name: name.clone(),
                    value: value.clone(),
                    line: *line,
                    detail: format!(
                        "grants `{}`: a leak of this key can move funds out",
                        forbidden.join("`, `")
                    ),
                });
            }
        }
    }
    out
}

/// The `YYYY-MM-DD` of an ISO 8601 date or date-time (`2024-01-31`, `2024-01-31T08:00:00Z`).
fn iso_date(v: &str) -> Option<&str> {
    let date = v.get(..10)?;
    let rest = &v[10..];
    let ok_rest = rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ');
    (crate::date::is_date(date) && ok_rest).then_some(date)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian).
fn days(date: &str) -> Option<i64> {
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: i64 = date.get(5..7)?.parse().ok()?;
    let d: i64 = date.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers() {
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(days("2000-03-01"), Some(11_017));
        assert_eq!(
            days("2024-12-31").unwrap() - days("2024-01-01").unwrap(),
            365
        );
        assert_eq!(days("2024-13-01"), None);
    }

    #[test]
    fn rotation_older_than_the_maximum_fires() {
        let text = "BOT1_API_ROTATED_AT=2024-01-01\nBOT1_API_MAX_AGE_DAYS=30\n\
                    BOT2_API_ROTATED_AT=\"2024-05-20T08:00:00Z\"\n\
                    BOT3_API_ROTATED_AT=2023-12-01 # default maximum\n\
                    BOT4_API_ROTATED_AT=last spring\n";
        let issues = check(text, "2024-06-01");
        let got: Vec<(&str, usize)> = issues.iter().map(|i| (i.name.as_str(), i.line)).collect();
        assert_eq!(
            got,
            [
                ("BOT1_API_ROTATED_AT", 1),
                ("BOT3_API_ROTATED_AT", 4),
                ("BOT4_API_ROTATED_AT", 5)
            ]
        );
        assert!(issues[0].detail.contains("152 days ago") && issues[0].detail.contains("30 days"));
        assert!(issues[1].detail.contains("the default"));
        assert!(issues[2].detail.contains("not an ISO 8601 date"));
        // Within the maximum: quiet.
        assert!(check("A_ROTATED_AT=2024-05-31\n", "2024-06-01").is_empty());
    }

    #[test]
    fn withdraw_scopes_fire_and_trade_scopes_do_not() {
        let text = "BOT1_API_SCOPES=read,trade,withdraw\nexport BOT2_PERMISSIONS='spot:read wallet:withdraw:write'\nBOT3_API_SCOPES=read,trade\n";
        let issues = check(text, "2024-06-01");
        assert_eq!(issues.len(), 2);
        assert_eq!(issues[0].kind, Kind::Scope);
        assert!(issues[1].detail.contains("wallet:withdraw:write"));
        assert!(check("BOT3_API_SCOPES=read,trade\n", "2024-06-01").is_empty());
    }
}
