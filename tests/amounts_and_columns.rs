//! Story: a researcher brings the grant list their region office exported from Excel
//! (UTF-8 with a byte-order mark, semicolons, "Projektets startdatum", "Beviljat belopp
//! (kr)", amounts written as people write them). Every amount is read exactly or reported
//! with file and line and kept as written; no number is ever cut short.

mod common;

use fynd::index::{index_paths_with, IndexOptions, NoProgress};
use fynd::ingest::columns::ColumnMap;
use fynd::ingest::{read_file, read_file_with, ReadOptions};
use fynd::record::{Date, ProjectRecord};
use std::path::{Path, PathBuf};

fn own(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/own")
        .join(name)
}

fn by_id<'a>(records: &'a [ProjectRecord], id: &str) -> &'a ProjectRecord {
    records.iter().find(|r| r.id == id).expect(id)
}

#[test]
fn amounts_in_an_excel_export_are_read_exactly_and_kept_as_written() {
    let path = own("beviljade-projekt-excel.csv");
    let contents = read_file(&path).unwrap();
    let records: Vec<ProjectRecord> = contents
        .documents
        .iter()
        .map(|d| d.record.clone())
        .collect();
    assert_eq!(records.len(), 5);
    // (id, granted as the sheet writes it, granted in kronor, budget in kronor from "(tkr)")
    for (id, written, granted, budget) in [
        ("2019-3010123", "1,2 mkr", 1_200_000, 2_400_000),
        ("2019-3010124", "1,5 miljoner kr", 1_500_000, 3_100_500),
        ("2020-3010200", "2,500,000", 2_500_000, 5_000_000),
        ("2020-3010201", "6 036 644 kr", 6_036_644, 7_000_000),
    ] {
        let record = by_id(&records, id);
        assert_eq!(record.granted, Some(granted), "{id}");
        assert_eq!(record.budget, Some(budget), "{id}");
        assert_eq!(record.as_written["granted"], written, "{id}");
    }
    // "2,500" may be two and a half kronor or two thousand five hundred: not guessed.
    let ambiguous = by_id(&records, "2020-3010202");
    assert_eq!(ambiguous.granted, None);
    assert_eq!(ambiguous.extra["Beviljat belopp (kr)"], "2,500");
    let warnings: Vec<String> = contents
        .documents
        .iter()
        .flat_map(|d| d.warnings.iter().map(ToString::to_string))
        .collect();
    let shown = path.display().to_string();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with(&format!("{shown}:6: "))
                && w.contains("\"2,500\"")
                && w.contains("ambiguous")),
        "{warnings:#?}"
    );
}

#[test]
fn headers_with_prefixes_and_units_fill_the_dates_and_a_bad_date_names_its_line() {
    let path = own("beviljade-projekt-excel.csv");
    let contents = read_file(&path).unwrap();
    let first = &contents.documents[0].record;
    assert_eq!(first.start, Date::parse("2019-09-01"));
    assert_eq!(first.end, Date::parse("2021-08-31"));
    assert_eq!(first.owner.as_deref(), Some("Region Kalmar län"));
    assert_eq!(first.counties, vec!["Kalmar"]);
    assert_eq!(first.years(), vec![2019, 2020, 2021]);
    // 30 February: reported on its line, kept verbatim, the end date still read.
    let bad = &contents.documents[3];
    assert_eq!(bad.record.start, None);
    assert_eq!(bad.record.end, Date::parse("2020-12-31"));
    assert_eq!(bad.record.extra["Projektets startdatum"], "2020-02-30");
    let warning = bad.warnings[0].to_string();
    assert!(
        warning.starts_with(&format!("{}:5: ", path.display())) && warning.contains("2020-02-30"),
        "{warning}"
    );
    // The contact person is no field: kept, and named as a column without a field.
    assert_eq!(first.extra["Kontaktperson"], "Anna Berg");
    assert_eq!(contents.unrecognised_columns, vec!["Kontaktperson"]);
}

#[test]
fn the_index_summary_names_unrecognised_columns_and_column_maps_them() {
    let dir = tempfile::tempdir().unwrap();
    let csv = own("beviljade-projekt-excel.csv");
    let summary = index_paths_with(
        &dir.path().join("index"),
        std::slice::from_ref(&csv),
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(
        summary.unrecognised_columns,
        vec![format!("{}: Kontaktperson", csv.display())]
    );
    // The user's own mapping wins over the built-in reading: the contact person as owner.
    let options = ReadOptions {
        columns: ColumnMap::parse(&["kontaktperson=owner".to_string()]).unwrap(),
    };
    let contents = read_file_with(&csv, &options).unwrap();
    assert!(contents.unrecognised_columns.is_empty());
    assert_eq!(
        contents.documents[0].record.owner.as_deref(),
        Some("Anna Berg")
    );
    let wrong = ColumnMap::parse(&["Kontaktperson=chef".to_string()]).unwrap_err();
    assert!(wrong.contains("\"chef\" is no record field"), "{wrong}");
}

#[test]
fn the_shipped_project_bank_exports_lose_no_amount() {
    // Every granted amount of the real 2007–2013 export is digits only: all are read, and
    // the sum over the records equals the sum over the file's own column.
    let csv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/projektbanken/projektbanken-2007-2013.csv");
    let contents = read_file(&csv).unwrap();
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "beviljat_belopp_sek")
        .unwrap();
    let expected: u64 = reader
        .records()
        .map(|row| row.unwrap()[column].parse::<u64>().unwrap())
        .sum();
    let read: u64 = contents
        .documents
        .iter()
        .map(|d| d.record.granted.unwrap())
        .sum();
    assert_eq!(read, expected);
}
