//! Column names of record tables (CSV, JSON) mapped to record fields, so exports from
//! different project databases land in the same place whatever they call their columns:
//! Swedish or English, with or without diacritics, hyphens or underscores, with a prefix
//! such as "Projektets" or a unit in parentheses ("Beviljat belopp (kr)").
//!
//! A header is read in steps, each tried against [`NAMES`] until one matches: as written
//! (normalised), without its unit ("(tkr)", "_sek", "i kr"), without a leading "projektets"
//! / "projekt" / "project" or a trailing "för projektet", and without both. A unit found on
//! the way applies to the amounts under the header.

use super::amount::{put_amount, AmountField, AmountUnit};
use super::lines::{parse_percent, standalone_date};
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
    ("starttid", Column::Start),
    ("start", Column::Start),
    ("start_date", Column::Start),
    ("startar", Column::Start),
    ("slutdatum", Column::End),
    ("sluttid", Column::End),
    ("end", Column::End),
    ("end_date", Column::End),
    ("slutar", Column::End),
    ("beviljat_belopp", Column::Granted),
    ("beviljade_medel", Column::Granted),
    ("belopp", Column::Granted),
    ("granted_amount", Column::Granted),
    ("amount_granted", Column::Granted),
    ("grant", Column::Granted),
    ("beviljat_esf_stod", Column::Granted),
    ("beviljat_stod", Column::Granted),
    ("granted", Column::Granted),
    ("total_projektbudget", Column::Budget),
    ("projektbudget", Column::Budget),
    ("total_budget", Column::Budget),
    ("budget", Column::Budget),
    ("total_kostnad", Column::Budget),
    ("total_cost", Column::Budget),
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
    ("medfinansieringsgrad", Column::CofinancingRate),
    ("cofinancing_rate", Column::CofinancingRate),
    ("antal_deltagare", Column::Participants),
    ("deltagare", Column::Participants),
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

/// What a column header means: the field, and the unit its amounts are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The field the column fills.
    pub column: Column,
    /// The unit a bare number under this header is in ("(tkr)" → thousands of kronor).
    pub unit: AmountUnit,
}

/// Leading words that say whose a field is and nothing about which field it is.
const PREFIXES: &[&str] = &["projektets", "projektet", "projekt", "project", "projects"];

/// Trailing words of the same kind ("Startdatum för projektet").
const SUFFIXES: &[&[&str]] = &[
    &["for", "projektet"],
    &["of", "project"],
    &["for", "project"],
];

/// What the column called `name` holds.
pub fn classify(name: &str) -> Column {
    read_header(name).column
}

/// The field and unit of the column called `name` (see the module documentation for the
/// steps).
pub fn read_header(name: &str) -> Header {
    let (name, mut unit) = strip_parenthesised_unit(name);
    let normalized = normalize(&name);
    let mut words: Vec<&str> = normalized.split('_').filter(|w| !w.is_empty()).collect();
    // A trailing unit: "beviljat_belopp_sek", "budget_i_tkr", "belopp_eur".
    if words.len() > 1 {
        if let Some(found) = AmountUnit::parse(words[words.len() - 1]) {
            if found != AmountUnit::PLAIN {
                unit = found;
                words.pop();
                if words.len() > 1 && words[words.len() - 1] == "i" {
                    words.pop();
                }
            }
        }
    }
    for suffix in SUFFIXES {
        if words.len() > suffix.len() && words.ends_with(suffix) {
            words.truncate(words.len() - suffix.len());
        }
    }
    let lookup = |key: &str| NAMES.iter().find(|(known, _)| *known == key);
    let joined = words.join("_");
    let without_prefix = match words.split_first() {
        Some((first, rest)) if PREFIXES.contains(first) && !rest.is_empty() => Some(rest.join("_")),
        _ => None,
    };
    let found = [Some(normalized.clone()), Some(joined), without_prefix]
        .into_iter()
        .flatten()
        .find_map(|key| lookup(&key));
    Header {
        column: found.map_or(Column::Other, |(_, column)| *column),
        unit,
    }
}

/// "Beviljat belopp (tkr)" → ("Beviljat belopp", thousands of kronor); a parenthesis that
/// names no unit ("Region (NUTS 2)") is left in the name.
fn strip_parenthesised_unit(name: &str) -> (String, AmountUnit) {
    if let (Some(open), true) = (name.rfind('('), name.trim_end().ends_with(')')) {
        let inside = name.trim_end()[open + 1..].trim_end_matches(')');
        let inside = inside
            .trim()
            .trim_start_matches("i ")
            .trim_start_matches("in ");
        if let Some(unit) = AmountUnit::parse(inside) {
            return (name[..open].to_string(), unit);
        }
        if matches!(inside.trim(), "%" | "procent" | "percent") {
            return (name[..open].to_string(), AmountUnit::PLAIN);
        }
    }
    (name.to_string(), AmountUnit::PLAIN)
}

impl Column {
    /// The column that fills the record field called `field` (the field names of the JSON
    /// output and of `--column HEADER=FIELD`); `None` for a name that is no such field.
    pub fn from_field(field: &str) -> Option<Column> {
        Some(match field.trim() {
            "id" | "diarienummer" => Column::Id,
            "title" => Column::Title,
            "body" => Column::Body,
            "owner" => Column::Owner,
            "owner_org_number" => Column::OwnerOrgNumber,
            "region" => Column::Region,
            "counties" | "county" => Column::Counties,
            "municipalities" | "municipality" => Column::Municipalities,
            "start" => Column::Start,
            "end" => Column::End,
            "granted" => Column::Granted,
            "budget" => Column::Budget,
            "fund" => Column::Fund,
            "programme_area" => Column::ProgrammeArea,
            "specific_objective" => Column::SpecificObjective,
            "nuts2" => Column::Nuts2,
            "cofinancing_rate" => Column::CofinancingRate,
            "participants" => Column::Participants,
            "extra" => Column::Other,
            _ => return None,
        })
    }

    /// The field names [`Column::from_field`] accepts, for error messages.
    pub const FIELD_NAMES: &'static str = "id, title, body, owner, owner_org_number, region, \
        counties, municipalities, start, end, granted, budget, fund, programme_area, \
        specific_objective, nuts2, cofinancing_rate, participants, extra";
}

/// A user's own header names (`fynd index --column "HEADER=FIELD"`), matched before the
/// built-in ones, by the normalised header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    mapped: Vec<(String, Column)>,
}

impl ColumnMap {
    /// Reads `HEADER=FIELD` mappings; the error names the one that is wrong and what to
    /// write instead.
    pub fn parse(mappings: &[String]) -> Result<ColumnMap, String> {
        let mut mapped = Vec::new();
        for mapping in mappings {
            let Some((header, field)) = mapping.rsplit_once('=') else {
                return Err(format!(
                    "bad --column {mapping:?}: write HEADER=FIELD, e.g. --column \"Beviljat ESF-stöd=granted\""
                ));
            };
            let column = Column::from_field(field).ok_or_else(|| {
                format!(
                    "bad --column {mapping:?}: {field:?} is no record field; fields are {}",
                    Column::FIELD_NAMES
                )
            })?;
            mapped.push((normalize(header), column));
        }
        Ok(ColumnMap { mapped })
    }

    /// What the column called `name` holds: the user's mapping, else [`read_header`].
    pub fn header(&self, name: &str) -> Header {
        let read = read_header(name);
        let key = normalize(name);
        match self.mapped.iter().find(|(header, _)| *header == key) {
            Some((_, column)) => Header {
                column: *column,
                ..read
            },
            None => read,
        }
    }
}

/// A date cell: "2016-09-01", "2016-09-01 00:00:00", "2016-09-01T00:00:00Z", "2016/09/01",
/// "2016.09.01", "20160901" or "1 september 2016".
pub fn parse_date(value: &str) -> Option<Date> {
    let value = value.trim();
    let head = value.get(..10).unwrap_or(value);
    let rest = value.get(10..).unwrap_or("");
    let time_follows = rest.is_empty() || rest.starts_with([' ', 'T']);
    if time_follows {
        let dashed = head.replace(['/', '.'], "-");
        if let Some(date) = Date::parse(&dashed) {
            return Some(date);
        }
    }
    if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Date::parse(&format!("{}-{}-{}", &value[..4], &value[4..6], &value[6..]));
    }
    standalone_date(value)
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
pub fn apply(
    record: &mut ProjectRecord,
    name: &str,
    header: Header,
    value: &str,
    warn: &mut dyn FnMut(String),
) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let text = || Some(value.to_string());
    let mut keep_unparsed = |what: &str, record: &mut ProjectRecord| {
        warn(format!("{name}: {value:?} is not {what}; kept as text"));
        record.extra.insert(name.to_string(), value.to_string());
    };
    let date = parse_date;
    let amount = |field: AmountField, record: &mut ProjectRecord| {
        put_amount(record, field, value, header.unit)
            .map_err(|reason| format!("an exact amount: it {reason}"))
    };
    match header.column {
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
        Column::Granted | Column::Budget => {
            let field = match header.column {
                Column::Granted => AmountField::Granted,
                _ => AmountField::Budget,
            };
            if let Err(what) = amount(field, record) {
                keep_unparsed(&what, record);
            }
        }
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
            ("Projektets startdatum", Column::Start),
            ("Projektets slutdatum", Column::End),
            ("Startdatum för projektet", Column::Start),
            ("Project start date", Column::Start),
            ("Beviljat belopp (kr)", Column::Granted),
            ("Beviljat belopp i tkr", Column::Granted),
            ("Total budget (SEK)", Column::Budget),
            ("Projektägare", Column::Owner),
            ("Region (NUTS 2)", Column::Other),
        ] {
            assert_eq!(classify(name), column, "{name}");
        }
        assert_eq!(
            read_header("Beviljat belopp (tkr)").unit,
            AmountUnit::parse("tkr").unwrap()
        );
        assert_eq!(
            read_header("beviljat_belopp_eur").unit.currency,
            Some(super::super::amount::Currency::Eur)
        );
    }
}
