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
    /// A file of the index cannot be read as what it should be (cut short, overwritten,
    /// from another program): the index must be built anew from the documents.
    DamagedIndex {
        /// The index folder.
        dir: PathBuf,
        /// The damaged file, as named in the folder.
        file: String,
        /// What is wrong with it, as the reader of that file says.
        detail: String,
    },
    /// `fynd check` found the index damaged or out of step with its manifest.
    CheckFailed {
        /// The index folder.
        dir: PathBuf,
        /// How many findings the report lists.
        findings: usize,
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
    /// `fynd index` was given a path that does not exist.
    NoSuchPath {
        /// The path as given.
        path: PathBuf,
    },
    /// `fynd index` found no file to index under the paths it was given.
    NoFiles {
        /// The paths as given.
        paths: Vec<PathBuf>,
        /// Files seen but not indexable (Markdown notes, unreadable entries).
        passed_over: usize,
    },
    /// `--column` was not of the form HEADER=FIELD with a known field.
    BadColumn {
        /// What is wrong and what to write instead.
        message: String,
    },
    /// A search or export matched no record: not a failure of fynd, but a script must be
    /// able to tell it from a result (exit code 1, as grep and ripgrep do).
    NoMatch {
        /// The query as typed.
        query: String,
        /// Whether the search was an export (`--format`).
        export: bool,
    },
    /// `--fields` named a column an export does not have.
    BadField {
        /// What the user typed.
        field: String,
    },
    /// Export options that do not go together.
    BadExport {
        /// What is wrong and what to write instead.
        message: String,
    },
    /// An option of a research view (`fynd trend`, `kwic`, `similar`, `cooccur`) that
    /// cannot be used as given.
    BadView {
        /// Which option (`--by`, `--sum`, `--plot`, …).
        option: String,
        /// What is wrong, and what to write instead.
        message: String,
    },
    /// A request took longer than the server allows it (its work was stopped).
    TimedOut {
        /// The time it was given, in milliseconds.
        limit_ms: u64,
    },
    /// The search library failed.
    Tantivy(tantivy::TantivyError),
}

impl FyndError {
    /// The process exit code for this error: 1 when nothing matched, 2 for every error
    /// (the convention of grep and ripgrep, so `if fynd search …` works in a script).
    pub fn exit_code(&self) -> u8 {
        match self {
            // A negative answer, not a failure: as grep finding nothing, or diff finding
            // differences.
            FyndError::NoMatch { .. } | FyndError::CheckFailed { .. } => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for FyndError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FyndError::NoIndex { dir } => write!(
                f,
                "no index at {}/: run `fynd index corpus` first (or pass --index DIR)",
                dir.display()
            ),
            FyndError::DamagedIndex { dir, file, detail } => write!(
                f,
                "the index at {}/ is damaged: {file} cannot be read ({detail}). Build it anew from your documents with `fynd index --rebuild --index {} PATH...`; `fynd check --index {}` lists every damaged file",
                dir.display(),
                dir.display(),
                dir.display()
            ),
            FyndError::CheckFailed { dir, findings } => write!(
                f,
                "{findings} problem(s) in the index at {}/, listed above with what to do",
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
            } => {
                // At most 40 characters either side of the problem, so that a query of
                // thousands of characters gives a readable message.
                let from = position.saturating_sub(40);
                let shown: String = query.chars().skip(from).take(81).collect();
                let before = if from > 0 { "…" } else { "" };
                let after = if query.chars().count() > from + 81 { "…" } else { "" };
                write!(
                    f,
                    "query syntax error at position {}: {message}\n  {before}{shown}{after}\n  {}^",
                    position + 1,
                    " ".repeat(position - from + before.chars().count())
                )
            }
            FyndError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            FyndError::Strict { problems } => write!(
                f,
                "{problems} problems in the input (listed above) and --strict is on; everything else was indexed"
            ),
            FyndError::BadBenchQuery { path, line, reason } => {
                write!(f, "{}:{line}: {reason}", path.display())
            }
            FyndError::Tantivy(
                err @ (tantivy::TantivyError::DataCorruption(_)
                | tantivy::TantivyError::DeserializeError(_)
                | tantivy::TantivyError::IoError(_)),
            ) => write!(
                f,
                "the index could not be read ({err}): it may be damaged. `fynd check` names the damaged files; `fynd index --rebuild PATH...` builds the index anew from your documents"
            ),
            FyndError::NoSuchPath { path } => write!(
                f,
                "{}: no such file or folder; nothing was indexed (check the path, or list the folder with `ls`)",
                path.display()
            ),
            FyndError::NoFiles { paths, passed_over } => {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(f, "no file to index found in {}", shown.join(", "))?;
                if *passed_over > 0 {
                    write!(f, " ({passed_over} passed over: Markdown notes or unreadable entries)")?;
                }
                write!(
                    f,
                    "; nothing was indexed. fynd reads .txt, .html, .csv, .tsv, .json, .jsonl, .pdf, .docx and .odt files"
                )
            }
            FyndError::BadColumn { message } | FyndError::BadExport { message } => {
                f.write_str(message)
            }
            FyndError::BadField { field } => write!(
                f,
                "no export column {field:?}: columns are {}, {}, or extra.KEY for one key of extra",
                crate::output::export::CSV_COLUMNS.join(", "),
                crate::output::export::OPTIONAL_COLUMNS.join(", ")
            ),
            FyndError::NoMatch { query, export } => write!(
                f,
                "no record matches {query:?}{}: try fewer words, --match broad, or fewer filters",
                if *export { "; the export holds no rows" } else { "" }
            ),
            FyndError::BadView { option, message } => write!(f, "{option}: {message}"),
            FyndError::TimedOut { limit_ms } => write!(
                f,
                "request timed out after {limit_ms} ms and was stopped: narrow the search (fewer words, a filter) or try again"
            ),
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

impl FyndError {
    /// The error for `file` of the index in `dir` failing to load with `source`: a damaged
    /// index when the bytes are there but wrong, a plain I/O error when the file cannot be
    /// read at all (permissions, a missing disk), which rebuilding would not mend.
    pub fn loading(dir: &std::path::Path, file: &str, source: std::io::Error) -> FyndError {
        use std::io::ErrorKind;
        match source.kind() {
            ErrorKind::PermissionDenied | ErrorKind::NotFound | ErrorKind::Interrupted => {
                FyndError::Io {
                    path: dir.join(file),
                    source,
                }
            }
            _ => FyndError::DamagedIndex {
                dir: dir.to_path_buf(),
                file: file.to_string(),
                detail: source.to_string(),
            },
        }
    }

    /// The error for tantivy failing to open the index in `dir`: a damaged index when a
    /// file's content is wrong, as it was otherwise.
    pub fn opening(dir: &std::path::Path, err: tantivy::TantivyError) -> FyndError {
        match err {
            tantivy::TantivyError::SchemaError(_) => FyndError::IncompatibleIndex {
                dir: dir.to_path_buf(),
            },
            tantivy::TantivyError::DataCorruption(corruption) => {
                // tantivy names the file only in the error's text: "(in file `\"x\"`)".
                let text = format!("{corruption:?}");
                let file = text
                    .split_once("in file `\"")
                    .and_then(|(_, rest)| rest.split_once("\"`"))
                    .map_or_else(|| "an index file".to_string(), |(file, _)| file.to_string());
                // Without the file's content, which tantivy quotes at length.
                let detail = text.split(" Content: ").next().unwrap_or_default();
                FyndError::DamagedIndex {
                    dir: dir.to_path_buf(),
                    file,
                    detail: detail.chars().take(200).collect(),
                }
            }
            tantivy::TantivyError::IoError(io) => FyndError::DamagedIndex {
                dir: dir.to_path_buf(),
                file: "a segment file".to_string(),
                detail: io.to_string(),
            },
            other => FyndError::Tantivy(other),
        }
    }
}
