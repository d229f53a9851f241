#!/usr/bin/env python3
"""The side-by-side of benches/peers/run.sh, minus the shell work: turns the generated
records and the query mix into each engine's input, runs SQLite FTS5 in-process and
PostgreSQL through psql, and prints the one table from everyone's results.

Subcommands (run.sh calls them in this order):
  prepare WORK RECORDS QUERIES      records.tsv and specs.tsv (Lucene), mixes for fynd and SQL
  sqlite  WORK ROUNDS WARMUP        SQLite FTS5: index, time queries -> WORK/result-sqlite.json
  pg-load WORK                      SQL to load PostgreSQL            -> WORK/pg-load.sql
  pg-bench WORK ROUNDS WARMUP       SQL to time PostgreSQL            -> WORK/pg-bench.sql
  fynd-result WORK BENCH.json SECONDS INDEX.json   result-fynd.json from fynd's own output
  pg-result WORK SECONDS            result-postgres.json from pg-times.json
  report  WORK RAW_BYTES TRUTH      the table, from WORK/result-*.json and WORK/ids/*

Queries are written as for `fynd search` (benches/queries.txt); this file translates them
into FTS5 MATCH expressions and PostgreSQL tsquery text; Lucene's classic query parser reads
fynd's syntax as it is. Every engine does the same work per query: top 10 ids and titles
(by its own relevance, or by the sort field), the total count, and fund, region and year
counts (a filtered facet counted over the hits, as a plain filtered query does). Classes
facet_counts, facet_sidebar (drill-sideways counts of the filtered facet) and snippets are
fynd's own (no peer does them here).
"""
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

PEER_CLASSES_SKIPPED = {"facet_counts", "facet_sidebar", "snippets"}
EPOCH = datetime.date(1970, 1, 1)


def epoch_day(text, end=False):
    """'2023' or '2023-05-01' -> days since 1970-01-01 (a year: its first or last day)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        d = datetime.date(int(text), 12, 31) if end else datetime.date(int(text), 1, 1)
    else:
        d = datetime.date.fromisoformat(text)
    return (d - EPOCH).days


def parse_range(field, text):
    """fynd's range syntax -> inclusive (lo, hi) integers (dates as epoch days)."""
    date = field in ("start", "end", "published")
    val = (lambda t, e=False: epoch_day(t, e)) if date else (lambda t, e=False: int(t))
    big = 10**15
    text = text.strip()
    m = re.fullmatch(r"\[(.+) TO (.+)\]", text)
    if m:
        lo, hi = m.group(1).strip(), m.group(2).strip()
        return (-big if lo == "*" else val(lo), big if hi == "*" else val(hi, True))
    for op in (">=", "<=", ">", "<"):
        if text.startswith(op):
            v = text[len(op):]
            if op == ">=":
                return (val(v), big)
            if op == "<=":
                return (-big, val(v, True))
            if op == ">":
                return (val(v, True) + 1, big)
            return (-big, val(v) - 1)
    return (val(text), val(text, True))


def read_mix(path):
    """benches/queries.txt -> [(class, query, filters[(k,v)], ranges[(f,lo,hi)], sort)]."""
    mix = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        cls, query, opts = parts[0], parts[1], parts[2:]
        filters, ranges, sort = [], [], ""
        for o in opts:
            key, _, value = o.partition("=")
            if key == "filter":
                k, _, v = value.partition("=")
                filters.append((k, v))
            elif key == "sort":
                sort = value
            elif key in ("budget", "granted", "start", "end"):
                ranges.append((key,) + parse_range(key, value))
        mix.append((cls, query, filters, ranges, sort, line))
    return interleave(mix)


def interleave(mix):
    """The stream order of `fynd bench` (src/bench/queries.rs, `interleave`): the first
    query of every class (in order of first appearance), then the second of each, and so on."""
    classes = {}
    for m in mix:
        classes.setdefault(m[0], []).append(m)
    columns = list(classes.values())
    return [c[i] for i in range(max((len(c) for c in columns), default=0)) for c in columns if i < len(c)]


TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|-?[^\s()"]+)')


def parse_query(text):
    """fynd's query language (words, "phrases", OR, AND, NOT/-, parentheses) -> a tree:
    ('and', [items]) / ('or', [items]) / ('not', item) / ('word', w) / ('phrase', [w])."""
    tokens = [t for t in TOKEN.findall(text) if t.strip()]
    pos = 0

    def primary():
        nonlocal pos
        t = tokens[pos]
        pos += 1
        if t == "(":
            e = expr()
            pos += 1  # ')'
            return e
        if t.startswith('"'):
            return ("phrase", t.strip('"').split())
        return ("word", t)

    def unary():
        nonlocal pos
        t = tokens[pos]
        if t == "NOT":
            pos += 1
            return ("not", unary())
        if t.startswith("-") and len(t) > 1:
            tokens[pos] = t[1:]
            return ("not", unary())
        return primary()

    def or_group():
        nonlocal pos
        items = [unary()]
        while pos < len(tokens) and tokens[pos] == "OR":
            pos += 1
            items.append(unary())
        return items[0] if len(items) == 1 else ("or", items)

    def expr():
        nonlocal pos
        items = []
        while pos < len(tokens) and tokens[pos] != ")":
            if tokens[pos] == "AND":
                pos += 1
                continue
            items.append(or_group())
        return items[0] if len(items) == 1 else ("and", items)

    return expr()


def to_fts5(node):
    kind = node[0]
    if kind == "word":
        return '"%s"' % node[1].replace('"', "")
    if kind == "phrase":
        return '"%s"' % " ".join(node[1])
    if kind == "or":
        return "(" + " OR ".join(to_fts5(n) for n in node[1]) + ")"
    if kind == "and":
        pos = [to_fts5(n) for n in node[1] if n[0] != "not"]
        neg = [to_fts5(n[1]) for n in node[1] if n[0] == "not"]
        out = "(" + " AND ".join(pos) + ")"
        for n in neg:
            out += " NOT " + n
        return out
    raise ValueError("a lone NOT has no FTS5 form")


def to_tsquery(node):
    kind = node[0]
    if kind == "word":
        return "'%s'" % node[1].replace("'", "")
    if kind == "phrase":
        return "(" + " <-> ".join("'%s'" % w for w in node[1]) + ")"
    if kind == "or":
        return "(" + " | ".join(to_tsquery(n) for n in node[1]) + ")"
    if kind == "and":
        return "(" + " & ".join(to_tsquery(n) for n in node[1]) + ")"
    if kind == "not":
        return "!" + to_tsquery(node[1])
    raise ValueError(kind)


def tsv_field(v):
    return "" if v is None else str(v).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def prepare(work, records, queries):
    """records.tsv (for Lucene and PostgreSQL), specs.tsv (Lucene), peer-mix.json (SQL)."""
    with open(records, encoding="utf-8") as src, open(
        os.path.join(work, "records.tsv"), "w", encoding="utf-8"
    ) as out:
        for line in src:
            r = json.loads(line)
            days = lambda d: "" if not d else str(epoch_day(d))
            out.write(
                "\t".join(
                    [
                        tsv_field(r["id"]),
                        tsv_field(r["title"]),
                        tsv_field(r["body"]),
                        tsv_field(r.get("fund")),
                        tsv_field(r.get("region")),
                        tsv_field(r.get("owner")),
                        ",".join(str(y) for y in r.get("years", [])),
                        days(r.get("start")),
                        days(r.get("end")),
                        tsv_field(r.get("budget")),
                        tsv_field(r.get("granted")),
                    ]
                )
                + "\n"
            )
    mix = [m for m in read_mix(queries) if m[0] not in PEER_CLASSES_SKIPPED]
    with open(os.path.join(work, "specs.tsv"), "w", encoding="utf-8") as out:
        for cls, query, filters, ranges, sort, _ in mix:
            out.write(
                "\t".join(
                    [
                        cls,
                        "",
                        query,
                        ";".join("%s=%s" % f for f in filters),
                        ";".join("%s:%d:%d" % r for r in ranges),
                        sort,
                    ]
                )
                + "\n"
            )
    json.dump(
        [
            {
                "class": cls,
                "query": query,
                "fts5": to_fts5(parse_query(query)),
                "tsquery": to_tsquery(parse_query(query)),
                "filters": filters,
                "ranges": ranges,
                "sort": sort,
            }
            for cls, query, filters, ranges, sort, _ in mix
        ],
        open(os.path.join(work, "peer-mix.json"), "w", encoding="utf-8"),
        ensure_ascii=False,
        indent=1,
    )


def sql_where(q, quote):
    """Filters and ranges as SQL (AND …), over columns fund, region, start, end, budget, granted."""
    out = ""
    by_key = {}
    for k, v in q["filters"]:
        by_key.setdefault(k, []).append(v)
    for k, values in by_key.items():
        out += " AND %s IN (%s)" % (k, ", ".join(quote(v) for v in values))
    for field, lo, hi in q["ranges"]:
        out += ' AND "%s" BETWEEN %d AND %d' % (field, lo, hi)
    return out


def sql_order(q, score):
    if not q["sort"]:
        return score
    field, _, direction = q["sort"].partition(":")
    return '"%s" %s NULLS LAST, %s' % (field, direction.upper() or "ASC", score)


def sqlite_bench(work, rounds, warmup):
    path = os.path.join(work, "sqlite.db")
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        'CREATE TABLE docs(rid INTEGER PRIMARY KEY, id TEXT, title TEXT, fund TEXT, region TEXT, '
        '"start" INT, "end" INT, budget INT, granted INT)'
    )
    db.execute("CREATE TABLE years(rid INT, year INT)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body)")
    started = time.perf_counter()
    num = lambda v: int(v) if v else None
    docs = 0
    with db:
        for line in open(os.path.join(work, "records.tsv"), encoding="utf-8"):
            f = line.rstrip("\n").split("\t")
            docs += 1
            db.execute(
                "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)",
                (docs, f[0], f[1], f[3] or None, f[4] or None, num(f[7]), num(f[8]), num(f[9]), num(f[10])),
            )
            db.execute("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", (docs, f[1], f[2]))
            for y in filter(None, f[6].split(",")):
                db.execute("INSERT INTO years VALUES (?,?)", (docs, int(y)))
        db.execute("CREATE INDEX years_rid ON years(rid)")
    seconds = time.perf_counter() - started
    size = os.path.getsize(path)
    mix = json.load(open(os.path.join(work, "peer-mix.json"), encoding="utf-8"))
    quote = lambda v: "'%s'" % v.replace("'", "''")

    def run(q):
        where = sql_where(q, quote).replace(' AND "', ' AND d."').replace(" AND fund", " AND d.fund").replace(" AND region", " AND d.region")
        db.execute("DROP TABLE IF EXISTS temp.m")
        db.execute(
            "CREATE TEMP TABLE m AS SELECT fts.rowid AS rid, bm25(fts, 2.0, 1.0) AS s FROM fts "
            "JOIN docs d ON d.rid = fts.rowid WHERE fts MATCH ?" + where,
            (q["fts5"],),
        )
        order = sql_order(q, "m.s").replace('"', 'd."', 1) if q["sort"] else "m.s"
        db.execute("SELECT d.id, d.title FROM m JOIN docs d ON d.rid = m.rid ORDER BY %s LIMIT 10" % order).fetchall()
        total = db.execute("SELECT count(*) FROM m").fetchone()[0]
        db.execute("SELECT d.fund, count(*) FROM m JOIN docs d ON d.rid = m.rid GROUP BY d.fund").fetchall()
        db.execute("SELECT d.region, count(*) FROM m JOIN docs d ON d.rid = m.rid GROUP BY d.region").fetchall()
        db.execute("SELECT y.year, count(*) FROM m JOIN years y ON y.rid = m.rid GROUP BY y.year").fetchall()
        return total

    times, hits = {}, {}
    for r in range(warmup + rounds):
        for q in mix:
            t = time.perf_counter()
            total = run(q)
            ms = (time.perf_counter() - t) * 1000
            if r >= warmup:
                times.setdefault(q["class"], []).append(ms)
                hits[q["class"]] = hits.get(q["class"], 0) + total
    ids_dir = os.path.join(work, "ids")
    os.makedirs(ids_dir, exist_ok=True)
    for q in mix:
        if q["class"] == "compound_part":
            rows = db.execute(
                "SELECT d.id FROM fts JOIN docs d ON d.rid = fts.rowid WHERE fts MATCH ?", (q["fts5"],)
            ).fetchall()
            with open(os.path.join(ids_dir, "sqlite-%s.txt" % q["query"]), "w", encoding="utf-8") as out:
                out.writelines(r[0] + "\n" for r in rows)
    result = {"engine": "sqlite", "docs": docs, "index_seconds": seconds, "index_bytes": size,
              "segments": None, "times": times, "hits": hits}
    json.dump(result, open(os.path.join(work, "result-sqlite.json"), "w"))


def pg_load(work):
    tsv = os.path.join(os.path.abspath(work), "records.tsv")
    sql = f"""
\\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS docs, staging, queries, timings;
\\timing on
CREATE UNLOGGED TABLE staging(id text, title text, body text, fund text, region text, owner text,
  years text, "start" int, "end" int, budget bigint, granted bigint);
\\copy staging FROM '{tsv}' WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01')
CREATE TABLE docs AS SELECT id, title, body, nullif(fund, '') AS fund, nullif(region, '') AS region,
  string_to_array(nullif(years, ''), ',')::int[] AS years, "start", "end", budget, granted,
  setweight(to_tsvector('swedish', title), 'A') || setweight(to_tsvector('swedish', body), 'B') AS tsv
  FROM staging;
CREATE INDEX docs_tsv ON docs USING gin(tsv);
DROP TABLE staging;
VACUUM ANALYZE docs;
"""
    open(os.path.join(work, "pg-load.sql"), "w", encoding="utf-8").write(sql)


def pg_bench(work, rounds, warmup):
    mix = json.load(open(os.path.join(work, "peer-mix.json"), encoding="utf-8"))
    quote = lambda v: "'%s'" % v.replace("'", "''")
    rows = []
    for i, q in enumerate(mix):
        rows.append(
            "(%d, %s, %s, %s, %s)"
            % (i, quote(q["class"]), quote(q["tsquery"]), quote(sql_where(q, quote)), quote(sql_order(q, "r DESC")))
        )
    ids_sql = "".join(
        "\\o %s\nSELECT id FROM docs WHERE tsv @@ to_tsquery('swedish', %s);\n\\o\n"
        % (os.path.join(os.path.abspath(work), "ids", "postgres-%s.txt" % q["query"]), quote(q["tsquery"]))
        for q in mix
        if q["class"] == "compound_part"
    )
    sql = f"""
\\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS queries, timings;
CREATE TABLE queries(n int, class text, tsq text, where_sql text, order_sql text);
INSERT INTO queries VALUES {", ".join(rows)};
CREATE TABLE timings(class text, ms float8, total bigint);
CREATE OR REPLACE FUNCTION run_query(tsq text, where_sql text, order_sql text) RETURNS bigint AS $f$
DECLARE total bigint; top json; funds json; regions json; years json;
BEGIN
  EXECUTE format('WITH m AS MATERIALIZED (SELECT id, title, fund, region, years, "start", "end", budget,
      granted, ts_rank(tsv, q) AS r FROM docs, to_tsquery(''swedish'', %L) q WHERE tsv @@ q %s)
    SELECT (SELECT count(*) FROM m),
      (SELECT json_agg(x) FROM (SELECT id, title FROM m ORDER BY %s LIMIT 10) x),
      (SELECT json_agg(x) FROM (SELECT fund, count(*) FROM m GROUP BY fund) x),
      (SELECT json_agg(x) FROM (SELECT region, count(*) FROM m GROUP BY region) x),
      (SELECT json_agg(x) FROM (SELECT y, count(*) FROM m, unnest(years) y GROUP BY y) x)',
    tsq, where_sql, order_sql) INTO total, top, funds, regions, years;
  RETURN total;
END $f$ LANGUAGE plpgsql;
DO $d$
DECLARE q record; t0 timestamptz; total bigint;
BEGIN
  FOR r IN 1..{warmup + rounds} LOOP
    FOR q IN SELECT * FROM queries ORDER BY n LOOP
      t0 := clock_timestamp();
      total := run_query(q.tsq, q.where_sql, q.order_sql);
      IF r > {warmup} THEN
        INSERT INTO timings VALUES (q.class, extract(epoch FROM clock_timestamp() - t0) * 1000, total);
      END IF;
    END LOOP;
  END LOOP;
END $d$;
\\o {os.path.join(os.path.abspath(work), "pg-times.json")}
SELECT json_build_object('times', (SELECT json_object_agg(class, ms) FROM
    (SELECT class, json_agg(ms) AS ms FROM timings GROUP BY class) t),
  'hits', (SELECT json_object_agg(class, s) FROM (SELECT class, sum(total) AS s FROM timings GROUP BY class) h),
  'docs', (SELECT count(*) FROM docs),
  'index_bytes', pg_total_relation_size('docs'));
\\o
{ids_sql}"""
    open(os.path.join(work, "pg-bench.sql"), "w", encoding="utf-8").write(sql)


def percentile(values, q):
    """Nearest rank, as fynd bench computes it."""
    v = sorted(values)
    if not v:
        return None
    import math
    rank = math.ceil(q * len(v))
    return v[min(max(rank, 1), len(v)) - 1]


def class_stats(result):
    """Per class (p50, p99, mean hits) of one engine's result: given by fynd, computed from
    the timings for the others."""
    if "stats" in result:
        return {c: tuple(v) for c, v in result["stats"].items()}
    return {
        c: (percentile(t, 0.5), percentile(t, 0.99), result.get("hits", {}).get(c, 0) / len(t))
        for c, t in result["times"].items()
    }


def pass_files(work, name):
    """The further query passes of engine `name` (run.sh's PASSES), in pass order."""
    found = []
    for entry in os.listdir(work):
        prefix = "result-%s-pass" % name
        if entry.startswith(prefix) and entry.endswith(".json"):
            found.append((int(entry[len(prefix):-len(".json")]), os.path.join(work, entry)))
    return [path for _, path in sorted(found)]


def median(values):
    """The middle value; the mean of the two middle values for an even count."""
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def median_over_passes(passes):
    """Each class's p50 and p99 as the median over the query passes (one pass: itself), so
    one slow stretch of a shared machine does not decide a class."""
    merged = {}
    for c in passes[0]:
        runs = [p[c] for p in passes if c in p]
        merged[c] = (median([r[0] for r in runs]), median([r[1] for r in runs]), runs[0][2])
    return merged


def report(work, raw_bytes, truth_path):
    raw_bytes = int(raw_bytes)
    engines = []
    for name in ("fynd", "lucene", "lucene-plain", "sqlite", "postgres"):
        path = os.path.join(work, "result-%s.json" % name)
        if os.path.exists(path):
            r = json.load(open(path))
            r["engine"] = name
            r["passes"] = [class_stats(r)] + [
                class_stats(json.load(open(p))) for p in pass_files(work, name)
            ]
            r["stats"] = median_over_passes(r["passes"])
            rss = os.path.join(work, "rss-%s.txt" % name)
            if os.path.exists(rss):
                r["peak_rss_kb"] = int(open(rss).read().split()[0])
            engines.append(r)
    truth = {}
    for line in open(truth_path, encoding="utf-8"):
        if line.startswith("#"):
            continue
        doc, probes = line.rstrip("\n").split("\t")
        for p in probes.split(","):
            truth.setdefault(p, set()).add(doc)
    for r in engines:
        recalls = []
        for probe, relevant in truth.items():
            path = os.path.join(work, "ids", "%s-%s.txt" % (r["engine"], probe))
            if os.path.exists(path):
                found = set(open(path, encoding="utf-8").read().split())
                recalls.append(len(found & relevant) / len(relevant))
        r["recall"] = sum(recalls) / len(recalls) if len(recalls) == len(truth) else None
        r["recall_min"] = min(recalls) if len(recalls) == len(truth) else None
    fynd = next((r for r in engines if r["engine"] == "fynd"), None)
    fmt = lambda v, spec: "—" if v is None else format(v, spec)
    ratio = lambda a, b: "—" if a is None or not b else "%.2f" % (a / b)
    print("### Indexing (%d documents, %.1f MB of generated files)" % (engines[0]["docs"], raw_bytes / 1e6))
    print()
    print("| engine | index time | docs/s | index size | size / raw | peak RSS | compound-part recall (mean, min) | fynd/peer docs/s | fynd/peer size |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in engines:
        dps = r["docs"] / r["index_seconds"]
        fdps = fynd["docs"] / fynd["index_seconds"] if fynd else None
        rss = r.get("peak_rss_kb")
        print(
            "| %s | %.1f s | %.0f | %.1f MB | %.2f× | %s | %s, %s | %s | %s |"
            % (
                r["engine"], r["index_seconds"], dps, r["index_bytes"] / 1e6, r["index_bytes"] / raw_bytes,
                "—" if rss is None else "%.0f MB" % (rss / 1024),
                fmt(r["recall"], ".3f"), fmt(r["recall_min"], ".3f"),
                "" if r is fynd else ratio(fdps, dps),
                "" if r is fynd else ratio(fynd["index_bytes"] if fynd else None, r["index_bytes"]),
            )
        )
    print()
    classes = []
    for r in engines:
        for c in r["stats"]:
            if c not in classes:
                classes.append(c)
    print("### Query latency, ms: p50 / p99 (top 10 ids and titles, total count, fund, region and year counts)")
    print()
    names = [r["engine"] for r in engines]
    peers = [r for r in engines if r is not fynd]
    head = "| class | " + " | ".join(names) + " | " + " | ".join("fynd/%s p50, p99" % p["engine"] for p in peers) + " |"
    print(head)
    print("|" + "---|" * (1 + len(names) + len(peers)))
    for c in classes:
        cells = []
        stats = {}
        for r in engines:
            t = r["stats"].get(c)
            if t:
                stats[r["engine"]] = (t[0], t[1])
                cells.append("%.2f / %.2f" % stats[r["engine"]])
            else:
                cells.append("—")
        ratios = []
        for p in peers:
            if "fynd" in stats and p["engine"] in stats:
                f, o = stats["fynd"], stats[p["engine"]]
                ratios.append("%s, %s" % (ratio(f[0], o[0]), ratio(f[1], o[1])))
            else:
                ratios.append("—")
        print("| %s | %s | %s |" % (c, " | ".join(cells), " | ".join(ratios)))
    lucene = next((r for r in engines if r["engine"] == "lucene"), None)
    if fynd and lucene and min(len(fynd["passes"]), len(lucene["passes"])) > 1:
        n = min(len(fynd["passes"]), len(lucene["passes"]))
        print()
        print("fynd/lucene p50, p99 in each query pass (the engines took turns):")
        print()
        print("| class | " + " | ".join("pass %d" % (i + 1) for i in range(n)) + " |")
        print("|" + "---|" * (1 + n))
        for c in classes:
            if c not in fynd["stats"] or c not in lucene["stats"]:
                continue
            cells = []
            for i in range(n):
                f, o = fynd["passes"][i].get(c), lucene["passes"][i].get(c)
                cells.append("—" if not f or not o else "%s, %s" % (ratio(f[0], o[0]), ratio(f[1], o[1])))
            print("| %s | %s |" % (c, " | ".join(cells)))
    fresh_path = os.path.join(work, "result-fynd-fresh.json")
    if os.path.exists(fresh_path):
        fresh = json.load(open(fresh_path))
        print()
        print("fynd search as a fresh process, ms: p50 / p99 over %d rounds of the stream "
              "(open the index, search, print the top 10 with passages and the fund, region "
              "and year counts):" % fresh["rounds"])
        print()
        print("| class | p50 / p99 |")
        print("|---|---|")
        for c in classes:
            t = fresh["stats"].get(c)
            if t:
                print("| %s | %.1f / %.1f |" % (c, t[0], t[1]))
    print()
    print("Mean hits per query (same corpus, same queries; engines analyse differently):")
    print()
    print("| class | " + " | ".join(names) + " |")
    print("|" + "---|" * (1 + len(names)))
    for c in classes:
        row = []
        for r in engines:
            t = r["stats"].get(c)
            row.append("—" if not t else "%.0f" % t[2])
        print("| %s | %s |" % (c, " | ".join(row)))


def fynd_result(work, bench_json, index_seconds, index_json, out="result-fynd.json"):
    """result-fynd.json (or `out`, for a further query pass) from `fynd bench --json` and
    the indexing run."""
    bench = json.load(open(bench_json))
    indexed = json.load(open(index_json))
    result = {
        "engine": "fynd",
        "docs": indexed["total_records"],
        "index_seconds": float(index_seconds),
        "index_bytes": bench["index_bytes"],
        "segments": bench["segments"],
        "stats": {c["class"]: (c["p50_ms"], c["p99_ms"], c["mean_hits"]) for c in bench["classes"]},
    }
    json.dump(result, open(os.path.join(work, out), "w"))


def fynd_fresh(work, fynd, rounds, mix_path):
    """result-fynd-fresh.json: every query of the mix run as `fynd search` in a fresh process
    (what a researcher typing commands pays: opening the index, the query, the top 10 with
    passages and the fund, region and year counts, printed), `rounds` times in stream
    order; per class the nearest-rank p50 and p99 of the wall times, in ms."""
    times = {}
    for _ in range(int(rounds)):
        for cls, query, filters, ranges, sort, line in read_mix(mix_path):
            args = [fynd, "search", query, "--index", os.path.join(work, "fynd-index"),
                    "--limit", "10", "--facets", "fund,region,year"]
            for key, value in filters:
                args += ["--filter", "%s=%s" % (key, value)]
            for opt in [p.strip() for p in line.split("|")][2:]:
                key, _, value = opt.partition("=")
                if key in ("budget", "granted", "start", "end"):
                    args += ["--" + key, value]
                elif key == "sort":
                    args += ["--sort", value]
            start = time.perf_counter()
            subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.setdefault(cls, []).append((time.perf_counter() - start) * 1000)
    stats = {c: (percentile(t, 0.5), percentile(t, 0.99)) for c, t in times.items()}
    json.dump({"rounds": int(rounds), "stats": stats},
              open(os.path.join(work, "result-fynd-fresh.json"), "w"))


def pg_result(work, index_seconds):
    """result-postgres.json from pg-times.json and the load time."""
    r = json.load(open(os.path.join(work, "pg-times.json")))
    r.update({"engine": "postgres", "index_seconds": float(index_seconds), "segments": None})
    json.dump(r, open(os.path.join(work, "result-postgres.json"), "w"))


def main():
    cmd = sys.argv[1]
    if cmd == "fynd-result":
        fynd_result(*sys.argv[2:7])
    elif cmd == "fynd-fresh":
        fynd_fresh(*sys.argv[2:6])
    elif cmd == "pg-result":
        pg_result(*sys.argv[2:4])
    elif cmd == "prepare":
        prepare(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "sqlite":
        sqlite_bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "pg-load":
        pg_load(sys.argv[2])
    elif cmd == "pg-bench":
        pg_bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("unknown subcommand " + cmd)


if __name__ == "__main__":
    main()
