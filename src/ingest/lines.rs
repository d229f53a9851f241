//! Small recognisers shared by the shape parsers: page chrome, dates, amounts, percentages.

use crate::record::Date;

/// Lines that web pages and print views put around the content (buttons, loaders, menu
/// items) and that carry no meaning of their own.
const CHROME_LINES: &[&str] = &[
    "image",
    "bild",
    "actions",
    "loading...",
    "loading…",
    "laddar...",
    "laddar…",
    "nyheter",
    "logotyp på utskrifter",
    "in english",
    "meny",
    "menu",
    "sök",
    "dela",
    "skriv ut",
    "tillbaka",
    "till toppen",
    "hoppa till innehållet",
    "stäng",
];

/// Length of the longest of [`CHROME_LINES`].
const CHROME_LINE_MAX_BYTES: usize = 24;

/// True for a line of page chrome, compared without case and surrounding space.
pub fn is_chrome(line: &str) -> bool {
    let line = line.trim();
    // Lower-casing shrinks a character to a third of its bytes at most ('K', the Kelvin
    // sign, to 'k'): a longer line is no chrome, and most lines are, without lower-casing.
    if line.len() > 3 * CHROME_LINE_MAX_BYTES {
        return false;
    }
    let line = line.to_lowercase();
    CHROME_LINES.contains(&line.as_str())
}

/// True for a cookie banner ("Finsam.se använder cookies. Genom att fortsätta …").
pub fn is_cookie_notice(line: &str) -> bool {
    // Only ASCII letters and the Kelvin sign lower-case to the ASCII letters of "cookie"
    // or "kakor": without them the line is no notice, and most lines are, cheaply.
    let may_name = |word: &[u8]| {
        line.as_bytes()
            .windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word))
    };
    if !(may_name(b"cookie") || may_name(b"kakor") || line.contains('\u{212a}')) {
        return false;
    }
    let line = line.to_lowercase();
    (line.contains("cookie") || line.contains("kakor"))
        && ["använder", "accepter", "godkänn", "samtyck"]
            .iter()
            .any(|verb| line.contains(verb))
}

/// A line that is a date and nothing else: "2016-08-25" or "25 augusti 2016".
pub fn standalone_date(line: &str) -> Option<Date> {
    let line = line.trim();
    Date::parse(line).or_else(|| swedish_long_date(line))
}

fn swedish_long_date(line: &str) -> Option<Date> {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let mut parts = line.split_whitespace();
    let day: u8 = parts.next()?.trim_end_matches('.').parse().ok()?;
    let month_name = parts.next()?.to_lowercase();
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    let month = MONTHS.iter().position(|name| *name == month_name)? as u8 + 1;
    Date::new(year, month, day)
}

/// A percentage such as "40%", "40 %" or "42,5%" as a number of percent.
pub fn parse_percent(text: &str) -> Option<f64> {
    let number = text.trim().strip_suffix('%')?.trim().replace(',', ".");
    number.parse().ok().filter(|value: &f64| value.is_finite())
}

/// A period such as "2014-01-02 till 2014-12-31" (also "–" or " - " between the dates).
pub fn parse_period(text: &str) -> Option<(Date, Date)> {
    let text = text.trim();
    for separator in [" till ", " – ", " - ", "–"] {
        if let Some((from, to)) = text.split_once(separator) {
            return Some((Date::parse(from.trim())?, Date::parse(to.trim())?));
        }
    }
    None
}

/// A bullet-list item ("• Arboga", "- Arboga") without its bullet, or `None`.
pub fn bullet_item(line: &str) -> Option<&str> {
    let line = line.trim();
    let rest = line
        .strip_prefix('•')
        .or_else(|| line.strip_prefix("- "))
        .or_else(|| line.strip_prefix("* "))?;
    let rest = rest.trim();
    (!rest.is_empty()).then_some(rest)
}

/// Joins lines into running text: trailing space trimmed, runs of blank lines collapsed to
/// one, no blank lines at either end.
pub fn join_paragraphs<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut pending_blank = false;
    for line in lines {
        let line = line.trim_end();
        if line.trim().is_empty() {
            pending_blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if pending_blank { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        pending_blank = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognisers_accept_what_sources_write() {
        assert!(is_chrome("  Loading... "));
        assert!(is_chrome("HOPPA TILL INNEHÅLLET"));
        assert!(CHROME_LINES
            .iter()
            .all(|line| line.len() <= CHROME_LINE_MAX_BYTES));
        assert!(is_cookie_notice("Vi använder KAKOR på webbplatsen"));
        assert!(!is_cookie_notice("Vi använder kartor på webbplatsen"));
        assert!(!is_chrome("Nyheter om ESF"));
        assert!(is_cookie_notice(
            "Finsam.se använder cookies. Genom att fortsätta accepterar du"
        ));
        assert_eq!(
            standalone_date("25 augusti 2016"),
            Date::parse("2016-08-25")
        );
        assert_eq!(standalone_date("2016-08-25 kl 10"), None);
        assert_eq!(parse_percent("40%"), Some(40.0));
        assert_eq!(parse_percent("42,5 %"), Some(42.5));
        assert_eq!(
            parse_period("2014-01-02 till 2014-12-31"),
            Some((
                Date::parse("2014-01-02").unwrap(),
                Date::parse("2014-12-31").unwrap()
            ))
        );
        assert_eq!(bullet_item(" • Arboga"), Some("Arboga"));
        assert_eq!(join_paragraphs(["", "a ", "", "", "b", ""]), "a\n\nb");
    }
}
