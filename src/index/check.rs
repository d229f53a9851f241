//! `fynd check`: verifies an index without changing it — every segment file against its
//! checksum, the lexicon, the stored records' dictionaries and the manifest readable, and
//! the manifest's record ids against the ids the index holds — and says what to do about
//! what it finds.

use super::manifest::{Manifest, MANIFEST_FILE};
use super::FyndIndex;
use crate::analysis::lexicon::Lexicon;
use crate::error::FyndError;
use crate::record_codec::RecordCodec;
use std::collections::HashSet;
use std::path::Path;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, TERMINATED};

/// What `fynd check` found. The index is sound when `damaged` is empty and the manifest
/// agrees with it (`missing_from_index` and `not_in_manifest` are 0).
#[derive(Debug, Default, serde::Serialize)]
pub struct CheckReport {
    /// Records the index holds.
    pub records: u64,
    /// Segments the records are in.
    pub segments: usize,
    /// Files of the index whose content does not match its checksum, or that cannot be read.
    pub damaged: Vec<String>,
    /// Files the manifest lists.
    pub manifest_files: usize,
    /// Record ids the manifest lists that the index does not hold: removed with `fynd
    /// delete`, or lost. (A few, for the message: `missing_from_index` counts them all.)
    pub missing_examples: Vec<String>,
    /// How many such ids.
    pub missing_from_index: usize,
    /// Records the index holds that no file in the manifest gives.
    pub not_in_manifest: usize,
    /// What to do, one line per finding; empty when all is well.
    pub advice: Vec<String>,
}

impl CheckReport {
    /// True when nothing is wrong.
    pub fn is_sound(&self) -> bool {
        self.advice.is_empty()
    }
}

/// Checks the index in `dir`. An index that cannot be opened at all is the error that
/// names its damaged file ([`FyndError::DamagedIndex`]); anything found after opening is
/// in the report.
pub fn check_index(dir: &Path) -> Result<CheckReport, FyndError> {
    let index = FyndIndex::open(dir)?;
    let mut report = CheckReport::default();
    let rebuild = format!(
        "build the index anew from your documents: fynd index --rebuild --index {} PATH...",
        dir.display()
    );
    match index.index.validate_checksum() {
        Ok(damaged) => {
            let mut damaged: Vec<String> =
                damaged.iter().map(|p| p.display().to_string()).collect();
            damaged.sort();
            report.damaged = damaged;
        }
        Err(err) => report
            .damaged
            .push(format!("meta.json or a segment file: {err}")),
    }
    // Opening maps the lexicon's word table without reading it: its checksum is checked here.
    if Lexicon::verify(dir).is_err() {
        report.damaged.push(Lexicon::file_name(dir).to_string());
    }
    // Opening reads one dictionary of the stored records; a search reads another only when
    // a record names it: every one is checked here.
    report.damaged.extend(
        RecordCodec::damaged_files(dir)
            .unwrap_or_else(|err| vec![format!("the dictionaries of the stored records ({err})")]),
    );
    if !report.damaged.is_empty() {
        report.advice.push(format!(
            "{} damaged file(s) ({}): {rebuild}",
            report.damaged.len(),
            report.damaged.join(", ")
        ));
    }
    let searcher = index.reader()?.searcher();
    report.records = searcher.num_docs();
    report.segments = searcher.segment_readers().len();
    let manifest = match Manifest::load(dir) {
        Ok(manifest) => manifest,
        Err(err) => {
            report.damaged.push(format!("{MANIFEST_FILE}: {err}"));
            report.advice.push(format!(
                "the manifest ({MANIFEST_FILE}) cannot be read ({err}): {rebuild}"
            ));
            return Ok(report);
        }
    };
    report.manifest_files = manifest.files.len();
    if !report.damaged.is_empty() {
        // Reading a damaged segment's terms can fail any way (tantivy panics on some);
        // the ids are compared on a sound index only.
        return Ok(report);
    }
    // Only `index` is inside, read and never used after a panic.
    let held = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ids_held(&index))) {
        Ok(Ok(ids)) => ids,
        Ok(Err(err)) => {
            report
                .advice
                .push(format!("the record ids cannot be read ({err}): {rebuild}"));
            return Ok(report);
        }
        Err(_) => {
            report.advice.push(format!(
                "the record ids cannot be read (a segment file is damaged): {rebuild}"
            ));
            return Ok(report);
        }
    };
    let listed: HashSet<&str> = manifest
        .files
        .values()
        .flat_map(|entry| entry.ids.iter().map(String::as_str))
        .collect();
    let mut missing: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|id| !held.contains(*id))
        .collect();
    missing.sort_unstable();
    report.missing_from_index = missing.len();
    report.missing_examples = missing.iter().take(5).map(|id| id.to_string()).collect();
    report.not_in_manifest = held
        .iter()
        .filter(|id| !listed.contains(id.as_str()))
        .count();
    if report.missing_from_index > 0 {
        report.advice.push(format!(
            "{} record id(s) the manifest lists are not in the index (e.g. {}): removed with fynd delete, or lost; {rebuild} to bring back every record its files give",
            report.missing_from_index,
            report.missing_examples.join(", ")
        ));
    }
    if report.not_in_manifest > 0 && report.manifest_files > 0 {
        report.advice.push(format!(
            "{} record(s) in the index come from no file the manifest lists: they stay until removed with fynd delete, or {rebuild}",
            report.not_in_manifest
        ));
    }
    Ok(report)
}

/// The ids of the records the index holds (deleted documents left out), read from the id
/// field's terms: no stored document is loaded.
fn ids_held(index: &FyndIndex) -> Result<HashSet<String>, FyndError> {
    let searcher = index.reader()?.searcher();
    let mut ids = HashSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(index.schema.id)?;
        let alive = segment.alive_bitset();
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while terms.advance() {
            let mut postings = inverted
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            let mut doc = postings.doc();
            while doc != TERMINATED && alive.is_some_and(|a| a.is_deleted(doc)) {
                doc = postings.advance();
            }
            if doc != TERMINATED {
                ids.insert(String::from_utf8_lossy(terms.key()).into_owned());
            }
        }
    }
    Ok(ids)
}
