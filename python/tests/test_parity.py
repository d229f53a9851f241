"""The package answers exactly as the command line does, on the shipped corpus: the same
ids in the same order, the same totals, the same facet counts, the same records."""

import datetime

import pytest

from conftest import CORPUS

# (query, package options, the same options as command-line flags)
SEARCHES = [
    ("samverkan", {}, []),
    ("", {}, []),
    ("*", {"sort": "start:desc"}, ["--sort", "start:desc"]),
    ("kompetens", {"match": "exact"}, ["--match", "exact"]),
    ("kompetens", {"match": "broad"}, ["--match", "broad"]),
    ("arbetsmarknad OR integration", {}, []),
    ("utveckling -kommun", {}, []),
    ('"social ekonomi"', {}, []),
    ("", {"filters": {"fund": ["Interreg"]}}, ["--filter", "fund=Interreg"]),
    ("utbildning", {"filters": {"fond": "erUF"}}, ["--filter", "fond=erUF"]),
    (
        "projekt",
        {"filters": {"region": ["Skåne", "Stockholm"]}, "period": (2015, "2018-06-30")},
        ["--filter", "region=Skåne", "--filter", "region=Stockholm", "--from", "2015", "--to", "2018-06-30"],
    ),
    ("", {"period": (datetime.date(2019, 1, 1), None)}, ["--from", "2019-01-01"]),
    ("granted:>=5000000", {"sort": "granted:desc"}, ["--sort", "granted:desc"]),
    (
        "",
        {"ranges": {"granted": ">=5000000", "start": "[2010 TO 2016]"}, "sort": "granted:desc"},
        ["--granted", ">=5000000", "--start", "[2010 TO 2016]", "--sort", "granted:desc"],
    ),
    ("", {"ranges": {"cofinancing-rate": ">=40"}}, ["--cofinancing-rate", ">=40"]),
]


def _ids(hits):
    return [hit["id"] for hit in hits]


@pytest.mark.parametrize("query,options,flags", SEARCHES)
def test_search_matches_cli(idx, cli, query, options, flags):
    result = idx.search(query, limit=40, **options)
    expected = cli.json("search", query, "--limit", "40", *flags)
    assert result.total == expected["total"]
    assert _ids(result.hits) == _ids(expected["hits"])
    assert result.facets == expected["facets"]
    assert result.sort == expected["sort"]
    assert result.explain == expected["explain"]


def test_the_searches_find_something(idx):
    # A parity test over empty answers would hold for any engine.
    found = [idx.search(query, **options).total for query, options, _ in SEARCHES]
    assert all(total > 0 for total in found), found


def test_paging_matches_cli(idx, cli):
    result = idx.search("", sort="start:asc", limit=7, offset=13)
    expected = cli.json("search", "", "--sort", "start:asc", "--limit", "7", "--offset", "13")
    assert len(result.hits) == 7
    assert _ids(result.hits) == _ids(expected["hits"])


@pytest.mark.parametrize("query,options,flags", SEARCHES)
def test_export_matches_cli_jsonl(idx, cli, query, options, flags):
    export = idx.export(query, **options)
    rows = list(export)
    expected = cli.jsonl(query, *flags)
    assert export.total == len(expected)
    assert _ids(rows) == _ids(expected)
    for row, line in zip(rows, expected):
        assert set(row) == set(line)
        for key, value in line.items():
            if isinstance(row[key], datetime.date):
                assert row[key].isoformat() == value
            else:
                assert row[key] == value, key


def test_export_streams_one_hit_at_a_time(idx):
    export = idx.export("")
    assert export.total > 100
    assert export.remaining == export.total
    first = next(export)
    assert export.remaining == export.total - 1
    read = 1 + sum(1 for _ in export)
    assert read == export.total
    assert export.remaining == 0
    assert "body" not in first


def test_export_body_and_limit(idx, cli):
    rows = list(idx.export("samverkan", limit=3, body=True))
    assert len(rows) == 3
    for row in rows:
        assert row["body"] == cli.json("show", row["id"])["body"]


@pytest.mark.parametrize(
    "key,query,flags",
    [("region", "", []), ("year", "samverkan", []), ("fond", "", []), ("owner", "projekt", ["--match", "exact"])],
)
def test_facets_match_cli(idx, cli, key, query, flags):
    options = {"match": "exact"} if flags else {}
    listing = idx.facets(key, query, **options)
    expected = cli.json("facets", key, query, *flags)
    assert listing.raw == expected
    assert listing.total > 0


def test_show_matches_cli(idx, cli):
    for hit in idx.search("", limit=5).hits:
        record = idx.show(hit["id"])
        expected = cli.json("show", hit["id"])
        assert set(record) == set(expected)
        for key, value in expected.items():
            got = record[key]
            assert (got.isoformat() if isinstance(got, datetime.date) else got) == value, key


def test_index_summary_matches_cli(built, cli, tmp_path):
    _, summary = built
    done = cli.run("index", str(CORPUS), "--index", str(tmp_path / "cli"), "--json")
    import json

    expected = json.loads(done.stdout)
    assert set(summary) == set(expected)
    assert summary["records_written"] == expected["records_written"] > 0
    for key, value in expected.items():
        if isinstance(value, (int, list)) and not isinstance(value, bool) and "ms" not in key:
            assert summary[key] == value, key
