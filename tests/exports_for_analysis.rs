//! Story: a researcher indexes a region office's Excel sheet and a project bank's JSON,
//! then exports for pandas, R or Excel: every field its own column (counties too), `extra`
//! and the source's own spellings as JSON objects, a chosen key of `extra` as a column,
//! the text or the best passage on request, a CSV Swedish Excel opens as it is, and a real
//! xlsx workbook.

mod common;

use common::fynd;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn own(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/own")
        .join(name)
}

/// The two files indexed once.
fn index() -> &'static str {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("exports-for-analysis");
        let _ = std::fs::remove_dir_all(&dir);
        let output = fynd(&[
            "index",
            own("beviljade-projekt-excel.csv").to_str().unwrap(),
            own("projekt-api.json").to_str().unwrap(),
            "--index",
            dir.to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{output:?}");
        dir
    })
    .to_str()
    .unwrap()
}

fn export(args: &[&str]) -> String {
    let mut all = vec!["search"];
    all.extend(args);
    all.extend(["--index", index()]);
    let output = fynd(&all);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Rows of a CSV export, read by the csv crate as pandas and R read it.
fn rows(text: &str, delimiter: u8) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader.records().map(Result::unwrap).collect()
}

fn column(header: &csv::StringRecord, name: &str) -> usize {
    header.iter().position(|c| c == name).expect(name)
}

#[test]
fn every_field_is_a_column_and_maps_are_json() {
    let rows = rows(&export(&["", "--format", "csv"]), b',');
    let header = &rows[0];
    assert_eq!(rows.len(), 1 + 7);
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        fynd::output::export::CSV_COLUMNS
    );
    let row = rows
        .iter()
        .find(|r| &r[column(header, "id")] == "2020-3010200")
        .unwrap();
    assert_eq!(&row[column(header, "counties")], "Kronoberg; Kalmar");
    assert_eq!(&row[column(header, "granted")], "2500000");
    assert_eq!(&row[column(header, "budget")], "5000000");
    let extra: serde_json::Value = serde_json::from_str(&row[column(header, "extra")]).unwrap();
    assert_eq!(extra["Kontaktperson"], "Sara Ek");
    let written: serde_json::Value =
        serde_json::from_str(&row[column(header, "as_written")]).unwrap();
    assert_eq!(written["granted"], "2,500,000");
}

#[test]
fn chosen_columns_with_an_extra_key_the_passage_and_the_text() {
    let text = export(&[
        "energianvändning",
        "--format",
        "csv",
        "--fields",
        "id,counties,extra.Kontaktperson,passage,body",
    ]);
    let rows = rows(&text, b',');
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        ["id", "counties", "extra.Kontaktperson", "passage", "body"]
    );
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(&rows[1][0], "2020-3010200");
    assert_eq!(&rows[1][2], "Sara Ek");
    assert!(rows[1][3].contains("energianvändning"), "{text}");
    assert!(
        rows[1][4].starts_with("Små industriföretag kartlägger"),
        "{text}"
    );

    let line = export(&[
        "energianvändning",
        "--format",
        "jsonl",
        "--fields",
        "id,extra.Kontaktperson,body",
    ]);
    let object: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(object["extra.Kontaktperson"], "Sara Ek");
    assert!(object["body"]
        .as_str()
        .unwrap()
        .contains("energianvändning"));
    assert_eq!(object.as_object().unwrap().len(), 3);

    let output = fynd(&[
        "search",
        "",
        "--format",
        "csv",
        "--fields",
        "id,färg",
        "--index",
        index(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no export column \"färg\""));
}

#[test]
fn the_excel_variant_has_a_bom_semicolons_and_decimal_commas() {
    let text = export(&["fjällen", "--excel", "--fields", "id,title,score,counties"]);
    let body = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark");
    let rows = rows(body, b';');
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        ["id", "title", "score", "counties"]
    );
    assert_eq!(&rows[1][1], "Besöksnäring i fjällen");
    let score = &rows[1][2];
    assert!(score.contains(',') && !score.contains('.'), "{score}");
}

#[test]
fn an_xlsx_export_is_a_workbook_with_numbers_and_dates() {
    use std::io::Read;
    let output = fynd(&[
        "search",
        "",
        "--format",
        "xlsx",
        "--fields",
        "id,title,granted,start,counties",
        "--index",
        index(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(output.stdout)).unwrap();
    let mut xml = String::new();
    for part in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"] {
        if let Ok(mut file) = archive.by_name(part) {
            file.read_to_string(&mut xml).unwrap();
        }
    }
    assert_eq!(
        xml.matches("<row ").count(),
        1 + 7,
        "a header and every record"
    );
    assert!(xml.contains("Grön omställning i industrin"));
    assert!(xml.contains("Kronoberg; Kalmar"));
    // Granted kronor as a number, the start as an Excel day number (1970-01-01 is 25569).
    assert!(xml.contains("<v>2500000</v>"), "{xml}");
    let start = fynd::record::Date::parse("2020-01-15").unwrap();
    let serial = start.days_since_epoch() + 25_569;
    assert!(xml.contains(&format!("<v>{serial}</v>")), "{xml}");
}

#[test]
fn show_prints_counties_and_what_the_source_wrote() {
    let output = fynd(&["show", "2020-3010200", "--index", index()]);
    let text = String::from_utf8(output.stdout).unwrap();
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_string()
    };
    assert!(line("counties").ends_with("Kronoberg; Kalmar"), "{text}");
    assert!(line("as written: granted").ends_with("2,500,000"), "{text}");
    assert!(line("extra: Kontaktperson").ends_with("Sara Ek"), "{text}");
}
