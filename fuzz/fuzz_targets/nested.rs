//! Fuzz target for deep nesting and large inputs, which byte-level mutation rarely reaches:
//! the input is a repeat count and three byte strings, `open`, `middle` and `close`
//! (separated by 0xFF), and the document is `open` × count, `middle`, `close` × count —
//! `<div>` × 60 000 from a few bytes. Ingest (decoding, HTML, tables, JSON) and the query
//! parser must answer it with records, a query or an error, never a panic or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Inputs are built up to this size, so every run stays fast enough to fuzz.
const MAX_BYTES: usize = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let [low, high, rest @ ..] = data else {
        return;
    };
    let count = usize::from(u16::from_le_bytes([*low, *high]));
    let mut parts = rest.splitn(3, |b| *b == 0xFF);
    let open = parts.next().unwrap_or_default();
    let middle = parts.next().unwrap_or_default();
    let close = parts.next().unwrap_or_default();
    if (open.len() + close.len()) * count + middle.len() > MAX_BYTES {
        return;
    }
    let mut bytes = open.repeat(count);
    bytes.extend_from_slice(middle);
    bytes.extend_from_slice(&close.repeat(count));
    let _ = fynd::ingest::parse_bytes("fuzz-nested", &bytes);
    if let Ok(query) = std::str::from_utf8(&bytes) {
        let _ = fynd::query::parse::parse(query, &["title", "body", "owner"]);
    }
});
