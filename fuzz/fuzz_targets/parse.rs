//! Fuzz target: every ingest path (decoding, HTML, tables, the three text shapes) must
//! answer any byte string with records or an error, never a panic; and every record it
//! gives must turn into an index document.
#![no_main]

use fynd::analysis::lexicon::Lexicon;
use fynd::analysis::Analyzer;
use fynd::schema::FyndSchema;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

static SCHEMA: OnceLock<FyndSchema> = OnceLock::new();
static LEXICON: OnceLock<Arc<Lexicon>> = OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let schema = SCHEMA.get_or_init(FyndSchema::build);
    let lexicon = LEXICON.get_or_init(|| Arc::new(Lexicon::base()));
    if let Ok(contents) = fynd::ingest::parse_bytes("fuzz-input", bytes) {
        let mut analyzer = Analyzer::new(lexicon.clone());
        for document in contents.documents {
            let _ = schema.document(&document.record, &mut analyzer);
        }
    }
});
