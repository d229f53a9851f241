//! Which segments are merged, and when: none while a run writes, the small ones once it
//! has committed for the last time ([`compact`]).
//!
//! - Why merge: every search pays, per segment, a term lookup for each of its terms
//!   (several fields, several forms per word) and the opening of their lists, so a query
//!   with few hits costs in proportion to the number of segments, not to its hits. A merge
//!   also drops deleted records (rewritten owners, replaced ids) from the files.
//! - Why not into one segment: a search shares its segments out among the cores, so an
//!   index of fewer segments than cores leaves cores idle on a query with many hits. The
//!   bound of a merge ([`merge_bound`]) is the index's share per core, at most
//!   [`COMPACT_MAX_DOCS`] (a merge reads its segments through memory maps, so the bound is
//!   also what one merge maps).
//! - Why not while writing: the analysis keeps every core busy during a run, so a merge
//!   then only takes time from it, and a segment merged during the run would be merged
//!   again at its end.
//! - How much: at most [`COMPACT_WORK_FACTOR`] times what the run wrote, so adding one file
//!   to a large index merges the small segments only, never the large ones.

use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{IndexWriterOptions, NoMergePolicy};
use tantivy::{Index, IndexWriter};

/// Most documents a segment merged by [`compact`] is meant to hold.
pub const COMPACT_MAX_DOCS: u32 = 300_000;

/// How many documents [`compact`] may rewrite per document the run wrote: a new index is
/// compacted whole, an added file merges only segments about its own size.
pub const COMPACT_WORK_FACTOR: u64 = 8;

/// The size a merge aims at, for an index of `live_docs` documents searched on `cores`
/// cores: one segment per core, at most [`COMPACT_MAX_DOCS`] documents.
pub fn merge_bound(live_docs: u64, cores: usize) -> u32 {
    let share = live_docs.div_ceil(cores.max(1) as u64).max(1);
    share.min(u64::from(COMPACT_MAX_DOCS)) as u32
}

/// The merges [`compact`] runs, as groups of segment ids. The candidates are the segments
/// of fewer than `bound / 2` live documents, smallest first, as many as add up to at most
/// `COMPACT_WORK_FACTOR * written` documents. They are dealt, largest first, each to the
/// group holding fewest documents so far, into as few groups as `bound` allows, so the
/// merged segments come out of about equal size (none above `bound` by more than its
/// largest candidate). A group of one segment is no merge.
pub fn compaction_groups(
    segments: &[SegmentMeta],
    written: u64,
    bound: u32,
) -> Vec<Vec<SegmentId>> {
    let mut small: Vec<(u32, SegmentId)> = segments
        .iter()
        .filter(|meta| meta.num_docs() < bound / 2)
        .map(|meta| (meta.num_docs(), meta.id()))
        .collect();
    small.sort();
    let budget = written.saturating_mul(COMPACT_WORK_FACTOR);
    let mut spent = 0u64;
    small.retain(|(docs, _)| {
        spent += u64::from(*docs);
        spent <= budget
    });
    let total: u64 = small.iter().map(|(docs, _)| u64::from(*docs)).sum();
    let count = total.div_ceil(u64::from(bound.max(1))) as usize;
    let mut groups: Vec<(u64, Vec<SegmentId>)> = vec![(0, Vec::new()); count];
    for (docs, id) in small.into_iter().rev() {
        let fewest = groups
            .iter_mut()
            .min_by_key(|(held, _)| *held)
            .expect("a candidate makes at least one group");
        fewest.0 += u64::from(docs);
        fewest.1.push(id);
    }
    groups
        .into_iter()
        .map(|(_, group)| group)
        .filter(|group| group.len() > 1)
        .collect()
}

/// Merges the small segments of `index` after a run that wrote `written` documents, as
/// [`compaction_groups`] groups them for a search on `cores` cores, as many merges at once
/// as that (at most two: each maps its group's files), and returns how many merges ran.
///
/// Call it with no other writer open (it takes the index's writer lock), on an `Index`
/// handle that no reader holds segments of: a merged segment's files are deleted only once
/// no segment meta of the handle refers to them (a reader of another handle keeps its maps
/// of the deleted files). Each merge is committed on its own: a run stopped during one
/// leaves a valid index, with the merges done so far.
pub fn compact(index: &Index, written: u64, cores: usize) -> tantivy::Result<usize> {
    let segments = index.searchable_segment_metas()?;
    let live: u64 = segments.iter().map(|meta| u64::from(meta.num_docs())).sum();
    let groups = compaction_groups(&segments, written, merge_bound(live, cores));
    // A segment's files are kept while any of its metas is alive in this handle.
    drop(segments);
    if groups.is_empty() {
        return Ok(0);
    }
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
    // The merged segments' files: a merge's own clean-up leaves those another merge was
    // still reading.
    writer.garbage_collect_files().wait()?;
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
        // Bound 100: 200 and 60 are at least half of it; the rest (105 documents) make two
        // groups, dealt largest first to the smaller group: 40 + 10 + 5 and 30 + 20.
        assert_eq!(
            sizes(&compaction_groups(&metas, 1_000, 100)),
            vec![vec![40, 10, 5], vec![30, 20]]
        );
        // Bound 40: only segments under 20, in one group.
        assert_eq!(
            sizes(&compaction_groups(&metas, 1_000, 40)),
            vec![vec![10, 5]]
        );
        // A run that wrote 2 documents may rewrite 16: the two smallest only.
        assert_eq!(sizes(&compaction_groups(&metas, 2, 100)), vec![vec![10, 5]]);
        // One that wrote nothing rewrites nothing.
        assert!(compaction_groups(&metas, 0, 100).is_empty());
    }

    #[test]
    fn a_merge_aims_at_one_segment_per_core_within_the_bound() {
        assert_eq!(merge_bound(100_000, 2), 50_000);
        assert_eq!(merge_bound(100_001, 2), 50_001);
        assert_eq!(merge_bound(100_000, 1), 100_000);
        assert_eq!(merge_bound(3_000_000, 2), COMPACT_MAX_DOCS);
        assert_eq!(merge_bound(0, 4), 1);
    }

    #[test]
    fn compacting_keeps_every_document_in_fewer_segments() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for size in [3u32, 7, 5] {
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
        assert_eq!(compact(&index, 14, 1).unwrap(), 1);
        let metas = index.searchable_segment_metas().unwrap();
        assert_eq!(metas.len(), 1);
        assert_eq!(metas[0].num_docs(), 14);
        assert_eq!(
            metas[0].num_deleted_docs(),
            0,
            "the deleted record is gone from the files"
        );
    }
}
