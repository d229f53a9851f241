//! Which segments are merged, and when: none while a run writes, the small ones once it
//! has committed for the last time ([`compact`]).
//!
//! - Why merge: every search pays, per segment, a term lookup for each of its terms
//!   (several fields, several forms per word) and the opening of their lists, so a query
//!   with few hits costs in proportion to the number of segments, not to its hits. A merge
//!   also drops deleted records (rewritten owners, replaced ids) from the files.
//! - Why not while writing: the analysis keeps every core busy during a run, so a merge
//!   then only takes time from it, and a segment merged during the run would be merged
//!   again at its end.
//! - What is merged: segments under half of [`COMPACT_MAX_DOCS`] documents, into segments
//!   of at most that many. A merge reads its segments through memory maps, so the bound is
//!   also what one merge maps.
//! - How much: at most [`COMPACT_WORK_FACTOR`] times what the run wrote, so adding one file
//!   to a large index merges the small segments only, never the large ones.

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{IndexWriterOptions, NoMergePolicy};
use tantivy::{Index, IndexWriter};

/// Most documents one merge of [`compact`] writes; a segment of at least half of this is
/// left as it is.
pub const COMPACT_MAX_DOCS: u32 = 300_000;

/// How many documents [`compact`] may rewrite per document the run wrote: a new index is
/// compacted whole, an added file merges only segments about its own size.
pub const COMPACT_WORK_FACTOR: u64 = 8;

/// The merges [`compact`] runs, as groups of segment ids: the segments of fewer than
/// `max_docs / 2` live documents, smallest first, as many as add up to at most
/// `COMPACT_WORK_FACTOR * written` documents, packed in order into groups of at most
/// `max_docs` documents; a group of one segment is no merge.
pub fn compaction_groups(
    segments: &[SegmentMeta],
    written: u64,
    max_docs: u32,
) -> Vec<Vec<SegmentId>> {
    let mut small: Vec<(u32, SegmentId)> = segments
        .iter()
        .filter(|meta| meta.num_docs() < max_docs / 2)
        .map(|meta| (meta.num_docs(), meta.id()))
        .collect();
    small.sort();
    let budget = written.saturating_mul(COMPACT_WORK_FACTOR);
    let mut spent = 0u64;
    let mut groups = Vec::new();
    let mut group: Vec<SegmentId> = Vec::new();
    let mut group_docs = 0u32;
    for (docs, id) in small {
        spent += u64::from(docs);
        if spent > budget {
            break;
        }
        if !group.is_empty() && group_docs + docs > max_docs {
            groups.push(std::mem::take(&mut group));
            group_docs = 0;
        }
        group.push(id);
        group_docs += docs;
    }
    groups.push(group);
    groups.retain(|group| group.len() > 1);
    groups
}

/// Merges the small segments of `index` after a run that wrote `written` documents, as
/// [`compaction_groups`] groups them, as many merges at once as the machine has cores (at
/// most two: each maps its group's files), and returns how many merges ran. Call it with no
/// other writer open (it takes the index's writer lock). Each merge is committed on its
/// own: a run stopped during one leaves a valid index, the merges done so far kept.
pub fn compact(index: &Index, written: u64) -> tantivy::Result<usize> {
    let groups = compaction_groups(
        &index.searchable_segment_metas()?,
        written,
        COMPACT_MAX_DOCS,
    );
    if groups.is_empty() {
        return Ok(0);
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let options = IndexWriterOptions::builder()
        .num_worker_threads(1)
        .num_merge_threads(cores.clamp(1, 2))
        .build();
    let mut writer: IndexWriter = index.writer_with_options(options)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let merges: Vec<_> = groups.iter().map(|group| writer.merge(group)).collect();
    for merge in merges {
        merge.wait()?;
    }
    writer.wait_merging_threads()?;
    Ok(groups.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use tantivy::doc;
    use tantivy::schema::{Schema, STRING};

    /// Segments of the given sizes, in a throwaway index.
    fn segments(sizes: &[u32]) -> Vec<SegmentMeta> {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for &size in sizes {
            for n in 0..size {
                writer.add_document(doc!(id => n.to_string())).unwrap();
            }
            writer.commit().unwrap();
        }
        index.searchable_segment_metas().unwrap()
    }

    #[test]
    fn compaction_merges_the_small_segments_smallest_first_within_the_bound() {
        let metas = segments(&[5, 40, 10, 60, 200, 30, 20]);
        let docs: HashMap<_, _> = metas.iter().map(|s| (s.id(), s.num_docs())).collect();
        let sizes = |groups: &[Vec<SegmentId>]| -> Vec<Vec<u32>> {
            groups
                .iter()
                .map(|g| g.iter().map(|id| docs[id]).collect())
                .collect()
        };
        // Bound 100: 200 and 60 are at least half of it; the rest, smallest first, packed
        // into groups of at most 100, and 40, left alone in the second, is no merge.
        assert_eq!(
            sizes(&compaction_groups(&metas, 1_000, 100)),
            vec![vec![5, 10, 20, 30]]
        );
        // Bound 40: only segments under 20.
        assert_eq!(
            sizes(&compaction_groups(&metas, 1_000, 40)),
            vec![vec![5, 10]]
        );
        // A run that wrote 2 documents may rewrite 16: the two smallest only.
        assert_eq!(sizes(&compaction_groups(&metas, 2, 100)), vec![vec![5, 10]]);
        // One that wrote nothing rewrites nothing.
        assert!(compaction_groups(&metas, 0, 100).is_empty());
    }

    #[test]
    fn compacting_keeps_every_document_in_fewer_segments() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for size in [3u32, 7, 11] {
            for n in 0..size {
                writer
                    .add_document(doc!(id => format!("{size}-{n}")))
                    .unwrap();
            }
            writer.commit().unwrap();
        }
        writer.delete_term(tantivy::Term::from_field_text(id, "7-0"));
        writer.commit().unwrap();
        writer.wait_merging_threads().unwrap();
        assert_eq!(compact(&index, 20).unwrap(), 1);
        let metas = index.searchable_segment_metas().unwrap();
        assert_eq!(metas.len(), 1);
        assert_eq!(metas[0].num_docs(), 20);
        assert_eq!(
            metas[0].num_deleted_docs(),
            0,
            "the deleted record is gone from the files"
        );
    }
}
