//! What an index counts over every file it holds, kept per file in the manifest and summed
//! here: the spellings of owner names, so that an owner is counted under one spelling
//! across files ([`OwnerGroups`]), and the keys of the records' `extra`, so that an export
//! has a column for each. Because the counts are per file, a file that changes or goes
//! takes exactly its own share away, and an index built file by file groups its owners as
//! one built in one run.

use super::manifest::{FileEntry, Manifest};
use super::{FyndIndex, RecordWriter};
use crate::error::FyndError;
use crate::ingest::names::{self, OwnerGroups};
use crate::ingest::ParsedDocument;
use crate::schema::{facet_for, FacetKey};
use std::collections::{BTreeMap, BTreeSet};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Term, TERMINATED};

/// Distinct keys of `extra` an index lists at most (in every commit, for the export's
/// columns): a spreadsheet of more columns is no longer read by a person, and the list is
/// read with the index. Beyond it an export packs `extra` into one JSON column.
pub const MAX_EXTRA_KEYS: usize = 1_000;

/// The owner spellings and `extra` keys of every file of a manifest.
#[derive(Debug, Default)]
pub struct Tally {
    /// Owner spellings, grouped.
    pub owners: OwnerGroups,
    /// Key of `extra` → files whose records have it.
    extra_keys: BTreeMap<String, u64>,
    /// Files whose manifest entry has no counts (an earlier fynd indexed them).
    legacy_files: usize,
}

impl Tally {
    /// The counts of every file `manifest` holds.
    pub fn of(manifest: &Manifest) -> Tally {
        let mut tally = Tally::default();
        for entry in manifest.files.values() {
            tally.change(None, Some(entry));
        }
        tally
    }

    /// Takes the counts of `before` away and adds those of `after` (a file's entries
    /// before and after this run read it; `None` for a new or a removed file). Returns the
    /// spellings owners were shown under before and are not now.
    pub fn change(
        &mut self,
        before: Option<&FileEntry>,
        after: Option<&FileEntry>,
    ) -> BTreeSet<String> {
        let regroup = self.owners.change(
            before.and_then(|e| e.owners.as_deref()).unwrap_or_default(),
            after.and_then(|e| e.owners.as_deref()).unwrap_or_default(),
        );
        let legacy = |entry: &FileEntry| entry.owners.is_none() || entry.extra_keys.is_none();
        if let Some(entry) = before {
            self.legacy_files -= usize::from(legacy(entry));
            for key in entry.extra_keys.iter().flatten() {
                if let Some(files) = self.extra_keys.get_mut(key) {
                    *files -= 1;
                    if *files == 0 {
                        self.extra_keys.remove(key);
                    }
                }
            }
        }
        if let Some(entry) = after {
            self.legacy_files += usize::from(legacy(entry));
            for key in entry.extra_keys.iter().flatten() {
                *self.extra_keys.entry(key.clone()).or_insert(0) += 1;
            }
        }
        regroup
    }

    /// Every key of `extra` the files' records have, in order; `None` while some file was
    /// indexed by an earlier fynd, which kept no list of them, or when there are more than
    /// [`MAX_EXTRA_KEYS`].
    pub fn extra_keys(&self) -> Option<Vec<String>> {
        (self.legacy_files == 0 && self.extra_keys.len() <= MAX_EXTRA_KEYS)
            .then(|| self.extra_keys.keys().cloned().collect())
    }

    /// Files indexed by an earlier fynd: their owners were grouped within the file only and
    /// their `extra` keys are not listed, until they change or the index is rebuilt.
    pub fn legacy_files(&self) -> usize {
        self.legacy_files
    }
}

/// What a file's records add to the tally: their owner spellings and `extra` keys.
pub fn file_counts(documents: &[ParsedDocument]) -> (Vec<(String, u64)>, Vec<String>) {
    let owners = names::owner_counts(documents.iter().map(|d| &d.record));
    let keys: BTreeSet<&String> = documents
        .iter()
        .flat_map(|d| d.record.extra.keys())
        .collect();
    (owners, keys.into_iter().cloned().collect())
}

/// Rewrites the committed records whose owner is shown under one of `spellings` while its
/// group is now shown under another (see [`OwnerGroups::spelling`]): each is read back,
/// given its group's spelling (its source's own staying in `as_written`) and written again
/// by id. Goes one spelling at a time, holding only the addresses of that spelling's
/// records. Returns how many records were rewritten.
pub fn regroup_owners(
    index: &FyndIndex,
    writer: &mut RecordWriter<'_>,
    owners: &OwnerGroups,
    spellings: &BTreeSet<String>,
) -> Result<usize, FyndError> {
    let searcher = index.reader()?.searcher();
    let field = index.schema.facet(FacetKey::Owner);
    let mut rewritten = 0;
    for spelling in spellings {
        if owners.spelling(spelling) == Some(spelling.as_str()) {
            continue;
        }
        let term = Term::from_facet(field, &facet_for(spelling));
        let mut addresses = Vec::new();
        for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(mut postings) = segment
                .inverted_index(field)?
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|err| FyndError::Tantivy(err.into()))?
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|alive| alive.is_alive(doc)) {
                    addresses.push(DocAddress::new(ordinal as u32, doc));
                }
                doc = postings.advance();
            }
        }
        for address in addresses {
            let mut record = index.schema.read_record(&searcher, address)?;
            if names::group_owner(&mut record, owners) {
                writer.upsert(&record)?;
                rewritten += 1;
            }
        }
    }
    Ok(rewritten)
}
