//! A compound's parts searched as words of their own ("myndighetssamverkan" finding
//! "samverkan mellan myndigheter") are read into bit sets instead of a conjunction of
//! per-field unions, which was most of a compound query's time at a million documents.
//! Here both are run over a generated corpus of several segments, for parts of every
//! frequency taken from the index itself: the same documents, with the same scores.

mod common;

use common::{assert_same_scored, scored};
use fynd::query::all_words::AllWordsQuery;
use std::collections::BTreeMap;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

#[test]
fn parts_as_words_find_and_score_what_the_conjunction_of_unions_did() {
    let dir = common::generated_corpus_index("compound-parts-query", 900, 11, 250);
    let index = common::open(&dir);
    let searcher = index.reader().unwrap().searcher();
    assert!(searcher.segment_readers().len() >= 2);

    // Body words of at least four letters, most frequent first.
    let body = index.schema.body;
    let mut words: BTreeMap<String, u64> = BTreeMap::new();
    for segment in searcher.segment_readers() {
        let terms = segment.inverted_index(body).unwrap();
        let mut stream = terms.terms().stream().unwrap();
        while stream.advance() {
            let word = String::from_utf8_lossy(stream.key()).into_owned();
            if word.chars().count() >= 4 && word.chars().all(char::is_alphabetic) {
                *words.entry(word).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut by_freq: Vec<(String, u64)> = words.into_iter().collect();
    by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let at = |share: f64| {
        by_freq[((by_freq.len() - 1) as f64 * share) as usize]
            .0
            .clone()
    };
    let common = by_freq[0].0.clone();
    let second = by_freq[1].0.clone();
    let parts_lists = [
        vec![common.clone(), second.clone()],
        vec![at(0.01), common.clone()],
        vec![at(0.05), at(0.02)],
        vec![at(0.3), second.clone()],
        vec![common.clone(), second.clone(), at(0.005)],
        // A rare part beside two common ones: the common lists are sought for its few
        // documents rather than read whole.
        vec![at(0.2), common.clone(), second.clone()],
    ];

    let mut found_some = 0;
    for parts in &parts_lists {
        let terms = common::part_terms(&index, parts);
        let unions: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|fields| {
                let any: Vec<(Occur, Box<dyn Query>)> = fields
                    .iter()
                    .map(|term| {
                        let query = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                        (Occur::Should, Box::new(query) as Box<dyn Query>)
                    })
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                )
            })
            .collect();
        let before = BoostQuery::new(Box::new(BooleanQuery::new(unions)), 0.3);
        let now = BoostQuery::new(Box::new(AllWordsQuery::new(terms)), 0.3);

        let expected = scored(&searcher, &before);
        let got = scored(&searcher, &now);
        assert_same_scored(&got, &expected, 1e-4, &format!("{parts:?}"));
        assert_eq!(
            searcher.search(&now, &Count).unwrap(),
            expected.len(),
            "{parts:?}, counted without scores"
        );
        found_some += usize::from(!got.is_empty());
    }
    assert!(found_some >= 5, "{found_some} of the part lists match");
}
