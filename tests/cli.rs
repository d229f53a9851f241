//! Story: a researcher on the command line. `fynd index` then `fynd search`, in human and
//! JSON form, and the errors that tell them what to do when something is off.

mod common;

use common::fynd;

use common::corpus_dir;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn index_corpus(dir: &Path) {
    let output = fynd(&[
        "index",
        corpus_dir().to_str().unwrap(),
        "--index",
        dir.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Indexed 5 files into"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn search_prints_ranked_projects_with_their_metadata_and_passage() {
    let dir = tempfile::tempdir().unwrap();
    index_corpus(dir.path());
    let output = fynd(&[
        "search",
        "myndighetssamverkan",
        "--index",
        dir.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    // The two documents that use the compound come first; others (with only its parts,
    // "samverkan mellan myndigheter") follow.
    assert!(text.contains(" hits for \"myndighetssamverkan\""), "{text}");
    let first = text
        .find("Hur kan en myndighet samordna samverkan")
        .expect("title");
    let second = text
        .find("Avslutad förstudie inom ESF")
        .expect("second title");
    assert!(first < second, "ranked: {text}");
    for expected in [
        "23-023-S06 · ESF+ · ESF Nationellt · 2023-10-02 – 2024-10-02",
        "MYNDIGHETEN FÖR YRKESHÖGSKOLAN",
        "published 2016-08-25",
        "myndighetssamverkan.…",
        "ESF+ (1)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains('\x1b'), "no colour when piped");
}

#[test]
fn json_output_is_one_object_with_the_documented_contract() {
    let dir = tempfile::tempdir().unwrap();
    index_corpus(dir.path());
    let output = fynd(&[
        "search",
        "samverkan",
        "--json",
        "--limit",
        "2",
        "--index",
        dir.path().to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: Value = serde_json::from_str(&stdout(&output)).expect("stdout is one JSON value");
    assert_eq!(value["query"], "samverkan");
    assert_eq!(value["total"], 5);
    assert!(value["took_ms"].is_f64());
    let hits = value["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "--limit 2");
    for hit in hits {
        for key in [
            "id", "path", "title", "score", "fund", "region", "owner", "start", "end", "snippet",
        ] {
            assert!(hit.get(key).is_some(), "hit has {key}: {hit}");
        }
        assert!(hit["score"].is_f64());
        assert!(hit["snippet"].as_str().unwrap().contains("<mark>"));
    }
    let facets = value["facets"].as_object().unwrap();
    assert_eq!(facets.len(), 5);
    // In the order asked for (the default), as written on stdout.
    let raw = stdout(&output);
    let facets_at = raw.find("\"facets\"").unwrap();
    let positions: Vec<usize> = ["fund", "region", "programme_area", "year", "owner"]
        .iter()
        .map(|key| facets_at + raw[facets_at..].find(&format!("\"{key}\": [")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert_eq!(
        facets["fund"],
        serde_json::json!([{"value": "ESF+", "count": 2}, {"value": "ESF", "count": 1}])
    );

    // A web page has no fund: the key is there, as null.
    let output = fynd(&[
        "search",
        "Finsam",
        "--json",
        "--index",
        dir.path().to_str().unwrap(),
    ]);
    let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["hits"][0]["fund"], Value::Null);
    assert_eq!(value["hits"][0]["start"], Value::Null);
}

#[test]
fn errors_say_what_is_wrong_and_what_to_do() {
    let missing = tempfile::tempdir().unwrap();
    let nowhere = missing.path().join("nothing-here");
    let output = fynd(&["search", "samverkan", "--index", nowhere.to_str().unwrap()]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("no index at") && message.contains("run `fynd index corpus` first"),
        "{message}"
    );

    let dir = tempfile::tempdir().unwrap();
    index_corpus(dir.path());
    let index = dir.path().to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--filter", "färg=blå"],
            "unknown filter key \"färg\": valid keys are fund, region, nuts2",
        ),
        (
            &["--filter", "fund"],
            "bad filter \"fund\": write KEY=VALUE",
        ),
        (
            &["--from", "2024-13-45"],
            "bad date \"2024-13-45\" for --from: write YYYY-MM-DD",
        ),
        (&["--to", "igår"], "bad date \"igår\" for --to"),
        (
            &["--facets", "fund,colour"],
            "unknown filter key \"colour\"",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["search", "samverkan", "--index", index];
        args.extend_from_slice(extra);
        let output = fynd(&args);
        assert!(!output.status.success(), "{extra:?}");
        assert!(
            stderr(&output).contains(expected),
            "{extra:?}: {}",
            stderr(&output)
        );
    }

    let output = fynd(&["search", "samverkan \"kommun", "--index", index]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("query syntax error at position 11: this quote is never closed"),
        "{message}"
    );
    assert!(
        message.contains("\n  samverkan \"kommun\n            ^"),
        "caret under the quote: {message}"
    );
}

#[test]
fn one_bad_file_is_reported_and_never_stops_the_batch() {
    let docs = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, docs.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(docs.path().join("empty.txt"), "").unwrap();
    std::fs::write(
        docs.path().join("picture.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .unwrap();
    std::fs::write(
        docs.path().join("latin1.txt"),
        b"Projekt i V\xe4ster\xe5s\n",
    )
    .unwrap();
    let index = tempfile::tempdir().unwrap();
    let output = fynd(&[
        "index",
        docs.path().to_str().unwrap(),
        "--index",
        index.path().to_str().unwrap(),
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(summary["files_seen"], 8);
    assert_eq!(
        summary["records_written"], 6,
        "the Windows-1252 file is read too"
    );
    assert_eq!(summary["total_records"], 6);
    let skipped: Vec<String> = summary["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped
        .iter()
        .any(|s| s.contains("empty.txt") && s.contains("empty")));
    assert!(skipped
        .iter()
        .any(|s| s.contains("picture.png") && s.contains("binary")));
    let search = fynd(&[
        "search",
        "Västerås",
        "--json",
        "--index",
        index.path().to_str().unwrap(),
    ]);
    let found: Value = serde_json::from_str(&stdout(&search)).unwrap();
    assert!(found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["title"] == "Projekt i Västerås"));
}

#[test]
fn a_second_indexer_is_refused_while_the_first_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    index_corpus(dir.path());
    let index = fynd::index::FyndIndex::open(dir.path()).unwrap();
    let _writer = index.writer(fynd::index::DEFAULT_WRITER_MEMORY).unwrap();
    let output = fynd(&[
        "index",
        corpus_dir().to_str().unwrap(),
        "--index",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("index is locked by another fynd process"),
        "{}",
        stderr(&output)
    );
}

/// `--explain` says how the query was read, after the hits; a mode that does not exist is
/// refused with the valid ones named, and exact mode finds fewer records than the default
/// for a compound whose parts the seeds also write apart.
#[test]
fn explain_and_match_modes_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    index_corpus(dir.path());
    let index = dir.path().to_str().unwrap();
    let output = fynd(&[
        "search",
        "myndighetssamverkan",
        "--index",
        index,
        "--explain",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("How the query was read:"), "{text}");
    assert!(text.contains("compound: myndighets (myndighet"), "{text}");
    assert!(
        text.contains("with at most 2 word(s) between them"),
        "{text}"
    );
    let total = |mode: &str| -> u64 {
        let output = fynd(&[
            "search",
            "myndighetssamverkan",
            "--index",
            index,
            "--json",
            "--match",
            mode,
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(json["explain"]["match"], mode);
        json["total"].as_u64().unwrap()
    };
    assert!(total("exact") < total("compound"));
    assert!(total("compound") <= total("broad"));
    let output = fynd(&["search", "x", "--index", index, "--match", "fuzzy"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("write exact, compound or broad"),
        "{}",
        stderr(&output)
    );
    let output = fynd(&["search", "x", "--index", index, "--near", "many"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--near"), "{}", stderr(&output));
}

/// On Linux with glibc the command is a position-dependent executable (`build.rs`): the
/// loader does not relocate its tables at every start. The ELF header's type is
/// `ET_EXEC` (2), not the `ET_DYN` (3) of a position-independent one.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_command_is_linked_position_dependent() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_fynd")).unwrap();
    assert_eq!(&binary[..4], b"\x7fELF");
    assert_eq!(u16::from_le_bytes([binary[16], binary[17]]), 2);
}
