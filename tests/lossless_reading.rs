//! Story: a researcher's folder holds files that are almost right — a CSV with one broken
//! quote, a UTF-8 file with one bad byte, notes that start with a bracket, a text with a
//! stray NUL byte, an export with repeated ids. Every readable word is indexed, and every
//! repair is reported with its file and line.

mod common;

use common::scratch_dir;
use fynd::index::{index_paths_with, FyndIndex, IndexOptions, IndexSummary, NoProgress};
use fynd::query::{search, SearchRequest};
use std::path::{Path, PathBuf};

/// Writes `files` into a fresh folder and indexes it; the folder, index and summary.
fn index_files(name: &str, files: &[(&str, Vec<u8>)]) -> (PathBuf, FyndIndex, IndexSummary) {
    let root = scratch_dir(name);
    let docs = root.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for (file, bytes) in files {
        std::fs::write(docs.join(file), bytes).unwrap();
    }
    let dir = root.join("index");
    let summary = index_paths_with(
        &dir,
        std::slice::from_ref(&docs),
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap();
    let index = FyndIndex::open(&dir).unwrap();
    (docs, index, summary)
}

fn ids_for(index: &FyndIndex, query: &str) -> Vec<String> {
    let mut request = SearchRequest::new(query);
    request.limit = 1000;
    let mut ids: Vec<String> = search(index, &request)
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| hit.id)
        .collect();
    ids.sort();
    ids
}

/// The one entry of `list` that starts with `file`:`line`:.
fn reported<'a>(list: &'a [String], file: &Path, line: usize) -> &'a str {
    let prefix = format!("{}:{line}:", file.display());
    let found: Vec<&String> = list.iter().filter(|s| s.starts_with(&prefix)).collect();
    assert_eq!(found.len(), 1, "{prefix} in {list:#?}");
    found[0]
}

#[test]
fn an_unbalanced_quote_in_a_csv_loses_no_row() {
    let csv = "diarienummer;projektnamn;beskrivning\n\
               2023-1;\"Fjällturism i norr;Projektet om turism.\n\
               2023-2;Renskötsel;Projektet om renar.\n\
               2023-3;\"Skogsbruk\";Projektet om skog.\n\
               2023-4;Fiske;Projektet om fiske.\n";
    let (docs, index, summary) = index_files("csv-quote", &[("projekt.csv", csv.into())]);
    assert_eq!(index.num_records().unwrap(), 4);
    assert_eq!(ids_for(&index, "renar"), ["2023-2"]);
    assert_eq!(ids_for(&index, "skog"), ["2023-3"]);
    assert_eq!(ids_for(&index, "fiske"), ["2023-4"]);
    // The broken row itself is indexed, its quote kept as text, and reported.
    assert_eq!(ids_for(&index, "turism"), ["2023-1"]);
    let warning = reported(&summary.warnings, &docs.join("projekt.csv"), 2);
    assert!(warning.contains("never closed"), "{warning}");
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
}

#[test]
fn one_invalid_byte_does_not_turn_a_utf8_file_into_windows_1252() {
    let mut text =
        "Projektägare: Yrkeshögskolan i Umeå\n\nYrkeshögskolan driver projektet.\nByte: "
            .as_bytes()
            .to_vec();
    text.push(0xFF);
    text.extend_from_slice(" slut. Mer om yrkeshögskolan.\n".as_bytes());
    let (docs, index, summary) = index_files(
        "invalid-byte",
        &[
            ("utf8.txt", text),
            // A real Windows-1252 file is still read as one.
            (
                "latin.txt",
                b"Projekt i V\xe4ster\xe5s om skogsn\xe4ring.\n".to_vec(),
            ),
        ],
    );
    assert_eq!(ids_for(&index, "yrkeshögskolan").len(), 1);
    assert_eq!(ids_for(&index, "västerås").len(), 1);
    assert_eq!(ids_for(&index, "skogsnäring").len(), 1);
    let warning = reported(&summary.warnings, &docs.join("utf8.txt"), 4);
    assert!(
        warning.contains("1 byte sequence(s) that are not valid UTF-8"),
        "{warning}"
    );
    // The text around the bad byte is as written, all three occurrences in it.
    let decoded =
        fynd::ingest::text::decode(&std::fs::read(docs.join("utf8.txt")).unwrap()).unwrap();
    assert_eq!(decoded.encoding, "UTF-8");
    assert_eq!(decoded.text.matches("rkeshögskolan").count(), 3);
    assert!(decoded.text.contains("Byte: \u{FFFD} slut."));
}

#[test]
fn text_that_starts_with_a_bracket_is_a_document_not_broken_json() {
    let (_docs, index, summary) = index_files(
        "brackets",
        &[
            (
                "utkast.txt",
                "[Utkast] Lägesrapport om kompetensförsörjning.\n".into(),
            ),
            (
                "noter.txt",
                "{Intern} Anteckningar om lärlingsutbildning.\n".into(),
            ),
            (
                "riktig.json",
                "[{\"diarienummer\": \"2020-9\", \"projektnamn\": \"Sjöfart\"}]".into(),
            ),
        ],
    );
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert_eq!(ids_for(&index, "kompetensförsörjning").len(), 1);
    assert_eq!(ids_for(&index, "lärlingsutbildning").len(), 1);
    assert_eq!(ids_for(&index, "sjöfart"), ["2020-9"]);
}

#[test]
fn a_stray_nul_byte_is_left_out_and_reported_but_binary_files_are_skipped() {
    let mut text = b"Rapport om vattenbruk.\nAndra raden".to_vec();
    text.push(0);
    text.extend_from_slice(" med fortsatt text om vattenbruk.\n".as_bytes());
    // An image: binary (a file starting "%PDF-" is read as a PDF report).
    let mut binary = b"\x89PNG\r\n\x1a\n".to_vec();
    binary.extend((0..4000u32).map(|i| if i % 3 == 0 { 0 } else { (i % 251) as u8 }));
    let (docs, index, summary) =
        index_files("nul-byte", &[("nul.txt", text), ("bild.png", binary)]);
    assert_eq!(ids_for(&index, "vattenbruk").len(), 1, "{summary:?}");
    let warning = reported(&summary.warnings, &docs.join("nul.txt"), 2);
    assert!(warning.contains("1 NUL byte(s) left out"), "{warning}");
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.contains("bild.png") && s.contains("binary")),
        "{:?}",
        summary.skipped
    );
    assert_eq!(index.num_records().unwrap(), 1);
}

/// A CSV of `rows` rows over `ids` distinct ids, row i with id i % ids and word "radN".
fn repeated_ids_csv(rows: usize, ids: usize) -> String {
    let mut csv = String::from("diarienummer,projektnamn,beskrivning\n");
    for i in 0..rows {
        csv.push_str(&format!("ID-{},Projekt {i},Text rad{i}\n", i % ids));
    }
    csv
}

#[test]
fn repeated_ids_in_a_table_keep_the_last_row_once_each() {
    let (rows, ids) = (3_000, 10);
    let (docs, index, summary) = index_files(
        "repeated-ids",
        &[("export.csv", repeated_ids_csv(rows, ids).into())],
    );
    assert_eq!(index.num_records().unwrap(), ids as u64);
    // Each id is written once: no upsert per row for the index to undo at commit.
    assert_eq!(summary.records_written, ids);
    // The last row of each id is the one kept.
    let last = rows - ids + 3; // the last row with id ID-3
    assert_eq!(ids_for(&index, &format!("rad{last}")), ["ID-3"]);
    assert!(ids_for(&index, &format!("rad{}", last - ids)).is_empty());
    // Each kept row names the row it replaced (the file's line is its row number + 2).
    let warning = reported(&summary.warnings, &docs.join("export.csv"), last + 2);
    assert!(
        warning.contains(&format!(
            "same id ID-3 as {} earlier rows, the last on line {}",
            rows / ids - 1,
            last - ids + 2
        )),
        "{warning}"
    );
}

/// Heavy: a million rows sharing a thousand ids, timed (run with
/// `cargo test --release --test lossless_reading -- --ignored --nocapture`).
#[test]
#[ignore]
fn a_million_repeated_ids_index_in_linear_time() {
    let started = std::time::Instant::now();
    let (_docs, index, summary) = index_files(
        "repeated-ids-million",
        &[("export.csv", repeated_ids_csv(1_000_000, 1_000).into())],
    );
    let elapsed = started.elapsed();
    eprintln!("1,000,000 rows, 1,000 ids: {elapsed:.1?}");
    assert_eq!(index.num_records().unwrap(), 1_000);
    assert_eq!(summary.records_written, 1_000);
    assert!(elapsed.as_secs() < 120, "{elapsed:?}");
}
