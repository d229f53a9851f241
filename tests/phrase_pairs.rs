//! A phrase of two common words ("hållbar tillväxt") is looked up as one pair term: the
//! index holds, for every two of the corpus's most frequent words standing side by side, a
//! term of their own in the text field beside the words. The phrase must find exactly the
//! documents the words' positions say it stands in, in every text field; phrases of other
//! words are matched by positions as before.

mod common;

use common::generated_corpus_index;
use fynd::analysis::word_pair_term;
use fynd::index::FyndIndex;
use fynd::query::build::{build, query_fields, text_field, TEXT_FIELDS};
use fynd::query::filters::FacetFilter;
use fynd::query::parse::parse;
use fynd::query::{search, SearchRequest};
use fynd::schema::FacetKey;
use std::collections::BTreeSet;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query};
use tantivy::{Searcher, Term};

/// The ids of the documents where the words of `phrase` stand side by side in some text
/// field, by their positions: tantivy's phrase query over each field.
fn by_positions(index: &FyndIndex, searcher: &Searcher, phrase: &str) -> BTreeSet<String> {
    let words = index.analyzer().words(phrase);
    let clauses: Vec<(Occur, Box<dyn Query>)> = TEXT_FIELDS
        .iter()
        .map(|(name, _)| {
            let field = text_field(&index.schema, name);
            let terms = words
                .iter()
                .map(|word| (word.position, Term::from_field_text(field, &word.term)))
                .collect();
            (
                Occur::Should,
                Box::new(PhraseQuery::new_with_offset(terms)) as Box<dyn Query>,
            )
        })
        .collect();
    searcher
        .search(&BooleanQuery::new(clauses), &DocSetCollector)
        .unwrap()
        .into_iter()
        .map(|address| index.schema.read_record(searcher, address).unwrap().id)
        .collect()
}

/// The ids of every hit of `query` as fynd searches it, and the total it reports.
fn found(index: &FyndIndex, query: &str) -> (BTreeSet<String>, usize) {
    let mut request = SearchRequest::new(query);
    request.limit = 100_000;
    let response = search(index, &request).unwrap();
    let ids = response.hits.iter().map(|hit| hit.id.clone()).collect();
    (ids, response.total)
}

/// Whether the built query of `query` asks a text field for a pair term (a term with a
/// space; the id field is asked for the query as typed), and whether it asks for the
/// words' positions.
fn asks(index: &FyndIndex, searcher: &Searcher, query: &str) -> (bool, bool) {
    let node = parse(query, &query_fields()).unwrap().unwrap();
    let built = build(&index.schema, &mut index.analyzer(), Some(searcher), &node);
    let (mut pairs, mut positions) = (false, false);
    built
        .query()
        .unwrap()
        .query_terms(&mut |term, needs_positions| {
            pairs |= term.field() != index.schema.id
                && term.value().as_str().is_some_and(|text| text.contains(' '));
            positions |= needs_positions;
        });
    (pairs, positions)
}

#[test]
fn a_phrase_of_two_common_words_is_one_pair_term_and_finds_what_positions_find() {
    let dir = generated_corpus_index("phrase-pairs", 3_000, 11, 1_000);
    let index = FyndIndex::open(&dir).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let mut analyzer = index.analyzer();

    // The phrases: two a researcher would type, and the pairs most frequent in the bodies
    // of this corpus (read from the index, whatever the generator made).
    let mut phrases: Vec<String> = vec!["hållbar tillväxt".into(), "skapa förutsättningar".into()];
    let body = index.schema.body;
    let mut frequent: Vec<(u32, String)> = Vec::new();
    let segment = &searcher.segment_readers()[0];
    let inverted = segment.inverted_index(body).unwrap();
    let mut terms = inverted.terms().stream().unwrap();
    while terms.advance() {
        let term = String::from_utf8(terms.key().to_vec()).unwrap();
        if term.contains(' ') {
            frequent.push((terms.value().doc_freq, term));
        }
    }
    frequent.sort_unstable_by(|a, b| b.cmp(a));
    assert!(frequent.len() > 50, "a generated corpus has common pairs");
    // The pair terms are stems: each phrase is the words as written where the pair
    // stands in some document's body.
    let top: Vec<&String> = frequent.iter().take(5).map(|(_, pair)| pair).collect();
    // One way each pair is written, by pair term.
    let mut written: Vec<(String, String)> = Vec::new();
    for doc in 0..segment.max_doc() {
        let address = tantivy::DocAddress::new(0, doc);
        let body = index.schema.read_record(&searcher, address).unwrap().body;
        for pair in analyzer.analyze(&body).pairs {
            let text = &body[pair.offset.clone()];
            let plain = text.chars().all(|c| c.is_alphabetic() || c == ' ');
            if plain && top.contains(&&pair.term) && !written.iter().any(|(t, _)| *t == pair.term) {
                written.push((pair.term.clone(), text.to_string()));
            }
        }
        if written.len() == top.len() {
            break;
        }
    }
    assert_eq!(written.len(), top.len(), "{written:?}");
    let written: Vec<String> = written.into_iter().map(|(_, text)| text).collect();
    phrases.extend(written);

    for phrase in &phrases {
        let words = analyzer.words(phrase);
        assert_eq!(words.len(), 2, "{phrase}");
        let pair = word_pair_term(&words[0].term, &words[1].term);
        assert!(
            searcher
                .doc_freq(&Term::from_field_text(body, &pair))
                .unwrap()
                > 0,
            "{phrase}: the index holds its pair"
        );
        let quoted = format!("\"{phrase}\"");
        assert_eq!(
            asks(&index, &searcher, &quoted),
            (true, false),
            "{phrase}: one pair term, no positions"
        );
        let expected = by_positions(&index, &searcher, phrase);
        let (ids, total) = found(&index, &quoted);
        assert!(!expected.is_empty(), "{phrase}");
        assert_eq!(ids, expected, "{phrase}");
        assert_eq!(total, expected.len(), "{phrase}");
    }

    // Words not side by side (a stopword between) and a rare word are matched by their
    // positions, with the same documents as tantivy's phrase query.
    for phrase in ["hållbar och tillväxt", "samverkan med kommunerna"] {
        let quoted = format!("\"{phrase}\"");
        let (pairs, positions) = asks(&index, &searcher, &quoted);
        assert!(
            !pairs && positions,
            "{phrase}: pairs {pairs}, positions {positions}"
        );
        let (ids, total) = found(&index, &quoted);
        let expected = by_positions(&index, &searcher, phrase);
        assert_eq!(ids, expected, "{phrase}");
        assert_eq!(total, expected.len(), "{phrase}");
    }
}

#[test]
fn a_pair_phrase_ranks_title_matches_first_and_narrows_like_any_word() {
    let dir = generated_corpus_index("phrase-pairs-rank", 3_000, 12, 3_000);
    let index = FyndIndex::open(&dir).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let words = index.analyzer().words("hållbar tillväxt");
    let pair = Term::from_field_text(
        index.schema.title,
        &word_pair_term(&words[0].term, &words[1].term),
    );
    let in_titles = searcher.doc_freq(&pair).unwrap() as usize;

    let mut request = SearchRequest::new("\"hållbar tillväxt\"");
    request.limit = 10;
    let response = search(&index, &request).unwrap();
    assert!(response.total > 10);
    // Title matches weigh twice: the documents with the phrase in their title come first.
    let titled = |title: &str| title.to_lowercase().contains("hållbar tillväxt");
    let leading = response
        .hits
        .iter()
        .take_while(|hit| titled(&hit.title))
        .count();
    assert_eq!(leading, in_titles.min(10), "{:?}", response.hits);

    // A filter narrows it as any query: every hit in the region, the total that region's
    // count in the unfiltered facets.
    let regions = response
        .facets
        .iter()
        .find(|(key, _)| *key == FacetKey::Region)
        .map(|(_, counts)| counts.clone())
        .unwrap();
    let (region, expected) = (regions[0].value.clone(), regions[0].count);
    let mut filtered = SearchRequest::new("\"hållbar tillväxt\"");
    filtered.filters = FacetFilter::parse_all(&[format!("region={region}")]).unwrap();
    let narrowed = search(&index, &filtered).unwrap();
    assert_eq!(narrowed.total, expected as usize);
    assert!(narrowed
        .hits
        .iter()
        .all(|hit| hit.region.as_deref() == Some(region.as_str())));
}
