//! fynd: full-text search for Swedish-language project documents.
//!
//! The modules follow the data: [`ingest`] (files → [`record::ProjectRecord`]) →
//! [`analysis`] (Swedish text → terms) → [`schema`] (record → index document, its stored
//! copy compressed by [`record_codec`]) → [`index`]
//! (writing) → [`query`] (searching) → [`views`] (trends, concordances, similar projects,
//! co-occurring words over search's match sets) → [`output`] (text, JSON) and [`server`] (HTTP). A module
//! only uses the ones before it.
//!
//! Beside the pipeline: [`corpus_gen`] (generated corpora for benchmarks) and [`bench`]
//! (query benchmarks); they use the pipeline, nothing in it uses them.

pub mod analysis;
pub mod bench;
pub mod corpus_gen;
pub mod error;
pub mod index;
pub mod ingest;
pub mod output;
pub mod process;
pub mod query;
pub mod record;
pub mod record_codec;
pub mod schema;
pub mod server;
pub mod views;

pub use error::FyndError;
