//! The research views over HTTP: `/api/trend`, `/api/kwic`, `/api/similar/{id}` and
//! `/api/cooccur`. Each takes the search parameters of `/api/facets` (`q`, `filter`, `from`,
//! `to`, the ranges, `match`, `near`), read by [`params::parse`] as search reads them, plus
//! its own; the answers are the JSON of the matching `fynd` command's `--json`.

use super::errors::ApiError;
use super::handlers::with_index;
use super::params::{self, Endpoint};
use super::AppState;
use crate::query::SearchRequest;
use crate::views::kwic::{self, KwicOptions, KwicSort};
use crate::views::trend::{self, SumField, TrendBy, TrendOptions};
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Json;

/// Most concordance lines in one answer (the command line has no cap: it streams).
pub const MAX_KWIC_LINES: usize = 1000;

/// Most similar projects in one answer.
pub const MAX_SIMILAR: usize = 100;

/// Most co-occurring terms in one answer.
pub const MAX_COOCCUR: usize = 500;

/// Most queries compared in one trend.
pub const MAX_TREND_QUERIES: usize = 8;

/// The routes of the research views.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/trend", get(api_trend)),
        ("/api/kwic", get(api_kwic)),
        ("/api/similar/{id}", get(api_similar)),
        ("/api/cooccur", get(api_cooccur)),
    ]
}

/// The view's own parameters (those named in `own`, in order, repeats kept), and the
/// search request the rest make.
fn split(
    raw: Option<&str>,
    own: &[&str],
) -> Result<(Vec<(String, String)>, SearchRequest), ApiError> {
    let raw = raw.unwrap_or("");
    if raw.len() > params::MAX_QUERY_STRING_BYTES {
        return Err(ApiError::bad_parameter(
            "",
            format!(
                "query string too long: at most {} bytes",
                params::MAX_QUERY_STRING_BYTES
            ),
        ));
    }
    let mut mine = Vec::new();
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        if own.contains(&name.as_ref()) {
            if value.chars().count() > params::MAX_QUERY_CHARS {
                return Err(ApiError::bad_parameter(
                    &name,
                    format!(
                        "{name} too long: at most {} characters",
                        params::MAX_QUERY_CHARS
                    ),
                ));
            }
            mine.push((name.into_owned(), value.into_owned()));
        } else {
            rest.append_pair(&name, &value);
        }
    }
    let request = params::parse(Some(&rest.finish()), Endpoint::Facets)
        .map_err(|mut err| {
            // Name this endpoint's own parameters too where an unknown one is refused.
            if let Some(message) = err.body.get("error").and_then(|m| m.as_str()) {
                if message.starts_with("unknown parameter") {
                    let message = format!("{message}, {}", own.join(", "));
                    err.body["error"] = serde_json::Value::String(message);
                }
            }
            err
        })?
        .request;
    Ok((mine, request))
}

/// The value of the one parameter `name` of `mine`, if given (a second one is refused).
fn one<'a>(mine: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, ApiError> {
    let mut values = mine
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(ApiError::bad_parameter(
            name,
            format!("{name} given more than once"),
        ));
    }
    Ok(first)
}

/// `GET /api/trend?q=…&q=…&by=year&share=1&sum=granted&filter=…`
async fn api_trend(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (mine, mut base) = split(raw.as_deref(), &["q", "by", "share", "sum"])?;
    let queries: Vec<String> = mine
        .iter()
        .filter(|(name, _)| name == "q")
        .map(|(_, value)| value.clone())
        .collect();
    if queries.is_empty() {
        return Err(ApiError::bad_parameter(
            "q",
            "give at least one query: q=samverkan (repeat q to compare several; q= for every project)",
        ));
    }
    if queries.len() > MAX_TREND_QUERIES {
        return Err(ApiError::bad_parameter(
            "q",
            format!("at most {MAX_TREND_QUERIES} queries in one trend"),
        ));
    }
    let options = TrendOptions {
        by: TrendBy::parse(one(&mine, "by")?.unwrap_or("year"))?,
        share: one(&mine, "share")?
            .map(|value| params::flag("share", value))
            .transpose()?
            .unwrap_or(false),
        sum: one(&mine, "sum")?
            .filter(|s| !s.trim().is_empty())
            .map(SumField::parse)
            .transpose()?,
    };
    let answer = with_index(&state, move |index, deadline| {
        base.deadline = deadline.clone();
        trend::trend(index, &index.searcher(), &base, &queries, options)
    })
    .await?;
    Ok(Json(answer).into_response())
}

fn number(name: &str, value: Option<&str>, default: usize, max: usize) -> Result<usize, ApiError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(default);
    };
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_parameter(
            name,
            format!("{name} must be a whole number from 1 to {max}, not {value:?}"),
        )),
    }
}

/// `GET /api/kwic?q=…&width=40&sort=doc|left|right&limit=100&filter=…`: the answer of
/// `fynd kwic --json`.
async fn api_kwic(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (mine, mut request) = split(raw.as_deref(), &["width", "sort", "limit"])?;
    let options = KwicOptions {
        width: number("width", one(&mine, "width")?, 40, 500)?,
        sort: KwicSort::parse(one(&mine, "sort")?.unwrap_or("doc"))?,
        limit: number("limit", one(&mine, "limit")?, 100, MAX_KWIC_LINES)?,
    };
    let answer = with_index(&state, move |index, deadline| {
        request.deadline = deadline.clone();
        let stream = kwic::kwic(index, &index.searcher(), &request, options)?;
        let (query, total) = (stream.query.clone(), stream.total);
        let lines = stream.collect::<Result<Vec<_>, _>>()?;
        Ok(serde_json::json!({ "query": query, "total": total, "lines": lines }))
    })
    .await?;
    Ok(Json(answer).into_response())
}

/// `GET /api/similar/{id}?limit=10`: the answer of `fynd similar --json`.
async fn api_similar(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    if id.chars().count() > params::MAX_VALUE_CHARS {
        return Err(ApiError::bad_parameter("id", "id too long"));
    }
    let mut limit = None;
    for (name, value) in form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes()) {
        match name.as_ref() {
            "limit" if limit.is_none() => limit = Some(value.into_owned()),
            _ => {
                return Err(ApiError::bad_parameter(
                    &name,
                    format!("unknown or repeated parameter {name:?}: this endpoint takes limit"),
                ))
            }
        }
    }
    let limit = number("limit", limit.as_deref(), 10, MAX_SIMILAR)?;
    let answer = with_index(&state, move |index, deadline| {
        crate::views::similar::similar_until(index, &index.searcher(), &id, limit, deadline)
    })
    .await?;
    Ok(Json(answer).into_response())
}

/// `GET /api/cooccur?q=…&limit=30&min_count=3&filter=…`: the answer of `fynd cooccur --json`.
async fn api_cooccur(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (mine, mut request) = split(raw.as_deref(), &["limit", "min_count"])?;
    let options = crate::views::cooccur::CooccurOptions {
        limit: number("limit", one(&mine, "limit")?, 30, MAX_COOCCUR)?,
        min_count: number("min_count", one(&mine, "min_count")?, 3, 1_000_000)? as u64,
    };
    let answer = with_index(&state, move |index, deadline| {
        request.deadline = deadline.clone();
        crate::views::cooccur::cooccur(index, &index.searcher(), &request, options)
    })
    .await?;
    Ok(Json(answer).into_response())
}
