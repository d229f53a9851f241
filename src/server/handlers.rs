//! Routes and handlers. Every handler is read-only; searches run on blocking threads (the
//! query module is synchronous), and the whole request is bounded by the state's timeout.

use super::errors::ApiError;
use super::params::{self, Endpoint};
use super::{page, AppState, OpenIndex};
use crate::output::export::{write_export, ExportFormat};
use crate::output::record_view::record_json;
use crate::output::text::Highlight;
use crate::query::filters::facet_key;
use crate::query::{export, facet_values_with, lookup, search_with};
use crate::FyndError;
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::io::{self, Write};

/// Header of a search answer naming the reader that answered it ([`OpenIndex::reader_tag`]).
pub const READER_HEADER: &str = "x-fynd-reader";

/// Bytes an export gathers before it sends them as one chunk.
const EXPORT_CHUNK: usize = 64 * 1024;
/// Chunks an export may have waiting for a slow client before it pauses.
const EXPORT_QUEUE: usize = 4;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index_page))
        .route("/app.js", get(app_js))
        .route("/style.css", get(style_css))
        .route("/healthz", get(healthz))
        .route("/api/search", get(api_search))
        .route("/api/records/{id}", get(api_record))
        .route("/api/facets/{key}", get(api_facets))
        .route("/api/export", get(api_export))
        .merge(super::views::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .with_state(state)
}

async fn timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "request timed out after {} ms: narrow the search or try again",
                state.timeout.as_millis()
            ),
        )
        .into_response(),
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

/// Runs `work` with the current index and its shared reader on a blocking thread.
pub(super) async fn with_index<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&OpenIndex) -> Result<T, FyndError> + Send + 'static,
) -> Result<T, ApiError> {
    let index = state.index.get()?;
    tokio::task::spawn_blocking(move || work(&index))
        .await
        .map_err(|err| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?
        .map_err(ApiError::from)
}

async fn healthz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let dir = state.index.get()?.dir.display().to_string();
    let records = with_index(&state, |index| Ok(index.searcher().num_docs())).await?;
    let reader = state.index.stats();
    Ok(Json(serde_json::json!({
        "status": "ok",
        "index": dir,
        "records": records,
        "reader": reader,
    }))
    .into_response())
}

async fn api_search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = params::parse(raw.as_deref(), Endpoint::Search)?;
    let (response, tag) = with_index(&state, move |index| {
        let searcher = index.searcher();
        let response = search_with(index, &searcher, &params.request)?;
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
    let record = with_index(&state, move |index| {
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
    let params = params::parse(raw.as_deref(), Endpoint::Facets)?;
    let listing = with_index(&state, move |index| {
        facet_values_with(index, &index.searcher(), &params.request, key)
    })
    .await?;
    Ok(Json(listing).into_response())
}

/// Sends what is written to it as body chunks; a client gone away is a broken pipe.
struct ChunkWriter {
    sender: tokio::sync::mpsc::Sender<Vec<u8>>,
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
            .blocking_send(chunk)
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
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
    // Parse and order the hits first, so that a bad query is still a 400 answer; then stream.
    let request = params.request;
    let hits = with_index(&state, move |index| {
        export::export_with(index, &index.searcher(), &request, false)
    })
    .await?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(EXPORT_QUEUE);
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter {
            sender,
            buffer: Vec::with_capacity(EXPORT_CHUNK),
        };
        if write_export(&mut out, hits, format, Highlight::Plain).is_ok() {
            let _ = out.flush();
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        receiver
            .poll_recv(cx)
            .map(|chunk| chunk.map(Ok::<_, io::Error>))
    });
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"fynd-export.{extension}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
