"""Types of what the package returns, its exceptions (with the command line's messages),
pandas on demand, and the research views against the command line."""

import datetime
import sys
import threading
import time

import pytest

import fynd


def test_hit_fields_are_typed(idx):
    hits = list(idx.export(""))
    assert hits
    dates = amounts = 0
    for hit in hits:
        assert isinstance(hit["id"], str) and isinstance(hit["score"], float)
        for key in ("start", "end", "published"):
            assert hit[key] is None or type(hit[key]) is datetime.date
            dates += hit[key] is not None
        for key in ("budget", "granted"):
            assert hit[key] is None or type(hit[key]) is int
            amounts += hit[key] is not None
        assert all(type(year) is int for year in hit["years"])
    # The corpus has dated records with amounts: the checks above ran on real values.
    assert dates > 0 and amounts > 0


def test_search_hits_are_typed(idx):
    result = idx.search("", sort="start:desc", limit=5)
    assert all(type(hit["start"]) is datetime.date for hit in result.hits)
    starts = [hit["start"] for hit in result.hits]
    assert starts == sorted(starts, reverse=True)
    assert isinstance(result.total, int) and len(result) == 5


def test_search_hits_carry_every_record_field(idx):
    result = idx.search("samverkan", limit=20)
    assert len(result.hits) == 20
    filled = set()
    for hit in result.hits:
        record = idx.show(hit["id"])
        assert "body" not in hit
        for key, value in record.items():
            if key != "body":
                assert hit[key] == value, (hit["id"], key)
                filled.update([key] if value not in (None, "", [], {}) else [])
        assert isinstance(hit["score"], float) and "snippet" in hit
    # Fields the command line's hits leave out, compared above on real values.
    assert {"diarienummer", "municipalities", "counties", "cofinancing_rate"} <= filled, filled


def test_missing_index_raises_index_not_found(cli, tmp_path):
    with pytest.raises(fynd.IndexNotFound) as raised:
        fynd.open(tmp_path / "nothing")
    assert isinstance(raised.value, fynd.FyndError)
    assert str(raised.value) == cli.error("search", "x", "--index", str(tmp_path / "nothing"))


@pytest.mark.parametrize(
    "query,options,flags",
    [
        ('"unclosed', {}, []),
        ("(a OR", {}, []),
        ("x", {"filters": {"colour": "red"}}, ["--filter", "colour=red"]),
        ("x", {"sort": "title"}, ["--sort", "title"]),
        ("x", {"match": "fuzzy"}, ["--match", "fuzzy"]),
        ("x", {"period": ("2020-13-45", None)}, ["--from", "2020-13-45"]),
        ("x", {"ranges": {"budget": ">=fem"}}, ["--budget", ">=fem"]),
    ],
)
def test_bad_queries_raise_query_error(idx, cli, query, options, flags):
    with pytest.raises(fynd.QueryError) as raised:
        idx.search(query, **options)
    assert isinstance(raised.value, fynd.FyndError)
    assert str(raised.value) == cli.error("search", query, "--index", str(cli.index), *flags)


def test_an_unknown_range_field_raises_query_error_naming_the_fields(idx):
    with pytest.raises(fynd.QueryError, match='unknown range field "colour": one of budget'):
        idx.search("x", ranges={"colour": ">1"})


def test_unknown_id_raises_record_not_found(idx, cli):
    with pytest.raises(fynd.RecordNotFound) as raised:
        idx.show("no-such-record")
    assert str(raised.value) == cli.error("show", "no-such-record", "--index", str(cli.index))


def test_indexing_nothing_raises(tmp_path):
    with pytest.raises(fynd.FyndError, match="no such file or folder"):
        fynd.index([tmp_path / "missing"], index=tmp_path / "idx")


def test_an_open_index_sees_new_records_after_reload(tmp_path):
    from conftest import CORPUS, Cli

    folder = tmp_path / "idx"
    fynd.index([CORPUS / "seeds"], index=folder)
    idx = fynd.open(folder)
    before = idx.search("").total
    added = fynd.index([CORPUS / "projektbanken"], index=folder)["records_written"]
    assert added > 0
    assert idx.search("").total == before
    idx.reload()
    assert idx.search("").total == before + added == Cli(folder).json("search", "")["total"]


def test_pandas_is_imported_only_when_asked(idx):
    idx.search("samverkan")
    assert "pandas" not in sys.modules or pytest.skip("pandas was imported before the test")
    pandas = pytest.importorskip("pandas")
    result = idx.search("samverkan", limit=20)
    frame = result.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame["id"]) == [hit["id"] for hit in result.hits]
    export = idx.export("samverkan")
    total = export.total
    assert len(export.to_pandas()) == total
    regions = idx.facets("region").to_pandas()
    assert list(regions.columns) == ["value", "count"]
    assert dict(zip(regions["value"], regions["count"])) == idx.facets("region").counts()
    trend = idx.trend(["samverkan", "integration"])
    frame = trend.to_pandas()
    for series in trend["series"]:
        rows = frame[frame["query"] == series["query"]]
        assert list(rows["bucket"]) == trend["buckets"]
        assert rows["count"].sum() == sum(point["count"] for point in series["points"]) > 0
    assert len(idx.kwic("samverkan", limit=0).to_pandas()) == sum(
        1 for _ in idx.kwic("samverkan", limit=0)["lines"]
    ) > 0
    assert list(idx.cooccur("samverkan", limit=5).to_pandas()["term"]) == [
        term["term"] for term in idx.cooccur("samverkan", limit=5)["terms"]
    ]


def test_indexing_releases_the_gil(tmp_path):
    # While another thread indexes the corpus, this one keeps running Python: with the GIL
    # held for the whole call, no stamp could fall inside it (past the interpreter's 5 ms
    # switch interval).
    from conftest import CORPUS

    span = {}

    def run():
        span["start"] = time.perf_counter()
        fynd.index([CORPUS], index=tmp_path / "idx")
        span["end"] = time.perf_counter()

    stamps = []
    thread = threading.Thread(target=run)
    thread.start()
    while thread.is_alive():
        stamps.append(time.perf_counter())
        time.sleep(0.001)
    thread.join()
    margin = 0.05
    assert span["end"] - span["start"] > 4 * margin, "indexing too quick to tell"
    inside = [t for t in stamps if span["start"] + margin < t < span["end"] - margin]
    assert len(inside) > 10, (len(inside), span)


def test_threads_search_at_once(idx):
    # Searches from several threads give what one thread gets (the GIL is released while
    # the engine runs, so they overlap).
    expected = idx.search("samverkan", limit=20)
    found = []

    def run():
        found.append(idx.search("samverkan", limit=20))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [[h["id"] for h in r.hits] for r in found] == [[h["id"] for h in expected.hits]] * 4


def _timeless(value):
    """A view's JSON without its timing, which differs from run to run."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k != "took_ms"}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def test_trend_matches_cli(idx, cli):
    got = idx.trend(["samverkan", "integration"], by="year")
    expected = cli.json("trend", "samverkan", "integration", "--by", "year")
    assert _timeless(got) == _timeless(expected)
    got = idx.trend("kompetens", by="region", share=True, filters={"fund": "ERUF"})
    expected = cli.json("trend", "kompetens", "--by", "region", "--share", "--filter", "fund=ERUF")
    assert _timeless(got) == _timeless(expected)


def test_similar_and_cooccur_match_cli(idx, cli):
    first = idx.search("samverkan", limit=1).hits[0]["id"]
    assert _timeless(idx.similar(first, limit=5)) == _timeless(
        cli.json("similar", first, "--limit", "5")
    )
    assert _timeless(idx.cooccur("samverkan", limit=10)) == _timeless(
        cli.json("cooccur", "samverkan", "--limit", "10")
    )


@pytest.mark.parametrize(
    "options,flags",
    [
        ({}, []),
        ({"sort": "left", "width": 25, "limit": 0}, ["--sort", "left", "--width", "25", "--limit", "0"]),
        ({"filters": {"fund": "Interreg"}, "limit": 30}, ["--filter", "fund=Interreg", "--limit", "30"]),
    ],
)
def test_kwic_matches_cli(idx, cli, options, flags):
    got = idx.kwic("samverkan", **options)
    expected = cli.json("kwic", "samverkan", *flags)
    assert got["lines"], "the concordance is empty"
    assert got == expected


def test_bad_view_option_raises_query_error(idx):
    with pytest.raises(fynd.QueryError):
        idx.trend("samverkan", by="colour")
    with pytest.raises(fynd.QueryError):
        idx.kwic("samverkan", sort="middle")
