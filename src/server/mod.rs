//! `fynd serve`: a read-only HTTP JSON API over the index (the same answers as
//! `fynd search --json`, `fynd show --json`, `fynd facets --json` and the streamed export)
//! and a search page served from the binary itself.
//!
//! The server sits at the output end of the pipeline: it turns HTTP query parameters into a
//! [`crate::query::SearchRequest`] ([`params`]), runs the query module's functions on
//! blocking threads ([`handlers`]), and answers errors as JSON ([`errors`]). The page
//! ([`page`]) is HTML, CSS and JavaScript embedded at compile time: no build step, no CDN.
//!
//! Every search opens a reader on the index's last commit, so data committed by
//! `fynd index` is seen at once; [`IndexHolder`] also re-opens the index when its files
//! change (the lexicon `fynd-lexicon.json` above all, which decides how queries are
//! analysed), and answers 503 while there is no index.

pub mod errors;
pub mod handlers;
pub mod page;
pub mod params;

use crate::analysis::lexicon::LEXICON_FILE;
use crate::error::FyndError;
use crate::index::FyndIndex;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

/// Longest a request may take before it is answered 503 (an export's streamed body is not
/// counted: only the time until its first byte).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the index folder is checked for a new commit or lexicon.
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
    /// Request timeout.
    pub timeout: Duration,
}

impl ServerConfig {
    /// The defaults of `fynd serve`: `index/` on 127.0.0.1:7700.
    pub fn new(index: &Path) -> ServerConfig {
        ServerConfig {
            index: index.to_path_buf(),
            bind: "127.0.0.1".to_string(),
            port: 7700,
            timeout: REQUEST_TIMEOUT,
        }
    }
}

/// Size and modification time of the files whose change means the index must be re-opened.
type Stamp = Vec<Option<(SystemTime, u64)>>;

/// The opened index, re-opened when `fynd index` changes it; `None` while there is none.
pub struct IndexHolder {
    dir: PathBuf,
    current: RwLock<Option<Arc<FyndIndex>>>,
    stamp: Mutex<Stamp>,
}

impl IndexHolder {
    /// Opens the index in `dir` if there is one (a missing index is not an error here: the
    /// server answers 503 until it appears).
    pub fn new(dir: &Path) -> IndexHolder {
        let holder = IndexHolder {
            dir: dir.to_path_buf(),
            current: RwLock::new(None),
            stamp: Mutex::new(Vec::new()),
        };
        holder.refresh();
        holder
    }

    fn stamp(&self) -> Stamp {
        ["meta.json", LEXICON_FILE]
            .iter()
            .map(|name| {
                let meta = std::fs::metadata(self.dir.join(name)).ok()?;
                Some((meta.modified().ok()?, meta.len()))
            })
            .collect()
    }

    /// Re-opens the index when its commit or lexicon file changed since the last look.
    pub fn refresh(&self) {
        let stamp = self.stamp();
        let mut last = self.stamp.lock().unwrap_or_else(|e| e.into_inner());
        if *last == stamp && !last.is_empty() {
            return;
        }
        let opened = FyndIndex::open(&self.dir).ok().map(Arc::new);
        let failed = opened.is_none();
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = opened;
        // A failed open (an index being created) is tried again on the next look.
        *last = if failed { Vec::new() } else { stamp };
    }

    /// The index as last opened.
    pub fn get(&self) -> Result<Arc<FyndIndex>, FyndError> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| FyndError::NoIndex {
                dir: self.dir.clone(),
            })
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The index.
    pub index: Arc<IndexHolder>,
    /// Request timeout.
    pub timeout: Duration,
}

/// Serves on `listener` until `shutdown` completes, re-opening the index as it changes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
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
    let state = AppState {
        index: holder,
        timeout: config.timeout,
    };
    let result = axum::serve(listener, handlers::router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    watcher.abort();
    result
}

/// `fynd serve`: binds, prints the address, serves until Ctrl-C.
pub fn run(config: &ServerConfig) -> Result<(), FyndError> {
    let io = |source: std::io::Error| FyndError::Io {
        path: PathBuf::from(format!("{}:{}", config.bind, config.port)),
        source,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind((config.bind.as_str(), config.port))
            .await
            .map_err(io)?;
        let addr = listener.local_addr().map_err(io)?;
        if !config.index.join("meta.json").is_file() {
            eprintln!(
                "warning: no index at {}/ yet: the API answers 503 until `fynd index` builds it",
                config.index.display()
            );
        }
        println!(
            "fynd serving {} at http://{addr}/ (Ctrl-C to stop)",
            config.index.display()
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("stopping");
        };
        serve_on(listener, config, shutdown).await.map_err(io)
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
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
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
