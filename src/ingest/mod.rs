//! Ingest: from files on disk to [`ProjectRecord`]s. Finds files ([`walk`]), decodes them
//! ([`text`]), recognises the document shape from the content and hands the text to the
//! parser for that shape ([`esf_plus`], [`esf_page`], [`web_page`]).

pub mod amount;
pub mod batches;
pub mod columns;
mod delimited;
pub mod esf_page;
pub mod esf_plus;
pub mod html;
mod lines;
pub mod names;
pub mod reports;
pub mod table;
pub mod text;
pub mod walk;
pub mod web_page;

use crate::record::{DocumentShape, ProjectRecord};
use std::fmt;
use std::path::Path;

/// Why one file could not be turned into a record. Names the file (and the line where one
/// applies) so the user can go and look; never stops the rest of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngestError {
    /// The file, as given to `fynd index`.
    pub path: String,
    /// 1-based line the problem is on, where it is on one line.
    pub line: Option<usize>,
    /// What is wrong, in words a user can act on.
    pub reason: String,
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.reason),
            None => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

impl std::error::Error for IngestError {}

/// A parsed record and what was wrong with it but did not stop it from being indexed
/// (an invalid date, an amount that does not parse): such values are kept verbatim in
/// `record.extra` and reported here.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedDocument {
    /// The record, as complete as the source allows.
    pub record: ProjectRecord,
    /// One entry per value that could not be read, naming file and line.
    pub warnings: Vec<IngestError>,
}

/// Collects the warnings of one file while a parser runs.
pub(crate) struct Warnings {
    path: String,
    list: Vec<IngestError>,
}

impl Warnings {
    fn new(path: &str) -> Warnings {
        Warnings {
            path: path.to_string(),
            list: Vec::new(),
        }
    }

    /// Notes a problem on 0-based line index `line_index`.
    pub(crate) fn warn(&mut self, line_index: usize, reason: String) {
        self.list.push(IngestError {
            path: self.path.clone(),
            line: Some(line_index + 1),
            reason,
        });
    }
}

/// Everything one file yields: a record per document (one for a text document, one per row
/// for a table), and the problems that did not stop it (rows skipped, values unread).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FileContents {
    /// The records, each with its own warnings.
    pub documents: Vec<ParsedDocument>,
    /// Problems with the file as a whole or with rows that were skipped.
    pub problems: Vec<IngestError>,
    /// Columns of a table that no record field was found for (kept in `extra`).
    pub unrecognised_columns: Vec<String>,
}

/// How files are read: the user's own column names.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `--column HEADER=FIELD` mappings, tried before the built-in column names.
    pub columns: columns::ColumnMap,
}

/// Reads one file: decodes it (UTF-8, UTF-16, Windows-1252) and parses it as a table of
/// records or as one document, recognised by content.
pub fn read_file(path: &Path) -> Result<FileContents, IngestError> {
    read_file_with(path, &ReadOptions::default())
}

/// [`read_file`] with the user's reading options.
pub fn read_file_with(path: &Path, options: &ReadOptions) -> Result<FileContents, IngestError> {
    let shown = path.display().to_string();
    let error = |reason: String| IngestError {
        path: shown.clone(),
        line: None,
        reason,
    };
    let bytes = std::fs::read(path).map_err(|err| error(format!("cannot read file: {err}")))?;
    parse_bytes_with(&shown, &bytes, options)
}

/// Decodes and parses a file's bytes; `path` names it in the records and in errors. Any
/// byte string gives records or an error, never a panic (a property test and a fuzz target
/// hold it to that).
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<FileContents, IngestError> {
    parse_bytes_with(path, bytes, &ReadOptions::default())
}

/// [`parse_bytes`] with the user's reading options.
pub fn parse_bytes_with(
    path: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<FileContents, IngestError> {
    if let Some(kind) = reports::detect(bytes) {
        return read_report(path, kind, bytes);
    }
    let decoded = text::decode(bytes).map_err(|reason| IngestError {
        path: path.to_string(),
        line: None,
        reason,
    })?;
    let mut contents = parse_file_with(path, &decoded.text, options)?;
    let notes = decoding_warnings(path, decoded.warnings);
    match contents.documents.first_mut() {
        Some(first) => first.warnings.extend(notes),
        None => contents.problems.extend(notes),
    }
    Ok(contents)
}

/// What decoding replaced or left out, as warnings about the file.
fn decoding_warnings(
    path: &str,
    warnings: Vec<(usize, String)>,
) -> impl Iterator<Item = IngestError> + '_ {
    warnings.into_iter().map(move |(line, reason)| IngestError {
        path: path.to_string(),
        line: Some(line),
        reason,
    })
}

/// Parses decoded text as a table of records or as one document.
pub fn parse_file(path: &str, text: &str) -> Result<FileContents, IngestError> {
    parse_file_with(path, text, &ReadOptions::default())
}

/// [`parse_file`] with the user's reading options.
pub fn parse_file_with(
    path: &str,
    text: &str,
    options: &ReadOptions,
) -> Result<FileContents, IngestError> {
    let mut text = text::normalize_line_ends(text);
    if html::looks_like(&text) {
        // A record or project page saved as HTML carries its own heading; only a plain
        // page needs the HTML title in front to have one.
        let page = html::to_text(&text);
        text = match detect_shape(&page.content) {
            DocumentShape::WebPage => page.with_title(),
            _ => page.content,
        };
        let mut document = parse_document(path, &text)?;
        document
            .warnings
            .extend(page.warning.map(|reason| IngestError {
                path: path.to_string(),
                line: None,
                reason,
            }));
        return Ok(FileContents {
            documents: vec![document],
            ..FileContents::default()
        });
    }
    if let Some(format) = table::detect(&text) {
        // Owners are grouped over the whole index, not per file: see names::OwnerGroups.
        let table = table::parse(path, &text, format, &options.columns)?;
        return Ok(FileContents {
            documents: table.documents,
            problems: table.problems,
            unrecognised_columns: table.unrecognised_columns,
        });
    }
    Ok(FileContents {
        documents: vec![parse_document(path, &text)?],
        ..FileContents::default()
    })
}

/// A PDF, Word or OpenDocument report as one document: its text, with the metadata title
/// in front where the text is running prose (a record printed to PDF keeps its own
/// heading, which its shape is recognised by).
fn read_report(
    path: &str,
    kind: reports::ReportKind,
    bytes: &[u8],
) -> Result<FileContents, IngestError> {
    let report = reports::to_text(kind, bytes).map_err(|reason| IngestError {
        path: path.to_string(),
        line: None,
        reason,
    })?;
    let text = match detect_shape(&report.text) {
        DocumentShape::WebPage => report.with_title(),
        _ => report.text,
    };
    Ok(FileContents {
        documents: vec![parse_document(path, &text)?],
        ..FileContents::default()
    })
}

/// The rows of a table (each with its 1-based line, 0 where unknown) with one record per
/// id: where rows share an id the last one wins, as it would if the rows came one by one,
/// and carries a warning naming how many rows it replaced and the line of the last. One
/// pass with a map, so a table of a million rows that share an id costs what any table
/// does, and the index gets each id once instead of an upsert per row (each of which
/// deletes every earlier copy again at commit).
pub(crate) fn last_of_each_id(rows: Vec<(usize, ParsedDocument)>) -> Vec<ParsedDocument> {
    LastOfEachId::default().keep(rows)
}

/// [`last_of_each_id`] over a table given in batches ([`batches::TableBatches`]): within a
/// batch the later row takes the earlier one's place; a row whose id an earlier batch gave
/// is kept with the same warning, and replaces the earlier record when it is written by id.
/// Holds each id of the table once, so its memory grows with the ids, not with the text.
#[derive(Default)]
pub(crate) struct LastOfEachId {
    /// Id → (batch it was last kept in, its position in that batch's list, rows with it
    /// so far, line of the last of them).
    seen: std::collections::HashMap<String, (u64, usize, usize, usize)>,
    /// Batches kept so far.
    batch: u64,
}

impl LastOfEachId {
    /// One batch's rows with one record per id, in the order their ids first appear.
    pub(crate) fn keep(&mut self, rows: Vec<(usize, ParsedDocument)>) -> Vec<ParsedDocument> {
        let batch = self.batch;
        self.batch += 1;
        self.seen.reserve(rows.len());
        let mut kept: Vec<ParsedDocument> = Vec::with_capacity(rows.len());
        for (line, mut document) in rows {
            let Some((in_batch, at, count, last_line)) = self.seen.get_mut(&document.record.id)
            else {
                self.seen
                    .insert(document.record.id.clone(), (batch, kept.len(), 1, line));
                kept.push(document);
                continue;
            };
            let earlier = match (*count, *last_line) {
                (1, 0) => "an earlier row".to_string(),
                (1, l) => format!("the row on line {l}"),
                (n, 0) => format!("{n} earlier rows"),
                (n, l) => format!("{n} earlier rows, the last on line {l}"),
            };
            document.warnings.push(IngestError {
                path: document.record.path.clone(),
                line: (line > 0).then_some(line),
                reason: format!(
                    "same id {} as {earlier}: this later row is kept in its place",
                    document.record.id
                ),
            });
            *count += 1;
            *last_line = line;
            if *in_batch == batch {
                kept[*at] = document;
            } else {
                (*in_batch, *at) = (batch, kept.len());
                kept.push(document);
            }
        }
        kept
    }
}

/// Reads one file that holds one document and parses it into a record.
pub fn read_document(path: &Path) -> Result<ParsedDocument, IngestError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|err| IngestError {
        path: shown.clone(),
        line: None,
        reason: format!("cannot read file: {err}"),
    })?;
    let decoded = text::decode(&bytes).map_err(|reason| IngestError {
        path: shown.clone(),
        line: None,
        reason,
    })?;
    let mut document = parse_document(&shown, &decoded.text)?;
    document
        .warnings
        .extend(decoding_warnings(&shown, decoded.warnings));
    Ok(document)
}

/// Recognises the shape of already-decoded `text` and parses it. `path` is recorded in the
/// record and in errors.
pub fn parse_document(path: &str, text: &str) -> Result<ParsedDocument, IngestError> {
    let text = text::normalize_line_ends(text);
    if text.trim().is_empty() {
        return Err(IngestError {
            path: path.to_string(),
            line: None,
            reason: "the file is empty: nothing to index".to_string(),
        });
    }
    let mut warnings = Warnings::new(path);
    let mut record = match detect_shape(&text) {
        DocumentShape::EsfPlusRecord => esf_plus::parse(path, &text, &mut warnings),
        DocumentShape::EsfProjectPage => esf_page::parse(path, &text, &mut warnings),
        // detect_shape never answers TableRecord: tables are recognised before, in parse_file.
        DocumentShape::WebPage | DocumentShape::TableRecord => web_page::parse(path, &text),
    };
    if record.id.is_empty() {
        record.id = content_id(&text);
    }
    if record.title.is_empty() {
        record.title = record.id.clone();
    }
    names::normalize_record(&mut record);
    Ok(ParsedDocument {
        record,
        warnings: warnings.list,
    })
}

/// Decides the document shape from the content alone.
pub fn detect_shape(text: &str) -> DocumentShape {
    if esf_plus::looks_like(text) {
        DocumentShape::EsfPlusRecord
    } else if esf_page::looks_like(text) {
        DocumentShape::EsfProjectPage
    } else {
        DocumentShape::WebPage
    }
}

/// A stable id for a document that carries no diarienummer, derived from its content so
/// that indexing the same file again replaces the record instead of duplicating it.
/// FNV-1a is used because its output never changes between Rust releases (std's hasher may).
pub fn content_id(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.trim().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("doc-{hash:016x}")
}
