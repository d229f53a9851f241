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

/// The columns of an export without `--fields`: [`CSV_COLUMNS`] with `extra` replaced by
/// one column per key of `extra` that `records` have, in order.
fn default_columns(records: &[serde_json::Value]) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = records
        .iter()
        .flat_map(|r| r["extra"].as_object().unwrap().keys())
        .collect();
    let mut columns = Vec::new();
    for column in fynd::output::export::CSV_COLUMNS {
        if column == "extra" {
            columns.extend(keys.iter().map(|key| format!("extra.{key}")));
        } else {
            columns.push(column.to_string());
        }
    }
    columns
}

/// Every record of the index in `dir`, as `--format jsonl` exports it.
fn jsonl_records(dir: &str) -> Vec<serde_json::Value> {
    let output = fynd(&["search", "", "--format", "jsonl", "--index", dir]);
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn every_field_and_every_extra_key_is_a_column() {
    let rows = rows(&export(&["", "--format", "csv"]), b',');
    let header = &rows[0];
    assert_eq!(rows.len(), 1 + 7);
    let records = jsonl_records(index());
    let columns = default_columns(&records);
    assert!(columns.len() > fynd::output::export::CSV_COLUMNS.len());
    assert_eq!(header.iter().collect::<Vec<_>>(), columns);
    let row = rows
        .iter()
        .find(|r| &r[column(header, "id")] == "2020-3010200")
        .unwrap();
    assert_eq!(&row[column(header, "counties")], "Kronoberg; Kalmar");
    assert_eq!(&row[column(header, "granted")], "2500000");
    assert_eq!(&row[column(header, "budget")], "5000000");
    assert_eq!(&row[column(header, "extra.Kontaktperson")], "Sara Ek");
    let written: serde_json::Value =
        serde_json::from_str(&row[column(header, "as_written")]).unwrap();
    assert_eq!(written["granted"], "2,500,000");
    // Each extra column holds what the record's extra holds, empty where it has none.
    for row in &rows[1..] {
        let record = records
            .iter()
            .find(|r| r["id"] == row[column(header, "id")])
            .unwrap();
        for (at, name) in header.iter().enumerate() {
            if let Some(key) = name.strip_prefix("extra.") {
                let value = record["extra"].get(key).and_then(|v| v.as_str());
                assert_eq!(&row[at], value.unwrap_or(""), "{name}");
            }
        }
    }

    // `--fields extra` packs them into one JSON object, as the other maps are.
    let rows = self::rows(
        &export(&["", "--format", "csv", "--fields", "id,extra"]),
        b',',
    );
    let row = rows.iter().find(|r| &r[0] == "2020-3010200").unwrap();
    let extra: serde_json::Value = serde_json::from_str(&row[1]).unwrap();
    assert_eq!(extra["Kontaktperson"], "Sara Ek");
}

#[test]
fn the_extra_columns_follow_the_files_the_index_holds() {
    let folder = common::scratch_dir("extra-columns-files");
    std::fs::create_dir_all(&folder).unwrap();
    for name in ["beviljade-projekt-excel.csv", "projekt-api.json"] {
        std::fs::copy(own(name), folder.join(name)).unwrap();
    }
    let dir = common::scratch_dir("extra-columns-index");
    let (folder, dir) = (folder.to_str().unwrap(), dir.to_str().unwrap());
    let header = || {
        let output = fynd(&["search", "", "--format", "csv", "--index", dir]);
        assert!(output.status.success(), "{output:?}");
        let text = String::from_utf8(output.stdout).unwrap();
        text.lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert!(fynd(&["index", folder, "--index", dir]).status.success());
    let both = header();
    assert_eq!(both, default_columns(&jsonl_records(dir)));
    assert!(both.contains(&"extra.Kontaktperson".to_string()));
    // The sheet, the one file with extra keys, gone: so are its columns.
    std::fs::remove_file(Path::new(folder).join("beviljade-projekt-excel.csv")).unwrap();
    assert!(fynd(&["index", folder, "--index", dir]).status.success());
    let without = header();
    assert_eq!(without, default_columns(&jsonl_records(dir)));
    assert!(
        !without.iter().any(|c| c.starts_with("extra")),
        "{without:?}"
    );
}

#[test]
fn an_index_that_does_not_list_its_extra_keys_exports_extra_as_one_column() {
    use fynd::index::manifest::Manifest;
    let dir = common::scratch_dir("extra-columns-earlier");
    let dir_text = dir.to_str().unwrap();
    let sheet = own("beviljade-projekt-excel.csv");
    assert!(
        fynd(&["index", sheet.to_str().unwrap(), "--index", dir_text])
            .status
            .success()
    );
    // As an earlier fynd left it: no owner counts or extra keys in the manifest, no
    // payload with the commit.
    let mut manifest = Manifest::load(&dir).unwrap();
    for entry in manifest.files.values_mut() {
        entry.owners = None;
        entry.extra_keys = None;
    }
    manifest.save(&dir).unwrap();
    let meta_path = dir.join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    meta["payload"] = serde_json::Value::Null;
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();

    let output = fynd(&["search", "", "--format", "csv", "--index", dir_text]);
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        fynd::output::export::CSV_COLUMNS.join(",")
    );
    // Indexing again (nothing changed) says how to get the columns, and the export stays
    // as it was until then.
    let output = fynd(&[
        "index",
        sheet.to_str().unwrap(),
        "--index",
        dir_text,
        "--json",
    ]);
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        summary["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("fynd index --rebuild")),
        "{summary}"
    );
    let output = fynd(&["search", "", "--format", "csv", "--index", dir_text]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.lines().next().unwrap().contains(",extra,"));
    // Rebuilt, it lists them.
    assert!(fynd(&[
        "index",
        sheet.to_str().unwrap(),
        "--index",
        dir_text,
        "--rebuild"
    ])
    .status
    .success());
    let output = fynd(&["search", "", "--format", "csv", "--index", dir_text]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text
        .lines()
        .next()
        .unwrap()
        .contains(",extra.Kontaktperson,"));
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

    // Without --fields, the workbook has the CSV's columns: each extra key its own.
    let output = fynd(&["search", "", "--format", "xlsx", "--index", index()]);
    assert!(output.status.success(), "{output:?}");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(output.stdout)).unwrap();
    let mut xml = String::new();
    for part in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"] {
        if let Ok(mut file) = archive.by_name(part) {
            file.read_to_string(&mut xml).unwrap();
        }
    }
    for column in default_columns(&jsonl_records(index())) {
        assert!(xml.contains(&format!(">{column}<")), "{column} in {xml}");
    }
    assert!(xml.contains(">Sara Ek<"), "{xml}");
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
