//! Story: whatever bytes a researcher's folder holds, ingest answers with records or a
//! reason, never a crash (nested however deep); whatever a researcher types, the query
//! parser answers with a query or an error; and a record written out in the ESF+ shape reads back as the same
//! record.

use fynd::ingest::{esf_plus, parse_bytes, parse_document};
use fynd::query::parse::parse;
use fynd::record::{Date, DocumentShape, ProjectRecord};
use proptest::prelude::*;

fn line_text() -> impl Strategy<Value = String> {
    // Words of Swedish letters, digits and the punctuation sources use, on one line, never
    // ending in ':' (that would make a value look like a key).
    "[A-Za-zÅÄÖåäöé0-9][A-Za-zÅÄÖåäöé0-9 ,.()+/-]{0,40}[A-Za-zÅÄÖåäöé0-9]"
}

fn date() -> impl Strategy<Value = Date> {
    (1990i32..2040, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

prop_compose! {
    fn esf_plus_record()(
        id in "[0-9]{2}-[0-9]{3}-S[0-9]{2}",
        title in line_text(),
        fund in proptest::option::of(line_text()),
        owner in proptest::option::of(line_text()),
        region in proptest::option::of(line_text()),
        nuts2 in proptest::option::of("SE[0-9]{1,2}"),
        area in proptest::option::of("[A-D]"),
        start in proptest::option::of(date()),
        end in proptest::option::of(date()),
        rate in proptest::option::of(0u8..=100),
        participants in proptest::option::of(0u64..100_000),
        strategic in proptest::option::of(any::<bool>()),
        extra in proptest::collection::btree_map("Okänd [a-zåäö]{1,12}", line_text(), 0..3),
        body in proptest::collection::vec(line_text(), 1..4),
    ) -> ProjectRecord {
        let mut record = ProjectRecord::new("prop.txt", DocumentShape::EsfPlusRecord);
        record.id = id.clone();
        record.diarienummer = Some(id);
        record.title = title;
        record.fund = fund;
        record.owner = owner;
        record.region = region;
        record.nuts2 = nuts2;
        record.programme_area = area;
        record.start = start;
        record.end = end;
        record.cofinancing_rate = rate.map(f64::from);
        record.participants = participants;
        record.strategic_importance = strategic;
        record.extra = extra;
        record.body = body.join("\n");
        record
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_parse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_bytes("fuzz.bin", &bytes);
    }

    #[test]
    fn any_text_parses_without_panic(text in "\\PC{0,400}") {
        let _ = parse_bytes("fuzz.txt", text.as_bytes());
    }

    /// Reads back as itself, its names in their facet spelling (white space collapsed,
    /// known regions and funds as the name table writes them) and the source's spelling
    /// in `as_written`.
    #[test]
    fn an_esf_plus_record_reads_back_as_itself(record in esf_plus_record()) {
        let text = esf_plus::render(&record);
        let parsed = parse_document("prop.txt", &text).unwrap();
        prop_assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let mut expected = record;
        fynd::ingest::names::normalize_record(&mut expected);
        prop_assert_eq!(parsed.record, expected);
    }
}

proptest! {
    // Fewer cases: each input is up to tens of thousands of characters.
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Pages nested up to 3 000 elements deep, of mixed tags, closed or not: read with the
    /// parser or flat, always with the innermost words, never a crash (the parsing runs on
    /// this test thread's default-size stack).
    #[test]
    fn deeply_nested_pages_keep_their_words(
        tags in proptest::collection::vec(
            prop_oneof!["div", "span", "section", "b", "ul", "table", "blockquote", "a"],
            1..3000,
        ),
        closed in any::<bool>(),
    ) {
        let open: String = tags.iter().map(|t| format!("<{t}>")).collect();
        let close: String = if closed {
            tags.iter().rev().map(|t| format!("</{t}>")).collect()
        } else {
            String::new()
        };
        let page = format!("<html><body>{open}innerst ordet{close}</body></html>");
        let contents = parse_bytes("deep.html", page.as_bytes()).unwrap();
        prop_assert_eq!(contents.documents.len(), 1);
        let record = &contents.documents[0].record;
        // A page of one line has it as its title.
        let text = format!("{}\n{}", record.title, record.body);
        prop_assert!(text.contains("innerst ordet"), "{}", text);
    }

    /// JSON nested to any depth, in an array table or in JSON Lines: rows or a reported
    /// problem, never a crash.
    #[test]
    fn deeply_nested_json_is_read_or_reported(depth in 1usize..5000, lines in any::<bool>()) {
        let value = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let text = if lines {
            format!("{{\"id\": \"a\", \"x\": {value}}}\n{{\"id\": \"b\", \"namn\": \"B\"}}\n")
        } else {
            format!("[{{\"id\": \"a\", \"namn\": \"A\", \"x\": {value}}}]")
        };
        match parse_bytes("deep.json", text.as_bytes()) {
            Ok(contents) => prop_assert!(
                !contents.documents.is_empty() || !contents.problems.is_empty()
            ),
            Err(err) => prop_assert!(err.to_string().starts_with("deep.json:1:"), "{}", err),
        }
    }

    /// Any mix of words, operators, quotes and parentheses, nested to any depth: a parsed
    /// query or a syntax error with a position inside the query.
    #[test]
    fn any_query_parses_or_says_where_it_is_wrong(
        pieces in proptest::collection::vec(
            prop_oneof!["\\(", "\\)", " ", "OR", "NOT", "-", "\\+", "\"", "ord", "titel:x"],
            0..400,
        ),
        depth in 0usize..20_000,
    ) {
        let query = format!("{}{}{}", "(".repeat(depth), pieces.concat(), ")".repeat(depth));
        if let Err(err) = parse(&query, &["title"]) {
            prop_assert!(err.position <= query.chars().count());
        }
    }
}
