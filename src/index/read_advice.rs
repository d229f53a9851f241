//! How the kernel reads an index's mapped files. A page of results reads one small block of
//! the document store per hit, at places no earlier read predicts; the kernel's default
//! for a mapped file reads a window around each page it has to fetch, so a hit whose block
//! is not in the page cache read many times the block from disk. The document store is
//! marked for random reads (one page fetched per miss), as Lucene marks its stored fields;
//! postings and columns keep the default, whose lists are read in order.

use std::path::Path;
use tantivy::directory::Directory;
use tantivy::Searcher;

/// Marks the document store of every segment of `searcher` for random reads. The store's
/// mapping is the one the segment's reader holds (the directory hands out one mapping per
/// file while it is in use), so the advice is on the pages its reads fault in. Advice that
/// fails changes nothing but how much is read ahead.
pub fn advise_random_store_reads(searcher: &Searcher) {
    let directory = searcher.index().directory();
    for segment in searcher.segment_readers() {
        let name = format!("{}.store", segment.segment_id().uuid_string());
        let Some(bytes) = directory
            .open_read(Path::new(&name))
            .ok()
            .and_then(|file| file.read_bytes().ok())
        else {
            continue;
        };
        advise_random(bytes.as_slice());
    }
}

#[cfg(unix)]
fn advise_random(bytes: &[u8]) {
    // The advice covers whole pages: from the page the bytes begin in.
    let page = 4096usize;
    let start = bytes.as_ptr() as usize;
    let aligned = start - start % page;
    let len = bytes.len() + (start - aligned);
    if len == 0 {
        return;
    }
    // SAFETY: the range lies within a mapping the segment reader keeps alive; MADV_RANDOM
    // changes only how the kernel reads ahead into it, never its contents.
    unsafe {
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_RANDOM);
    }
}

#[cfg(not(unix))]
fn advise_random(_: &[u8]) {}
