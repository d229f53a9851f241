//! Story: a researcher counts projects per region and county over the two real project-bank
//! exports that ship in `corpus/projektbanken/`. Each region, county and fund is counted
//! under one name, however the exports spell it (variants, mojibake, case), and each record
//! still says how its source wrote it.

use fynd::ingest::read_file;
use fynd::record::ProjectRecord;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn shipped() -> Vec<ProjectRecord> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/projektbanken");
    [
        "projektbanken-2007-2013.csv",
        "projektbanken-2014-2020.json",
    ]
    .iter()
    .flat_map(|name| read_file(&dir.join(name)).unwrap().documents)
    .map(|d| d.record)
    .collect()
}

/// Names a reader would take for one: the same letters, whatever the case, diacritics,
/// punctuation, "och" or "med".
fn same_name(name: &str) -> String {
    let lower: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            c if c.is_alphanumeric() || c == '+' => c,
            _ => ' ',
        })
        .collect();
    lower
        .split_whitespace()
        .filter(|w| !matches!(*w, "och" | "med"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_no_split(field: &str, values: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let values: BTreeSet<String> = values.into_iter().collect();
    let mut by_name: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for value in &values {
        assert!(
            !value.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
            "{field}: control character left in {value:?}"
        );
        by_name.entry(same_name(value)).or_default().push(value);
    }
    let split: Vec<_> = by_name.values().filter(|v| v.len() > 1).collect();
    assert!(split.is_empty(), "{field} split: {split:?}");
    values
}

#[test]
fn regions_counties_and_funds_of_the_shipped_records_are_each_one_name() {
    let records = shipped();
    assert_eq!(records.len(), 2_123 + 374);
    let regions = assert_no_split("region", records.iter().filter_map(|r| r.region.clone()));
    assert_no_split("county", records.iter().flat_map(|r| r.counties.clone()));
    assert_no_split("fund", records.iter().filter_map(|r| r.fund.clone()));
    for official in [
        "Småland med öarna",
        "Övre Norrland",
        "Öresund-Kattegatt-Skagerrak",
    ] {
        assert!(regions.contains(official), "{official} in {regions:?}");
    }
    // The 2007–2013 CSV writes "Småland och Öarna" (109 records) and a mojibake of it (10),
    // the 2014–2020 JSON "Småland med öarna" (29): one region of 148 projects.
    let smaland: Vec<&ProjectRecord> = records
        .iter()
        .filter(|r| r.region.as_deref() == Some("Småland med öarna"))
        .collect();
    assert_eq!(smaland.len(), 148);
    assert_eq!(
        smaland
            .iter()
            .filter(|r| r.as_written.get("region").map(String::as_str) == Some("Småland och Öarna"))
            .count(),
        109
    );
    assert_eq!(
        smaland
            .iter()
            .filter(|r| r.as_written.get("region").map(String::as_str)
                == Some("Småland och Å\u{96}arna"))
            .count(),
        10
    );
    // The one CSV row whose region is mojibake keeps what the source wrote.
    let repaired = records
        .iter()
        .find(|r| r.as_written.get("region").map(String::as_str) == Some("Å\u{96}vre Norrland"))
        .expect("the mojibake row");
    assert_eq!(repaired.region.as_deref(), Some("Övre Norrland"));
}

#[test]
fn an_owner_is_written_the_way_most_rows_of_its_file_write_it() {
    let records = shipped();
    let malmo: Vec<&ProjectRecord> = records
        .iter()
        .filter(|r| same_name(r.owner.as_deref().unwrap_or("")) == "malmo stad")
        .collect();
    // 27 rows write "Malmö stad", one "MALMÖ STAD".
    assert_eq!(malmo.len(), 28);
    assert!(malmo
        .iter()
        .all(|r| r.owner.as_deref() == Some("Malmö stad")));
    assert_eq!(
        malmo
            .iter()
            .filter(|r| r.as_written.get("owner").map(String::as_str) == Some("MALMÖ STAD"))
            .count(),
        1
    );
}
