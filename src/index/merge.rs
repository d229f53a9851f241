//! Which segments the writer merges: tantivy's log-structured policy (segments of a similar
//! size are merged once there are eight of them), with every merge bounded to
//! [`MAX_MERGED_DOCS`] documents. A merge reads its segments through memory maps, so an
//! unbounded one at the end of a million-document build mapped 0.9 GB of index files at
//! once, on top of the indexer's own memory (and one of 200,000 documents still 0.7 GB);
//! bounded, a large index keeps more, smaller segments.

use std::collections::HashMap;
use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// Most documents one merge writes. A segment larger than half of this is not merged
/// again (it could only be joined with smaller ones).
pub const MAX_MERGED_DOCS: u32 = 100_000;

/// tantivy's [`LogMergePolicy`] with merges of at most [`MAX_MERGED_DOCS`] documents.
#[derive(Debug)]
pub struct BoundedMergePolicy {
    log: LogMergePolicy,
    max_merged_docs: u32,
}

impl BoundedMergePolicy {
    /// A policy whose merges write at most `max_merged_docs` documents.
    pub fn new(max_merged_docs: u32) -> BoundedMergePolicy {
        let mut log = LogMergePolicy::default();
        log.set_max_docs_before_merge((max_merged_docs / 2) as usize);
        BoundedMergePolicy {
            log,
            max_merged_docs,
        }
    }
}

impl Default for BoundedMergePolicy {
    fn default() -> BoundedMergePolicy {
        BoundedMergePolicy::new(MAX_MERGED_DOCS)
    }
}

impl MergePolicy for BoundedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs: HashMap<_, _> = segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        let mut bounded = Vec::new();
        for MergeCandidate(ids) in self.log.compute_merge_candidates(segments) {
            // Consecutive runs of the candidate (largest segments first), each as large as
            // the bound allows; a run of one segment is no merge.
            let mut run = Vec::new();
            let mut run_docs = 0;
            for id in ids {
                let n = docs.get(&id).copied().unwrap_or(0);
                if !run.is_empty() && run_docs + n > self.max_merged_docs {
                    if run.len() > 1 {
                        bounded.push(MergeCandidate(std::mem::take(&mut run)));
                    }
                    run.clear();
                    run_docs = 0;
                }
                run.push(id);
                run_docs += n;
            }
            if run.len() > 1 {
                bounded.push(MergeCandidate(run));
            }
        }
        bounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, IndexWriter};

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
    fn merges_are_bounded_and_large_segments_stay_as_they_are() {
        let metas = segments(&[30, 30, 30, 30, 30, 30, 30, 30, 30, 200]);
        let docs: HashMap<_, _> = metas.iter().map(|s| (s.id(), s.num_docs())).collect();
        // Unbounded, tantivy's policy merges all ten segments in one (it counts every
        // segment under ten thousand documents as the same size).
        let unbounded = BoundedMergePolicy::new(u32::MAX).compute_merge_candidates(&metas);
        assert_eq!(unbounded.len(), 1);
        assert_eq!(unbounded[0].0.len(), 10);

        let bounded = BoundedMergePolicy::new(100).compute_merge_candidates(&metas);
        let sizes: Vec<u32> = bounded
            .iter()
            .map(|c| c.0.iter().map(|id| docs[id]).sum())
            .collect();
        assert_eq!(sizes, vec![90, 90, 90], "three merges of three");
        assert!(bounded.iter().all(|c| c.0.iter().all(|id| docs[id] == 30)));
    }
}
