//! Query parameters → a [`SearchRequest`], through the same [`SearchOptions`] the command
//! line uses, with caps on sizes and counts so that one request cannot ask for unbounded
//! work: every cap is a 400 answer naming the parameter.
//!
//! Parameters: `q`, `filter` (repeatable, `KEY:VALUE` or `KEY=VALUE`), `from`, `to`, the
//! range parameters (`budget`, `granted`, `participants`, `cofinancing_rate`, `start`,
//! `end`, `published`), `sort`, `limit`, `offset`, `facets` (comma-separated),
//! `facet_limit`, `match` (`exact`, `compound`, `broad`), `near` (words between a compound's parts), `explain` (list each word's forms
//! in the corpus in the response's `explain`), and for the export `format`.

use super::errors::ApiError;
use crate::query::options::SearchOptions;
use crate::query::range::RangeField;
use crate::query::SearchRequest;

/// Longest query text, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Longest query string (everything after `?`), in bytes.
pub const MAX_QUERY_STRING_BYTES: usize = 8192;
/// Most parameters in one request.
pub const MAX_PARAMETERS: usize = 64;
/// Most `filter` parameters in one request.
pub const MAX_FILTERS: usize = 32;
/// Most hits on one page (`limit`).
pub const MAX_LIMIT: usize = 100;
/// Deepest page: `offset + limit` at most this (the export has no such cap; it streams).
pub const MAX_DEPTH: usize = 10_000;
/// Most values per facet in the sidebar counts (`facet_limit`).
pub const MAX_FACET_LIMIT: usize = 1000;
/// Longest value of any other parameter, in characters.
pub const MAX_VALUE_CHARS: usize = 200;

/// Which endpoint the parameters are for (each accepts its own set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `/api/search`: a page of hits with facet counts.
    Search,
    /// `/api/facets/{key}`: every value of one facet.
    Facets,
    /// `/api/export`: every hit, streamed.
    Export,
}

/// The parameters of one request, parsed and checked.
#[derive(Clone, Debug)]
pub struct Params {
    /// The request to run.
    pub request: SearchRequest,
    /// The export format (`csv` by default), for [`Endpoint::Export`].
    pub format: String,
}

/// The parameters `endpoint` reads (any other is a 400 answer naming them).
pub fn names(endpoint: Endpoint) -> Vec<&'static str> {
    let mut names = vec!["q", "filter", "from", "to", "match", "near"];
    names.extend(RangeField::ALL.map(RangeField::name));
    match endpoint {
        Endpoint::Search => names.extend([
            "sort",
            "limit",
            "offset",
            "facets",
            "facet_limit",
            "explain",
        ]),
        Endpoint::Facets => {}
        Endpoint::Export => names.extend(["sort", "limit", "offset", "format"]),
    }
    names
}

fn number(name: &str, value: &str) -> Result<usize, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::bad_parameter(
            name,
            format!("{name} must be a whole number ≥ 0, not {value:?}"),
        )
    })
}

/// A yes-or-no parameter: `1`, `true`, `yes` or empty (given bare, `?explain`) for yes;
/// `0`, `false` or `no` for no; anything else is a 400 answer.
pub fn flag(name: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        _ => Err(ApiError::bad_parameter(
            name,
            format!("{name} is yes or no: write true or false (or 1, 0), not {value:?}"),
        )),
    }
}

/// `KEY:VALUE` (as in the query syntax) or `KEY=VALUE` (as in `--filter`), whichever
/// separator comes first, in the `KEY=VALUE` form the filter parser takes.
fn filter_spec(value: &str) -> String {
    match value.find([':', '=']) {
        Some(at) => format!("{}={}", &value[..at], &value[at + 1..]),
        None => value.to_string(),
    }
}

/// Parses the query string `raw` (without `?`) for `endpoint`.
pub fn parse(raw: Option<&str>, endpoint: Endpoint) -> Result<Params, ApiError> {
    let raw = raw.unwrap_or("");
    if raw.len() > MAX_QUERY_STRING_BYTES {
        return Err(ApiError::bad_parameter(
            "",
            format!("query string too long: at most {MAX_QUERY_STRING_BYTES} bytes"),
        ));
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.len() > MAX_PARAMETERS {
        return Err(ApiError::bad_parameter(
            "",
            format!("too many parameters: at most {MAX_PARAMETERS}"),
        ));
    }
    let names = names(endpoint);
    let mut options = SearchOptions::default();
    let (mut limit, mut offset, mut facet_limit) = (None, 0, None);
    let mut format = "csv".to_string();
    let mut explain = false;
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in &pairs {
        let Some(&known) = names.iter().find(|known| **known == name.as_str()) else {
            return Err(ApiError::bad_parameter(
                name,
                format!(
                    "unknown parameter {name:?}: this endpoint takes {}",
                    names.join(", ")
                ),
            ));
        };
        if known != "filter" {
            if seen.contains(&known) {
                return Err(ApiError::bad_parameter(
                    name,
                    format!("{name} given more than once"),
                ));
            }
            seen.push(known);
        }
        let cap = if known == "q" {
            MAX_QUERY_CHARS
        } else {
            MAX_VALUE_CHARS
        };
        if value.chars().count() > cap {
            return Err(ApiError::bad_parameter(
                name,
                format!("{name} too long: at most {cap} characters"),
            ));
        }
        match known {
            "q" => options.query = value.clone(),
            "filter" => {
                if options.filters.len() == MAX_FILTERS {
                    return Err(ApiError::bad_parameter(
                        name,
                        format!("too many filters: at most {MAX_FILTERS}"),
                    ));
                }
                options.filters.push(filter_spec(value));
            }
            "from" => options.from = Some(value.clone()).filter(|v| !v.trim().is_empty()),
            "to" => options.to = Some(value.clone()).filter(|v| !v.trim().is_empty()),
            "sort" => options.sort = Some(value.clone()).filter(|v| !v.trim().is_empty()),
            "facets" => options.facets = Some(value.split(',').map(str::to_string).collect()),
            "limit" => limit = Some(number(name, value)?),
            "offset" => offset = number(name, value)?,
            "facet_limit" => facet_limit = Some(number(name, value)?),
            "format" => format = value.trim().to_lowercase(),
            "near" => options.near = Some(value.clone()).filter(|v| !v.trim().is_empty()),
            "match" => options.match_mode = Some(value.clone()).filter(|v| !v.trim().is_empty()),
            "explain" => explain = flag(name, value)?,
            range => {
                if !value.trim().is_empty() {
                    let field = RangeField::parse(range).expect("range parameters are fields");
                    options.ranges.push((field, value.clone()));
                }
            }
        }
    }
    let mut request = options.request().map_err(ApiError::from)?;
    request.offset = offset;
    request.explain = explain;
    match endpoint {
        Endpoint::Search => {
            let limit = limit.unwrap_or(10);
            if limit > MAX_LIMIT {
                return Err(ApiError::bad_parameter(
                    "limit",
                    format!("limit too large: at most {MAX_LIMIT} hits a page (use /api/export for all)"),
                ));
            }
            if offset.saturating_add(limit) > MAX_DEPTH {
                return Err(ApiError::bad_parameter(
                    "offset",
                    format!("offset + limit at most {MAX_DEPTH} (use /api/export for all hits)"),
                ));
            }
            request.limit = limit;
            let facet_limit = facet_limit.unwrap_or(10);
            if facet_limit > MAX_FACET_LIMIT {
                return Err(ApiError::bad_parameter(
                    "facet_limit",
                    format!("facet_limit at most {MAX_FACET_LIMIT}"),
                ));
            }
            request.facet_limit = facet_limit;
        }
        Endpoint::Facets => {}
        Endpoint::Export => {
            request.limit = limit.unwrap_or(usize::MAX);
            if !["csv", "jsonl", "json"].contains(&format.as_str()) {
                return Err(ApiError::bad_parameter(
                    "format",
                    format!("unknown format {format:?}: csv, jsonl or json"),
                ));
            }
        }
    }
    Ok(Params { request, format })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_either_separator_and_repeat() {
        let params = parse(
            Some("q=skola&filter=fund:ESF%2B&filter=fund=ESF&filter=region:Sk%C3%A5ne"),
            Endpoint::Search,
        )
        .unwrap();
        let filters = &params.request.filters;
        assert_eq!(filters.len(), 2);
        assert_eq!(filters[0].values, vec!["ESF+", "ESF"]);
        assert_eq!(filters[1].values, vec!["Skåne"]);
        assert_eq!(params.request.query, "skola");
    }

    #[test]
    fn caps_and_unknown_parameters_are_refused() {
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        for raw in [
            long.as_str(),
            "limit=101",
            "offset=9995&limit=10",
            "limit=-1",
            "explain=perhaps",
            "colour=red",
            "q=a&q=b",
            "facet_limit=5000",
        ] {
            let err = parse(Some(raw), Endpoint::Search).unwrap_err();
            assert_eq!(err.status, 400, "{raw}");
        }
        assert!(parse(Some("format=csv"), Endpoint::Search).is_err());
        assert!(parse(Some("format=xml"), Endpoint::Export).is_err());
        assert!(parse(Some("limit=100&offset=9900"), Endpoint::Search).is_ok());
    }
}
