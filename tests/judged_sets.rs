//! Match-set precision and recall on the judged sets of `tests/data/judged/` (see its
//! README.md): 25 compound queries and 25 single-word ("part") queries over all 2,502
//! records of `corpus/`, judged by reading, independently of fynd. For each query fynd's
//! whole match set (every hit, not a page) is compared with `qrels.tsv`:
//!
//! - compound set: precision = judged-relevant hits / hits, recall = relevant hits /
//!   relevant records;
//! - part set: recall as above, and the probe false-hit rate = probe records matched /
//!   probe records (records whose only words holding the query's letters are look-alikes,
//!   "utbildning" for "bil").
//!
//! The same figures for a baseline of lower-casing plus Snowball stemming (`Chain::Plain`,
//! as in tests/relevance.rs) are printed beside them. Run
//! `cargo test --test judged_sets -- --nocapture` to see the table.

mod common;

use fynd::analysis::lexicon::Chain;
use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::query::export::export;
use fynd::query::SearchRequest;
use fynd::record::ProjectRecord;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Judged records of one query.
#[derive(Default)]
struct Judged {
    set: String,
    relevant: HashSet<String>,
    probe: HashSet<String>,
}

/// The queries of `qrels.tsv`, in the file's order.
fn qrels() -> Vec<(String, Judged)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/judged/qrels.tsv");
    let text = std::fs::read_to_string(path).expect("qrels.tsv (make_qrels.py writes it)");
    let mut order: Vec<String> = Vec::new();
    let mut by_query: BTreeMap<String, Judged> = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (query, set, id, label) = (cols[0], cols[1], cols[2], cols[3]);
        if !by_query.contains_key(query) {
            order.push(query.to_string());
        }
        let judged = by_query.entry(query.to_string()).or_default();
        judged.set = set.to_string();
        match label {
            "relevant" => judged.relevant.insert(id.to_string()),
            "probe" => judged.probe.insert(id.to_string()),
            _ => false,
        };
    }
    order
        .into_iter()
        .map(|q| {
            let judged = by_query.remove(&q).unwrap();
            (q, judged)
        })
        .collect()
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every record of `corpus/` as `fynd index` reads it (Markdown notes are not indexed).
fn corpus_records() -> Vec<ProjectRecord> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_none_or(|e| e != "md") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&corpus_root(), &mut paths);
    paths.sort();
    paths
        .iter()
        .flat_map(|path| fynd::ingest::read_file(path).unwrap().documents)
        .map(|document| document.record)
        .collect()
}

/// Ids of every record `query` matches.
fn match_set(index: &FyndIndex, query: &str) -> HashSet<String> {
    let mut request = SearchRequest::new(query);
    request.limit = usize::MAX;
    request.facets.clear();
    export(index, &request, false)
        .unwrap()
        .map(|hit| hit.unwrap().record.id)
        .collect()
}

/// Per-query figures: (query, set, hits, precision or recall, recall or probe rate).
struct Figures {
    rows: Vec<(String, String, usize, f64, f64)>,
}

impl Figures {
    fn mean(&self, set: &str, column: usize) -> f64 {
        let values: Vec<f64> = self
            .rows
            .iter()
            .filter(|r| r.1 == set)
            .map(|r| if column == 3 { r.3 } else { r.4 })
            .filter(|v| !v.is_nan())
            .collect();
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn evaluate(index: &FyndIndex, judged: &[(String, Judged)]) -> Figures {
    let mut rows = Vec::new();
    for (query, j) in judged {
        let hits = match_set(index, query);
        let found = hits.intersection(&j.relevant).count() as f64;
        let recall = found / j.relevant.len() as f64;
        if j.set == "compound" {
            // An empty match set is counted as precise: its miss shows in recall.
            let precision = if hits.is_empty() {
                1.0
            } else {
                found / hits.len() as f64
            };
            rows.push((query.clone(), j.set.clone(), hits.len(), precision, recall));
        } else {
            let probe_hits = hits.intersection(&j.probe).count() as f64;
            // NaN (shown as "-") when the query has no probe records.
            let rate = probe_hits / j.probe.len() as f64;
            rows.push((query.clone(), j.set.clone(), hits.len(), recall, rate));
        }
    }
    Figures { rows }
}

fn show(value: f64) -> String {
    if value.is_nan() {
        "-".to_string()
    } else {
        format!("{value:.3}")
    }
}

#[test]
fn match_sets_on_the_judged_sets() {
    let judged = qrels();
    assert_eq!(judged.len(), 50, "25 compound and 25 part queries");

    let full_dir = tempfile::tempdir().unwrap();
    index_paths(
        full_dir.path(),
        &[corpus_root()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let full_index = FyndIndex::open(full_dir.path()).unwrap();
    let records = corpus_records();
    assert_eq!(records.len(), 2502, "every record of corpus/");
    let (_plain_dir, plain_index) = common::index_of(&records, Chain::Plain);

    let full = evaluate(&full_index, &judged);
    let plain = evaluate(&plain_index, &judged);

    println!("compound set: match-set precision and recall (full chain / Snowball baseline)");
    println!(
        "{:<24} {:>5} {:>6} {:>17} {:>17}",
        "query", "rel", "hits", "precision", "recall"
    );
    for ((query, j), (f, p)) in judged.iter().zip(full.rows.iter().zip(&plain.rows)) {
        if j.set == "compound" {
            println!(
                "{query:<24} {:>5} {:>6} {:>8} / {:<6} {:>8} / {:<6}",
                j.relevant.len(),
                f.2,
                show(f.3),
                show(p.3),
                show(f.4),
                show(p.4)
            );
        }
    }
    let (c_precision, c_recall) = (full.mean("compound", 3), full.mean("compound", 4));
    println!(
        "{:<24} {:>5} {:>6} {:>8} / {:<6} {:>8} / {:<6}",
        "MEAN",
        "",
        "",
        show(c_precision),
        show(plain.mean("compound", 3)),
        show(c_recall),
        show(plain.mean("compound", 4))
    );
    println!();
    println!("part set: recall and probe false-hit rate (full chain / Snowball baseline)");
    println!(
        "{:<24} {:>5} {:>5} {:>6} {:>17} {:>17}",
        "query", "rel", "probe", "hits", "recall", "probe hits"
    );
    for ((query, j), (f, p)) in judged.iter().zip(full.rows.iter().zip(&plain.rows)) {
        if j.set == "part" {
            println!(
                "{query:<24} {:>5} {:>5} {:>6} {:>8} / {:<6} {:>8} / {:<6}",
                j.relevant.len(),
                j.probe.len(),
                f.2,
                show(f.3),
                show(p.3),
                show(f.4),
                show(p.4)
            );
        }
    }
    let (p_recall, p_probe) = (full.mean("part", 3), full.mean("part", 4));
    println!(
        "{:<24} {:>5} {:>5} {:>6} {:>8} / {:<6} {:>8} / {:<6}",
        "MEAN",
        "",
        "",
        "",
        show(p_recall),
        show(plain.mean("part", 3)),
        show(p_probe),
        show(plain.mean("part", 4))
    );
    println!("(probe hits: mean over the queries that have probe records)");
    // The same probes pooled: every probe record of every query counts once.
    let pooled = |figures: &Figures| -> f64 {
        let (mut hit, mut all) = (0.0, 0.0);
        for ((_, j), row) in judged.iter().zip(&figures.rows) {
            if j.set == "part" && !j.probe.is_empty() {
                hit += row.4 * j.probe.len() as f64;
                all += j.probe.len() as f64;
            }
        }
        hit / all
    };
    println!(
        "probe hits pooled over all probe records: {} / {}",
        show(pooled(&full)),
        show(pooled(&plain))
    );

    // The targets are compound precision >= 0.90 and recall >= 0.95, part recall >= 0.95,
    // probe false hits <= 0.05 (see the constants below for which are asserted).
    assert!(
        c_precision >= FLOOR_COMPOUND_PRECISION,
        "compound precision {c_precision}"
    );
    assert!(
        c_recall >= FLOOR_COMPOUND_RECALL,
        "compound recall {c_recall}"
    );
    assert!(p_recall >= FLOOR_PART_RECALL, "part recall {p_recall}");
    assert!(p_probe <= CEILING_PART_PROBE, "probe false hits {p_probe}");
}

// Before the compound semantics of issue 24, the engine of commit 23be646 measured
// 0.464, 0.919, 0.921 and 0.082 (on the pools before verb phrasings were added).
// The compound floors are the targets.
const FLOOR_COMPOUND_PRECISION: f64 = 0.90;
const FLOOR_COMPOUND_RECALL: f64 = 0.95;
// Part queries: recall and probe false hits (a ceiling: at most this) at the issue's
// targets (docs/RELEVANCE.md says which queries miss).
const FLOOR_PART_RECALL: f64 = 0.95;
const CEILING_PART_PROBE: f64 = 0.05;
