//! `ProjectRecord`: the one typed shape every ingested document is turned into, whatever
//! format it arrived in. Everything downstream (schema, index, query, output) speaks this.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A calendar date without time zone, as project periods and publication dates are written
/// in the source documents ("2023-10-02"). Kept separate from tantivy's `DateTime` so that
/// records can be parsed, compared and printed without an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Calendar year, e.g. 2023.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31 (validated against the month).
    pub day: u8,
}

impl Date {
    /// A date if `year-month-day` exists in the Gregorian calendar, `None` otherwise
    /// (so "2024-13-45" is rejected rather than silently wrapped).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        Date::new(
            digits(0..4)? as i32,
            digits(5..7)? as u8,
            digits(8..10)? as u8,
        )
    }

    /// Days since 1970-01-01 (negative before), the unit tantivy date fields are built from.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid date {text:?}")))
    }
}

/// Which kind of source document a record came from. Detected from content, never from
/// the file name; shown as the `shape` facet so a researcher can tell records from pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentShape {
    /// ESF+ 2021–2027 record: "ID - Title", then "Key:" / value lines, then free text.
    EsfPlusRecord,
    /// ESF 2014–2020 project page: labels glued to their values, then titled sections.
    EsfProjectPage,
    /// Any other page of running text (news, programme pages).
    WebPage,
    /// One row of a table of records (CSV/TSV, JSON array, JSON Lines).
    TableRecord,
}

impl DocumentShape {
    /// Every shape, in facet display order.
    pub const ALL: [DocumentShape; 4] = [
        DocumentShape::EsfPlusRecord,
        DocumentShape::EsfProjectPage,
        DocumentShape::WebPage,
        DocumentShape::TableRecord,
    ];

    /// The stable name used in the index, the JSON output and `--filter shape=…`.
    pub fn name(self) -> &'static str {
        match self {
            DocumentShape::EsfPlusRecord => "esf_plus_record",
            DocumentShape::EsfProjectPage => "esf_project_page",
            DocumentShape::WebPage => "web_page",
            DocumentShape::TableRecord => "table_record",
        }
    }
}

impl fmt::Display for DocumentShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One project (or page) with its metadata typed and its running text separated out.
/// Fields a source does not have are `None` / empty; keys the parsers do not know are kept
/// verbatim in `extra` so nothing a source says is lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectRecord {
    /// Stable identity used for upserts: the diarienummer where there is one, otherwise a
    /// hash of the document's content ("doc-…").
    pub id: String,
    /// The case number as written in the source, when the source has one.
    pub diarienummer: Option<String>,
    /// Where the record was read from, as given to `fynd index`.
    pub path: String,
    /// Which document shape the parser recognised.
    pub shape: DocumentShape,
    /// Project name or page title.
    pub title: String,
    /// Free text: description, sections, article body; no metadata, no page chrome.
    pub body: String,
    /// EU fund ("ESF+", "ESF", …).
    pub fund: Option<String>,
    /// Region as named in the source ("Mellersta Norrland", "ESF Nationellt", …).
    pub region: Option<String>,
    /// NUTS-2 code ("SE32").
    pub nuts2: Option<String>,
    /// Country concerned ("Sverige").
    pub country: Option<String>,
    /// Programme CCI code ("2021SE05SFPR").
    pub programme_cci: Option<String>,
    /// Programme area ("A", "Programområde 2 Ökat arbetskraftsutbud").
    pub programme_area: Option<String>,
    /// Specific objective ("A1A").
    pub specific_objective: Option<String>,
    /// Intervention type code ("141").
    pub intervention_type: Option<String>,
    /// Project owner organisation.
    pub owner: Option<String>,
    /// Swedish organisation number of the owner.
    pub owner_org_number: Option<String>,
    /// Project phase ("Genomförande").
    pub project_phase: Option<String>,
    /// First day of the project period.
    pub start: Option<Date>,
    /// Last day of the project period.
    pub end: Option<Date>,
    /// Publication date of a page.
    pub published: Option<Date>,
    /// Total project budget in whole SEK.
    pub budget: Option<u64>,
    /// Granted EU support in whole SEK.
    pub granted: Option<u64>,
    /// Total project budget in whole euro, where the source gives it in euro (an amount in
    /// euro never lands in `budget`, which is kronor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_eur: Option<u64>,
    /// Granted EU support in whole euro, where the source gives it in euro.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_eur: Option<u64>,
    /// EU co-financing rate in percent (40.0 for "40%").
    pub cofinancing_rate: Option<f64>,
    /// Number of participants.
    pub participants: Option<u64>,
    /// "Insats av strategisk betydelse": Ja → true, Nej → false.
    pub strategic_importance: Option<bool>,
    /// Secondary themes and their answers ("Motverka barnfattigdom" → "Nej").
    pub secondary_themes: BTreeMap<String, String>,
    /// Partner organisations (Samarbetspartners).
    pub partners: Vec<String>,
    /// Municipalities concerned (Kommun).
    pub municipalities: Vec<String>,
    /// Counties concerned (län).
    #[serde(default)]
    pub counties: Vec<String>,
    /// Metadata the parsers do not know, label → value, verbatim.
    pub extra: BTreeMap<String, String>,
    /// The text a source wrote for a field whose typed or normalised value reads
    /// differently, field name → text as written ("granted" → "1,2 mkr", "region" →
    /// "Småland och Öarna"), so that every number and name can be checked against the source.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub as_written: BTreeMap<String, String>,
}

impl ProjectRecord {
    /// An empty record of `shape` read from `path`, to be filled in by a parser.
    pub fn new(path: &str, shape: DocumentShape) -> ProjectRecord {
        ProjectRecord {
            id: String::new(),
            diarienummer: None,
            path: path.to_string(),
            shape,
            title: String::new(),
            body: String::new(),
            fund: None,
            region: None,
            nuts2: None,
            country: None,
            programme_cci: None,
            programme_area: None,
            specific_objective: None,
            intervention_type: None,
            owner: None,
            owner_org_number: None,
            project_phase: None,
            start: None,
            end: None,
            published: None,
            budget: None,
            granted: None,
            budget_eur: None,
            granted_eur: None,
            cofinancing_rate: None,
            participants: None,
            strategic_importance: None,
            secondary_themes: BTreeMap::new(),
            partners: Vec::new(),
            municipalities: Vec::new(),
            counties: Vec::new(),
            extra: BTreeMap::new(),
            as_written: BTreeMap::new(),
        }
    }

    /// Every calendar year the record is active in: each year its period touches
    /// (2023-10-02 → 2024-10-02 gives 2023 and 2024), or the year it was published.
    pub fn years(&self) -> Vec<i32> {
        match (self.start, self.end, self.published) {
            (Some(start), Some(end), _) if end >= start => (start.year..=end.year).collect(),
            (Some(start), _, _) => vec![start.year],
            (None, Some(end), _) => vec![end.year],
            (None, None, Some(published)) => vec![published.year],
            (None, None, None) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_validate_and_round_trip_through_epoch_days() {
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2024-13-45").is_none());
        assert!(Date::parse("2024-1-05").is_none());
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        for text in ["1969-12-31", "2000-02-29", "2023-10-02", "2100-03-01"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn years_cover_every_year_the_period_touches() {
        let mut record = ProjectRecord::new("x", DocumentShape::EsfPlusRecord);
        record.start = Date::parse("2023-10-02");
        record.end = Date::parse("2024-10-02");
        assert_eq!(record.years(), vec![2023, 2024]);
        record.start = None;
        record.end = None;
        record.published = Date::parse("2016-08-25");
        assert_eq!(record.years(), vec![2016]);
    }
}
