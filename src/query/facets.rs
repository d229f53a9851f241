//! Facet counts: how many matching documents have each value of a facet.

use crate::index::segment_state::{lock, SegmentState};
use crate::schema::FacetKey;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tantivy::collector::{Collector, FacetCollector, FacetCounts, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, ColumnValues};
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};
use tantivy::{InvertedIndexReader, Term};

/// One facet value and the number of matching documents that have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value, exactly as a `--filter` must name it.
    pub value: String,
    /// Matching documents with that value.
    pub count: u64,
}

/// A collector counting every value of facet `key`.
pub fn collector(key: FacetKey) -> FacetCollector {
    let mut collector = FacetCollector::for_field(format!("facet_{}", key.name()));
    collector.add_facet(Facet::root());
    collector
}

/// The collected counts in display order — most frequent first (ties by value), years in
/// calendar order — cut to `limit` values.
pub fn sorted_counts(key: FacetKey, counts: &FacetCounts, limit: usize) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = counts
        .get(Facet::root())
        .map(|(facet, count)| FacetCount {
            value: facet.to_path().concat(),
            count,
        })
        .collect();
    if key == FacetKey::Year {
        values.sort_by(|a, b| a.value.cmp(&b.value));
    } else {
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    values.truncate(limit);
    values
}

/// The facet values of the documents of one segment, counted one of two ways with the same
/// counts:
/// - **read** ([`SegmentFacets::read`]): every document's values read once from the facet
///   column into arrays and kept (segments never change; deleted documents never reach a
///   collector), so counting costs an array read per hit instead of a column lookup (a
///   binary search in the column's optional index) and a dictionary lookup per value,
///   which was most of a query's time in a stream of queries;
/// - **from the column** ([`SegmentFacets::from_column`]): nothing read ahead, each hit's
///   values looked up in the column. Reading a segment costs a pass over all its
///   documents and values, which a process that runs one query (a `fynd search` command)
///   would pay for every segment and facet before its first answer.
///
/// [`segment_facets`] hands out the second the first time a segment's facet is asked for
/// and the first from the second time on, so a long-running process reads each segment
/// once and a command reads nothing ahead.
pub struct SegmentFacets {
    /// The segment's facet column.
    column: FacetReader,
    /// Number of distinct values (ordinals) in the segment.
    values: usize,
    /// The value of each ordinal, as a `--filter` names it (read on first need: a table
    /// counted from the column names only the values it counted).
    names: OnceLock<Vec<String>>,
    /// Values per document; `None` for a table counted from the column.
    ords: Option<DocOrds>,
    /// The column's ordinals when a document has at most one value (fund, region), for
    /// counting many documents in one batch of row lookups ([`SegmentFacets::count_many`]).
    single: Option<Column<u64>>,
    /// For a table counted from the column: the facet field's postings, one list per
    /// value, and how many (document, value) pairs the segment holds (the lists' total
    /// length), so that a query with many hits is counted list by list
    /// ([`SegmentFacets::count_hits`]).
    postings: Option<(Arc<InvertedIndexReader>, Field, u64)>,
    /// The counts of every document of the segment (as [`SegmentFacets::count`] gives
    /// them), for a read table (empty otherwise): a query that matches most of a segment
    /// counts the documents it misses and takes them from these.
    totals: Vec<u64>,
}

/// Facet ordinals per document.
enum DocOrds {
    /// At most one value per document: the ordinal, or [`NO_VALUE`].
    Single(Vec<u32>),
    /// Any number: document `d` has `ords[offsets[d]..offsets[d + 1]]`.
    Multi { offsets: Vec<u32>, ords: Vec<u32> },
}

/// Ordinal of "no value" in [`DocOrds::Single`]: counted in a slot past the real values.
const NO_VALUE: u32 = u32::MAX;

/// How many postings of a facet value's list cost as much as one hit looked up in the
/// column (a search in the column's index, then a read of the value): a table counted
/// from the column reads the lists when its hits times this reach the segment's
/// (document, value) pairs ([`SegmentFacets::count_hits`]).
const POSTINGS_PER_LOOKUP: u64 = 8;

impl SegmentFacets {
    /// Facet `key` of `segment`, counted from the column: nothing is read ahead.
    pub fn from_column(segment: &SegmentReader, key: FacetKey) -> tantivy::Result<SegmentFacets> {
        let column = segment.facet_reader(&field_name(key))?;
        let ords = segment
            .fast_fields()
            .str(&field_name(key))?
            .map(|values| values.ords().clone());
        let pairs = ords
            .as_ref()
            .map_or(0, |ords| u64::from(ords.values.num_vals()));
        let single = ords.filter(|ords| ords.get_cardinality() != Cardinality::Multivalued);
        let field = segment.schema().get_field(&field_name(key))?;
        let postings = Some((segment.inverted_index(field)?, field, pairs));
        Ok(SegmentFacets {
            values: column.num_facets(),
            column,
            names: OnceLock::new(),
            ords: None,
            single,
            postings,
            totals: Vec::new(),
        })
    }

    /// Whether the table was read ([`SegmentFacets::read`]), not counted from the column.
    pub fn is_read(&self) -> bool {
        self.ords.is_some()
    }

    /// Reads facet `key` of every document of `segment`.
    pub fn read(segment: &SegmentReader, key: FacetKey) -> tantivy::Result<SegmentFacets> {
        let mut table = SegmentFacets::from_column(segment, key)?;
        table.names.get_or_init(|| table.read_names());
        let reader = &table.column;
        let max_doc = segment.max_doc();
        let mut single = Vec::with_capacity(max_doc as usize);
        let mut offsets = Vec::new();
        let mut multi = Vec::new();
        for doc in 0..max_doc {
            let mut values = reader.facet_ords(doc);
            let first = values.next();
            let second = values.next();
            if second.is_some() && offsets.is_empty() {
                // The first document with two values: switch to the general layout.
                offsets = Vec::with_capacity(max_doc as usize + 1);
                offsets.push(0u32);
                for &ord in &single {
                    if ord != NO_VALUE {
                        multi.push(ord);
                    }
                    offsets.push(multi.len() as u32);
                }
            }
            if offsets.is_empty() {
                single.push(first.map_or(NO_VALUE, |ord| ord as u32));
            } else {
                multi.extend(
                    first
                        .into_iter()
                        .chain(second)
                        .chain(values)
                        .map(|o| o as u32),
                );
                offsets.push(multi.len() as u32);
            }
        }
        let ords = if offsets.is_empty() {
            DocOrds::Single(single)
        } else {
            DocOrds::Multi {
                offsets,
                ords: multi,
            }
        };
        table.ords = Some(ords);
        table.postings = None;
        let mut totals = table.zero_counts();
        for doc in 0..max_doc {
            table.count(doc, &mut totals);
        }
        table.totals = totals;
        Ok(table)
    }

    /// The value of every ordinal, from the column's dictionary.
    fn read_names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(self.values);
        let mut facet = Facet::root();
        for ord in 0..self.values as u64 {
            // An ordinal below the count is in the dictionary; a failed read names nothing.
            let name = match self.column.facet_from_ord(ord, &mut facet) {
                Ok(()) => facet.to_path().concat(),
                Err(_) => String::new(),
            };
            names.push(name);
        }
        names
    }

    /// The value of ordinal `ord`, as a `--filter` names it.
    fn name(&self, ord: usize) -> String {
        if let Some(names) = self.names.get() {
            return names.get(ord).cloned().unwrap_or_default();
        }
        let mut facet = Facet::root();
        match self.column.facet_from_ord(ord as u64, &mut facet) {
            Ok(()) => facet.to_path().concat(),
            Err(_) => String::new(),
        }
    }
}

/// The values of several facets of every document of one segment, packed in one 32-bit
/// word per document. Counting a hit's fund, region and years from separate tables cost a
/// cache miss per table, and the misses were most of a rare word's query time at a million
/// documents; from the pack it costs one, in an array a quarter of the tables' size. Each
/// key gets a lane of as few bits as its values need: the document's value (or first
/// value), and for a key with several values per document how many consecutive ordinals
/// they cover — which holds for the years a project runs, since consecutive years are
/// consecutive ordinals. Counts are kept as a difference array, so a run costs two adds.
pub struct FacetPack {
    lanes: Vec<Lane>,
    /// One word per document.
    words: Vec<u32>,
}

/// Where one key sits in a [`FacetPack`] word.
struct Lane {
    /// Which of the counter's tables this lane holds.
    table: usize,
    shift: u32,
    /// Bits of the first ordinal (the number of values, for "none", fits too).
    first_bits: u32,
    /// Bits of the run length; 0 for a single-valued key (every run is one long: a
    /// document without a value counts in the slot past the values, never reported).
    len_bits: u32,
}

/// Bits needed to hold `value`.
fn bits_for(value: usize) -> u32 {
    usize::BITS - value.leading_zeros()
}

fn mask(bits: u32) -> u32 {
    ((1u64 << bits) - 1) as u32
}

impl FacetPack {
    /// Packs those of `tables` whose values fit, in order, while the word has room. None
    /// when none fits.
    fn build(tables: &[&SegmentFacets], max_doc: DocId) -> Option<FacetPack> {
        let mut lanes = Vec::new();
        let mut shift = 0;
        for (t, table) in tables.iter().enumerate() {
            let Some(longest) = table.longest_run() else {
                continue;
            };
            let first_bits = bits_for(table.values);
            let len_bits = match table.ords {
                Some(DocOrds::Multi { .. }) => bits_for(longest),
                _ => 0,
            };
            if shift + first_bits + len_bits > u32::BITS {
                continue;
            }
            lanes.push(Lane {
                table: t,
                shift,
                first_bits,
                len_bits,
            });
            shift += first_bits + len_bits;
        }
        if lanes.is_empty() {
            return None;
        }
        let mut words = vec![0u32; max_doc as usize];
        for lane in &lanes {
            let table = tables[lane.table];
            for (doc, word) in words.iter_mut().enumerate() {
                let (first, len) = table.run_of(doc);
                let len = if lane.len_bits == 0 { 0 } else { len };
                *word |= (first | len << lane.first_bits) << lane.shift;
            }
        }
        Some(FacetPack { lanes, words })
    }

    /// How many of the tables it was built from the pack holds (the first ones, when it
    /// holds them all).
    pub fn lanes(&self) -> usize {
        self.lanes.len()
    }

    /// The packed word of `doc`.
    #[inline]
    pub fn word(&self, doc: DocId) -> u32 {
        self.words[doc as usize]
    }

    /// The first ordinal and the number of ordinals of lane `lane` in `word`.
    #[inline]
    pub fn lane_run(&self, word: u32, lane: usize) -> (usize, usize) {
        FacetPack::run(word, &self.lanes[lane])
    }

    /// Whether every lane holds the table of the same index.
    pub fn holds_all(&self, tables: usize) -> bool {
        self.lanes.len() == tables && self.lanes.iter().enumerate().all(|(i, l)| l.table == i)
    }

    /// The first ordinal and the number of ordinals of `lane` in `word`.
    #[inline]
    fn run(word: u32, lane: &Lane) -> (usize, usize) {
        let bits = word >> lane.shift;
        let first = bits & mask(lane.first_bits);
        let len = if lane.len_bits == 0 {
            1
        } else {
            (bits >> lane.first_bits) & mask(lane.len_bits)
        };
        (first as usize, len as usize)
    }
}

impl SegmentFacets {
    /// The most values a document has, if every document's values are consecutive
    /// ordinals (so they fit a [`FacetPack`] lane); None otherwise, and for a table that
    /// was not read.
    fn longest_run(&self) -> Option<usize> {
        match self.ords.as_ref()? {
            DocOrds::Single(_) => Some(1),
            DocOrds::Multi { offsets, ords } => {
                let mut longest = 0;
                for w in offsets.windows(2) {
                    let values = &ords[w[0] as usize..w[1] as usize];
                    if !values.windows(2).all(|p| p[1] == p[0] || p[1] == p[0] + 1) {
                        return None;
                    }
                    if let (Some(first), Some(last)) = (values.first(), values.last()) {
                        longest = longest.max((last - first) as usize + 1);
                    }
                }
                Some(longest)
            }
        }
    }

    /// A document's values as (first ordinal, number of ordinals), for a packable table;
    /// no values is (number of values, 0).
    fn run_of(&self, doc: usize) -> (u32, u32) {
        let none = (self.values as u32, 0);
        match &self.ords {
            None => none,
            Some(DocOrds::Single(ords)) => match ords[doc] {
                NO_VALUE => none,
                ord => (ord, 1),
            },
            Some(DocOrds::Multi { offsets, ords }) => {
                let values = &ords[offsets[doc] as usize..offsets[doc + 1] as usize];
                match (values.first(), values.last()) {
                    (Some(&first), Some(&last)) => (first, last - first + 1),
                    _ => none,
                }
            }
        }
    }
}

/// Counts a run of `len` ordinals from `first` in a difference array.
#[inline]
pub fn count_run(diffs: &mut [u64], first: usize, len: usize) {
    diffs[first] = diffs[first].wrapping_add(1);
    diffs[first + len] = diffs[first + len].wrapping_sub(1);
}

/// Turns a difference array into the counts it stands for.
pub fn sum_runs(diffs: &mut [u64]) {
    let mut running = 0u64;
    for slot in diffs.iter_mut() {
        running = running.wrapping_add(*slot);
        *slot = running;
    }
}

/// The pack of `keys` (whose tables are `tables`) in `segment`, built once per segment and
/// key list while `state` keeps the segment; None when none of them fits.
pub fn segment_pack(
    state: &SegmentState,
    segment: &SegmentReader,
    keys: &[FacetKey],
    tables: &[&SegmentFacets],
) -> tantivy::Result<Option<Arc<FacetPack>>> {
    // Tables counted from the column have no arrays to pack; not kept, so the pack is
    // built once they are read.
    if !tables.iter().all(|table| table.is_read()) {
        return Ok(None);
    }
    let packs = state
        .of(segment)
        .map::<Vec<FacetKey>, Option<Arc<FacetPack>>>();
    if let Some(pack) = lock(&packs).get(keys) {
        return Ok(pack.clone());
    }
    let pack = FacetPack::build(tables, segment.max_doc()).map(Arc::new);
    lock(&packs).insert(keys.to_vec(), pack.clone());
    Ok(pack)
}

fn field_name(key: FacetKey) -> String {
    format!("facet_{}", key.name())
}

/// The facet values of `key` in `segment`: counted from the column the first time the
/// process asks (a command that runs one query reads nothing ahead), read once and kept in
/// `state` from the second time on ([`SegmentFacets`]).
pub fn segment_facets(
    state: &SegmentState,
    segment: &SegmentReader,
    key: FacetKey,
) -> tantivy::Result<Arc<SegmentFacets>> {
    facets_of(state, segment, key, false)
}

/// The facet values of `key` in `segment`, read ([`SegmentFacets::read`]) and kept in
/// `state`: for a caller that needs every document's ordinals ([`SegmentFacets::ords`]) or
/// warms a server.
pub fn read_segment_facets(
    state: &SegmentState,
    segment: &SegmentReader,
    key: FacetKey,
) -> tantivy::Result<Arc<SegmentFacets>> {
    facets_of(state, segment, key, true)
}

fn facets_of(
    state: &SegmentState,
    segment: &SegmentReader,
    key: FacetKey,
    read: bool,
) -> tantivy::Result<Arc<SegmentFacets>> {
    let tables = state.of(segment).map::<FacetKey, Arc<SegmentFacets>>();
    let asked_before = match lock(&tables).get(&key) {
        Some(table) if table.is_read() => return Ok(table.clone()),
        Some(_) => true,
        None => false,
    };
    // Built outside the lock: other queries go on meanwhile.
    let table = if read || asked_before {
        Arc::new(SegmentFacets::read(segment, key)?)
    } else {
        Arc::new(SegmentFacets::from_column(segment, key)?)
    };
    lock(&tables).insert(key, table.clone());
    Ok(table)
}

/// Reads the facet tables of `keys` for every segment of `searcher` into `state` ahead of
/// the first query (a server calls it when it loads a commit).
pub fn warm(state: &SegmentState, searcher: &Searcher, keys: &[FacetKey]) -> tantivy::Result<()> {
    for segment in searcher.segment_readers() {
        for key in keys {
            read_segment_facets(state, segment, *key)?;
        }
    }
    Ok(())
}

/// Counts the matching documents and the values of several facets in one pass: what a
/// [`tantivy::collector::Count`] and one [`FacetCollector`] per facet in a
/// `MultiCollector` give, with the same counts (a document counts once per distinct value,
/// as `FacetCollector` counts it), read from [`SegmentFacets`].
pub struct FacetCounter {
    keys: Vec<FacetKey>,
    state: Arc<SegmentState>,
}

impl FacetCounter {
    /// Counts `keys` (and the hits), with the tables `state` keeps (see
    /// [`crate::index::FyndIndex::segment_state`]).
    pub fn new(keys: Vec<FacetKey>, state: Arc<SegmentState>) -> FacetCounter {
        FacetCounter { keys, state }
    }
}

/// What [`FacetCounter`] found: the number of hits, and for each key (in order) the count
/// of every value that occurs in a hit.
pub type CountedFacets = (usize, Vec<HashMap<String, u64>>);

/// [`FacetCounter`] in one segment.
pub struct FacetCounterSegment {
    /// The hits, in order; counted at the harvest, in one tight loop per key.
    docs: Vec<DocId>,
    max_doc: DocId,
    /// Whether every document of the segment is alive, so that counting the documents a
    /// query misses and taking them from the segment's totals gives the hits' counts.
    complete: bool,
    /// Per key, in order: its table and its counts (for packed keys, a difference array
    /// until the harvest).
    tables: Vec<(Arc<SegmentFacets>, Vec<u64>)>,
    /// The keys that fit in one word per document, counted from there.
    pack: Option<Arc<FacetPack>>,
    /// Indexes in `tables` of the keys counted from their own table.
    loose: Vec<usize>,
}

/// What one segment counted: its hits, and per key the segment's table with a count per
/// ordinal (names are looked up once, when the segments are merged).
pub type SegmentCounts = (usize, Vec<(Arc<SegmentFacets>, Vec<u64>)>);

impl Collector for FacetCounter {
    type Fruit = CountedFacets;
    type Child = FacetCounterSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetCounterSegment> {
        let tables: Vec<(Arc<SegmentFacets>, Vec<u64>)> = self
            .keys
            .iter()
            .map(|key| {
                let table = segment_facets(&self.state, segment, *key)?;
                let counts = table.zero_counts();
                Ok((table, counts))
            })
            .collect::<tantivy::Result<_>>()?;
        let refs: Vec<&SegmentFacets> = tables.iter().map(|(table, _)| &**table).collect();
        let pack = segment_pack(&self.state, segment, &self.keys, &refs)?;
        let loose = (0..tables.len())
            .filter(|t| {
                pack.as_ref()
                    .is_none_or(|pack| pack.lanes.iter().all(|lane| lane.table != *t))
            })
            .collect();
        Ok(FacetCounterSegment {
            docs: take_buffer(),
            max_doc: segment.max_doc(),
            // The totals a query matching most of the segment is counted from are those of
            // read tables.
            complete: !segment.has_deletes() && tables.iter().all(|(table, _)| table.is_read()),
            tables,
            pack,
            loose,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentCounts>) -> tantivy::Result<CountedFacets> {
        let mut total = 0;
        let mut merged: Vec<HashMap<String, u64>> = vec![HashMap::new(); self.keys.len()];
        for (hits, tables) in fruits {
            total += hits;
            for (into, (table, counts)) in merged.iter_mut().zip(tables) {
                merge_counts(into, &table, counts);
            }
        }
        Ok((total, merged))
    }
}

impl SegmentFacets {
    /// Adds one to the count (in `counts`, one slot per ordinal and one more) of every
    /// distinct value `doc` has.
    #[inline]
    pub fn count(&self, doc: DocId, counts: &mut [u64]) {
        match &self.ords {
            None => {
                // The column gives a document's ordinals in order, as the read arrays hold
                // them: a value repeated is counted once.
                let mut previous = u64::MAX;
                for ord in self.column.facet_ords(doc) {
                    counts[ord as usize] += u64::from(ord != previous);
                    previous = ord;
                }
            }
            Some(DocOrds::Single(ords)) => {
                let ord = ords[doc as usize];
                // NO_VALUE lands in the extra last slot, which is never reported.
                let slot = (ord as usize).min(counts.len() - 1);
                counts[slot] += 1;
            }
            Some(DocOrds::Multi { offsets, ords }) => {
                let range = offsets[doc as usize] as usize..offsets[doc as usize + 1] as usize;
                let mut previous = u32::MAX;
                for &ord in &ords[range] {
                    counts[ord as usize] += u64::from(ord != previous);
                    previous = ord;
                }
            }
        }
    }

    /// [`SegmentFacets::count`] for each of `docs` (ascending). Counted from a column of
    /// one value per document, the documents' rows are found a block at a time and their
    /// values read in one batch: one document at a time, each row's lookup in the column's
    /// index was most of counting a query with many hits in a fresh process.
    pub fn count_many(&self, docs: &[DocId], counts: &mut [u64]) {
        let (None, Some(column)) = (&self.ords, &self.single) else {
            for &doc in docs {
                self.count(doc, counts);
            }
            return;
        };
        const BATCH: usize = 1024;
        let mut rows = Vec::with_capacity(BATCH);
        let mut row_docs = Vec::with_capacity(BATCH);
        let mut values = vec![0u64; BATCH];
        for batch in docs.chunks(BATCH) {
            rows.clear();
            row_docs.clear();
            column
                .index
                .docids_to_rowids(batch, &mut row_docs, &mut rows);
            let values = &mut values[..rows.len()];
            column.values.get_vals(&rows, values);
            for &ord in values.iter() {
                counts[ord as usize] += 1;
            }
        }
    }

    /// [`SegmentFacets::count_many`] for `docs` (ascending, alive), the way that reads
    /// less. A table counted from the column looks each hit up there; when the hits are
    /// many beside the segment's (document, value) pairs, each value's postings list is
    /// read instead and its documents that are hits counted (as milli counts a facet over
    /// many candidates from each value's bitmap): that reads every pair of the segment
    /// once, sequentially, and a pair costs a fraction of a hit's lookup in the column's
    /// index. `hits` holds the same documents as a bit set, made on first need and kept
    /// for the segment's other tables. The counts are the same either way: a list holds a
    /// document once per value, as [`SegmentFacets::count`] counts it.
    pub fn count_hits(
        &self,
        docs: &[DocId],
        max_doc: DocId,
        hits: &mut Vec<u64>,
        counts: &mut [u64],
    ) {
        if let Some((postings, field, _)) = &self.postings {
            if self.reads_postings(docs.len(), max_doc) {
                if hits.is_empty() {
                    hits.resize((max_doc as usize).div_ceil(64), 0);
                    super::word::set_bits(hits, docs);
                }
                if self.count_listed(postings, *field, hits, counts) {
                    return;
                }
            }
        }
        self.count_many(docs, counts);
    }

    /// [`SegmentFacets::count_hits`] for `hits` alive documents given as the set bits of
    /// `bits` (one per document of the segment, none past its last): counted from the
    /// values' lists when `count_hits` would read them, without listing the documents
    /// first. False, with nothing counted, when the column would be read instead.
    pub fn count_hit_bits(
        &self,
        hits: usize,
        max_doc: DocId,
        bits: &[u64],
        counts: &mut [u64],
    ) -> bool {
        match &self.postings {
            Some((postings, field, _)) if self.reads_postings(hits, max_doc) => {
                self.count_listed(postings, *field, bits, counts)
            }
            _ => false,
        }
    }

    /// Adds to `counts` how many of the documents set in `hits` each value's list holds;
    /// false, with nothing added, when a list cannot be read (the lists are in the
    /// segment's mapped files), so that the caller counts from the column instead.
    fn count_listed(
        &self,
        postings: &InvertedIndexReader,
        field: Field,
        hits: &[u64],
        counts: &mut [u64],
    ) -> bool {
        let Ok(found) = self.count_postings(postings, field, hits) else {
            return false;
        };
        for (count, found) in counts.iter_mut().zip(found) {
            *count += found;
        }
        true
    }

    /// Whether hits whose segment holds `missed` other documents (deleted ones included)
    /// are counted more cheaply as the values' totals less the missed documents' counts
    /// ([`SegmentFacets::count_from_missed`]) than from the lists: looking the missed up
    /// in the column and each value's total up in the term dictionary reads less than
    /// every (document, value) pair. False for a read table.
    pub fn counts_missed(&self, missed: usize, max_doc: DocId) -> bool {
        let lookup = self.lookup_cost(max_doc);
        self.postings.as_ref().is_some_and(|(_, _, pairs)| {
            missed as u64 * lookup + self.values as u64 * POSTINGS_PER_LOOKUP < *pairs
        })
    }

    /// Adds to `counts` the hits' counts, `missed` being every document of the segment
    /// that is not a hit, deleted ones included: each value's list length (which counts
    /// deleted documents too) less the missed documents that have the value. False, with
    /// nothing added, for a read table or when a value's total cannot be read.
    pub fn count_from_missed(&self, missed: &[DocId], counts: &mut [u64]) -> bool {
        let Some((postings, field, _)) = &self.postings else {
            return false;
        };
        let mut totals = Vec::with_capacity(self.values);
        let mut facet = Facet::root();
        for ord in 0..self.values {
            match self.list_length(postings, *field, ord, &mut facet) {
                Ok(total) => totals.push(total),
                Err(_) => return false,
            }
        }
        let mut taken = self.zero_counts();
        self.count_many(missed, &mut taken);
        for ((count, total), taken) in counts.iter_mut().zip(totals).zip(taken) {
            *count += total - taken;
        }
        true
    }

    /// What one document looked up in the column costs, in postings read: a column of one
    /// value per document [`POSTINGS_PER_LOOKUP`], one of several values that many times
    /// the values a document has on average (each is its own read after the document's
    /// range of rows is found).
    fn lookup_cost(&self, max_doc: DocId) -> u64 {
        let Some((_, _, pairs)) = &self.postings else {
            return POSTINGS_PER_LOOKUP;
        };
        if self.single.is_some() {
            return POSTINGS_PER_LOOKUP;
        }
        POSTINGS_PER_LOOKUP * pairs.div_ceil(u64::from(max_doc).max(1)).max(1)
    }

    /// Whether [`SegmentFacets::count_hits`] counts `hits` documents from the values'
    /// postings lists rather than from the column.
    pub fn reads_postings(&self, hits: usize, max_doc: DocId) -> bool {
        let lookup = self.lookup_cost(max_doc);
        self.postings
            .as_ref()
            .is_some_and(|(_, _, pairs)| hits as u64 * lookup >= *pairs)
    }

    /// For a table counted from the column: how many hits looked up in the column cost as
    /// much as reading the postings lists of the values `accepted` marks (one flag per
    /// ordinal); None for a read table, whose lookups are array reads.
    pub fn lookups_before_lists(&self, accepted: &[bool]) -> tantivy::Result<Option<u64>> {
        let Some((postings, field, _)) = &self.postings else {
            return Ok(None);
        };
        let mut listed = 0u64;
        let mut facet = Facet::root();
        for (ord, _) in accepted.iter().enumerate().filter(|(_, &flag)| flag) {
            listed += self.list_length(postings, *field, ord, &mut facet)?;
        }
        Ok(Some(listed / POSTINGS_PER_LOOKUP))
    }

    /// For a table counted from the column: the documents of the segment (of `max_doc`)
    /// that have a value `accepted` marks, one bit each, from the values' postings lists
    /// (deleted documents included); None for a read table.
    pub fn docs_with_any(
        &self,
        accepted: &[bool],
        max_doc: DocId,
    ) -> tantivy::Result<Option<Vec<u64>>> {
        let Some((postings, field, _)) = &self.postings else {
            return Ok(None);
        };
        let mut docs = super::word::zeros((max_doc as usize).div_ceil(64));
        for (ord, _) in accepted.iter().enumerate().filter(|(_, &flag)| flag) {
            self.each_block(postings, *field, ord, |block| {
                super::word::set_bits(&mut docs, block)
            })?;
        }
        Ok(Some(docs))
    }

    /// The length of ordinal `ord`'s postings list (deleted documents included), from the
    /// term dictionary; `facet` is a buffer for the value's path.
    fn list_length(
        &self,
        postings: &InvertedIndexReader,
        field: Field,
        ord: usize,
        facet: &mut Facet,
    ) -> tantivy::Result<u64> {
        self.column.facet_from_ord(ord as u64, facet)?;
        Ok(u64::from(
            postings.doc_freq(&Term::from_facet(field, facet))?,
        ))
    }

    /// Calls `visit` with each block of documents of ordinal `ord`'s postings list.
    fn each_block(
        &self,
        postings: &InvertedIndexReader,
        field: Field,
        ord: usize,
        mut visit: impl FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        let mut facet = Facet::root();
        self.column.facet_from_ord(ord as u64, &mut facet)?;
        let term = Term::from_facet(field, &facet);
        let Some(mut list) = postings.read_block_postings(&term, IndexRecordOption::Basic)? else {
            return Ok(());
        };
        while !list.docs().is_empty() {
            visit(list.docs());
            list.advance();
        }
        Ok(())
    }

    /// Per ordinal, how many of the documents set in `hits` its postings list holds.
    fn count_postings(
        &self,
        postings: &InvertedIndexReader,
        field: Field,
        hits: &[u64],
    ) -> tantivy::Result<Vec<u64>> {
        let mut found = vec![0u64; self.values];
        for (ord, found) in found.iter_mut().enumerate() {
            self.each_block(postings, field, ord, |docs| {
                // Summed in a register and added once a block: an add to `found` per
                // document waited on the one before.
                let mut block = 0u64;
                for &doc in docs {
                    block += (hits[(doc / 64) as usize] >> (doc % 64)) & 1;
                }
                *found += block;
            })?;
        }
        Ok(found)
    }

    /// Whether `doc` has a value whose ordinal `accepted` marks (one flag per ordinal).
    #[inline]
    pub fn has_any(&self, doc: DocId, accepted: &[bool]) -> bool {
        match &self.ords {
            None => self
                .column
                .facet_ords(doc)
                .any(|ord| accepted[ord as usize]),
            Some(DocOrds::Single(ords)) => accepted
                .get(ords[doc as usize] as usize)
                .copied()
                .unwrap_or(false),
            Some(DocOrds::Multi { offsets, ords }) => {
                let range = offsets[doc as usize] as usize..offsets[doc as usize + 1] as usize;
                ords[range].iter().any(|&ord| accepted[ord as usize])
            }
        }
    }

    /// One flag per ordinal: whether its value is one of `values`.
    pub fn flags(&self, values: &[String]) -> Vec<bool> {
        self.names()
            .iter()
            .map(|name| values.contains(name))
            .collect()
    }

    /// The ordinals of `doc`'s values, in ordinal order (a value may repeat): for a caller
    /// that needs more than a count per value, such as a trend that sums money per value.
    /// Only a read table has them ([`read_segment_facets`]); another has none.
    pub fn ords(&self, doc: DocId) -> &[u32] {
        match &self.ords {
            None => &[],
            Some(DocOrds::Single(ords)) => {
                let one = &ords[doc as usize..doc as usize + 1];
                if one[0] == NO_VALUE {
                    &[]
                } else {
                    one
                }
            }
            Some(DocOrds::Multi { offsets, ords }) => {
                &ords[offsets[doc as usize] as usize..offsets[doc as usize + 1] as usize]
            }
        }
    }

    /// The values of the segment, by ordinal, as a `--filter` names them.
    pub fn names(&self) -> &[String] {
        self.names.get_or_init(|| self.read_names())
    }

    /// A zero count per ordinal, one for documents without a value, and one past it that
    /// a difference array of a [`FacetPack`] lane needs.
    pub fn zero_counts(&self) -> Vec<u64> {
        vec![0; self.values + 2]
    }
}

/// Adds per-segment counts (one per ordinal of each segment's table) into counts by value.
pub fn merge_counts(into: &mut HashMap<String, u64>, table: &SegmentFacets, counts: Vec<u64>) {
    // The slots past the values count documents without one: never reported.
    for (ord, count) in counts.into_iter().enumerate().take(table.values) {
        if count == 0 {
            continue;
        }
        let name = table.name(ord);
        match into.get_mut(name.as_str()) {
            Some(sum) => *sum += count,
            None => {
                into.insert(name, count);
            }
        }
    }
}

impl FacetCounterSegment {
    /// Counts the values of `docs` into the tables' counts (difference arrays for packed
    /// keys).
    fn count_docs(&mut self, docs: &[DocId]) {
        if let Some(pack) = &self.pack {
            for lane in &pack.lanes {
                count_lane(&pack.words, lane, docs, &mut self.tables[lane.table].1);
            }
            for lane in &pack.lanes {
                sum_runs(&mut self.tables[lane.table].1);
            }
        }
        let mut hits = Vec::new();
        for &t in &self.loose {
            let (table, counts) = &mut self.tables[t];
            table.count_hits(docs, self.max_doc, &mut hits, counts);
        }
    }
}

/// Counts the runs of one pack lane for `docs` into the difference array `diffs`. Four
/// interleaved copies of the array: hits in a row often share a value, and adding into one
/// slot after another waits for the store before it.
fn count_lane(words: &[u32], lane: &Lane, docs: &[DocId], diffs: &mut [u64]) {
    const COPIES: usize = 4;
    let n = diffs.len();
    let mut copies = vec![0i32; n * COPIES];
    let (slots, rest) = copies.split_at_mut(n * (COPIES - 1));
    let (a, slots) = slots.split_at_mut(n);
    let (b, c) = slots.split_at_mut(n);
    let d = rest;
    let add = |copy: &mut [i32], doc: DocId| {
        let (first, len) = FacetPack::run(words[doc as usize], lane);
        copy[first] += 1;
        copy[first + len] -= 1;
    };
    let mut quads = docs.chunks_exact(COPIES);
    for quad in quads.by_ref() {
        add(a, quad[0]);
        add(b, quad[1]);
        add(c, quad[2]);
        add(d, quad[3]);
    }
    for &doc in quads.remainder() {
        add(a, doc);
    }
    for (slot, diff) in diffs.iter_mut().enumerate() {
        let sum = copies[slot] + copies[n + slot] + copies[2 * n + slot] + copies[3 * n + slot];
        *diff = diff.wrapping_add(sum as i64 as u64);
    }
}

thread_local! {
    /// Document lists of finished segment collectors on this thread, kept for the next
    /// ones: a fresh list of a few hundred kilobytes per segment and query is fresh pages
    /// from the system each time, which cost more than the counting they serve.
    static BUFFERS: std::cell::RefCell<Vec<Vec<DocId>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty document list, with the capacity of one used before on this thread.
fn take_buffer() -> Vec<DocId> {
    BUFFERS.with(|buffers| buffers.borrow_mut().pop().unwrap_or_default())
}

/// Gives `buffer` back for reuse on this thread (a few are kept).
fn give_buffer(mut buffer: Vec<DocId>) {
    buffer.clear();
    BUFFERS.with(|buffers| {
        let mut buffers = buffers.borrow_mut();
        if buffers.len() < 4 {
            buffers.push(buffer);
        }
    });
}

/// The documents of `0..max_doc` not in `docs` (sorted, distinct), in a reused list.
fn complement(docs: &[DocId], max_doc: DocId) -> Vec<DocId> {
    let mut missed = take_buffer();
    let mut next = 0;
    for &doc in docs {
        missed.extend(next..doc);
        next = doc + 1;
    }
    missed.extend(next..max_doc);
    missed
}

impl FacetCounterSegment {
    /// What the segment counts when its hits are the set bits of `words` (one bit per
    /// document, deleted ones included): the same as collecting them one by one, without
    /// handing each over. A set covering most of the segment is counted by what it misses.
    pub fn harvest_bits(mut self, words: &[u64], segment: &SegmentReader) -> SegmentCounts {
        let max_doc = self.max_doc;
        // The bits of word `at` that are documents of the segment.
        let in_segment = |at: usize| -> u64 {
            let first = at as u64 * 64;
            match u64::from(max_doc).saturating_sub(first) {
                0 => 0,
                n if n >= 64 => u64::MAX,
                n => (1u64 << n) - 1,
            }
        };
        let mut docs = take_buffer();
        let hits = if self.complete {
            let hits: usize = words.iter().map(|w| w.count_ones() as usize).sum();
            let counted_missed = hits > max_doc as usize / 2;
            for (at, &word) in words.iter().enumerate() {
                let mut bits = if counted_missed {
                    !word & in_segment(at)
                } else {
                    word
                };
                while bits != 0 {
                    docs.push(at as DocId * 64 + bits.trailing_zeros());
                    bits &= bits - 1;
                }
            }
            self.count_docs(&docs);
            if counted_missed {
                for (table, counts) in &mut self.tables {
                    for (count, total) in counts.iter_mut().zip(&table.totals) {
                        *count = total.wrapping_sub(*count);
                    }
                }
            }
            hits
        } else if let Some(hits) = self.count_bits_listed(words, segment, in_segment) {
            hits
        } else {
            let alive = segment.alive_bitset();
            for (at, &word) in words.iter().enumerate() {
                let mut bits = word & in_segment(at);
                while bits != 0 {
                    let doc = at as DocId * 64 + bits.trailing_zeros();
                    if alive.is_none_or(|alive| alive.is_alive(doc)) {
                        docs.push(doc);
                    }
                    bits &= bits - 1;
                }
            }
            self.count_docs(&docs);
            docs.len()
        };
        give_buffer(docs);
        (hits, self.tables)
    }
}

impl FacetCounterSegment {
    /// [`FacetCounterSegment::harvest_bits`] when every key is counted from its values'
    /// lists for this many hits, or from the documents the hits miss (none packed): the
    /// bit set, its deleted documents and those past the segment cleared, is what the
    /// lists are checked against, or what the missed documents are listed from; no list
    /// of the hits is made. None, with nothing counted, otherwise.
    fn count_bits_listed(
        &mut self,
        words: &[u64],
        segment: &SegmentReader,
        in_segment: impl Fn(usize) -> u64,
    ) -> Option<usize> {
        if self.pack.is_some() || self.loose.is_empty() {
            return None;
        }
        let len = (self.max_doc as usize).div_ceil(64);
        let mut bits: Vec<u64> = words[..words.len().min(len)]
            .iter()
            .enumerate()
            .map(|(at, &word)| word & in_segment(at))
            .collect();
        // A list's documents index the set up to the segment's last.
        bits.resize(len, 0);
        if let Some(alive) = segment.alive_bitset() {
            for (at, word) in bits.iter_mut().enumerate() {
                let mut set = *word;
                while set != 0 {
                    let doc = at as DocId * 64 + set.trailing_zeros();
                    if !alive.is_alive(doc) {
                        *word &= !(1u64 << (doc % 64));
                    }
                    set &= set - 1;
                }
            }
        }
        let hits: usize = bits.iter().map(|w| w.count_ones() as usize).sum();
        let missed = self.max_doc as usize - hits;
        let listed = |t: &usize| {
            let table = &self.tables[*t].0;
            table.counts_missed(missed, self.max_doc) || table.reads_postings(hits, self.max_doc)
        };
        if !self.loose.iter().all(listed) {
            return None;
        }
        // The documents that are not hits, deleted ones included (their bits are clear).
        let mut missed_docs: Option<Vec<DocId>> = None;
        let mut counted: Vec<usize> = Vec::with_capacity(self.loose.len());
        for &t in &self.loose {
            let (table, counts) = &mut self.tables[t];
            let done = if table.counts_missed(missed, self.max_doc) {
                let missed_docs = missed_docs.get_or_insert_with(|| {
                    let mut docs = Vec::with_capacity(missed);
                    for (at, &word) in bits.iter().enumerate() {
                        let mut clear = !word & in_segment(at);
                        while clear != 0 {
                            docs.push(at as DocId * 64 + clear.trailing_zeros());
                            clear &= clear - 1;
                        }
                    }
                    docs
                });
                table.count_from_missed(missed_docs, counts)
            } else {
                table.count_hit_bits(hits, self.max_doc, &bits, counts)
            };
            if !done {
                // A list that cannot be read: undo, and let the caller count it all.
                for &done in &counted {
                    self.tables[done].1.iter_mut().for_each(|count| *count = 0);
                }
                return None;
            }
            counted.push(t);
        }
        Some(hits)
    }
}

impl SegmentCollector for FacetCounterSegment {
    type Fruit = SegmentCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.docs.push(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.docs.extend_from_slice(docs);
    }

    fn harvest(mut self) -> SegmentCounts {
        let docs = std::mem::take(&mut self.docs);
        let hits = docs.len();
        // A query matching most of the segment: count the documents it misses, fewer.
        if self.complete && hits > self.max_doc as usize / 2 {
            let missed = complement(&docs, self.max_doc);
            self.count_docs(&missed);
            give_buffer(missed);
            for (table, counts) in &mut self.tables {
                for (count, total) in counts.iter_mut().zip(&table.totals) {
                    // The reported slots are exact; the unreported ones may wrap.
                    *count = total.wrapping_sub(*count);
                }
            }
        } else {
            self.count_docs(&docs);
        }
        give_buffer(docs);
        (hits, self.tables)
    }
}

/// [`sorted_counts`] for counts made by [`FacetCounter`]: the same order and cut.
pub fn sorted_values(key: FacetKey, counts: HashMap<String, u64>, limit: usize) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    if key == FacetKey::Year {
        values.sort_by(|a, b| a.value.cmp(&b.value));
    } else {
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    values.truncate(limit);
    values
}
