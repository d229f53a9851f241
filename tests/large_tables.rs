//! Story: a researcher downloads a whole project bank as one JSON Lines or CSV file, larger
//! than fynd reads whole. It is read a batch of rows at a time, and nothing about the
//! result depends on that:
//! - the records, their warnings and the rows skipped (with their lines) are those of the
//!   table read whole, for the shipped real tables cut into hundreds of batches;
//! - `fynd index` builds the same index from it, reads it again only when it changed, and
//!   removes the rows that left it;
//! - a line too long to hold is skipped with its line named, the rest indexed.

mod common;

use fynd::index::{index_paths_with, IndexOptions, IndexSummary, NoProgress};
use fynd::ingest::batches::TableBatches;
use fynd::ingest::{self, ParsedDocument, ReadOptions};
use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// The shipped CSV of the 2007–2013 projects.
fn shipped_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/projektbanken/projektbanken-2007-2013.csv")
}

/// The shipped JSON array of the 2014–2020 projects written as JSON Lines in `dir`.
fn shipped_json_lines(dir: &Path) -> PathBuf {
    let json = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/projektbanken/projektbanken-2014-2020.json");
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let lines: Vec<String> = rows.iter().map(|row| row.to_string()).collect();
    let path = dir.join("projektbanken-2014-2020.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Each id's record as a table read in batches of `batch_bytes` leaves it (a later row
/// with an id replaces the earlier, as writing by id does), and the problems of all
/// batches.
fn read_in_batches(
    path: &Path,
    batch_bytes: usize,
) -> (BTreeMap<String, ParsedDocument>, Vec<String>, usize) {
    let file = std::fs::File::open(path).unwrap();
    let shown = path.display().to_string();
    let batches = TableBatches::open(
        &shown,
        BufReader::new(file),
        &ReadOptions::default(),
        batch_bytes,
    )
    .unwrap()
    .expect("a table read in batches");
    let (mut records, mut problems, mut count) = (BTreeMap::new(), Vec::new(), 0);
    for batch in batches {
        let contents = batch.unwrap();
        count += 1;
        problems.extend(contents.problems.iter().map(ToString::to_string));
        for document in contents.documents {
            records.insert(document.record.id.clone(), document);
        }
    }
    (records, problems, count)
}

fn read_whole(path: &Path) -> (BTreeMap<String, ParsedDocument>, Vec<String>) {
    let contents = ingest::read_file(path).unwrap();
    let problems = contents.problems.iter().map(ToString::to_string).collect();
    let records = contents
        .documents
        .into_iter()
        .map(|document| (document.record.id.clone(), document))
        .collect();
    (records, problems)
}

#[test]
fn a_table_read_in_batches_gives_the_records_and_problems_of_the_table_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    for path in [shipped_csv(), shipped_json_lines(dir.path())] {
        let (whole, whole_problems) = read_whole(&path);
        assert!(
            whole.len() > 300,
            "{}: {} records",
            path.display(),
            whole.len()
        );
        for batch_bytes in [4 * 1024, 64 * 1024] {
            let (batched, problems, batches) = read_in_batches(&path, batch_bytes);
            assert!(batches > 10, "{} batches of {batch_bytes} bytes", batches);
            assert_eq!(problems, whole_problems, "{}", path.display());
            assert_eq!(batched.len(), whole.len(), "{}", path.display());
            for (id, document) in &whole {
                // Records and their warnings, lines included, as read whole.
                assert_eq!(batched.get(id), Some(document), "{}: {id}", path.display());
            }
        }
    }
}

/// A CSV whose quoted cells span lines, with a broken quote, a row repeated later under
/// the same id and rows that cannot be read, cut into batches of every size from a few
/// bytes up: whatever the cut, the records are those of the table read whole.
#[test]
fn quoted_cells_broken_quotes_and_repeated_ids_survive_every_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tabell.csv");
    let mut text = String::from("arende_id;projektnamn;projektbeskrivning\n");
    for n in 0..40 {
        match n % 8 {
            0 => text += &format!("{n};Projekt {n};\"Första raden\nandra raden; om samverkan\"\n"),
            3 => text += &format!("{n};\"Projekt {n};trasigt citat\n"),
            5 => text += &format!("{};Projekt {n} igen;En senare rad med samma id\n", n - 4),
            _ => text += &format!("{n};Projekt {n};Kompetensutveckling i region {n}\n"),
        }
    }
    std::fs::write(&path, &text).unwrap();
    let (whole, whole_problems) = read_whole(&path);
    for batch_bytes in [1, 7, 50, 200, 1000] {
        let (batched, problems, _) = read_in_batches(&path, batch_bytes);
        assert_eq!(problems, whole_problems, "batches of {batch_bytes} bytes");
        let ids = |records: &BTreeMap<String, ParsedDocument>| {
            records
                .iter()
                .map(|(id, d)| (id.clone(), d.record.title.clone(), d.record.body.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&batched), ids(&whole), "batches of {batch_bytes} bytes");
    }
}

fn index(docs: &Path, index: &Path) -> IndexSummary {
    let options = IndexOptions {
        max_file_bytes: 1024,
        table_batch_bytes: 16 * 1024,
        // Commits half-way through a table: it stands in the manifest as unfinished
        // until its last batch.
        commit_every: 100,
        threads: 2,
        ..IndexOptions::default()
    };
    index_paths_with(index, &[docs.to_path_buf()], &options, &mut NoProgress).unwrap()
}

#[test]
fn fynd_index_reads_a_table_over_the_size_cap_in_batches_into_the_same_index() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::copy(shipped_csv(), docs.join("projektbanken-2007-2013.csv")).unwrap();
    let lines = shipped_json_lines(&docs);
    let whole_dir = dir.path().join("whole");
    let whole = index_paths_with(
        &whole_dir,
        std::slice::from_ref(&docs),
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap();
    let batched_dir = dir.path().join("batched");
    let batched = index(&docs, &batched_dir);
    assert_eq!(batched.skipped, whole.skipped);
    assert_eq!(batched.warnings, whole.warnings);
    assert_eq!(batched.unrecognised_columns, whole.unrecognised_columns);
    assert_eq!(batched.total_records, whole.total_records);
    assert_eq!(batched.files_added, 2);
    for query in ["samverkan", "kompetensutveckling", "landsbygd"] {
        // Every hit: the order of equal scores follows where documents were written.
        let hits = |dir: &Path| {
            let mut ids = common::ids(&common::run(&common::open(dir), query, 5_000));
            ids.sort();
            ids
        };
        let (a, b) = (hits(&whole_dir), hits(&batched_dir));
        assert!(!a.is_empty(), "{query}");
        assert_eq!(a, b, "{query}");
    }

    // Unchanged: not read again; touched but unchanged: hashed, not read again.
    let again = index(&docs, &batched_dir);
    assert_eq!((again.files_unchanged, again.records_written), (2, 0));
    let text = std::fs::read_to_string(&lines).unwrap();
    std::fs::write(&lines, &text).unwrap();
    let touched = index(&docs, &batched_dir);
    assert_eq!((touched.files_unchanged, touched.records_written), (2, 0));

    // The last 50 rows leave the file: their records leave the index.
    let kept: Vec<&str> = text.lines().collect();
    let kept = &kept[..kept.len() - 50];
    std::fs::write(&lines, kept.join("\n") + "\n").unwrap();
    let shorter = index(&docs, &batched_dir);
    assert_eq!(shorter.files_updated, 1);
    assert_eq!(shorter.records_removed, 50);
    assert_eq!(shorter.total_records, whole.total_records - 50);
}

#[test]
fn a_line_too_long_to_hold_is_skipped_with_its_line_and_the_rest_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let row = |id: usize, text: &str| {
        serde_json::json!({"arende_id": id.to_string(), "projektnamn": format!("Projekt {id}"),
            "projektbeskrivning": text})
        .to_string()
    };
    let long = "samverkan ".repeat(fynd::ingest::batches::MAX_LINE_BYTES / 10 + 1);
    let lines = [
        row(1, "Myndighetssamverkan i länet."),
        row(2, "Kompetensutveckling för äldre."),
        row(3, &long),
        row(4, "Landsbygdsutveckling i norr."),
    ];
    std::fs::write(docs.join("stor.jsonl"), lines.join("\n") + "\n").unwrap();
    let summary = index(&docs, &dir.path().join("index"));
    assert_eq!(summary.total_records, 3);
    assert_eq!(summary.skipped.len(), 1, "{:?}", summary.skipped);
    assert!(
        summary.skipped[0].contains("stor.jsonl:3: a line of more than 16 MB"),
        "{:?}",
        summary.skipped
    );
}

/// A cell as a CSV writer quotes it: in quotes, a quote doubled.
fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Property: a well-formed CSV table — cells holding quotes, commas and line ends (lone
    /// "\r" too), rows ending in "\n", "\r\n" or "\r\r\n", ids repeated — read in batches of any size gives each id the record the table read whole
    /// gives, and the same problems. (No line inside a cell splits on the delimiter into as
    /// many cells as the header: the reader takes such a line for a row after a broken
    /// quote, whole or in batches, as the example above shows.)
    #[test]
    fn any_well_formed_table_in_any_batches_reads_as_the_whole_table(
        rows in proptest::collection::vec(
            (0u8..30, "[a-zåäö \",\n\r]{0,30}", "[a-zåäö \",\n]{0,60}", 0usize..3),
            1..60,
        ),
        batch_bytes in 1usize..400,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tabell.csv");
        let mut text = String::from("arende_id;projektnamn;projektbeskrivning\r\n");
        for (id, title, body, end) in &rows {
            let end = ["\n", "\r\n", "\r\r\n"][*end];
            text += &format!("{id};{};{}{end}", quoted(title), quoted(body));
        }
        std::fs::write(&path, &text).unwrap();
        let (whole, whole_problems) = read_whole(&path);
        let (batched, problems, _) = read_in_batches(&path, batch_bytes);
        proptest::prop_assert_eq!(problems, whole_problems);
        proptest::prop_assert_eq!(batched, whole);
    }
}
