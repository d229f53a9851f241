//! Story: a researcher scripts fynd. A typo in a path, an empty folder and a query that
//! matches nothing each stop the script with a message and an exit code it can test (2 for
//! an error, 1 for no match, as grep and ripgrep); a JSON export that keeps its records
//! under a key is read record by record.

mod common;

use common::fynd;
use std::path::{Path, PathBuf};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn own(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/own")
        .join(name)
}

#[test]
fn a_missing_path_is_an_error_and_creates_no_index() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let output = fynd(&["index", "/no/such/path", "--index", index.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = text(&output.stderr);
    assert!(
        err.contains("/no/such/path: no such file or folder; nothing was indexed"),
        "{err}"
    );
    assert!(!index.exists(), "no empty index left behind");
}

#[test]
fn an_empty_folder_says_no_file_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("inkommet");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("LÄSMIG.md"), "Anteckningar om mappen.\n").unwrap();
    let index = dir.path().join("index");
    let output = fynd(&[
        "index",
        empty.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = text(&output.stderr);
    assert!(
        err.contains("no file to index found in") && err.contains("1 passed over"),
        "{err}"
    );
}

#[test]
fn records_under_a_key_are_read_and_an_empty_export_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let index = index.to_str().unwrap();
    let json = own("projekt-api.json");
    let output = fynd(&["index", json.to_str().unwrap(), "--index", index, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["total_records"], 2, "{summary}");
    assert_eq!(summary["warnings"], serde_json::json!([]), "{summary}");

    let output = fynd(&["show", "20201240", "--index", index, "--json"]);
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(record["title"], "Besöksnäring i fjällen");
    assert_eq!(record["granted"], 2_400_000);
    assert_eq!(record["as_written"]["granted"], "2,4 mkr");

    let output = fynd(&["search", "fjällen", "--index", index, "--format", "csv"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout).lines().count(),
        2,
        "header and one row"
    );

    let output = fynd(&["search", "rymdfart", "--index", index, "--format", "csv"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout).lines().count(), 1, "the header only");
    let err = text(&output.stderr);
    assert!(
        err.contains("no record matches \"rymdfart\"; the export holds no rows"),
        "{err}"
    );
}
