//! What a researcher sees of fynd's Swedish analysis, one story per feature, on the
//! documents in `corpus/` (plus a few written here where a story needs a controlled
//! comparison). Each story is an example from issue 3, "What a user sees".

mod common;

use common::{corpus_id, corpus_records, has_word, ids, index_of, page, run, run_in};
use fynd::analysis::lexicon::{Chain, Lexicon, LEXICON_FILE};
use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};

fn score_of(response: &fynd::query::SearchResponse, id: &str) -> Option<f32> {
    response.hits.iter().find(|h| h.id == id).map(|h| h.score)
}

/// `samverkan` finds the compounds that contain it: "myndighetssamverkan" (seeds 000 and
/// 003), "samverkansorgan" (000), "flerlänssamverkan" and "samverkansformerna" (004). A
/// page that has the word itself ranks above one that has it only inside a compound.
#[test]
fn a_part_finds_the_compounds_and_the_word_itself_ranks_first() {
    let mut records = corpus_records();
    // Two pages alike but for the word itself against the word inside a compound.
    records.push(page(
        "whole",
        "Nytt projekt",
        "Projektet ska stärka samverkan i regionen under två år.",
    ));
    records.push(page(
        "compound",
        "Nytt projekt",
        "Projektet ska stärka flerlänssamverkan i regionen under två år.",
    ));
    // One page per compound, holding that compound and not the word itself.
    let compounds = [
        "myndighetssamverkan",
        "flerlänssamverkan",
        "samverkansorgan",
        "samverkansformerna",
    ];
    for compound in compounds {
        records.push(page(
            compound,
            "Ord",
            &format!("Här står {compound} ensamt."),
        ));
    }
    let (_dir, index) = index_of(&records, Chain::Full);
    let found = ids(&run(&index, "samverkan", 30));
    for seed in ["000", "003", "004"] {
        assert!(found.contains(&corpus_id(&records, seed)), "seed {seed}");
    }
    for compound in compounds {
        assert!(found.contains(&compound.to_string()), "{compound}");
    }
    let whole = found.iter().position(|id| id == "whole").unwrap();
    let compound = found.iter().position(|id| id == "compound").unwrap();
    assert!(whole < compound, "{found:?}");

    // Without decompounding the compound page is not found at all.
    let (_dir, plain) = index_of(&records, Chain::Plain);
    assert!(!ids(&run(&plain, "samverkan", 30)).contains(&"compound".to_string()));
}

/// `myndighetssamverkan` ranks the documents that use the compound first (000, 003) and
/// still finds, lower, seed 004, which says "samverkan mellan myndigheter" instead, and a
/// page where the compound stands inside a longer one ("myndighetssamverkansgruppen"). A
/// page that only has its parts in different compounds ("Folkhälsomyndigheten",
/// "samverkansorgan") is not about it, and is not found; nor, by default, one whose parts
/// stand two words apart ("samverkan mellan olika myndigheter"), which `--near 2` and the
/// broad mode find.
#[test]
fn a_compound_ranks_its_own_documents_first_and_finds_its_parts_lower() {
    let mut records = corpus_records();
    records.push(page(
        "parts-as-words",
        "Nytt projekt",
        "Här ska myndigheternas samverkan prövas.",
    ));
    records.push(page(
        "parts-two-words-apart",
        "Nytt projekt",
        "Här ska samverkan mellan olika myndigheter prövas.",
    ));
    records.push(page(
        "parts-far-apart",
        "Nytt projekt",
        "Här ska myndigheter pröva nya former av lokal och regional samverkan.",
    ));
    records.push(page(
        "parts-in-compounds",
        "Nytt projekt",
        "Här ska Folkhälsomyndigheten och ett nytt samverkansorgan prövas.",
    ));
    records.push(page(
        "inside-a-longer-compound",
        "Nytt projekt",
        "Här ska myndighetssamverkansgruppen pröva nya arbetssätt.",
    ));
    let (_dir, index) = index_of(&records, Chain::Full);
    let everything = ids(&run(&index, "myndighetssamverkan", 100));
    assert!(
        everything.contains(&"parts-as-words".to_string()),
        "{everything:?}"
    );
    assert!(
        everything.contains(&"inside-a-longer-compound".to_string()),
        "{everything:?}"
    );
    assert!(
        !everything.contains(&"parts-in-compounds".to_string()),
        "{everything:?}"
    );
    for (mode, near, two_apart, far_apart) in [
        ("compound", 1, false, false),
        ("compound", 2, true, false),
        ("broad", 1, true, true),
        ("exact", 1, false, false),
    ] {
        let found = ids(&run_in(&index, "myndighetssamverkan", mode, near));
        let has = |id: &str| found.contains(&id.to_string());
        assert_eq!(
            has("parts-two-words-apart"),
            two_apart,
            "{mode} {near}: {found:?}"
        );
        assert_eq!(
            has("parts-far-apart"),
            far_apart,
            "{mode} {near}: {found:?}"
        );
        // Exact mode: the word and its inflections only.
        assert_eq!(has("parts-as-words"), mode != "exact", "{mode}: {found:?}");
        assert_eq!(
            has("inside-a-longer-compound"),
            mode != "exact",
            "{mode}: {found:?}"
        );
    }
    // Both pages hold the two parts, as the index sees them.
    for word in ["myndighet", "samverkan"] {
        let found = ids(&run(&index, word, 100));
        for id in ["parts-as-words", "parts-in-compounds"] {
            assert!(found.contains(&id.to_string()), "{word}: {found:?}");
        }
    }
    let found = ids(&run(&index, "myndighetssamverkan", 20));
    let with_compound = [corpus_id(&records, "000"), corpus_id(&records, "003")];
    assert!(found.len() > 2, "{found:?}");
    let mut top_two = found[..2].to_vec();
    top_two.sort();
    let mut expected = with_compound.to_vec();
    expected.sort();
    assert_eq!(top_two, expected);
    assert!(found[2..].contains(&corpus_id(&records, "004")));
}

/// `försörjning` finds "kompetensförsörjningskedja" (001), `myndighet` finds
/// "Folkhälsomyndigheten" (002), `samordningsförbund` finds "samordningsförbunden" and
/// "samordningsförbundens" (003). Each is checked on a page that has only that compound,
/// and on the seed it comes from.
/// `landsbygdsutveckling` finds "utveckling av landsbygden": a compound asks for the parts
/// it is first split into (landsbygd, utveckling) written as words, not also for the parts
/// of those parts ("land", "bygd"), which the page does not have as words.
#[test]
fn a_compound_whose_part_is_a_compound_finds_its_parts_written_apart() {
    let mut records = corpus_records();
    records.push(page(
        "apart",
        "Nytt projekt",
        "Projektet stödjer utveckling av landsbygden i länet.",
    ));
    records.push(page(
        "compound",
        "Nytt projekt",
        "Projektet stödjer landsbygdsutveckling i länet.",
    ));
    let (_dir, index) = index_of(&records, Chain::Full);
    // As the index's lexicon splits it: two parts, the first a compound itself.
    let analyzer = index.analyzer();
    let top = analyzer.top_parts("landsbygdsutveckling");
    assert_eq!(top.len(), 2, "{top:?}");
    // The split remembered for the query is the lexicon's split, asked again or not, and
    // the reading that shows it names the same parts.
    let split = analyzer.top_split("Landsbygdsutveckling");
    let fresh = fynd::analysis::decompound::split(analyzer.lexicon(), "landsbygdsutveckling");
    assert_eq!(Some(split.parts.clone()), fresh);
    assert_eq!(
        analyzer.top_split("landsbygdsutveckling").parts,
        split.parts
    );
    assert_eq!(split.terms, top);
    let mut analyzer = index.analyzer();
    let every_level = analyzer.analyze("landsbygdsutveckling").parts;
    assert!(every_level.len() > top.len(), "{every_level:?}");
    let found = ids(&run(&index, "landsbygdsutveckling", 100));
    assert!(found.contains(&"apart".to_string()), "{found:?}");
    // Below the page that has the compound itself.
    let at = |id: &str| found.iter().position(|found| found == id).unwrap();
    assert!(at("compound") < at("apart"), "{found:?}");
}

#[test]
fn parts_find_compounds_with_linking_morphemes_and_inflected_last_parts() {
    let mut records = corpus_records();
    let cases = [
        ("försörjning", "Kompetensförsörjningskedja", "001"),
        ("myndighet", "Folkhälsomyndigheten", "002"),
        ("samordningsförbund", "Samordningsförbunden", "003"),
        ("samordningsförbund", "Samordningsförbundens", "003"),
    ];
    for (i, (_, compound, _)) in cases.iter().enumerate() {
        records.push(page(&format!("only-{i}"), compound, "Text."));
    }
    let (_dir, index) = index_of(&records, Chain::Full);
    for (i, (query, compound, seed)) in cases.iter().enumerate() {
        let found = ids(&run(&index, query, 20));
        assert!(found.contains(&format!("only-{i}")), "{query} → {compound}");
        assert!(
            found.contains(&corpus_id(&records, seed)),
            "{query} → {seed}"
        );
    }
}

/// "arbetskrafts- och kompetensförsörjning" (004) is found by `arbetskraftsförsörjning`
/// as a whole word, above a page that has "arbetskraft" and "försörjning" apart, and by
/// `kompetensförsörjning`.
#[test]
fn suspended_compounds_are_completed() {
    let mut records = corpus_records();
    records.push(page(
        "suspended",
        "Rapport",
        "Arbetskrafts- och kompetensförsörjning är kritiska områden.",
    ));
    records.push(page(
        "apart",
        "Rapport",
        "Arbetskraft och försörjning är kritiska områden i regionen.",
    ));
    let (_dir, index) = index_of(&records, Chain::Full);
    let found = ids(&run(&index, "arbetskraftsförsörjning", 20));
    assert!(found.contains(&corpus_id(&records, "004")), "{found:?}");
    let suspended = found.iter().position(|id| id == "suspended").unwrap();
    let apart = found.iter().position(|id| id == "apart").unwrap();
    assert!(suspended < apart, "{found:?}");
    let found = ids(&run(&index, "kompetensförsörjning", 20));
    assert!(found.contains(&"suspended".to_string()));
    assert!(found.contains(&corpus_id(&records, "004")));
}

/// Typed without å/ä/ö, `jamtland` still finds "Jämtlands" (001, 002) and
/// `ostra mellansverige` finds "Östra Mellansverige" (004); each document scores lower
/// than it does for the exact spelling.
#[test]
fn words_typed_without_swedish_letters_still_find_but_rank_lower() {
    let records = corpus_records();
    let (_dir, index) = index_of(&records, Chain::Full);
    for (folded, exact, seeds) in [
        ("jamtland", "jämtland", vec!["001", "002"]),
        ("ostra mellansverige", "östra mellansverige", vec!["004"]),
    ] {
        let lenient = run(&index, folded, 20);
        let strict = run(&index, exact, 20);
        for seed in seeds {
            let id = corpus_id(&records, seed);
            let lenient_score = score_of(&lenient, &id).unwrap_or_else(|| panic!("{folded}"));
            let strict_score = score_of(&strict, &id).unwrap();
            assert!(
                lenient_score < strict_score,
                "{folded}: {lenient_score} vs {strict_score}"
            );
        }
    }
}

/// A one-letter typo in a long word (`myndighetsamverkan`) still finds the documents with
/// "myndighetssamverkan", and the JSON and the human output say which correction was used.
#[test]
fn a_one_letter_typo_is_corrected_and_the_correction_reported() {
    let records = corpus_records();
    let (_dir, index) = index_of(&records, Chain::Full);
    let response = run(&index, "myndighetsamverkan", 20);
    let found = ids(&response);
    assert!(
        found[..2].contains(&corpus_id(&records, "000")),
        "{found:?}"
    );
    assert!(
        found[..2].contains(&corpus_id(&records, "003")),
        "{found:?}"
    );
    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(
        json["corrections"],
        serde_json::json!([{"from": "myndighetsamverkan", "to": "myndighetssamverkan"}])
    );
    let mut human = Vec::new();
    fynd::output::text::write_search(&mut human, &response, fynd::output::text::Highlight::Plain)
        .unwrap();
    let human = String::from_utf8(human).unwrap();
    assert!(
        human.contains("\"myndighetssamverkan\" for \"myndighetsamverkan\""),
        "{human}"
    );
    // A word the corpus has is never corrected.
    assert!(run(&index, "myndighetssamverkan", 20)
        .corrections
        .is_empty());
}

/// Stopwords cost nothing: adding them to a query changes neither the hits nor their
/// scores. A query of stopwords alone is answered by searching them as plain words.
#[test]
fn stopwords_cost_nothing_and_stopwords_alone_still_answer() {
    let mut records = corpus_records();
    records.push(page("no-stopwords", "Lista", "Samverkan kommun region län"));
    let (_dir, index) = index_of(&records, Chain::Full);
    let plain = run(&index, "samverkan", 20);
    let with_stopwords = run(&index, "samverkan och att för", 20);
    assert_eq!(ids(&plain), ids(&with_stopwords));
    for (a, b) in plain.hits.iter().zip(&with_stopwords.hits) {
        assert!((a.score - b.score).abs() < 1e-6);
    }
    let alone = run(&index, "och att", 20);
    assert!(alone.total >= 5, "{}", alone.total);
    // Each stopword is kept once per text: a document is found when it has both, anywhere.
    let has_both = records
        .iter()
        .filter(|record| {
            let mut texts = vec![record.title.as_str(), record.body.as_str()];
            texts.extend(record.owner.as_deref());
            texts.extend(record.partners.iter().map(String::as_str));
            texts.extend(record.municipalities.iter().map(String::as_str));
            ["och", "att"]
                .iter()
                .all(|word| texts.iter().any(|text| has_word(text, word)))
        })
        .count();
    assert_eq!(alone.total, has_both);
    assert!(!ids(&alone).contains(&"no-stopwords".to_string()));
    let phrase = run(&index, "\"för att\"", 20);
    assert!(phrase.total >= 1);
}

/// Every form of a word finds the documents that have any other form of it, also where
/// Snowball alone splits them: arbetsmarknad/arbetsmarknaden,
/// myndighet/myndigheten/myndigheterna/myndigheternas/myndighets, projekt/projekten/projektet.
#[test]
fn inflected_forms_meet() {
    let groups: [&[&str]; 3] = [
        &["arbetsmarknad", "arbetsmarknaden"],
        &[
            "myndighet",
            "myndigheten",
            "myndigheterna",
            "myndigheternas",
            "myndighets",
        ],
        &["projekt", "projekten", "projektet"],
    ];
    let mut records = corpus_records();
    for group in groups {
        for form in group {
            records.push(page(form, "Ord", &format!("Här står {form} ensamt.")));
        }
    }
    let (_dir, index) = index_of(&records, Chain::Full);
    let (_dir, plain) = index_of(&records, Chain::Plain);
    let mut plain_misses = 0;
    for group in groups {
        for query in group {
            let found = ids(&run(&index, query, 50));
            let plain_found = ids(&run(&plain, query, 50));
            for form in group {
                assert!(found.contains(&form.to_string()), "{query} → {form}");
                plain_misses += usize::from(!plain_found.contains(&form.to_string()));
            }
        }
    }
    // Snowball alone misses some of them; that is what the inflection table fixes.
    assert!(plain_misses > 0);
}

/// Snowball's last step strips -lig, -ig and -els, which makes one word of two: fynd keeps
/// those endings, so a query for the one finds its own forms and never the other's.
#[test]
fn derived_words_stay_apart_from_the_words_they_look_like() {
    let pairs: [(&[&str], &[&str]); 3] = [
        (&["vikt", "vikten"], &["viktig", "viktiga", "viktigt"]),
        (&["bil", "bilarna"], &["billig", "billigare", "billigt"]),
        (&["rör", "rören"], &["rörelse", "rörelser", "rörelsen"]),
    ];
    let mut records = corpus_records();
    for (base, derived) in pairs {
        for form in base.iter().chain(derived) {
            records.push(page(form, "Ord", &format!("Här står {form} ensamt.")));
        }
    }
    let (_dir, index) = index_of(&records, Chain::Full);
    let (_dir, plain) = index_of(&records, Chain::Plain);
    for (base, derived) in pairs {
        for (query, own, other) in [(base[0], base, derived), (derived[0], derived, base)] {
            let found = ids(&run(&index, query, 50));
            for form in own {
                assert!(found.contains(&form.to_string()), "{query} → {form}");
            }
            for form in other {
                assert!(!found.contains(&form.to_string()), "{query} ↛ {form}");
            }
        }
        // Snowball alone joins them.
        let plain_found = ids(&run(&plain, base[0], 50));
        assert!(derived
            .iter()
            .any(|form| plain_found.contains(&form.to_string())));
    }
}

/// Ids, codes and amounts written in running text are searchable as written: `ESF+` finds
/// "ESF+" but not plain "ESF", `23-023-S06` and `NUTS-2` find their text, an amount
/// written in digit groups is found by its digits.
#[test]
fn ids_codes_and_amounts_are_searchable() {
    let mut records = corpus_records();
    records.push(page(
        "plus",
        "Fond",
        "Projektet finansieras av ESF+ och regionen.",
    ));
    records.push(page(
        "esf",
        "Fond",
        "Projektet finansierades av ESF och regionen.",
    ));
    records.push(page(
        "codes",
        "Koder",
        "Se beslut 23-023-S06 för NUTS-2 området; beviljat 6 036 644 kr.",
    ));
    let (_dir, index) = index_of(&records, Chain::Full);
    assert_eq!(ids(&run(&index, "ESF+", 20)), ["plus"]);
    assert!(ids(&run(&index, "ESF", 20)).contains(&"esf".to_string()));
    assert!(ids(&run(&index, "23-023-S06", 20)).contains(&"codes".to_string()));
    assert_eq!(ids(&run(&index, "NUTS-2", 20)), ["codes"]);
    assert_eq!(ids(&run(&index, "6036644", 20)), ["codes"]);
}

/// The lexicon is saved in the index folder when the corpus is indexed, loaded when the
/// index is opened (so queries split as the documents did), and rebuilt on re-indexing
/// from every record the index then holds.
#[test]
fn the_lexicon_is_saved_loaded_and_rebuilt_with_the_index() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let dir = tempfile::tempdir().unwrap();
    index_paths(
        dir.path(),
        &[corpus.join("000_6a160920bac181de.txt")],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let first = Lexicon::load(dir.path()).unwrap().unwrap();
    assert!(dir.path().join(LEXICON_FILE).is_file());
    assert!(first.corpus_count("myndighetssamverkan") > 0);
    assert_eq!(first.corpus_count("flerlänssamverkan"), 0);

    index_paths(
        dir.path(),
        &[corpus.join("004_81830a1953d1cd11.txt")],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let index = FyndIndex::open(dir.path()).unwrap();
    assert_eq!(index.num_records().unwrap(), 2);
    // Both files' words: the first file's records were re-read from the index.
    assert!(index.lexicon.corpus_count("myndighetssamverkan") > 0);
    assert!(index.lexicon.corpus_count("flerlänssamverkan") > 0);
    let found = ids(&run(&index, "samverkan", 10));
    assert_eq!(found.len(), 2);
}
