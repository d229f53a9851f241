//! The analyses of the texts this thread analysed last. A document's text is indexed in
//! three fields — its own (whole words), `parts` and `folded` — and tantivy tokenizes each
//! field separately, with a tokenizer per field. The chain makes all three streams in one
//! pass, so the first tokenizer to see a text keeps the other two streams here and the
//! other tokenizers take them: each text is segmented and analysed once, not three times.
//!
//! Entries are keyed by the lexicon they were made with and by the text itself (compared
//! in full, so a hit is always right), and dropped once every stream is taken, or oldest
//! first when more than [`KEPT_TEXTS`] texts or [`KEPT_BYTES`] of text are kept (texts
//! analysed at search time, for passages, are only ever asked for one stream).

use super::PackedTerms;
use std::cell::RefCell;
use std::collections::VecDeque;

/// Most texts kept per thread: more than the text values of one record (title, body,
/// owner, partner and municipality names), whose fields tantivy indexes one after another.
pub const KEPT_TEXTS: usize = 256;

/// Most bytes of text kept per thread (the newest text is kept whatever its size).
pub const KEPT_BYTES: usize = 512 * 1024;

struct Entry {
    lexicon: u64,
    text: String,
    streams: [Option<PackedTerms>; 3],
}

thread_local! {
    static RECENT: RefCell<VecDeque<Entry>> = const { RefCell::new(VecDeque::new()) };
}

/// The tokens of stream `slot` of `text` as analysed with lexicon `lexicon`, if this thread
/// analysed it lately and no tokenizer took that stream yet.
pub fn take(lexicon: u64, text: &str, slot: usize) -> Option<PackedTerms> {
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        let at = recent.iter().position(|entry| {
            entry.lexicon == lexicon && entry.streams[slot].is_some() && entry.text == text
        })?;
        let tokens = recent[at].streams[slot].take();
        if recent[at].streams.iter().all(Option::is_none) {
            recent.remove(at);
        }
        tokens
    })
}

/// Keeps the streams of `text` not yet taken, for the tokenizers of the other fields.
pub fn keep(lexicon: u64, text: &str, streams: [Option<PackedTerms>; 3]) {
    if streams.iter().all(Option::is_none) {
        return;
    }
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        let mut bytes: usize = recent.iter().map(|entry| entry.text.len()).sum();
        while !recent.is_empty() && (recent.len() >= KEPT_TEXTS || bytes + text.len() > KEPT_BYTES)
        {
            bytes -= recent.pop_front().map_or(0, |entry| entry.text.len());
        }
        recent.push_back(Entry {
            lexicon,
            text: text.to_string(),
            streams,
        });
    });
}
