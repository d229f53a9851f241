//! The query file of `fynd bench`: one query per line, `CLASS | QUERY | OPTION | …` (split at
//! every `|`), where
//! CLASS names the group it is timed in, QUERY is written as for `fynd search`, and each
//! OPTION is one of `filter=KEY=VALUE`, `RANGEFIELD=RANGE` (`budget=>=5000000`,
//! `start=[2023-01-01 TO 2023-12-31]`), `sort=ORDER`, `facets=KEY,KEY` (or `facets=none`),
//! `counts=sidebar` or `counts=hits` (a filtered facet counted without its own filter, the
//! default, or over the hits like every other facet), `limit=N`, `passages`, `match=MODE`,
//! `near=N` (see `fynd search --match`), `view=trend|kwic|similar|cooccur` (time that
//! research view over the query instead of a search; `benches/views.txt`). Every query counts the fund, region and year facets and returns
//! the top 10 unless it says otherwise; passages are off unless asked for, so they can be
//! timed as their own class. Blank lines and lines starting with `#` are skipped.
//!
//! The mix is run as one stream with the classes interleaved ([`interleave`]): one query of
//! each class in turn, as a server with several researchers sees different queries one
//! after another, so that no class runs alone with its caches warm.

use crate::error::FyndError;
use crate::query::filters::{facet_key, FacetFilter};
use crate::query::range::{RangeField, RangeFilter};
use crate::query::sort::SortOrder;
use crate::query::SearchRequest;
use crate::schema::FacetKey;
use std::path::Path;

/// The default query mix, for generated corpora (`benches/queries.txt`).
pub const DEFAULT_QUERIES: &str = include_str!("../../benches/queries.txt");

/// One query of the mix.
#[derive(Clone, Debug)]
pub struct BenchQuery {
    /// The class it is timed in.
    pub class: String,
    /// The line as written (for reports).
    pub line: String,
    /// The search it runs.
    pub request: SearchRequest,
    /// The research view it times instead of a search (`view=…`), if any.
    pub view: Option<BenchView>,
}

/// A research view timed by `fynd bench` (option `view=NAME`), over the query's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchView {
    /// `fynd trend QUERY` by year.
    Trend,
    /// The first page (100 lines) of `fynd kwic QUERY`.
    Kwic,
    /// `fynd similar` of the query's best hit (found before the clock starts).
    Similar,
    /// `fynd cooccur QUERY`.
    Cooccur,
}

/// Facets every benchmark query counts unless it says otherwise: what the side-by-side
/// asks of every engine.
pub const BENCH_FACETS: [FacetKey; 3] = [FacetKey::Fund, FacetKey::Region, FacetKey::Year];

/// Reads the query file at `path`, or the built-in default mix when there is none.
pub fn load(path: Option<&Path>) -> Result<Vec<BenchQuery>, FyndError> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| FyndError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            parse(path, &text).map(interleave)
        }
        None => parse(Path::new("benches/queries.txt"), DEFAULT_QUERIES).map(interleave),
    }
}

/// The queries in stream order: the first query of every class (classes in the order they
/// first appear), then the second of every class that has one, and so on. Every query is
/// kept, each class's own order too. `benches/peers/peers.py` orders the peers' stream by
/// the same rule.
pub fn interleave(queries: Vec<BenchQuery>) -> Vec<BenchQuery> {
    let mut classes: Vec<Vec<BenchQuery>> = Vec::new();
    for query in queries {
        match classes.iter_mut().find(|c| c[0].class == query.class) {
            Some(class) => class.push(query),
            None => classes.push(vec![query]),
        }
    }
    let longest = classes.iter().map(Vec::len).max().unwrap_or(0);
    let mut columns: Vec<std::vec::IntoIter<BenchQuery>> =
        classes.into_iter().map(Vec::into_iter).collect();
    let mut stream = Vec::new();
    for _ in 0..longest {
        stream.extend(columns.iter_mut().filter_map(Iterator::next));
    }
    stream
}

/// Reads a query file's text; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<Vec<BenchQuery>, FyndError> {
    let mut queries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: String| FyndError::BadBenchQuery {
            path: path.to_path_buf(),
            line: i + 1,
            reason,
        };
        let mut parts = line.split('|').map(str::trim);
        let class = parts.next().unwrap_or_default();
        let Some(query) = parts.next() else {
            return Err(bad(
                "write CLASS | QUERY [| OPTION]…, e.g. phrase | \"egen försörjning\"".into(),
            ));
        };
        if class.is_empty() || class.contains(char::is_whitespace) {
            return Err(bad(format!("the class must be one word, not {class:?}")));
        }
        let mut request = SearchRequest::new(query);
        request.facets = BENCH_FACETS.to_vec();
        request.passages = false;
        let mut filters = Vec::new();
        let mut view = None;
        for option in parts {
            let (key, value) = option.split_once('=').unwrap_or((option, ""));
            match key {
                "passages" => request.passages = true,
                "view" => {
                    view = Some(match value {
                        "trend" => BenchView::Trend,
                        "kwic" => BenchView::Kwic,
                        "similar" => BenchView::Similar,
                        "cooccur" => BenchView::Cooccur,
                        _ => {
                            return Err(bad(format!(
                                "view is trend, kwic, similar or cooccur, not {value:?}"
                            )))
                        }
                    })
                }
                "counts" => {
                    request.sidebar_counts = match value {
                        "sidebar" => true,
                        "hits" => false,
                        _ => {
                            return Err(bad(format!(
                                "counts is sidebar (a filtered facet counted without its own filter) or hits (every facet over the hits), not {value:?}"
                            )))
                        }
                    }
                }
                "filter" => filters.push(value.to_string()),
                "sort" => request.sort = SortOrder::parse(value).map_err(|e| bad(e.to_string()))?,
                "match" => {
                    request.match_mode = crate::query::match_mode::MatchMode::parse(value)
                        .map_err(|e| bad(e.to_string()))?
                }
                "near" => {
                    request.words_between_parts = crate::query::match_mode::MatchMode::parse_near(value)
                        .map_err(|e| bad(e.to_string()))?
                }
                "limit" => {
                    request.limit = value
                        .parse()
                        .map_err(|_| bad(format!("limit needs a number, not {value:?}")))?
                }
                "facets" if value == "none" => request.facets.clear(),
                "facets" => {
                    request.facets = value
                        .split(',')
                        .map(facet_key)
                        .collect::<Result<_, _>>()
                        .map_err(|e| bad(e.to_string()))?
                }
                _ => match RangeField::parse(key) {
                    Some(field) => request.ranges.push(
                        RangeFilter::from_flag(field, value).map_err(|e| bad(e.to_string()))?,
                    ),
                    None => {
                        return Err(bad(format!(
                        "unknown option {option:?}: write filter=KEY=VALUE, budget=RANGE (or another number or date field), sort=ORDER, facets=KEYS, counts=sidebar|hits, limit=N, passages, match=MODE, near=N or view=trend|kwic|similar|cooccur"
                    )))
                    }
                },
            }
        }
        request.filters = FacetFilter::parse_all(&filters).map_err(|e| bad(e.to_string()))?;
        queries.push(BenchQuery {
            class: class.to_string(),
            line: line.to_string(),
            request,
            view,
        });
    }
    if queries.is_empty() {
        return Err(FyndError::BadBenchQuery {
            path: path.to_path_buf(),
            line: 0,
            reason: "no queries in the file".into(),
        });
    }
    Ok(queries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mix_parses_and_covers_every_class_of_the_issue() {
        let queries = parse(Path::new("benches/queries.txt"), DEFAULT_QUERIES).unwrap();
        let mut classes: Vec<&str> = queries.iter().map(|q| q.class.as_str()).collect();
        classes.dedup();
        for class in [
            "rare_word",
            "common_word",
            "compound",
            "compound_part",
            "phrase",
            "boolean",
            "facet_filter",
            "facet_sidebar",
            "range_filter",
            "sorted",
            "facet_counts",
            "snippets",
            "few_hits",
            "typo",
            "no_hits",
        ] {
            assert!(classes.contains(&class), "no {class} queries");
        }
        assert!(queries
            .iter()
            .filter(|q| q.class == "snippets")
            .all(|q| q.request.passages));
        assert!(queries
            .iter()
            .filter(|q| q.class != "snippets")
            .all(|q| !q.request.passages));
        // The peers count over the filtered hits; the sidebar way is fynd's own class.
        for q in &queries {
            let filtered = !q.request.filters.is_empty();
            match q.class.as_str() {
                "facet_filter" => assert!(filtered && !q.request.sidebar_counts, "{}", q.line),
                "facet_sidebar" => assert!(filtered && q.request.sidebar_counts, "{}", q.line),
                _ => {}
            }
        }
    }

    #[test]
    fn the_stream_interleaves_the_classes_and_keeps_every_query() {
        let parsed = parse(Path::new("benches/queries.txt"), DEFAULT_QUERIES).unwrap();
        let stream = load(None).unwrap();
        let lines = |qs: &[BenchQuery]| {
            let mut lines: Vec<String> = qs.iter().map(|q| q.line.clone()).collect();
            lines.sort();
            lines
        };
        assert_eq!(lines(&stream), lines(&parsed));
        // No two neighbours share a class while more than one class has queries left.
        let classes = parsed
            .iter()
            .map(|q| q.class.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len();
        let first_round: Vec<&str> = stream[..classes].iter().map(|q| q.class.as_str()).collect();
        let distinct: std::collections::HashSet<&str> = first_round.iter().copied().collect();
        assert_eq!(distinct.len(), classes, "{first_round:?}");
        // Each class keeps its own order.
        for class in distinct {
            let own = |qs: &[BenchQuery]| -> Vec<String> {
                qs.iter()
                    .filter(|q| q.class == class)
                    .map(|q| q.line.clone())
                    .collect()
            };
            assert_eq!(own(&stream), own(&parsed), "{class}");
        }
    }

    #[test]
    fn options_become_the_request() {
        let text = "x | samverkan | filter=fund=ESF+ | budget=>=5000000 | sort=start:desc | limit=3 | facets=none\ny | samverkan | filter=fund=ESF+ | counts=hits\n";
        let parsed = parse(Path::new("q"), text).unwrap();
        assert!(parsed[0].request.sidebar_counts);
        assert!(!parsed[1].request.sidebar_counts);
        let q = &parsed[0];
        assert_eq!(q.request.query, "samverkan");
        assert_eq!(q.request.filters.len(), 1);
        assert_eq!(q.request.ranges.len(), 1);
        assert_eq!(q.request.limit, 3);
        assert!(q.request.facets.is_empty());
        assert_eq!(q.request.sort.to_string(), "start:desc");
        let err = parse(Path::new("q"), "# c\nx | y | colour=red\n").unwrap_err();
        assert!(err.to_string().starts_with("q:2: unknown option"), "{err}");
        assert!(parse(Path::new("q"), "just a line\n").is_err());
    }

    #[test]
    fn the_views_mix_parses_into_a_class_per_view() {
        let text = include_str!("../../benches/views.txt");
        let queries = parse(Path::new("benches/views.txt"), text).unwrap();
        for (class, view) in [
            ("trend", BenchView::Trend),
            ("kwic_page", BenchView::Kwic),
            ("similar", BenchView::Similar),
            ("cooccur", BenchView::Cooccur),
        ] {
            assert!(queries
                .iter()
                .any(|q| q.class == class && q.view == Some(view)));
        }
        assert!(queries.iter().all(|q| q.view.is_some()));
        let err = parse(Path::new("x"), "a | b | view=map").unwrap_err();
        assert!(
            err.to_string().contains("trend, kwic, similar or cooccur"),
            "{err}"
        );
    }
}
