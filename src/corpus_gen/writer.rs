//! The parallel writer: documents are made in blocks of [`BLOCK`] on every core, each block
//! into its own folder, while one thread writes the side files (the probe truth and, if
//! asked, the records as JSON Lines) in document order. Output does not depend on the
//! number of threads.

use super::compound::PROBES;
use super::Generator;
use crate::error::FyndError;
use crate::ingest;
use crate::record::DocumentShape;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// Documents per folder and per unit of work.
pub const BLOCK: u64 = 1000;

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenOptions {
    /// Number of documents.
    pub docs: u64,
    /// Output folder (documents go under `docs/`, the probe truth in `truth.tsv`).
    pub out: PathBuf,
    /// Seed: the same seed gives the same bytes.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// Also write every document's record (as fynd reads it) as JSON Lines here, for
    /// loading the same corpus into other engines.
    pub records: Option<PathBuf>,
    /// Count distinct word forms (lower-cased) over the generated text.
    pub count_words: bool,
}

/// What a run made.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GenSummary {
    /// Documents written.
    pub docs: u64,
    /// Bytes of documents written.
    pub bytes: u64,
    /// Documents per shape (ESF+ records, ESF pages, web pages).
    pub shapes: BTreeMap<String, u64>,
    /// Documents that hold each probe word, alone or in a compound.
    pub probe_docs: BTreeMap<String, u64>,
    /// Distinct lower-cased word forms, when counted.
    pub distinct_words: Option<usize>,
    /// Wall time, seconds.
    pub seconds: f64,
}

/// One record of the JSON Lines export: the fields every engine of the side-by-side indexes.
#[derive(Serialize)]
struct LineRecord<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
    fund: Option<&'a str>,
    region: Option<&'a str>,
    owner: Option<&'a str>,
    years: Vec<i32>,
    start: Option<String>,
    end: Option<String>,
    budget: Option<u64>,
    granted: Option<u64>,
}

/// One finished block, for the ordered side files.
struct BlockOutput {
    block: u64,
    truth: String,
    records: Vec<u8>,
    bytes: u64,
    shapes: [u64; 3],
    probes: [u64; PROBES.len()],
    words: HashSet<String>,
}

fn io_error(path: &Path, source: std::io::Error) -> FyndError {
    FyndError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The path of document `n` under `out`.
pub fn document_path(out: &Path, n: u64) -> PathBuf {
    out.join("docs")
        .join(format!("{:04}", n / BLOCK))
        .join(format!("{n:07}.txt"))
}

/// Makes and writes one block.
fn make_block(
    generator: &Generator,
    options: &GenOptions,
    block: u64,
) -> Result<BlockOutput, FyndError> {
    let first = block * BLOCK;
    let last = ((block + 1) * BLOCK).min(options.docs);
    let folder = document_path(&options.out, first)
        .parent()
        .expect("has a folder")
        .to_path_buf();
    std::fs::create_dir_all(&folder).map_err(|e| io_error(&folder, e))?;
    let mut output = BlockOutput {
        block,
        truth: String::new(),
        records: Vec::new(),
        bytes: 0,
        shapes: [0; 3],
        probes: [0; PROBES.len()],
        words: HashSet::new(),
    };
    for n in first..last {
        let doc = generator.document(n);
        let path = document_path(&options.out, n);
        std::fs::write(&path, &doc.text).map_err(|e| io_error(&path, e))?;
        output.bytes += doc.text.len() as u64;
        output.shapes[match doc.shape {
            DocumentShape::EsfPlusRecord => 0,
            DocumentShape::EsfProjectPage => 1,
            _ => 2,
        }] += 1;
        let record = ingest::parse_document(&path.display().to_string(), &doc.text)
            .map_err(|e| FyndError::Io {
                path: path.clone(),
                source: std::io::Error::other(e.to_string()),
            })?
            .record;
        if doc.probes != 0 {
            let names: Vec<&str> = (0..PROBES.len())
                .filter(|i| doc.probes & (1 << i) != 0)
                .map(|i| PROBES[i])
                .collect();
            for i in 0..PROBES.len() {
                output.probes[i] += (doc.probes >> i) & 1;
            }
            output
                .truth
                .push_str(&format!("{}\t{}\n", record.id, names.join(",")));
        }
        if options.records.is_some() {
            let line = LineRecord {
                id: &record.id,
                title: &record.title,
                body: &record.body,
                fund: record.fund.as_deref(),
                region: record.region.as_deref(),
                owner: record.owner.as_deref(),
                years: record.years(),
                start: record.start.map(|d| d.to_string()),
                end: record.end.map(|d| d.to_string()),
                budget: record.budget,
                granted: record.granted,
            };
            serde_json::to_writer(&mut output.records, &line).expect("serialises");
            output.records.push(b'\n');
        }
        if options.count_words {
            for word in doc.text.split(|c: char| !c.is_alphanumeric()) {
                if !word.is_empty() && !output.words.contains(word) {
                    output.words.insert(word.to_lowercase());
                }
            }
        }
    }
    Ok(output)
}

/// Generates the corpus described by `options`; `progress` is called with the number of
/// documents finished after each block.
pub fn generate(
    options: &GenOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<GenSummary, FyndError> {
    let started = Instant::now();
    std::fs::create_dir_all(&options.out).map_err(|e| io_error(&options.out, e))?;
    let generator = Generator::new(options.seed);
    let blocks = options.docs.div_ceil(BLOCK);
    let next = AtomicU64::new(0);
    let (sender, receiver) = mpsc::sync_channel::<Result<BlockOutput, FyndError>>(8);
    let truth_path = options.out.join("truth.tsv");
    let mut truth =
        BufWriter::new(std::fs::File::create(&truth_path).map_err(|e| io_error(&truth_path, e))?);
    truth
        .write_all(b"# id\tprobe words it holds (alone or as a compound part)\n")
        .map_err(|e| io_error(&truth_path, e))?;
    let mut records = match &options.records {
        Some(path) => Some((
            path.clone(),
            BufWriter::new(std::fs::File::create(path).map_err(|e| io_error(path, e))?),
        )),
        None => None,
    };
    let mut summary = GenSummary::default();
    let mut shapes = [0u64; 3];
    let mut probes = [0u64; PROBES.len()];
    let mut words: HashSet<String> = HashSet::new();
    std::thread::scope(|scope| -> Result<(), FyndError> {
        for _ in 0..options.threads.max(1) {
            let sender = sender.clone();
            let (generator, next) = (&generator, &next);
            scope.spawn(move || loop {
                let block = next.fetch_add(1, Ordering::Relaxed);
                if block >= blocks {
                    break;
                }
                let made = make_block(generator, options, block);
                let failed = made.is_err();
                if sender.send(made).is_err() || failed {
                    break;
                }
            });
        }
        drop(sender);
        let mut pending: BTreeMap<u64, BlockOutput> = BTreeMap::new();
        let mut expected = 0u64;
        for made in receiver {
            let made = made?;
            pending.insert(made.block, made);
            while let Some(block) = pending.remove(&expected) {
                truth
                    .write_all(block.truth.as_bytes())
                    .map_err(|e| io_error(&truth_path, e))?;
                if let Some((path, out)) = records.as_mut() {
                    out.write_all(&block.records)
                        .map_err(|e| io_error(path, e))?;
                }
                summary.bytes += block.bytes;
                for (total, n) in shapes.iter_mut().zip(block.shapes) {
                    *total += n;
                }
                for (total, n) in probes.iter_mut().zip(block.probes) {
                    *total += n;
                }
                words.extend(block.words);
                expected += 1;
                progress((expected * BLOCK).min(options.docs));
            }
        }
        Ok(())
    })?;
    truth.flush().map_err(|e| io_error(&truth_path, e))?;
    if let Some((path, mut out)) = records {
        out.flush().map_err(|e| io_error(&path, e))?;
    }
    summary.docs = options.docs;
    for (i, shape) in [
        DocumentShape::EsfPlusRecord,
        DocumentShape::EsfProjectPage,
        DocumentShape::WebPage,
    ]
    .iter()
    .enumerate()
    {
        summary.shapes.insert(shape.name().to_string(), shapes[i]);
    }
    for (i, probe) in PROBES.iter().enumerate() {
        summary.probe_docs.insert(probe.to_string(), probes[i]);
    }
    summary.distinct_words = options.count_words.then_some(words.len());
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

impl GenSummary {
    /// The summary for people: what was written where, how fast, and the shape and probe
    /// counts.
    pub fn write_text(&self, out: &mut impl Write, folder: &Path) -> std::io::Result<()> {
        writeln!(
            out,
            "Generated {} documents ({:.1} MB, {:.0} bytes each on average) in {} in {:.1} s ({:.0} docs/s).",
            self.docs,
            self.bytes as f64 / 1e6,
            self.bytes as f64 / self.docs.max(1) as f64,
            folder.join("docs").display(),
            self.seconds,
            self.docs as f64 / self.seconds.max(1e-9)
        )?;
        let shapes: Vec<String> = self
            .shapes
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        writeln!(out, "Shapes: {}", shapes.join(", "))?;
        let probes: Vec<String> = self
            .probe_docs
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect();
        writeln!(
            out,
            "Documents holding each probe word, alone or as a compound part ({}): {}",
            folder.join("truth.tsv").display(),
            probes.join(", ")
        )?;
        if let Some(words) = self.distinct_words {
            writeln!(out, "Distinct word forms (lower-cased): {words}")?;
        }
        Ok(())
    }
}
