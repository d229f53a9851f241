//! Fixtures of the research-view tests: the whole shipped corpus (`corpus/`: the seed
//! records and both Projektbanken exports) indexed once per test binary with one constructed
//! near-duplicate added, the same records read straight from the files (not from the
//! index), and a plain HTTP GET.

use fynd::index::{index_paths, FyndIndex, NoProgress};
use fynd::record::ProjectRecord;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Id of the constructed near-duplicate.
pub const DUPLICATE_ID: &str = "NEAR-DUPLICATE-1";

/// The shipped corpus folder.
pub fn shipped_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every record of every file under `corpus/`, read with the ingest functions alone.
pub fn shipped_records() -> Vec<ProjectRecord> {
    let mut paths: Vec<PathBuf> = walkdir(&shipped_dir());
    paths.sort();
    let mut records = Vec::new();
    for path in paths {
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let contents = fynd::ingest::read_file(&path).unwrap();
        records.extend(contents.documents.into_iter().map(|d| d.record));
    }
    records
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The record the near-duplicate copies: the shipped record with the longest description.
pub fn original(records: &[ProjectRecord]) -> ProjectRecord {
    records
        .iter()
        .max_by_key(|r| (r.body.len(), r.id.clone()))
        .cloned()
        .unwrap()
}

/// A near-duplicate of `record`: another id, its last sentence dropped and its words of one
/// paragraph reordered, as a re-export or an edited copy would be.
pub fn near_duplicate(record: &ProjectRecord) -> ProjectRecord {
    let mut copy = record.clone();
    copy.id = DUPLICATE_ID.to_string();
    copy.diarienummer = None;
    copy.path = "constructed/near-duplicate.txt".into();
    let cut = copy.body.trim_end().trim_end_matches('.').rfind(". ");
    if let Some(cut) = cut {
        copy.body.truncate(cut + 1);
    }
    copy.title = format!("{} (kopia)", copy.title);
    copy
}

/// The shipped corpus plus the near-duplicate, indexed once per test binary: its folder,
/// and its records as read from the files (the near-duplicate last).
pub fn shipped_index() -> &'static (PathBuf, Vec<ProjectRecord>) {
    static INDEX: OnceLock<(PathBuf, Vec<ProjectRecord>)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = super::scratch_dir("shipped");
        index_paths(&dir, &[shipped_dir()], 50_000_000, &mut NoProgress).unwrap();
        let mut records = shipped_records();
        let duplicate = near_duplicate(&original(&records));
        let index = FyndIndex::open(&dir).unwrap();
        let mut writer = index.writer(50_000_000).unwrap();
        writer.upsert(&duplicate).unwrap();
        writer.commit().unwrap();
        records.push(duplicate);
        (dir, records)
    })
}

/// `GET path` over HTTP/1.1: the status and the body (the views answer unchunked JSON).
pub fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head.to_lowercase().contains("transfer-encoding: chunked") {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            out.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
        out
    } else {
        body.to_string()
    };
    (status, body)
}
