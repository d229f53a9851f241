//! Passages and "did you mean": what a researcher reads under each hit, and what fynd
//! offers when a query finds nothing.

mod common;

use common::{corpus_index, generated_index, open};
use fynd::index::FyndIndex;
use fynd::query::{search, SearchRequest};
use fynd::record::{DocumentShape, ProjectRecord};

/// An index holding `records` only, in this test binary's scratch folder.
fn index_of(name: &str, records: &[ProjectRecord]) -> FyndIndex {
    let dir = common::scratch_dir(name);
    let index = FyndIndex::open_or_create(&dir).unwrap();
    let mut writer = index.writer(15_000_000).unwrap();
    for record in records {
        writer.upsert(record).unwrap();
    }
    writer.commit().unwrap();
    index
}

fn record(id: &str, body: &str) -> ProjectRecord {
    let mut r = ProjectRecord::new("test", DocumentShape::WebPage);
    r.id = id.to_string();
    r.title = format!("Rapport {id}");
    r.body = body.to_string();
    r
}

/// The passage is the part of the text where the query's words come together, not the
/// first place one of them appears; it is a few whole sentences, and every matched word in
/// it is marked, inflected forms included.
#[test]
fn the_best_passage_has_every_match_marked() {
    let filler = "Styrgruppen träffas varje kvartal och följer arbetet noga. ".repeat(12);
    let body = format!(
        "Integration nämns kort i inledningen. {filler}Här beskrivs hur integration av \
         ungdomarna sker i praktiken. Ungdomar och integration hänger ihop, menar projektet. \
         {filler}Slutord."
    );
    let index = index_of(
        "passages",
        &[record("R1", &body), record("R2", "Annat innehåll.")],
    );
    let response = search(&index, &SearchRequest::new("integration ungdomar")).unwrap();
    let passage = &response.hits[0].passage;
    assert!(
        passage
            .text
            .contains("Här beskrivs hur integration av ungdomarna sker i praktiken."),
        "{}",
        passage.text
    );
    assert!(!passage.text.contains("inledningen"), "{}", passage.text);
    assert!(passage.text.starts_with('…') && passage.text.ends_with('…'));
    let marked: Vec<String> = passage.marked().iter().map(|w| w.to_lowercase()).collect();
    assert_eq!(
        marked,
        ["integration", "ungdomarna", "ungdomar", "integration"]
    );
    assert!(response.hits[0]
        .snippet
        .contains("hur <mark>integration</mark> av <mark>ungdomarna</mark> sker"));
    assert!(passage.text.chars().count() <= fynd::query::snippet::PASSAGE_CHARS + 2);
}

/// A negated word is not marked (here it is excluded from titles only, so the body may have
/// it), and a document without any query word in its text gets
/// its opening.
#[test]
fn negated_words_are_not_marked_and_unmatched_text_opens() {
    let index = index_of(
        "passages-negated",
        &[
            record("N1", "Integration i fokus. Inga ungdomar här."),
            record("N2", "Ungdomar."),
        ],
    );
    let response = search(&index, &SearchRequest::new("integration -title:ungdomar")).unwrap();
    assert_eq!(response.hits[0].passage.marked(), ["Integration"]);
    let response = search(&index, &SearchRequest::new("title:rapport")).unwrap();
    assert!(response
        .hits
        .iter()
        .all(|h| h.passage.highlights.is_empty()));
    assert!(response.hits.iter().any(|h| h.passage.text == "Ungdomar."));
}

/// On the sample corpus the passage under each hit for "samverkan" marks the word.
#[test]
fn corpus_passages_mark_the_query() {
    let index = open(corpus_index());
    let response = search(&index, &SearchRequest::new("samverkan")).unwrap();
    let with_word: Vec<_> = response
        .hits
        .iter()
        .filter(|h| h.passage.text.to_lowercase().contains("samverkan"))
        .collect();
    assert!(with_word.len() >= 2);
    for hit in with_word {
        assert!(hit.snippet.contains("<mark>"), "{}", hit.snippet);
    }
}

/// A misspelt word finds nothing; fynd offers the indexed words closest to it, as they are
/// written in the documents. A query that finds plenty gets no suggestions. (A long word one
/// letter off is corrected and searched outright — see tests/swedish_analysis.rs — so these
/// misspellings are short, or two letters off.)
#[test]
fn did_you_mean_offers_close_indexed_words() {
    let index = open(corpus_index());
    let response = search(&index, &SearchRequest::new("kansi")).unwrap();
    assert_eq!(response.total, 0);
    assert!(response.corrections.is_empty(), "too short to be corrected");
    assert_eq!(response.did_you_mean[0].word, "kansi");
    assert_eq!(response.did_you_mean[0].suggestions[0], "kansli");

    let (dir, _) = generated_index();
    let index = open(dir);
    let response = search(&index, &SearchRequest::new("digittaliserinng ungdomar")).unwrap();
    assert_eq!(response.total, 0);
    assert_eq!(
        response.did_you_mean.len(),
        1,
        "{:?}",
        response.did_you_mean
    );
    assert_eq!(response.did_you_mean[0].suggestions, ["digitalisering"]);
    let response = search(&index, &SearchRequest::new("digitalisering")).unwrap();
    assert!(response.total > 2 && response.did_you_mean.is_empty());
}

/// Matches from a second field (as a field of compound parts will give) merge with the
/// body's: a word both fields find is marked once.
#[test]
fn matches_from_several_fields_merge() {
    use fynd::query::parse::parse;
    use fynd::query::snippet::{positive_words, PassagePicker};
    let body = "Ungdomar och integration. Integration av ungdomarna.";
    let index = index_of("passages-merge", &[record("M1", body)]);
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    let node = parse("integration ungdomar", &["title", "body"])
        .unwrap()
        .unwrap();
    let body_only = PassagePicker::new(&index, &searcher, Some(&node));
    let words = positive_words(&node);
    let both = PassagePicker::new(&index, &searcher, Some(&node)).with_field(
        &index,
        &searcher,
        index.schema.title,
        &words,
    );
    let single = body_only.pick(body);
    let spaced = "Text med\u{a0}no-break\u{2003}space. Ungdomar\u{a0}och\nintegration.";
    assert_eq!(body_only.pick(spaced).marked(), ["Ungdomar", "integration"]);
    assert_eq!(
        single.marked(),
        ["Ungdomar", "integration", "Integration", "ungdomarna"]
    );
    assert_eq!(both.pick(body), single);
    assert_eq!(both.matches(body).len(), 4);
}

/// Suggestions are words as the documents write them, not index stems: the index holds
/// "kommun" for "Kommunerna", and the user is offered "kommunerna".
#[test]
fn suggestions_are_written_words_not_stems() {
    let index = index_of(
        "suggest-surface",
        &[
            record("S1", "Kommunerna samarbetar."),
            record("S2", "Kommunerna igen."),
        ],
    );
    let response = search(&index, &SearchRequest::new("komunerna")).unwrap();
    assert_eq!(response.total, 0);
    assert_eq!(response.did_you_mean[0].suggestions, ["kommunerna"]);
}

/// A word found inside a compound is marked there too: "samverkan" marks
/// "samverkansformerna" in the ESF page, and a compound query marks its parts where the
/// text writes them apart ("samverkan mellan myndigheter").
#[test]
fn parts_found_inside_compounds_and_apart_are_marked() {
    let index = open(corpus_index());
    let mut request = SearchRequest::new("samverkan");
    request.limit = 10;
    let response = search(&index, &request).unwrap();
    let compounds: Vec<String> = response
        .hits
        .iter()
        .flat_map(|hit| hit.passage.marked())
        .map(str::to_lowercase)
        .filter(|word| word != "samverkan" && word.contains("samverkan"))
        .collect();
    assert!(
        !compounds.is_empty(),
        "a compound holding samverkan is marked"
    );

    let mut request = SearchRequest::new("myndighetssamverkan");
    request.limit = 10;
    let response = search(&index, &request).unwrap();
    let marked: Vec<String> = response
        .hits
        .iter()
        .flat_map(|hit| hit.passage.marked())
        .map(str::to_lowercase)
        .collect();
    assert!(marked.iter().any(|m| m == "myndighetssamverkan"));
    assert!(
        marked
            .iter()
            .any(|m| m.starts_with("myndighet") && m != "myndighetssamverkan"),
        "a part written apart is marked: {marked:?}"
    );
}

/// A document far longer than the part passages are picked from: found by every word in
/// it, with its passage from its first part (the opening when no query word is there), so
/// a search costs what the passage window costs, not what the document does.
#[test]
fn a_huge_document_is_found_in_full_and_passaged_from_its_first_part() {
    use fynd::query::snippet::PASSAGE_SOURCE_BYTES;
    let filler = "Arbetet pågår enligt plan och rapporteras varje kvartal. ";
    let body = format!(
        "Projektet om fjällturism i norr. {}Slutet handlar om renskötsel.",
        filler.repeat(3 * PASSAGE_SOURCE_BYTES / filler.len())
    );
    let index = index_of(
        "huge-document",
        &[
            record("stor", &body),
            record("liten", "Renskötsel i fjällen."),
        ],
    );
    let mut request = SearchRequest::new("renskötsel");
    request.limit = 10;
    let response = search(&index, &request).unwrap();
    let big = response
        .hits
        .iter()
        .find(|h| h.id == "stor")
        .expect("found in full");
    assert!(big.passage.highlights.is_empty(), "{:?}", big.passage);
    assert!(big
        .passage
        .text
        .starts_with("Projektet om fjällturism i norr."));
    assert!(big.passage.text.ends_with('…'));
    let small = response.hits.iter().find(|h| h.id == "liten").unwrap();
    assert_eq!(small.passage.marked(), ["Renskötsel"]);

    let response = search(&index, &SearchRequest::new("fjällturism")).unwrap();
    assert_eq!(response.hits[0].id, "stor");
    assert_eq!(response.hits[0].passage.marked(), ["fjällturism"]);
}

/// The shipped corpus (`corpus/`, real records) indexed once for this file's tests.
fn shipped_corpus() -> &'static std::path::Path {
    static INDEX: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    INDEX.get_or_init(common::index_shipped_records).path()
}

/// The bodies of the first `count` live documents of `index`, with their addresses.
fn bodies(index: &FyndIndex, count: usize) -> Vec<(tantivy::DocAddress, String)> {
    records(index, count)
        .into_iter()
        .map(|(address, record)| (address, record.body))
        .collect()
}

/// The first `count` live records of `index`, with their addresses.
fn records(
    index: &FyndIndex,
    count: usize,
) -> Vec<(tantivy::DocAddress, fynd::record::ProjectRecord)> {
    let searcher = index.reader().unwrap().searcher();
    let mut found = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in segment.doc_ids_alive() {
            let address = tantivy::DocAddress::new(ord as u32, doc);
            let stored: tantivy::TantivyDocument = searcher.doc(address).unwrap();
            found.push((address, index.schema.record_from(&stored).unwrap()));
            if found.len() == count {
                return found;
            }
        }
    }
    found
}

/// A passage reads a body's words without decompounding them (the costly step, which only
/// the parts need): the terms, their places and positions are those the body field
/// indexes, for words no analysis in this process has met yet and for words it has.
#[test]
fn reading_a_texts_words_gives_the_terms_its_field_indexes() {
    // Opened anew, the index's lexicon is one no word has been analysed with.
    let index = open(shipped_corpus());
    let texts = bodies(&index, 300);
    let read = |text: &str| -> Vec<(String, std::ops::Range<usize>, usize)> {
        index
            .analyzer()
            .words_read(text)
            .into_iter()
            .map(|t| (t.term, t.offset, t.position))
            .collect()
    };
    let cold: Vec<_> = texts.iter().map(|(_, text)| read(text)).collect();
    let mut tokenizer = index.index.tokenizer_for_field(index.schema.body).unwrap();
    let indexed: Vec<Vec<(String, std::ops::Range<usize>, usize)>> = texts
        .iter()
        .map(|(_, text)| {
            let mut stream = tokenizer.token_stream(text);
            let mut terms = Vec::new();
            while stream.advance() {
                let token = stream.token();
                terms.push((
                    token.text.clone(),
                    token.offset_from..token.offset_to,
                    token.position,
                ));
            }
            terms
        })
        .collect();
    let warm: Vec<_> = texts.iter().map(|(_, text)| read(text)).collect();
    let terms: usize = indexed.iter().map(Vec::len).sum();
    assert!(terms > 10_000, "{terms} terms");
    for (i, (_, text)) in texts.iter().enumerate() {
        assert_eq!(cold[i], indexed[i], "cold, text {i}: {text:.80}");
        assert_eq!(warm[i], indexed[i], "warm, text {i}: {text:.80}");
    }
}

/// A hit's passage skips the analysis of a field whose terms the document does not hold
/// (`pick_at`), which changes nothing: the passage is the one the full analysis picks,
/// for a rare word, a compound, a part and a phrase.
/// Property: the passage of a hit read from the index's positions (no word of its body
/// analysed) is the passage of its body analysed, for whole words, inflections, compounds
/// and their parts, phrases (pair terms), joined tokens ("ESF+", "2014-2020") and words of
/// a title that holds compounds itself, over the real records.
#[test]
fn a_passage_picked_at_its_document_is_the_passage_of_its_text() {
    use fynd::query::snippet::{PassagePicker, TermMatcher};
    let index = open(shipped_corpus());
    let searcher = index.reader().unwrap().searcher();
    let hits = records(&index, 600);
    let mut marked = 0;
    for query in [
        "myndighetssamverkan",
        "samverkan",
        "kompetensutveckling",
        "digitalisering",
        "\"sociala företag\"",
        "\"hållbar utveckling\"",
        "integration",
        "företag",
        "kvinnor",
        "ESF",
        "2014-2020",
        "landsbygdsutveckling region",
        "utveckling",
    ] {
        let parsed = fynd::query::parse::parse(query, &["title", "body"]).unwrap();
        let picker = PassagePicker::new(&index, &searcher, parsed.as_ref());
        for (address, record) in &hits {
            let passage = picker.pick_at(&searcher, *address, &index.schema, record);
            assert_eq!(passage, picker.pick(&record.body), "{query} in {address:?}");
            marked += usize::from(!passage.highlights.is_empty());
        }
    }
    assert!(marked > 1000, "{marked} passages with a match");
    // Two segments, one with deleted documents, records with owners ahead of the body.
    let (_dir, generated) = common::generated_index_with_deletes(300);
    let generated_searcher = generated.reader().unwrap().searcher();
    assert!(generated_searcher.segment_readers().len() > 1);
    let mut marked = 0;
    for query in [
        "samverkan",
        "kompetensutveckling",
        "digitalisering",
        "projektet",
    ] {
        let parsed = fynd::query::parse::parse(query, &["title", "body"]).unwrap();
        let picker = PassagePicker::new(&generated, &generated_searcher, parsed.as_ref());
        for (address, record) in &records(&generated, usize::MAX) {
            let passage = picker.pick_at(&generated_searcher, *address, &generated.schema, record);
            assert_eq!(passage, picker.pick(&record.body), "{query} in {address:?}");
            marked += usize::from(!passage.highlights.is_empty());
        }
    }
    assert!(marked > 100, "{marked} passages with a match");
    let texts = bodies(&index, 400);
    // And the parts are looked for in some bodies, not in others.
    let words = vec!["integration".to_string()];
    let parts = TermMatcher::new(&index, &searcher, index.schema.parts, &words).unwrap();
    let read = texts
        .iter()
        .filter(|(address, _)| parts.may_match(&searcher, *address))
        .count();
    assert!(
        read > 0 && read < texts.len(),
        "parts read in {read} of {}",
        texts.len()
    );
}
