//! Story: a researcher's folder of pre-study reports, as Word wrote them and as they were
//! saved to PDF and OpenDocument, with one PDF cut short in transfer and one Word file
//! damaged. The readable reports are indexed with their titles and text; each broken one
//! is named with what to do, and the batch goes on.

use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::ingest::{parse_bytes, read_file};
use fynd::query::{search, SearchRequest};
use fynd::record::DocumentShape;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const TITLE: &str = "Slutrapport: Förstudie om validering för nyanlända i Kronoberg";

fn reports() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reports")
}

#[test]
fn word_pdf_and_opendocument_reports_read_as_the_same_document() {
    for name in [
        "slutrapport-forstudie.docx",
        "slutrapport-forstudie.pdf",
        "slutrapport-forstudie.odt",
    ] {
        let contents = read_file(&reports().join(name)).unwrap();
        assert_eq!(contents.documents.len(), 1, "{name}");
        let record = &contents.documents[0].record;
        assert_eq!(record.shape, DocumentShape::WebPage, "{name}");
        assert_eq!(record.title, TITLE, "{name}");
        // PDF wraps lines where the page did: compare the words.
        let words = record.body.split_whitespace().collect::<Vec<_>>().join(" ");
        for sentence in [
            "Många nyanlända har yrkeskunskaper som arbetsgivare i Kronobergs län inte ser.",
            "Valideringsbehovet är störst inom vård, bygg och transport.",
            "Förstudien föreslår ett genomförandeprojekt om 24 månader.",
        ] {
            assert!(words.contains(sentence), "{name}: {sentence} in {words}");
        }
        assert!(
            !record.body.contains(TITLE),
            "{name}: the title is not repeated"
        );
    }
}

#[test]
fn a_damaged_report_is_named_with_what_to_do_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let summary = index_paths(
        dir.path(),
        &[reports()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    // Every readable report gives a record. The Word and OpenDocument files hold the same
    // text, so they have the same content id and the index keeps one: two records.
    assert_eq!(summary.records_written, 3, "{summary:?}");
    assert_eq!(summary.skipped.len(), 2, "{summary:?}");
    assert_eq!(summary.total_records, 2, "{summary:?}");
    let skipped = summary.skipped.join("\n");
    assert!(
        summary.skipped.iter().any(
            |s| s.contains("avbruten-overforing.pdf: cannot read this PDF")
                && s.contains("save or print it to PDF again")
        ),
        "{skipped}"
    );
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.contains("trasig.docx: cannot read this document")
                && s.contains("open it and save it again")),
        "{skipped}"
    );
    let index = FyndIndex::open(dir.path()).unwrap();
    let response = search(&index, &SearchRequest::new("valideringsbehovet")).unwrap();
    assert_eq!(response.total, 2);
    assert!(response.hits.iter().all(|hit| hit.title == TITLE));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Bytes of the real PDF and Word file, cut and overwritten anywhere: a record or a
    /// reason, never a panic.
    #[test]
    fn damaged_reports_never_panic(
        which in 0usize..2,
        cut in 0.0f64..1.0,
        edits in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8),
    ) {
        let name = ["slutrapport-forstudie.pdf", "slutrapport-forstudie.docx"][which];
        let mut bytes = std::fs::read(reports().join(name)).unwrap();
        let len = bytes.len();
        for (at, byte) in edits {
            bytes[((at * len as f64) as usize).min(len - 1)] = byte;
        }
        bytes.truncate(((cut * bytes.len() as f64) as usize).max(6));
        let _ = parse_bytes(name, &bytes);
    }
}
