//! An index opened to search has its document stores marked for random reads (the kernel
//! fetches one page per miss instead of a window around it), and nothing else: postings
//! keep the kernel's default, since their lists are read in order.

mod common;

use common::{corpus_index, open};

/// The kernel's flags of each mapping of a file whose name ends with `suffix`, from
/// /proc/self/smaps.
#[cfg(target_os = "linux")]
fn mapping_flags(suffix: &str) -> Vec<String> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut flags = Vec::new();
    let mut in_file = false;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().next().is_some_and(|c| c.is_ascii_hexdigit()) {
            in_file = line.trim_end().ends_with(suffix);
        } else if in_file {
            if let Some(rest) = line.strip_prefix("VmFlags:") {
                flags.push(rest.trim().to_string());
            }
        }
    }
    flags
}

#[cfg(target_os = "linux")]
#[test]
fn an_opened_index_reads_its_document_stores_at_random_and_its_postings_in_order() {
    let index = open(corpus_index());
    let searcher = index.reader().unwrap().searcher();
    assert!(!searcher.segment_readers().is_empty());
    let stores = mapping_flags(".store");
    assert!(!stores.is_empty(), "no document store is mapped");
    for flags in &stores {
        assert!(
            flags.split(' ').any(|f| f == "rr"),
            "store mapped without random reads: {flags}"
        );
    }
    let postings = mapping_flags(".idx");
    assert!(!postings.is_empty(), "no postings file is mapped");
    for flags in &postings {
        assert!(
            !flags.split(' ').any(|f| f == "rr"),
            "postings marked random: {flags}"
        );
    }
}
