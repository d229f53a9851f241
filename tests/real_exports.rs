//! Story: a researcher indexes the two real exports of Tillväxtverket's project bank that
//! ship in `corpus/projektbanken/` (a JSON array and a CSV table, 2,497 projects, flaws
//! and all) and finds every field in its place. Expected values are read from the raw
//! files here, independently of fynd's column mapping.

mod common;

use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::query::filters::FacetFilter;
use fynd::query::{search, SearchRequest};
use fynd::record::{Date, DocumentShape, ProjectRecord};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn bank_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/projektbanken")
}

fn raw_json() -> Vec<serde_json::Map<String, Value>> {
    let text = std::fs::read_to_string(bank_dir().join("projektbanken-2014-2020.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn raw_csv() -> Vec<HashMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(bank_dir().join("projektbanken-2007-2013.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            headers
                .iter()
                .map(str::to_string)
                .zip(row.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn records_by_id(contents: fynd::ingest::FileContents) -> HashMap<String, ProjectRecord> {
    contents
        .documents
        .into_iter()
        .map(|d| (d.record.id.clone(), d.record))
        .collect()
}

#[test]
fn every_json_object_becomes_a_record_with_its_fields_in_place() {
    let path = bank_dir().join("projektbanken-2014-2020.json");
    let contents = fynd::ingest::read_file(&path).unwrap();
    assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    let records = records_by_id(contents);
    let raw = raw_json();
    assert_eq!(records.len(), raw.len());
    for object in &raw {
        let text = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let record = &records[&text("ärende-id")];
        assert_eq!(record.shape, DocumentShape::TableRecord);
        assert_eq!(
            record.diarienummer.as_deref(),
            Some(text("ärende-id").as_str())
        );
        assert_eq!(record.title, text("projektnamn"));
        assert_eq!(record.body, text("projektbeskrivning"));
        assert_eq!(
            record.owner.as_deref(),
            Some(text("stödmottagare").as_str())
        );
        assert_eq!(record.region.as_deref(), Some(text("område").as_str()));
        assert_eq!(record.counties, split(&text("län")));
        assert_eq!(record.municipalities, split(&text("kommuner")));
        assert_eq!(record.granted, object["beviljat_belopp_sek"].as_u64());
        assert_eq!(record.start, Date::parse(&text("projekt_starttid")));
        assert_eq!(record.end, Date::parse(&text("projekt_sluttid")));
        assert_eq!(
            record.programme_area.as_deref(),
            Some(text("insatsområde").as_str())
        );
        assert_eq!(
            record.fund.as_deref(),
            Some("ERUF"),
            "the export's _source says page=eruf"
        );
        for kept in ["tematiskt_mål", "uppdateringsdatum", "_source"] {
            assert_eq!(
                record.extra.get(kept),
                Some(&text(kept)),
                "{kept} kept as metadata"
            );
        }
    }
}

#[test]
fn every_csv_row_becomes_a_record_with_its_fields_in_place() {
    let path = bank_dir().join("projektbanken-2007-2013.csv");
    let contents = fynd::ingest::read_file(&path).unwrap();
    assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    let empty_descriptions = contents
        .documents
        .iter()
        .filter(|d| {
            d.warnings
                .iter()
                .any(|w| w.reason.contains("no description"))
        })
        .count();
    let records = records_by_id(contents);
    let raw = raw_csv();
    assert_eq!(records.len(), raw.len());
    assert_eq!(
        empty_descriptions,
        raw.iter()
            .filter(|r| r["projektbeskrivning"].trim().is_empty())
            .count(),
        "each record without text is reported"
    );
    for row in &raw {
        let record = &records[row["arende_id"].trim()];
        assert_eq!(record.title, row["projektnamn"].trim());
        assert_eq!(record.body, row["projektbeskrivning"].trim());
        // Names brought to one spelling keep the source's in `as_written`.
        let as_written =
            |field: &str, value: Option<String>| record.as_written.get(field).cloned().or(value);
        assert_eq!(
            as_written("owner", record.owner.clone()).as_deref(),
            Some(row["stodmottagare"].trim())
        );
        assert_eq!(
            as_written("region", record.region.clone()).as_deref(),
            Some(row["omrade"].trim()).filter(|r| !r.is_empty())
        );
        assert_eq!(
            as_written("counties", Some(record.counties.join(", "))),
            Some(split(&row["lan_fordelning"]).join(", "))
        );
        assert_eq!(record.municipalities, split(&row["kommun_fordelning"]));
        assert_eq!(
            record.granted,
            row["beviljat_belopp_sek"].trim().parse().ok()
        );
        assert_eq!(record.start, Date::parse(row["projekt_starttid"].trim()));
        assert_eq!(record.end, Date::parse(row["projekt_sluttid"].trim()));
        let fund = if row["malprogram"].contains("Interreg") {
            "Interreg"
        } else {
            "ERUF"
        };
        assert_eq!(record.fund.as_deref(), Some(fund));
        assert_eq!(
            record.extra.get("projektnamn_short").map(String::as_str),
            Some(row["projektnamn_short"].trim()).filter(|s| !s.is_empty())
        );
    }
}

#[test]
fn the_whole_bank_indexes_and_filters_by_county_and_municipality() {
    let dir = tempfile::tempdir().unwrap();
    let summary = index_paths(
        dir.path(),
        &[bank_dir()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(summary.total_records, 2497);
    assert!(
        summary.skipped.iter().any(|s| s.contains("SOURCES.md")),
        "the notes file is named as not indexed: {:?}",
        summary.skipped
    );
    let index = FyndIndex::open(dir.path()).unwrap();
    let raw_json = raw_json();
    let raw_csv = raw_csv();
    let in_norrbotten = raw_json
        .iter()
        .filter(|o| {
            split(o["län"].as_str().unwrap_or(""))
                .iter()
                .any(|c| c == "Norrbotten")
        })
        .count()
        + raw_csv
            .iter()
            .filter(|r| {
                split(&r["lan_fordelning"])
                    .iter()
                    .any(|c| c == "Norrbotten")
            })
            .count();
    let in_arjeplog = raw_json
        .iter()
        .filter(|o| {
            split(o["kommuner"].as_str().unwrap_or(""))
                .iter()
                .any(|c| c == "Arjeplog")
        })
        .count()
        + raw_csv
            .iter()
            .filter(|r| {
                split(&r["kommun_fordelning"])
                    .iter()
                    .any(|c| c == "Arjeplog")
            })
            .count();
    for (filter, expected) in [
        ("county=Norrbotten", in_norrbotten),
        ("municipality=Arjeplog", in_arjeplog),
    ] {
        let mut request = SearchRequest::new("");
        request.filters = FacetFilter::parse_all(&[filter.to_string()]).unwrap();
        assert_eq!(
            search(&index, &request).unwrap().total,
            expected,
            "{filter}"
        );
        assert!(expected > 10, "{filter} is a real test");
    }
    // The flaws are searchable as they are: "¿" stands where quotes were
    // ("statusen ¿bra arbetsgivare¿" in 185210), and a phrase still matches across it.
    let response = search(&index, &SearchRequest::new("\"statusen bra arbetsgivare\"")).unwrap();
    assert!(
        response.hits.iter().any(|hit| hit.id == "185210"),
        "{:?}",
        response.total
    );
}
