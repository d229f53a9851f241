//! `fynd gen-corpus`: a deterministic generator of realistic project documents for
//! benchmarks. It learns from the real documents shipped in `corpus/` (built into the
//! binary, so the same seed gives the same bytes anywhere) and writes ESF+ records, ESF
//! 2014–2020 project pages and web pages with realistic metadata and Swedish text in which
//! new compounds keep appearing as the corpus grows.
//!
//! Jobs: [`rng`] (seeded randomness), [`metadata`] (regions, owners, periods, budgets),
//! [`text`] (the word bigram model), [`compound`] (compounding and probe parts), [`shapes`]
//! (rendering the three document shapes), [`writer`] (parallel, ordered output).
//!
//! Sits beside the pipeline: it uses `ingest` (to learn from the real records and to read
//! back what it wrote), and nothing in the pipeline uses it.

pub mod compound;
pub mod metadata;
pub mod rng;
pub mod shapes;
pub mod text;
pub mod writer;

use crate::ingest;
use crate::record::{DocumentShape, ProjectRecord};
use compound::{Compounder, PROBES};
use metadata::Metadata;
use rng::Rng;
use text::TextModel;

pub use writer::{generate, GenOptions, GenSummary};

/// The real documents the generator learns from, built into the binary.
const TRAINING: [(&str, &[u8]); 7] = [
    (
        "projektbanken-2007-2013.csv",
        include_bytes!("../../corpus/projektbanken/projektbanken-2007-2013.csv"),
    ),
    (
        "projektbanken-2014-2020.json",
        include_bytes!("../../corpus/projektbanken/projektbanken-2014-2020.json"),
    ),
    (
        "000.txt",
        include_bytes!("../../corpus/seeds/000_6a160920bac181de.txt"),
    ),
    (
        "001.txt",
        include_bytes!("../../corpus/seeds/001_583080d64b335500.txt"),
    ),
    (
        "002.txt",
        include_bytes!("../../corpus/seeds/002_5bdeeb543aba8f28.txt"),
    ),
    (
        "003.txt",
        include_bytes!("../../corpus/seeds/003_fc3bb941faad508e.txt"),
    ),
    (
        "004.txt",
        include_bytes!("../../corpus/seeds/004_81830a1953d1cd11.txt"),
    ),
];

/// The real records the generator learns from (2,497 project-bank records and the seeds).
pub fn training_records() -> Vec<ProjectRecord> {
    TRAINING
        .iter()
        .filter_map(|(name, bytes)| ingest::parse_bytes(name, bytes).ok())
        .flat_map(|contents| contents.documents.into_iter().map(|d| d.record))
        .collect()
}

/// One generated document.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedDocument {
    /// Its number in the corpus (0-based).
    pub number: u64,
    /// The shape it is written in.
    pub shape: DocumentShape,
    /// The file's text.
    pub text: String,
    /// Bit i set when probe word [`PROBES`]`[i]` occurs in it, alone or as a compound part.
    pub probes: u64,
}

/// The trained generator: the text model, the compounder and the metadata distributions.
pub struct Generator {
    seed: u64,
    text: TextModel,
    compounder: Compounder,
    metadata: Metadata,
}

impl Generator {
    /// Learns from the built-in real documents; `seed` decides everything drawn after that.
    pub fn new(seed: u64) -> Generator {
        let records = training_records();
        let texts = records
            .iter()
            .flat_map(|r| [r.title.as_str(), r.body.as_str()]);
        let text = TextModel::learn(texts);
        let modifiers = text.words(4, 3);
        Generator {
            seed,
            compounder: Compounder::new(&modifiers, &PROBES),
            metadata: Metadata::learn(&records),
            text,
        }
    }

    /// Document `number`: depends only on the seed and the number, never on which thread
    /// makes it or what was made before.
    pub fn document(&self, number: u64) -> GeneratedDocument {
        let mut rng = Rng::for_document(self.seed, number);
        let shape = shapes::shape(&mut rng);
        let (text, probes) = shapes::render(self, &mut rng, number, shape);
        GeneratedDocument {
            number,
            shape,
            text,
            probes,
        }
    }

    /// Distinct tokens of the training text (a report figure).
    pub fn training_vocabulary(&self) -> usize {
        self.text.vocabulary_size()
    }

    /// Counties whose municipalities were learned.
    pub fn counties_known(&self) -> usize {
        self.metadata.counties_known()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn generator() -> &'static Generator {
        static G: OnceLock<Generator> = OnceLock::new();
        G.get_or_init(|| Generator::new(42))
    }

    #[test]
    fn learns_from_the_real_records() {
        let g = generator();
        assert!(
            g.training_vocabulary() > 20_000,
            "{}",
            g.training_vocabulary()
        );
        assert!(g.counties_known() >= 15, "{}", g.counties_known());
    }

    #[test]
    fn every_shape_reads_back_as_that_shape_with_its_metadata() {
        let g = generator();
        let mut seen = std::collections::HashSet::new();
        for n in 0..300 {
            let doc = g.document(n);
            let parsed = ingest::parse_document("x.txt", &doc.text).expect("parses");
            let record = parsed.record;
            assert_eq!(record.shape, doc.shape, "document {n}:\n{}", doc.text);
            assert!(!record.title.is_empty(), "document {n} has a title");
            assert!(record.body.len() > 20, "document {n} has text");
            match doc.shape {
                DocumentShape::WebPage => assert!(record.published.is_some()),
                _ => {
                    assert!(
                        record.start.is_some() && record.end.is_some(),
                        "{}",
                        doc.text
                    );
                    assert!(record.region.is_some() && record.owner.is_some());
                    assert!(record.diarienummer.is_some(), "{}", doc.text);
                }
            }
            if doc.shape == DocumentShape::EsfProjectPage {
                assert_eq!(record.fund.as_deref(), Some("ESF"));
                assert!(record.granted.is_some() && record.budget.is_some());
            }
            seen.insert(doc.shape);
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn documents_depend_only_on_seed_and_number() {
        let g = generator();
        let other = Generator::new(43);
        assert_eq!(g.document(17), g.document(17));
        assert_ne!(g.document(17).text, g.document(18).text);
        assert_ne!(g.document(17).text, other.document(17).text);
    }
}
