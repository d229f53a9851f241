//! Story: a researcher's collection grows and changes, and they re-run `fynd index` on it —
//! sometimes stopping it half-way. Each run reads only what changed, removes what vanished,
//! and never loses or duplicates a record.

use fynd::index::{
    delete_records, index_paths_with, FyndIndex, IndexOptions, IndexSummary, NoProgress,
};
use fynd::ingest::esf_plus;
use fynd::query::{search, SearchRequest};
use fynd::record::{Date, DocumentShape, ProjectRecord};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A generated ESF+ record, number `n`, in a given `version` of its text.
fn record(n: usize, version: usize) -> ProjectRecord {
    let mut record = ProjectRecord::new("", DocumentShape::EsfPlusRecord);
    let id = format!("{:02}-{:03}-S{:02}", 20 + n % 7, n % 1000, n / 1000);
    record.id = id.clone();
    record.diarienummer = Some(id);
    record.title = format!("Projekt nummer {n} version {version}");
    record.fund = Some(if n.is_multiple_of(2) { "ESF+" } else { "ESF" }.to_string());
    record.owner = Some(format!("Kommun {}", n % 13));
    record.start = Date::new(2020 + (n % 5) as i32, 1 + (n % 12) as u8, 1);
    record.end = Date::new(2026, 12, 31);
    record.body = format!("Beskrivning av projekt {n}. Samverkan i version {version}.");
    record
}

fn write(dir: &Path, n: usize, version: usize) {
    std::fs::write(
        dir.join(format!("p{n:05}.txt")),
        esf_plus::render(&record(n, version)),
    )
    .unwrap();
}

fn run(docs: &Path, index: &Path) -> IndexSummary {
    let options = IndexOptions {
        memory_bytes: 50_000_000,
        commit_every: 20,
        ..IndexOptions::default()
    };
    index_paths_with(index, &[docs.to_path_buf()], &options, &mut NoProgress).unwrap()
}

fn all_ids(index: &Path) -> Vec<String> {
    let index = FyndIndex::open(index).unwrap();
    let mut request = SearchRequest::new("");
    request.limit = 100_000;
    search(&index, &request)
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| hit.id)
        .collect()
}

fn title_of(index: &Path, id: &str) -> Option<String> {
    let index = FyndIndex::open(index).unwrap();
    let response = search(&index, &SearchRequest::new(&format!("id:{id}"))).unwrap();
    response.hits.first().map(|hit| hit.title.clone())
}

#[test]
fn only_what_changed_is_read_and_what_vanished_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, index) = (dir.path().join("docs"), dir.path().join("index"));
    std::fs::create_dir(&docs).unwrap();
    for n in 0..50 {
        write(&docs, n, 1);
    }
    let first = run(&docs, &index);
    assert_eq!(
        (
            first.files_added,
            first.files_unchanged,
            first.total_records
        ),
        (50, 0, 50)
    );
    assert!(first.commits >= 3, "batches of 20: {}", first.commits);

    let again = run(&docs, &index);
    assert_eq!(
        (
            again.files_added,
            again.files_updated,
            again.files_unchanged
        ),
        (0, 0, 50)
    );
    assert_eq!(
        (again.records_written, again.total_records),
        (0, 50),
        "nothing re-read"
    );

    // Add two, change one, delete one, rename one (same content, new name).
    write(&docs, 50, 1);
    write(&docs, 51, 1);
    write(&docs, 7, 2);
    std::fs::remove_file(docs.join("p00003.txt")).unwrap();
    std::fs::rename(docs.join("p00010.txt"), docs.join("renamed.txt")).unwrap();
    let changed = run(&docs, &index);
    assert_eq!(changed.files_added, 3, "two new files and the renamed one");
    assert_eq!(changed.files_updated, 1);
    assert_eq!(
        changed.files_removed, 2,
        "the deleted and the renamed-away path"
    );
    assert_eq!(changed.files_unchanged, 47);
    assert_eq!(
        changed.records_removed, 1,
        "only the deleted file's record goes"
    );
    assert_eq!(changed.total_records, 51);

    let ids = all_ids(&index);
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "no duplicates");
    assert!(!ids.contains(&record(3, 1).id));
    assert_eq!(
        title_of(&index, &record(7, 1).id).unwrap(),
        "Projekt nummer 7 version 2"
    );
    assert_eq!(
        title_of(&index, &record(10, 1).id).unwrap(),
        "Projekt nummer 10 version 1"
    );

    // A file that turns bad is reported, and what was indexed from it stays.
    std::fs::write(docs.join("p00020.txt"), b"\0\0binary now").unwrap();
    let bad = run(&docs, &index);
    assert!(bad
        .skipped
        .iter()
        .any(|s| s.contains("p00020.txt") && s.contains("binary")));
    assert_eq!((bad.files_removed, bad.total_records), (0, 51));
    assert!(title_of(&index, &record(20, 1).id).is_some());
}

#[test]
#[cfg(unix)]
fn a_folder_reached_through_a_link_is_the_same_files() {
    // A researcher indexes a collection, then points `fynd index` at it through a linked
    // folder, a linked file and a path with `..` in it: files are known by their canonical
    // paths, so nothing is read twice, duplicated or taken for vanished.
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("samling").join("2024");
    std::fs::create_dir_all(&docs).unwrap();
    for n in 0..12 {
        write(&docs, n, 1);
    }
    let index = tmp.path().join("index");
    let first = run(&docs, &index);
    assert_eq!(first.files_added, 12);

    let linked_folder = tmp.path().join("genväg");
    std::os::unix::fs::symlink(&docs, &linked_folder).unwrap();
    let through_link = run(&linked_folder, &index);
    assert_eq!(
        (through_link.files_unchanged, through_link.files_added),
        (12, 0)
    );
    assert_eq!(through_link.files_removed, 0);

    let dotted = tmp
        .path()
        .join("samling")
        .join("..")
        .join("samling")
        .join("2024");
    let through_dots = run(&dotted, &index);
    assert_eq!(
        (through_dots.files_unchanged, through_dots.files_added),
        (12, 0)
    );

    // A linked file is its target: changed through the link, it is re-read as a change.
    let linked_file = tmp.path().join("p00003-länk.txt");
    std::os::unix::fs::symlink(docs.join("p00003.txt"), &linked_file).unwrap();
    write(&docs, 3, 2);
    let options = IndexOptions {
        memory_bytes: 50_000_000,
        prune: false,
        ..IndexOptions::default()
    };
    let file_run = index_paths_with(
        &index,
        std::slice::from_ref(&linked_file),
        &options,
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!((file_run.files_updated, file_run.files_added), (1, 0));
    assert_eq!(all_ids(&index).len(), 12);
    let id = record(3, 2).id;
    assert_eq!(title_of(&index, &id), Some(record(3, 2).title));
}

#[test]
fn delete_removes_records_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, index) = (dir.path().join("docs"), dir.path().join("index"));
    std::fs::create_dir(&docs).unwrap();
    for n in 0..5 {
        write(&docs, n, 1);
    }
    run(&docs, &index);
    let summary = delete_records(&index, &[record(1, 1).id, "no-such-id".to_string()]).unwrap();
    assert_eq!(summary.removed, [record(1, 1).id]);
    assert_eq!(summary.not_found, ["no-such-id"]);
    assert_eq!(summary.total_records, 4);
    assert_eq!(
        run(&docs, &index).total_records,
        4,
        "an unchanged file does not bring it back"
    );
}

#[test]
fn strict_fails_on_problems_and_the_size_cap_skips_large_files() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, index) = (dir.path().join("docs"), dir.path().join("index"));
    std::fs::create_dir(&docs).unwrap();
    write(&docs, 1, 1);
    std::fs::write(docs.join("big.txt"), "samverkan ".repeat(200_000)).unwrap();
    let fynd = |strict: bool| {
        let mut args = vec![
            "index",
            docs.to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
            "--max-file-mb",
            "1",
        ];
        if strict {
            args.push("--strict");
        }
        Command::new(env!("CARGO_BIN_EXE_fynd"))
            .args(&args)
            .output()
            .unwrap()
    };
    let relaxed = fynd(false);
    assert!(relaxed.status.success());
    let text = String::from_utf8(relaxed.stdout).unwrap();
    assert!(
        text.contains("big.txt: 1 MB is over the size cap of 1 MB"),
        "{text}"
    );
    let strict = fynd(true);
    assert!(!strict.status.success());
    assert!(String::from_utf8(strict.stderr)
        .unwrap()
        .contains("--strict is on"));
}

#[test]
fn a_run_killed_half_way_keeps_what_it_committed_and_a_rerun_completes() {
    const FILES: usize = 3000;
    let dir = tempfile::tempdir().unwrap();
    let (docs, index) = (dir.path().join("docs"), dir.path().join("index"));
    std::fs::create_dir(&docs).unwrap();
    for n in 0..FILES {
        write(&docs, n, 1);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args([
            "index",
            docs.to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
        ])
        .args(["--commit-every", "100", "--memory-mb", "50"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first commit (the manifest is written right after it), then SIGKILL.
    let started = Instant::now();
    while !index.join(fynd::index::manifest::MANIFEST_FILE).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no commit within two minutes"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        still_running,
        "the indexer had finished before it could be killed"
    );

    // The index opens; every committed record is whole and searchable.
    let ids = all_ids(&index);
    assert!(
        !ids.is_empty() && ids.len() < FILES,
        "a part was committed: {}",
        ids.len()
    );
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates after the kill");
    let searchable = FyndIndex::open(&index).unwrap();
    for id in ids.iter().step_by(37) {
        let n: usize = (0..FILES).find(|n| record(*n, 1).id == *id).unwrap();
        let response = search(&searchable, &SearchRequest::new(&format!("id:{id}"))).unwrap();
        let hit = &response.hits[0];
        assert_eq!(hit.title, record(n, 1).title);
        assert_eq!(hit.owner, record(n, 1).owner);
        assert_eq!(hit.start, record(n, 1).start);
    }

    // A re-run picks up where the last commit left off and completes exactly.
    let rerun = run(&docs, &index);
    assert!(
        rerun.files_unchanged > 0,
        "committed files are not read again"
    );
    assert_eq!(rerun.total_records, FILES as u64);
    let ids = all_ids(&index);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), FILES);
    assert_eq!(ids.len(), FILES);
}

#[test]
fn an_index_that_lost_its_meta_json_is_rebuilt_from_the_files_not_left_empty() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, index) = (dir.path().join("docs"), dir.path().join("index"));
    std::fs::create_dir(&docs).unwrap();
    for n in 0..12 {
        write(&docs, n, 1);
    }
    assert_eq!(run(&docs, &index).total_records, 12);
    std::fs::remove_file(index.join("meta.json")).unwrap();
    let healed = run(&docs, &index);
    assert_eq!(
        (
            healed.files_unchanged,
            healed.files_added,
            healed.total_records
        ),
        (0, 12, 12),
        "{healed:?}"
    );
    assert!(
        healed
            .warnings
            .iter()
            .any(|w| w.contains("meta.json: missing") && w.contains("listed 12 files")),
        "{:?}",
        healed.warnings
    );
    assert_eq!(all_ids(&index).len(), 12);
    // The next run finds the index and the manifest in agreement again.
    let again = run(&docs, &index);
    assert_eq!((again.files_unchanged, again.total_records), (12, 12));
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
}

/// Opens the index after every file a run reads and notes what a search would see:
/// the number of records and how many of them are in `version`.
struct Watch<'a> {
    index: &'a Path,
    version: usize,
    seen: Vec<(u64, usize)>,
}

impl fynd::index::IndexProgress for Watch<'_> {
    fn start(&mut self, _phase: &str, _files: usize) {}
    fn file_done(&mut self, _path: &Path) {
        let index = FyndIndex::open(self.index).unwrap();
        let mut request = SearchRequest::new(&format!("version {}", self.version));
        request.limit = 1000;
        let in_version = search(&index, &request).unwrap().hits.len();
        self.seen.push((index.num_records().unwrap(), in_version));
    }
    fn finish(&mut self) {}
}

#[test]
fn a_rebuild_is_swapped_in_whole_and_works_on_a_damaged_index() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, index) = (dir.path().join("docs"), dir.path().join("index"));
    std::fs::create_dir(&docs).unwrap();
    for n in 0..12 {
        write(&docs, n, 1);
    }
    assert_eq!(run(&docs, &index).total_records, 12);
    for n in 0..12 {
        write(&docs, n, 2);
    }
    // Small batches: an in-place rebuild would commit four times on the way.
    let options = IndexOptions {
        memory_bytes: 50_000_000,
        commit_every: 3,
        rebuild: true,
        ..IndexOptions::default()
    };
    let mut watch = Watch {
        index: &index,
        version: 1,
        seen: Vec::new(),
    };
    // Meanwhile another reader opens the index again and again: it finds an index every
    // time, the old or the new, each whole.
    let done = std::sync::atomic::AtomicBool::new(false);
    let (summary, opened) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut opened = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let records = FyndIndex::open(&index).map(|i| i.num_records().unwrap());
                opened.push(records.map_err(|err| err.to_string()));
            }
            opened
        });
        let summary =
            index_paths_with(&index, std::slice::from_ref(&docs), &options, &mut watch).unwrap();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (summary, reader.join().unwrap())
    });
    assert!(!opened.is_empty());
    assert!(
        opened.iter().all(|records| *records == Ok(12)),
        "{:?}",
        opened
            .iter()
            .filter(|r| **r != Ok(12))
            .take(3)
            .collect::<Vec<_>>()
    );
    // Learning the lexicon and indexing: each file seen twice, the old index whole each time.
    assert_eq!(watch.seen.len(), 24);
    assert!(
        watch.seen.iter().all(|seen| *seen == (12, 12)),
        "{:?}",
        watch.seen
    );
    assert!(summary.commits >= 4 && summary.lexicon_learned);
    assert_eq!(all_ids(&index).len(), 12);
    let titles: BTreeSet<String> = (0..12)
        .filter_map(|n| title_of(&index, &record(n, 1).id))
        .collect();
    assert!(
        titles.iter().all(|t| t.ends_with("version 2")),
        "{titles:?}"
    );
    // Nothing is left beside the index.
    let mut beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(beside, ["docs", "index"]);

    // A meta.json that is not JSON, a manifest and a lexicon that are not zstd: the index
    // cannot be opened, and a rebuild builds it anew all the same.
    for file in ["meta.json", "fynd-manifest.json.zst", "fynd-lexicon.fst"] {
        if index.join(file).exists() {
            std::fs::write(index.join(file), b"\x00garbage").unwrap();
        }
    }
    assert!(FyndIndex::open(&index).is_err());
    let summary = index_paths_with(
        &index,
        std::slice::from_ref(&docs),
        &IndexOptions {
            rebuild: true,
            ..IndexOptions::default()
        },
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(summary.total_records, 12);
    assert_eq!(all_ids(&index).len(), 12);
}

/// `fynd index ARGS --json` as a user the folder permissions apply to: as `nobody` (through
/// setpriv) when the tests run as root, who reads every folder whatever its mode.
fn index_unprivileged(args: &[&str]) -> serde_json::Value {
    let uid = Command::new("id").arg("-u").output().unwrap().stdout;
    let mut command = if String::from_utf8_lossy(&uid).trim() == "0" {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        command.arg(env!("CARGO_BIN_EXE_fynd"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_fynd"))
    };
    let output = command
        .arg("index")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_folder_that_cannot_be_read_keeps_its_records_and_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let (docs, index) = (dir.path().join("docs"), dir.path().join("index"));
    let locked = docs.join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    for n in 0..2 {
        write(&docs, n, 1);
    }
    for n in 2..5 {
        write(&locked, n, 1);
    }
    let args = [docs.to_str().unwrap(), "--index", index.to_str().unwrap()];
    assert_eq!(index_unprivileged(&args)["total_records"], 5);

    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let summary = index_unprivileged(&args);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        (&summary["total_records"], &summary["files_removed"]),
        (&serde_json::json!(5), &serde_json::json!(0)),
        "{summary:#}"
    );
    let listed = |key: &str| summary[key].as_array().unwrap().clone();
    assert!(
        listed("skipped")
            .iter()
            .any(|s| s.as_str().unwrap().contains("locked")
                && s.as_str().unwrap().contains("cannot read")),
        "{summary:#}"
    );
    assert!(
        listed("warnings")
            .iter()
            .any(|w| w.as_str().unwrap().contains(
                "cannot be read, so the records of the 3 file(s) indexed from it before are kept"
            )),
        "{summary:#}"
    );
}
