//! Story: whatever bytes a researcher's folder holds, ingest answers with records or a
//! reason, never a crash; and a record written out in the ESF+ shape reads back as the same
//! record.

use fynd::ingest::{esf_plus, parse_bytes, parse_document};
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
