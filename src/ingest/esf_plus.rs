//! ESF+ 2021–2027 project records: a heading "ID - Title", then "Key:" lines each followed
//! by its value on the next line, then the project description as free text.

use super::lines::{join_paragraphs, parse_percent};
use super::Warnings;
use crate::record::{Date, DocumentShape, ProjectRecord};

/// Keys that mark the record shape; a document with several of them on lines of their own
/// is an ESF+ record.
const MARKER_KEYS: &[&str] = &[
    "Diarienummer:",
    "Namn:",
    "Startdatum:",
    "Slutdatum:",
    "Berörd fond:",
    "Projektägare:",
    "Programområde:",
    "Specifikt mål:",
    "NUTS-2 kod:",
];

/// True when at least three known "Key:" lines stand on lines of their own, or two of which
/// one is "Diarienummer:" (a record with little metadata is still a record).
pub fn looks_like(text: &str) -> bool {
    let keys: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| MARKER_KEYS.contains(line))
        .take(3)
        .collect();
    keys.len() == 3 || (keys.len() == 2 && keys.contains(&"Diarienummer:"))
}

/// A line that can be a key in the metadata block: short, ends in ':', not a sentence.
fn is_key_line(line: &str) -> bool {
    let line = line.trim();
    line.len() > 1 && line.len() <= 120 && line.ends_with(':') && !line.contains(". ")
}

/// Parses an ESF+ record. Unknown keys land in `extra`; values that do not parse are
/// kept in `extra` under their key and reported as warnings.
pub(crate) fn parse(path: &str, text: &str, warnings: &mut Warnings) -> ProjectRecord {
    let mut record = ProjectRecord::new(path, DocumentShape::EsfPlusRecord);
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let mut heading_id = None;
    if i < lines.len() && !is_key_line(lines[i]) {
        let heading = lines[i].trim();
        match heading.split_once(" - ") {
            Some((id, title)) => {
                heading_id = Some(id.trim().to_string());
                record.title = title.trim().to_string();
            }
            None => record.title = heading.to_string(),
        }
        i += 1;
    }

    let mut seen_key = false;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            if seen_key {
                break;
            }
            i += 1;
            continue;
        }
        if !is_key_line(line) {
            break;
        }
        seen_key = true;
        let key = line.trim_end_matches(':').trim();
        let value_line = lines.get(i + 1).map(|v| v.trim()).unwrap_or("");
        let value_is_key = MARKER_KEYS.contains(&value_line);
        let value = if value_is_key { "" } else { value_line };
        apply_key(&mut record, key, value, i + 1, warnings);
        i += if value_is_key || i + 1 >= lines.len() {
            1
        } else {
            2
        };
    }

    record.body = join_paragraphs(lines[i.min(lines.len())..].iter().copied());
    if record.diarienummer.is_none() {
        record.diarienummer = heading_id;
    }
    if let Some(diarienummer) = &record.diarienummer {
        record.id = diarienummer.clone();
    }
    record
}

fn apply_key(
    record: &mut ProjectRecord,
    key: &str,
    value: &str,
    value_line: usize,
    warnings: &mut Warnings,
) {
    if value.is_empty() {
        return;
    }
    let text = || Some(value.to_string());
    let mut keep_unparsed = |what: &str, record: &mut ProjectRecord| {
        warnings.warn(
            value_line,
            format!("{key}: {value:?} is not {what}; kept as text"),
        );
        record.extra.insert(key.to_string(), value.to_string());
    };
    match key.to_lowercase().as_str() {
        "diarienummer" => record.diarienummer = text(),
        "namn" => record.title = value.to_string(),
        "startdatum" | "slutdatum" => match Date::parse(value) {
            Some(date) if key.eq_ignore_ascii_case("startdatum") => record.start = Some(date),
            Some(date) => record.end = Some(date),
            None => keep_unparsed("a date (YYYY-MM-DD)", record),
        },
        "land som berörs" => record.country = text(),
        "berörd fond" => record.fund = text(),
        "program cci" => record.programme_cci = text(),
        "projektägare organisationsnummer" => record.owner_org_number = text(),
        "projektägare" => record.owner = text(),
        "unionens medfinansieringsgrad" => match parse_percent(value) {
            Some(rate) => record.cofinancing_rate = Some(rate),
            None => keep_unparsed("a percentage", record),
        },
        "programområde" => record.programme_area = text(),
        "specifikt mål" => record.specific_objective = text(),
        "region" => record.region = text(),
        "nuts-2 kod" => record.nuts2 = text(),
        "interventionstyp" => record.intervention_type = text(),
        "antal deltagare" => match value.replace(' ', "").parse() {
            Ok(count) => record.participants = Some(count),
            Err(_) => keep_unparsed("a whole number", record),
        },
        "insats av strategisk betydelse" => match value.to_lowercase().as_str() {
            "ja" => record.strategic_importance = Some(true),
            "nej" => record.strategic_importance = Some(false),
            _ => keep_unparsed("Ja or Nej", record),
        },
        lower if lower.starts_with("sekundärtema") => {
            let theme = key["Sekundärtema".len()..]
                .trim_start_matches([' ', '-', '–'])
                .trim();
            let theme = if theme.is_empty() { key } else { theme };
            record
                .secondary_themes
                .insert(theme.to_string(), value.to_string());
        }
        _ => {
            record.extra.insert(key.to_string(), value.to_string());
        }
    }
}

/// Writes `record` in the ESF+ record shape, the inverse of [`parse`]: a heading, the
/// known keys with their values, the extra keys, then the description. Used to generate
/// documents and to check that parsing loses nothing.
pub fn render(record: &ProjectRecord) -> String {
    let mut out = String::new();
    let id = record.diarienummer.as_deref().unwrap_or(&record.id);
    out.push_str(&format!("{id} - {}\n\n", record.title));
    let mut field = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push_str(&format!("{key}:\n{value}\n"));
        }
    };
    field("Diarienummer", record.diarienummer.clone());
    field("Namn", Some(record.title.clone()));
    field("Startdatum", record.start.map(|d| d.to_string()));
    field("Slutdatum", record.end.map(|d| d.to_string()));
    field("Land som berörs", record.country.clone());
    field("Berörd fond", record.fund.clone());
    field("Program CCI", record.programme_cci.clone());
    field(
        "Projektägare organisationsnummer",
        record.owner_org_number.clone(),
    );
    field("Projektägare", record.owner.clone());
    field(
        "Unionens medfinansieringsgrad",
        record.cofinancing_rate.map(|rate| format!("{rate}%")),
    );
    field("Programområde", record.programme_area.clone());
    field("Specifikt mål", record.specific_objective.clone());
    for (theme, answer) in &record.secondary_themes {
        field(&format!("Sekundärtema - {theme}"), Some(answer.clone()));
    }
    field("Region", record.region.clone());
    field("NUTS-2 kod", record.nuts2.clone());
    field("Interventionstyp", record.intervention_type.clone());
    field(
        "Antal deltagare",
        record.participants.map(|n| n.to_string()),
    );
    field(
        "Insats av strategisk betydelse",
        record
            .strategic_importance
            .map(|yes| if yes { "Ja" } else { "Nej" }.to_string()),
    );
    for (key, value) in &record.extra {
        field(key, Some(value.clone()));
    }
    out.push('\n');
    out.push_str(&record.body);
    out.push('\n');
    out
}
