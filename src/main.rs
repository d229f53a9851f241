//! The `fynd` command line: argument parsing and printing only; the work is in the library.

use clap::{Parser, Subcommand};
use fynd::index::{index_paths, FyndIndex, DEFAULT_WRITER_MEMORY};
use fynd::output::{json::write_json, progress::FileProgressBar, text};
use fynd::query::filters::{FacetFilter, PeriodFilter};
use fynd::query::{search, SearchRequest};
use fynd::schema::FacetKey;
use fynd::FyndError;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fynd",
    version,
    about = "Full-text search for Swedish project documents (ESF / ESF+ records, reports, pages)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index documents (files or folders) into the index, replacing records with the same id.
    Index {
        /// Files or folders to index.
        #[arg(default_value = "corpus")]
        paths: Vec<PathBuf>,
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Search the index.
    Search {
        /// Query: words (all required), "a phrase", OR, -word / NOT word, field:value. Empty: everything.
        query: String,
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Hits to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Hits to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Keep documents with facet KEY=VALUE (repeatable; same key: any value, different keys: all).
        #[arg(long = "filter", value_name = "KEY=VALUE")]
        filters: Vec<String>,
        /// Keep projects whose period overlaps from this date (YYYY-MM-DD or YYYY).
        #[arg(long)]
        from: Option<String>,
        /// Keep projects whose period overlaps up to this date (YYYY-MM-DD or YYYY).
        #[arg(long)]
        to: Option<String>,
        /// Facets to count, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "fund,region,programme_area,year,owner"
        )]
        facets: Vec<String>,
        /// Values to show per facet.
        #[arg(long, default_value_t = 10)]
        facet_limit: usize,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(FyndError::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), FyndError> {
    let mut out = std::io::stdout().lock();
    let written = |result: std::io::Result<()>| {
        result.map_err(|source| FyndError::Io {
            path: PathBuf::from("<stdout>"),
            source,
        })
    };
    match cli.command {
        Command::Index { paths, index, json } => {
            let mut progress = FileProgressBar::new();
            let summary = index_paths(&index, &paths, DEFAULT_WRITER_MEMORY, &mut progress)?;
            if json {
                written(write_json(&mut out, &summary))?;
            } else {
                written(text::write_index_summary(
                    &mut out,
                    &summary,
                    &index.display().to_string(),
                ))?;
            }
        }
        Command::Search {
            query,
            index,
            limit,
            offset,
            filters,
            from,
            to,
            facets,
            facet_limit,
            json,
        } => {
            let facets = facets
                .iter()
                .filter(|name| !name.trim().is_empty())
                .map(|name| {
                    FacetKey::parse(name.trim()).ok_or_else(|| FyndError::UnknownFilterKey {
                        key: name.trim().to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let request = SearchRequest {
                query,
                filters: FacetFilter::parse_all(&filters)?,
                period: PeriodFilter::parse(from.as_deref(), to.as_deref())?,
                limit,
                offset,
                facets,
                facet_limit,
            };
            let index = FyndIndex::open(&index)?;
            let response = search(&index, &request)?;
            if json {
                written(write_json(&mut out, &response))?;
            } else {
                written(text::write_search(
                    &mut out,
                    &response,
                    text::Highlight::for_stdout(),
                ))?;
            }
        }
    }
    written(out.flush())
}
