//! Shared test fixtures: a few thousand generated records with varied metadata (written
//! straight into an index), and the sample corpus indexed through `fynd index`'s code path.
//! Expected answers are computed from the generated records in plain Rust, never written in.

#![allow(dead_code)]

use fynd::analysis::lexicon::Chain;
use fynd::index::{index_paths, FyndIndex, NoProgress};
use fynd::index::{IndexSummary, DEFAULT_WRITER_MEMORY};
use fynd::query::{search, SearchRequest, SearchResponse};
use fynd::record::{Date, DocumentShape, ProjectRecord};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub mod http;
pub mod views;

/// Regions of the generated records (with and without diacritics in their names).
pub const REGIONS: [&str; 5] = [
    "Övre Norrland",
    "Mellersta Norrland",
    "Skåne",
    "Stockholm",
    "Västsverige",
];
/// Funds of the generated records.
pub const FUNDS: [&str; 2] = ["ESF+", "ESF"];
/// Programme areas of the generated records.
pub const AREAS: [&str; 4] = ["A", "B", "C", "D"];
/// Owners of the generated records.
pub const OWNERS: [&str; 5] = [
    "Region Gävleborg",
    "Arbetsförmedlingen",
    "Lunds kommun",
    "Samordningsförbundet Väst",
    "Örebro universitet",
];
/// Topic words: each record's body holds some of them, nothing else does.
pub const TOPICS: [&str; 5] = [
    "digitalisering",
    "integration",
    "ungdomar",
    "jämställdhet",
    "tillgänglighet",
];
const FILLER: [&str; 6] = [
    "Projektet arbetar med målgruppen under hela perioden.",
    "Deltagarna får stöd för att nå arbete.",
    "Metoder för lärande tas fram inom regionen.",
    "Resultaten sprids till andra organisationer.",
    "En extern utvärderare följer arbetet.",
    "Styrgruppen träffas varje kvartal.",
];

/// Number of generated records.
pub const GENERATED: usize = 3000;

/// A small deterministic pseudo-random generator (so every run sees the same records).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len() as u64) as usize]
    }
}

/// Makes generated records one at a time (so a benchmark can write 100 000 of them without
/// holding them): varied fund, region, owner, programme area, shape, dates, budget (in
/// steps of 500 000 so many share a value), participants, and topic words in the body.
pub struct RecordGenerator {
    rng: Lcg,
}

impl Default for RecordGenerator {
    fn default() -> Self {
        RecordGenerator { rng: Lcg(42) }
    }
}

impl RecordGenerator {
    /// Record number `i` (call with 0, 1, 2, … for the same records every run).
    pub fn record(&mut self, i: usize) -> ProjectRecord {
        let rng = &mut self.rng;
        let shape = match rng.next(10) {
            0 => DocumentShape::WebPage,
            1 | 2 => DocumentShape::EsfProjectPage,
            _ => DocumentShape::EsfPlusRecord,
        };
        let mut r = ProjectRecord::new(&format!("generated/{i}.txt"), shape);
        r.id = format!("GEN-{i:05}");
        r.title = format!("Projekt nummer {i}");
        let mut sentences: Vec<String> = (0..3 + rng.next(4))
            .map(|_| rng.pick(&FILLER).to_string())
            .collect();
        for topic in TOPICS {
            if rng.next(10) < 3 {
                let at = rng.next(sentences.len() as u64) as usize;
                sentences[at] = format!("Fokus ligger på {topic} i arbetet.");
            }
        }
        r.body = sentences.join(" ");
        if shape == DocumentShape::WebPage {
            r.published = Date::new(2015 + rng.next(10) as i32, 1 + rng.next(12) as u8, 1);
            return r;
        }
        r.diarienummer = Some(r.id.clone());
        r.fund = Some(rng.pick(&FUNDS).to_string());
        r.region = Some(rng.pick(&REGIONS).to_string());
        r.programme_area = Some(rng.pick(&AREAS).to_string());
        r.owner = Some(rng.pick(&OWNERS).to_string());
        let year = 2014 + rng.next(12) as i32;
        r.start = Date::new(year, 1 + rng.next(12) as u8, 1 + rng.next(28) as u8);
        if rng.next(10) > 0 {
            r.end = Date::new(year + rng.next(3) as i32, 1 + rng.next(12) as u8, 28);
            if r.end < r.start {
                r.end = r.start;
            }
        }
        if rng.next(10) > 1 {
            r.budget = Some(rng.next(40) * 500_000);
        }
        if rng.next(10) > 2 {
            r.participants = Some(rng.next(50));
        }
        r
    }
}

/// The generated records of the test index.
pub fn generated_records() -> Vec<ProjectRecord> {
    let mut generator = RecordGenerator::default();
    (0..GENERATED).map(|i| generator.record(i)).collect()
}

/// An empty folder under the test build's scratch space, named after `name` and this test
/// binary (test binaries run at the same time).
pub fn scratch_dir(name: &str) -> PathBuf {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{binary}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The index of the generated records, built once per test binary (in two commits, so it
/// has more than one segment), with the records it holds.
pub fn generated_index() -> &'static (PathBuf, Vec<ProjectRecord>) {
    static INDEX: OnceLock<(PathBuf, Vec<ProjectRecord>)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = scratch_dir("generated");
        let records = generated_records();
        let index = FyndIndex::open_or_create(&dir).expect("index opens");
        let mut writer = index.writer(50_000_000).expect("writer");
        for (n, record) in records.iter().enumerate() {
            writer.upsert(record).expect("upsert");
            if n == GENERATED / 2 {
                writer.commit().expect("commit");
            }
        }
        writer.commit().expect("commit");
        (dir, records)
    })
}

/// The sample corpus indexed once per test binary.
pub fn corpus_index() -> &'static PathBuf {
    static INDEX: OnceLock<PathBuf> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = scratch_dir("corpus");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
        index_paths(&dir, &[corpus], 50_000_000, &mut NoProgress).expect("corpus indexes");
        dir
    })
}

/// Opens an index built by one of the functions above.
pub fn open(dir: &Path) -> FyndIndex {
    FyndIndex::open(dir).expect("index opens")
}

/// True when `text` has `word` as a whole word (case-insensitive).
pub fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.to_lowercase() == word)
}

/// The seed documents shipped in `corpus/seeds/`.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds")
}

/// Indexes every record shipped in `corpus/` (the 2,497 real records and the five seed
/// documents) into a fresh temporary folder, through `fynd index`'s code path.
pub fn index_shipped_records() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    index_paths(
        dir.path(),
        &[corpus],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    dir
}

/// Indexes `corpus/` into a fresh temporary index.
pub fn indexed_corpus() -> (tempfile::TempDir, FyndIndex, IndexSummary) {
    let dir = tempfile::tempdir().unwrap();
    let summary = index_paths(
        dir.path(),
        &[corpus_dir()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let index = FyndIndex::open(dir.path()).unwrap();
    (dir, index, summary)
}

/// The records of the seed documents in `corpus/seeds/`, in file-name order.
pub fn corpus_records() -> Vec<ProjectRecord> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| fynd::ingest::read_document(path).unwrap().record)
        .collect()
}

/// A web-page record with the given id, title and text.
pub fn page(id: &str, title: &str, body: &str) -> ProjectRecord {
    let mut record = ProjectRecord::new(&format!("test/{id}.txt"), DocumentShape::WebPage);
    record.id = id.to_string();
    record.title = title.to_string();
    record.body = body.to_string();
    record
}

/// An index of `records` (lexicon learned from them) in a fresh temporary folder.
pub fn index_of(records: &[ProjectRecord], chain: Chain) -> (tempfile::TempDir, FyndIndex) {
    let dir = tempfile::tempdir().unwrap();
    let mut index = FyndIndex::open_or_create(dir.path()).unwrap();
    index
        .rebuild(records, chain, DEFAULT_WRITER_MEMORY)
        .unwrap();
    (dir, index)
}

/// Searches with up to `limit` hits.
pub fn run(index: &FyndIndex, query: &str, limit: usize) -> SearchResponse {
    let mut request = SearchRequest::new(query);
    request.limit = limit;
    search(index, &request).unwrap()
}

/// Every hit of `query` in match mode `mode` (`exact`, `compound`, `broad`) with at most
/// `near` words between a compound's parts, as `fynd search --match MODE --near N` runs it.
pub fn run_in(index: &FyndIndex, query: &str, mode: &str, near: u32) -> SearchResponse {
    let options = fynd::query::options::SearchOptions {
        match_mode: Some(mode.to_string()),
        near: Some(near.to_string()),
        ..fynd::query::options::SearchOptions::new(query)
    };
    let mut request = options.request().unwrap();
    request.limit = 10_000;
    search(index, &request).unwrap()
}

/// Ids of the hits, best first.
pub fn ids(response: &SearchResponse) -> Vec<String> {
    response.hits.iter().map(|hit| hit.id.clone()).collect()
}

/// Id of the corpus record read from the file whose name starts with `prefix` ("000").
pub fn corpus_id(records: &[ProjectRecord], prefix: &str) -> String {
    records
        .iter()
        .find(|r| {
            Path::new(&r.path)
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(prefix))
        })
        .map(|r| r.id.clone())
        .unwrap()
}

/// The rows of `tests/data/projektbanken-sample.json` (300 real project records).
pub fn sample_rows() -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/projektbanken-sample.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// For the benchmarks: writes `count` generated records into `dir` unless it already holds exactly that many.
/// Bodies are made longer (about 1.5 kB) so loading each document costs what a real one does.
pub fn bench_index(dir: &Path, count: usize) {
    if let Ok(index) = FyndIndex::open(dir) {
        if index.num_records().ok() == Some(count as u64) {
            return;
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    let started = std::time::Instant::now();
    let index = FyndIndex::open_or_create(dir).expect("index");
    let mut writer = index.writer(256 * 1024 * 1024).expect("writer");
    let mut generator = RecordGenerator::default();
    for i in 0..count {
        let mut record = generator.record(i);
        record.body = [record.body.as_str(); 6].join("\n\n");
        writer.upsert(&record).expect("upsert");
    }
    writer.commit().expect("commit");
    eprintln!(
        "built an index of {count} records in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// An index of `docs` documents made by `fynd gen-corpus` (seed `seed`) in scratch folder
/// `name`, committed every `commit_every` records and not merged at the end, so that it
/// has several segments; the index folder.
pub fn generated_corpus_index(name: &str, docs: u64, seed: u64, commit_every: usize) -> PathBuf {
    use fynd::corpus_gen::{generate, GenOptions};
    use fynd::index::{index_paths_with, IndexOptions};
    let root = scratch_dir(name);
    let corpus = root.join("corpus");
    let gen = GenOptions {
        docs,
        out: corpus.clone(),
        seed,
        threads: 2,
        records: None,
        count_words: false,
    };
    generate(&gen, &|_| {}).unwrap();
    let dir = root.join("index");
    let options = IndexOptions {
        commit_every,
        merge_at_end: false,
        ..IndexOptions::default()
    };
    index_paths_with(&dir, &[corpus], &options, &mut NoProgress).unwrap();
    dir
}

/// An index of the generated records committed twice, the second commit replacing the
/// first `replaced` of them: two segments, one with deleted documents.
pub fn generated_index_with_deletes(replaced: usize) -> (tempfile::TempDir, FyndIndex) {
    let records = generated_records();
    let dir = tempfile::tempdir().unwrap();
    let index = FyndIndex::open_or_create(dir.path()).unwrap();
    let mut writer = index.writer(50_000_000).unwrap();
    for record in &records {
        writer.upsert(record).unwrap();
    }
    writer.commit().unwrap();
    for record in records.iter().take(replaced) {
        writer.upsert(record).unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    (dir, index)
}

/// Runs the `fynd` binary with `args` (colours off) and returns what it printed and its status.
pub fn fynd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fynd"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the fynd binary runs")
}

/// Every match of `query` with its score, by address: what two ways of running one query
/// are compared on.
pub fn scored(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
) -> std::collections::BTreeMap<tantivy::DocAddress, f32> {
    let limit = searcher.num_docs() as usize + 1;
    searcher
        .search(
            query,
            &tantivy::collector::TopDocs::with_limit(limit).order_by_score(),
        )
        .unwrap()
        .into_iter()
        .map(|(score, address)| (address, score))
        .collect()
}

/// Asserts that `found` has exactly the documents of `expected`, each score within
/// `tolerance` of the expected one relative to its size (at least 1); `what` names the case.
pub fn assert_same_scored(
    found: &std::collections::BTreeMap<tantivy::DocAddress, f32>,
    expected: &std::collections::BTreeMap<tantivy::DocAddress, f32>,
    tolerance: f32,
    what: &str,
) {
    assert_eq!(
        found.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{what}: the same documents"
    );
    for (address, score) in expected {
        let other = found[address];
        assert!(
            (score - other).abs() <= tolerance * score.abs().max(1.0),
            "{what} {address:?}: {other} against {score}"
        );
    }
}

/// Each of `parts` (whole-word terms) as a term of every text field, fields in
/// `TEXT_FIELDS` order: what the query builder hands the parts-as-words queries.
pub fn part_terms<S: AsRef<str>>(index: &FyndIndex, parts: &[S]) -> Vec<Vec<tantivy::Term>> {
    parts
        .iter()
        .map(|part| fynd::query::build::text_field_terms(&index.schema, part.as_ref()))
        .collect()
}
