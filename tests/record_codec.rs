//! Story: every record is stored as its JSON compressed on its own, against a dictionary
//! trained on the corpus when the index was made. A researcher reading a hit must get the
//! record exactly as it was written, whatever was added to the index since; a record that
//! cannot be read right is an error, never other text.
//!
//! Properties checked, on the real records shipped in `corpus/`:
//! - a record compressed with a dictionary reads back byte for byte;
//! - a dictionary trained on some records makes other records, their two parts (the JSON
//!   without the body, and the body) compressed each alone, smaller than zstd makes them in
//!   blocks of 16 KB (what the store did before);
//! - a record compressed with another index's dictionary, cut short or with any byte
//!   changed is an error;
//! - an index keeps its dictionary when files are added, and every record reads back,
//!   whole or without its body (stored apart);
//! - a corpus too small to train on is stored without a dictionary, and reads back;
//! - a damaged dictionary is named when the index is opened, by a search and by check;
//! - a record reads back with whichever saved dictionary its frame names (two runs that
//!   each trained one), and names the file when the folder lacks it;
//! - a stored record lacking its body part is an error, not a record with an empty body.

mod common;

use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::record::ProjectRecord;
use fynd::record_codec::{
    dictionary_file, samples_of, stored_parts, RecordCodec, DICTIONARY_PREFIX,
};
use fynd::schema::FyndSchema;
use std::path::Path;

/// The dictionary files in the index folder `dir`, with their bytes, by name.
fn dictionaries(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(DICTIONARY_PREFIX)
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

/// The real project records shipped in `corpus/projektbanken`.
fn shipped_records() -> Vec<ProjectRecord> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/projektbanken");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "json"))
        .collect();
    paths.sort();
    let records: Vec<ProjectRecord> = paths
        .iter()
        .flat_map(|path| fynd::ingest::read_file(path).unwrap().documents)
        .map(|parsed| parsed.record)
        .collect();
    assert!(records.len() > 2000, "{} shipped records", records.len());
    records
}

/// Every shipped record's stored parts (its JSON without the body, and its body), and
/// the dictionary samples of each: the parts of the records at even positions are
/// trained on and those at odd positions measured.
fn halves() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let records = shipped_records();
    let train = records.iter().step_by(2).flat_map(samples_of).collect();
    let test = records
        .iter()
        .skip(1)
        .step_by(2)
        .flat_map(|record| {
            let (head, body) = stored_parts(record);
            [head, body.as_bytes().to_vec()]
        })
        .filter(|part| !part.is_empty())
        .collect();
    (train, test)
}

fn codec_of(samples: &[Vec<u8>]) -> RecordCodec {
    RecordCodec::with_dictionary(RecordCodec::train(samples).expect("enough to train on")).unwrap()
}

#[test]
fn records_read_back_byte_for_byte_with_and_without_a_dictionary() {
    let (train, test) = halves();
    for codec in [codec_of(&train), RecordCodec::plain()] {
        for json in &test {
            assert_eq!(&codec.decode(&codec.encode(json)).unwrap(), json);
        }
    }
}

#[test]
fn a_dictionary_makes_records_alone_smaller_than_blocks_of_records() {
    let (train, test) = halves();
    let with_dictionary: usize = {
        let codec = codec_of(&train);
        test.iter().map(|json| codec.encode(json).len()).sum()
    };
    let alone: usize = {
        let codec = RecordCodec::plain();
        test.iter().map(|json| codec.encode(json).len()).sum()
    };
    let in_blocks: usize = {
        let mut blocks = vec![Vec::new()];
        for json in &test {
            if blocks.last().unwrap().len() >= 16 * 1024 {
                blocks.push(Vec::new());
            }
            blocks.last_mut().unwrap().extend_from_slice(json);
        }
        blocks
            .iter()
            .map(|block| zstd::bulk::compress(block, 3).unwrap().len())
            .sum()
    };
    assert!(
        with_dictionary < in_blocks && in_blocks < alone,
        "bytes with a dictionary {with_dictionary}, in blocks {in_blocks}, alone {alone}"
    );
}

#[test]
fn a_record_of_another_dictionary_cut_short_or_changed_is_an_error() {
    let (even, odd) = halves();
    let (ours, theirs) = (codec_of(&even), codec_of(&odd));
    assert_ne!(ours.dictionary_id(), theirs.dictionary_id());
    let frame = theirs.encode(&odd[0]);
    let err = ours.decode(&frame).unwrap_err();
    let their_id = theirs.dictionary_id().unwrap().to_string();
    assert!(err.contains(&their_id), "{err}");
    assert!(RecordCodec::plain().decode(&frame).is_err());
    for cut in [1, frame.len() / 2, frame.len() - 1] {
        assert!(theirs.decode(&frame[..cut]).is_err(), "cut at {cut}");
    }
    // One byte changed anywhere: zstd refuses the frame or the checksum does not match.
    for at in 0..frame.len() {
        let mut damaged = frame.clone();
        damaged[at] ^= 0x20;
        assert!(theirs.decode(&damaged).is_err(), "byte {at} changed");
    }
}

#[test]
fn an_index_keeps_its_dictionary_when_files_are_added() {
    let index = tempfile::tempdir().unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    index_paths(
        index.path(),
        std::slice::from_ref(&corpus),
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let saved = dictionaries(index.path());
    assert_eq!(saved.len(), 1);

    let more = tempfile::tempdir().unwrap();
    std::fs::write(
        more.path().join("nyhet.txt"),
        "Ny samverkan mellan myndigheter\n\nMyndighetssamverkan i norra Sverige.\n",
    )
    .unwrap();
    index_paths(
        index.path(),
        &[corpus, more.path().to_path_buf()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(dictionaries(index.path()), saved);
    let opened = FyndIndex::open(index.path()).unwrap();
    let records = opened.stored_records().unwrap();
    assert_eq!(records.len() as u64, opened.num_records().unwrap());
    // A record read without its body (as a hit without a passage is) is the record with
    // its body left empty.
    let searcher = opened.reader().unwrap().searcher();
    let mut bodies = 0;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in (0..segment.max_doc()).filter(|&doc| !segment.is_deleted(doc)) {
            let address = tantivy::DocAddress::new(ord as u32, doc);
            let mut whole = opened.schema.read_record(&searcher, address).unwrap();
            let head = opened
                .schema
                .read_record_without_body(&searcher, address)
                .unwrap();
            bodies += usize::from(!whole.body.is_empty());
            whole.body.clear();
            assert_eq!(head, whole);
        }
    }
    assert!(bodies > 2000, "{bodies} records with a body");
    assert!(records
        .iter()
        .any(|r| r.path.ends_with("nyhet.txt") && r.body.contains("norra Sverige")));
}

#[test]
fn a_corpus_too_small_to_train_on_is_stored_without_a_dictionary() {
    let pages: Vec<ProjectRecord> = (0..3)
        .map(|i| common::page(&format!("p{i}"), "Samverkan", "Myndigheter i samverkan."))
        .collect();
    let (dir, index) = common::index_of(&pages, fynd::analysis::lexicon::Chain::Full);
    assert!(dictionaries(dir.path()).is_empty());
    let mut ids: Vec<String> = index
        .stored_records()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["p0", "p1", "p2"]);
}

#[test]
fn a_damaged_dictionary_is_named_when_the_index_is_opened() {
    let (dir, index) = common::index_of(
        &common::generated_records(),
        fynd::analysis::lexicon::Chain::Full,
    );
    drop(index);
    let [(name, _)] = &dictionaries(dir.path())[..] else {
        panic!("one dictionary")
    };
    let file = dir.path().join(name);
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let index = dir.path().to_str().unwrap();
    for args in [
        ["search", "samverkan", "--index", index],
        ["check", "--index", index, "--json"],
    ] {
        let output = common::fynd(&args);
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(said.contains(name.as_str()), "{args:?}: {said}");
        assert!(said.contains("--rebuild"), "{args:?}: {said}");
    }
}

#[test]
fn a_record_reads_back_with_whichever_saved_dictionary_its_frame_names() {
    // Two runs that each trained a dictionary for one index folder (a fresh run stopped
    // and started again, or two racing): records of both read back, and a record naming a
    // dictionary the folder lacks is an error naming the file.
    let (even, odd) = halves();
    let dir = tempfile::tempdir().unwrap();
    let (mut first, mut second) = (codec_of(&even), codec_of(&odd));
    first.save(dir.path()).unwrap();
    second.save(dir.path()).unwrap();
    let (a, b) = (first.encode(&odd[1]), second.encode(&odd[2]));
    let opened = RecordCodec::open(dir.path()).unwrap();
    assert_eq!(opened.decode(&a).unwrap(), odd[1]);
    assert_eq!(opened.decode(&b).unwrap(), odd[2]);
    let lowest = first.dictionary_id().min(second.dictionary_id());
    assert_eq!(opened.dictionary_id(), lowest);

    let elsewhere = tempfile::tempdir().unwrap();
    first.save(elsewhere.path()).unwrap();
    let err = RecordCodec::open(elsewhere.path())
        .unwrap()
        .decode(&b)
        .unwrap_err();
    let missing = dictionary_file(second.dictionary_id().unwrap());
    assert!(err.contains(&missing), "{err}");
}

#[test]
fn a_stored_record_without_its_body_part_is_an_error_not_an_empty_body() {
    let schema = FyndSchema::build();
    let record = common::page("p1", "Samverkan", "Myndigheter i samverkan.");
    let whole = schema.document(&record);
    assert_eq!(schema.record_from(&whole).unwrap().body, record.body);
    let (head, _) = stored_parts(&record);
    let mut cut = tantivy::TantivyDocument::default();
    cut.add_bytes(schema.record, &schema.record_codec.encode(&head));
    assert!(schema.record_from(&cut).is_err());
}
