//! Column names of record tables (CSV, JSON) mapped to record fields, so exports from
//! different project databases land in the same place whatever they call their columns:
//! Swedish or English, with or without diacritics, hyphens or underscores.

use super::lines::{parse_amount_sek, parse_percent};
use crate::record::{Date, ProjectRecord};

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Case number / project id.
    Id,
    /// Project name.
    Title,
    /// Description.
    Body,
    /// Owner / beneficiary.
    Owner,
    /// Owner organisation number.
    OwnerOrgNumber,
    /// Region (NUTS-2 area or programme region).
    Region,
    /// County or counties (län).
    Counties,
    /// Municipalities (kommuner).
    Municipalities,
    /// Start date.
    Start,
    /// End date.
    End,
    /// Granted support, SEK.
    Granted,
    /// Total budget, SEK.
    Budget,
    /// EU fund.
    Fund,
    /// Programme area / priority axis.
    ProgrammeArea,
    /// Specific objective.
    SpecificObjective,
    /// NUTS-2 code.
    Nuts2,
    /// Co-financing rate.
    CofinancingRate,
    /// Participants.
    Participants,
    /// Anything else: kept verbatim in `extra` under the column's own name.
    Other,
}

/// Column names (normalised: lower case, å/ä→a, ö→o, separators → '_') and their meaning.
const NAMES: &[(&str, Column)] = &[
    ("diarienummer", Column::Id),
    ("arende_id", Column::Id),
    ("arendeid", Column::Id),
    ("arendenummer", Column::Id),
    ("projektnummer", Column::Id),
    ("id", Column::Id),
    ("projektnamn", Column::Title),
    ("namn", Column::Title),
    ("titel", Column::Title),
    ("title", Column::Title),
    ("name", Column::Title),
    ("project_name", Column::Title),
    ("projektbeskrivning", Column::Body),
    ("beskrivning", Column::Body),
    ("sammanfattning", Column::Body),
    ("description", Column::Body),
    ("text", Column::Body),
    ("body", Column::Body),
    ("projektagare", Column::Owner),
    ("stodmottagare", Column::Owner),
    ("agare", Column::Owner),
    ("owner", Column::Owner),
    ("beneficiary", Column::Owner),
    ("projektagare_organisationsnummer", Column::OwnerOrgNumber),
    ("organisationsnummer", Column::OwnerOrgNumber),
    ("region", Column::Region),
    ("omrade", Column::Region),
    ("lan", Column::Counties),
    ("lan_fordelning", Column::Counties),
    ("county", Column::Counties),
    ("kommuner", Column::Municipalities),
    ("kommun", Column::Municipalities),
    ("kommun_fordelning", Column::Municipalities),
    ("municipalities", Column::Municipalities),
    ("startdatum", Column::Start),
    ("projekt_starttid", Column::Start),
    ("start", Column::Start),
    ("start_date", Column::Start),
    ("slutdatum", Column::End),
    ("projekt_sluttid", Column::End),
    ("end", Column::End),
    ("end_date", Column::End),
    ("beviljat_belopp_sek", Column::Granted),
    ("beviljat_belopp", Column::Granted),
    ("beviljat_esf_stod", Column::Granted),
    ("beviljat_stod", Column::Granted),
    ("granted", Column::Granted),
    ("total_projektbudget", Column::Budget),
    ("projektbudget", Column::Budget),
    ("budget", Column::Budget),
    ("berord_fond", Column::Fund),
    ("fond", Column::Fund),
    ("fund", Column::Fund),
    ("programomrade", Column::ProgrammeArea),
    ("insatsomrade", Column::ProgrammeArea),
    ("programme_area", Column::ProgrammeArea),
    ("specifikt_mal", Column::SpecificObjective),
    ("specific_objective", Column::SpecificObjective),
    ("nuts_2_kod", Column::Nuts2),
    ("nuts2", Column::Nuts2),
    ("nuts_2", Column::Nuts2),
    ("unionens_medfinansieringsgrad", Column::CofinancingRate),
    ("antal_deltagare", Column::Participants),
    ("participants", Column::Participants),
];

/// The normalised form of a column name: "Ärende-ID" → "arende_id".
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name
        .trim()
        .trim_start_matches('_')
        .chars()
        .flat_map(char::to_lowercase)
    {
        match c {
            'å' | 'ä' | 'à' | 'á' => out.push('a'),
            'ö' | 'ø' | 'ó' => out.push('o'),
            'é' | 'è' => out.push('e'),
            'ü' => out.push('u'),
            c if c.is_alphanumeric() => out.push(c),
            _ if !out.ends_with('_') && !out.is_empty() => out.push('_'),
            _ => {}
        }
    }
    out.trim_end_matches('_').to_string()
}

/// What the column called `name` holds.
pub fn classify(name: &str) -> Column {
    let normalized = normalize(name);
    NAMES
        .iter()
        .find(|(known, _)| *known == normalized)
        .map_or(Column::Other, |(_, column)| *column)
}

/// Splits a list cell ("Arjeplog, Arvidsjaur; Boden") into its items.
fn list(value: &str) -> Vec<String> {
    value
        .split([',', ';', '|'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// Puts one cell into `record`. A value that does not parse as what its column promises
/// is kept verbatim in `extra` and reported through `warn`.
pub fn apply(record: &mut ProjectRecord, name: &str, value: &str, warn: &mut dyn FnMut(String)) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let text = || Some(value.to_string());
    let mut keep_unparsed = |what: &str, record: &mut ProjectRecord| {
        warn(format!("{name}: {value:?} is not {what}; kept as text"));
        record.extra.insert(name.to_string(), value.to_string());
    };
    let date = |value: &str| Date::parse(value.get(..10).unwrap_or(value));
    match classify(name) {
        Column::Id => record.diarienummer = text(),
        Column::Title => record.title = value.to_string(),
        Column::Body => {
            if !record.body.is_empty() {
                record.body.push_str("\n\n");
            }
            record.body.push_str(value);
        }
        Column::Owner => record.owner = text(),
        Column::OwnerOrgNumber => record.owner_org_number = text(),
        Column::Region => record.region = text(),
        Column::Counties => record.counties = list(value),
        Column::Municipalities => record.municipalities = list(value),
        Column::Start => match date(value) {
            Some(start) => record.start = Some(start),
            None => keep_unparsed("a date (YYYY-MM-DD)", record),
        },
        Column::End => match date(value) {
            Some(end) => record.end = Some(end),
            None => keep_unparsed("a date (YYYY-MM-DD)", record),
        },
        Column::Granted => match parse_amount_sek(value) {
            Some(amount) => record.granted = Some(amount),
            None => keep_unparsed("an amount in kronor", record),
        },
        Column::Budget => match parse_amount_sek(value) {
            Some(amount) => record.budget = Some(amount),
            None => keep_unparsed("an amount in kronor", record),
        },
        Column::Fund => record.fund = text(),
        Column::ProgrammeArea => record.programme_area = text(),
        Column::SpecificObjective => record.specific_objective = text(),
        Column::Nuts2 => record.nuts2 = text(),
        Column::CofinancingRate => {
            match parse_percent(value).or_else(|| value.replace(',', ".").parse().ok()) {
                Some(rate) => record.cofinancing_rate = Some(rate),
                None => keep_unparsed("a percentage", record),
            }
        }
        Column::Participants => match value.replace(' ', "").parse() {
            Ok(count) => record.participants = Some(count),
            Err(_) => keep_unparsed("a whole number", record),
        },
        Column::Other => {
            record.extra.insert(name.to_string(), value.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_any_spelling() {
        for name in ["Diarienummer", "ärende-id", "arende_id", "Ärende ID"] {
            assert_eq!(classify(name), Column::Id, "{name}");
        }
        for (name, column) in [
            ("Projektägare", Column::Owner),
            ("stödmottagare", Column::Owner),
            ("område", Column::Region),
            ("omrade", Column::Region),
            ("län", Column::Counties),
            ("kommuner", Column::Municipalities),
            ("Startdatum", Column::Start),
            ("projekt_starttid", Column::Start),
            ("beviljat_belopp_sek", Column::Granted),
            ("Projektnamn", Column::Title),
            ("färg", Column::Other),
        ] {
            assert_eq!(classify(name), column, "{name}");
        }
    }
}
