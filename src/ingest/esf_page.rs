//! ESF 2014–2020 project pages, as saved from the ESF council's project bank: the title,
//! then metadata lines whose labels are glued to their values
//! ("ProjektägareRegionförbundet Örebro"), then titled sections and partner lists.

use super::amount::{put_amount, AmountField, AmountUnit};
use super::lines::{bullet_item, is_chrome, is_cookie_notice, join_paragraphs, parse_period};
use super::Warnings;
use crate::record::{DocumentShape, ProjectRecord};

/// What a metadata label means.
#[derive(Clone, Copy)]
enum Label {
    ProgrammeArea,
    Phase,
    Owner,
    Granted,
    Budget,
    Period,
    Region,
    Diarienummer,
    Other,
}

/// Labels as the pages write them. Longest first, so a label that is a prefix of another
/// never wins over it.
const LABELS: &[(&str, Label)] = &[
    ("Total projektbudget", Label::Budget),
    ("Beviljat ESF-stöd", Label::Granted),
    ("Telefonnummer", Label::Other),
    ("Programområde", Label::ProgrammeArea),
    ("Kontaktperson", Label::Other),
    ("Projektperiod", Label::Period),
    ("Diarienummer", Label::Diarienummer),
    ("Ärendenummer", Label::Diarienummer),
    ("Projektägare", Label::Owner),
    ("Projektfas", Label::Phase),
    ("Region", Label::Region),
    ("E-post", Label::Other),
];

/// Labels that only occur on these pages; two of them glued to a value identify the shape.
const MARKER_LABELS: &[&str] = &[
    "Projektägare",
    "Projektperiod",
    "Beviljat ESF-stöd",
    "Total projektbudget",
    "Programområde",
    "Projektfas",
];

/// Which list the bullet lines under the current heading belong to.
#[derive(Clone, Copy)]
enum List {
    None,
    Partners,
    Municipalities,
}

/// Headings whose bullet lists are partner organisations or municipalities.
const PARTNER_HEADINGS: &[&str] = &["samarbetspartners", "partners", "samverkanspartners"];
const MUNICIPALITY_HEADINGS: &[&str] = &["kommun", "kommuner"];

/// Splits "ProjektägareRegionförbundet Örebro" into its label and value.
fn split_label(line: &str) -> Option<(&'static str, Label, &str)> {
    let line = line.trim();
    LABELS.iter().find_map(|&(label, meaning)| {
        let rest = line.strip_prefix(label)?;
        let value = rest.strip_prefix(':').unwrap_or(rest).trim();
        let glued_or_colon = rest.starts_with(':') || !rest.starts_with(char::is_whitespace);
        (glued_or_colon && !value.is_empty()).then_some((label, meaning, value))
    })
}

/// True when at least two lines are a page-only label glued to (or followed by ':' and) a value.
pub fn looks_like(text: &str) -> bool {
    text.lines()
        .filter(|line| {
            split_label(line).is_some_and(|(label, _, _)| MARKER_LABELS.contains(&label))
        })
        .take(2)
        .count()
        == 2
}

/// A line that stands alone as a section heading: short, no closing punctuation, not a
/// list item.
fn is_heading(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let blank = |j: Option<&&str>| j.is_none_or(|l| l.trim().is_empty());
    !line.is_empty()
        && line.chars().count() <= 60
        && !line.ends_with(['.', ',', ':', ';', '!', '?'])
        && bullet_item(line).is_none()
        && line.starts_with(char::is_uppercase)
        && (i == 0 || blank(lines.get(i - 1)))
        && blank(lines.get(i + 1))
}

/// Parses an ESF 2014–2020 project page.
pub(crate) fn parse(path: &str, text: &str, warnings: &mut Warnings) -> ProjectRecord {
    let mut record = ProjectRecord::new(path, DocumentShape::EsfProjectPage);
    record.fund = Some("ESF".to_string());
    let lines: Vec<&str> = text.lines().collect();
    let first_label = lines
        .iter()
        .position(|line| split_label(line).is_some())
        .unwrap_or(0);
    if let Some(title) = lines[..first_label]
        .iter()
        .map(|line| line.trim())
        .rfind(|line| !line.is_empty() && !is_chrome(line))
    {
        record.title = title.to_string();
    }

    let mut i = first_label;
    while i < lines.len() && !lines[i].trim().is_empty() {
        let line = lines[i].trim();
        match split_label(line) {
            Some((label, meaning, value)) => {
                apply_label(&mut record, label, meaning, value, i, warnings)
            }
            None if is_chrome(line) => {}
            None => {
                let (label, value) = split_glued(line);
                record.extra.insert(label.to_string(), value.to_string());
            }
        }
        i += 1;
    }

    let mut body_lines: Vec<&str> = Vec::new();
    let mut list = List::None;
    for j in i..lines.len() {
        let line = lines[j];
        if is_chrome(line) || is_cookie_notice(line) {
            continue;
        }
        if is_heading(&lines, j) {
            let heading = line.trim().to_lowercase();
            list = if PARTNER_HEADINGS.contains(&heading.as_str()) {
                List::Partners
            } else if MUNICIPALITY_HEADINGS.contains(&heading.as_str()) {
                List::Municipalities
            } else {
                List::None
            };
            if !matches!(list, List::None) {
                continue;
            }
        }
        match (list, bullet_item(line)) {
            (List::Partners, Some(item)) => record.partners.push(item.to_string()),
            (List::Municipalities, Some(item)) => record.municipalities.push(item.to_string()),
            (List::Partners | List::Municipalities, None) if line.trim().is_empty() => {}
            _ => {
                list = List::None;
                body_lines.push(line);
            }
        }
    }
    record.body = join_paragraphs(body_lines);
    if let Some(diarienummer) = &record.diarienummer {
        record.id = diarienummer.clone();
    }
    record
}

fn apply_label(
    record: &mut ProjectRecord,
    label: &str,
    meaning: Label,
    value: &str,
    line_index: usize,
    warnings: &mut Warnings,
) {
    let mut keep_unparsed = |what: &str, record: &mut ProjectRecord| {
        warnings.warn(
            line_index,
            format!("{label}: {value:?} is not {what}; kept as text"),
        );
        record.extra.insert(label.to_string(), value.to_string());
    };
    match meaning {
        Label::ProgrammeArea => record.programme_area = Some(value.to_string()),
        Label::Phase => record.project_phase = Some(value.to_string()),
        Label::Owner => record.owner = Some(value.to_string()),
        Label::Region => record.region = Some(value.to_string()),
        Label::Diarienummer => record.diarienummer = Some(value.to_string()),
        Label::Granted | Label::Budget => {
            let field = match meaning {
                Label::Granted => AmountField::Granted,
                _ => AmountField::Budget,
            };
            if let Err(reason) = put_amount(record, field, value, AmountUnit::PLAIN) {
                keep_unparsed(&format!("an exact amount: it {reason}"), record);
            }
        }
        Label::Period => match parse_period(value) {
            Some((start, end)) => {
                record.start = Some(start);
                record.end = Some(end);
            }
            None => keep_unparsed("a period (YYYY-MM-DD till YYYY-MM-DD)", record),
        },
        Label::Other => {
            record.extra.insert(label.to_string(), value.to_string());
        }
    }
}

/// Best guess at where an unknown glued label ends: the first lower-case letter followed by
/// an upper-case letter or a digit ("ProjektnummerABC123" → "Projektnummer", "ABC123").
fn split_glued(line: &str) -> (&str, &str) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for pair in chars.windows(2) {
        let ((_, a), (at, b)) = (pair[0], pair[1]);
        if a.is_lowercase() && (b.is_uppercase() || b.is_ascii_digit()) {
            return (&line[..at], line[at..].trim());
        }
    }
    (line, "")
}
