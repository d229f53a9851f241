//! Errors a user can act on. Each message says what is wrong and, where there is one,
//! what to do next.

use std::fmt;
use std::path::PathBuf;

/// Everything that can stop a fynd command.
#[derive(Debug)]
pub enum FyndError {
    /// No index where one was expected.
    NoIndex {
        /// The folder that was looked in.
        dir: PathBuf,
    },
    /// Another process holds the index's writer lock.
    IndexLocked {
        /// The index folder.
        dir: PathBuf,
    },
    /// The index was built with another schema (an older or newer fynd).
    IncompatibleIndex {
        /// The index folder.
        dir: PathBuf,
    },
    /// `--filter` named a key that is not a facet.
    UnknownFilterKey {
        /// What the user typed.
        key: String,
    },
    /// `--filter` was not of the form KEY=VALUE.
    BadFilter {
        /// What the user typed.
        text: String,
    },
    /// A date option did not hold a date.
    BadDate {
        /// Which option (`--from`, `--to`).
        option: String,
        /// What the user typed.
        value: String,
    },
    /// `--sort` named something that cannot be sorted on.
    BadSort {
        /// What the user typed.
        text: String,
    },
    /// `--near` (or `near=`) was no number of words from 0 to 10.
    BadNear {
        /// What the user typed.
        text: String,
    },
    /// `--match` (or `match=`) named no match mode.
    BadMatchMode {
        /// What the user typed.
        text: String,
    },
    /// A range flag (`--budget`, `--start`, …) did not hold a range.
    BadRange {
        /// Which flag.
        option: String,
        /// What the user typed.
        value: String,
        /// 0-based character position of the problem in `value`.
        position: usize,
        /// What is wrong there.
        message: String,
    },
    /// `fynd show` was given an id no record has.
    NoRecord {
        /// The id asked for.
        id: String,
        /// Ids in the index that look like it.
        similar: Vec<String>,
    },
    /// The query could not be parsed.
    QuerySyntax {
        /// The whole query.
        query: String,
        /// 0-based character position of the problem.
        position: usize,
        /// What is wrong there.
        message: String,
    },
    /// A file or folder could not be read or written.
    Io {
        /// Which one.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// `fynd index --strict` met files it skipped or values it could not read.
    Strict {
        /// How many problems the summary lists.
        problems: usize,
    },
    /// A line of a `fynd bench` query file that cannot be read.
    BadBenchQuery {
        /// The query file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong, and what to write instead.
        reason: String,
    },
    /// An option of a research view (`fynd trend`, `kwic`, `similar`, `cooccur`) that
    /// cannot be used as given.
    BadView {
        /// Which option (`--by`, `--sum`, `--plot`, …).
        option: String,
        /// What is wrong, and what to write instead.
        message: String,
    },
    /// The search library failed.
    Tantivy(tantivy::TantivyError),
}

impl fmt::Display for FyndError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FyndError::NoIndex { dir } => write!(
                f,
                "no index at {}/: run `fynd index corpus` first (or pass --index DIR)",
                dir.display()
            ),
            FyndError::IndexLocked { dir } => write!(
                f,
                "index is locked by another fynd process ({}/): wait for it to finish, then run again",
                dir.display()
            ),
            FyndError::IncompatibleIndex { dir } => write!(
                f,
                "the index at {}/ was built by another version of fynd: delete that folder and run `fynd index` again",
                dir.display()
            ),
            FyndError::UnknownFilterKey { key } => write!(
                f,
                "unknown filter key {key:?}: valid keys are {}",
                crate::schema::FacetKey::names()
            ),
            FyndError::BadFilter { text } => write!(
                f,
                "bad filter {text:?}: write KEY=VALUE, e.g. --filter fund=ESF+ (keys: {})",
                crate::schema::FacetKey::names()
            ),
            FyndError::BadDate { option, value } => write!(
                f,
                "bad date {value:?} for {option}: write YYYY-MM-DD (e.g. 2023-10-02) or a year (2023)"
            ),
            FyndError::BadSort { text } => write!(
                f,
                "cannot sort by {text:?}: write relevance, start, end, published, budget, granted, participants or cofinancing_rate, optionally followed by :asc or :desc (e.g. --sort start:desc)"
            ),
            FyndError::BadNear { text } => write!(
                f,
                "bad --near {text:?}: write how many words may stand between a compound's parts, 0 to {} (default {}; broad mode for anywhere)",
                crate::query::match_mode::MAX_WORDS_BETWEEN_PARTS,
                crate::query::match_mode::WORDS_BETWEEN_PARTS
            ),
            FyndError::BadMatchMode { text } => write!(
                f,
                "unknown match mode {text:?}: write exact, compound or broad (e.g. --match exact); compound is the default"
            ),
            FyndError::BadRange {
                option,
                value,
                position,
                message,
            } => write!(
                f,
                "bad range for {option} at position {}: {message}\n  {value}\n  {}^",
                position + 1,
                " ".repeat(*position)
            ),
            FyndError::NoRecord { id, similar } => {
                write!(f, "no record with id {id:?}")?;
                if similar.is_empty() {
                    write!(f, ": search for it with `fynd search` to find its id")
                } else {
                    write!(f, "; did you mean {}?", similar.join(", "))
                }
            }
            FyndError::QuerySyntax {
                query,
                position,
                message,
            } => write!(
                f,
                "query syntax error at position {}: {message}\n  {query}\n  {}^",
                position + 1,
                " ".repeat(*position)
            ),
            FyndError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            FyndError::Strict { problems } => write!(
                f,
                "{problems} problems in the input (listed above) and --strict is on; everything else was indexed"
            ),
            FyndError::BadBenchQuery { path, line, reason } => {
                write!(f, "{}:{line}: {reason}", path.display())
            }
            FyndError::BadView { option, message } => write!(f, "{option}: {message}"),
            FyndError::Tantivy(err) => write!(f, "search index error: {err}"),
        }
    }
}

impl std::error::Error for FyndError {}

impl From<tantivy::TantivyError> for FyndError {
    fn from(err: tantivy::TantivyError) -> FyndError {
        FyndError::Tantivy(err)
    }
}
