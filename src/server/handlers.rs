//! Routes and handlers. Every handler is read-only; searches run on blocking threads (the
//! query module is synchronous), at most [`AppState::workers`] at a time, and the whole
//! request is bounded by the state's timeout: past it the answer is 503 and the work stops
//! at its next look at the request's [`Deadline`].

use super::access::{self, Access};
use super::errors::ApiError;
use super::params::{self, Endpoint};
use super::{openapi, page, AppState, OpenIndex};
use crate::output::export::{write_export, ExportFormat};
use crate::output::record_view::record_json;
use crate::output::text::Highlight;
use crate::query::deadline::Deadline;
use crate::query::filters::facet_key;
use crate::query::{export, facet_values_with, lookup, search_with};
use crate::FyndError;
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use std::io::{self, Write};
use std::sync::Arc;

/// Header of a search answer naming the reader that answered it ([`OpenIndex::reader_tag`]).
pub const READER_HEADER: &str = "x-fynd-reader";

/// Bytes an export gathers before it sends them as one chunk.
const EXPORT_CHUNK: usize = 64 * 1024;
/// Chunks an export may have waiting for a slow client before it pauses.
const EXPORT_QUEUE: usize = 4;

/// Every path the server answers (in the router's syntax, which is OpenAPI's), with its
/// handler: the router is built from this list, and the OpenAPI description is checked
/// against it.
fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    let mut routes = vec![
        ("/", get(index_page)),
        ("/app.js", get(app_js)),
        ("/style.css", get(style_css)),
        ("/healthz", get(healthz)),
        (openapi::PATH, get(openapi_document)),
        ("/api/search", get(api_search)),
        ("/api/records/{id}", get(api_record)),
        ("/api/facets/{key}", get(api_facets)),
        ("/api/export", get(api_export)),
    ];
    routes.extend(super::views::routes());
    routes
}

/// The paths of [`router`]'s routes.
pub fn paths() -> Vec<&'static str> {
    routes().into_iter().map(|(path, _)| path).collect()
}

/// Every route of the server, behind the `Host` and token check of `access` and the
/// request timeout.
pub fn router(state: AppState, access: Access) -> Router {
    routes()
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        })
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .layer(middleware::from_fn_with_state(
            Arc::new(access),
            access::check,
        ))
        .with_state(state)
}

tokio::task_local! {
    /// The deadline of the request being handled, set by [`timeout`] for [`with_index`].
    static DEADLINE: Deadline;
}

/// Cancels a request's deadline when its handling ends or is dropped (the client went
/// away): work still running for it stops.
struct CancelOnDrop(Deadline);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

async fn timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let deadline = Deadline::after(state.timeout);
    let _cancel = CancelOnDrop(deadline.clone());
    let handled = DEADLINE.scope(deadline.clone(), next.run(request));
    match tokio::time::timeout(state.timeout, handled).await {
        Ok(response) => response,
        Err(_) => {
            deadline.cancel();
            ApiError::from(FyndError::TimedOut {
                limit_ms: state.timeout.as_millis() as u64,
            })
            .into_response()
        }
    }
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(uri.path())
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "the API is read-only: only GET requests are answered",
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn index_page() -> Response {
    asset("text/html; charset=utf-8", page::INDEX_HTML)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", page::APP_JS)
}

async fn style_css() -> Response {
    asset("text/css; charset=utf-8", page::STYLE_CSS)
}

async fn openapi_document() -> Response {
    asset("application/json", openapi::DOCUMENT)
}

/// Runs `work` with the current index and its shared reader on a blocking thread, once a
/// worker is free (waiting in turn), under the request's deadline: `work` passes it on to
/// the query it runs, which stops when it has passed.
pub(super) async fn with_index<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&OpenIndex, &Deadline) -> Result<T, FyndError> + Send + 'static,
) -> Result<T, ApiError> {
    let deadline = DEADLINE
        .try_with(Deadline::clone)
        .unwrap_or_else(|_| Deadline::after(state.timeout));
    let index = state.index.get()?;
    let worker = state
        .workers
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"))?;
    deadline.check()?;
    // The worker is given back when the work ends, not when the request is answered: a
    // request answered 503 holds it until its work has stopped.
    tokio::task::spawn_blocking(move || {
        let _worker = worker;
        work(&index, &deadline)
    })
    .await
    .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?
    .map_err(ApiError::from)
}

/// Answered without a worker, so it answers while every worker is busy.
async fn healthz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let index = state.index.get()?;
    let dir = index.dir.display().to_string();
    let records = index.searcher().num_docs();
    let reader = state.index.stats();
    let gate =
        |gate: &super::Gate| serde_json::json!({"in_use": gate.in_use(), "limit": gate.limit});
    Ok(Json(serde_json::json!({
        "status": "ok",
        "index": dir,
        "records": records,
        "reader": reader,
        "load": {
            "connections": gate(&state.connections),
            "workers": gate(&state.workers),
            "exports": gate(&state.exports),
        },
    }))
    .into_response())
}

async fn api_search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut request = params::parse(raw.as_deref(), Endpoint::Search)?.request;
    let (response, tag) = with_index(&state, move |index, deadline| {
        request.deadline = deadline.clone();
        let searcher = index.searcher();
        let response = search_with(index, &searcher, &request)?;
        Ok((response, index.reader_tag(&searcher)))
    })
    .await?;
    Ok(([(READER_HEADER, tag)], Json(response)).into_response())
}

async fn api_record(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if id.chars().count() > params::MAX_VALUE_CHARS {
        return Err(ApiError::bad_parameter("id", "id too long"));
    }
    let record = with_index(&state, move |index, _| {
        lookup::find_record_with(index, &index.searcher(), &id)
    })
    .await?;
    Ok(Json(record_json(&record)).into_response())
}

async fn api_facets(
    State(state): State<AppState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let key = facet_key(&key).map_err(|err| {
        let mut err = ApiError::from(err);
        err.status = StatusCode::NOT_FOUND;
        err
    })?;
    let mut request = params::parse(raw.as_deref(), Endpoint::Facets)?.request;
    let listing = with_index(&state, move |index, deadline| {
        request.deadline = deadline.clone();
        facet_values_with(index, &index.searcher(), &request, key)
    })
    .await?;
    Ok(Json(listing).into_response())
}

/// Sends what is written to it as body chunks; a client gone away is a broken pipe.
struct ChunkWriter {
    sender: tokio::sync::mpsc::Sender<io::Result<Vec<u8>>>,
    buffer: Vec<u8>,
}

impl Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= EXPORT_CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(EXPORT_CHUNK));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

/// A streamed body of what `write` writes, written on a blocking thread that holds `hold`
/// until it ends. When `write` fails part-way, the body ends in an error: the connection is
/// closed without the chunked body's last chunk, so the client sees the answer cut short
/// (curl: "transfer closed with outstanding read data remaining") instead of a complete 200.
pub fn streamed_body<H: Send + 'static>(
    hold: H,
    write: impl FnOnce(&mut dyn Write) -> Result<(), FyndError> + Send + 'static,
) -> Body {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<io::Result<Vec<u8>>>(EXPORT_QUEUE);
    tokio::task::spawn_blocking(move || {
        let _hold = hold;
        let mut out = ChunkWriter {
            sender: sender.clone(),
            buffer: Vec::with_capacity(EXPORT_CHUNK),
        };
        let written = write(&mut out).and_then(|()| {
            out.flush().map_err(|source| FyndError::Io {
                path: "<response>".into(),
                source,
            })
        });
        match written {
            Ok(()) => {}
            // The client went away: nobody is left to tell.
            Err(FyndError::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {}
            Err(err) => {
                eprintln!("error: an export stopped part-way: {err}");
                let _ = sender.blocking_send(Err(io::Error::other(err.to_string())));
            }
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    Body::from_stream(stream)
}

async fn api_export(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::parse(raw.as_deref(), Endpoint::Export)?;
    let (format, content_type, extension) = match params.format.as_str() {
        "jsonl" => (ExportFormat::Jsonl, "application/x-ndjson", "jsonl"),
        "json" => (ExportFormat::Json, "application/json", "json"),
        _ => (ExportFormat::Csv, "text/csv; charset=utf-8", "csv"),
    };
    // An export streams while its client reads: at most so many at once, the others wait
    // in turn (the wait counts toward the request's deadline).
    let streaming = state
        .exports
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"))?;
    // Parse and order the hits first, so that a bad query is still a 400 answer; then stream.
    let mut request = params.request;
    let hits = with_index(&state, move |index, deadline| {
        request.deadline = deadline.clone();
        export::export_with(index, &index.searcher(), &request, false)
    })
    .await?;
    let body = streamed_body(streaming, move |mut out| {
        write_export(&mut out, hits, format, Highlight::Plain)
    });
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"fynd-export.{extension}\""),
            ),
        ],
        body,
    )
        .into_response())
}
