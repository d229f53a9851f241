#!/usr/bin/env python3
"""Drives fynd's search page in headless Chromium over the WebDriver protocol (chromedriver on
loopback, standard library only): types a query, clicks a facet, checks that the hits and
counts change as the JSON API says they should, opens a record (and its similar projects),
goes back, walks the trend (clicking a year), concordance and map tabs, switches the
language, and saves screenshots. Exits non-zero on any failure.

Usage: drive.py BASE_URL SCREENSHOT_DIR
"""
import base64
import csv
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

BASE, SHOTS = sys.argv[1].rstrip("/"), sys.argv[2]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
CHROME_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,900",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(method, url, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"{method} {url}: {err.code} {err.read()[:500]!r}") from None


def api(path):
    with urllib.request.urlopen(BASE + path, timeout=30) as answer:
        return json.loads(answer.read())


class Browser:
    def __init__(self):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="fynd-chromium-")
        self.driver = subprocess.Popen(
            ["chromedriver", f"--port={self.port}", "--allowed-ips=127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                call("GET", self.url + "/status", timeout=2)
                break
            except Exception:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium",
                                   "args": CHROME_ARGS + [f"--user-data-dir={self.profile}"]},
        }}}
        self.session = call("POST", self.url + "/session", caps)["value"]["sessionId"]
        self.s = f"{self.url}/session/{self.session}"

    def close(self):
        try:
            call("DELETE", self.s, timeout=20)
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=20)

    def go(self, url):
        call("POST", self.s + "/url", {"url": url})

    def js(self, script, *args):
        return call("POST", self.s + "/execute/sync", {"script": script, "args": list(args)})["value"]

    def find(self, css):
        return call("POST", self.s + "/element", {"using": "css selector", "value": css})["value"][ELEMENT]

    def click(self, css):
        call("POST", f"{self.s}/element/{self.find(css)}/click", {})

    def type(self, css, text):
        call("POST", f"{self.s}/element/{self.find(css)}/value", {"text": text})

    def back(self):
        call("POST", self.s + "/back", {})

    def shot(self, name):
        png = base64.b64decode(call("GET", self.s + "/screenshot")["value"])
        path = os.path.join(SHOTS, name)
        with open(path, "wb") as f:
            f.write(png)
        print(f"  screenshot {path}")

    def wait(self, what, script, *args, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            value = self.js(script, *args)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for: {what}")


# True once the page has rendered the state in its URL.
RENDERED = "return document.body.dataset.rendered === location.search"

STATE = """return {
  summary: document.getElementById('summary').textContent,
  hits: [...document.querySelectorAll('#hits .hit')].map(h => ({
      title: h.querySelector('h3').textContent, meta: h.querySelector('.meta').textContent,
      marks: h.querySelectorAll('.snippet mark').length})),
  facets: Object.fromEntries([...document.querySelectorAll('#facets .facet[data-facet]')].map(
      b => [b.dataset.facet + '=' + b.dataset.value, [Number(b.querySelector('.count').textContent), b.getAttribute('aria-pressed')]])),
  url: location.search, error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
};"""


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"  ok: {message}")


def facet_counts(response):
    return {f"{k}={v['value']}": v["count"] for k, vs in response["facets"].items() for v in vs}


def main():
    os.makedirs(SHOTS, exist_ok=True)
    b = Browser()
    try:
        b.go(BASE + "/")
        b.wait("the first page of hits", RENDERED)
        everything = api("/api/search?q=")
        first = b.js(STATE)
        check(first["summary"].startswith(f"{everything['total']} "), f"the page lists all {everything['total']} records: {first['summary']!r}")

        # Type a query and press Enter (keyboard only).
        query = "samverkan"
        b.type("#q", query + "\ue007")
        b.wait("the hits of the query", RENDERED + " && location.search.includes('q=samverkan')")
        expected = api("/api/search?q=" + query + "&limit=10&facet_limit=15")
        searched = b.js(STATE)
        check(searched["summary"].startswith(f"{expected['total']} "), f"hits for {query!r} as the API counts them: {searched['summary']!r}")
        check([h["title"] for h in searched["hits"]] == [h["title"] for h in expected["hits"]], "hit titles in the API's order")
        check(all(h["marks"] > 0 for h in searched["hits"]), "every snippet has highlighted words")
        check({k: v[0] for k, v in searched["facets"].items()} == facet_counts(expected), "sidebar counts equal the API's facet counts")

        # Click a facet value that narrows the hits.
        fund = expected["facets"]["fund"][0]
        check(fund["count"] < expected["total"], f"facet fund={fund['value']} narrows {expected['total']} hits to {fund['count']}")
        b.click(f"#facets .facet[data-facet='fund'][data-value='{fund['value']}']")
        b.wait("the filtered hits", RENDERED + " && location.search.includes('filter=')")
        filtered = api("/api/search?q=" + query + "&filter=" + urllib.parse.quote("fund:" + fund["value"]) + "&limit=10&facet_limit=15")
        after = b.js(STATE)
        check(after["summary"].startswith(f"{fund['count']} "), f"hits narrowed to {fund['count']}: {after['summary']!r}")
        check(all(fund["value"] in h["meta"] for h in after["hits"]), f"every hit is in fund {fund['value']}")
        check({k: v[0] for k, v in after["facets"].items()} == facet_counts(filtered), "counts changed as the API's do")
        check(facet_counts(filtered) != facet_counts(expected), "the counts did change")
        check(after["facets"][f"fund={fund['value']}"][0] == fund["count"], "the fund facet keeps its own counts (multi-select)")
        check("filter=fund%3A" in after["url"], f"the filter is in the URL: {after['url']}")
        b.shot("search.png")

        # The CSV link exports the hits of this search (header + one row per hit).
        href = b.js("return document.getElementById('export').href")
        with urllib.request.urlopen(href, timeout=30) as answer:
            rows = list(csv.reader(io.StringIO(answer.read().decode())))
        check(href.startswith(BASE + "/api/export?format=csv&") and "filter=fund%3A" in href, f"export link follows the search: {href}")
        check(len(rows) == fund["count"] + 1, f"the export has the {fund['count']} filtered hits")

        # Open a record, check its metadata, go back with the browser's back button.
        title = after["hits"][0]["title"]
        b.click("#hits .hit a.open")
        b.wait("the record view", RENDERED + " && location.search.includes('id=')")
        record = b.js("return {title: document.querySelector('#record h2').textContent, rows: document.querySelectorAll('#record dt').length, body: document.querySelector('#record .body').textContent.length, url: location.search}")
        check(record["title"] == title, f"record view shows {title!r} with {record['rows']} metadata rows")
        check(record["body"] > 100, "record view shows the text")
        similar = api("/api/similar/" + urllib.parse.quote(b.js("return new URLSearchParams(location.search).get('id')")) + "?limit=5")
        b.wait("the similar projects", "return document.querySelector('#record .similar-box h3') !== null")
        shown = b.js("return [...document.querySelectorAll('#record .similar li a')].map(a => a.textContent)")
        check(shown == [h["title"] or h["id"] for h in similar["hits"]], f"the record view lists its {len(shown)} similar projects as the API does")
        b.shot("record.png")
        b.back()
        b.wait("the hits again", RENDERED + " && !location.search.includes('id=')")
        check(b.js(STATE)["summary"] == after["summary"], "back returns to the filtered hits")

        # The trend tab: a bar for every year of the search, as the API counts them; a year
        # is a button that filters the search to it.
        fund_param = "&filter=" + urllib.parse.quote("fund:" + fund["value"])
        b.click("#tab-trend")
        b.wait("the trend", RENDERED + " && location.search.includes('view=trend')")
        points = api("/api/trend?q=" + query + fund_param + "&by=year")["series"][0]["points"]
        bars = b.js("return [...document.querySelectorAll('#trend .year')].map(y => [y.dataset.year, y.querySelector('.value').textContent])")
        check(bars == [[p["bucket"], str(p["count"])] for p in points], f"a bar for each of the {len(points)} years, counted as the API counts")
        b.shot("trend.png")
        year = max(points, key=lambda p: p["count"])
        b.click(f"#trend .year[data-year='{year['bucket']}']")
        b.wait("the hits of that year", RENDERED + " && location.search.includes('year%3A')")
        check(b.js(STATE)["summary"].startswith(f"{year['count']} "), f"clicking {year['bucket']} lists its {year['count']} hits")
        b.back()
        b.wait("the trend again", RENDERED + " && location.search.includes('view=trend')")

        # The concordance tab: the API's lines, aligned on the match, each with its record.
        b.click("#tab-kwic")
        b.wait("the concordance", RENDERED + " && location.search.includes('view=kwic')")
        lines = api("/api/kwic?q=" + query + fund_param + "&limit=200&width=50")["lines"]
        rows = b.js("return [...document.querySelectorAll('#kwic tr')].map(r => [r.querySelector('.match').textContent, r.querySelector('.id').textContent])")
        check(rows and rows == [[l["shown"], l["id"]] for l in lines], f"{len(rows)} concordance lines as the API gives them")
        b.shot("concordance.png")

        # The map tab: a tile per county with the search's counts.
        b.click("#tab-map")
        b.wait("the map", RENDERED + " && location.search.includes('view=map')")
        counties = {v["value"]: v["count"] for v in api("/api/facets/county?q=" + query + fund_param)["values"]}
        tiles = b.js("return Object.fromEntries([...document.querySelectorAll('#map .tile')].map(t => [t.dataset.county, Number(t.querySelector('.count').textContent)]))")
        check(len(tiles) == 21 and all(n == counties.get(c, 0) for c, n in tiles.items()), "21 county tiles with the API's counts")
        b.shot("map.png")
        b.click("#tab-hits")
        b.wait("the hits again", RENDERED + " && !location.search.includes('view=')")
        check(b.js(STATE)["summary"] == after["summary"], "the hits tab shows the same hits")

        # Choose what a word matches: the page passes the mode to the API and the export.
        b.js("const m = document.getElementById('match'); m.value = 'exact'; m.dispatchEvent(new Event('change'));")
        b.wait("the exact-match hits", RENDERED + " && location.search.includes('match=exact')")
        exact = api("/api/search?q=" + query + "&filter=" + urllib.parse.quote("fund:" + fund["value"]) + "&match=exact&limit=10&facet_limit=15")
        check(b.js(STATE)["summary"].startswith(f"{exact['total']} "), f"hits in exact mode as the API counts them: {exact['total']}")
        check("match=exact" in b.js("return document.getElementById('export').href"), "the export link carries the match mode")
        check(exact["explain"]["match"] == "exact", "the API read the query in exact mode")

        # Switch to English.
        b.click("#lang")
        b.wait("English labels", RENDERED + " && location.search.includes('lang=en')")
        check(b.js("return document.querySelector('#search button').textContent") == "Search", "labels in English")

        # A phone-sized window.
        call("POST", b.s + "/window/rect", {"width": 390, "height": 844})
        time.sleep(0.3)
        width = b.js("return document.documentElement.scrollWidth")
        check(width <= 400, f"no sideways scrolling on a phone (page width {width})")
        b.shot("phone.png")
    finally:
        b.close()
    print("browser test passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as err:  # noqa: BLE001 - any failure fails the test loudly
        print(f"BROWSER TEST FAILED: {err}", file=sys.stderr)
        sys.exit(1)
