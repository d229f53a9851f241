//! What a researcher can rely on when typing and reading a query, on all 2,502 records of
//! `corpus/`:
//! - every corpus word of six letters or more with å, ä or ö, typed without them, finds at
//!   least the records the word finds as written (the whole vocabulary, not a sample);
//! - `*` lists every record, alone and with filters, as an empty query does;
//! - the three match modes nest: exact ⊆ compound ⊆ broad, for compounds of the corpus;
//! - `--explain` says how a compound was read: its terms, its split, the window.

use fynd::analysis::fold::fold;
use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::query::build::{build_with, BuildContext};
use fynd::query::match_mode::MatchMode;
use fynd::query::options::SearchOptions;
use fynd::query::parse::QueryNode;
use fynd::query::search;
use std::collections::HashSet;
use std::sync::OnceLock;
use tantivy::collector::DocSetCollector;
use tantivy::DocAddress;

/// `corpus/` indexed once for this test binary.
fn corpus() -> &'static FyndIndex {
    static INDEX: OnceLock<(tempfile::TempDir, FyndIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
            let summary = index_paths(
                dir.path(),
                &[corpus],
                DEFAULT_WRITER_MEMORY,
                &mut NoProgress,
            )
            .unwrap();
            assert_eq!(summary.records_written, 2502);
            let index = FyndIndex::open(dir.path()).unwrap();
            (dir, index)
        })
        .1
}

/// The records one bare word matches in `mode`, as `fynd search` builds it.
fn matched(index: &FyndIndex, word: &str, mode: MatchMode) -> HashSet<DocAddress> {
    let searcher = index.reader().unwrap().searcher();
    let forms = index.folded_forms();
    let context = BuildContext {
        mode,
        folded_forms: Some(&forms),
        ..BuildContext::default()
    };
    let node = QueryNode::Word {
        field: None,
        text: word.to_string(),
        position: 0,
    };
    let built = build_with(
        &index.schema,
        &mut index.analyzer(),
        Some(&searcher),
        &node,
        context,
    );
    match built.query() {
        Some(query) => searcher.search(&*query, &DocSetCollector).unwrap(),
        None => HashSet::new(),
    }
}

#[test]
fn every_word_typed_without_swedish_letters_finds_what_it_finds_with_them() {
    let index = corpus();
    let all = index.lexicon.words();
    let mut words: Vec<&str> = all
        .iter()
        .map(|(word, _)| word.as_str())
        .filter(|word| word.chars().count() >= 6 && word.contains(['å', 'ä', 'ö']))
        .collect();
    words.sort_unstable();
    assert!(words.len() > 3000, "the corpus vocabulary: {}", words.len());
    let mut short = Vec::new();
    for word in &words {
        let with = matched(index, word, MatchMode::Compound);
        let without = matched(index, &fold(word), MatchMode::Compound);
        if !with.is_subset(&without) {
            short.push(format!(
                "{word}: {} of {}",
                with.intersection(&without).count(),
                with.len()
            ));
        }
    }
    assert!(short.is_empty(), "{} words: {short:?}", short.len());
    // The three, as a reader would check them.
    for (typed, written) in [
        ("ansokan", "ansökan"),
        ("hogskolan", "högskolan"),
        ("smaforetag", "småföretag"),
    ] {
        let with = matched(index, written, MatchMode::Compound);
        assert!(!with.is_empty(), "{written}");
        assert!(with.is_subset(&matched(index, typed, MatchMode::Compound)));
    }
}

#[test]
fn a_star_lists_every_record_alone_and_with_filters() {
    let index = corpus();
    let run = |query: &str, filters: &[&str]| {
        let mut options = SearchOptions::new(query);
        options.filters = filters.iter().map(|f| f.to_string()).collect();
        search(index, &options.request().unwrap()).unwrap()
    };
    assert_eq!(run("*", &[]).total, 2502);
    assert_eq!(run(" * ", &[]).total, run("", &[]).total);
    let filtered = run("*", &["fund=ESF+"]);
    assert_eq!(filtered.total, run("", &["fund=ESF+"]).total);
    assert!(filtered.total > 0 && filtered.total < 2502);
}

#[test]
fn match_modes_nest_exact_within_compound_within_broad() {
    let index = corpus();
    let (mut exact_total, mut compound_total) = (0, 0);
    for word in [
        "företagsutveckling",
        "kompetensförsörjning",
        "nätverksskapande",
        "landsbygdsutveckling",
        "arbetsmarknad",
    ] {
        let exact = matched(index, word, MatchMode::Exact);
        let compound = matched(index, word, MatchMode::Compound);
        let broad = matched(index, word, MatchMode::Broad);
        assert!(exact.is_subset(&compound), "{word}");
        assert!(compound.is_subset(&broad), "{word}");
        exact_total += exact.len();
        compound_total += compound.len();
    }
    assert!(exact_total < compound_total, "compound mode adds records");
    // The compound query no longer matches most of what its parts anywhere match.
    let compound = matched(index, "företagsutveckling", MatchMode::Compound);
    let broad = matched(index, "företagsutveckling", MatchMode::Broad);
    assert!(
        compound.len() * 3 < broad.len(),
        "{} {}",
        compound.len(),
        broad.len()
    );
}

#[test]
fn explain_says_how_a_compound_was_read() {
    let index = corpus();
    let mut options = SearchOptions::new("myndighetssamverkan");
    options.near = Some("1".to_string());
    let mut request = options.request().unwrap();
    request.explain = true;
    let response = search(index, &request).unwrap();
    let reading = &response.explain;
    assert_eq!(reading.match_mode, MatchMode::Compound);
    assert_eq!(reading.words_between_parts, Some(1));
    let word = &reading.words[0];
    assert_eq!(word.typed, "myndighetssamverkan");
    assert!(
        word.forms.iter().any(|f| f == "myndighetssamverkan"),
        "{word:?}"
    );
    let split = word.split.as_ref().expect("a compound");
    let parts: Vec<&str> = split.parts.iter().map(|p| p.word.as_str()).collect();
    assert_eq!(parts, ["myndighet", "samverkan"]);
    assert!(word.inside_compounds);
    assert!(word
        .parts_as_words
        .as_ref()
        .unwrap()
        .contains("at most 1 word"));
    // The JSON carries the same object.
    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(json["explain"]["match"], "compound");
    assert_eq!(
        json["explain"]["words"][0]["split"]["parts"][1]["word"],
        "samverkan"
    );
    // Exact mode says it does not look inside compounds.
    let mut options = SearchOptions::new("myndighetssamverkan");
    options.match_mode = Some("exact".to_string());
    let response = search(index, &options.request().unwrap()).unwrap();
    assert!(!response.explain.words[0].inside_compounds);
    assert!(response.explain.words[0].parts_as_words.is_none());
}
