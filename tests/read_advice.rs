//! An index opened to search has its document stores marked for random reads (the kernel
//! fetches one page per miss instead of a window around it), and nothing else: postings
//! keep the kernel's default, since their lists are read in order.

mod common;

use common::{corpus_dir, fynd, open};

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
    // Built by another process, so that every mapping of the index in this one is the
    // searcher's own (a writer's merge maps the stores it reads, for as long as it lives).
    let dir = tempfile::tempdir().unwrap();
    let built = fynd(&[
        "index",
        corpus_dir().to_str().unwrap(),
        "--index",
        dir.path().to_str().unwrap(),
    ]);
    assert!(built.status.success());
    let index = open(dir.path());
    let searcher = index.reader().unwrap().searcher();
    assert!(!searcher.segment_readers().is_empty());
    for segment in searcher.segment_readers() {
        let name = format!("{}.store", segment.segment_id().uuid_string());
        let stores = mapping_flags(&name);
        assert!(!stores.is_empty(), "{name} is not mapped");
        for flags in &stores {
            assert!(
                flags.split(' ').any(|f| f == "rr"),
                "{name} mapped without random reads: {flags}"
            );
        }
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
