//! `fynd bench`: runs a mix of queries against an index, after a warm-up, and reports
//! latency percentiles and queries per second per class of query, with the index's size on
//! disk and segment count. The query mix is a plain text file (default
//! `benches/queries.txt`, built into the binary); [`queries`] reads it, [`run`] times it.
//!
//! Sits after the pipeline: it uses `index` and `query`, and nothing in the pipeline uses it.

pub mod queries;

use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::query::search_with;
use queries::BenchQuery;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// How many times to run the mix.
#[derive(Clone, Copy, Debug)]
pub struct BenchOptions {
    /// Untimed passes over every query first (page cache, lazy structures).
    pub warmup_rounds: usize,
    /// Timed passes over every query.
    pub rounds: usize,
}

impl Default for BenchOptions {
    fn default() -> BenchOptions {
        BenchOptions {
            warmup_rounds: 2,
            rounds: 10,
        }
    }
}

/// Latency of one class of queries.
#[derive(Clone, Debug, Serialize)]
pub struct ClassReport {
    /// Class name from the query file ("rare_word", "phrase", …).
    pub class: String,
    /// Distinct queries in the class.
    pub queries: usize,
    /// Timed runs (queries × rounds).
    pub runs: usize,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Mean latency, ms.
    pub mean_ms: f64,
    /// Queries per second, one at a time on one thread.
    pub qps: f64,
    /// Mean number of matching documents per query (the total count, not the page).
    pub mean_hits: f64,
}

/// What `fynd bench` measured.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// Documents in the index.
    pub docs: u64,
    /// Segments in the index.
    pub segments: usize,
    /// Bytes of the index folder on disk.
    pub index_bytes: u64,
    /// Terms in the title and body dictionaries, summed over segments (a term in two
    /// segments counts twice; exact for a single segment).
    pub text_terms: u64,
    /// Warm-up and timed passes.
    pub warmup_rounds: usize,
    /// Timed passes.
    pub rounds: usize,
    /// Threads each query could use.
    pub threads: usize,
    /// Per class, in the order of the query file.
    pub classes: Vec<ClassReport>,
}

/// Bytes of every file under `dir`.
pub fn folder_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// The value at quantile `q` (0–1) of sorted `values` (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs one query of the mix (a search, or the research view it names, `similar` on
/// `similar_id`); the number of documents it matched.
fn run_one(
    index: &FyndIndex,
    searcher: &tantivy::Searcher,
    query: &BenchQuery,
    similar_id: Option<&str>,
) -> Result<usize, FyndError> {
    use crate::views;
    Ok(match query.view {
        None => search_with(index, searcher, &query.request)?.total,
        Some(queries::BenchView::Trend) => {
            let options = views::trend::TrendOptions {
                by: views::trend::TrendBy::Year,
                share: false,
                sum: None,
            };
            let texts = [query.request.query.clone()];
            views::trend::trend(index, searcher, &query.request, &texts, options)?.series[0].total
        }
        Some(queries::BenchView::Kwic) => {
            let options = views::kwic::KwicOptions {
                width: 40,
                sort: views::kwic::KwicSort::Doc,
                limit: 100,
            };
            let mut lines = views::kwic::kwic(index, searcher, &query.request, options)?;
            for line in lines.by_ref() {
                line?;
            }
            lines.total
        }
        Some(queries::BenchView::Similar) => match similar_id {
            Some(id) => views::similar::similar(index, searcher, id, 10)?.hits.len(),
            None => 0,
        },
        Some(queries::BenchView::Cooccur) => {
            let options = views::cooccur::CooccurOptions {
                limit: 30,
                min_count: 3,
            };
            views::cooccur::cooccur(index, searcher, &query.request, options)?.matching as usize
        }
    })
}

/// Runs `queries` against `index`: `warmup_rounds` untimed passes, then `rounds` timed ones,
/// every query through the same search as `fynd search` on one reader kept open.
pub fn run(
    index: &FyndIndex,
    queries: &[BenchQuery],
    options: BenchOptions,
    progress: &dyn Fn(usize),
) -> Result<BenchReport, FyndError> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    // A similar-projects query is timed on its query's best hit, found here, untimed.
    let mut similar_ids = Vec::with_capacity(queries.len());
    for query in queries {
        similar_ids.push(match query.view {
            Some(queries::BenchView::Similar) => {
                let mut request = query.request.clone();
                request.limit = 1;
                search_with(index, &searcher, &request)?
                    .hits
                    .first()
                    .map(|hit| hit.id.clone())
            }
            _ => None,
        });
    }
    for _ in 0..options.warmup_rounds {
        for (query, id) in queries.iter().zip(&similar_ids) {
            run_one(index, &searcher, query, id.as_deref())?;
        }
    }
    let mut classes: Vec<(String, Vec<f64>, Vec<usize>, usize)> = Vec::new();
    let mut done = 0;
    for _ in 0..options.rounds {
        for (query, id) in queries.iter().zip(&similar_ids) {
            let started = Instant::now();
            let total = run_one(index, &searcher, query, id.as_deref())?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let slot = match classes.iter().position(|c| c.0 == query.class) {
                Some(i) => i,
                None => {
                    let n = queries.iter().filter(|q| q.class == query.class).count();
                    classes.push((query.class.clone(), Vec::new(), Vec::new(), n));
                    classes.len() - 1
                }
            };
            classes[slot].1.push(ms);
            classes[slot].2.push(total);
            done += 1;
            progress(done);
        }
    }
    let segment_readers = searcher.segment_readers();
    let mut text_terms = 0u64;
    for segment in segment_readers {
        for field in [index.schema.title, index.schema.body] {
            text_terms += segment.inverted_index(field)?.terms().num_terms() as u64;
        }
    }
    Ok(BenchReport {
        docs: searcher.num_docs(),
        segments: segment_readers.len(),
        index_bytes: folder_bytes(&index.dir),
        text_terms,
        warmup_rounds: options.warmup_rounds,
        rounds: options.rounds,
        threads: index.search_threads(),
        classes: classes
            .into_iter()
            .map(|(class, mut times, hits, queries)| {
                times.sort_by(f64::total_cmp);
                let total: f64 = times.iter().sum();
                ClassReport {
                    class,
                    queries,
                    runs: times.len(),
                    p50_ms: percentile(&times, 0.50),
                    p95_ms: percentile(&times, 0.95),
                    p99_ms: percentile(&times, 0.99),
                    mean_ms: total / times.len() as f64,
                    qps: times.len() as f64 / (total / 1000.0).max(1e-9),
                    mean_hits: hits.iter().sum::<usize>() as f64 / hits.len() as f64,
                }
            })
            .collect(),
    })
}

impl BenchReport {
    /// The report as a table for people.
    pub fn write_text(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "index: {} documents, {} segments, {:.1} MB on disk, {} title+body terms (summed over segments)",
            self.docs,
            self.segments,
            self.index_bytes as f64 / 1e6,
            self.text_terms
        )?;
        writeln!(
            out,
            "{} warm-up and {} timed rounds; one query at a time, on {} {}",
            self.warmup_rounds,
            self.rounds,
            self.threads,
            if self.threads == 1 {
                "thread"
            } else {
                "threads"
            }
        )?;
        writeln!(
            out,
            "{:<16} {:>7} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}",
            "class", "queries", "runs", "p50 ms", "p95 ms", "p99 ms", "mean ms", "QPS", "mean hits"
        )?;
        for c in &self.classes {
            writeln!(
                out,
                "{:<16} {:>7} {:>6} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.0} {:>10.0}",
                c.class,
                c.queries,
                c.runs,
                c.p50_ms,
                c.p95_ms,
                c.p99_ms,
                c.mean_ms,
                c.qps,
                c.mean_hits
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&[3.0], 0.99), 3.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
