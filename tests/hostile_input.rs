//! Story: a folder holds hostile or broken files next to good ones (pages nested thousands
//! of elements deep, JSON nested past any parser's depth) and a researcher pastes a query of
//! 50 000 parentheses. Nothing aborts the process: each bad input is read anyway or
//! reported with its file, and the rest of the batch is indexed and committed.

mod common;

use common::scratch_dir;
use fynd::error::FyndError;
use fynd::index::{index_paths_with, FyndIndex, IndexOptions, NoProgress};
use fynd::query::{search, SearchRequest};
use std::process::Command;

/// Writes `files` (name, bytes) into a fresh folder `name`/docs; the folder.
fn folder(name: &str, files: &[(&str, Vec<u8>)]) -> std::path::PathBuf {
    let docs = scratch_dir(name).join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for (file, bytes) in files {
        std::fs::write(docs.join(file), bytes).unwrap();
    }
    docs
}

/// A page whose one paragraph sits `depth` `<div>`s deep.
fn deep_page(depth: usize, word: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html><html><head><title>Djup sida</title></head><body>{}<p>Projektet om {word} och yrkeshögskolan.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
    .into_bytes()
}

fn ids_for(index: &FyndIndex, query: &str) -> Vec<String> {
    let mut request = SearchRequest::new(query);
    request.limit = 100;
    let response = search(index, &request).unwrap();
    response.hits.iter().map(|hit| hit.id.clone()).collect()
}

#[test]
fn deeply_nested_pages_and_json_never_stop_the_batch() {
    let depth = 20_000;
    let docs = folder(
        "hostile-batch",
        &[
            ("deep.html", deep_page(depth, "fjällturism")),
            // Under the parser's limit: read with the HTML parser, as any page.
            ("nested.html", deep_page(400, "skogsbruk")),
            (
                "deep.json",
                format!(
                    "[{{\"diarienummer\": \"1\", \"projektnamn\": \"x\", \"beskrivning\": {}1{}}}]",
                    "[".repeat(depth),
                    "]".repeat(depth)
                )
                .into_bytes(),
            ),
            (
                "deep.jsonl",
                format!(
                    "{{\"diarienummer\": \"2023-1\", \"projektnamn\": \"Renskötsel\"}}\n{{\"diarienummer\": \"2023-2\", \"x\": {}1{}}}\n",
                    "[".repeat(depth),
                    "]".repeat(depth)
                )
                .into_bytes(),
            ),
            (
                "plain.txt",
                "Ett vanligt dokument om lärlingsutbildning.\n".into(),
            ),
        ],
    );
    let dir = docs.parent().unwrap().join("index");
    // Two parsing threads, as on any machine: their stacks are the default size.
    let options = IndexOptions {
        threads: 2,
        ..IndexOptions::default()
    };
    let summary =
        index_paths_with(&dir, std::slice::from_ref(&docs), &options, &mut NoProgress).unwrap();
    let index = FyndIndex::open(&dir).unwrap();

    // The deep page is indexed, flat, with a warning naming it.
    assert_eq!(ids_for(&index, "fjällturism").len(), 1);
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("deep.html") && w.contains("nested more than 512 deep")),
        "{:?}",
        summary.warnings
    );
    assert_eq!(ids_for(&index, "skogsbruk").len(), 1);
    assert!(!summary.warnings.iter().any(|w| w.contains("nested.html")));
    // The JSON array nested past the JSON parser's depth is reported with file and line.
    assert!(
        summary.skipped.iter().any(|s| s
            .starts_with(&format!("{}:1:", docs.join("deep.json").display()))
            && s.contains("recursion limit")),
        "{:?}",
        summary.skipped
    );
    // In JSON Lines, only the deep line is lost, and it is reported.
    assert_eq!(ids_for(&index, "renskötsel"), ["2023-1"]);
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.starts_with(&format!("{}:2:", docs.join("deep.jsonl").display()))),
        "{:?}",
        summary.skipped
    );
    assert_eq!(ids_for(&index, "lärlingsutbildning").len(), 1);
    // Everything readable was committed.
    assert_eq!(summary.total_records, 4);
    assert_eq!(index.num_records().unwrap(), 4);
}

#[test]
fn end_tags_that_close_nothing_and_runs_of_letters_are_read_in_proportion_to_their_size() {
    // Found by the `nested` fuzz target: end tags naming no open element leave every span
    // open, so the page nests 40 000 deep for the HTML parser (minutes of work) though
    // its tags balance in number; and between the tags the words run together into one
    // "word" of 120 000 letters (seconds to split into compound parts, per occurrence).
    let misclosed = format!(
        "<html><body>{}</body></html>",
        "<span>ord</spam> <span><div>lotsbåt</span></div> ".repeat(20_000)
    );
    let glued = format!(
        "<html><body><p>Hamnprojektet</p>{}</body></html>",
        "<span>ord</span>".repeat(40_000)
    );
    let docs = folder(
        "hostile-misclosed",
        &[
            ("misclosed.html", misclosed.into_bytes()),
            ("glued.html", glued.into_bytes()),
        ],
    );
    let dir = docs.parent().unwrap().join("index");
    let summary = index_paths_with(
        &dir,
        std::slice::from_ref(&docs),
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap();
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("misclosed.html") && w.contains("nested more than 512 deep")),
        "{:?}",
        summary.warnings
    );
    let index = FyndIndex::open(&dir).unwrap();
    assert_eq!(ids_for(&index, "lotsbåt").len(), 1);
    assert_eq!(ids_for(&index, "hamnprojektet").len(), 1);
    assert_eq!(summary.total_records, 2);
}

#[test]
fn fifty_thousand_parentheses_give_a_syntax_error_not_a_crash() {
    let docs = folder(
        "hostile-query",
        &[("a.txt", "Samverkan mellan myndigheter.\n".into())],
    );
    let dir = docs.parent().unwrap().join("index");
    index_paths_with(&dir, &[docs], &IndexOptions::default(), &mut NoProgress).unwrap();
    let index = FyndIndex::open(&dir).unwrap();
    let query = format!("{}samverkan{}", "(".repeat(50_000), ")".repeat(50_000));
    match search(&index, &SearchRequest::new(&query)) {
        Err(FyndError::QuerySyntax {
            position, message, ..
        }) => {
            assert_eq!(position, fynd::query::parse::MAX_NESTING);
            assert!(message.contains("nested more than"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // As deep as allowed, the query runs and finds the document.
    let depth = fynd::query::parse::MAX_NESTING;
    let query = format!("{}samverkan{}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(ids_for(&index, &query).len(), 1);

    // The command line answers with the error, a short excerpt of the query and a
    // failure status; it does not abort.
    let query = format!("{}samverkan{}", "(".repeat(50_000), ")".repeat(50_000));
    let output = Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args(["search", &query, "--index", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nested more than 32 deep"), "{stderr}");
    assert!(stderr.len() < 1000, "the message quotes all of the query");
}

#[test]
fn a_huge_flat_page_and_a_huge_query_are_answered() {
    // Wide rather than deep: 50 000 sibling elements, and a query of 2 000 words (the work
    // grows with the words; kept small so the test stays fast in a debug build).
    let page = format!(
        "<html><body>{}</body></html>",
        "<span>ord</span> ".repeat(50_000)
    );
    let parsed = fynd::ingest::parse_bytes("wide.html", page.as_bytes()).unwrap();
    assert_eq!(parsed.documents.len(), 1);
    assert!(parsed.documents[0].warnings.is_empty());
    let (_dir, index) = common::index_of(
        &[common::page("p1", "Ord", "ord ord ord")],
        fynd::analysis::lexicon::Chain::Full,
    );
    let query = vec!["ord"; 2_000].join(" ");
    assert_eq!(ids_for(&index, &query), ["p1"]);
    let query = vec!["ord"; 2_000].join(" OR ");
    assert_eq!(ids_for(&index, &query), ["p1"]);
}

#[test]
fn every_search_and_view_stops_at_its_deadline_and_runs_without_one() {
    use fynd::query::deadline::Deadline;
    use fynd::views::{cooccur, kwic, similar, trend};
    use std::time::Duration;
    let (dir, records) = common::generated_index();
    let index = common::open(dir);
    let searcher = index.reader().unwrap().searcher();
    let record = records[0].id.clone();
    let kwic_options = kwic::KwicOptions {
        width: 40,
        sort: kwic::KwicSort::Doc,
        limit: 0,
    };
    let cooccur_options = cooccur::CooccurOptions {
        limit: 30,
        min_count: 3,
    };
    let trend_options = trend::TrendOptions {
        by: trend::TrendBy::Year,
        share: false,
        sum: None,
    };
    let queries = vec!["digitalisering".to_string(), "integration".to_string()];
    let run = |deadline: Deadline| -> Vec<Result<(), FyndError>> {
        let mut request = SearchRequest::new("digitalisering OR ungdomar");
        request.deadline = deadline.clone();
        let mut all = request.clone();
        all.limit = usize::MAX;
        vec![
            fynd::query::search_with(&index, &searcher, &request).map(drop),
            fynd::query::facet_values_with(
                &index,
                &searcher,
                &request,
                fynd::schema::FacetKey::Region,
            )
            .map(drop),
            fynd::query::export::export_with(&index, &searcher, &all, false).map(drop),
            kwic::kwic(&index, &searcher, &request, kwic_options)
                .and_then(|lines| lines.collect::<Result<Vec<_>, _>>())
                .map(drop),
            cooccur::cooccur(&index, &searcher, &request, cooccur_options).map(drop),
            trend::trend(&index, &searcher, &request, &queries, trend_options).map(drop),
            similar::similar_until(&index, &searcher, &record, 10, &deadline).map(drop),
        ]
    };
    for outcome in run(Deadline::none()) {
        outcome.unwrap();
    }
    for outcome in run(Deadline::after(Duration::from_secs(3600))) {
        outcome.unwrap();
    }
    let passed = Deadline::after(Duration::from_millis(250));
    passed.cancel();
    for (n, outcome) in run(passed).into_iter().enumerate() {
        match outcome {
            Err(FyndError::TimedOut { limit_ms: 250 }) => {}
            other => panic!("entry point {n} ran past its deadline: {other:?}"),
        }
    }
}
