//! A compound's two parts written apart ("utveckling av kompetens" for
//! "kompetensutveckling") are found by positions, or, when both parts are near words of the
//! index's lexicon (its most frequent words), by one near-pair term that the index holds
//! wherever a field has the two within the default window. The properties checked:
//! - the near-pair list finds exactly the documents, with exactly the scores, that the
//!   parts' positions give, on a generated corpus of several segments, in the fields of one
//!   text each (title, owner, body): in the partners field, of one text per partner,
//!   positions may chain two names, which near pairs never do (README says so);
//! - a compound query whose parts are near words reads no positions; one with a rarer part
//!   still does, and a wider window than the indexed one always does.

mod common;

use common::{assert_same_scored, generated_corpus_index, part_terms, scored};
use fynd::analysis::near_pair_term;
use fynd::index::FyndIndex;
use fynd::query::build::{build_with, query_fields, text_field_terms, BuildContext, TEXT_FIELDS};
use fynd::query::near_words::NearWordsQuery;
use fynd::query::parse::parse;
use fynd::query::{search, SearchRequest};
use tantivy::{Searcher, Term};

/// Whether the built query of `query` asks for positions of some term.
fn reads_positions(index: &FyndIndex, searcher: &Searcher, query: &str, near: u32) -> bool {
    let node = parse(query, &query_fields()).unwrap().unwrap();
    let mut analyzer = index.analyzer();
    let context = BuildContext {
        words_between_parts: near,
        ..BuildContext::default()
    };
    let built = build_with(&index.schema, &mut analyzer, Some(searcher), &node, context);
    let mut positions = false;
    built
        .query()
        .unwrap()
        .query_terms(&mut |_, needs_positions| positions |= needs_positions);
    positions
}

/// The terms of the fields that hold one text per document: every one of `TEXT_FIELDS` but
/// partners.
fn one_text_fields(terms: Vec<Term>) -> Vec<Term> {
    terms
        .into_iter()
        .zip(TEXT_FIELDS)
        .filter(|(_, (name, _))| *name != "partners")
        .map(|(term, _)| term)
        .collect()
}

#[test]
fn the_near_pair_list_finds_what_the_parts_positions_find_with_the_same_scores() {
    let dir = generated_corpus_index("near-pairs", 3_000, 13, 1_000);
    let index = FyndIndex::open(&dir).unwrap();
    let searcher = index.reader().unwrap().searcher();
    assert!(searcher.segment_readers().len() > 1, "several segments");
    let between = index
        .lexicon
        .near_pairs_between()
        .expect("a learned lexicon has near words");

    // The near pairs the bodies hold most, read from the index: whatever the generator made.
    let mut frequent: Vec<(u32, String)> = Vec::new();
    let segment = &searcher.segment_readers()[0];
    let inverted = segment.inverted_index(index.schema.body).unwrap();
    let mut terms = inverted.terms().stream().unwrap();
    while terms.advance() {
        let term = String::from_utf8(terms.key().to_vec()).unwrap();
        if term.contains('~') {
            frequent.push((terms.value().doc_freq, term));
        }
    }
    frequent.sort_unstable_by(|a, b| b.cmp(a));
    assert!(frequent.len() > 100, "a generated corpus has near pairs");
    // The most frequent, and some from the middle and the tail of the list.
    let step = frequent.len() / 12;
    let chosen: Vec<&String> = frequent
        .iter()
        .take(6)
        .chain(frequent.iter().step_by(step))
        .map(|(_, pair)| pair)
        .collect();

    for pair in chosen {
        let (first, second) = pair.split_once('~').unwrap();
        assert!(index.lexicon.is_near_word(first) && index.lexicon.is_near_word(second));
        assert_eq!(
            &near_pair_term(second, first),
            pair,
            "either order, one term"
        );
        // Both orders of the parts, as a compound may hold them either way.
        for parts in [[first, second], [second, first]] {
            let positional = NearWordsQuery::new(
                part_terms(&index, &parts)
                    .into_iter()
                    .map(one_text_fields)
                    .collect(),
                between,
            );
            let pairs = one_text_fields(text_field_terms(
                &index.schema,
                &near_pair_term(parts[0], parts[1]),
            ));
            let indexed = positional.clone().with_indexed_pairs(pairs);
            let expected = scored(&searcher, &positional);
            let found = scored(&searcher, &indexed);
            assert!(!expected.is_empty(), "{pair}");
            assert_same_scored(&found, &expected, 1e-6, pair);
        }
    }
}

#[test]
fn a_compound_of_two_near_words_reads_no_positions_and_finds_what_positions_find() {
    let dir = generated_corpus_index("near-pairs-query", 2_000, 14, 700);
    let index = FyndIndex::open(&dir).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let between = index.lexicon.near_pairs_between().unwrap();
    let term = |word: &str| index.lexicon.word_term(word);
    assert!(index.lexicon.is_near_word(&term("kompetens")));
    assert!(index.lexicon.is_near_word(&term("utveckling")));

    // Both parts near words: the near-pair list, no positions.
    assert!(!reads_positions(
        &index,
        &searcher,
        "kompetensutveckling",
        between
    ));
    // A wider window than the index's: positions.
    assert!(reads_positions(
        &index,
        &searcher,
        "kompetensutveckling",
        between + 1
    ));
    // A compound with a part that is no near word: positions.
    let rare = ["blåbärsutveckling", "gruvsamverkan"]
        .into_iter()
        .find(|word| {
            let top = index.analyzer().top_parts(word);
            top.len() == 2 && top.iter().any(|part| !index.lexicon.is_near_word(part))
        })
        .expect("a compound with a rarer part");
    assert!(reads_positions(&index, &searcher, rare, between));

    // What the researcher sees: every hit of the compound holds it, its parts inside a
    // longer compound, or its parts as words close together; and the total counts them all.
    let mut request = SearchRequest::new("kompetensutveckling");
    request.limit = 100_000;
    let response = search(&index, &request).unwrap();
    assert_eq!(response.total, response.hits.len());
    let positional = NearWordsQuery::new(
        part_terms(&index, &[&term("kompetens"), &term("utveckling")]),
        between,
    );
    let written_apart = scored(&searcher, &positional);
    assert!(!written_apart.is_empty());
    let hits: std::collections::BTreeSet<String> =
        response.hits.iter().map(|hit| hit.id.clone()).collect();
    for address in written_apart.keys() {
        let doc: tantivy::TantivyDocument = searcher.doc(*address).unwrap();
        let id = index.schema.record_from(&doc).unwrap().id;
        assert!(hits.contains(&id), "{id}: parts written apart, found");
    }
}
