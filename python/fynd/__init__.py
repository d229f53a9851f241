"""fynd: full-text search for Swedish project documents, from Python.

The package runs the fynd library crate itself (built into ``fynd._fynd``), so a search here
reads the query, analyses Swedish words and counts facets exactly as ``fynd search`` does.
Every answer is the object the command line prints with ``--json``, read into Python:
dates as :class:`datetime.date`, amounts in SEK as ints.

    >>> import fynd
    >>> fynd.index(["corpus"], index="index")          # doctest: +SKIP
    >>> idx = fynd.open("index")                        # doctest: +SKIP
    >>> result = idx.search("samverkan", filters={"region": ["Skåne"]})  # doctest: +SKIP
    >>> result.total, result.hits[0]["id"]              # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _fynd
from ._fynd import FyndError, IndexNotFound, QueryError, RecordNotFound

__all__ = [
    "index",
    "open",
    "Index",
    "SearchResult",
    "Export",
    "FacetListing",
    "View",
    "FyndError",
    "IndexNotFound",
    "QueryError",
    "RecordNotFound",
]

PathLike = Union[str, "os.PathLike[str]"]
DateLike = Union[str, int, datetime.date, None]
Filters = Mapping[str, Union[str, Iterable[str]]]
# {"budget": ">=5000000", "start": "[2020 TO 2022]", "participants": 10}: the command line's
# range flags by field name, values in their syntax (a number: exactly that).
Ranges = Mapping[str, Union[str, int, float]]

# The record fields that hold a date ("YYYY-MM-DD" in the command line's JSON).
_DATE_FIELDS = ("start", "end", "published")


def _dates(obj: Dict[str, Any]) -> Dict[str, Any]:
    """``obj`` with its date fields as :class:`datetime.date` (``None`` stays ``None``)."""
    for key in _DATE_FIELDS:
        value = obj.get(key)
        if isinstance(value, str):
            obj[key] = datetime.date.fromisoformat(value)
    return obj


def _filters(filters: Optional[Filters]) -> List[str]:
    """``{"region": ["Skåne", "Halland"], "fund": "ESF+"}`` as the command line's
    ``KEY=VALUE`` filters (same key: any value; different keys: all)."""
    out: List[str] = []
    for key, values in (filters or {}).items():
        if isinstance(values, str):
            values = [values]
        out.extend(f"{key}={value}" for value in values)
    return out


def _date_text(value: DateLike) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _options(
    query: str,
    filters: Optional[Filters],
    period: Optional[Tuple[DateLike, DateLike]],
    ranges: Optional[Ranges],
    sort: Optional[str],
    match: Optional[str],
    near: Optional[int],
    facets: Optional[Sequence[str]] = None,
) -> Dict[str, Any]:
    start, end = period if period is not None else (None, None)
    return {
        "query": query,
        "filters": _filters(filters),
        "from": _date_text(start),
        "to": _date_text(end),
        "ranges": [(field, str(value)) for field, value in (ranges or {}).items()],
        "sort": sort,
        "facets": list(facets) if facets is not None else None,
        "match_mode": match,
        "near": None if near is None else str(near),
    }


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install pandas") from err
    return pandas


def index(
    paths: Union[PathLike, Sequence[PathLike]],
    index: PathLike = "index",
    *,
    rebuild: bool = False,
) -> Dict[str, Any]:
    """Index files or folders into the index folder ``index`` (created if missing),
    replacing records with the same id, as ``fynd index`` does.

    Returns the summary ``fynd index --json`` prints. Raises :class:`FyndError` with the
    command line's message when a path does not exist or holds nothing to index.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    summary = _fynd.index_paths([os.fspath(p) for p in paths], os.fspath(index), rebuild)
    return json.loads(summary)


def open(path: PathLike = "index") -> "Index":  # noqa: A001 - mirrors the built-in's use
    """Open the index in folder ``path``; raises :class:`IndexNotFound` when there is none."""
    return Index(path)


class SearchResult:
    """One page of hits of a search, with facet counts: ``fynd search --json`` as an object.

    ``total`` counts every matching record, ``hits`` holds this page (dicts with every
    field of the record but the body, with the command line's score and passage: dates as
    :class:`datetime.date`, amounts as ints),
    ``facets`` maps a facet key to its ``[{"value", "count"}]`` list, ``explain`` says how
    the query was read. ``raw`` is the whole object as the command line prints it.
    """

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.raw = raw
        self.query: str = raw["query"]
        self.total: int = raw["total"]
        self.took_ms: float = raw["took_ms"]
        # Built by the native module: the hit's fields, then every other field of its
        # record but the body, dates already datetime.date.
        self.hits: List[Dict[str, Any]] = raw["hits"]
        self.facets: Dict[str, List[Dict[str, Any]]] = raw["facets"]
        self.explain: Dict[str, Any] = raw["explain"]
        self.sort: str = raw["sort"]
        self.offset: int = raw["offset"]
        self.did_you_mean: List[Dict[str, Any]] = raw["did_you_mean"]
        self.corrections: List[Dict[str, Any]] = raw["corrections"]
        self.values_used: List[Dict[str, Any]] = raw["values_used"]

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.hits)

    def __repr__(self) -> str:
        return f"<fynd.SearchResult query={self.query!r} total={self.total} hits={len(self.hits)}>"

    def to_pandas(self) -> Any:
        """This page of hits as a pandas DataFrame, one row per hit (imports pandas)."""
        return _pandas().DataFrame(self.hits)


class Export:
    """Every hit of a search, read from the index one at a time as it is iterated (the
    rows of ``fynd search --format jsonl``: every record field but the body, unless asked
    for). An export can be iterated once."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    @property
    def total(self) -> int:
        """Records the query matches in all (before the offset)."""
        return int(self._stream.total)

    @property
    def remaining(self) -> int:
        """Hits not yet read."""
        return int(self._stream.remaining)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return self

    def __next__(self) -> Dict[str, Any]:
        row = next(self._stream)
        return _dates(json.loads(row))

    def __repr__(self) -> str:
        return f"<fynd.Export total={self.total} remaining={self.remaining}>"

    def to_pandas(self) -> Any:
        """The hits not yet read as a pandas DataFrame (imports pandas; reads the export)."""
        return _pandas().DataFrame(list(self))


class FacetListing:
    """Every value of one facet with its count: ``fynd facets KEY --json`` as an object."""

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.raw = raw
        self.facet: str = raw["facet"]
        self.query: str = raw["query"]
        self.total: int = raw["total"]
        self.values: List[Dict[str, Any]] = raw["values"]
        self.values_used: List[Dict[str, Any]] = raw["values_used"]

    def counts(self) -> Dict[str, int]:
        """The counts as ``{value: count}``, most frequent first."""
        return {entry["value"]: entry["count"] for entry in self.values}

    def __repr__(self) -> str:
        return f"<fynd.FacetListing facet={self.facet!r} total={self.total} values={len(self.values)}>"

    def to_pandas(self) -> Any:
        """The values and counts as a pandas DataFrame (imports pandas)."""
        return _pandas().DataFrame(self.values, columns=["value", "count"])


class View(Dict[str, Any]):
    """The answer of a research view: the dict its command prints with ``--json``, and
    :meth:`to_pandas` for its rows (trend: one per query and bucket; kwic: one per line;
    similar: one per similar project; cooccur: one per term)."""

    def __init__(self, raw: Dict[str, Any], rows: List[Dict[str, Any]]) -> None:
        super().__init__(raw)
        self.rows = rows

    def to_pandas(self) -> Any:
        """The view's rows as a pandas DataFrame (imports pandas)."""
        return _pandas().DataFrame(self.rows)


def _trend_rows(raw: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [{"query": s["query"], **point} for s in raw["series"] for point in s["points"]]


class Index:
    """An open fynd index. It reads the index as of opening (see :meth:`reload`); searches
    release the GIL, so threads can search it at once."""

    def __init__(self, path: PathLike = "index") -> None:
        self.path = os.fspath(path)
        self._index = _fynd.Index(self.path)

    def __repr__(self) -> str:
        return f"<fynd.Index {self.path!r}>"

    def reload(self) -> None:
        """See what was indexed into the folder since it was opened: an open index keeps
        one reader, as of opening or the last reload, which every search shares."""
        self._index.reload()

    def search(
        self,
        query: str = "",
        *,
        filters: Optional[Filters] = None,
        period: Optional[Tuple[DateLike, DateLike]] = None,
        ranges: Optional[Ranges] = None,
        sort: Optional[str] = None,
        limit: int = 10,
        offset: int = 0,
        match: Optional[str] = None,
        near: Optional[int] = None,
        facets: Optional[Sequence[str]] = None,
        facet_limit: int = 10,
        explain: bool = False,
    ) -> SearchResult:
        """Search as ``fynd search QUERY --json`` does: the query syntax, ``filters``
        (``{"region": ["Skåne"]}``: same key any value, different keys all), ``period``
        (``(from, to)`` as dates, ``"YYYY-MM-DD"`` or years; either may be ``None``),
        ``ranges`` (``{"budget": ">=5000000", "start": "[2020 TO 2022]"}``: the range flags
        ``--budget``, ``--granted``, ``--participants``, ``--cofinancing-rate``, ``--start``,
        ``--end``, ``--published`` by field name, in their syntax),
        ``sort`` (``"start:desc"``, …), ``match`` (``"exact"``, ``"compound"`` (the default)
        or ``"broad"``) and ``near`` are the command line's options.

        Raises :class:`QueryError` for anything that cannot be read.
        """
        options = _options(query, filters, period, ranges, sort, match, near, facets)
        raw = self._index.search(options, limit, offset, facet_limit, explain)
        return SearchResult(raw)

    def export(
        self,
        query: str = "",
        *,
        filters: Optional[Filters] = None,
        period: Optional[Tuple[DateLike, DateLike]] = None,
        ranges: Optional[Ranges] = None,
        sort: Optional[str] = None,
        limit: Optional[int] = None,
        offset: int = 0,
        match: Optional[str] = None,
        near: Optional[int] = None,
        body: bool = False,
    ) -> Export:
        """Every hit of a search (at most ``limit``), in its order, as ``fynd search
        --format jsonl`` writes them; the records are read as the export is iterated, so an
        export of the whole corpus does not hold it in memory. ``body=True`` adds each
        record's text."""
        options = _options(query, filters, period, ranges, sort, match, near)
        return Export(self._index.export(options, limit, offset, body))

    def facets(
        self,
        key: str,
        query: str = "",
        *,
        filters: Optional[Filters] = None,
        period: Optional[Tuple[DateLike, DateLike]] = None,
        ranges: Optional[Ranges] = None,
        match: Optional[str] = None,
        near: Optional[int] = None,
    ) -> FacetListing:
        """Every value of facet ``key`` (``region``, ``fund``, ``year``, …, or a Swedish
        name) with its count over the records the query and filters match."""
        options = _options(query, filters, period, ranges, None, match, near)
        return FacetListing(json.loads(self._index.facets(key, options)))

    def show(self, id: str) -> Dict[str, Any]:  # noqa: A002 - the record field's name
        """The record with id ``id``, every field and the body (``fynd show --json``);
        raises :class:`RecordNotFound` naming similar ids when there is none."""
        return _dates(json.loads(self._index.show(id)))

    def trend(
        self,
        queries: Union[str, Sequence[str]],
        *,
        by: str = "year",
        share: bool = False,
        sum: Optional[str] = None,  # noqa: A002 - the command line's option
        filters: Optional[Filters] = None,
        period: Optional[Tuple[DateLike, DateLike]] = None,
        ranges: Optional[Ranges] = None,
        match: Optional[str] = None,
        near: Optional[int] = None,
    ) -> View:
        """Matching projects per bucket (``by``: year, start_year, fund, region, county or
        programme_area) for each query: the object ``fynd trend --json`` prints."""
        if isinstance(queries, str):
            queries = [queries]
        options = _options("", filters, period, ranges, None, match, near)
        raw = json.loads(self._index.trend(list(queries), options, by, share, sum))
        return View(raw, _trend_rows(raw))

    def kwic(
        self,
        query: str,
        *,
        width: int = 40,
        sort: str = "doc",
        limit: int = 100,
        filters: Optional[Filters] = None,
        period: Optional[Tuple[DateLike, DateLike]] = None,
        ranges: Optional[Ranges] = None,
        match: Optional[str] = None,
        near: Optional[int] = None,
    ) -> View:
        """Every occurrence of the query's words in the matching records, one concordance
        line each (``sort``: doc, left or right; at most ``limit`` lines, 0 for all): the
        object ``fynd kwic --json`` prints, its ``lines`` a list of dicts."""
        options = _options(query, filters, period, ranges, None, match, near)
        raw = json.loads(self._index.kwic(options, width, sort, limit))
        return View(raw, raw["lines"])

    def similar(self, id: str, *, limit: int = 10) -> View:  # noqa: A002
        """The projects most like record ``id`` with the terms they share: the object
        ``fynd similar --json`` prints."""
        raw = json.loads(self._index.similar(id, limit))
        return View(raw, raw["hits"])

    def cooccur(
        self,
        query: str,
        *,
        limit: int = 30,
        min_count: int = 3,
        filters: Optional[Filters] = None,
        period: Optional[Tuple[DateLike, DateLike]] = None,
        ranges: Optional[Ranges] = None,
        match: Optional[str] = None,
        near: Optional[int] = None,
    ) -> View:
        """Words and compound parts over-represented in the projects ``query`` matches,
        ranked by log-likelihood: the object ``fynd cooccur --json`` prints."""
        options = _options(query, filters, period, ranges, None, match, near)
        raw = json.loads(self._index.cooccur(options, limit, min_count))
        return View(raw, raw["terms"])
