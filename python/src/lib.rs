//! `fynd._fynd`: the native half of the Python package `fynd`. It turns the package's
//! arguments into the library's own types (through [`SearchOptions`], as `fynd search` and
//! `fynd serve` do), runs the library with the GIL released, and hands each answer back as
//! the JSON the command line prints, which `fynd/__init__.py` reads into Python objects; a
//! search's answer, the call made most often, is built as Python objects directly.

/// mimalloc, as in the command line: the engine allocates and frees many small strings per
/// search and index run, for which it is faster than the system allocator. It serves only
/// the allocations of this module's Rust code; Python keeps its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use fynd::index::{index_paths_with, FyndIndex, IndexOptions, NoProgress};
use fynd::output::export::hit_object;
use fynd::output::record_view::record_json;
use fynd::query::export::{export_with, HitStream};
use fynd::query::filters::facet_key;
use fynd::query::options::SearchOptions;
use fynd::query::range::RangeField;
use fynd::query::{facet_values_with, lookup, search_with, Hit, SearchRequest};
use fynd::record::{Date, ProjectRecord};
use fynd::views;
use fynd::FyndError as Error;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDict, PyList};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;
use tantivy::IndexReader;

create_exception!(
    _fynd,
    FyndError,
    PyException,
    "Every error fynd reports; the message is the command line's."
);
create_exception!(
    _fynd,
    IndexNotFound,
    FyndError,
    "No index in the folder given (build one with fynd.index)."
);
create_exception!(
    _fynd,
    QueryError,
    FyndError,
    "A query, filter, period, sort, match mode or view option that cannot be read."
);
create_exception!(
    _fynd,
    RecordNotFound,
    FyndError,
    "No record has the id asked for (the message names similar ids)."
);

/// The Python exception for a library error: the class says what kind of error it is, the
/// message is the one the command line prints after `error:`.
fn to_py(err: Error) -> PyErr {
    let message = err.to_string();
    match err {
        Error::NoIndex { .. } => IndexNotFound::new_err(message),
        Error::NoRecord { .. } => RecordNotFound::new_err(message),
        Error::QuerySyntax { .. }
        | Error::UnknownFilterKey { .. }
        | Error::BadFilter { .. }
        | Error::BadDate { .. }
        | Error::BadSort { .. }
        | Error::BadNear { .. }
        | Error::BadMatchMode { .. }
        | Error::BadRange { .. }
        | Error::BadView { .. } => QueryError::new_err(message),
        _ => FyndError::new_err(message),
    }
}

/// `value` as JSON text, the form `fynd ... --json` prints it in.
fn json<T: Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|err| FyndError::new_err(err.to_string()))
}

/// A search hit as the package hands it on: the command line's hit fields (score,
/// passage, the fields `fynd search --json` shows), then every other field of its record
/// but the body, dates as `datetime.date`. Built field by field with interned keys: a page
/// of hits is most of a search's answer, and building it here costs a fraction of writing
/// JSON for Python to read back.
///
/// Contract: the keys are those of `fynd search --json`'s hit and `fynd show --json`'s
/// record less `body` (python/tests/test_api.py compares them with `show`).
fn hit_dict<'py>(py: Python<'py>, hit: &Hit) -> PyResult<Bound<'py, PyDict>> {
    let date = |value: &Option<Date>| -> PyResult<Option<Bound<'py, PyDate>>> {
        value
            .map(|d| PyDate::new(py, d.year, d.month, d.day))
            .transpose()
    };
    let dict = PyDict::new(py);
    macro_rules! put {
        ($key:literal, $value:expr) => {
            dict.set_item(pyo3::intern!(py, $key), $value)?
        };
    }
    put!("id", &hit.id);
    put!("path", &hit.path);
    put!("title", &hit.title);
    // The score as the JSON prints it: the f32's shortest decimal, not its f64 expansion.
    put!(
        "score",
        hit.score
            .to_string()
            .parse::<f64>()
            .unwrap_or(f64::from(hit.score))
    );
    put!("shape", hit.shape.name());
    put!("fund", hit.fund.as_deref());
    put!("region", hit.region.as_deref());
    put!("nuts2", hit.nuts2.as_deref());
    put!("programme_area", hit.programme_area.as_deref());
    put!("specific_objective", hit.specific_objective.as_deref());
    put!("owner", hit.owner.as_deref());
    put!("start", date(&hit.start)?);
    put!("end", date(&hit.end)?);
    put!("published", date(&hit.published)?);
    put!("years", &hit.years);
    put!("budget", hit.budget);
    put!("granted", hit.granted);
    put!("snippet", &hit.snippet);
    if let Some(record) = &hit.record {
        // Every field named, none with `..`: a field added to the record fails to compile
        // here until the package hands it on too. The fields the hit has already are `_`.
        let ProjectRecord {
            id: _,
            diarienummer,
            path: _,
            shape: _,
            title: _,
            body: _,
            fund: _,
            region: _,
            nuts2: _,
            country,
            programme_cci,
            programme_area: _,
            specific_objective: _,
            intervention_type,
            owner: _,
            owner_org_number,
            project_phase,
            start: _,
            end: _,
            published: _,
            budget: _,
            granted: _,
            budget_eur,
            granted_eur,
            cofinancing_rate,
            participants,
            strategic_importance,
            secondary_themes,
            partners,
            municipalities,
            counties,
            extra,
            as_written,
        } = &**record;
        put!("diarienummer", diarienummer.as_deref());
        put!("country", country.as_deref());
        put!("programme_cci", programme_cci.as_deref());
        put!("intervention_type", intervention_type.as_deref());
        put!("owner_org_number", owner_org_number.as_deref());
        put!("project_phase", project_phase.as_deref());
        // As the record's JSON: the amounts in euro and the spellings as written only
        // when there are any.
        if budget_eur.is_some() {
            put!("budget_eur", *budget_eur);
        }
        if granted_eur.is_some() {
            put!("granted_eur", *granted_eur);
        }
        put!("cofinancing_rate", *cofinancing_rate);
        put!("participants", *participants);
        put!("strategic_importance", *strategic_importance);
        put!("secondary_themes", secondary_themes);
        put!("partners", partners);
        put!("municipalities", municipalities);
        put!("counties", counties);
        put!("extra", extra);
        if !as_written.is_empty() {
            put!("as_written", as_written);
        }
    }
    Ok(dict)
}

/// The options every search-like call takes, as the package passes them (already as the
/// command line's text: `KEY=VALUE` filters, dates as `YYYY-MM-DD`).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Options {
    query: String,
    filters: Vec<String>,
    from: Option<String>,
    to: Option<String>,
    /// `(field, range)` pairs: the range flags by field name (`budget`, `start`, …).
    ranges: Vec<(String, String)>,
    sort: Option<String>,
    facets: Option<Vec<String>>,
    match_mode: Option<String>,
    near: Option<String>,
}

/// The range field a package caller names (`"budget"`, `"cofinancing-rate"`); an unknown
/// name is a `QueryError` listing the names there are.
fn range_field(name: &str) -> PyResult<RangeField> {
    RangeField::parse(&name.trim().to_lowercase().replace('-', "_")).ok_or_else(|| {
        let known: Vec<&str> = RangeField::ALL.iter().map(|field| field.name()).collect();
        QueryError::new_err(format!(
            "unknown range field {name:?}: one of {}",
            known.join(", ")
        ))
    })
}

impl Options {
    fn request(&self) -> PyResult<SearchRequest> {
        SearchOptions {
            query: self.query.clone(),
            filters: self.filters.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            ranges: self
                .ranges
                .iter()
                .map(|(name, value)| Ok((range_field(name)?, value.clone())))
                .collect::<PyResult<_>>()?,
            sort: self.sort.clone(),
            facets: self.facets.clone(),
            match_mode: self.match_mode.clone(),
            near: self.near.clone(),
        }
        .request()
        .map_err(to_py)
    }
}

/// Indexes `paths` into the index folder `index` as `fynd index` does with its default
/// options; returns the summary `fynd index --json` prints.
#[pyfunction]
#[pyo3(signature = (paths, index, rebuild = false))]
fn index_paths(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    index: PathBuf,
    rebuild: bool,
) -> PyResult<String> {
    let options = IndexOptions {
        rebuild,
        ..IndexOptions::default()
    };
    let summary = py
        .allow_threads(|| index_paths_with(&index, &paths, &options, &mut NoProgress))
        .map_err(to_py)?;
    json(&summary)
}

/// An open index with one reader, which every search shares (opening a reader per search
/// would open every segment again); it sees the index as of opening or the last `reload`.
#[pyclass(frozen, module = "fynd._fynd")]
struct Index {
    index: FyndIndex,
    reader: IndexReader,
}

#[pymethods]
impl Index {
    /// Opens the index in folder `path`.
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Index> {
        py.allow_threads(|| {
            let index = FyndIndex::open(&path)?;
            let reader = index.reader()?;
            Ok(Index { index, reader })
        })
        .map_err(to_py)
    }

    /// Makes later searches see what was committed to the index since it was opened.
    fn reload(&self, py: Python<'_>) -> PyResult<()> {
        py.allow_threads(|| self.reader.reload().map_err(Error::from))
            .map_err(to_py)
    }

    /// One page of hits with facet counts: the object `fynd search --json` prints, as
    /// Python dicts and lists (serialised by the same serde code straight into Python
    /// objects, so the keys and values are those of the JSON).
    #[pyo3(signature = (options, limit, offset, facet_limit, explain))]
    fn search<'py>(
        &self,
        py: Python<'py>,
        options: Options,
        limit: usize,
        offset: usize,
        facet_limit: usize,
        explain: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut request = options.request()?;
        request.limit = limit;
        request.offset = offset;
        request.facet_limit = facet_limit;
        request.explain = explain;
        request.records = true;
        let mut response = py
            .allow_threads(|| {
                let started = Instant::now();
                let mut response = search_with(&self.index, &self.reader.searcher(), &request)?;
                response.took_ms = started.elapsed().as_secs_f64() * 1000.0;
                Ok::<_, Error>(response)
            })
            .map_err(to_py)?;
        // The hits and facet counts, most of the answer, built by hand; the rest as serde
        // writes it (the same keys and values as the JSON).
        let hits = std::mem::take(&mut response.hits);
        let facets = std::mem::take(&mut response.facets);
        let answer = pythonize::pythonize(py, &response)
            .map_err(|err| FyndError::new_err(err.to_string()))?;
        let list = PyList::empty(py);
        for hit in &hits {
            list.append(hit_dict(py, hit)?)?;
        }
        answer.set_item(pyo3::intern!(py, "hits"), list)?;
        let by_key = PyDict::new(py);
        for (key, counts) in &facets {
            let values = PyList::empty(py);
            for count in counts {
                let entry = PyDict::new(py);
                entry.set_item(pyo3::intern!(py, "value"), &count.value)?;
                entry.set_item(pyo3::intern!(py, "count"), count.count)?;
                values.append(entry)?;
            }
            by_key.set_item(key.name(), values)?;
        }
        answer.set_item(pyo3::intern!(py, "facets"), by_key)?;
        Ok(answer)
    }

    /// Every hit from `offset` on (at most `limit`), loaded one by one as the stream is read.
    #[pyo3(signature = (options, limit, offset, body))]
    fn export(
        &self,
        py: Python<'_>,
        options: Options,
        limit: Option<usize>,
        offset: usize,
        body: bool,
    ) -> PyResult<Export> {
        let mut request = options.request()?;
        request.limit = limit.unwrap_or(usize::MAX);
        request.offset = offset;
        let hits = py
            .allow_threads(|| export_with(&self.index, &self.reader.searcher(), &request, false))
            .map_err(to_py)?;
        Ok(Export { hits, body })
    }

    /// Every value of facet `key` with its count over what the options match: the object
    /// `fynd facets KEY --json` prints.
    fn facets(&self, py: Python<'_>, key: &str, options: Options) -> PyResult<String> {
        let key = facet_key(key).map_err(to_py)?;
        let request = options.request()?;
        let listing = py
            .allow_threads(|| {
                facet_values_with(&self.index, &self.reader.searcher(), &request, key)
            })
            .map_err(to_py)?;
        json(&listing)
    }

    /// The record with id `id`: the object `fynd show --json` prints.
    fn show(&self, py: Python<'_>, id: &str) -> PyResult<String> {
        let record = py
            .allow_threads(|| lookup::find_record_with(&self.index, &self.reader.searcher(), id))
            .map_err(to_py)?;
        json(&record_json(&record))
    }

    /// Matching projects per bucket for each query: the object `fynd trend --json` prints.
    #[pyo3(signature = (queries, options, by, share, sum))]
    fn trend(
        &self,
        py: Python<'_>,
        queries: Vec<String>,
        options: Options,
        by: &str,
        share: bool,
        sum: Option<&str>,
    ) -> PyResult<String> {
        use views::trend::{SumField, TrendBy, TrendOptions};
        let trend_options = TrendOptions {
            by: TrendBy::parse(by).map_err(to_py)?,
            share,
            sum: sum.map(SumField::parse).transpose().map_err(to_py)?,
        };
        let base = options.request()?;
        let trend = py
            .allow_threads(|| {
                views::trend::trend(
                    &self.index,
                    &self.reader.searcher(),
                    &base,
                    &queries,
                    trend_options,
                )
            })
            .map_err(to_py)?;
        json(&trend)
    }

    /// Every occurrence of the query's words in the matching records, in context (at most
    /// `limit` lines; 0 for all): the object `fynd kwic --json` prints.
    #[pyo3(signature = (options, width, sort, limit))]
    fn kwic(
        &self,
        py: Python<'_>,
        options: Options,
        width: usize,
        sort: &str,
        limit: usize,
    ) -> PyResult<String> {
        use views::kwic::{KwicOptions, KwicSort};
        let view_options = KwicOptions {
            width: width.clamp(1, 500),
            sort: KwicSort::parse(sort).map_err(to_py)?,
            limit,
        };
        let request = options.request()?;
        let (query, total, lines) = py
            .allow_threads(|| {
                let stream = views::kwic::kwic(
                    &self.index,
                    &self.reader.searcher(),
                    &request,
                    view_options,
                )?;
                let (query, total) = (stream.query.clone(), stream.total);
                let lines = stream.collect::<Result<Vec<_>, Error>>()?;
                Ok::<_, Error>((query, total, lines))
            })
            .map_err(to_py)?;
        json(&serde_json::json!({ "query": query, "total": total, "lines": lines }))
    }

    /// The projects most like record `id`: the object `fynd similar --json` prints.
    fn similar(&self, py: Python<'_>, id: &str, limit: usize) -> PyResult<String> {
        let found = py
            .allow_threads(|| {
                views::similar::similar(&self.index, &self.reader.searcher(), id, limit)
            })
            .map_err(to_py)?;
        json(&found)
    }

    /// Terms over-represented in the matching projects: the object `fynd cooccur --json`
    /// prints.
    fn cooccur(
        &self,
        py: Python<'_>,
        options: Options,
        limit: usize,
        min_count: u64,
    ) -> PyResult<String> {
        let view_options = views::cooccur::CooccurOptions { limit, min_count };
        let request = options.request()?;
        let found = py
            .allow_threads(|| {
                views::cooccur::cooccur(
                    &self.index,
                    &self.reader.searcher(),
                    &request,
                    view_options,
                )
            })
            .map_err(to_py)?;
        json(&found)
    }
}

/// The hits of an export, one JSON object each (the row `fynd search --format jsonl`
/// writes, with the body when asked for), read from the index as Python asks for them.
#[pyclass(module = "fynd._fynd")]
struct Export {
    hits: HitStream,
    body: bool,
}

#[pymethods]
impl Export {
    /// Hits the query matches in all (before the offset).
    #[getter]
    fn total(&self) -> usize {
        self.hits.total
    }

    /// Hits not yet read.
    #[getter]
    fn remaining(&self) -> usize {
        self.hits.remaining()
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<String>> {
        let hits = &mut self.hits;
        let Some(hit) = py.allow_threads(|| hits.next()) else {
            return Ok(None);
        };
        let hit = hit.map_err(to_py)?;
        let mut object = hit_object(&hit);
        if self.body {
            object.insert("body".into(), hit.record.body.clone().into());
        }
        json(&object).map(Some)
    }
}

/// The module `fynd._fynd`.
#[pymodule]
fn _fynd(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(index_paths, m)?)?;
    m.add_class::<Index>()?;
    m.add_class::<Export>()?;
    m.add("FyndError", py.get_type::<FyndError>())?;
    m.add("IndexNotFound", py.get_type::<IndexNotFound>())?;
    m.add("QueryError", py.get_type::<QueryError>())?;
    m.add("RecordNotFound", py.get_type::<RecordNotFound>())?;
    Ok(())
}
