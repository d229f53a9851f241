//! The `fynd` command line: argument parsing and printing only; the work is in the library.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// mimalloc instead of the system allocator: indexing frees and allocates millions of small
/// strings on two threads, and glibc's per-thread arenas kept freed memory (a 100 000
/// document index held 650 MB resident for 280 MB of live heap).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use fynd::bench::{self, BenchOptions};
use fynd::corpus_gen::{self, GenOptions};
use fynd::index::{check_index, delete_records, index_paths_with, FyndIndex, IndexOptions};
use fynd::ingest::{columns::ColumnMap, ReadOptions};
use fynd::output::export::{write_export_with, ExportFormat, ExportOptions};
use fynd::output::progress::{CountProgressBar, FileProgressBar};
use fynd::output::{json::write_json, record_view, text};
use fynd::query::filters::facet_key;
use fynd::query::options::SearchOptions;
use fynd::query::range::RangeField;
use fynd::query::{export, facet_values, lookup, search};
use fynd::server::ServerConfig;
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

/// Filters shared by `search` and `facets`.
#[derive(Args)]
struct FilterArgs {
    /// Index folder.
    #[arg(long, default_value = "index")]
    index: PathBuf,
    /// Keep documents with facet KEY=VALUE (repeatable; same key: any value, different keys: all).
    /// KEY in English or Swedish (fond, ägare, …); VALUE in any case, with or without diacritics.
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    filters: Vec<String>,
    /// Keep projects whose period overlaps from this date (YYYY-MM-DD or YYYY).
    #[arg(long)]
    from: Option<String>,
    /// Keep projects whose period overlaps up to this date (YYYY-MM-DD or YYYY).
    #[arg(long)]
    to: Option<String>,
    /// Total budget in SEK: '>=5000000', '<1000000', '[1000000 TO 5000000]', '2500000'.
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    budget: Option<String>,
    /// Granted EU support in SEK, as for --budget.
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    granted: Option<String>,
    /// Number of participants: '>0', '[10 TO 50]'.
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    participants: Option<String>,
    /// EU co-financing rate in percent: '>=50'.
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    cofinancing_rate: Option<String>,
    /// Project start: '[2023-01-01 TO 2023-12-31]', '>=2023', '2024'.
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    start: Option<String>,
    /// Project end, as for --start.
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    end: Option<String>,
    /// Publication date of a page, as for --start.
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    published: Option<String>,
    /// What a word matches: exact (the word and its inflections), compound (also inside
    /// longer compounds, and a compound's parts as words close together; the default) or
    /// broad (a compound's parts anywhere in the document).
    #[arg(long = "match", value_name = "MODE", default_value = "compound")]
    match_mode: String,
    /// In compound mode: how many words may stand between a compound's parts written as
    /// words of their own (0 to 10; default 2).
    #[arg(long, value_name = "N")]
    near: Option<String>,
}

impl FilterArgs {
    fn options(&self, query: String) -> SearchOptions {
        let flags = [
            (RangeField::Budget, &self.budget),
            (RangeField::Granted, &self.granted),
            (RangeField::Participants, &self.participants),
            (RangeField::CofinancingRate, &self.cofinancing_rate),
            (RangeField::Start, &self.start),
            (RangeField::End, &self.end),
            (RangeField::Published, &self.published),
        ];
        SearchOptions {
            query,
            filters: self.filters.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            ranges: flags
                .into_iter()
                .filter_map(|(field, text)| text.clone().map(|text| (field, text)))
                .collect(),
            sort: None,
            facets: None,
            match_mode: Some(self.match_mode.clone()),
            near: self.near.clone(),
        }
    }
}

/// Export formats for `search --format`.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Jsonl,
    Json,
    Text,
    /// An Excel workbook; write it to a file (`> hits.xlsx`).
    Xlsx,
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
        /// Memory the index writer may use, in MB.
        #[arg(long, default_value_t = 256)]
        memory_mb: usize,
        /// Commit after this many records, so a stopped run keeps its work.
        #[arg(long, default_value_t = 10_000)]
        commit_every: usize,
        /// Keep the records of files that are gone from the indexed folders.
        #[arg(long)]
        no_prune: bool,
        /// Skip files larger than this, in MB.
        #[arg(long, default_value_t = 64)]
        max_file_mb: u64,
        /// Exit with an error when any file was skipped or any value could not be read.
        #[arg(long)]
        strict: bool,
        /// Build the index anew from these paths: forget what it holds, learn the lexicon again.
        #[arg(long)]
        rebuild: bool,
        /// Learn a new index's lexicon from at most this many files, spread evenly over a
        /// larger corpus; 0 learns from every file.
        #[arg(long, default_value_t = fynd::index::DEFAULT_LEXICON_SAMPLE)]
        lexicon_sample: usize,
        /// Read a table column as a record field: "HEADER=FIELD" (repeatable), e.g.
        /// --column "Beviljat ESF-stöd=granted". Fields: id, title, body, owner, region,
        /// counties, municipalities, start, end, granted, budget, fund, … (see README).
        #[arg(long = "column", value_name = "HEADER=FIELD")]
        columns: Vec<String>,
        /// Leave the segments as written: do not merge the small ones at the end of the run
        /// (the run ends sooner; searches open more segments, and are slower).
        #[arg(long)]
        no_merge: bool,
    },
    /// Remove records from the index by id.
    Delete {
        /// Ids of the records to remove.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Search the index.
    Search {
        /// Query: words (all required), "a phrase", OR, -word / NOT word, field:value,
        /// budget:>=5000000, start:[2023-01-01 TO 2023-12-31]. Empty: everything.
        query: String,
        #[command(flatten)]
        filter: FilterArgs,
        /// Hits to show (default 10; with --format, all).
        #[arg(long)]
        limit: Option<usize>,
        /// Hits to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Order: relevance (default), start, end, published, budget, granted, participants
        /// or cofinancing_rate, optionally :asc or :desc (e.g. start:desc).
        #[arg(long, default_value = "relevance")]
        sort: String,
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
        /// Print exactly one JSON object (this page of hits, with facet counts).
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// Export every hit (not just a page) in this format, streaming.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Export these columns, in this order (comma-separated): any of the CSV columns,
        /// body (the whole text), passage (the best-matching passage), or extra.KEY for one
        /// key of extra as a column of its own. Default: every metadata column.
        #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
        fields: Vec<String>,
        /// CSV that Excel with Swedish settings opens directly: UTF-8 byte-order mark,
        /// semicolons, decimal comma (implies --format csv).
        #[arg(long, conflicts_with = "json")]
        excel: bool,
        /// Say how the query was read: each word's terms and forms in the corpus, compound
        /// splits and why, spellings, corrections, the match mode and its window.
        #[arg(long, conflicts_with = "format")]
        explain: bool,
    },
    /// Show one record: all its metadata, then its text.
    Show {
        /// The record's id (its diarienummer, or the doc-… id shown in search results).
        id: String,
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Print the record as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Generate a realistic corpus of project documents for benchmarks (deterministic:
    /// the same seed gives the same bytes).
    GenCorpus {
        /// Number of documents.
        #[arg(long)]
        docs: u64,
        /// Output folder (documents under docs/, compound-part truth in truth.tsv).
        #[arg(long)]
        out: PathBuf,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write the records as JSON Lines to this file (for loading other engines).
        #[arg(long, value_name = "FILE")]
        records: Option<PathBuf>,
        /// Count distinct word forms over the generated text (uses memory at 1M documents).
        #[arg(long)]
        count_words: bool,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Time a mix of queries against an index: latency percentiles and queries per second
    /// per class, index size and segment count.
    Bench {
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Query file (CLASS | QUERY | OPTION…); default: the built-in benches/queries.txt.
        #[arg(long)]
        queries: Option<PathBuf>,
        /// Timed rounds over the whole mix.
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        /// Untimed warm-up rounds.
        #[arg(long, default_value_t = 2)]
        warmup: usize,
        /// Threads each query may use (default: one per core, as `fynd search` does).
        #[arg(long)]
        threads: Option<usize>,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List every value of one facet with its count, over all documents or those a query
    /// and filters match.
    Facets {
        /// The facet key (fund, region, nuts2, programme_area, specific_objective, owner, year,
        /// shape, or a Swedish name such as fond, ägare, programområde).
        key: String,
        /// Query to count over (default: every document).
        #[arg(default_value = "")]
        query: String,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Verify an index: every segment file against its checksum, the lexicon and manifest
    /// readable, the manifest's record ids against the index's; exits non-zero when
    /// anything is wrong, saying what to do.
    Check {
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Research view: matching projects per year (or start year, fund, region, county,
    /// programme area), several queries side by side, as a table with bars, JSON, CSV or a
    /// chart (SVG or PNG).
    Trend {
        /// Queries, one series each (quote a query of several words).
        #[arg(required = true)]
        queries: Vec<String>,
        /// Buckets: year (every year a project runs), start_year, fund, region, county or
        /// programme_area.
        #[arg(long, default_value = "year")]
        by: String,
        /// Show each count as a share of all projects in its bucket (same filters, no query).
        #[arg(long)]
        share: bool,
        /// Also sum this money per bucket: granted or budget.
        #[arg(long, value_name = "FIELD")]
        sum: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON object.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV: one row per query and bucket.
        #[arg(long)]
        csv: bool,
        /// Also draw the trend as a chart into this file: SVG or PNG, by its extension.
        #[arg(long, value_name = "FILE.svg|FILE.png")]
        plot: Option<PathBuf>,
    },
    /// Research view: every occurrence of the query's words in the matching records, one
    /// concordance line each, aligned on the match, with the record id; streamed.
    Kwic {
        /// Query, as for search.
        query: String,
        /// Characters of context on each side.
        #[arg(long, default_value_t = 40)]
        width: usize,
        /// Order: doc (records in search's order, streams), left (by the words before the
        /// match) or right (by the match and the words after it).
        #[arg(long, default_value = "doc")]
        sort: String,
        /// Most lines (0: all of them).
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON object (its lines streamed).
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV, one row per line.
        #[arg(long)]
        csv: bool,
    },
    /// Research view: the projects most like one, each with the shared terms (words and
    /// compound parts) that explain the likeness.
    Similar {
        /// The record's id (as `fynd show` takes it).
        id: String,
        /// Projects to list.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Research view: words and compound parts over-represented in the projects a query
    /// matches, ranked by Dunning's log-likelihood (G²), with the counts behind it.
    Cooccur {
        /// Query, as for search.
        query: String,
        /// Terms to list.
        #[arg(long, default_value_t = 30)]
        limit: usize,
        /// Fewest matching projects a term must occur in.
        #[arg(long, default_value_t = 3)]
        min_count: u64,
        #[command(flatten)]
        filter: FilterArgs,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Serve the HTTP JSON API and the search page (read-only) until Ctrl-C.
    Serve {
        /// Index folder.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Address to listen on. Beyond loopback (e.g. 0.0.0.0) every request must carry
        /// the access token: --token, or one generated and printed.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 7700)]
        port: u16,
        /// Access token every request must carry (`Authorization: Bearer TOKEN`, or the
        /// printed address once in a browser); at least 16 letters, digits or - . _ ~.
        /// Also read from FYND_TOKEN, which other users cannot see in the process list.
        #[arg(long, env = "FYND_TOKEN", value_parser = fynd::server::access::parse_token)]
        token: Option<String>,
        /// A host name browsers may reach the server by, besides localhost and IP
        /// addresses (a guard against DNS rebinding); repeatable.
        #[arg(long = "allow-host", value_name = "NAME", value_parser = fynd::server::access::parse_host)]
        allow_host: Vec<String>,
        /// Most connections open at once; more are answered 503.
        #[arg(long, default_value_t = fynd::server::MAX_CONNECTIONS as u32,
              value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max_connections: u32,
        /// Requests whose work runs at once; others wait in turn (default: twice the
        /// cores, at least 4).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
        workers: Option<u32>,
    },
}

/// Whether a command named `subcommand` (the first argument) runs with transparent huge
/// pages: indexing keeps large tables for minutes; every other command is a query or a few.
fn keeps_huge_pages(subcommand: Option<&[u8]>) -> bool {
    matches!(subcommand, Some(b"index" | b"gen-corpus"))
}

/// Turns transparent huge pages off, where the command does not keep them, before the
/// standard library starts the program: its start-up allocates, and the allocator's first
/// pages would be huge pages, each zeroed whole. glibc calls the functions of
/// `.init_array` with the program's arguments (as the standard library's own reading of
/// them relies on); elsewhere `main` turns them off, after that first allocation.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[used]
#[link_section = ".init_array"]
static HUGE_PAGES_DECIDED_BEFORE_START: extern "C" fn(
    libc::c_int,
    *const *const libc::c_char,
    *const *const libc::c_char,
) = decide_huge_pages_before_start;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" fn decide_huge_pages_before_start(
    argc: libc::c_int,
    argv: *const *const libc::c_char,
    _env: *const *const libc::c_char,
) {
    let subcommand = (argc > 1 && !argv.is_null()).then(|| {
        // SAFETY: glibc passes the program's argc and argv, `argc` strings that stay valid
        // for the life of the process.
        unsafe { std::ffi::CStr::from_ptr(*argv.add(1)) }.to_bytes()
    });
    if !keeps_huge_pages(subcommand) {
        fynd::process::disable_transparent_huge_pages();
    }
}

fn main() -> ExitCode {
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let subcommand = std::env::args_os().nth(1);
        if !keeps_huge_pages(subcommand.as_ref().map(|name| name.as_encoded_bytes())) {
            fynd::process::disable_transparent_huge_pages();
        }
    }
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(FyndError::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(err @ FyndError::NoMatch { .. }) => {
            eprintln!("{err}");
            ExitCode::from(err.exit_code())
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
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
        Command::Index {
            paths,
            index,
            json,
            memory_mb,
            commit_every,
            no_prune,
            max_file_mb,
            strict,
            rebuild,
            lexicon_sample,
            columns,
            no_merge,
        } => {
            let columns =
                ColumnMap::parse(&columns).map_err(|message| FyndError::BadColumn { message })?;
            let options = IndexOptions {
                read: ReadOptions { columns },
                memory_bytes: memory_mb.max(16) * 1024 * 1024,
                commit_every: commit_every.max(1),
                prune: !no_prune,
                max_file_bytes: max_file_mb * 1024 * 1024,
                rebuild,
                lexicon_sample,
                merge_at_end: !no_merge,
                ..IndexOptions::default()
            };
            let mut progress = FileProgressBar::new();
            let summary = index_paths_with(&index, &paths, &options, &mut progress)?;
            if json {
                written(write_json(&mut out, &summary))?;
            } else {
                written(text::write_index_summary(
                    &mut out,
                    &summary,
                    &index.display().to_string(),
                ))?;
            }
            let problems = summary.skipped.len() + summary.warnings.len();
            if strict && problems > 0 {
                written(out.flush())?;
                return Err(FyndError::Strict { problems });
            }
        }
        Command::Check { index, json } => {
            let report = check_index(&index)?;
            if json {
                written(write_json(&mut out, &report))?;
            } else {
                written(text::write_check_report(&mut out, &report))?;
            }
            if !report.is_sound() {
                written(out.flush())?;
                return Err(FyndError::CheckFailed {
                    dir: index,
                    findings: report.advice.len(),
                });
            }
        }
        Command::Delete { ids, index, json } => {
            let summary = delete_records(&index, &ids)?;
            if json {
                written(write_json(&mut out, &summary))?;
            } else {
                written(text::write_delete_summary(&mut out, &summary))?;
            }
        }
        Command::Search {
            query,
            filter,
            limit,
            offset,
            sort,
            facets,
            facet_limit,
            json,
            format,
            fields,
            excel,
            explain,
        } => {
            let format = match (format, excel) {
                (None, true) => Some(Format::Csv),
                (Some(format), true) if !matches!(format, Format::Csv) => {
                    return Err(FyndError::BadExport {
                        message: "--excel writes CSV: use it with --format csv or alone"
                            .to_string(),
                    })
                }
                (format, _) => format,
            };
            let export_options = ExportOptions::new(fields, excel)?;
            let mut options = filter.options(query);
            options.sort = Some(sort);
            options.facets = Some(facets);
            let mut request = options.request()?;
            request.facet_limit = facet_limit;
            request.offset = offset;
            request.explain = explain;
            // Never dropped: the process ends right after the search, and the kernel
            // unmaps the index's files at exit in one pass, where dropping unmaps each
            // file (and stops the search threads) first.
            let index = std::mem::ManuallyDrop::new(FyndIndex::open(&filter.index)?);
            let style = text::Highlight::for_stdout();
            if let Some(format) = format {
                request.limit = limit.unwrap_or(usize::MAX);
                let format = match format {
                    Format::Csv => ExportFormat::Csv,
                    Format::Jsonl => ExportFormat::Jsonl,
                    Format::Json => ExportFormat::Json,
                    Format::Text => ExportFormat::Text,
                    Format::Xlsx => ExportFormat::Xlsx,
                };
                if format == ExportFormat::Xlsx && std::io::IsTerminal::is_terminal(&out) {
                    return Err(FyndError::BadExport {
                        message: "an xlsx file is binary: send it to a file, e.g. \
                                  fynd search samverkan --format xlsx > hits.xlsx"
                            .to_string(),
                    });
                }
                let passages = format == ExportFormat::Text || export_options.wants_passage();
                let hits = export::export(&index, &request, passages)?;
                let matched = hits.total;
                write_export_with(&mut out, hits, format, style, &export_options)?;
                if matched == 0 {
                    written(out.flush())?;
                    return Err(FyndError::NoMatch {
                        query: request.query.clone(),
                        export: true,
                    });
                }
            } else {
                request.limit = limit.unwrap_or(10);
                let response = search(&index, &request)?;
                if json {
                    written(write_json(&mut out, &response))?;
                } else {
                    written(text::write_search(&mut out, &response, style))?;
                    if explain {
                        written(text::write_reading(&mut out, &response.explain))?;
                    }
                }
                if response.total == 0 {
                    written(out.flush())?;
                    return Err(FyndError::NoMatch {
                        query: response.query.clone(),
                        export: false,
                    });
                }
            }
        }
        Command::Show { id, index, json } => {
            let index = FyndIndex::open(&index)?;
            let record = lookup::find_record(&index, &id)?;
            if json {
                written(write_json(&mut out, &record_view::record_json(&record)))?;
            } else {
                written(record_view::write_record(
                    &mut out,
                    &record,
                    text::Highlight::for_stdout(),
                ))?;
            }
        }
        Command::GenCorpus {
            docs,
            out: folder,
            seed,
            records,
            count_words,
            threads,
            json,
        } => {
            let options = GenOptions {
                docs,
                out: folder,
                seed,
                threads: threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
                records,
                count_words,
            };
            let bar = CountProgressBar::new(docs, "generating");
            let summary = corpus_gen::generate(&options, &|done| bar.set(done))?;
            bar.finish();
            if json {
                written(write_json(&mut out, &summary))?;
            } else {
                written(summary.write_text(&mut out, &options.out))?;
            }
        }
        Command::Bench {
            index,
            queries,
            rounds,
            warmup,
            threads,
            json,
        } => {
            let mix = bench::queries::load(queries.as_deref())?;
            let mut index = FyndIndex::open(&index)?;
            if let Some(threads) = threads {
                index.set_search_threads(threads.max(1))?;
            }
            let options = BenchOptions {
                warmup_rounds: warmup,
                rounds: rounds.max(1),
            };
            let bar = CountProgressBar::new((mix.len() * options.rounds) as u64, "querying");
            let report = bench::run(&index, &mix, options, &|done| bar.set(done as u64))?;
            bar.finish();
            if json {
                written(write_json(&mut out, &report))?;
            } else {
                written(report.write_text(&mut out))?;
            }
        }
        Command::Facets {
            key,
            query,
            filter,
            json,
        } => {
            let key = facet_key(&key)?;
            let request = filter.options(query).request()?;
            let index = FyndIndex::open(&filter.index)?;
            let listing = facet_values(&index, &request, key)?;
            if json {
                written(write_json(&mut out, &listing))?;
            } else {
                written(text::write_facet_listing(&mut out, &listing))?;
            }
        }
        Command::Trend {
            queries,
            by,
            share,
            sum,
            filter,
            json,
            csv,
            plot,
        } => {
            let options = fynd::views::trend::TrendOptions {
                by: fynd::views::trend::TrendBy::parse(&by)?,
                share,
                sum: sum
                    .as_deref()
                    .map(fynd::views::trend::SumField::parse)
                    .transpose()?,
            };
            let base = filter.options(String::new()).request()?;
            let index = FyndIndex::open(&filter.index)?;
            let reader = index.reader()?;
            let trend =
                fynd::views::trend::trend(&index, &reader.searcher(), &base, &queries, options)?;
            if let Some(path) = &plot {
                fynd::output::plot::write_trend(&trend, path)?;
            }
            if json {
                written(write_json(&mut out, &trend))?;
            } else if csv {
                written(fynd::output::views::write_trend_csv(&mut out, &trend))?;
            } else {
                written(fynd::output::views::write_trend(&mut out, &trend))?;
            }
        }
        Command::Kwic {
            query,
            width,
            sort,
            limit,
            filter,
            json,
            csv,
        } => {
            use fynd::views::kwic::{kwic, KwicOptions, KwicSort};
            let options = KwicOptions {
                width: width.clamp(1, 500),
                sort: KwicSort::parse(&sort)?,
                limit,
            };
            let request = filter.options(query).request()?;
            let index = FyndIndex::open(&filter.index)?;
            let reader = index.reader()?;
            let lines = kwic(&index, &reader.searcher(), &request, options)?;
            fynd::output::views::write_kwic(
                &mut out,
                lines,
                options.width,
                json,
                csv,
                text::Highlight::for_stdout(),
            )?;
        }
        Command::Similar {
            id,
            limit,
            index,
            json,
        } => {
            let index = FyndIndex::open(&index)?;
            let reader = index.reader()?;
            let found = fynd::views::similar::similar(&index, &reader.searcher(), &id, limit)?;
            if json {
                written(write_json(&mut out, &found))?;
            } else {
                written(fynd::output::views::write_similar(&mut out, &found))?;
            }
        }
        Command::Cooccur {
            query,
            limit,
            min_count,
            filter,
            json,
        } => {
            let options = fynd::views::cooccur::CooccurOptions { limit, min_count };
            let request = filter.options(query).request()?;
            let index = FyndIndex::open(&filter.index)?;
            let reader = index.reader()?;
            let found =
                fynd::views::cooccur::cooccur(&index, &reader.searcher(), &request, options)?;
            if json {
                written(write_json(&mut out, &found))?;
            } else {
                written(fynd::output::views::write_cooccur(&mut out, &found))?;
            }
        }
        Command::Serve {
            index,
            bind,
            port,
            token,
            allow_host,
            max_connections,
            workers,
        } => {
            drop(out);
            let config = ServerConfig {
                bind,
                port,
                token,
                allowed_hosts: allow_host,
                max_connections: max_connections as usize,
                workers: workers.map_or_else(fynd::server::default_workers, |n| n as usize),
                ..ServerConfig::new(&index)
            };
            return fynd::server::run(&config);
        }
    }
    written(out.flush())
}
