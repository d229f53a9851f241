//! `fynd serve`: a read-only HTTP JSON API over the index (the same answers as
//! `fynd search --json`, `fynd show --json`, `fynd facets --json`, the streamed export, and
//! the research views of `fynd trend`, `kwic`, `similar` and `cooccur` in [`views`]) and a
//! search page served from the binary itself.
//!
//! The server sits at the output end of the pipeline: it turns HTTP query parameters into a
//! [`crate::query::SearchRequest`] ([`params`]), runs the query module's functions on
//! blocking threads ([`handlers`]), and answers errors as JSON ([`errors`]). The page
//! ([`page`]) is HTML, CSS and JavaScript embedded at compile time: no build step, no CDN.
//!
//! The server keeps one [`IndexReader`] (and the index's lexicon and analyzer) for every
//! request, in an [`OpenIndex`] held by [`IndexHolder`]: opening a reader per request
//! re-opens every segment and cost seconds under load. Before each request, and every
//! [`RELOAD_INTERVAL`] in the background, the holder looks at the index folder (it reads the
//! small `meta.json` and stats the lexicon `fynd-lexicon.json`): a new commit by `fynd index`
//! reloads the reader in place (segments that did not change are kept), so the next request
//! sees it; a new lexicon, which decides how queries are analysed, re-opens the index with
//! it. While there is no index, the API answers 503.
//!
//! The server's limits: connections are accepted and timed by [`connections`] (at most
//! [`MAX_CONNECTIONS`] open, [`HEADER_TIMEOUT`] to send a request or to sit idle,
//! [`WRITE_TIMEOUT`] for a blocked write); requests are checked by [`access`] (the `Host`
//! header, the access token); at most [`ServerConfig::workers`] requests run their work at
//! a time, the others wait in turn (the wait counts toward the request's deadline), and at
//! most [`MAX_EXPORTS`] exports stream at a time. Work stops at its deadline
//! ([`crate::query::deadline`]), so a request answered 503 frees its worker. The runtime's
//! blocking threads are bounded by these numbers, and with them the memory threads hold.
//! The HTTP API is described by [`openapi`].

pub mod access;
pub mod connections;
pub mod errors;
pub mod handlers;
pub mod openapi;
pub mod page;
pub mod params;
pub mod views;

use crate::analysis::lexicon::LEXICON_FILE;
use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::query::facets;
use crate::schema::FacetKey;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};
use tantivy::{IndexReader, Searcher};
use tokio::sync::Semaphore;

/// Longest a request may take before it is answered 503 and its work stopped (an export's
/// streamed body is not counted: only the time until its first byte).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a connection may take to send a request's headers, counted from when it starts
/// waiting for one: a slow sender is closed after it, and so is an idle keep-alive
/// connection.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a write to a client may stay blocked (the client reads nothing) before the
/// connection is closed.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Most connections open at once by default (`--max-connections`); as many more may wait
/// for one to close.
pub const MAX_CONNECTIONS: usize = 1024;

/// Most exports streaming at once (each holds a thread while its client reads); more wait
/// in turn.
pub const MAX_EXPORTS: usize = 16;

/// Requests whose work runs at once by default: two per core (each search also shares
/// its segments out over the cores), at least 4.
pub fn default_workers() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |cores| cores.get())
        .saturating_mul(2)
        .max(4)
}

/// How often the index folder is checked in the background for a new commit or lexicon
/// (each request checks too).
pub const RELOAD_INTERVAL: Duration = Duration::from_millis(500);

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The index folder.
    pub index: PathBuf,
    /// Address to listen on (loopback by default).
    pub bind: String,
    /// Port (0: any free port).
    pub port: u16,
    /// Request timeout: the request is answered 503 and its work stopped.
    pub timeout: Duration,
    /// Time to send a request's headers, and to sit idle between requests.
    pub header_timeout: Duration,
    /// Time a write to the client may stay blocked.
    pub write_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Requests whose work runs at once; others wait in turn.
    pub workers: usize,
    /// The access token every request must carry (`None`: none on loopback; beyond
    /// loopback [`run`] generates one).
    pub token: Option<String>,
    /// Host names answered besides `localhost` and IP addresses.
    pub allowed_hosts: Vec<String>,
}

impl ServerConfig {
    /// The defaults of `fynd serve`: `index/` on 127.0.0.1:7700.
    pub fn new(index: &Path) -> ServerConfig {
        ServerConfig {
            index: index.to_path_buf(),
            bind: "127.0.0.1".to_string(),
            port: 7700,
            timeout: REQUEST_TIMEOUT,
            header_timeout: HEADER_TIMEOUT,
            write_timeout: WRITE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            workers: default_workers(),
            token: None,
            allowed_hosts: Vec::new(),
        }
    }

    fn limits(&self) -> connections::Limits {
        connections::Limits {
            max_connections: self.max_connections.max(1),
            header_timeout: self.header_timeout,
            write_timeout: self.write_timeout,
        }
    }

    /// A runtime for this server: its blocking threads bounded by the workers, the
    /// exports and the index watcher, so the threads (and the memory each holds for its
    /// caches) stay bounded however many clients come.
    fn runtime(&self) -> std::io::Result<tokio::runtime::Runtime> {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .max_blocking_threads(self.workers.max(1) + MAX_EXPORTS + 2)
            .build()
    }
}

/// Identity, size and modification time of a file (`None`: missing).
type FileStamp = Option<(u64, SystemTime, u64)>;

/// What the holder last saw of the index folder: the bytes of `meta.json` (a commit always
/// rewrites it, and comparing its few kilobytes is exact where a timestamp is not) and the
/// stamp of the lexicon file.
#[derive(Clone, Default, PartialEq, Eq)]
struct Seen {
    meta: Option<Vec<u8>>,
    lexicon: FileStamp,
}

fn file_stamp(path: &Path) -> FileStamp {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.ino(), meta.modified().ok()?, meta.len()))
}

/// Numbers every [`OpenIndex`] of the process, so that a reader can be told from another.
static NEXT_OPEN: AtomicU64 = AtomicU64::new(1);

/// An opened index with the one reader every request shares.
pub struct OpenIndex {
    /// Unique in the process: a new number means a new reader was opened.
    pub id: u64,
    /// The index, its schema and the lexicon queries are analysed with.
    pub index: FyndIndex,
    /// The reader, reloaded in place when a new commit appears.
    pub reader: IndexReader,
}

impl OpenIndex {
    /// A searcher on the last commit the reader has loaded (cheap: no file is opened).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Reads what the first query of a new commit would otherwise read (the facet values
    /// of its new segments), so that query is not slower than the rest.
    fn warm(&self) {
        let _ = facets::warm(
            self.index.segment_state(),
            &self.searcher(),
            &FacetKey::DEFAULT_COUNTED,
        );
    }

    /// Which reader and which of its loads `searcher` comes from, as `OPEN.GENERATION`: the
    /// `x-fynd-reader` header of a search answer, so tests (and operators) can see that
    /// requests share one reader and that a commit was loaded into it.
    pub fn reader_tag(&self, searcher: &Searcher) -> String {
        format!("{}.{}", self.id, searcher.generation().generation_id())
    }
}

impl std::ops::Deref for OpenIndex {
    type Target = FyndIndex;
    fn deref(&self) -> &FyndIndex {
        &self.index
    }
}

/// How often the holder opened the index and reloaded its reader, for tests and `/healthz`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReaderStats {
    /// Times the index was opened with a new reader (the first open and every new lexicon).
    pub opens: u64,
    /// Times the reader was reloaded in place for a new commit.
    pub reloads: u64,
}

/// The opened index and its reader, reloaded when `fynd index` changes it; `None` while
/// there is none.
pub struct IndexHolder {
    dir: PathBuf,
    current: RwLock<Option<Arc<OpenIndex>>>,
    seen: Mutex<Seen>,
    opens: AtomicU64,
    reloads: AtomicU64,
}

impl IndexHolder {
    /// Opens the index in `dir` if there is one (a missing index is not an error here: the
    /// server answers 503 until it appears).
    pub fn new(dir: &Path) -> IndexHolder {
        let holder = IndexHolder {
            dir: dir.to_path_buf(),
            current: RwLock::new(None),
            seen: Mutex::new(Seen::default()),
            opens: AtomicU64::new(0),
            reloads: AtomicU64::new(0),
        };
        holder.refresh();
        holder
    }

    fn look(&self) -> Seen {
        Seen {
            meta: std::fs::read(self.dir.join("meta.json")).ok(),
            lexicon: file_stamp(&self.dir.join(LEXICON_FILE)),
        }
    }

    fn current(&self) -> Option<Arc<OpenIndex>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_current(&self, open: Option<Arc<OpenIndex>>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = open;
    }

    fn open(&self) -> Option<Arc<OpenIndex>> {
        let index = FyndIndex::open(&self.dir).ok()?;
        let reader = index.reader().ok()?;
        self.opens.fetch_add(1, Ordering::Relaxed);
        let id = NEXT_OPEN.fetch_add(1, Ordering::Relaxed);
        let open = OpenIndex { id, index, reader };
        open.warm();
        Some(Arc::new(open))
    }

    /// Brings the reader up to the folder's last commit: nothing when nothing changed, a
    /// reload in place for a new commit, a new open for a new lexicon (or a first index).
    pub fn refresh(&self) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.look();
        if now.meta.is_some() && *seen == now {
            return;
        }
        let current = self.current();
        let reloaded = match &current {
            Some(open) if now.meta.is_some() && now.lexicon == seen.lexicon => {
                let ok = open.reader.reload().is_ok();
                if ok {
                    self.reloads.fetch_add(1, Ordering::Relaxed);
                    open.warm();
                }
                ok
            }
            _ => false,
        };
        if !reloaded {
            match self.open() {
                Some(opened) => self.set_current(Some(opened)),
                // A commit that cannot be opened (an index being rewritten): keep answering
                // from the one we have until the folder changes again.
                None if now.meta.is_some() && current.is_some() => {}
                None => {
                    // No index, or one being created: tried again on the next look.
                    self.set_current(None);
                    *seen = Seen::default();
                    return;
                }
            }
        }
        *seen = now;
    }

    /// The index with its reader on the folder's last commit (looked at first, so a commit
    /// finished before this call is seen).
    pub fn get(&self) -> Result<Arc<OpenIndex>, FyndError> {
        self.refresh();
        self.current().ok_or_else(|| FyndError::NoIndex {
            dir: self.dir.clone(),
        })
    }

    /// How often the index was opened and its reader reloaded so far.
    pub fn stats(&self) -> ReaderStats {
        ReaderStats {
            opens: self.opens.load(Ordering::Relaxed),
            reloads: self.reloads.load(Ordering::Relaxed),
        }
    }
}

/// A number of things that may be in use at once, and how many are.
#[derive(Clone, Debug)]
pub struct Gate {
    /// One permit per thing in use.
    pub permits: Arc<Semaphore>,
    /// How many there may be.
    pub limit: usize,
}

impl Gate {
    fn new(limit: usize) -> Gate {
        let limit = limit.max(1);
        Gate {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }

    /// How many are in use now.
    pub fn in_use(&self) -> usize {
        self.limit - self.permits.available_permits()
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The index.
    pub index: Arc<IndexHolder>,
    /// Request timeout.
    pub timeout: Duration,
    /// Requests whose work is running.
    pub workers: Gate,
    /// Exports streaming.
    pub exports: Gate,
    /// Open connections.
    pub connections: Gate,
}

/// Serves on `listener` until `shutdown` completes, re-opening the index as it changes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = config.limits();
    let holder = Arc::new(IndexHolder::new(&config.index));
    let watcher = {
        let holder = holder.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(RELOAD_INTERVAL);
            loop {
                tick.tick().await;
                let holder = holder.clone();
                let _ = tokio::task::spawn_blocking(move || holder.refresh()).await;
            }
        })
    };
    let connections = Gate::new(limits.max_connections);
    let state = AppState {
        index: holder,
        timeout: config.timeout,
        workers: Gate::new(config.workers),
        exports: Gate::new(MAX_EXPORTS),
        connections: connections.clone(),
    };
    let access = access::Access {
        token: config.token.clone(),
        allowed_hosts: config.allowed_hosts.clone(),
    };
    let app = handlers::router(state, access);
    let result = connections::serve(listener, app, limits, connections.permits, shutdown).await;
    watcher.abort();
    result
}

/// Descriptors the process keeps for itself besides its connections (index files, the
/// listener, standard streams).
const RESERVED_DESCRIPTORS: usize = 256;

/// Raises this process's soft limit on open files towards `wanted` (never past the hard
/// limit) and returns the limit now in force. Many systems start processes at 1,024 while
/// allowing far more; connections beyond the limit would fail to be accepted.
fn raise_open_files_limit(wanted: libc::rlim_t) -> std::io::Result<libc::rlim_t> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write only the struct passed, which lives
    // on this stack frame for both calls.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let target = wanted.min(limit.rlim_max);
        if target > limit.rlim_cur {
            limit.rlim_cur = target;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(limit.rlim_cur)
}

/// `fynd serve`: binds, prints the address (and the access token, which listening beyond
/// loopback requires: generated when none is given), serves until Ctrl-C.
pub fn run(config: &ServerConfig) -> Result<(), FyndError> {
    let io = |source: std::io::Error| FyndError::Io {
        path: PathBuf::from(format!("{}:{}", config.bind, config.port)),
        source,
    };
    let mut config = config.clone();
    crate::process::disable_transparent_huge_pages();
    let runtime = config.runtime().map_err(io)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind((config.bind.as_str(), config.port))
            .await
            .map_err(io)?;
        let addr = listener.local_addr().map_err(io)?;
        let loopback = addr.ip().is_loopback();
        let generated = !loopback && config.token.is_none();
        if generated {
            config.token = Some(access::generate_token().map_err(io)?);
        }
        if !config.index.join("meta.json").is_file() {
            eprintln!(
                "warning: no index at {}/ yet: the API answers 503 until `fynd index` builds it",
                config.index.display()
            );
        }
        // Open connections, as many waiting for one, the ones being refused, and the
        // process's own files.
        let wanted = 2 * config.max_connections + connections::MAX_REFUSING + RESERVED_DESCRIPTORS;
        match raise_open_files_limit(wanted as libc::rlim_t) {
            Ok(limit) if limit < (config.max_connections + RESERVED_DESCRIPTORS) as libc::rlim_t => {
                eprintln!(
                    "warning: this process may open {limit} files, fewer than --max-connections {} needs (plus {RESERVED_DESCRIPTORS} for the index): raise the hard limit (ulimit -Hn) or lower --max-connections",
                    config.max_connections
                );
            }
            Ok(_) => {}
            Err(err) => eprintln!("warning: the limit on open files could not be read ({err})"),
        }
        println!(
            "fynd serving {} at http://{addr}/ (Ctrl-C to stop)",
            config.index.display()
        );
        if !loopback {
            eprintln!(
                "warning: listening beyond loopback ({}): every request must carry the access token, and HTTP is not encrypted: serve on a network you trust or behind a TLS proxy",
                addr.ip()
            );
        }
        if let Some(token) = &config.token {
            let shown = if addr.ip().is_unspecified() {
                format!("http://THIS-MACHINE:{}", addr.port())
            } else {
                format!("http://{addr}")
            };
            println!(
                "access token{}: {token}\nopen {shown}/?token={token} once in a browser, or send the header `Authorization: Bearer {token}`",
                if generated {
                    " (generated; choose one with --token)"
                } else {
                    ""
                }
            );
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("stopping");
        };
        serve_on(listener, &config, shutdown).await.map_err(io)
    })
}

/// A server running on its own thread, for tests and the load tool.
pub struct RunningServer {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    /// Starts serving `config` on a thread of its own (port 0 picks a free port).
    pub fn start(config: ServerConfig) -> std::io::Result<RunningServer> {
        let runtime = config.runtime()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind((
            config.bind.as_str(),
            config.port,
        )))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(serve_on(listener, &config, async {
                let _ = stopped.await;
            }))
        });
        Ok(RunningServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops the server and waits for it to finish.
    pub fn stop(mut self) -> std::io::Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(thread) => thread.join().unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}
