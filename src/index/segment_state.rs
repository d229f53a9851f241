//! What a process keeps per segment of an index between searches: the facet tables, the
//! documents in a field's order, the packs of facets that the query layer reads from a
//! segment (each kind defined where it is used). A segment never changes, so what was read
//! from it stays true for as long as it exists.
//!
//! One rule lets go of it: the values of a segment are kept while a searcher generation of
//! the index's reader holds the segment, and dropped when tantivy's warmer collection
//! ([`Warmer::garbage_collect`]) finds no live generation that holds it. Memory follows the
//! segments in use; a merge or a rebuild that replaces them frees what was kept for them.
//! Nothing is read ahead ([`Warmer::warm`] only advises the kernel how the document stores
//! are read, [`super::read_advice`]): a command that runs one query pays only for what that
//! query touches.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use tantivy::index::SegmentId;
use tantivy::{Searcher, SearcherGeneration, SegmentReader, Warmer};

/// What is kept per segment of one index ([`super::FyndIndex::segment_state`]), and the
/// [`Warmer`] of the index's reader that drops a segment's values with the segment.
#[derive(Default)]
pub struct SegmentState {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentValues>>>,
}

/// The values kept for one segment: one map per kind of key and value.
#[derive(Default)]
pub struct SegmentValues {
    maps: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl SegmentState {
    /// The values kept for `segment` (empty the first time it is asked for).
    pub fn of(&self, segment: &SegmentReader) -> Arc<SegmentValues> {
        lock(&self.segments)
            .entry(segment.segment_id())
            .or_default()
            .clone()
    }

    /// The segments whose values are kept.
    pub fn segments_kept(&self) -> Vec<SegmentId> {
        lock(&self.segments).keys().copied().collect()
    }
}

impl SegmentValues {
    /// This segment's map of `V` under keys of `K`, empty the first time it is asked for.
    /// Each kind of key and value has its own map, kept under the pair's type, so a map is
    /// always handed out as the type it was made with.
    pub fn map<K, V>(&self) -> Arc<Mutex<HashMap<K, V>>>
    where
        K: Eq + Hash + Send + 'static,
        V: Send + 'static,
    {
        let map = lock(&self.maps)
            .entry(TypeId::of::<(K, V)>())
            .or_insert_with(|| Arc::new(Mutex::new(HashMap::<K, V>::new())))
            .clone();
        map.downcast::<Mutex<HashMap<K, V>>>()
            .unwrap_or_else(|_| unreachable!("a map is kept under the type of its keys and values"))
    }
}

impl Warmer for SegmentState {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        // Nothing is read; the kernel is told how the new segments' stores are read.
        super::read_advice::advise_random_store_reads(searcher);
        Ok(())
    }

    fn garbage_collect(&self, live_generations: &[&SearcherGeneration]) {
        let live: HashSet<SegmentId> = live_generations
            .iter()
            .flat_map(|generation| generation.segments().keys().copied())
            .collect();
        lock(&self.segments).retain(|id, _| live.contains(id));
    }
}

/// The mutex's value, whether or not a thread panicked holding it (every value kept is
/// whole: it is built before it is put in).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
